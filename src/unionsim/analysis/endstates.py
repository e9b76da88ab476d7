"""End states in several dimensions and the timing of first events, from outcomes.parquet.

Pure functions over an outcomes frame (one row per run; the columns named by
`unionsim.model.outcomes.DIMENSIONS` and `TIMINGS`) and plot functions taking that data and an
Axes. Folders written before the dimensions existed simply have none: every function skips a
missing column, so callers need no version checks.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from unionsim.analysis.labels import words
from unionsim.analysis.summary import proportion_interval
from unionsim.model.outcomes import DIMENSIONS, TIMINGS


def _finished(outcomes: pd.DataFrame) -> pd.DataFrame:
    return outcomes[outcomes["status"] == "ok"] if "status" in outcomes else outcomes


def dimension_table(outcomes: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Share of finished runs in each label of each end-state dimension, with Wilson intervals.

    Columns: dimension, label, runs, share, ci_low, ci_high; labels in the order of
    `DIMENSIONS` (every label listed, also those no run reached).
    """
    ok = _finished(outcomes)
    n = len(ok)
    rows = []
    for dimension, labels in DIMENSIONS.items():
        if dimension not in ok:
            continue
        counts = ok[dimension].value_counts()
        for label in labels:
            k = int(counts.get(label, 0))
            lo, hi = proportion_interval(k, n, confidence)
            rows.append({"dimension": dimension, "label": label, "runs": k,
                         "share": k / n if n else math.nan, "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows, columns=["dimension", "label", "runs", "share", "ci_low",
                                       "ci_high"])


def timing_table(outcomes: pd.DataFrame) -> pd.DataFrame:
    """For each first event of `TIMINGS`: in how many finished runs it happened, and the
    median, 10th and 90th percentile of its month among those runs (NaN when none)."""
    ok = _finished(outcomes)
    rows = []
    for name in TIMINGS:
        if name not in ok:
            continue
        months = ok[name].astype(float).dropna()
        rows.append({"event": name, "runs": len(months),
                     "share": len(months) / len(ok) if len(ok) else math.nan,
                     "median": months.median() if len(months) else math.nan,
                     "p10": months.quantile(0.1) if len(months) else math.nan,
                     "p90": months.quantile(0.9) if len(months) else math.nan})
    return pd.DataFrame(rows, columns=["event", "runs", "share", "median", "p10", "p90"])


def time_to_event(outcomes: pd.DataFrame, horizon: int,
                  names: Sequence[str] = TIMINGS) -> pd.DataFrame:
    """Share of finished runs in which each first event has happened by each month.

    One row per month 0..horizon, one column per event: a cumulative share that never falls
    (runs where the event never happened count in the denominator throughout).
    """
    ok = _finished(outcomes)
    n = len(ok)
    months = np.arange(horizon + 1)
    data = {}
    for name in names:
        if name not in ok:
            continue
        when = ok[name].astype(float).to_numpy()
        when = when[~np.isnan(when)]
        data[name] = (np.searchsorted(np.sort(when), months, side="right") / n) if n \
            else np.full(len(months), math.nan)
    return pd.DataFrame(data, index=pd.Index(months, name="month"))


def plot_dimension_bars(table: pd.DataFrame, dimension: str, ax: Axes) -> Axes:
    """One dimension's labels as horizontal bars with their intervals (from `dimension_table`)."""
    rows = table[table["dimension"] == dimension]
    y = np.arange(len(rows))[::-1]
    share = rows["share"].to_numpy()
    err = np.vstack([share - rows["ci_low"].to_numpy(), rows["ci_high"].to_numpy() - share])
    ax.barh(y, share, xerr=err, color="#1f5a96", ecolor="0.3", capsize=2)
    ax.set_yticks(y, [words(label) for label in rows["label"]])
    from matplotlib.ticker import PercentFormatter

    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("share of runs")
    ax.set_title(words(dimension))
    return ax


def never_happened(curves: pd.DataFrame) -> list[str]:
    """The events of `time_to_event`'s curves that happen in no run."""
    return [name for name in curves.columns if not (curves[name].fillna(0) > 0).any()]


def plot_time_to_event(curves: pd.DataFrame, ax: Axes, dates: Sequence[str] | None = None
                       ) -> Axes:
    """Time-to-event curves (from `time_to_event`): share of runs by each month.

    An event that happens in no run (`never_happened`) would draw a line along zero that hides
    under the axis and crowds the legend: it is left out, for the figure to name it.
    """
    from matplotlib.ticker import PercentFormatter

    never = never_happened(curves)
    for name in curves.columns:
        if name not in never:
            ax.step(curves.index, curves[name], where="post", label=words(name))
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylabel("share of runs by this month")
    ax.grid(alpha=0.25)
    if dates:
        january = [i for i, d in enumerate(dates) if d.endswith("-01")]
        ax.set_xticks(january, [dates[i][:4] for i in january])
        ax.set_xlim(0, len(dates) - 1)
    else:
        ax.set_xlabel("month of the scenario")
    if len(never) < len(curves.columns):
        ax.legend(fontsize="small", frameon=False)
    return ax
