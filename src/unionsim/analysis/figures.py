"""Figures of a results folder, composed from the Axes functions in `unionsim.analysis.plots`.

Figures are plain `matplotlib.figure.Figure` objects (never registered with pyplot); `save`
writes one and clears it. `plot_folder` is what ``unionsim plot`` runs.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Sequence

from matplotlib.figure import Figure

from unionsim.analysis import plots
from unionsim.analysis.labels import (KEY_FINAL_INDICATORS, KEY_INDICATORS, figure_title,
                                      month_dates, run_label, scenario_events)
from unionsim.analysis.series import FLAG_TIMING, first_fire_months, ok_runs
from unionsim.analysis.summary import outcome_table
from unionsim.errors import ResultsError
from unionsim.model.outcomes import FLAGS

DPI = 110


def _savefig(fig: Figure, target, **kw) -> None:
    # figures laid out by matplotlib's constrained layout fit their canvas already; a "tight"
    # bounding box would draw them twice
    tight = fig.get_layout_engine() is None
    fig.savefig(target, dpi=DPI, bbox_inches="tight" if tight else None, **kw)
    fig.clear()


def save(fig: Figure, path: str | Path) -> Path:
    """Write a figure as PNG and release it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _savefig(fig, path)
    return path


def png_bytes(fig: Figure) -> bytes:
    """A figure as PNG bytes (for embedding), released afterwards."""
    buf = io.BytesIO()
    _savefig(fig, buf, format="png")
    return buf.getvalue()


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


def fan_figure(res, indicators: Sequence[str] = KEY_INDICATORS) -> Figure:
    """Fan charts (median, 50% and 90% of runs) of key indicators, the scenario's events marked."""
    ts = _series(res)
    indicators = [i for i in indicators if i in ts]
    dates, events = month_dates(res.manifest), scenario_events(res.manifest)
    fig, axes = _grid(len(indicators))
    for i, (ax, name) in enumerate(zip(axes, indicators)):
        plots.fan_chart(ts, name, ax, dates=dates, events=events, event_labels=i < 2)
    axes[0].legend(fontsize=7, loc="lower left")
    fig.suptitle(figure_title(res.manifest, res.outcomes,
                              "Key indicators by month: median, 50% and 90% of runs "
                              "(dotted lines: scheduled events)"), fontsize=11)
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
    """When flags first fire: the share of runs in which each has happened, month by month."""
    ts = _series(res)
    n = len(ok_runs(res.outcomes))
    horizon = int(res.manifest["scenario"]["spec"]["horizon"])
    first = first_fire_months(ts, res.manifest["parameters"])
    ax = plots.new_axes(10, 4.6)
    plots.flag_timeline(first, n, horizon, ax, dates=month_dates(res.manifest),
                        events=scenario_events(res.manifest))
    untimed = [f for f in FLAGS if f not in FLAG_TIMING]
    ax.set_title(figure_title(res.manifest, res.outcomes, "When flags first fire"), fontsize=10)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False,
              title="Not shown (not recorded monthly):\n"
                    + "\n".join(f.replace("_", " ") for f in untimed),
              title_fontsize=6.5)
    return ax.figure


FOLDER_FIGURES = {
    "outcomes": outcome_figure,
    "fan_charts": fan_figure,
    "final_distributions": distribution_figure,
    "flag_timeline": timeline_figure,
}


def plot_folder(run_dir: str | Path, out: str | Path | None = None) -> list[Path]:
    """Write the figures of one results folder into ``RUN_DIR/plots/`` (or ``out``)."""
    from unionsim.experiment.store import load_results

    res = load_results(run_dir)
    out = Path(out) if out is not None else Path(run_dir) / "plots"
    return [save(make(res), out / f"{name}.png") for name, make in FOLDER_FIGURES.items()]


# --------------------------------------------------------------------------- comparisons

def comparison_outcome_figure(results: Sequence, diffs: Sequence) -> Figure:
    """Outcome probabilities side by side, and each batch's difference from the first."""
    k = len(results)
    fig = Figure(figsize=(13, 4.6 + 0.2 * k), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=[1.2, 1])
    labels = [f"{run_label(r.manifest)} ({len(ok_runs(r.outcomes))} runs)" for r in results]
    plots.grouped_outcome_bars([(lab, outcome_table(r.outcomes))
                                for lab, r in zip(labels, results)], left)
    left.set_title("Outcome probabilities", fontsize=10)
    for diff in diffs:
        # two lines: scenario labels with overlays are long and would be clipped on one
        plots.difference_bars(diff.table, right, label=f"{diff.label_b} minus {diff.label_a}\n"
                                                        f"({diff.method})")
    right.set_title("Difference with 95% interval (red: interval excludes 0)", fontsize=10)
    fig.suptitle(_comparison_title(results), fontsize=11)
    return fig


def overlay_fan_figure(results: Sequence, indicators: Sequence[str] = KEY_INDICATORS) -> Figure:
    """Fan charts of several batches overlaid: median and 50% band, 90% band for the first."""
    first = results[0]
    series = [_series(r) for r in results]
    indicators = [i for i in indicators if all(i in ts for ts in series)]
    dates, events = month_dates(first.manifest), scenario_events(first.manifest)
    fig, axes = _grid(len(indicators))
    for i, (ax, name) in enumerate(zip(axes, indicators)):
        for j, (res, ts) in enumerate(zip(results, series)):
            plots.fan_chart(ts, name, ax, dates=dates, events=events if j == 0 else (),
                            color=plots.PALETTE[j % len(plots.PALETTE)],
                            label=run_label(res.manifest), outer=False,
                            event_labels=i < 2)
    axes[0].legend(fontsize=7, loc="lower left")
    fig.suptitle(_comparison_title(results) + "\nmedian and 50% of runs by month "
                 "(dotted lines: scheduled events)", fontsize=11)
    return fig


def _comparison_title(results: Sequence) -> str:
    parts = [f"{run_label(r.manifest)} ({len(ok_runs(r.outcomes))} runs)" for r in results]
    titles = {r.manifest["scenario"]["title"] for r in results}
    head = " vs ".join(parts)
    return head + ("\n" + next(iter(titles)) if len(titles) == 1 else "")


# --------------------------------------------------------------------------- sensitivity

def _sensitivity_title(result, manifest: dict, what: str) -> str:
    d = result.design
    how = (f"Sobol' (N={d.n}, first and total order)" if d.method == "sobol"
           else f"Morris (N={d.n} trajectories, {d.num_levels} levels)")
    reps = f", {d.repeats} runs per point" if d.repeats > 1 else ""
    return (f"{what}\n{manifest['scenario']['title']} - {how}, {len(d.names)} parameters, "
            f"{manifest.get('runs_ok', manifest['n_runs'])} runs{reps}")


def sensitivity_ranking_figure(result, manifest: dict, top: int = 20) -> Figure:
    """Parameters ranked by their largest index over all outputs; disputed ones hatched (*)."""
    table = result.ranking.assign(disputed=result.ranking["disputes"] != "")
    ax = plots.new_axes(8, 0.32 * min(top, len(table)) + 1.6)
    measure = ("sqrt(ST) x sd of the chance" if result.design.method == "sobol"
               else "mu*, mean absolute change over the range")
    table["effect_pp"] = table["outcome_effect"] * 100
    plots.importance_bars(table, "effect_pp", ax, highlight="disputed", top=top,
                          xlabel=f"Largest effect on an outcome's chance, percentage points "
                                 f"({measure}); * and orange: disputed in the documents")
    ax.set_title(_sensitivity_title(result, manifest, "Which parameters matter"), fontsize=9.5)
    return ax.figure


def sensitivity_figure(result, manifest: dict, top: int = 10, max_outputs: int = 8) -> Figure:
    """One tornado panel per output (outcome chances first), top parameters of each."""
    idx = result.indices
    outputs = list(dict.fromkeys(idx["output"]))[:max_outputs]
    fig, axes = _grid(len(outputs), cols=2, width=6.2, height=0.3 * top + 1.4)
    for ax, output in zip(axes, outputs):
        t = idx[idx["output"] == output]
        if result.design.method == "sobol":
            plots.importance_bars(t, "ST", ax, error="ST_conf", second="S1", top=top,
                                  xlabel="Sobol' index (ST with 95% interval; S1 thin)")
        else:
            plots.importance_bars(t, "mu_star", ax, error="mu_star_conf", top=top,
                                  xlabel="mu* (change over the whole range, 95% interval)")
        ax.set_title(output.replace("_", " "), fontsize=9)
    fig.suptitle(_sensitivity_title(result, manifest, "Sensitivity of each output"), fontsize=10)
    return fig


# --------------------------------------------------------------------------- discovery

def discovery_figure(res, found) -> Figure:
    """The runs in the plane of the two parameters the tree relies on most, the densest box."""
    from unionsim.analysis.discovery import target

    ok = ok_runs(res.outcomes)
    names = list(found.importance.index[:2]) or found.parameters[:2]
    if len(names) == 1:
        names.append(next(p for p in found.parameters if p != names[0]))
    x, y = (ok[f"param.{n}"].to_numpy(dtype=float) for n in names)
    ax = plots.new_axes(7, 5.5)
    best = found.boxes[0]
    plots.box_scatter(x, y, target(ok, found.outcome), ax, xname=names[0], yname=names[1],
                      box=best.limits, outcome=found.outcome)
    ax.set_title(figure_title(res.manifest, res.outcomes,
                              f"Where '{found.outcome.replace('_', ' ')}' is likely: densest box "
                              f"(density {best.density:.0%}, coverage {best.coverage:.0%}; "
                              f"base rate {found.base_rate:.0%})"), fontsize=9)
    return ax.figure
