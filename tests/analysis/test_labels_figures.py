"""Words and figures a reader sees: one label table for every name, integer levels with their
names, shares in percent, no empty series in a legend, a readable flag footer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from unionsim.analysis import plots
from unionsim.analysis.endstates import never_happened, plot_time_to_event, time_to_event
from unionsim.analysis.labels import axis_label, level_names, pretty, words
from unionsim.model.outcomes import DIMENSIONS, FLAGS, OUTCOMES, TIMINGS


@pytest.mark.parametrize("name, text", [
    ("nato_posture", "NATO posture"), ("us_deal", "US deal"),
    ("ukraine_like_protests", "Ukraine-like protests"), ("co_opt", "co-opt"),
    ("us_eu_diverged", "US and EU diverged"), ("western_energy_offer", "Western energy offer"),
    ("russian_loan", "Russian loan"), ("month_war_answer", "war answer"),
    ("end_alignment", "alignment"), ("status_quo", "status quo"),
])
def test_one_label_table_writes_names_as_people_do(name, text):
    assert words(name) == text
    assert pretty(name) == text[:1].upper() + text[1:]


def test_no_label_of_an_outcome_flag_or_end_state_shows_a_raw_acronym_or_underscore():
    names = [*OUTCOMES, *FLAGS, *TIMINGS, *DIMENSIONS,
             *(label for labels in DIMENSIONS.values() for label in labels)]
    for name in names:
        text = words(name)
        assert "_" not in text, name
        for raw in ("nato", "us", "eu", "ukraine", "russian", "kremlin"):
            assert raw not in text.split(), (name, text)
    assert axis_label("nato_posture") == "NATO posture (0..1)"


def test_levels_are_named_from_the_documented_meaning():
    assert level_names("sanctions_level") == {0: "none", 1: "individual", 2: "sectoral",
                                              3: "comprehensive"}
    assert level_names("presence")[4] == "occupation"
    assert level_names("reserves") == {}
    assert plots.level_label("presence", 1) == "rotation or more (level 1 of 0..4)"
    assert plots.level_label("presence", 4) == "occupation (level 4 of 0..4)"
    assert plots.level_label("roadmaps_signed", 28) == "at least 28 roadmaps"


def test_an_integer_level_gets_integer_ticks_with_its_names():
    ax = plots.distribution(pd.Series([0, 1, 2, 2, 2, 3]), "sanctions_level")
    ticks = list(ax.get_xticks())
    assert ticks == [0, 1, 2, 3]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["0\nnone", "1\nindividual", "2\nsectoral", "3\ncomprehensive"]
    ax = plots.distribution(pd.Series([0, 3, 10, 28, 28]), "roadmaps_signed")
    assert all(float(t).is_integer() for t in ax.get_xticks())


def test_a_share_of_people_is_drawn_in_percent():
    ax = plots.distribution(pd.Series(np.linspace(0.03, 0.065, 40)), "protest_peak")
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert labels and all(text.endswith("%") for text in labels)
    medians = [t.get_text() for t in ax.texts if t.get_text().startswith("median")]
    assert medians == ["median 4.8%"]


def test_events_that_never_happen_are_left_out_of_the_time_to_event_legend():
    frame = pd.DataFrame({"status": "ok", "month_loan": [2.0, np.nan, 4.0],
                          "month_deployment": [np.nan] * 3})
    curves = time_to_event(frame, 6, names=("month_loan", "month_deployment"))
    assert never_happened(curves) == ["month_deployment"]
    ax = plot_time_to_event(curves, plots.new_axes())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["loan"]
