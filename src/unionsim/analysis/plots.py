"""Plot functions: data in, an Axes out.

Each function draws on the ``ax`` it is given (or on a new `matplotlib.figure.Figure` when
``ax`` is None) and returns it; none touches pyplot's global state. Composing figures and
writing files is `unionsim.analysis.figures`' job.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from unionsim.analysis.labels import axis_label, pretty
from unionsim.analysis.series import FAN_QUANTILES, cumulative_share, fan_bands

PALETTE = ("#1f5a96", "#c0392b", "#2e8b57", "#8e44ad", "#d68910", "#17a2b8", "#7f8c8d")


def new_axes(width: float = 7.0, height: float = 4.0) -> Axes:
    """An Axes on a fresh Figure (no pyplot)."""
    return Figure(figsize=(width, height), layout="constrained").add_subplot()


def date_axis(ax: Axes, dates: Sequence[str] | None) -> Axes:
    """Label month numbers with years: a tick at each January."""
    if not dates:
        ax.set_xlabel("Month of the scenario")
        return ax
    january = [i for i, d in enumerate(dates) if d.endswith("-01")]
    ax.set_xticks(january, [dates[i][:4] for i in january])
    ax.set_xlim(0, len(dates) - 1)
    return ax


def mark_events(ax: Axes, events: Sequence[tuple[int, str]], *, labels: bool = True,
                fontsize: float = 6.5) -> Axes:
    """Dotted vertical lines at the scenario's events, labelled along the top of the Axes."""
    for month, text in events:
        ax.axvline(month, color="0.45", linestyle=":", linewidth=0.9, zorder=1)
        if labels:
            ax.annotate(text, xy=(month, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(2, -3), textcoords="offset points", rotation=90, va="top",
                        ha="left", fontsize=fontsize, color="0.35")
    return ax


def outcome_bars(table: pd.DataFrame, ax: Axes | None = None, *, color: str = PALETTE[0],
                 annotate: bool = True) -> Axes:
    """Outcome probabilities as horizontal bars with their 95% intervals.

    ``table`` is `unionsim.analysis.summary.outcome_table`'s frame (outcome, share, ci_low,
    ci_high), drawn top-down in its order (the outcomes' precedence).
    """
    ax = ax or new_axes()
    y = np.arange(len(table))[::-1]
    share = table["share"].to_numpy()
    err = np.vstack([share - table["ci_low"].to_numpy(), table["ci_high"].to_numpy() - share])
    ax.barh(y, share, color=color, alpha=0.85, height=0.6)
    ax.errorbar(share, y, xerr=err, fmt="none", ecolor="black", elinewidth=1, capsize=3)
    ax.set_yticks(y, [pretty(o) for o in table["outcome"]])
    if annotate:
        for yi, row in zip(y, table.itertuples()):
            ax.annotate(f"{row.share:.1%}  [{row.ci_low:.1%}, {row.ci_high:.1%}]",
                        xy=(row.ci_high, yi), xytext=(4, 0), textcoords="offset points",
                        va="center", fontsize=7.5)
    ax.set_xlim(0, min(1.0, max(0.25, float(table["ci_high"].max()) * 1.35)))
    ax.xaxis.set_major_formatter(_percent)
    ax.set_xlabel("Share of runs (bars: 95% Wilson interval)")
    ax.grid(axis="x", alpha=0.3)
    return ax


def fan_chart(ts: pd.DataFrame, indicator: str, ax: Axes | None = None, *,
              dates: Sequence[str] | None = None, events: Sequence[tuple[int, str]] = (),
              color: str = PALETTE[0], label: str | None = None, outer: bool = True,
              event_labels: bool = True) -> Axes:
    """Median of ``indicator`` over the months with its 50% and 90% bands across runs."""
    ax = ax or new_axes()
    bands = fan_bands(ts, indicator, FAN_QUANTILES)
    months = bands.index.to_numpy()
    name = f"{label}: " if label else ""
    if outer:
        ax.fill_between(months, bands[0.05], bands[0.95], color=color, alpha=0.15, linewidth=0,
                        label=f"{name}90% of runs")
    ax.fill_between(months, bands[0.25], bands[0.75], color=color, alpha=0.35, linewidth=0,
                    label=f"{name}50% of runs")
    ax.plot(months, bands[0.5], color=color, linewidth=1.8, label=f"{name}median")
    mark_events(ax, events, labels=event_labels)
    date_axis(ax, dates)
    ax.set_ylabel(axis_label(indicator))
    ax.grid(alpha=0.25)
    return ax


def distribution(values: pd.Series | np.ndarray, name: str, ax: Axes | None = None, *,
                 color: str = PALETTE[0], label: str | None = None, bins=None) -> Axes:
    """Histogram of a final indicator across runs (share of runs per bin), median marked."""
    ax = ax or new_axes()
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if bins is None:  # whole numbers over a short span get one bar per value
        whole = len(x) and np.allclose(x, np.round(x)) and x.max() - x.min() <= 40
        bins = np.arange(x.min() - 0.5, x.max() + 1.5) if whole else 20
    weights = np.full(len(x), 1.0 / len(x)) if len(x) else None
    ax.hist(x, bins=bins, weights=weights, color=color, alpha=0.55, edgecolor="white",
            label=label)
    if len(x):
        median = float(np.median(x))
        ax.axvline(median, color=color, linewidth=1.5, linestyle="--")
        ax.annotate(f"median {median:.3g}", xy=(median, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(3, -10), textcoords="offset points", fontsize=7, color=color)
    ax.set_xlabel(axis_label(name))
    ax.set_ylabel("Share of runs")
    ax.yaxis.set_major_formatter(_percent)
    return ax


def flag_timeline(first: pd.DataFrame, n_runs: int, horizon: int, ax: Axes | None = None, *,
                  dates: Sequence[str] | None = None,
                  events: Sequence[tuple[int, str]] = ()) -> Axes:
    """Share of runs in which each flag has fired by each month (one step line per flag).

    ``first`` is `unionsim.analysis.series.first_fire_months`' frame. Flags that never fired
    are listed in the legend as such.
    """
    ax = ax or new_axes()
    months = np.arange(horizon + 1)
    colors = iter(PALETTE * 3)
    styles = iter(["-", "--", "-.", ":"] * 6)
    for flag in first.columns:
        share = cumulative_share(first[flag], n_runs, horizon)
        color, style = next(colors), next(styles)
        if share[-1] == 0:
            ax.plot([], [], color="0.7", linestyle=style, label=f"{pretty(flag)} (never)")
            continue
        median = first[flag].median()
        ax.step(months, share, where="post", color=color, linestyle=style, linewidth=1.6,
                label=f"{pretty(flag)} ({share[-1]:.0%}; median month {median:.0f})")
    mark_events(ax, events)
    date_axis(ax, dates)
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(_percent)
    ax.set_ylabel("Share of runs in which it has happened")
    ax.grid(alpha=0.25)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    return ax


def grouped_outcome_bars(tables: Sequence[tuple[str, pd.DataFrame]],
                         ax: Axes | None = None) -> Axes:
    """Outcome probabilities of several batches side by side, each with its 95% interval."""
    ax = ax or new_axes()
    k = len(tables)
    outcomes = list(tables[0][1]["outcome"])
    y = np.arange(len(outcomes))[::-1].astype(float)
    height = 0.8 / k
    for i, (label, table) in enumerate(tables):
        t = table.set_index("outcome").loc[outcomes]
        yi = y + 0.4 - height * (i + 0.5)
        share = t["share"].to_numpy()
        err = np.vstack([share - t["ci_low"].to_numpy(), t["ci_high"].to_numpy() - share])
        ax.barh(yi, share, height=height * 0.9, color=PALETTE[i % len(PALETTE)], alpha=0.85,
                label=label)
        ax.errorbar(share, yi, xerr=err, fmt="none", ecolor="black", elinewidth=0.9, capsize=2)
    ax.set_yticks(y, [pretty(o) for o in outcomes])
    ax.xaxis.set_major_formatter(_percent)
    ax.set_xlabel("Share of runs (bars: 95% Wilson interval)")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=7.5, loc="lower right")
    return ax


def difference_bars(diff: pd.DataFrame, ax: Axes | None = None, *,
                    label: str = "Difference in share of runs") -> Axes:
    """Differences of outcome probabilities (B - A) with their 95% intervals; 0 marked.

    ``diff`` has columns outcome, diff, ci_low, ci_high (see `unionsim.analysis.compare`).
    """
    ax = ax or new_axes()
    y = np.arange(len(diff))[::-1]
    d = diff["diff"].to_numpy()
    err = np.vstack([d - diff["ci_low"].to_numpy(), diff["ci_high"].to_numpy() - d])
    clear = (diff["ci_low"] > 0) | (diff["ci_high"] < 0)
    colors = [PALETTE[1] if c else "0.55" for c in clear]
    for i, color in enumerate(colors):
        ax.errorbar(d[i], y[i], xerr=err[:, i:i + 1], fmt="o", color=color, ecolor=color,
                    elinewidth=2, capsize=3, markersize=4)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, [pretty(o) for o in diff["outcome"]])
    ax.xaxis.set_major_formatter(_percent_points)
    ax.set_xlabel(f"{label}, percentage points")
    ax.grid(axis="x", alpha=0.3)
    return ax


def importance_bars(table: pd.DataFrame, value: str, ax: Axes | None = None, *,
                    error: str | None = None, second: str | None = None,
                    label_col: str = "parameter", highlight: str | None = None,
                    top: int = 15, xlabel: str | None = None) -> Axes:
    """Tornado-style horizontal bars of a sensitivity measure, largest on top.

    ``value`` (and optionally ``second``, drawn thinner on top) name columns of ``table``;
    ``error`` a column of interval half-widths; rows where ``highlight`` is truthy are hatched
    and marked with an asterisk.
    """
    ax = ax or new_axes()
    t = table.sort_values(value, ascending=False).head(top)
    y = np.arange(len(t))[::-1]
    marked = t[highlight].astype(bool).to_numpy() if highlight else np.zeros(len(t), bool)
    err = t[error].to_numpy() if error else None
    bars = ax.barh(y, t[value].to_numpy(), xerr=err, color=PALETTE[0], alpha=0.8, height=0.7,
                   error_kw={"elinewidth": 0.9, "capsize": 2}, label=value)
    for bar, m in zip(bars, marked):
        if m:
            bar.set_hatch("//")
            bar.set_facecolor(PALETTE[4])
    if second:
        ax.barh(y, t[second].to_numpy(), color=PALETTE[1], alpha=0.9, height=0.3, label=second)
        ax.legend(fontsize=7.5, loc="lower right")
    names = [f"{n} *" if m else str(n) for n, m in zip(t[label_col], marked)]
    ax.set_yticks(y, names, fontsize=7.5)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_xlabel(xlabel or value)
    ax.grid(axis="x", alpha=0.3)
    return ax


def _fmt_percent(x, _pos=None) -> str:
    return f"{x:.0%}"


def _fmt_points(x, _pos=None) -> str:
    return f"{x * 100:+.0f}" if round(x * 100) else "0"


_percent = FuncFormatter(_fmt_percent)
_percent_points = FuncFormatter(_fmt_points)


def box_scatter(x: np.ndarray, y: np.ndarray, hit: np.ndarray, ax: Axes | None = None, *,
                xname: str, yname: str, box: dict | None = None,
                outcome: str = "outcome") -> Axes:
    """Runs in the plane of two parameters, those ending in the outcome highlighted, and a box's
    ranges in these two parameters drawn as a rectangle."""
    from matplotlib.patches import Rectangle

    ax = ax or new_axes(6, 5)
    hit = np.asarray(hit, dtype=bool)
    ax.scatter(x[~hit], y[~hit], s=8, color="0.75", label=f"other runs ({(~hit).sum()})")
    ax.scatter(x[hit], y[hit], s=12, color=PALETTE[1], label=f"{pretty(outcome)} ({hit.sum()})")
    if box:
        x0, x1 = box.get(xname, (x.min(), x.max()))
        y0, y1 = box.get(yname, (y.min(), y.max()))
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor="black",
                               linewidth=1.5, linestyle="--", label="densest box"))
    ax.set_xlabel(xname)
    ax.set_ylabel(yname)
    ax.legend(fontsize=7.5, loc="best")
    return ax
