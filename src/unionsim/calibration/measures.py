"""What the model says about each target: measures computed from a batch's results.

A measure reads only what a results folder stores (``outcomes.parquet``'s rows and
``timeseries.parquet``'s run x month rows, month 0 being the state before the first month), so
the same function scores a calibration particle's replicate runs, a posterior batch on disk, or
any other folder. Errors are normalised by the target's tolerance: ``|z| <= 1`` is a hit.
"""

from __future__ import annotations

import operator
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from unionsim.config.schema import TargetMeasure, month_index
from unionsim.config.targets import LoadedTarget, observed_value, scenario_spec

_OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}


def _condition(series: pd.DataFrame, m: TargetMeasure) -> pd.Series:
    return _OPS[m.op](series[m.indicator], m.threshold)


def _window(series: pd.DataFrame, m: TargetMeasure, start: str, first: int = 1) -> pd.DataFrame:
    lo = month_index(m.from_, start) if m.from_ is not None else first
    hi = month_index(m.to, start) if m.to is not None else int(series["month"].max())
    return series[(series["month"] >= lo) & (series["month"] <= hi)]


def per_run_values(m: TargetMeasure, outcomes: pd.DataFrame, series: pd.DataFrame | None,
                   start: str, horizon: int) -> pd.Series:
    """The measure's value in each finished run, indexed by run (before aggregating over runs).

    ``share_by`` gives 1.0 or 0.0 per run, ``event_month`` the month number of the first
    crossing (censored after ``to`` or the horizon), ``flag_share`` the flag as 1.0 or 0.0.
    """
    ok = outcomes[outcomes["status"] == "ok"] if "status" in outcomes else outcomes
    runs = ok["run"].to_numpy()
    if m.kind == "flag_share":
        return pd.Series(ok[m.flag].astype(bool).to_numpy(dtype=float), index=runs)
    if series is None or series.empty:
        raise ValueError(f"a '{m.kind}' measure needs the time series (run without "
                         f"--no-timeseries)")
    if m.kind == "value_at":
        at = series[series["month"] == month_index(m.month, start)]
        return at.set_index("run")[m.indicator].astype(float).reindex(runs)
    window = _window(series, m, start)
    if m.kind in ("mean_over", "max_over"):
        how = "mean" if m.kind == "mean_over" else "max"
        return window.groupby("run")[m.indicator].agg(how).astype(float).reindex(runs)
    held = window.assign(held=_condition(window, m).to_numpy())
    if m.kind == "share_by":
        return held.groupby("run")["held"].any().reindex(runs, fill_value=False).astype(float)
    if m.kind == "event_month":
        first = held[held["held"]].groupby("run")["month"].min()
        censored = (month_index(m.to, start) if m.to is not None else horizon) + 1
        return first.reindex(runs).fillna(censored).astype(float)
    raise ValueError(f"unknown measure kind {m.kind}")


def compute_measure(m: TargetMeasure, outcomes: pd.DataFrame, series: pd.DataFrame | None,
                    start: str, horizon: int) -> float:
    """The value of one measure over a batch (see `TargetMeasure` for each kind)."""
    values = per_run_values(m, outcomes, series, start, horizon).to_numpy(dtype=float)
    if m.kind == "event_month":
        return float(np.median(values))
    if m.kind in ("share_by", "flag_share"):
        return float(np.mean(values))
    return float(np.median(values) if m.statistic == "median" else np.mean(values))


def measure_targets(targets: Sequence[LoadedTarget],
                    batches: Mapping[str, tuple[pd.DataFrame, pd.DataFrame | None]]
                    ) -> dict[str, float]:
    """Each measured target's value, from ``batches``: scenario name -> (outcomes, series)."""
    out = {}
    for t in targets:
        spec = scenario_spec(t.scenario)
        outcomes, series = batches[t.scenario]
        out[t.id] = compute_measure(t.target.measure, outcomes, series, spec.start, spec.horizon)
    return out


def normalised_errors(targets: Sequence[LoadedTarget], values: Mapping[str, float]
                      ) -> dict[str, float]:
    """(measure - observed) / tolerance per target: within [-1, 1] is a hit."""
    out = {}
    for t in targets:
        spec = scenario_spec(t.scenario)
        out[t.id] = (values[t.id] - observed_value(t.target, spec.start)) / t.target.tolerance
    return out


def distance(targets: Sequence[LoadedTarget], values: Mapping[str, float]) -> float:
    """Root mean square of the tolerance-normalised errors over ``targets``.

    Every target weighs the same once divided by its tolerance; a distance of 1 means the
    targets are missed by one tolerance on average (in the quadratic sense).
    """
    z = np.array(list(normalised_errors(targets, values).values()), dtype=float)
    return float(np.sqrt(np.mean(z ** 2))) if z.size else 0.0
