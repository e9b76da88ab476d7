"""The search's figure: every pair of objectives, all candidates judged and the Pareto set.

`objective_pair` draws one pair on an Axes from the candidates table (`unionsim.search.tables`);
`pareto_figure` lays out every pair. Each Pareto policy is marked with its number (the
``policy`` column of pareto.csv) and its standard errors as bars, so a front inside the
noise shows as such.
"""

from __future__ import annotations

import itertools
import math
from typing import Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from unionsim.analysis.plots import PALETTE


def _label(objective) -> str:
    arrow = "lower is better" if objective.direction == "minimise" else "higher is better"
    return f"{objective.label or objective.output} (pp; {arrow})"


def objective_pair(candidates: pd.DataFrame, x, y, ax: Axes, *, join: bool = True) -> Axes:
    """Scatter of objective ``x`` against ``y`` (`Objective`s) for every candidate, the Pareto
    set drawn over it with its standard errors and numbers; ``join`` draws the front as a line
    in order of ``x`` (only meaningful when these are the only two objectives: a front of
    three or more, seen in two of them, is no line)."""
    others = candidates[~candidates["pareto"]]
    front = candidates[candidates["pareto"]].sort_values(x.output)
    ax.scatter(others[x.output], others[y.output], s=12, color="0.7", label="candidates judged")
    ax.errorbar(front[x.output], front[y.output], xerr=front[f"se:{x.output}"],
                yerr=front[f"se:{y.output}"], fmt="o", color=PALETTE[0], ms=5, lw=0.8,
                capsize=2, label="Pareto set (± 1 s.e.)")
    if join:
        ax.plot(front[x.output], front[y.output], color=PALETTE[0], lw=0.8, alpha=0.6)
    for _, row in front.iterrows():
        ax.annotate(str(int(row["policy"])), (row[x.output], row[y.output]), fontsize=7,
                    xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel(_label(x), fontsize=8)
    ax.set_ylabel(_label(y), fontsize=8)
    ax.tick_params(labelsize=7)
    return ax


def pareto_figure(candidates: pd.DataFrame, objectives: Sequence, title: str) -> Figure:
    """Every pair of objectives in a grid (one panel for two objectives; a single objective is
    drawn against the generation it was found in)."""
    pairs = list(itertools.combinations(objectives, 2))
    if not pairs:
        return _single(candidates, objectives[0], title)
    cols = min(2, len(pairs))
    rows = math.ceil(len(pairs) / cols)
    fig = Figure(figsize=(5.2 * cols, 4.2 * rows + 0.6), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, (x, y) in zip(axes, pairs):
        objective_pair(candidates, x, y, ax, join=len(objectives) == 2)
    for ax in axes[len(pairs):]:
        ax.set_visible(False)
    axes[0].legend(fontsize=7, loc="best")
    fig.suptitle(title, fontsize=10)
    return fig


def _single(candidates: pd.DataFrame, objective, title: str) -> Figure:
    fig = Figure(figsize=(6, 4.2), layout="constrained")
    ax = fig.subplots()
    others = candidates[~candidates["pareto"]]
    best = candidates[candidates["pareto"]]
    ax.scatter(others["generation"], others[objective.output], s=12, color="0.7",
               label="candidates judged")
    ax.errorbar(best["generation"], best[objective.output], yerr=best[f"se:{objective.output}"],
                fmt="o", color=PALETTE[0], ms=5, capsize=2, label="best (± 1 s.e.)")
    ax.set_xlabel("generation first judged", fontsize=8)
    ax.set_ylabel(_label(objective), fontsize=8)
    ax.legend(fontsize=7)
    fig.suptitle(title, fontsize=10)
    return fig
