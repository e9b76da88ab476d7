"""Labels, percentile bands, flag timing and the Axes-level plots on real results folders."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

from unionsim.analysis import plots
from unionsim.analysis.figures import plot_folder
from unionsim.analysis.labels import axis_label, run_label, scenario_events
from unionsim.analysis.series import (FLAG_TIMING, cumulative_share, fan_bands,
                                      first_fire_months)
from unionsim.analysis.summary import outcome_table
from unionsim.experiment.store import load_results

PNG = b"\x89PNG\r\n\x1a\n"


def test_labels_carry_units_and_batches_are_told_apart(folders):
    assert axis_label("reserves") == "Reserves (USD bn)"
    assert axis_label("protest_share") == "Protest share (share of adults)"
    assert run_label(load_results(folders["base"]).manifest) == "baseline"
    assert run_label(load_results(folders["trad"]).manifest) == "baseline + sovereignty_tradable"


def test_scenario_events_are_placed_on_the_month_numbers_of_the_series(folders):
    events = dict(scenario_events(load_results(folders["base"]).manifest))
    # the baseline starts 2019-01 (month 1): August 2020 is month 20, September 2021 month 33
    assert events[20] == "presidential election"
    assert events[33] == "Zapad 2021"
    assert events[1] == "integration talks open, tax manoeuvre step"


def test_fan_bands_are_the_quantiles_over_runs_for_each_month():
    ts = pd.DataFrame({"run": np.repeat(np.arange(101), 2), "month": np.tile([0, 1], 101),
                       "x": np.concatenate([[i, 2 * i] for i in range(101)]).astype("float32")})
    bands = fan_bands(ts, "x")
    assert list(bands.columns) == [0.05, 0.25, 0.5, 0.75, 0.95]
    assert bands.loc[0].tolist() == pytest.approx([5, 25, 50, 75, 95])
    assert bands.loc[1].tolist() == pytest.approx([10, 50, 100, 150, 190])


def test_first_fire_months_agree_with_the_flags_stored_per_run(folders):
    res = load_results(folders["base"])
    first = first_fire_months(res.timeseries, res.manifest["parameters"])
    stored = res.outcomes.set_index("run")
    assert set(first.columns) == set(FLAG_TIMING)
    for flag in first.columns:
        assert (first[flag].notna() == stored[flag].astype(bool)).all(), flag
        assert first[flag].dropna().between(1, 60).all()
    share = cumulative_share(first["mass_protests"], len(first), 60)
    assert np.all(np.diff(share) >= 0)
    assert share[-1] == pytest.approx(stored["mass_protests"].mean())


def test_plot_functions_draw_on_the_axes_they_are_given(folders):
    res = load_results(folders["base"])
    table = outcome_table(res.outcomes)
    ax = plots.new_axes()
    assert plots.outcome_bars(table, ax) is ax
    widths = [p.get_width() for p in ax.patches]
    assert widths == pytest.approx(table["share"].tolist())
    ax = plots.new_axes()
    assert plots.fan_chart(res.timeseries, "reserves", ax) is ax
    median = ax.lines[0].get_ydata()
    assert median == pytest.approx(fan_bands(res.timeseries, "reserves")[0.5].to_numpy())
    assert ax.get_ylabel() == "Reserves (USD bn)"
    assert isinstance(plots.distribution(res.outcomes["reserves"], "reserves"), Axes)


@pytest.mark.slow
def test_plot_folder_writes_six_pngs_and_leaves_no_figure_open(folders):
    import matplotlib.pyplot as plt

    files = plot_folder(folders["trad"])
    assert plt.get_fignums() == []
    names = sorted(f.name for f in files)
    assert names == ["end_states.png", "fan_charts.png", "final_distributions.png",
                     "flag_timeline.png", "outcomes.png", "time_to_event.png"]
    for f in files:
        assert f.parent == folders["trad"] / "plots"
        data = f.read_bytes()
        assert data.startswith(PNG) and len(data) > 20_000, f.name
