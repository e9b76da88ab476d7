"""Figures of a results folder, composed from the Axes functions in `unionsim.analysis.plots`.

Figures are plain `matplotlib.figure.Figure` objects (never registered with pyplot); `save`
writes one and clears it. `plot_folder` is what ``unionsim plot`` runs.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path
from typing import Callable, Sequence

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from unionsim.analysis import plots
from unionsim.analysis.labels import (KEY_FINAL_INDICATORS, KEY_INDICATORS, figure_title, words,
                                      month_dates, run_label, scenario_events,
                                      serial_label, start_serial)
from unionsim.analysis.series import (FLAG_TIMING, discrete_levels, first_fire_months,
                                      ok_runs)
from unionsim.analysis.summary import ended_in, outcome_table
from unionsim.errors import ResultsError
from unionsim.model.outcomes import FLAGS

#: How `overlay_fan_figure` lines up batches: by calendar month, or by month since each start.
ALIGNMENTS = ("calendar", "start")

def _grid(n: int, cols: int = 2, width: float = 6.0, height: float = 2.8):
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(width * cols, height * rows + 0.8), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]


def _series(res):
    if res.timeseries is None:
        raise ResultsError("this batch stored no time series (it was run with --no-timeseries)",
                           file=res.path, hint="rerun the batch without --no-timeseries")
    ok = set(ok_runs(res.outcomes)["run"])
    return res.timeseries[res.timeseries["run"].isin(ok)]


def outcome_figure(res) -> Figure:
    """Outcome probabilities with 95% Wilson intervals."""
    ax = plots.new_axes(8, 4.2)
    plots.outcome_bars(outcome_table(res.outcomes), ax)
    ax.set_title(figure_title(res.manifest, res.outcomes, "Outcome probabilities"), fontsize=10)
    return ax.figure


def numbered_events(manifest: dict) -> tuple[list[tuple[int, str]], list[str]]:
    """The scenario's events as (month number, tag) marks and the key that explains the tags:
    ``1  2019-01  integration talks open``."""
    dates = month_dates(manifest)
    events = scenario_events(manifest)
    marks = [(m, str(i)) for i, (m, _) in enumerate(events, start=1)]
    key = [f"{i}  {dates[m]}  {text}" for i, (m, text) in enumerate(events, start=1)]
    return marks, key


def add_event_key(fig: Figure, key: Sequence[str], title: str = "Scheduled events "
                  "(numbered dotted lines)", ncol: int = 3) -> None:
    """The key of numbered event marks, below the figure."""
    if not key:
        return
    blank = [Line2D([], [], linestyle="none") for _ in key]
    fig.legend(blank, key, loc="outside lower center", ncol=min(ncol, len(key)), fontsize=7.5,
               handlelength=0, handletextpad=0, columnspacing=2.0, title=title,
               title_fontsize=8, frameon=False, alignment="left")


def indicator_panel(ts, name: str, ax, **kw) -> None:
    """A fan chart, or for an indicator with a few whole values its shares of runs by level."""
    levels = discrete_levels(ts, name)
    if levels:          # None: continuous; []: zero in every run, a flat fan says so
        kw.pop("outer", None)
        plots.level_chart(ts, name, levels, ax, **kw)
    else:
        plots.fan_chart(ts, name, ax, **kw)


def fan_figure(res) -> Figure:
    """Fan charts (median, 50% and 90% of runs) of key indicators, the scenario's events marked;
    indicators with a few whole values (roadmaps, sanctions level) as shares of runs by level."""
    ts = _series(res)
    indicators = [i for i in KEY_INDICATORS if i in ts]
    dates = month_dates(res.manifest)
    marks, key = numbered_events(res.manifest)
    fig, axes = _grid(len(indicators))
    for ax, name in zip(axes, indicators):
        indicator_panel(ts, name, ax, dates=dates, events=marks)
    axes[0].legend(fontsize=7, loc="best")
    add_event_key(fig, key)
    fig.suptitle(figure_title(res.manifest, res.outcomes,
                              "Key indicators by month: median, 50% and 90% of runs; counts "
                              "with a few values as the share of runs at each level"),
                 fontsize=11)
    return fig


def distribution_figure(res, names: Sequence[str] = KEY_FINAL_INDICATORS) -> Figure:
    """Distributions of final indicators across runs."""
    ok = ok_runs(res.outcomes)
    names = [n for n in names if n in ok]
    fig, axes = _grid(len(names), cols=2, width=5.5, height=2.6)
    for ax, name in zip(axes, names):
        plots.distribution(ok[name], name, ax)
    fig.suptitle(figure_title(res.manifest, res.outcomes,
                              "Final indicators at the horizon (dashed: median)"), fontsize=11)
    return fig


def timeline_figure(res) -> Figure:
    """When flags first fire: one panel per flag whose month the series tell, with the share of
    runs by month and the median and middle half of the first month; the other flags' shares
    by the horizon in a note."""
    ts = _series(res)
    ok = ok_runs(res.outcomes)
    n = len(ok)
    horizon = int(res.manifest["scenario"]["spec"]["horizon"])
    first = first_fire_months(ts, res.manifest["parameters"])
    dates = month_dates(res.manifest)
    marks, key = numbered_events(res.manifest)
    fired = [f for f in first.columns if first[f].notna().any()]
    never = [f for f in first.columns if f not in fired]
    fig, axes = _grid(max(1, len(fired)), cols=3, width=4.2, height=2.3)
    for i, (ax, flag) in enumerate(zip(axes, fired)):
        plots.flag_timing(first[flag], n, horizon, ax, dates=dates,
                          color=plots.PALETTE[i % len(plots.PALETTE)], events=marks)
    if fired:
        axes[0].legend(fontsize=6.5, loc="center right")
    untimed = [f for f in FLAGS if f not in FLAG_TIMING and f in ok]
    shares = {f: float(ok[f].astype(bool).mean()) for f in untimed}
    never += [f for f in untimed if shares[f] == 0]
    happened = sorted((f for f in untimed if shares[f] > 0), key=lambda f: -shares[f])
    fig.suptitle(figure_title(res.manifest, res.outcomes,
                              "When flags first happen (dotted lines: scheduled events)"),
                 fontsize=11)
    none = textwrap.fill("In no run: " + ", ".join(words(f) for f in never) + ".", 150) \
        if never else ""
    if happened:   # a key in columns, like the events' key: one flag per line
        add_event_key(fig, [f"{shares[f]:>4.0%}  {words(f)}" for f in happened],
                      title=(none + "\n\n" if none else "") + "Month not recorded: share of "
                            "runs in which each happened by the horizon", ncol=4)
    elif none:
        fig.supxlabel(none, fontsize=8)
    return fig


def end_state_figure(res) -> Figure:
    """The end state in each dimension (integration, military, alignment, regime, economy):
    share of runs per label with 95% Wilson intervals."""
    from unionsim.analysis.endstates import dimension_table, plot_dimension_bars
    from unionsim.model.outcomes import DIMENSIONS

    table = dimension_table(res.outcomes)
    dims = [d for d in DIMENSIONS if d in set(table["dimension"])]
    fig, axes = _grid(len(dims))
    for ax, dim in zip(axes, dims):
        plot_dimension_bars(table, dim, ax)
    for ax in axes[len(dims):]:
        ax.set_visible(False)
    fig.suptitle(figure_title(res.manifest, res.outcomes,
                              "End states by dimension: share of runs, 95% intervals"),
                 fontsize=11)
    return fig


def time_to_event_figure(res) -> Figure:
    """Share of runs in which each first event (signing, implementation, sanctions, loan,
    deployment) has happened by each month."""
    from unionsim.analysis.endstates import never_happened, plot_time_to_event, time_to_event

    horizon = int(res.manifest["scenario"]["spec"]["horizon"])
    curves = time_to_event(res.outcomes, horizon)
    fig = Figure(figsize=(8, 4), layout="constrained")
    ax = fig.add_subplot()
    plot_time_to_event(curves, ax, dates=month_dates(res.manifest))
    never = never_happened(curves)
    fig.suptitle(figure_title(res.manifest, res.outcomes,
                              "First events: share of runs by each month"), fontsize=11)
    if never:
        fig.supxlabel("In no run (not drawn): " + ", ".join(words(n) for n in never) + ".",
                      fontsize=8)
    return fig


FOLDER_FIGURES = {
    "outcomes": outcome_figure,
    "end_states": end_state_figure,
    "time_to_event": time_to_event_figure,
    "fan_charts": fan_figure,
    "final_distributions": distribution_figure,
    "flag_timeline": timeline_figure,
}


#: The figures drawn from the monthly time series (left out for a --no-timeseries folder).
SERIES_FIGURES = ("fan_charts", "flag_timeline")

NO_SERIES_NOTICE = ("{folder} stored no time series (run with --no-timeseries): {what} left "
                    "out; rerun without --no-timeseries to draw them")


def plot_folder(run_dir: str | Path, out: str | Path | None = None, *,
                notify: Callable[[str], None] | None = None) -> list[Path]:
    """Write the figures of one results folder into ``RUN_DIR/plots/`` (or ``out``).

    A folder without time series gets the outcome figures only; ``notify`` hears why.
    """
    from unionsim.analysis.outputs import output_folder, save_figure
    from unionsim.experiment.store import load_results

    res = load_results(run_dir)
    out = output_folder(run_dir, out, "plots")
    names = list(FOLDER_FIGURES)
    if res.timeseries is None:
        names = [n for n in names if n not in SERIES_FIGURES]
        if notify:
            notify(NO_SERIES_NOTICE.format(folder=run_dir, what=" and ".join(
                f"{n}.png" for n in SERIES_FIGURES)))
    return [save_figure(FOLDER_FIGURES[name](res), out, f"{name}.png") for name in names]


# --------------------------------------------------------------------------- comparisons

def comparison_outcome_figure(results: Sequence, diffs: Sequence) -> Figure:
    """Outcome probabilities side by side, and each batch's difference from the first.

    Batch i has the same colour in both panels; with several differences each is a labelled
    point set, shifted so none hides another.
    """
    k = len(results)
    fig = Figure(figsize=(13, 5.2 + 0.25 * k), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=[1.2, 1])
    labels = [f"{run_label(r.manifest)} ({len(ok_runs(r.outcomes))} runs)" for r in results]
    plots.grouped_outcome_bars([(lab, outcome_table(r.outcomes))
                                for lab, r in zip(labels, results)], left)
    left.set_title("Outcome probabilities", fontsize=10)
    if len(diffs) == 1:
        diff = diffs[0]
        # two lines: scenario labels with overlays are long and would be clipped on one
        plots.difference_bars(diff.table, right, label=f"{diff.label_b} minus {diff.label_a}\n"
                                                        f"({diff.method})")
        right.set_title("Difference with 95% interval (red: interval excludes 0)", fontsize=10)
    else:
        width = 0.6 / len(diffs)
        for i, diff in enumerate(diffs, start=1):
            plots.difference_bars(diff.table, right, color=plots.PALETTE[i % len(plots.PALETTE)],
                                  offset=0.3 - width * (i - 0.5),
                                  label=f"{diff.label_b} minus {diff.label_a} ({diff.method})")
        right.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.16),
                     frameon=False)
        right.set_title("Differences from the first batch with 95% intervals\n"
                        "(filled: interval excludes 0)", fontsize=10)
    fig.suptitle(_comparison_title(results), fontsize=11)
    return fig


def overlay_fan_figure(results: Sequence, indicators: Sequence[str] = KEY_INDICATORS, *,
                       align: str = "calendar") -> Figure:
    """Fan charts of several batches overlaid: median and 50% band of each.

    ``align="calendar"`` draws every batch at its own calendar months (batches that start in
    different months are shifted against each other); ``"start"`` lines them up by month since
    their start. Each batch's scheduled events are marked in its colour (grey when all batches
    share them) and listed below the figure.
    """
    if align not in ALIGNMENTS:
        raise ValueError(f"align must be one of {ALIGNMENTS} (got {align!r})")
    series = [_series(r) for r in results]
    indicators = [i for i in indicators if all(i in ts for ts in series)]
    colors = [plots.PALETTE[j % len(plots.PALETTE)] for j in range(len(results))]
    offsets = [start_serial(r.manifest) if align == "calendar" else 0 for r in results]
    horizons = [int(r.manifest["scenario"]["spec"]["horizon"]) for r in results]
    marks, key = _overlay_events(results, offsets, colors, align)
    fig, axes = _grid(len(indicators))
    for ax, name in zip(axes, indicators):
        levels = [discrete_levels(ts, name) for ts in series]
        # one set of levels for all batches, so a line style means the same level in each
        shared = (sorted(set().union(*levels)) if all(lv is not None for lv in levels)
                  else None)
        for j, (res, ts) in enumerate(zip(results, series)):
            kw = dict(color=colors[j], label=run_label(res.manifest), x_offset=offsets[j])
            if shared:
                plots.level_chart(ts, name, shared, ax, **kw)
            else:
                plots.fan_chart(ts, name, ax, outer=False, **kw)
        if align == "calendar":
            plots.calendar_axis(ax, min(offsets), max(o + h for o, h in zip(offsets, horizons)))
            ax.set_xlabel("")
        else:
            plots.months_axis(ax, max(horizons))
        plots.mark_events(ax, marks)
    axes[0].legend(fontsize=7, loc="best")
    add_event_key(fig, key, ncol=2)
    how = ("x axis: calendar date (each batch at its own months)" if align == "calendar"
           else "x axis: months since each scenario's start (dates differ between batches)")
    fig.suptitle(_comparison_title(results) + "\nmedian and 50% of runs by month; " + how,
                 fontsize=11)
    return fig


def _overlay_events(results, offsets, colors, align) -> tuple[list[tuple], list[str]]:
    """Numbered event marks of several batches: an event all batches share (same place, same
    label) is marked once in grey; the others in their batch's colour, the key naming it."""
    found: dict[tuple[int, str], list[int]] = {}
    for j, res in enumerate(results):
        for month, text in scenario_events(res.manifest):
            found.setdefault((month + offsets[j], text), []).append(j)
    marks, key = [], []
    for i, ((x, text), owners) in enumerate(sorted(found.items()), start=1):
        shared = len(owners) == len(results)
        marks.append((x, str(i), "0.35" if shared else colors[owners[0]]))
        when = serial_label(x) if align == "calendar" else f"month {x}"
        starts = {start_serial(results[o].manifest) for o in owners}
        if align == "start" and len(starts) == 1:
            when += f" ({serial_label(x + starts.pop())})"
        whose = "" if shared else "  [" + ", ".join(run_label(results[o].manifest)
                                                     for o in owners) + "]"
        key.append(f"{i}  {when}  {text}{whose}")
    return marks, key


def _comparison_title(results: Sequence) -> str:
    parts = [f"{run_label(r.manifest)} ({len(ok_runs(r.outcomes))} runs)" for r in results]
    titles = {r.manifest["scenario"]["title"] for r in results}
    head = " vs ".join(parts)
    return head + ("\n" + next(iter(titles)) if len(titles) == 1 else "")


# --------------------------------------------------------------------------- sensitivity

def _sensitivity_title(result, manifest: dict, what: str, width: int = 80) -> str:
    """The title of a sensitivity figure, wrapped to ``width`` characters a line so a long
    scenario title is never clipped."""
    import textwrap

    d = result.design
    how = (f"Sobol' (N={d.n}, first and total order)" if d.method == "sobol"
           else f"Morris (N={d.n} trajectories, {d.num_levels} levels)")
    detail = (f"{manifest['scenario']['title']} - {how}, {len(d.names)} parameters, "
              f"{manifest.get('runs_ok', manifest['n_runs'])} runs, {d.repeats} per point")
    return "\n".join([what, *textwrap.wrap(detail, width)])


def sensitivity_ranking_figure(result, manifest: dict, top: int = 20) -> Figure:
    """Parameters ranked by their largest effect on an outcome's share, in percentage points;
    disputed ones hatched (*)."""
    table = result.ranking.assign(disputed=result.ranking["disputes"] != "")
    ax = plots.new_axes(8, 0.32 * min(top, len(table)) + 2.2)
    measure = ("sqrt(ST) x sd of the share" if result.design.method == "sobol"
               else "mu* x step: mean absolute change over one step of 2/3 of the range")
    table["effect_pp"] = table["outcome_effect"] * 100
    plots.importance_bars(table, "effect_pp", ax, highlight="disputed", top=top,
                          xlabel=f"Largest effect on an outcome's share of runs, percentage "
                                 f"points\n({measure})\n* and orange: disputed in the documents")
    ax.set_title(_sensitivity_title(result, manifest, "Which parameters matter", width=70),
                 fontsize=9.5)
    return ax.figure


def sensitivity_figure(result, manifest: dict, top: int = 10, max_outputs: int = 8) -> Figure:
    """One tornado panel per output (outcome chances first), top parameters of each, in the
    output's units (a share of runs, 0-1, for an outcome's chance)."""
    from unionsim.analysis.labels import unit_of

    idx = result.indices
    outputs = list(dict.fromkeys(idx["output"]))[:max_outputs]
    fig, axes = _grid(len(outputs), cols=2, width=6.2, height=0.3 * top + 1.6)
    for ax, output in zip(axes, outputs):
        t = idx[idx["output"] == output]
        share = output.startswith("P(")
        unit = "percentage points of share" if share else (unit_of(output) or "output units")
        if result.design.method == "sobol":
            plots.importance_bars(t, "ST", ax, error="ST_conf", second="S1", top=top,
                                  xlabel="Sobol' index, share of variance 0-1 "
                                         "(ST with 95% interval; S1 thin)")
        else:
            # the ranking's measure (mu* x step), in points for a share: one scale throughout
            scale = 100.0 if share else 1.0
            shown = t.assign(change=t["effect"] * scale, change_conf=t["effect_conf"] * scale)
            plots.importance_bars(shown, "change", ax, error="change_conf", top=top,
                                  xlabel=f"mean change over one step (2/3 of the range)\n"
                                         f"{unit}, with 95% interval")
        ax.set_title(words(output), fontsize=9)
    fig.suptitle(_sensitivity_title(result, manifest, "Sensitivity of each output", width=110),
                 fontsize=10)
    return fig


# --------------------------------------------------------------------------- discovery

def discovery_figure(res, found) -> Figure:
    """The runs in the plane of the two parameters the tree relies on most, the densest box."""
    ok = ok_runs(res.outcomes)
    names = list(found.importance.index[:2]) or found.parameters[:2]
    if len(names) == 1:
        names.append(next(p for p in found.parameters if p != names[0]))
    x, y = (ok[f"param.{n}"].to_numpy(dtype=float) for n in names)
    ax = plots.new_axes(7, 5.5)
    best = found.boxes[0]
    plots.box_scatter(x, y, ended_in(ok, found.outcome), ax, xname=names[0], yname=names[1],
                      box=best.limits, outcome=found.outcome)
    ax.set_title(figure_title(res.manifest, res.outcomes,
                              f"Where '{words(found.outcome)}' is likely: densest box "
                              f"(density {best.density:.0%}, coverage {best.coverage:.0%}; "
                              f"base rate {found.base_rate:.0%})"), fontsize=9)
    return ax.figure
