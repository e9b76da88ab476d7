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


class RunTable:
    """A batch's finished runs as arrays: each indicator a run x month grid.

    A measure reads a few indicators over a window of months, once per target and particle; on
    grids that is a handful of array operations where grouping a long table by run costs
    milliseconds. Runs follow ``outcomes``' order of finished runs; months are the months the
    series holds, ascending. A (run, month) the series lacks is marked absent and is never read
    as a value: every measure gives the same numbers as grouping the table's rows by run would.
    """

    def __init__(self, outcomes: pd.DataFrame, series: pd.DataFrame | None):
        self.outcomes = _ok(outcomes)
        self.runs = self.outcomes["run"].to_numpy()
        self.has_series = series is not None and not series.empty
        self._grids: dict[str, np.ndarray] = {}
        if not self.has_series:
            return
        self._series = series
        self.months = np.unique(series["month"].to_numpy())
        self.last_month = int(self.months[-1])
        rows = pd.Index(self.runs).get_indexer(series["run"].to_numpy())
        self._kept = rows >= 0
        self._rows = rows[self._kept]
        self._cols = np.searchsorted(self.months, series["month"].to_numpy()[self._kept])
        self.present = np.zeros((len(self.runs), len(self.months)), dtype=bool)
        self.present[self._rows, self._cols] = True

    @classmethod
    def of(cls, outcomes, series) -> "RunTable":
        """``outcomes`` itself when it is already a table, else the table of the two frames."""
        return outcomes if isinstance(outcomes, RunTable) else cls(outcomes, series)

    def grid(self, indicator: str) -> np.ndarray:
        """The indicator's run x month values (NaN where a run lacks the month), in the
        series' own float type: a comparison, a difference or a sum of float32 values is then
        the one a table's column gives."""
        if indicator not in self._grids:
            values = self._series[indicator].to_numpy()[self._kept]
            if values.dtype.kind != "f":
                values = values.astype(float)
            grid = np.full(self.present.shape, np.nan, dtype=values.dtype)
            grid[self._rows, self._cols] = values
            self._grids[indicator] = grid
        return self._grids[indicator]

    def column(self, month: int) -> int:
        """The grid column of ``month`` (a `KeyError` when the series lacks that month)."""
        i = int(np.searchsorted(self.months, month))
        if i == len(self.months) or self.months[i] != month:
            raise KeyError(month)
        return i

    def window(self, lo: int, hi: int) -> np.ndarray:
        """The grid columns of months ``lo..hi``."""
        return (self.months >= lo) & (self.months <= hi)

    def summed(self, names: Sequence[str]) -> np.ndarray:
        """The sum of indicators in each run and month (NaN where one is missing)."""
        total = self.grid(names[0])
        for name in names[1:]:
            total = total + self.grid(name)
        return total


def _need_series(table: RunTable, what: str) -> None:
    if not table.has_series:
        raise ValueError(f"{what} needs the time series (run without --no-timeseries)")


def _condition(table: RunTable, m) -> np.ndarray:
    """Where the condition holds, by run and month (never where the month is absent)."""
    with np.errstate(invalid="ignore"):
        return _OPS[m.op](table.grid(m.indicator), m.threshold) & table.present


def _bounds(table: RunTable, from_, to, start: str, first: int) -> tuple[int, int]:
    lo = month_index(from_, start) if from_ is not None else first
    hi = month_index(to, start) if to is not None else table.last_month
    return lo, hi


def _window(table: RunTable, m, start: str, first: int = 1) -> np.ndarray:
    return table.window(*_bounds(table, m.from_, m.to, start, first))


def _first_months(table: RunTable, window: np.ndarray, cond) -> np.ndarray:
    """Month of the first month in ``window`` where ``cond`` holds, per run (NaN: never)."""
    held = _condition(table, cond) & window
    months = table.months.astype(float)
    return np.where(held.any(axis=1), months[held.argmax(axis=1)], np.nan)


def _mean_by_run(values: np.ndarray, use: np.ndarray) -> np.ndarray:
    """Each run's mean of its values where ``use`` holds and the value is not NaN (NaN if
    none), in float64. On the float32 series the engine stores, a run's sum over its months is
    exact in float64, so the mean is the one grouping the table's rows by run gives."""
    values = values.astype(float)
    use = use & ~np.isnan(values)
    counts = use.sum(axis=1)
    total = np.where(use, values, 0.0).sum(axis=1)
    return np.where(counts > 0, total / np.maximum(counts, 1), np.nan)


def _max_by_run(values: np.ndarray, use: np.ndarray) -> np.ndarray:
    """Each run's largest value where ``use`` holds, NaN left out (NaN if none)."""
    values = values.astype(float)
    use = use & ~np.isnan(values)
    top = np.where(use, values, -np.inf).max(axis=1, initial=-np.inf)
    return np.where(use.any(axis=1), top, np.nan)


def _held(c: RunCondition, table: RunTable, start: str) -> np.ndarray:
    """Whether each finished run satisfies ``c``, in the table's run order."""
    if c.flag is not None:
        return _OPS[c.op](table.outcomes[c.flag].astype(float).to_numpy(), c.threshold)
    _need_series(table, "a condition on an indicator")
    if c.when == "change":
        lo, hi = _bounds(table, c.from_, c.to, start, first=0)
        grid = table.grid(c.indicator)
        with np.errstate(invalid="ignore"):
            return _OPS[c.op](grid[:, table.column(hi)] - grid[:, table.column(lo)],
                              c.threshold)
    window = _window(table, c, start)
    held = _condition(table, c)[:, window]
    if c.when == "any":
        return held.any(axis=1)
    present = table.present[:, window]
    return (held | ~present).all(axis=1) & present.any(axis=1)


def condition_per_run(c: RunCondition, outcomes: pd.DataFrame, series: pd.DataFrame | None,
                      start: str) -> pd.Series:
    """Whether each finished run satisfies ``c`` (True/False, indexed by run)."""
    table = RunTable.of(outcomes, series)
    return pd.Series(np.asarray(_held(c, table, start), dtype=bool), index=table.runs)


def _all_conditions(conditions, table: RunTable, start: str) -> np.ndarray:
    mask = np.ones(len(table.runs), dtype=bool)
    for c in conditions or []:
        mask &= _held(c, table, start)
    return mask


def _any_condition(conditions, table: RunTable, start: str) -> np.ndarray:
    if not conditions:
        return np.ones(len(table.runs), dtype=bool)
    mask = np.zeros(len(table.runs), dtype=bool)
    for c in conditions:
        mask |= _held(c, table, start)
    return mask


class _Others:
    """The other scenarios' batches a contrast reads, each made a `RunTable` once."""

    def __init__(self, others: Mapping[str, Batch] | None):
        self.others = others or {}
        self.tables: dict[str, tuple] = {}

    def get(self, scenario: str) -> tuple:
        if scenario not in self.tables:
            if scenario not in self.others:
                raise ValueError(f"this measure contrasts scenario '{scenario}': give its batch "
                                 f"(others['{scenario}'])")
            outcomes, series, start, horizon = self.others[scenario]
            self.tables[scenario] = (RunTable.of(outcomes, series), start, horizon)
        return self.tables[scenario]


def _per_run(m: TargetMeasure, table: RunTable, start: str, horizon: int,
             others: _Others) -> np.ndarray:
    """`per_run_values` on a table: one float per finished run, in the table's run order."""
    if m.kind in _PAIRS:
        a = _nested_per_run(m.left, table, start, horizon, others)
        b = _nested_per_run(m.right, table, start, horizon, others)
        if len(a) != len(b):
            raise ValueError(f"a per-run '{m.kind}' pairs runs by position: both sides need the "
                             f"same number of runs ({len(a)} against {len(b)})")
        with np.errstate(divide="ignore", invalid="ignore"):
            return a - b if m.kind == "difference_of" else np.where(b != 0, a / b, np.nan)
    if m.kind == "flag_share":
        return table.outcomes[m.flag].astype(bool).to_numpy(dtype=float)
    if m.kind == "share_of_runs_with":
        return (_all_conditions(m.all_of, table, start)
                & _any_condition(m.any_of, table, start)).astype(float)
    if m.kind == "conditional_share":
        given = _all_conditions(m.given, table, start)
        then = _all_conditions(m.all_of, table, start) & _any_condition(m.any_of, table, start)
        return np.where(given, then.astype(float), np.nan)
    _need_series(table, f"a '{m.kind}' measure")
    if m.kind == "value_at" or m.kind == "poll":
        summed = table.summed([m.indicator] if m.indicator else list(m.indicators))
        if m.month is not None:
            month = month_index(m.month, start)
            if month not in table.months:
                return np.full(len(table.runs), np.nan)
            return np.where(table.present[:, table.column(month)],
                            summed[:, table.column(month)].astype(float), np.nan)
        if m.kind == "poll":  # fieldwork over several months: the mean over them
            return _mean_by_run(summed, table.present & _window(table, m, start))
    window = _window(table, m, start)
    if m.kind == "mean_over":
        return _mean_by_run(table.grid(m.indicator), table.present & window)
    if m.kind == "max_over":
        return _max_by_run(table.grid(m.indicator), table.present & window)
    if m.kind == "order_of_events":
        first = _first_months(table, window, m.first)
        then = _first_months(table, window, m.then)
        # a first that never held is NaN: not before
        return np.where(np.isnan(then), np.nan, (first < then).astype(float))
    if m.kind == "first_month_between":
        first = _first_months(table, window, m)
        lo, hi = (month_index(x, start) for x in m.within)
        return ((first >= lo) & (first <= hi)).astype(float)
    if m.kind == "share_by":
        return (_condition(table, m) & window).any(axis=1).astype(float)
    if m.kind == "event_month":
        first = _first_months(table, window, m)
        censored = (month_index(m.to, start) if m.to is not None else horizon) + 1
        return np.where(np.isnan(first), float(censored), first)
    raise ValueError(f"unknown measure kind {m.kind}")


def per_run_values(m: TargetMeasure, outcomes: pd.DataFrame, series: pd.DataFrame | None,
                   start: str, horizon: int, others: Mapping[str, Batch] | None = None
                   ) -> pd.Series:
    """The measure's value in each finished run, indexed by run (before aggregating over runs).

    Shares give 1.0 or 0.0 per run; ``order_of_events`` and ``conditional_share`` give NaN for
    runs outside their denominator; ``event_month`` gives the month number of the first crossing
    (censored after ``to`` or the horizon). A ``difference_of`` / ``ratio_of`` pairs the runs of
    its two measures by position (run i with run i: a paired design, as in the screening, where
    run i of every scenario has the same parameters). ``outcomes`` may be a `RunTable` (then
    ``series`` is not read).
    """
    table = RunTable.of(outcomes, series)
    values = _per_run(m, table, start, horizon, _Others(others))
    return pd.Series(np.asarray(values, dtype=float), index=table.runs)


def _nested_per_run(m: TargetMeasure, table, start, horizon, others: _Others) -> np.ndarray:
    if m.scenario is not None:
        table, start, horizon = others.get(m.scenario)
    return _per_run(m, table, start, horizon, others)


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


def _value(m: TargetMeasure, table: RunTable, start: str, horizon: int,
           others: _Others) -> float:
    if m.kind in _PAIRS:
        a = _nested_value(m.left, table, start, horizon, others)
        b = _nested_value(m.right, table, start, horizon, others)
        if m.kind == "difference_of":
            return a - b
        return a / b if b != 0 else float("nan")
    return aggregate(m, _per_run(m, table, start, horizon, others))


def _nested_value(m: TargetMeasure, table, start, horizon, others: _Others) -> float:
    if m.scenario is not None:
        table, start, horizon = others.get(m.scenario)
    return _value(m, table, start, horizon, others)


def compute_measure(m: TargetMeasure, outcomes: pd.DataFrame, series: pd.DataFrame | None,
                    start: str, horizon: int, others: Mapping[str, Batch] | None = None) -> float:
    """The value of one measure over a batch (see `TargetMeasure` for each kind); a nested
    measure naming another scenario is computed over ``others[scenario]``. ``outcomes`` may be
    a `RunTable` (then ``series`` is not read)."""
    return _value(m, RunTable.of(outcomes, series), start, horizon, _Others(others))


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
    ``batches`` holds every scenario the targets read (`LoadedTarget.scenarios`); each batch is
    made a `RunTable` once for all the targets that read it."""
    others = _Others({name: (RunTable(outcomes, series), None, start, horizon)
                      for name, (outcomes, series, start, horizon)
                      in batches_with_specs(batches).items()})
    out = {}
    for t in targets:
        table, start, horizon = others.get(t.scenario)
        out[t.id] = _value(t.target.measure, table, start, horizon, others)
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
