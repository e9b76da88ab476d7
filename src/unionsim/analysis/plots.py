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

from unionsim.analysis.labels import (axis_label, is_share, level_names, pretty, unit_of,
                                      value_limits)
from unionsim.analysis.series import (FAN_QUANTILES, cumulative_share, fan_bands,
                                      first_month_summary, level_shares)

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


def calendar_axis(ax: Axes, first: int, last: int) -> Axes:
    """An x axis of calendar months (`unionsim.analysis.labels.month_serial` values): a tick
    and the year at each January."""
    january = [m for m in range(first, last + 1) if m % 12 == 0]
    ax.set_xticks(january, [str(m // 12) for m in january])
    ax.set_xlim(first, last)
    return ax


def months_axis(ax: Axes, horizon: int) -> Axes:
    """An x axis of months since the start, a tick every year."""
    ticks = list(range(0, horizon + 1, 12))
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.set_xlim(0, horizon)
    ax.set_xlabel("Months since the scenario's start")
    return ax


def mark_events(ax: Axes, events: Sequence[tuple], *, labels: bool = True,
                fontsize: float = 6.5) -> Axes:
    """Dotted vertical lines at the scenario's events, each tagged above the Axes.

    ``events`` holds ``(x, tag)`` or ``(x, tag, color)``: the tag is short (a number whose
    meaning a key beside the figure gives), and tags of nearby events are stacked so none
    covers another. Call it after the x limits are set.
    """
    lo, hi = ax.get_xlim()
    gap = 0.03 * (hi - lo)
    last_x: list[float] = []            # per stacking level, the last tag's x
    for event in sorted(events, key=lambda e: e[0]):
        x, tag = event[0], str(event[1])
        color = event[2] if len(event) > 2 else "0.35"
        ax.axvline(x, color=color, linestyle=":", linewidth=0.9, zorder=1)
        if not labels:
            continue
        level = next((i for i, prev in enumerate(last_x) if x - prev >= gap * max(1, len(tag))),
                     len(last_x))
        if level == len(last_x):
            last_x.append(x)
        last_x[level] = x
        ax.annotate(tag, xy=(x, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(0, 1.5 + 8.5 * level), textcoords="offset points", ha="center",
                    va="bottom", fontsize=fontsize, color=color, annotation_clip=False)
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
              dates: Sequence[str] | None = None, events: Sequence[tuple] = (),
              color: str = PALETTE[0], label: str | None = None, outer: bool = True,
              event_labels: bool = True, x_offset: float = 0) -> Axes:
    """Median of ``indicator`` over the months with its 50% and 90% bands across runs.

    The y axis starts at the variable's documented floor and spans a documented scale (see
    `unionsim.analysis.labels.value_limits`). ``x_offset`` shifts month numbers (to draw
    batches that start in different months on one calendar).
    """
    ax = ax or new_axes()
    first = not (ax.lines or ax.collections)
    bands = fan_bands(ts, indicator, FAN_QUANTILES)
    months = bands.index.to_numpy() + x_offset
    name = f"{label}: " if label else ""
    if outer:
        ax.fill_between(months, bands[0.05], bands[0.95], color=color, alpha=0.15, linewidth=0,
                        label=f"{name}90% of runs")
    ax.fill_between(months, bands[0.25], bands[0.75], color=color, alpha=0.35, linewidth=0,
                    label=f"{name}50% of runs")
    ax.plot(months, bands[0.5], color=color, linewidth=1.8, label=f"{name}median")
    _widen_ylim(ax, value_limits(indicator, float(np.nanmin(bands.to_numpy())),
                                 float(np.nanmax(bands.to_numpy()))), first)
    if is_share(indicator):
        ax.yaxis.set_major_formatter(_percent)
    date_axis(ax, dates)
    mark_events(ax, events, labels=event_labels)
    ax.set_ylabel(axis_label(indicator))
    ax.grid(alpha=0.25)
    return ax


def _widen_ylim(ax: Axes, limits: tuple[float, float], first: bool) -> None:
    # a second batch drawn on the same Axes widens the limits, never narrows them
    if not first:
        lo, hi = ax.get_ylim()
        limits = (min(lo, limits[0]), max(hi, limits[1]))
    ax.set_ylim(*limits)


LEVEL_STYLES = ("-", "--", ":", "-.")


def level_label(indicator: str, level: float, top: float | None = None) -> str:
    """What a level line counts, in words: ``at least 28 roadmaps``; for a scale with named
    levels ``individual or more (level 1 of 0..3)``, ``occupation (level 4 of 0..4)`` at its top
    (``top``: the scale's highest level)."""
    unit = unit_of(indicator)
    names = level_names(indicator)
    if names and float(level).is_integer() and int(level) in names:
        name = names[int(level)]
        highest = top if top is not None else max(names)
        more = "" if level >= highest else " or more"
        return f"{name}{more} (level {level:g} of {unit})"
    text = f"at least {level:g}"
    return f"{text} {unit}" if unit and not unit.startswith("0..") else text


def level_chart(ts: pd.DataFrame, indicator: str, levels: Sequence[float],
                ax: Axes | None = None, *, dates: Sequence[str] | None = None,
                events: Sequence[tuple] = (), color: str = PALETTE[0],
                label: str | None = None, event_labels: bool = True, x_offset: float = 0,
                max_lines: int = 3) -> Axes:
    """For an indicator with a few whole values (0 or 28 roadmaps, sanctions level 0-3): the share
    of runs at or above each level, month by month (a step line per level).

    At most ``max_lines`` levels are drawn (the lowest, the highest and one between).
    """
    ax = ax or new_axes()
    levels = list(levels)
    if len(levels) > max_lines:
        levels = [levels[0], levels[len(levels) // 2], levels[-1]]
    shares = level_shares(ts, indicator, levels)
    months = shares.index.to_numpy() + x_offset
    name = f"{label}: " if label else ""
    for level, style in zip(levels, LEVEL_STYLES):
        ax.step(months, shares[level].to_numpy(), where="post", color=color, linestyle=style,
                linewidth=1.6, label=f"{name}{level_label(indicator, level)}")
    ax.set_ylim(-0.02, 1.02)
    ax.yaxis.set_major_formatter(_percent)
    date_axis(ax, dates)
    mark_events(ax, events, labels=event_labels)
    ax.set_ylabel(f"{pretty(indicator)}:\nshare of runs at or above", fontsize=9)
    ax.grid(alpha=0.25)
    if label is None:   # one batch: say which line is which level
        ax.legend(fontsize=6.5, loc="best")
    else:               # several batches in their colours: the line style tells the level
        from matplotlib.lines import Line2D

        ax.legend([Line2D([], [], color="0.3", linestyle=st) for _, st in zip(levels,
                                                                               LEVEL_STYLES)],
                  [level_label(indicator, lv) for lv in levels], fontsize=6.5, loc="best")
    return ax


def distribution(values: pd.Series | np.ndarray, name: str, ax: Axes | None = None, *,
                 color: str = PALETTE[0], label: str | None = None, bins=None) -> Axes:
    """Histogram of a final indicator across runs (share of runs per bin), median marked.

    Whole numbers over a short span get one bar per value and integer ticks (named levels, such
    as the sanctions level's, under their number); shares of people are drawn in percent.
    """
    ax = ax or new_axes()
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    whole = bool(len(x)) and np.allclose(x, np.round(x)) and x.max() - x.min() <= 40
    if bins is None:  # whole numbers over a short span get one bar per value
        bins = np.arange(x.min() - 0.5, x.max() + 1.5) if whole else 20
    weights = np.full(len(x), 1.0 / len(x)) if len(x) else None
    ax.hist(x, bins=bins, weights=weights, color=color, alpha=0.55, edgecolor="white",
            label=label, rwidth=0.8 if whole else None)
    share = is_share(name)
    if len(x):
        median = float(np.median(x))
        ax.axvline(median, color=color, linewidth=1.5, linestyle="--")
        shown = f"{median:.1%}" if share else f"{median:.3g}"
        named = level_names(name).get(int(median)) if float(median).is_integer() else None
        shown += f" ({named})" if named else ""
        ax.annotate(f"median {shown}", xy=(median, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(3, -10), textcoords="offset points", fontsize=7, color=color)
    if whole:
        _integer_ticks(ax, name, x)
    elif share:
        ax.xaxis.set_major_formatter(_percent_of_people)
    ax.set_xlabel(axis_label(name))
    ax.set_ylabel("Share of runs")
    ax.yaxis.set_major_formatter(_percent)
    return ax


def _integer_ticks(ax: Axes, name: str, x: np.ndarray) -> None:
    """Whole-number ticks; a scale with named levels shows every level with its name."""
    from matplotlib.ticker import MaxNLocator

    names = level_names(name)
    if names:
        levels = sorted(names)
        ax.set_xticks(levels, [f"{lv}\n{names[lv]}" for lv in levels], fontsize=7.5)
        ax.set_xlim(levels[0] - 0.6, levels[-1] + 0.6)
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def flag_timing(first: pd.Series, n_runs: int, horizon: int, ax: Axes | None = None, *,
                dates: Sequence[str] | None = None, color: str = PALETTE[0],
                events: Sequence[tuple] = ()) -> Axes:
    """When one flag first fired: the share of runs in which it has happened by each month
    (step line) and the share in which it first happened in that month (bars), with the median
    and interquartile range of the first month written in calendar months.

    ``first`` is a column of `unionsim.analysis.series.first_fire_months`' frame.
    """
    ax = ax or new_axes()
    months = np.arange(horizon + 1)
    share = cumulative_share(first, n_runs, horizon)
    per_month = np.diff(share, prepend=0.0)
    ax.bar(months, per_month, width=1.0, color=color, alpha=0.35, linewidth=0,
           label="first happened in this month")
    ax.step(months, share, where="post", color=color, linewidth=1.8,
            label="has happened by this month")
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(_percent)
    date_axis(ax, dates)
    mark_events(ax, events, labels=False)
    summary = first_month_summary(first, n_runs)
    ax.set_title(f"{pretty(first.name)}: {timing_text(summary, dates)}", fontsize=8.5,
                 loc="left")
    ax.grid(alpha=0.25)
    return ax


def timing_text(summary: dict, dates: Sequence[str] | None = None) -> str:
    """``98% of runs`` and, on a second line, the first month's median and middle half:
    ``first: 2020-08 (median), middle half 2020-08 to 2020-09``."""
    if not summary["runs"]:
        return "in no run"

    def when(m: float) -> str:
        return dates[int(m)] if dates else f"month {m:.0f}"

    text = f"{summary['share']:.0%} of runs\nfirst: {when(summary['median'])} (median)"
    if summary["q3"] > summary["q1"]:
        text += f", middle half {when(summary['q1'])} to {when(summary['q3'])}"
    return text


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
    ax.set_xlabel("Share of runs (black lines: 95% Wilson interval)")
    ax.grid(axis="x", alpha=0.3)
    # below the Axes: inside, the legend would cover the bars of some outcome
    ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.16), frameon=False)
    return ax


def difference_bars(diff: pd.DataFrame, ax: Axes | None = None, *,
                    label: str = "Difference in share of runs", color: str | None = None,
                    offset: float = 0.0) -> Axes:
    """Differences of outcome probabilities (B - A) with their 95% intervals; 0 marked.

    ``diff`` has columns outcome, diff, ci_low, ci_high (see `unionsim.analysis.compare`).
    Without ``color``, a difference whose interval excludes 0 is red and the others grey. With
    it (several comparisons on one Axes, each shifted by ``offset`` rows and named in the
    legend by ``label``), such a difference has a filled marker and the others a hollow one.
    """
    ax = ax or new_axes()
    y = np.arange(len(diff))[::-1] + offset
    d = diff["diff"].to_numpy()
    err = np.vstack([d - diff["ci_low"].to_numpy(), diff["ci_high"].to_numpy() - d])
    clear = ((diff["ci_low"] > 0) | (diff["ci_high"] < 0)).to_numpy()
    for i in range(len(d)):
        c = color or (PALETTE[1] if clear[i] else "0.55")
        face = c if clear[i] or color is None else "white"
        ax.errorbar(d[i], y[i], xerr=err[:, i:i + 1], fmt="o", color=c, ecolor=c,
                    markerfacecolor=face, elinewidth=2, capsize=3, markersize=4.5)
    if color:   # the legend's sample: a filled marker on its interval, whatever row 0 shows
        ax.plot([], [], marker="o", color=color, linewidth=2, markersize=4.5, label=label)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(np.arange(len(diff))[::-1], [pretty(o) for o in diff["outcome"]])
    ax.xaxis.set_major_formatter(_percent_points)
    if color is None:
        ax.set_xlabel(f"{label}, percentage points")
    else:
        ax.set_xlabel("Difference in share of runs, percentage points")
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


def _fmt_percent_of_people(x, _pos=None) -> str:
    # shares of people are often a few percent: one decimal below 10%
    return f"{x:.1%}" if abs(x) < 0.1 and round(x * 1000) % 10 else f"{x:.0%}"


_percent = FuncFormatter(_fmt_percent)
_percent_of_people = FuncFormatter(_fmt_percent_of_people)
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
