"""Belarus's armed forces (issue 12, item 1): the pure rules, the actor in a small model, the elite's
reading of a refusal, and the army_split_2020 scenario."""

import mesa
import pytest

from tests.conftest import with_values
from unionsim.bibliography import fact_index
from unionsim.model.actors.army import Army
from unionsim.model.actors.base import Actor
from unionsim.model.choice import logit_probabilities as probabilities
from unionsim.model.rules import army as ar
from unionsim.model.rules import elite as el
from unionsim.model.rules.minsk import DOMESTIC
from unionsim.model.world import UnionModel


# ------------------------------------------------------------------ pure rules
def test_loyalty_follows_legitimacy_pay_and_russias_stance(p, defaults):
    calm = ar.loyalty_target(0.5, 0.5, 0.0, 0.3, 0.0, 0.0, p)
    assert calm == pytest.approx(p.army.base_loyalty)
    # the regime's standing (ELI-09, ELI-11) and economic stress (M3, ELI-11)
    assert ar.loyalty_target(0.3, 0.5, 0.0, 0.3, 0.0, 0.0, p) < calm
    assert ar.loyalty_target(0.6, 0.5, 0.0, 0.3, 0.0, 0.0, p) > calm
    assert ar.loyalty_target(0.5, 0.5, 0.8, 0.3, 0.0, 0.0, p) == pytest.approx(
        calm - p.army.stress_erosion * 0.8)
    # Russia-tied officers carry Moscow's line: backing steadies, information attacks erode
    backed = ar.loyalty_target(0.5, 0.5, 0.0, 0.6, 1.0, 0.0, p)
    attacked = ar.loyalty_target(0.5, 0.5, 0.0, 0.6, 0.0, 1.0, p)
    assert attacked < calm < backed
    assert ar.loyalty_target(0.5, 0.5, 0.0, 0.0, 1.0, 0.0, p) == pytest.approx(calm)
    no_channel = with_values(defaults, **{"army.russian_channel": 0.0})
    assert ar.loyalty_target(0.5, 0.5, 0.0, 0.6, 1.0, 0.0, no_channel) == pytest.approx(
        no_channel.army.base_loyalty)
    assert 0.0 <= ar.loyalty_target(-5.0, 0.5, 1.0, 1.0, 0.0, 1.0, p) <= 1.0


def test_ties_rise_with_joint_forces_on_the_ground(p, monkeypatch):
    assert ar.ties_target(0.3, False, p) == pytest.approx(0.3)
    assert ar.JOINT_FORCES_TIES_GAIN > 0
    assert ar.ties_target(0.3, True, p) == pytest.approx(0.3 + ar.JOINT_FORCES_TIES_GAIN)
    monkeypatch.setattr(ar, "JOINT_FORCES_TIES_GAIN", 0.15)
    assert ar.ties_target(0.3, True, p) == pytest.approx(0.45)
    assert ar.adjusted(0.3, 0.5, 0.1) == pytest.approx(0.32)


def test_willingness_abroad_is_low_by_doctrine_and_moves_with_ties_public_and_purges(p):
    base = ar.willingness_target(p.army.initial_russian_ties, 0.7, 0.0, p)
    assert base < 0.3  # MIN-28: no troops abroad
    assert ar.willingness_target(0.6, 0.7, 0.0, p) > base           # ELI-07
    assert ar.willingness_target(p.army.initial_russian_ties, 0.9, 0.0, p) < base   # P4, BYP-03
    assert ar.willingness_target(p.army.initial_russian_ties, 0.7, 1.0, p) < base   # purge cost


def test_purge_rule_raises_loyalty_and_cuts_ties(p, monkeypatch):
    assert ar.purge_due(p.army.purge_threshold - 0.01, p)
    assert not ar.purge_due(p.army.purge_threshold, p)
    loyalty, ties = ar.after_purge(0.5, 0.6, p)
    assert ar.PURGE_LOYALTY_GAIN > 0
    assert loyalty == pytest.approx(0.5 + ar.PURGE_LOYALTY_GAIN * 0.5)
    monkeypatch.setattr(ar, "PURGE_LOYALTY_GAIN", 0.8)
    assert ar.after_purge(0.5, 0.6, p)[0] == pytest.approx(0.9)
    assert ties == pytest.approx(0.6 * (1.0 - p.army.purge_ties_cut))


def test_the_army_is_ordered_out_only_against_a_large_street_in_a_crackdown(p):
    large = p.army.order_street_factor * p.public.mass_protest_share
    assert ar.repression_order_due(True, large, p)
    assert not ar.repression_order_due(True, large * 0.9, p)
    assert not ar.repression_order_due(False, large * 2, p)


def test_refusing_to_repress_is_likelier_with_low_loyalty_and_a_larger_street(p):
    t = p.army.choice_temperature
    mass = p.public.mass_protest_share

    def refuse(loyalty, street):
        return probabilities(ar.repress_utilities(loyalty, street * mass, p), t)[1]

    assert refuse(0.5, 2.0) > refuse(0.8, 2.0)
    assert refuse(0.7, 3.0) > refuse(0.7, 1.5)
    assert refuse(0.95, 1.5) < 0.1


def test_russian_ties_raise_obedience_abroad_and_willingness_lowers_refusal(p):
    t = p.army.choice_temperature

    def odds(loyalty, willingness, ties):
        return probabilities(ar.abroad_utilities(loyalty, willingness, ties, p), t)

    weak, strong = odds(0.75, 0.1, 0.1), odds(0.75, 0.1, 0.6)
    assert strong[0] > weak[0] and strong[2] < weak[2]
    assert odds(0.75, 0.6, 0.3)[2] < odds(0.75, 0.1, 0.3)[2]
    assert ar.ABROAD_ANSWERS == ("obey", "drag", "refuse")


def test_the_elite_reads_a_refusal_and_nothing_without_one(p, monkeypatch):
    args = (0.3, 0.05, 0.2, 0.0, 0.0, 0.2)
    assert el.cohesion_target(*args, p) == el.cohesion_target(*args, p, army_refusal=0.0)
    assert el.ARMY_REFUSAL_COHESION_LOSS > 0 and el.ARMY_REFUSAL_HAZARD_RISE > 0
    assert el.cohesion_target(*args, p, army_refusal=1.0) == pytest.approx(
        el.cohesion_target(*args, p) - el.ARMY_REFUSAL_COHESION_LOSS)
    calm = el.defection_hazard(0.08, 0.4, 0.2, 0.0, p)
    assert calm > 0
    assert el.defection_hazard(0.08, 0.4, 0.2, 0.0, p, army_refusal=0.0) == calm
    assert el.defection_hazard(0.08, 0.4, 0.2, 0.0, p, army_refusal=1.0) == pytest.approx(
        min(1.0, calm * (1.0 + el.ARMY_REFUSAL_HAZARD_RISE)))
    # ablated, a refusal no longer reaches the hazard
    monkeypatch.setattr(el, "ARMY_REFUSAL_HAZARD_RISE", 0.0)
    assert el.defection_hazard(0.08, 0.4, 0.2, 0.0, p, army_refusal=1.0) == pytest.approx(
        el.defection_hazard(0.08, 0.4, 0.2, 0.0, p))


# ------------------------------------------------------------------ the actor in a small model
@pytest.fixture
def model(baseline):
    return UnionModel(scenario=baseline, seed=4, record=True)


def test_the_army_is_a_mesa_agent_with_a_classifier_of_real_facts(model):
    agents = model.agents_by_type.get(Army)
    assert agents is not None and len(agents) == 1
    assert all(isinstance(a, mesa.Agent) and isinstance(a, Actor) for a in agents)
    index = fact_index()
    assert all(f in index for f in Army.classifier["facts"])
    assert set(Army.classifier["decisions"]) == {"order_repress", "order_abroad"}


def test_the_army_starts_from_its_parameters(model):
    s, p = model.state, model.p
    assert s.army_russian_ties == p.army.initial_russian_ties
    assert abs(s.army_loyalty - p.army.base_loyalty) < 0.05
    assert s.army_abroad_willingness < p.army.base_abroad_willingness + p.army.ties_willingness
    assert s.army_refusal == 0.0 and s.army_purge_memory == 0.0


def test_no_order_abroad_without_a_full_war_role(model):
    for _ in range(3):
        model.step()
    assert not [d for d in model.decisions if d["kind"] == "order_abroad"]


def test_a_refusal_abroad_forces_minsk_back_to_a_limited_role(model, monkeypatch):
    s = model.state
    s.war_next_door, s.war_role = 1.0, 2.0
    dispute, trust = s.dispute, s.kremlin_trust
    monkeypatch.setattr(model.army, "decide", lambda kind, options, *a, **k: "refuse")
    model.army.step()
    assert s.war_role == 1.0
    assert s.dispute > dispute and s.kremlin_trust < trust
    assert model.flags["army_refused_abroad"]
    assert model.army.next_abroad_order == model.month + model.p.army.review_months


def test_dragging_feet_abroad_adds_a_share_of_a_refusals_dispute(model, monkeypatch):
    # army.drag_dispute_share: Moscow sees a delay, not a break (MIN-28, SYS-08)
    s, a = model.state, model.p.army
    s.war_next_door, s.war_role, s.dispute = 1.0, 2.0, 0.1
    trust = s.kremlin_trust
    monkeypatch.setattr(model.army, "decide", lambda kind, options, *args, **k: "drag")
    model.army.step()
    assert s.dispute == pytest.approx(0.1 + a.drag_dispute_share * a.abroad_refusal_dispute)
    assert s.war_role == 2.0 and s.kremlin_trust == trust


def test_the_army_answers_a_combat_order_once_per_review(model):
    s = model.state
    s.war_next_door, s.war_role = 1.0, 2.0
    model.army.step()
    model.army.step()
    asked = [d for d in model.decisions if d["kind"] == "order_abroad"]
    assert len(asked) == 1
    assert asked[0]["choice"] in ar.ABROAD_ANSWERS
    assert set(asked[0]["options"]) == set(ar.ABROAD_ANSWERS)


def test_a_refusal_to_repress_is_remembered_for_the_elite(model, monkeypatch):
    s, p = model.state, model.p
    model.minsk.domestic_course = DOMESTIC.index("repress")
    s.protest_share = 2 * p.army.order_street_factor * p.public.mass_protest_share
    monkeypatch.setattr(model.army, "decide", lambda kind, options, *a, **k: "refuse")
    model.army.step()
    assert s.army_refusal == 1.0
    assert model.flags["army_refused_repression"]
    model.army.step()  # no second order within the review period; the memory ebbs
    assert s.army_refusal == pytest.approx(1.0 - p.army.refusal_decay)


def test_obeying_an_order_to_repress_costs_loyalty(model, monkeypatch):
    s, p = model.state, model.p
    model.minsk.domestic_course = DOMESTIC.index("repress")
    s.protest_share = 2 * p.army.order_street_factor * p.public.mass_protest_share
    monkeypatch.setattr(model.army, "decide", lambda kind, options, *a, **k: "obey")
    s.army_loyalty = 0.8
    model.army.legitimacy_reference = s.legitimacy
    before = s.army_loyalty
    model.army.step()
    assert s.army_loyalty < before
    assert not model.flags["army_refused_repression"]


def test_the_regime_purges_a_doubtful_army(model):
    s, p = model.state, model.p
    s.army_loyalty, s.army_russian_ties = 0.3, 0.5
    model.army.step()
    assert model.flags["army_purged"]
    assert s.army_loyalty > 0.3 and s.army_russian_ties < 0.5
    assert s.army_purge_memory == 1.0
    assert model.army.next_purge == model.month + p.army.review_months


def test_army_decisions_repeat_with_a_seed():
    def army_log(seed):
        m = UnionModel(scenario="election_2020", seed=seed, collect=False, record=True).run()
        return [(d["month"], d["kind"], d["choice"]) for d in m.decisions if d["actor"] == "army"]

    assert army_log(8) == army_log(8)


# ------------------------------------------------------------------ the scenario
def test_army_split_2020_validates_runs_and_reports_the_army_flags():
    m = UnionModel(scenario="army_split_2020", seed=3, collect=False)
    assert m.p.army.base_loyalty == 0.5 and m.p.army.initial_russian_ties == 0.6
    assert m.spec.start == "2020-01" and m.horizon == 36
    m.run()
    row = m.result()
    for name in ("army_purged", "army_refused_repression", "army_refused_abroad",
                 "army_loyalty", "army_russian_ties"):
        assert name in row
    # calm loyalty below the purge threshold: the regime purges the officer corps
    assert row["army_purged"]
