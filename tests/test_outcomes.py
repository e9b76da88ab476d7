"""The outcome classifier and its documented precedence."""

import pytest

import math

from unionsim.model.outcomes import (DIMENSIONS, FINAL_INDICATORS, OUTCOMES, RESULT_COLUMNS,
                                     TIMINGS, classify, end_states, final_indicators, run_flags)
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
    # any signed package counts (the old 10-roadmap floor never bound: packages are signed whole)
    ({"roadmaps_signed": 5}, "symbolic_integration"),
    ({"presence": 3}, "permanent_presence"),
    ({"presence": 2}, "status_quo"),
    ({"supranational_bodies": 1}, "supranational_union"),
    ({"regime": 2}, "regime_change"),
    ({"regime": 1}, "status_quo"),
    ({"absorbed": 1}, "absorption"),
])
def test_single_conditions(p, kw, expected):
    assert classify(state(**kw), p) == expected


# Each key below, with all those after it, makes the outcome of the same position in OUTCOMES
# (with the signing in the last months of the run where integration is pending).
EVERYTHING = [("absorbed", {"absorbed": 1}), ("regime", {"regime": 2}),
              ("supranational", {"supranational_bodies": 1}), ("presence", {"presence": 3}),
              ("implemented", {"roadmaps_implemented": 28}),
              ("rupture", {"intervention_attempted": 1}),
              ("dependence", {"sanctions_level": 2, "western_engagement": 0.0,
                              "loans_total": 3.0}),
              ("signed", {"roadmaps_signed": 28}), ("late", {}),
              ("westward", {"western_engagement": 0.9, "diversified": 0.3})]


def test_precedence_from_drastic_to_mild(p):
    seen = []
    for i in range(len(EVERYTHING)):
        kw = {}
        for _, values in reversed(EVERYTHING[i:]):  # the more drastic entry wins a shared key
            kw.update(values)
        if "roadmaps_implemented" in kw:
            kw["roadmaps_signed"] = 28
        signed_late = EVERYTHING[i][0] == "late"
        month = 58.0 if signed_late else 10.0
        if signed_late:
            kw["roadmaps_signed"] = 28
        s = state(**kw)
        seen.append(classify(s, p, end_states(s, p), month_signed=month, horizon=60))
    assert seen == list(OUTCOMES[:-1])
    assert classify(state(), p) == OUTCOMES[-1] == "status_quo"


@pytest.mark.parametrize("kw,flags,dimension,expected", [
    ({}, {}, "end_integration", "none"),
    ({"roadmaps_signed": 28}, {}, "end_integration", "signed"),
    ({"roadmaps_signed": 28, "roadmaps_implemented": 7}, {}, "end_integration",
     "partly_implemented"),
    ({"roadmaps_signed": 28, "roadmaps_implemented": 20}, {}, "end_integration", "implemented"),
    ({"supranational_bodies": 1}, {}, "end_integration", "supranational"),
    ({"absorbed": 1}, {}, "end_integration", "absorbed"),
    ({}, {}, "end_military", "none"),
    ({"presence": 1}, {}, "end_military", "rotation"),
    ({}, {"temporary_deployment": True}, "end_military", "rotation"),
    ({"presence": 3}, {"troops_stayed": True}, "end_military", "exercise_troops_stayed"),
    ({"presence": 3, "base_agreed": 1}, {}, "end_military", "permanent_presence"),
    ({}, {"forces_deployed": True}, "end_military", "forces_sent_in"),
    ({"occupied": 1}, {}, "end_military", "occupation"),
    ({"western_engagement": 0.5}, {}, "end_alignment", "balanced"),
    ({"sanctions_level": 2, "loans_total": 3.0}, {}, "end_alignment", "dependent"),
    # loans without sanctions, or sanctions without loans, are not dependence
    ({"loans_total": 3.0}, {}, "end_alignment", "balanced"),
    ({"sanctions_level": 2}, {}, "end_alignment", "balanced"),
    ({}, {"forces_deployed": True}, "end_alignment", "dependent"),
    ({"western_engagement": 0.9, "diversified": 0.3}, {}, "end_alignment", "westward"),
    ({"western_engagement": 0.9, "energy_offer": 1}, {}, "end_alignment", "westward"),
    ({"western_engagement": 0.9, "diversified": 0.3, "sanctions_level": 1}, {}, "end_alignment",
     "balanced"),
    ({}, {}, "end_regime", "continuity"),
    ({"regime": 1}, {}, "end_regime", "managed_succession"),
    ({"regime": 2}, {}, "end_regime", "fell"),
    ({"absorbed": 1}, {}, "end_regime", "absorbed"),
    ({"growth": 3.0}, {}, "end_economy", "growth"),
    ({"growth": 1.0}, {}, "end_economy", "stagnation"),
    ({"growth": -2.0}, {}, "end_economy", "recession"),
    ({"growth": 3.0, "defaulted": 1}, {}, "end_economy", "default"),
])
def test_end_state_dimensions(p, kw, flags, dimension, expected):
    ends = end_states(state(**kw), p, flags)
    assert set(ends) == set(DIMENSIONS)
    assert ends[dimension] == expected
    assert expected in DIMENSIONS[dimension]


def test_recent_growth_not_the_last_month_decides_the_economy(p):
    s = state(growth=-3.0)
    assert end_states(s, p, recent_growth=2.5)["end_economy"] == "growth"


def test_forces_sent_in_or_a_failed_takeover_is_never_the_status_quo(p):
    s = state()
    assert classify(s, p, end_states(s, p, {"forces_deployed": True})) == "dependence"
    assert classify(state(intervention_attempted=1), p) == "rupture"


def test_an_open_break_at_the_end_is_a_rupture(p):
    o = p.outcomes
    assert classify(state(dispute=o.rupture_dispute_min, kremlin_trust=o.rupture_trust_max),
                    p) == "rupture"
    assert classify(state(dispute=o.rupture_dispute_min,
                          kremlin_trust=o.rupture_trust_max + 0.1), p) == "status_quo"


def test_late_signing_is_pending_not_symbolic(p):
    s = state(roadmaps_signed=28)
    late = 60 - p.outcomes.late_signing_months + 1
    assert classify(s, p, month_signed=late, horizon=60) == "integration_pending"
    assert classify(s, p, month_signed=late - 2, horizon=60) == "symbolic_integration"


def test_result_columns_name_every_recorded_value():
    assert len(set(RESULT_COLUMNS)) == len(RESULT_COLUMNS)
    assert set(TIMINGS) <= set(RESULT_COLUMNS) and set(DIMENSIONS) <= set(RESULT_COLUMNS)


def test_a_run_records_its_dimensions_and_timings(p):
    from unionsim.model.world import UnionModel

    model = UnionModel("baseline", seed=3, collect=False).run()
    row = model.result()
    assert list(row) == list(RESULT_COLUMNS)
    for name, labels in DIMENSIONS.items():
        assert row[name] in labels
    for name in TIMINGS:
        month = row[name]
        assert math.isnan(month) or 0 <= month <= model.horizon
    # a month is recorded exactly when the event happened
    assert math.isnan(row["month_loan"]) == (row["loans_total"] == 0)
    assert math.isnan(row["month_sectoral_sanctions"]) == (not row["sectoral_sanctions"])
    if not math.isnan(row["month_sectoral_sanctions"]):
        assert row["month_individual_sanctions"] <= row["month_sectoral_sanctions"]
    assert row["outcome"] == model.outcome


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
