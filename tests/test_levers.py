"""Minsk's counter-levers (issue 12 item 4): gates, utilities, costs and the neighbours' answer."""

import pytest

from unionsim.config.scenario import load_scenario
from unionsim.model.actors.strategic import levers_step
from unionsim.model.choice import UNAVAILABLE
from unionsim.model.rules import levers as r
from unionsim.model.world import UnionModel


def args(**kw):
    values = dict(dispute=0.5, sanctions_level=0.0, war_next_door=0.0, tension=0.5,
                  outside_options=0.4, western_engagement=0.5, minsk_west_tilt=0.0,
                  transit_threat=0.0)
    values.update(kw)
    return values


def gate(p, dispute=0.0, dispute_seen=0.0, sanctions=0.0, sanctions_seen=0.0, war=0.0,
         war_seen=0.0, months_since=1.0):
    return r.new_pressure(dispute, dispute_seen, sanctions, sanctions_seen, war, war_seen,
                          months_since, p)


def test_levers_are_weighed_only_at_new_pressure(p):
    g = p.levers.dispute_gate
    assert not gate(p)
    # a dispute rising past the gate is new; one that stays above it is not
    assert gate(p, dispute=g, dispute_seen=g / 2)
    assert not gate(p, dispute=1.0, dispute_seen=g)
    assert not gate(p, dispute=g / 2, dispute_seen=0.0)
    # a new sanctions step (EU or US) is new; sanctions standing or eased are not
    assert gate(p, sanctions=2.0, sanctions_seen=1.0)
    assert not gate(p, sanctions=2.0, sanctions_seen=2.0)
    assert not gate(p, sanctions=1.0, sanctions_seen=2.0)
    # a war beginning is new; while it lasts Minsk looks again every war_review_months
    review = p.levers.war_review_months
    assert gate(p, war=1.0, war_seen=0.0)
    assert not gate(p, war=1.0, war_seen=1.0, months_since=review - 1)
    assert gate(p, war=1.0, war_seen=1.0, months_since=review)
    assert not gate(p, war=0.0, war_seen=1.0, months_since=review)


def test_standing_sanctions_are_not_new_and_a_calm_month_draws_nothing(baseline):
    m = UnionModel(scenario=baseline, seed=4, collect=False, record=True)
    s = m.state
    s.sanctions_level = 2.0
    m.levers_minsk.state.lever_sanctions_seen = 2.0
    s.dispute = s.lever_dispute_seen = 0.9  # a dispute that stays high is not new
    m.month = 5
    m.levers_minsk.consider_lever()
    assert not any(d["kind"] == "counter_lever" for d in m.decisions)
    assert s.lever_last_month == 0.0
    s.sanctions_level = 3.0  # a new step: Minsk weighs a lever and notes what it has seen
    m.levers_minsk.consider_lever()
    assert [d["kind"] for d in m.decisions].count("counter_lever") == 1
    assert s.lever_last_month == 5 and s.lever_sanctions_seen == 3.0 + s.us_sanctions
    m.levers_minsk.consider_lever()  # the same step next time is no longer new
    assert [d["kind"] for d in m.decisions].count("counter_lever") == 1


def test_what_stands_at_the_start_is_seen(baseline):
    m = UnionModel(scenario=baseline, seed=4, collect=False)
    s = m.state
    assert s.lever_sanctions_seen == s.sanctions_level + s.us_sanctions
    assert s.lever_dispute_seen == s.dispute and s.lever_war_seen == s.war_next_door


def test_transit_threat_grows_with_the_dispute_and_is_not_repeated_while_live(p):
    low = r.lever_utilities(p=p, **args(dispute=0.3))
    high = r.lever_utilities(p=p, **args(dispute=0.9))
    assert high[1] - low[1] == pytest.approx(p.levers.transit_value * 0.6)
    assert r.lever_utilities(p=p, **args(transit_threat=1.0))[1] == UNAVAILABLE


def test_pressure_on_neighbours_only_under_sanctions(p):
    assert r.lever_utilities(p=p, **args())[2] == UNAVAILABLE
    assert r.lever_utilities(p=p, **args(sanctions_level=3.0))[2] > \
        r.lever_utilities(p=p, **args(sanctions_level=1.0))[2]


def test_mediation_is_worth_more_in_a_war_next_door_and_less_when_tilting_west(p):
    calm = r.lever_utilities(p=p, **args())[3]
    assert r.lever_utilities(p=p, **args(war_next_door=1.0))[3] == pytest.approx(
        calm + p.levers.mediation_value)
    assert r.lever_utilities(p=p, **args(minsk_west_tilt=1.0))[3] < calm


def test_neighbours_close_a_crossing_once(p):
    q = p.levers
    assert r.neighbours_close_border(q.closure_pressure, 0.0, p)
    assert not r.neighbours_close_border(q.closure_pressure, 2.0, p)
    assert not r.neighbours_close_border(q.closure_pressure / 2, 0.0, p)


def test_mediation_counts_once_through_the_eu_and_us(baseline):
    """The lever step itself adds no engagement: only the EU's and US's decisions read the offer."""
    m = UnionModel(scenario=baseline, seed=4, collect=False)
    s = m.state
    s.mediation_offer = 1.0
    engagement = s.western_engagement
    levers_step(m)
    assert s.western_engagement == engagement
    assert not hasattr(r, "mediation_engagement_gain")
    assert not hasattr(m.p.levers, "mediation_engagement_gain")


def test_a_transit_threat_costs_trust_and_lifts_the_dispute(baseline):
    m = UnionModel(scenario=baseline, seed=4, collect=False, record=True)
    s = m.state
    s.dispute, s.kremlin_trust = 1.0, 0.5
    # make the transit threat the only sensible move
    m.levers_minsk.weights.levers.inertia = -10.0
    m.levers_minsk.weights.levers.mediation_value = -10.0
    s.lever_dispute_seen = 0.0  # the dispute has just risen past the gate
    m.levers_minsk.consider_lever()
    assert s.transit_threat == 1.0 and s.escalated == 1.0 and s.kremlin_trust < 0.5
    assert m.flags["transit_threatened"]


def test_the_neighbours_answer_hardens_the_eu_and_costs_trade(baseline):
    m = UnionModel(scenario=baseline, seed=4, collect=False)
    s, q = m.state, m.p.levers
    s.neighbour_pressure = 1.0
    engagement, reserves, tension = s.western_engagement, s.reserves, s.tension_excess
    m.levers_minsk.neighbours_answer()
    assert s.border_closed_months == q.closure_months and m.flags["border_closed"]
    assert s.western_engagement == pytest.approx(engagement - q.closure_engagement_loss)
    assert s.tension_excess > tension
    assert s.reserves == pytest.approx(reserves - q.closure_cost_bn / 12)


def test_live_threats_and_offers_ebb(baseline):
    m = UnionModel(scenario=baseline, seed=4, collect=False)
    s, q = m.state, m.p.levers
    s.dispute = s.sanctions_level = 0.0
    s.transit_threat = s.mediation_offer = 1.0
    levers_step(m)
    assert s.transit_threat == pytest.approx(1.0 - q.threat_decay)
    assert s.mediation_offer == pytest.approx(1.0 - q.mediation_decay)


def test_the_energy_dispute_scenario_validates_and_runs():
    sc = load_scenario("energy_diversification")
    m = UnionModel(scenario=sc, seed=1, collect=False).run()
    assert m.result()["end_strategic"] in ("none", "delivery_systems", "nuclear_weapons")
