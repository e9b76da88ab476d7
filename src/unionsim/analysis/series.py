"""Numbers behind the time-series figures: percentile bands by month, and when flags first fire.

Pure functions of DataFrames read from a results folder (``timeseries.parquet`` has one row per
run and month; month 0 is the state before the first month).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Quantiles of a fan chart: the 90% band, the 50% band and the median.
FAN_QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)

#: How to tell from the monthly indicators when a flag first fired. Each flag maps to
#: (indicator, comparison, threshold); a string threshold names a parameter. The rules repeat
#: ``unionsim.model.outcomes.run_flags`` on the recorded series (tests check they agree with the
#: flags stored per run). Flags whose driver is not recorded monthly (troops staying, a trade war,
#: a Western energy offer, an attempted intervention) have no timing.
FLAG_TIMING: dict[str, tuple[str, str, float | str]] = {
    "mass_protests": ("protest_share", ">=", "public.mass_protest_share"),
    "ukraine_like_protests": ("protest_radicalism", ">=", "kremlin.crisis_threshold"),
    "crisis_logic": ("crisis_logic", ">", 0.0),
    "sectoral_sanctions": ("sanctions_level", ">=", 2.0),
    "russian_loan": ("loans_total", ">", 0.0),
    "default": ("reserves", "<=", 0.0),
    "assets_sold": ("assets_sold", ">", 0.0),
    "roadmaps_signed": ("roadmaps_signed", ">", 0.0),
    "regime_fell": ("regime", ">=", 2.0),
}

_OPS = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal}


def ok_runs(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The completed runs (failed runs have no outcome or indicators)."""
    return outcomes[outcomes["status"] == "ok"]


def fan_bands(ts: pd.DataFrame, indicator: str,
              quantiles: tuple[float, ...] = FAN_QUANTILES) -> pd.DataFrame:
    """Quantiles of ``indicator`` over runs for each month: index month, one column per quantile.

    >>> ts = pd.DataFrame({"run": [0, 1, 2] * 2, "month": [0, 0, 0, 1, 1, 1],
    ...                    "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    >>> fan_bands(ts, "x", (0.5,))[0.5].tolist()
    [2.0, 5.0]
    """
    values = ts[["month", indicator]].astype({indicator: "float64"})
    bands = values.groupby("month")[indicator].quantile(list(quantiles)).unstack()
    bands.columns = [float(q) for q in bands.columns]
    return bands


def first_fire_months(ts: pd.DataFrame, parameters: dict[str, float],
                      flags=None) -> pd.DataFrame:
    """The first month (1-based) in which each timed flag held, per run.

    Returns a frame indexed by run with one column per flag; NaN where it never fired.
    """
    flags = [f for f in (flags or FLAG_TIMING) if f in FLAG_TIMING]
    runs = np.sort(ts["run"].unique())
    out = pd.DataFrame(index=pd.Index(runs, name="run"))
    body = ts[ts["month"] >= 1]
    for flag in flags:
        indicator, op, threshold = FLAG_TIMING[flag]
        if indicator not in body:
            continue
        level = float(parameters[threshold]) if isinstance(threshold, str) else threshold
        hit = _OPS[op](body[indicator].to_numpy(dtype="float64"), level)
        first = body.loc[hit].groupby("run")["month"].min()
        out[flag] = first.reindex(runs).astype("float64").to_numpy()
    return out


def cumulative_share(first: pd.Series, n_runs: int, horizon: int) -> np.ndarray:
    """Share of runs in which a flag has fired by the end of each month 0..horizon."""
    months = first.dropna().astype(int).to_numpy()
    counts = np.bincount(months, minlength=horizon + 1)[: horizon + 1]
    return np.cumsum(counts) / n_runs if n_runs else np.zeros(horizon + 1)
