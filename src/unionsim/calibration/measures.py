"""What the model says about each target: measures computed from a batch's results.

A measure reads only what a results folder stores (``outcomes.parquet``'s rows and
``timeseries.parquet``'s run x month rows, month 0 being the state before the first month), so
the same function scores a calibration particle's replicate runs, a posterior batch on disk, or
any other folder. `TargetMeasure` (config.schema) defines each kind. Errors are normalised by the
target's tolerance and its side (`error_in_tolerances`): ``|z| <= 1`` is a hit.

A measure that contrasts two scenarios (``difference_of`` / ``ratio_of`` with a nested measure
naming another scenario) needs that scenario's batch too: ``others`` maps a scenario's name to
its (outcomes, series, start, horizon).
"""

from __future__ import annotations

import operator
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from unionsim.config.schema import RunCondition, Target, TargetMeasure, month_index
from unionsim.config.targets import LoadedTarget, observed_value, scenario_spec

_OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}
# kinds whose value over a batch is the share of runs with a per-run 1.0
_SHARES = ("share_by", "flag_share", "first_month_between", "share_of_runs_with")
# kinds whose per-run value is undefined (NaN) for runs outside their denominator
_CONDITIONAL = ("order_of_events", "conditional_share")
_PAIRS = ("difference_of", "ratio_of")

Batch = tuple  # (outcomes, series, start, horizon)


def _ok(outcomes: pd.DataFrame) -> pd.DataFrame:
    return outcomes[outcomes["status"] == "ok"] if "status" in outcomes else outcomes


def _condition(series: pd.DataFrame, m) -> pd.Series:
    return _OPS[m.op](series[m.indicator], m.threshold)


def _bounds(series: pd.DataFrame, from_, to, start: str, first: int) -> tuple[int, int]:
    lo = month_index(from_, start) if from_ is not None else first
    hi = month_index(to, start) if to is not None else int(series["month"].max())
    return lo, hi


def _window(series: pd.DataFrame, m, start: str, first: int = 1) -> pd.DataFrame:
    lo, hi = _bounds(series, m.from_, m.to, start, first)
    return series[(series["month"] >= lo) & (series["month"] <= hi)]


def _first_months(window: pd.DataFrame, cond, runs) -> pd.Series:
    """Month of the first month in ``window`` where ``cond`` holds, per run (NaN: never)."""
    held = window[_condition(window, cond).to_numpy()]
    return held.groupby("run")["month"].min().reindex(runs).astype(float)


def condition_per_run(c: RunCondition, outcomes: pd.DataFrame, series: pd.DataFrame | None,
                      start: str) -> pd.Series:
    """Whether each finished run satisfies ``c`` (True/False, indexed by run)."""
    ok = _ok(outcomes)
    runs = ok["run"].to_numpy()
    if c.flag is not None:
        values = ok[c.flag].astype(float).to_numpy()
        return pd.Series(_OPS[c.op](values, c.threshold), index=runs)
    if series is None or series.empty:
        raise ValueError("a condition on an indicator needs the time series (run without "
                         "--no-timeseries)")
    if c.when == "change":
        lo, hi = _bounds(series, c.from_, c.to, start, first=0)
        by_month = series.set_index(["run", "month"])[c.indicator]
        first = by_month.xs(lo, level="month").reindex(runs)
        last = by_month.xs(hi, level="month").reindex(runs)
        return pd.Series(_OPS[c.op](last - first, c.threshold).fillna(False).to_numpy(dtype=bool),
                         index=runs)
    window = _window(series, c, start)
    held = window.assign(held=_condition(window, c).to_numpy()).groupby("run")["held"]
    held = held.any() if c.when == "any" else held.all()
    return held.reindex(runs, fill_value=False).astype(bool)


def _all_conditions(conditions, outcomes, series, start, runs) -> pd.Series:
    mask = pd.Series(True, index=runs)
    for c in conditions or []:
        mask &= condition_per_run(c, outcomes, series, start).reindex(runs, fill_value=False)
    return mask


def _any_condition(conditions, outcomes, series, start, runs) -> pd.Series:
    if not conditions:
        return pd.Series(True, index=runs)
    mask = pd.Series(False, index=runs)
    for c in conditions:
        mask |= condition_per_run(c, outcomes, series, start).reindex(runs, fill_value=False)
    return mask


def per_run_values(m: TargetMeasure, outcomes: pd.DataFrame, series: pd.DataFrame | None,
                   start: str, horizon: int, others: Mapping[str, Batch] | None = None
                   ) -> pd.Series:
    """The measure's value in each finished run, indexed by run (before aggregating over runs).

    Shares give 1.0 or 0.0 per run; ``order_of_events`` and ``conditional_share`` give NaN for
    runs outside their denominator; ``event_month`` gives the month number of the first crossing
    (censored after ``to`` or the horizon). A ``difference_of`` / ``ratio_of`` pairs the runs of
    its two measures by position (run i with run i: a paired design, as in the screening, where
    run i of every scenario has the same parameters).
    """
    ok = _ok(outcomes)
    runs = ok["run"].to_numpy()
    if m.kind in _PAIRS:
        left = _nested_per_run(m.left, outcomes, series, start, horizon, others)
        right = _nested_per_run(m.right, outcomes, series, start, horizon, others)
        if len(left) != len(right):
            raise ValueError(f"a per-run '{m.kind}' pairs runs by position: both sides need the "
                             f"same number of runs ({len(left)} against {len(right)})")
        a, b = left.to_numpy(dtype=float), right.to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            values = a - b if m.kind == "difference_of" else np.where(b != 0, a / b, np.nan)
        return pd.Series(values, index=left.index)
    if m.kind == "flag_share":
        return pd.Series(ok[m.flag].astype(bool).to_numpy(dtype=float), index=runs)
    if m.kind == "share_of_runs_with":
        mask = _all_conditions(m.all_of, outcomes, series, start, runs) \
            & _any_condition(m.any_of, outcomes, series, start, runs)
        return mask.astype(float)
    if m.kind == "conditional_share":
        given = _all_conditions(m.given, outcomes, series, start, runs)
        then = _all_conditions(m.all_of, outcomes, series, start, runs) \
            & _any_condition(m.any_of, outcomes, series, start, runs)
        return then.astype(float).where(given)
    if series is None or series.empty:
        raise ValueError(f"a '{m.kind}' measure needs the time series (run without "
                         f"--no-timeseries)")
    if m.kind in ("value_at", "poll") and m.month is not None:
        names = [m.indicator] if m.indicator else list(m.indicators)
        at = series[series["month"] == month_index(m.month, start)].set_index("run")
        return at[names].sum(axis=1, min_count=len(names)).astype(float).reindex(runs)
    if m.kind == "poll":  # fieldwork over several months: the mean over them
        names = [m.indicator] if m.indicator else list(m.indicators)
        window = _window(series, m, start)
        summed = window.assign(_poll=window[names].sum(axis=1, min_count=len(names)))
        return summed.groupby("run")["_poll"].mean().astype(float).reindex(runs)
    window = _window(series, m, start)
    if m.kind in ("mean_over", "max_over"):
        how = "mean" if m.kind == "mean_over" else "max"
        return window.groupby("run")[m.indicator].agg(how).astype(float).reindex(runs)
    if m.kind == "order_of_events":
        first = _first_months(window, m.first, runs)
        then = _first_months(window, m.then, runs)
        before = (first < then).astype(float)  # a first that never held is NaN: not before
        return before.where(then.notna())
    if m.kind == "first_month_between":
        first = _first_months(window, m, runs)
        lo, hi = (month_index(x, start) for x in m.within)
        return ((first >= lo) & (first <= hi)).astype(float)
    held = window.assign(held=_condition(window, m).to_numpy())
    if m.kind == "share_by":
        return held.groupby("run")["held"].any().reindex(runs, fill_value=False).astype(float)
    if m.kind == "event_month":
        first = held[held["held"]].groupby("run")["month"].min()
        censored = (month_index(m.to, start) if m.to is not None else horizon) + 1
        return first.reindex(runs).fillna(censored).astype(float)
    raise ValueError(f"unknown measure kind {m.kind}")


def _nested_per_run(m: TargetMeasure, outcomes, series, start, horizon, others) -> pd.Series:
    if m.scenario is not None:
        outcomes, series, start, horizon = _other(m.scenario, others)
    return per_run_values(m, outcomes, series, start, horizon, others)


def _other(scenario: str, others: Mapping[str, Batch] | None) -> Batch:
    if not others or scenario not in others:
        raise ValueError(f"this measure contrasts scenario '{scenario}': give its batch "
                         f"(others['{scenario}'])")
    return others[scenario]


def aggregate(m: TargetMeasure, values: np.ndarray) -> float:
    """A batch's value from per-run values (not for ``difference_of`` / ``ratio_of``, which
    combine two batch values)."""
    values = np.asarray(values, dtype=float)
    if m.kind in _CONDITIONAL:
        defined = values[np.isfinite(values)]
        return float(defined.mean()) if defined.size else float("nan")
    if values.size == 0:
        return float("nan")
    if m.kind == "event_month":
        return float(np.median(values))
    if m.kind in _SHARES:
        return float(np.mean(values))
    return float(np.median(values) if m.statistic == "median" else np.mean(values))


def compute_measure(m: TargetMeasure, outcomes: pd.DataFrame, series: pd.DataFrame | None,
                    start: str, horizon: int, others: Mapping[str, Batch] | None = None) -> float:
    """The value of one measure over a batch (see `TargetMeasure` for each kind); a nested
    measure naming another scenario is computed over ``others[scenario]``."""
    if m.kind in _PAIRS:
        a = _nested_value(m.left, outcomes, series, start, horizon, others)
        b = _nested_value(m.right, outcomes, series, start, horizon, others)
        if m.kind == "difference_of":
            return a - b
        return a / b if b != 0 else float("nan")
    values = per_run_values(m, outcomes, series, start, horizon, others)
    return aggregate(m, values.to_numpy(dtype=float))


def _nested_value(m: TargetMeasure, outcomes, series, start, horizon, others) -> float:
    if m.scenario is not None:
        outcomes, series, start, horizon = _other(m.scenario, others)
    return compute_measure(m, outcomes, series, start, horizon, others)


def batches_with_specs(batches: Mapping[str, tuple[pd.DataFrame, pd.DataFrame | None]]
                       ) -> dict[str, Batch]:
    """scenario -> (outcomes, series) made into scenario -> (outcomes, series, start, horizon)."""
    out = {}
    for name, (outcomes, series) in batches.items():
        spec = scenario_spec(name)
        out[name] = (outcomes, series, spec.start, spec.horizon)
    return out


def measure_targets(targets: Sequence[LoadedTarget],
                    batches: Mapping[str, tuple[pd.DataFrame, pd.DataFrame | None]]
                    ) -> dict[str, float]:
    """Each measured target's value, from ``batches``: scenario name -> (outcomes, series).
    ``batches`` holds every scenario the targets read (`LoadedTarget.scenarios`)."""
    full = batches_with_specs(batches)
    out = {}
    for t in targets:
        outcomes, series, start, horizon = full[t.scenario]
        out[t.id] = compute_measure(t.target.measure, outcomes, series, start, horizon, full)
    return out


def error_in_tolerances(target: Target, value, start: str, tolerance: float | None = None):
    """(measure - observed) / tolerance, on the target's side: ``at_least`` counts only a
    shortfall (a value above ``observed`` is no error), ``at_most`` only an excess. Works on a
    number or an array; NaN (an undefined measure) stays NaN, which is never a hit.
    ``tolerance`` replaces the target's committed one where a measurement model scores it
    (a poll: `unionsim.calibration.polls.poll_tolerance`, never wider)."""
    observed = observed_value(target, start)
    tolerance = target.tolerance if tolerance is None else tolerance
    z = (np.asarray(value, dtype=float) - observed) / tolerance
    if target.sided == "at_least":
        z = np.minimum(z, 0.0)
    elif target.sided == "at_most":
        z = np.maximum(z, 0.0)
    return float(z) if np.ndim(z) == 0 else z


def normalised_errors(targets: Sequence[LoadedTarget], values: Mapping[str, float],
                      tolerances: Mapping[str, float] | None = None) -> dict[str, float]:
    """Each target's error in tolerances (`error_in_tolerances`): within [-1, 1] is a hit.
    ``tolerances`` gives, by target id, the tolerance a measurement model scores with (polls);
    every other target is scored with its committed tolerance."""
    tolerances = tolerances or {}
    out = {}
    for t in targets:
        spec = scenario_spec(t.scenario)
        out[t.id] = error_in_tolerances(t.target, values[t.id], spec.start,
                                        tolerances.get(t.id))
    return out


def is_hit(target: Target, value, start: str, tolerance: float | None = None):
    """Whether a measure hits the target: a finite error of at most one tolerance (the
    committed one unless ``tolerance`` is given)."""
    z = np.asarray(error_in_tolerances(target, value, start, tolerance), dtype=float)
    hit = np.isfinite(z) & (np.abs(z) <= 1.0)
    return bool(hit) if hit.ndim == 0 else hit


UNDEFINED_ERROR = 1.0


def distance(targets: Sequence[LoadedTarget], values: Mapping[str, float],
             tolerances: Mapping[str, float] | None = None) -> float:
    """Root mean square of the tolerance-normalised errors over ``targets``.

    A poll's value is the poll the measurement model expects (latent opinion plus offsets,
    `unionsim.calibration.polls`) and ``tolerances`` its scoring tolerance, by target id.

    Every target weighs the same once divided by its tolerance; a distance of 1 means the
    targets are missed by one tolerance on average (in the quadratic sense). A measure that is
    undefined because no run met its condition (a conditional share, an ordering whose event
    never happened) gives no evidence either way: it counts as ``UNDEFINED_ERROR`` (one
    tolerance, a marginal miss), so such a particle is neither excluded nor rewarded; whether
    the condition occurs is scored by the targets that measure it. An infinite measure marks a
    particle whose runs all failed: its distance is infinite whatever the targets' sides (a
    one-sided target would otherwise clip it to no error).
    """
    raw = np.array([values[t.id] for t in targets], dtype=float)
    if np.isinf(raw).any():
        return float("inf")
    z = np.array(list(normalised_errors(targets, values, tolerances).values()), dtype=float)
    z = np.where(np.isnan(z), UNDEFINED_ERROR, z)
    return float(np.sqrt(np.mean(z ** 2))) if z.size else 0.0
