"""The search itself: NSGA-II (pymoo) over the levers, each generation judged at once.

pymoo proposes a generation of candidates; `PolicyProblem` turns each into lever values (a
number rounded to `unionsim.search.spec.DECIMALS`, or an option), has the engine judge the ones
not judged before (`unionsim.search.evaluation.Evaluations`) and hands back each objective's mean
over the runs, signed so that pymoo minimises. A categorical lever is a real coordinate in
[0, k) read as the option at its integer part, so NSGA-II's simulated binary crossover and
polynomial mutation apply to every lever alike. pymoo draws from numpy's global generator,
seeded by the search's seed, and the runs depend only on the seed: the same spec, settings and
seed give the same generations and the same Pareto set, whatever the workers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from unionsim.errors import UsageError
from unionsim.search.evaluation import Evaluations, WorkMap, candidate_key
from unionsim.search.spec import LoadedSearch, lever_value


@dataclass
class SearchRun:
    """What the optimiser found: the Pareto set's keys, and every generation's account."""

    pareto: list[str]
    generations: list[dict] = field(default_factory=list)


def require_pymoo() -> None:
    """Refuse at once, with the fix, when the optional optimiser is not installed."""
    try:
        import pymoo  # noqa: F401
    except ImportError:
        raise UsageError("the policy search needs pymoo, which is not installed",
                         field="search", hint='pip install "unionsim[search]"') from None


def bounds(search: LoadedSearch) -> tuple[np.ndarray, np.ndarray]:
    """The optimiser's box: a numeric lever's range, [0, k) for a lever with k options."""
    low, high = [], []
    for lever in search.levers:
        if lever.options is not None:
            low.append(0.0)
            high.append(len(lever.options) - 1e-9)
        else:
            low.append(lever.range[0])
            high.append(lever.range[1])
    return np.array(low), np.array(high)


def decode(search: LoadedSearch, x: np.ndarray) -> dict:
    """One row of the optimiser's coordinates as lever values."""
    return {lever.name: lever_value(lever, xi) for lever, xi in zip(search.levers, x)}


def optimise(search: LoadedSearch, evaluations: Evaluations, run_map: WorkMap, *,
             generations: int, population: int, seed: int,
             notify: Callable[[str], None] = lambda _: None,
             after_generation: Callable[[int], None] = lambda _: None) -> SearchRun:
    """Run NSGA-II for ``generations`` generations of ``population`` candidates.

    ``after_generation(g)`` is called once generation ``g`` (1-based) is judged, so the caller
    can store the evaluations; ``notify`` gets one progress line per generation.
    """
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.config import Config
    from pymoo.core.problem import Problem
    from pymoo.optimize import minimize

    Config.warnings["not_compiled"] = False
    signs = np.array([o.sign for o in search.spec.objectives])
    low, high = bounds(search)
    account = SearchRun(pareto=[])
    started = time.perf_counter()

    class PolicyProblem(Problem):
        def __init__(self):
            super().__init__(n_var=len(low), n_obj=len(signs), xl=low, xu=high)
            self.generation = 0

        def _evaluate(self, X, out, *args, **kwargs):
            self.generation += 1
            t0 = time.perf_counter()
            keys = [candidate_key(decode(search, x)) for x in X]
            runs = evaluations.evaluate(keys, run_map, self.generation)
            out["F"] = np.array([evaluations.mean(k) * signs for k in keys])
            seconds = time.perf_counter() - t0
            account.generations.append({"generation": self.generation,
                                        "candidates": len(set(keys)), "runs": runs,
                                        "seconds": round(seconds, 2)})
            after_generation(self.generation)
            rate = f", {runs / seconds:.0f} runs/s" if runs and seconds > 0 else ""
            notify(f"generation {self.generation} of {generations}: {len(set(keys))} "
                   f"candidates, {runs} new runs in {seconds:.0f} s{rate} "
                   f"({time.perf_counter() - started:.0f} s elapsed)")

    result = minimize(PolicyProblem(), NSGA2(pop_size=population), ("n_gen", generations),
                      seed=seed, verbose=False)
    final = list(dict.fromkeys(candidate_key(decode(search, x))
                               for x in np.atleast_2d(result.X)))
    account.pareto = undominated(final, evaluations, signs)
    return account


def undominated(keys: list[str], evaluations: Evaluations, signs: np.ndarray) -> list[str]:
    """Those of ``keys`` (NSGA-II's final non-dominated candidates) that no candidate judged in
    any generation beats on every objective at once: a candidate NSGA-II dropped along the way
    (its crowding) never dominates a policy reported. Ties are kept."""
    archive = np.array([evaluations.mean(k) * signs for k in evaluations.values])
    kept = []
    for key in keys:
        mine = evaluations.mean(key) * signs
        beaten = np.all(archive <= mine, axis=1) & np.any(archive < mine, axis=1)
        if not beaten.any():
            kept.append(key)
    return kept
