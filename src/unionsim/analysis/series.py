"""Numbers behind the time-series figures: percentile bands by month, and when flags first fire.

Pure functions of DataFrames read from a results folder (``timeseries.parquet`` has one row per
run and month; month 0 is the state before the first month).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Quantiles of a fan chart: the 90% band, the 50% band and the median.
FAN_QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)

#: How to tell from the monthly indicators when a flag first fired. Each flag maps to conditions
#: (indicator, comparison, threshold), any of which makes it hold; a string threshold names a
#: parameter. The rules repeat ``unionsim.model.outcomes.run_flags`` on the recorded series (tests
#: check they agree with the flags stored per run). Flags whose driver is not recorded monthly
#: (forces deployed, a takeover attempt, troops staying, a temporary deployment, a trade war, a
#: Western energy offer) have no timing.
FLAG_TIMING: dict[str, tuple[tuple[str, str, float | str], ...]] = {
    "mass_protests": (("protest_share", ">=", "public.mass_protest_share"),),
    "ukraine_like_protests": (("protest_radicalism", ">=", "kremlin.crisis_threshold"),),
    "crisis_logic": (("crisis_logic", ">", 0.0),),
    "sectoral_sanctions": (("sanctions_level", ">=", 2.0),),
    "russian_loan": (("loans_total", ">", 0.0),),
    "default": (("reserves", "<=", 0.0),),
    "asset_sale": (("assets_sold", ">", 0.0),),
    "integration_signed": (("roadmaps_signed", ">", 0.0), ("supranational_signed", ">", 0.0)),
    "regime_fell": (("regime", ">=", 2.0),),
    "army_purged": (("army_purge_memory", ">", 0.0),),
    "army_refused_repression": (("army_refusal", ">", 0.0),),
}

#: Most distinct values an indicator may take to be drawn as levels rather than quantile bands.
MAX_LEVELS = 6

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
        conditions = FLAG_TIMING[flag]
        if any(indicator not in body for indicator, _, _ in conditions):
            continue
        hit = np.zeros(len(body), dtype=bool)
        for indicator, op, threshold in conditions:
            level = float(parameters[threshold]) if isinstance(threshold, str) else threshold
            hit |= _OPS[op](body[indicator].to_numpy(dtype="float64"), level)
        first = body.loc[hit].groupby("run")["month"].min()
        out[flag] = first.reindex(runs).astype("float64").to_numpy()
    return out


def cumulative_share(first: pd.Series, n_runs: int, horizon: int) -> np.ndarray:
    """Share of runs in which a flag has fired by the end of each month 0..horizon."""
    months = first.dropna().astype(int).to_numpy()
    counts = np.bincount(months, minlength=horizon + 1)[: horizon + 1]
    return np.cumsum(counts) / n_runs if n_runs else np.zeros(horizon + 1)


def first_month_summary(first: pd.Series, n_runs: int) -> dict[str, float]:
    """Share of runs in which a flag fired and, over those runs, the median and quartiles of the
    first month (month numbers, NaN when it never fired)."""
    months = first.dropna().to_numpy(dtype="float64")
    if not len(months):
        return {"share": 0.0, "median": np.nan, "q1": np.nan, "q3": np.nan, "runs": 0}
    q1, median, q3 = np.quantile(months, [0.25, 0.5, 0.75], method="nearest")
    return {"share": len(months) / n_runs if n_runs else 0.0, "median": float(median),
            "q1": float(q1), "q3": float(q3), "runs": len(months)}


def discrete_levels(ts: pd.DataFrame, indicator: str, max_levels: int = MAX_LEVELS
                    ) -> list[float] | None:
    """The non-zero values of an indicator that takes a few whole values (e.g. 0 or 28 roadmaps,
    sanctions level 0-3), or None when it varies continuously.

    Quantile bands of such a variable jump between the few values and suggest a spread that no
    run has; its share of runs at or above each level says what happened.

    >>> ts = pd.DataFrame({"run": [0, 1, 0, 1], "month": [0, 0, 1, 1], "x": [0, 0, 0, 28.0]})
    >>> discrete_levels(ts, "x")
    [28.0]
    """
    values = ts[indicator].to_numpy(dtype="float64")
    values = values[np.isfinite(values)]
    distinct = np.unique(values)
    if len(distinct) > max_levels or not np.allclose(distinct, np.round(distinct)):
        return None
    return [float(v) for v in distinct if v > 0]


def level_shares(ts: pd.DataFrame, indicator: str, levels) -> pd.DataFrame:
    """Share of runs with ``indicator`` at or above each level, by month (index month, one
    column per level)."""
    values = ts[["run", "month", indicator]]
    runs = values.groupby("month")["run"].nunique()
    return pd.DataFrame({level: (values[indicator] >= level).groupby(values["month"]).sum()
                         / runs for level in levels})
