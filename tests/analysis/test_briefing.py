"""Figures and messages fit for a briefing (issue 9, item 6): calendars, events, levels, units,
outcome figures without time series, honest sensitivity effects, a trace said once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from unionsim.analysis import figures, plots
from unionsim.analysis.compare import compare_folders
from unionsim.analysis.labels import (month_dates, month_serial, pretty, scenario_events,
                                      start_serial, words)
from unionsim.analysis.sensitivity import Design, _indices, morris_step
from unionsim.analysis.series import FLAG_TIMING, discrete_levels, level_shares
from unionsim.experiment.store import load_results
from unionsim.model.outcomes import FLAGS


@pytest.fixture(scope="module")
def later_start(tmp_path_factory):
    """election_2020 starts in January 2020, a year after the baseline."""
    from unionsim.experiment.batch import run_batch

    return run_batch("election_2020", runs=8, seed=3,
                     out=tmp_path_factory.mktemp("brief") / "el20")


@pytest.fixture(scope="module")
def outcomes_only(tmp_path_factory):
    from unionsim.experiment.batch import run_batch

    return run_batch("baseline", runs=8, seed=3, timeseries=False,
                     out=tmp_path_factory.mktemp("brief") / "nots")


def _event_lines(ax) -> set[float]:
    return {float(line.get_xdata()[0]) for line in ax.lines if line.get_linestyle() == ":"}


def test_compare_draws_each_batch_on_its_own_calendar(folders, later_start):
    base, el20 = load_results(folders["base"]), load_results(later_start)
    assert el20.manifest["scenario"]["spec"]["start"] == "2020-01"
    fig = figures.overlay_fan_figure([base, el20])
    ax = fig.axes[0]
    lines = _event_lines(ax)
    # every event of both folders sits at its own calendar month
    dates = month_dates(el20.manifest)
    for month, _ in scenario_events(el20.manifest):
        assert month_serial(dates[month]) in lines
    for month, _ in scenario_events(base.manifest):
        assert month_serial(month_dates(base.manifest)[month]) in lines
    # the 2020 batch's series begins in December 2019 (its month 0), not in the baseline's
    starts = sorted(float(line.get_xdata()[0]) for line in ax.lines
                    if line.get_linestyle() == "-" and len(line.get_xdata()) > 2)
    assert starts == [month_serial("2018-12"), month_serial("2019-12")]
    assert "calendar date" in fig._suptitle.get_text()
    # by month since start, both begin at 0 and the figure says so
    fig = figures.overlay_fan_figure([base, el20], align="start")
    ax = fig.axes[0]
    starts = [float(line.get_xdata()[0]) for line in ax.lines
              if line.get_linestyle() == "-" and len(line.get_xdata()) > 2]
    assert starts == [0.0, 0.0]
    assert "months since each scenario's start" in fig._suptitle.get_text()


def test_compare_notes_the_alignment_and_keys_every_folders_events(folders, later_start,
                                                                   tmp_path):
    heard = []
    comp = compare_folders([folders["base"], later_start], tmp_path / "cmp", notify=heard.append)
    assert comp.align == "calendar"
    assert any("different months" in h and "calendar date" in h for h in heard)
    base, el20 = comp.results
    marks, key = figures._overlay_events(comp.results, [start_serial(base.manifest),
                                                        start_serial(el20.manifest)],
                                         ["a", "b"], "calendar")
    events = {(month + start_serial(r.manifest), text) for r in comp.results
              for month, text in scenario_events(r.manifest)}
    assert len(marks) == len(key) == len(events)     # each folder's events, shared ones once
    assert {x for x, _, _ in marks} == {x for x, _ in events}


def test_the_difference_panel_labels_every_comparison_and_the_legend_sits_below(
        folders, later_start):
    from unionsim.analysis.compare import compare_results

    results = [load_results(f) for f in (folders["base"], folders["trad"], later_start)]
    diffs = [compare_results(results[0], r) for r in results[1:]]
    fig = figures.comparison_outcome_figure(results, diffs)
    left, right = fig.axes[:2]
    labels = [t.get_text() for t in right.get_legend().get_texts()]
    assert len(labels) == 2 and all("minus baseline" in t for t in labels)
    # the bars' legend is anchored below the Axes, where it can hide no bar
    assert left.get_legend().get_bbox_to_anchor().y0 < left.get_window_extent().y0


@pytest.mark.slow
def test_plot_and_compare_work_on_folders_without_time_series(folders, outcomes_only,
                                                              tmp_path):
    heard = []
    written = figures.plot_folder(outcomes_only, tmp_path / "plots", notify=heard.append)
    # the end states and first-event curves come from outcomes.parquet: drawn all the same
    assert sorted(p.name for p in written) == ["end_states.png", "final_distributions.png",
                                               "outcomes.png", "time_to_event.png"]
    assert heard and "--no-timeseries" in heard[0] and "fan_charts.png" in heard[0]
    heard = []
    comp = compare_folders([folders["base"], outcomes_only], tmp_path / "cmp",
                           notify=heard.append)
    names = {p.name for p in comp.files}
    assert "compare_outcomes.png" in names and "compare_fan_charts.png" not in names
    assert any("no time series" in h for h in heard)


def test_counts_with_few_values_are_drawn_as_shares_of_runs_by_level(folders):
    ts = load_results(folders["base"]).timeseries
    levels = discrete_levels(ts, "sanctions_level")
    assert levels and set(levels) <= {1.0, 2.0, 3.0}
    assert discrete_levels(ts, "reserves") is None
    shares = level_shares(ts, "sanctions_level", levels)
    last = ts[ts["month"] == ts["month"].max()]
    assert shares[levels[0]].iloc[-1] == pytest.approx((last["sanctions_level"] >= levels[0])
                                                       .mean())
    ax = plots.level_chart(ts, "sanctions_level", levels)
    assert ax.get_ylim() == pytest.approx((-0.02, 1.02))


def test_bounded_indicators_span_their_scale_and_money_starts_at_zero(folders):
    ts = load_results(folders["base"]).timeseries
    lo, hi = plots.fan_chart(ts, "sovereignty").get_ylim()
    assert lo <= 0 and hi >= 1           # a drift from 1.0 to 0.97 is drawn as small
    lo, hi = plots.fan_chart(ts, "reserves").get_ylim()
    assert lo <= 0 < hi
    lo, hi = plots.fan_chart(ts, "support_incorporation").get_ylim()
    assert lo <= 0 and hi >= 0.1


def test_event_tags_of_nearby_events_are_stacked_not_overlapping():
    ax = plots.new_axes()
    ax.set_xlim(0, 60)
    plots.mark_events(ax, [(10, "1"), (11, "2"), (12, "3"), (40, "4")])
    offsets = [t.xyann[1] for t in ax.texts]
    assert offsets[0] != offsets[1] != offsets[2] and offsets[3] == offsets[0]


def test_timed_flags_are_flags_and_the_timeline_lists_the_others(folders):
    assert set(FLAG_TIMING) <= set(FLAGS)
    res = load_results(folders["base"])
    fig = figures.timeline_figure(res)
    titles = " ".join(ax.get_title(loc="left") for ax in fig.axes)
    # the note on the other flags: a line below the figure, or a key in columns under it
    note = fig._supxlabel.get_text() if fig._supxlabel else ""
    for key in fig.legends:
        note += " " + key.get_title().get_text().replace("\n", " ")
        note += " " + " ".join(t.get_text() for t in key.get_texts())
    for flag in FLAG_TIMING:
        shown = f"{pretty(flag)}:" in titles
        assert shown != (words(flag) in note), flag
    assert "median" in titles and "month 20" not in titles
    assert all(words(f) in note for f in FLAGS if f not in FLAG_TIMING and f in res.outcomes)


def test_a_morris_effect_is_at_most_the_spread_of_the_share():
    design = Design("morris", ("a", "b", "c"), ((0, 1),) * 3, n=10, seed=4)
    x = design.points()
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, len(x)).astype(float)       # one run per point: pure noise 0 or 1
    t = _indices(design, x, y, 0.95)
    assert (t["effect"] <= np.ptp(y) + 1e-12).all()
    assert t["effect"].to_numpy() == pytest.approx(t["mu_star"].to_numpy() * morris_step(4))
    assert morris_step(4) == pytest.approx(2 / 3)


@pytest.mark.slow
def test_the_report_names_batches_states_units_and_leads_with_the_comparison(report_html):
    html = report_html.read_text("utf-8")
    assert html.index("<h2>Comparison</h2>") < html.index("<h3>The scenario</h3>")
    for raw in ("share_a", "share_b", "ci_low", "ci_high", "{'dist'", "'low':"):
        assert raw not in html, raw
    assert "<th>unit</th>" in html and "USD bn" in html
    assert "<th>median baseline</th>" in html
    assert "triangular from 0.45 to 0.95, most likely 0.7" in html


def test_the_trace_tells_lobbies_once_and_no_phrase_twice():
    from unionsim.analysis.trace import render, say_once
    from unionsim.config.scenario import load_scenario
    from unionsim.model.world import UnionModel

    loaded = load_scenario("zapad_nato_buildup")
    model = UnionModel(scenario=loaded, params=loaded.parameters(), seed=3, collect=False,
                       record=True).run()
    lines = "\n".join(render(model)).splitlines()
    assert not any("NATO exercise NATO exercise" in line for line in lines)
    assert any("NATO exercise near Belarus" in line for line in lines)
    lobby_lines = [i for i, line in enumerate(lines) if line.strip().startswith("lobbies:")]
    assert lobby_lines
    for i in lobby_lines:
        assert "because: lobbies:" not in lines[i - 1]
    assert len(lines) == len(set(lines)) or all(
        lines.count(line) == 1 for line in lines if "lobbies" in line)
    assert say_once("a b a b c") == "a b c"


@pytest.mark.slow
def test_compare_and_plot_commands_state_units_alignment_and_what_they_left_out(
        folders, outcomes_only, tmp_path):
    import os
    import subprocess
    import sys

    def cli(*args):
        env = {**os.environ, "MPLBACKEND": "Agg", "COLUMNS": "200"}
        return subprocess.run([sys.executable, "-m", "unionsim", *map(str, args)],
                              capture_output=True, text=True, env=env, timeout=300)

    r = cli("compare", folders["base"], outcomes_only, "--out", tmp_path / "cmp")
    assert r.returncode == 0, r.stderr
    assert "unit" in r.stdout and "USD bn" in r.stdout and "share of adults" in r.stdout
    assert "no time series" in r.stderr and "Traceback" not in r.stderr
    r = cli("plot", outcomes_only, "--out", tmp_path / "plots")
    assert r.returncode == 0, r.stderr
    assert "outcomes.png" in r.stdout and "fan_charts.png" not in r.stdout
    r = cli("compare", folders["base"], folders["trad"], "--align", "sideways")
    assert r.returncode == 2 and "--align" in r.stderr and "Traceback" not in r.stderr
