"""End-state dimensions and time-to-event curves from an outcomes frame."""

import math

import numpy as np
import pandas as pd
import pytest

from unionsim.analysis.endstates import (dimension_table, plot_dimension_bars, plot_time_to_event,
                                         time_to_event, timing_table)
from unionsim.analysis.plots import new_axes
from unionsim.model.outcomes import DIMENSIONS, TIMINGS


def frame():
    nan = math.nan
    return pd.DataFrame({
        "status": ["ok", "ok", "ok", "ok", "failed"],
        "end_alignment": ["dependent", "dependent", "balanced", "westward", None],
        "month_loan": [3.0, 5.0, nan, nan, nan],
        "month_signed": [0.0, nan, nan, nan, nan],
    })


def test_dimension_shares_count_finished_runs_with_wilson_intervals():
    table = dimension_table(frame())
    # only the dimension present, every label listed in DIMENSIONS order
    assert list(table["label"]) == list(DIMENSIONS["end_alignment"])
    dep = table.set_index("label").loc["dependent"]
    assert dep["runs"] == 2 and dep["share"] == pytest.approx(0.5)
    assert dep["ci_low"] < 0.5 < dep["ci_high"]
    assert table["share"].sum() == pytest.approx(1.0)


def test_timing_table_gives_share_and_months_of_runs_where_it_happened():
    t = timing_table(frame()).set_index("event")
    assert t.loc["month_loan", "runs"] == 2 and t.loc["month_loan", "share"] == 0.5
    assert t.loc["month_loan", "median"] == 4.0
    assert t.loc["month_signed", "median"] == 0.0
    assert "month_deployment" not in t.index  # absent columns are skipped


def test_time_to_event_curves_rise_by_month_and_never_fall():
    curves = time_to_event(frame(), horizon=6)
    assert list(curves.index) == list(range(7))
    assert list(curves["month_loan"]) == [0, 0, 0, 0.25, 0.25, 0.5, 0.5]
    assert list(curves["month_signed"]) == [0.25] * 7
    assert (np.diff(curves["month_loan"]) >= 0).all()


def test_plots_draw_on_the_axes_they_are_given():
    ax = new_axes()
    assert plot_dimension_bars(dimension_table(frame()), "end_alignment", ax) is ax
    assert len(ax.patches) == len(DIMENSIONS["end_alignment"])
    ax2 = new_axes()
    assert plot_time_to_event(time_to_event(frame(), 6), ax2,
                              dates=[f"2020-{m:02d}" for m in range(1, 8)]) is ax2
    assert len(ax2.lines) == 2


def test_a_real_batch_has_every_dimension_and_timing(folders):
    from unionsim.experiment.store import load_results

    res = load_results(folders["base"])
    table = dimension_table(res.outcomes)
    assert set(table["dimension"]) == set(DIMENSIONS)
    for _, rows in table.groupby("dimension"):
        assert rows["share"].sum() == pytest.approx(1.0)
    assert len(timing_table(res.outcomes)) == len(TIMINGS)  # one row each


def test_folder_figures_show_the_end_state_dimensions_and_first_event_curves(folders):
    from unionsim.analysis.figures import end_state_figure, time_to_event_figure
    from unionsim.experiment.store import load_results
    from unionsim.model.outcomes import DIMENSIONS

    res = load_results(folders["base"])
    fig = end_state_figure(res)
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert titles == [d.removeprefix("end_").replace("_", " ") for d in DIMENSIONS]
    curves = time_to_event_figure(res).axes[0].get_lines()
    assert len(curves) >= 5
    # each curve is a share of runs that never falls
    for line in curves:
        y = line.get_ydata()
        assert all(0 <= a <= b <= 1 for a, b in zip(y, y[1:]))
