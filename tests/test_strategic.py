"""Strategic deployments (issue 12 item 3): the rules' values and directions, the actors in a
tiny model, NATO's answer, the end state and the scenario."""

from dataclasses import replace

import pytest

from tests.conftest import with_values
from unionsim.config.scenario import load_scenario
from unionsim.model import outcomes
from unionsim.model.actors.strategic import MinskLevers, StrategicKremlin, levers_step
from unionsim.model.choice import UNAVAILABLE, logit_probabilities
from unionsim.model.rules import nato as nato_rules
from unionsim.model.rules import strategic as r
from unionsim.model.state import Strategic
from unionsim.model.world import UnionModel


@pytest.fixture(scope="module")
def view(baseline):
    """Minsk's view at the start of the baseline."""
    return UnionModel(scenario=baseline, seed=1, collect=False).minsk.view()


def test_gates_are_closed_in_2019_conditions_and_open_under_a_build_up(p):
    g = p.strategic
    assert not r.proposal_gate(p.initial.nato_posture, p.initial.tension, 0, p)
    assert r.proposal_gate(g.proposal_posture, 0.0, 0, p)
    assert r.proposal_gate(0.0, g.proposal_tension, 0, p)
    # nothing left to propose once nuclear weapons are there
    assert not r.proposal_gate(1.0, 1.0, Strategic.NUCLEAR_WEAPONS, p)
    assert not r.request_gate(p.initial.nato_posture, p)
    assert r.request_gate(g.request_threat, p)


def test_proposals_grow_with_the_threat_and_are_not_repeated(p):
    low = r.proposal_utilities(0.8, 0, p)
    high = r.proposal_utilities(1.6, 0, p)
    assert high[0] == low[0] == p.strategic.kremlin_inertia
    assert high[1] > low[1] and high[2] > low[2]
    assert high[1] == pytest.approx(p.strategic.deterrence_value * 1.6 - p.strategic.proposal_cost)
    assert r.proposal_utilities(1.6, Strategic.DELIVERY_SYSTEMS, p)[1] == UNAVAILABLE


def test_nuclear_weapons_cost_minsk_more_than_delivery_systems(p, view):
    assert r.sovereignty_cost(Strategic.NUCLEAR_WEAPONS, view, p) > \
        r.sovereignty_cost(Strategic.DELIVERY_SYSTEMS, view, p) > 0
    nuclear = r.answer_utilities(Strategic.NUCLEAR_WEAPONS, view, p)
    delivery = r.answer_utilities(Strategic.DELIVERY_SYSTEMS, view, p)
    assert nuclear[2] < delivery[2]
    # in 2019 conditions Minsk refuses nuclear weapons far more often than it accepts them
    probs = logit_probabilities(nuclear, p.minsk.choice_temperature)
    assert probs[0] > probs[2]


def test_a_higher_nato_threat_makes_acceptance_likelier(p, view):
    calm, threatened = replace(view, nato_threat=0.3), replace(view, nato_threat=1.2)
    u_calm = r.answer_utilities(Strategic.DELIVERY_SYSTEMS, calm, p)
    u_threat = r.answer_utilities(Strategic.DELIVERY_SYSTEMS, threatened, p)
    assert u_threat[2] - u_threat[0] > u_calm[2] - u_calm[0]
    assert r.security_gain(Strategic.NUCLEAR_WEAPONS, threatened, p) == pytest.approx(
        p.strategic.nuclear_security_factor * r.security_gain(1, threatened, p))


def test_moscow_dislikes_paying_for_systems(p, defaults):
    pay = r.bargain_utilities(1.2, p)[1]
    averse = with_values(defaults, **{"strategic.subsidy_aversion": 2.0})
    assert r.bargain_utilities(1.2, averse)[1] < pay
    answers = r.guarantee_answer_utilities("request_systems", 1.2, True, p)
    assert answers[4] == pytest.approx(answers[3] - p.strategic.subsidy_aversion
                                       * p.strategic.price_bn)
    plain = r.guarantee_answer_utilities("request_guarantees", 1.2, False, p)
    assert plain[2] == plain[3] == plain[4] == UNAVAILABLE


def test_requests_and_purchases_follow_threat_and_money(p, view):
    calm, threatened = replace(view, nato_threat=0.5), replace(view, nato_threat=1.2)
    assert r.request_utilities(threatened, p)[1] > r.request_utilities(calm, p)[1]
    rich, poor = replace(threatened, economic_stress=0.0), replace(threatened, economic_stress=1.0)
    assert r.purchase_utilities(poor, p)[1] < r.purchase_utilities(rich, p)[1]
    assert r.request_utilities(poor, p)[2] < r.request_utilities(rich, p)[2]


def test_nato_threat_is_neutral_without_systems_and_rises_with_them(p):
    base = nato_rules.threat_perception(1.0, 0.0, 0.5, False, p)
    assert nato_rules.threat_perception(1.0, 0.0, 0.5, False, p, strategic_systems=0) == base
    one = nato_rules.threat_perception(1.0, 0.0, 0.5, False, p, strategic_systems=1)
    two = nato_rules.threat_perception(1.0, 0.0, 0.5, False, p, strategic_systems=2)
    assert two - base == pytest.approx(p.strategic.nato_threat_weight)
    assert one - base == pytest.approx(p.strategic.nato_threat_weight / 2)


def test_a_deployment_is_recorded_in_the_end_state_and_flags(baseline):
    m = UnionModel(scenario=baseline, seed=3, collect=False)
    s = m.state
    tension, engagement = s.tension_excess, s.western_engagement
    m.levers_minsk.deploy(int(Strategic.DELIVERY_SYSTEMS), "test")
    assert s.strategic_systems == Strategic.DELIVERY_SYSTEMS
    assert s.tension_excess > tension and s.western_engagement < engagement
    m.run()
    row = m.result()
    assert row["end_strategic"] == "delivery_systems" and row["strategic_deployed"]
    assert row["month_strategic"] == 1  # recorded at the first month's bookkeeping
    assert set(outcomes.DIMENSIONS["end_strategic"]) == {"none", "delivery_systems",
                                                          "nuclear_weapons"}


def test_the_actors_take_only_declared_decisions():
    sc = load_scenario("strategic_guarantees")
    seen = {StrategicKremlin: set(), MinskLevers: set()}
    for seed in range(4):
        m = UnionModel(scenario=sc, seed=seed, collect=False, record=True).run()
        for cls, name in ((StrategicKremlin, "levers.kremlin"), (MinskLevers, "levers.minsk")):
            declared = cls.classifier["decisions"]
            for d in m.decisions:
                if d["actor"] == name and d["kind"] != "event":
                    assert d["choice"] in declared[d["kind"]]
                    assert set(d["options"]) == set(declared[d["kind"]])
                    seen[cls].add(d["kind"])
    assert "strategic" in seen[StrategicKremlin] and "guarantee_request" in seen[MinskLevers]


def test_the_levers_stream_leaves_the_other_actors_draws_alone(baseline):
    """The two actors share one stream, separate from every other actor's."""
    m = UnionModel(scenario=baseline, seed=5, collect=False)
    assert m.levers_kremlin.stream is m.levers_minsk.stream
    assert m.levers_kremlin.stream is not m.putin.stream


def test_the_scenario_validates_runs_and_a_build_up_brings_requests(baseline):
    sc = load_scenario("strategic_guarantees")
    requested = calm = 0
    for seed in range(12):
        requested += UnionModel(scenario=sc, seed=seed, collect=False).run().flags[
            "guarantees_requested"]
        calm += UnionModel(scenario=baseline, seed=seed, collect=False).run().flags[
            "guarantees_requested"]
    assert requested >= calm and requested > 0


def test_the_levers_step_is_quiet_in_a_calm_month(baseline):
    m = UnionModel(scenario=baseline, seed=2, collect=False, record=True)
    s = m.state
    s.dispute, s.sanctions_level, s.nato_exercise_months = 0.0, 0.0, 0.0
    before = len(m.decisions)
    levers_step(m)
    assert len(m.decisions) == before
