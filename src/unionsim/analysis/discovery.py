"""Scenario discovery: the parameter ranges under which an outcome becomes likely.

A CART decision tree (scikit-learn) is fitted to the runs of a folder whose parameters varied per
run (``param.*`` columns, e.g. a sensitivity design). Each leaf is a box of parameter ranges;
like PRIM boxes (Bryant and Lempert 2010) it is judged by

* **density**: the share of the box's runs that end in the outcome;
* **coverage**: the share of all runs ending in the outcome that fall in the box;
* **mass**: the share of all runs in the box.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from unionsim.analysis.summary import ended_in
from unionsim.errors import ResultsError


@dataclass
class Box:
    """Parameter ranges (name -> (low, high), only the restricted ones) and their statistics."""

    limits: dict[str, tuple[float, float]]
    runs: int
    hits: int
    density: float
    coverage: float
    mass: float

    def describe(self) -> str:
        if not self.limits:
            return "whole parameter space"
        return " and ".join(f"{lo:.4g} <= {n} <= {hi:.4g}" for n, (lo, hi) in self.limits.items())


@dataclass
class Discovery:
    outcome: str
    base_rate: float
    hits: int
    runs: int
    parameters: list[str]
    boxes: list[Box]
    importance: pd.Series
    files: list[Path] = field(default_factory=list)

    def table(self) -> pd.DataFrame:
        return pd.DataFrame([{"box": i + 1, "density": b.density, "coverage": b.coverage,
                              "mass": b.mass, "runs": b.runs, "hits": b.hits,
                              "ranges": b.describe()} for i, b in enumerate(self.boxes)])


def discover(outcomes: pd.DataFrame, outcome: str, *, max_depth: int = 3,
             min_leaf: float = 0.05, seed: int = 0) -> Discovery:
    """Fit a tree to ``param.*`` columns and return its leaves as boxes, densest first.

    ``min_leaf`` is the smallest box as a share of runs, which keeps boxes from fitting noise.
    """
    from sklearn.tree import DecisionTreeClassifier

    ok = outcomes[outcomes["status"] == "ok"]
    y = ended_in(ok, outcome)
    columns = [c for c in ok.columns if c.startswith("param.")]
    if not columns:
        raise ResultsError("no parameter varied in this batch (no param.* columns), so there are "
                           "no ranges to discover", hint="run a design first, e.g. unionsim "
                           "sensitivity baseline --method sobol --n 64 --all --out DIR")
    x = ok[columns].to_numpy(dtype=float)
    names = [c.removeprefix("param.") for c in columns]
    n, hits = len(y), int(y.sum())
    if hits == 0:
        raise ResultsError(f"no run ended in '{outcome}' ({n} runs): nothing to discover",
                           hint="choose an outcome that occurs, or widen the design")
    tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=max(5, int(min_leaf * n)),
                                  random_state=seed).fit(x, y)
    lo, hi = x.min(axis=0), x.max(axis=0)
    boxes = []
    leaf_of = tree.apply(x)
    for leaf, limits in _leaf_limits(tree.tree_, names, lo, hi).items():
        inside = leaf_of == leaf
        k, m = int(y[inside].sum()), int(inside.sum())
        boxes.append(Box(limits=limits, runs=m, hits=k, density=k / m, coverage=k / hits,
                         mass=m / n))
    boxes.sort(key=lambda b: (b.density, b.coverage), reverse=True)
    importance = pd.Series(tree.feature_importances_, index=names).sort_values(ascending=False)
    return Discovery(outcome=outcome, base_rate=hits / n, hits=hits, runs=n, parameters=names,
                     boxes=boxes, importance=importance[importance > 0])


def _leaf_limits(t, names, lo, hi) -> dict[int, dict[str, tuple[float, float]]]:
    """Walk the fitted tree: each leaf id -> the ranges its path imposes."""
    out: dict[int, dict[str, tuple[float, float]]] = {}

    def walk(node: int, limits: dict[str, tuple[float, float]]) -> None:
        if t.children_left[node] == -1:
            out[node] = limits
            return
        name, cut = names[t.feature[node]], float(t.threshold[node])
        j = names.index(name)
        a, b = limits.get(name, (float(lo[j]), float(hi[j])))
        walk(t.children_left[node], {**limits, name: (a, min(b, cut))})
        walk(t.children_right[node], {**limits, name: (max(a, cut), b)})

    walk(0, {})
    return out


def discover_folder(run_dir: str | Path, outcome: str, *, out: str | Path | None = None,
                    max_depth: int = 3, min_leaf: float = 0.05) -> Discovery:
    """`discover` on a results folder; writes the boxes (CSV) and a figure into ``out``
    (default ``RUN_DIR/discovery``)."""
    from unionsim.analysis.figures import discovery_figure
    from unionsim.analysis.outputs import output_folder, save_figure, save_table
    from unionsim.experiment.store import load_results

    res = load_results(run_dir)
    found = discover(res.outcomes, outcome, max_depth=max_depth, min_leaf=min_leaf)
    out = output_folder(run_dir, out, "discovery")
    found.files = [save_table(found.table(), out, f"{outcome}_boxes.csv"),
                   save_figure(discovery_figure(res, found), out, f"{outcome}.png")]
    return found
