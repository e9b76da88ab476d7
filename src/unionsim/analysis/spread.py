"""Where the spread of an output comes from: parameter uncertainty or chance.

A batch run with ``--replicates R`` draws K parameter vectors (from the posterior or the
scenario's uncertainty) and plays each with R runs of their own seeds (run i plays draw
i // R). By the law of total variance an output Y's variance over the runs is

    Var(Y) = Var(E[Y | draw]) + E[Var(Y | draw)]
             parameter part    chance part

The chance part is estimated by the mean variance within a draw (unbiased, ``ddof=1``). The
variance of the draws' means overstates the parameter part by the chance left in a mean of R
runs, E[Var(Y | draw)] / R, so that much is taken off (the one-way random-effects estimator;
it is floored at 0, since noise can make the difference negative). An outcome share or a flag is
Y = 1 when the run ended so; an indicator is its final value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from unionsim.analysis.labels import KEY_FINAL_INDICATORS
from unionsim.model.outcomes import FLAGS, OUTCOMES


@dataclass(frozen=True)
class VarianceSplit:
    """An output's variance split into parameter uncertainty and chance."""

    output: str
    kind: str  # "outcome", "flag" or "indicator"
    mean: float
    parameter: float  # between-draw variance of the expected value (corrected for noise)
    chance: float     # mean within-draw variance

    @property
    def total(self) -> float:
        return self.parameter + self.chance

    @property
    def parameter_share(self) -> float:
        """The parameters' share of the variance (NaN when the output never varies)."""
        return self.parameter / self.total if self.total > 0 else float("nan")


def split_variance(values, draws) -> tuple[float, float]:
    """(parameter part, chance part) of the variance of ``values`` grouped by ``draws``.

    Draws with a single run add nothing to the chance part; the correction for the noise in each
    draw's mean uses each draw's own run count.
    """
    frame = pd.DataFrame({"y": np.asarray(values, dtype=float), "draw": np.asarray(draws)})
    groups = frame.groupby("draw")["y"]
    n = groups.size().to_numpy(dtype=float)
    means = groups.mean().to_numpy(dtype=float)
    var = groups.var(ddof=1).to_numpy(dtype=float)
    within_df = n - 1
    if within_df.sum() <= 0 or len(means) < 2:
        return float("nan"), float("nan")
    chance = float(np.nansum(var * within_df) / within_df.sum())
    between = float(np.var(means, ddof=1)) - chance * float(np.mean(1.0 / n))
    return max(0.0, between), chance


def spread_table(outcomes: pd.DataFrame, replicates: int,
                 indicators=KEY_FINAL_INDICATORS) -> pd.DataFrame:
    """Each outcome's share, each flag and the key final indicators, their variance split into
    parameter uncertainty and chance, for a batch of ``replicates`` runs per parameter draw."""
    ok = outcomes[outcomes["status"] == "ok"]
    draws = ok["run"].to_numpy() // replicates
    columns: list[tuple[str, str, np.ndarray]] = []
    columns += [(name, "outcome", (ok["outcome"] == name).to_numpy(dtype=float))
                for name in OUTCOMES]
    columns += [(name, "flag", ok[name].astype(float).to_numpy())
                for name in FLAGS if name in ok]
    columns += [(name, "indicator", ok[name].astype(float).to_numpy())
                for name in indicators if name in ok]
    rows = []
    for name, kind, y in columns:
        parameter, chance = split_variance(y, draws)
        split = VarianceSplit(name, kind, float(np.mean(y)) if len(y) else float("nan"),
                              parameter, chance)
        rows.append({"output": name, "kind": kind, "mean": split.mean,
                     "parameter_var": parameter, "chance_var": chance,
                     "parameter_share": split.parameter_share})
    return pd.DataFrame(rows, columns=["output", "kind", "mean", "parameter_var", "chance_var",
                                       "parameter_share"])


@dataclass(frozen=True)
class SpreadReport:
    """The split for a results folder, or why it cannot be made."""

    table: pd.DataFrame | None
    draws: int
    replicates: int
    reason: str = ""  # why there is no table, or what the table means

    @property
    def available(self) -> bool:
        return self.table is not None


def folder_spread(manifest: dict, outcomes: pd.DataFrame) -> SpreadReport:
    """The variance split of a results folder, or the reason the folder does not allow it."""
    replicates = int(manifest.get("replicates", 1) or 1)
    n_runs = int(manifest.get("n_runs", len(outcomes)))
    draws = n_runs // replicates
    sampled = manifest.get("sampled_parameters") or []
    if not sampled:
        return SpreadReport(None, 0, replicates,
                            "no parameter is drawn per run (fixed parameters): all of the spread "
                            "is chance")
    if replicates < 2:
        return SpreadReport(None, draws, replicates,
                            "every run has a parameter draw of its own, so parameter "
                            "uncertainty and chance cannot be told apart; run with "
                            "--replicates R (R runs per draw, e.g. --runs 400 --replicates 4) "
                            "to split the spread")
    if draws < 2:
        return SpreadReport(None, draws, replicates,
                            "one parameter draw only: run more runs than --replicates")
    return SpreadReport(spread_table(outcomes, replicates), draws, replicates,
                        f"{draws} parameter draws x {replicates} runs each (law of total "
                        "variance: between-draw variance of the draws' means, less the chance "
                        "left in a mean of that many runs, vs the mean within-draw variance)")
