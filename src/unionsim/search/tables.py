"""The tables a search writes: every candidate, the Pareto set, and each Pareto policy's regret.

Objectives are in percentage points of runs (the headline outputs' scale). A candidate's value
is the mean over the spec's scenarios of its mean over the runs; its Monte Carlo standard error
comes from the spread between parameter draws (each run is a draw of its own unless the spec
plays each draw with several replicates), combined over scenarios as for a mean of independent
means. Because every candidate plays the same runs, the difference between two candidates is
far more precise than either standard error suggests.

Regret (Savage's, as in robust decision making): in each scenario and, when draws have
replicates, in each parameter draw, a policy's regret on an objective is how far it falls short
of the best candidate judged in that scenario and draw (in pp, never negative). A policy that
is good everywhere has a small largest regret even when it is not the best anywhere. The best
of many noisy candidates is an optimistic benchmark, so regret is an upper estimate.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from unionsim.search.evaluation import Evaluations
from unionsim.search.spec import LoadedSearch


def draw_means(search: LoadedSearch, values: np.ndarray) -> np.ndarray:
    """A candidate's per-run values (scenarios x runs x objectives) averaged within each
    parameter draw: scenarios x draws x objectives (each run is its own draw when replicates
    is 1)."""
    replicates = search.spec.evaluation.replicates
    n_s, n_r, n_o = values.shape
    return values.reshape(n_s, n_r // replicates, replicates, n_o).mean(axis=2)


def standard_errors(search: LoadedSearch, values: np.ndarray) -> np.ndarray:
    """The Monte Carlo standard error of each objective's value, in pp."""
    draws = draw_means(search, values)
    n_s, n_d, _ = draws.shape
    if n_d < 2:
        return np.full(draws.shape[2], np.nan)
    per_scenario = draws.var(axis=1, ddof=1) / n_d        # scenarios x objectives
    return np.sqrt(per_scenario.sum(axis=0)) / n_s * 100.0


def candidates_table(search: LoadedSearch, evaluations: Evaluations,
                     pareto: list[str]) -> pd.DataFrame:
    """One row per candidate judged: its lever values, each objective with its standard error,
    the generation it was first judged in, and whether it is in the final Pareto set."""
    rows = []
    objectives = search.spec.objectives
    rank = {key: i + 1 for i, key in enumerate(pareto)}
    for key, values in evaluations.values.items():
        levers = json.loads(key)
        row = {"policy": rank.get(key, 0), "pareto": key in rank,
               "generation": evaluations.first_generation[key],
               **{lever.name: levers[lever.name] for lever in search.levers}}
        means, errors = evaluations.mean(key), standard_errors(search, values)
        for objective, mean, error in zip(objectives, means, errors):
            row[objective.output] = round(float(mean), 3)
            row[f"se:{objective.output}"] = round(float(error), 3)
        rows.append(row)
    table = pd.DataFrame(rows)
    return table.sort_values(["pareto", "policy", "generation"], ascending=[False, True, True],
                             kind="stable").reset_index(drop=True)


def regret_table(search: LoadedSearch, evaluations: Evaluations,
                 pareto: list[str]) -> pd.DataFrame:
    """Long table: for each Pareto policy, objective, scenario and draw, the policy's value,
    the best candidate's and the regret (pp). Draws are told apart only when the spec plays
    each draw with replicates; otherwise the scenario is the unit (draw 0)."""
    per_draw = search.spec.evaluation.replicates > 1
    keys = list(evaluations.values)
    if per_draw:
        stacked = np.stack([draw_means(search, evaluations.values[k]) for k in keys])
    else:
        stacked = np.stack([evaluations.values[k].mean(axis=1, keepdims=True) for k in keys])
    stacked = stacked * 100.0                        # candidates x scenarios x draws x objectives
    signs = np.array([o.sign for o in search.spec.objectives])
    best = (stacked * signs).min(axis=0) * signs     # scenarios x draws x objectives
    rows = []
    for rank, key in enumerate(pareto, start=1):
        mine = stacked[keys.index(key)]
        regret = (mine - best) * signs + 0.0    # + 0.0: no "-0.0" for the best
        for j, objective in enumerate(search.spec.objectives):
            for s, scenario in enumerate(search.scenarios):
                for d in range(mine.shape[1]):
                    rows.append({"policy": rank, "objective": objective.output,
                                 "scenario": scenario.name, "draw": d,
                                 "value": round(float(mine[s, d, j]), 3),
                                 "best": round(float(best[s, d, j]), 3),
                                 "regret": round(float(regret[s, d, j]), 3) + 0.0})
    return pd.DataFrame(rows)


def pareto_table(search: LoadedSearch, candidates: pd.DataFrame,
                 regret: pd.DataFrame) -> pd.DataFrame:
    """The Pareto set: lever values, objectives with standard errors, and each objective's
    largest and mean regret across the scenarios and draws."""
    table = candidates[candidates["pareto"]].drop(columns=["pareto"]).copy()
    for objective in search.spec.objectives:
        mine = regret[regret["objective"] == objective.output].groupby("policy")["regret"]
        table[f"max_regret:{objective.output}"] = table["policy"].map(mine.max()).round(3)
        table[f"mean_regret:{objective.output}"] = table["policy"].map(mine.mean()).round(3)
    return table.reset_index(drop=True)
