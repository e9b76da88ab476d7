"""Summaries of a results folder: outcome probabilities with intervals, flags, indicators."""

from __future__ import annotations

import numpy as np
import pandas as pd

from unionsim.errors import UsageError
from unionsim.model.outcomes import FLAGS, OUTCOMES


def proportion_interval(successes: int, trials: int, confidence: float = 0.95
                        ) -> tuple[float, float]:
    """Wilson score interval for a proportion (scipy's implementation)."""
    from scipy.stats import binomtest

    if trials == 0:
        return (float("nan"), float("nan"))
    ci = binomtest(int(successes), int(trials)).proportion_ci(confidence_level=confidence,
                                                              method="wilson")
    return float(ci.low), float(ci.high)


def ended_in(outcomes: pd.DataFrame, name: str) -> np.ndarray:
    """1 where a run ended in outcome ``name`` (or where flag ``name`` fired), else 0."""
    if name in OUTCOMES:
        return (outcomes["outcome"] == name).to_numpy()
    if name in FLAGS and name in outcomes:
        return outcomes[name].astype(bool).to_numpy()
    raise UsageError(f"unknown outcome '{name}'", field="outcome",
                     hint="one of: " + ", ".join(OUTCOMES) + " (or a flag: "
                          + ", ".join(FLAGS) + ")")


def outcome_table(outcomes: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Share of completed runs ending in each outcome, with a Wilson interval, in precedence order."""
    ok = outcomes[outcomes["status"] == "ok"]
    n = len(ok)
    counts = ok["outcome"].value_counts()
    rows = []
    for name in OUTCOMES:
        k = int(counts.get(name, 0))
        lo, hi = proportion_interval(k, n, confidence)
        rows.append({"outcome": name, "runs": k, "share": k / n if n else float("nan"),
                     "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


def flag_table(outcomes: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Share of completed runs in which each flag fired, with a Wilson interval."""
    ok = outcomes[outcomes["status"] == "ok"]
    n = len(ok)
    rows = []
    for name in FLAGS:
        if name not in ok:
            continue
        k = int(ok[name].astype(bool).sum())
        lo, hi = proportion_interval(k, n, confidence)
        rows.append({"flag": name, "runs": k, "share": k / n if n else float("nan"),
                     "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


def indicator_table(outcomes: pd.DataFrame, names) -> pd.DataFrame:
    """Median and 5th-95th percentiles of final indicators over completed runs."""
    ok = outcomes[outcomes["status"] == "ok"]
    rows = []
    for name in names:
        col = ok[name].astype(float)
        rows.append({"indicator": name, "median": col.median(), "p5": col.quantile(0.05),
                     "p95": col.quantile(0.95), "mean": col.mean()})
    return pd.DataFrame(rows)
