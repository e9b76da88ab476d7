"""The outcome classifier and its documented precedence."""

import pytest

from unionsim.model.outcomes import FINAL_INDICATORS, OUTCOMES, classify, final_indicators, run_flags
from unionsim.model.state import WorldState


def state(**kw):
    s = WorldState()
    for k, v in kw.items():
        setattr(s, k, v)
    return s


@pytest.mark.parametrize("kw,expected", [
    ({}, "status_quo"),
    ({"roadmaps_signed": 28, "roadmaps_implemented": 3}, "symbolic_integration"),
    ({"roadmaps_signed": 28, "roadmaps_implemented": 20}, "economic_integration"),
    ({"roadmaps_signed": 5}, "status_quo"),
    ({"presence": 3}, "permanent_presence"),
    ({"presence": 2}, "status_quo"),
    ({"supranational_bodies": 1}, "supranational_union"),
    ({"regime": 2}, "regime_change"),
    ({"regime": 1}, "status_quo"),
    ({"absorbed": 1}, "absorption"),
])
def test_single_conditions(p, kw, expected):
    assert classify(state(**kw), p) == expected


def test_precedence_from_drastic_to_mild(p):
    everything = dict(absorbed=1, regime=2, supranational_bodies=1, presence=3,
                      roadmaps_signed=28, roadmaps_implemented=28)
    order = ["absorbed", "regime", "supranational_bodies", "presence", "roadmaps_implemented",
             "roadmaps_signed"]
    seen = []
    kw = dict(everything)
    for key in order:
        seen.append(classify(state(**kw), p))
        kw.pop(key)
    assert seen == list(OUTCOMES[:6])
    assert classify(state(), p) == OUTCOMES[6]


def test_flags(p):
    s = state(protest_peak=0.05, loans_total=1.5, roadmaps_signed=28, energy_offer=1)
    flags = run_flags(s, {"crisis_logic": False, "troops_stayed": True, "trade_war": False,
                          "temporary_deployment": False},
                      max_sanctions=2, max_radicalism=0.1, p=p)
    assert flags["mass_protests"] and flags["troops_stayed"] and flags["sectoral_sanctions"]
    assert flags["russian_loan"] and flags["integration_signed"] and flags["western_energy_offer"]
    assert not flags["ukraine_like_protests"] and not flags["crisis_logic"]
    assert not flags["default"] and not flags["regime_fell"]


def test_final_indicators_are_the_listed_state_values():
    s = state(reserves=4.2, sovereignty=0.9)
    out = final_indicators(s)
    assert list(out) == list(FINAL_INDICATORS)
    assert out["reserves"] == 4.2 and out["sovereignty"] == 0.9


def test_flag_names_do_not_collide_with_indicator_names():
    from unionsim.model.outcomes import FLAGS

    assert not set(FLAGS) & set(FINAL_INDICATORS)
    assert "outcome" not in FLAGS and "outcome" not in FINAL_INDICATORS
