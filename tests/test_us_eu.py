"""Issue 12, item 5: the US and the EU as separate actors (rules/us.py, rules/west.py, Eu, Us)."""

import inspect
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from unionsim.config.params import default_parameters
from unionsim.config.scenario import load_scenario
from unionsim.model.actors.western import Eu, Us
from unionsim.model.choice import UNAVAILABLE
from unionsim.model.rules import economy as econ
from unionsim.model.rules import us as us_rules
from unionsim.model.rules import west as west_rules
from unionsim.model.world import UnionModel
from unionsim.validation.claims import CLAIMS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def p():
    return default_parameters().namespace()


def _with(p, group, **values):
    """A copy of the namespace with some of one group's values changed."""
    q = SimpleNamespace(**vars(p))
    setattr(q, group, SimpleNamespace(**{**vars(getattr(p, group)), **values}))
    return q


# ----------------------------------------------------------------------------- the EU
def test_the_eu_keeps_the_west_name():
    m = UnionModel("baseline", seed=1, collect=False)
    assert isinstance(m.west, Eu) and m.west.name == "west"
    assert isinstance(m.us, Us) and m.us.name == "us"


def test_eu_interface_variables_are_neutral_at_zero(p):
    args = (0.2, 1.0, 0.4, 0.3, 0.2, 0.1, False, p)
    old = west_rules.policy_utilities(*args, easing_allowed=True)
    new = west_rules.policy_utilities(*args, easing_allowed=True, mediation_offer=0.0,
                                      transit_threat=0.0)
    assert old == new
    assert west_rules.war_complicity(0.0, p) == 0.0


def test_an_energy_offer_answers_a_russian_cut_not_a_quarrel_alone(p):
    # WES-08, E30, E31: the US offered oil after Russia cut deliveries in the end-2019 dispute
    assert west_rules.energy_cut(3.0, 3.0) == 0.0
    assert west_rules.energy_cut(2.65, 3.0) == pytest.approx(0.35)
    assert west_rules.energy_cut(3.2, 3.0) == 0.0      # a concession is no cut
    offer, oil = 4, 5
    quarrel = (0.0, 0.0, 0.4, 0.0, 0.6, 0.2, False, p)
    assert west_rules.policy_utilities(*quarrel)[offer] == UNAVAILABLE
    assert west_rules.policy_utilities(*quarrel, energy_cut=0.35)[offer] > UNAVAILABLE
    calm = (0.0, 0.0, 0.4, 0.0, 0.0, 0.2, False, p)    # a cut without a quarrel
    assert west_rules.policy_utilities(*calm, energy_cut=0.35)[offer] == UNAVAILABLE
    us_args = (0.0, 0.0, 0.3, 0.0, 0.25, 0.6, 0.0, False, 0.0, p)
    assert us_rules.policy_utilities(*us_args)[oil] == UNAVAILABLE
    assert us_rules.policy_utilities(*us_args, energy_cut=0.35)[oil] > UNAVAILABLE


def test_the_west_makes_no_energy_offer_while_moscow_cuts_nothing():
    # the actors read the cut from the state: a quarrel over a base with support intact
    m = UnionModel("election_2015", seed=3, collect=False)
    s = m.state
    s.dispute, s.energy_support, s.support_reference = 0.6, 3.0, 3.0
    seen = []
    original = m.west.decide

    def spy(kind, options, utilities, *args, **kw):
        seen.append(dict(zip(options, utilities)))
        return original(kind, options, utilities, *args, **kw)

    m.west.decide = spy
    m.west.step()
    assert seen and seen[0]["energy_offer"] == UNAVAILABLE
    s.energy_support = 2.5                          # Moscow cuts: now there is something to answer
    m.west.step()
    assert seen[1]["energy_offer"] > UNAVAILABLE


def test_lithuania_and_transit_make_eu_changes_dearer_and_mediation_engagement_dearer(p):
    args = (0.2, 1.0, 0.4, 0.3, 0.2, 0.1, False)
    base = west_rules.policy_utilities(*args, p)
    veto = west_rules.policy_utilities(*args, _with(p, "west", lithuania_friction=0.3))
    threat = west_rules.policy_utilities(*args, p, transit_threat=1.0)
    mediation = west_rules.policy_utilities(*args, p, mediation_offer=1.0)
    ease, engage = 2, 3
    for other in (veto, threat):
        assert other[ease] == pytest.approx(base[ease] - (0.3 if other is veto
                                                         else p.west.transit_hardening))
        assert other[engage] < base[engage]
        assert other[1] == base[1]  # sanctioning is not a change of course toward Minsk
    assert mediation[engage] > base[engage]


def test_a_war_role_weighs_like_repression_for_both(p):
    assert west_rules.war_complicity(2, p) == pytest.approx(p.west.war_complicity_record)
    assert west_rules.war_complicity(1, p) == pytest.approx(p.west.war_complicity_record / 2)
    assert us_rules.war_record(0.1, 0, p) == 0.1
    assert us_rules.war_record(0.1, 2, p) == pytest.approx(p.us.war_complicity_record)


def test_each_month_of_a_war_role_costs_us_engagement_by_the_fixed_loss(monkeypatch):
    def engagement_after_a_month(war_role):
        m = UnionModel(seed=2, collect=False)
        # not a review month and the record already answered by a US step: only the war role acts
        m.month = int(m.p.us.review_months) + 1
        m.state.abuse_memory, m.state.war_role, m.state.us_sanctions = 0.0, war_role, 1.0
        before = m.state.us_engagement
        m.us.step()
        return before - m.state.us_engagement

    assert us_rules.WAR_ENGAGEMENT_LOSS > 0
    assert engagement_after_a_month(2.0) == pytest.approx(us_rules.WAR_ENGAGEMENT_LOSS)
    assert engagement_after_a_month(1.0) == pytest.approx(us_rules.WAR_ENGAGEMENT_LOSS / 2)
    monkeypatch.setattr(us_rules, "WAR_ENGAGEMENT_LOSS", 0.0)
    assert engagement_after_a_month(2.0) == 0.0


# ----------------------------------------------------------------------------- the US rules
def test_us_sanctions_answer_a_record_and_need_no_unanimity(p):
    calm = us_rules.policy_utilities(0.1, 0, 0.3, 0, 0.25, 0, 0, False, 0, p)
    assert calm[1] == UNAVAILABLE
    bad = us_rules.policy_utilities(0.9, 0, 0.3, 0, 0.8, 0, 0, False, 0, p)
    assert bad[1] == pytest.approx(p.us.human_rights * 0.9 - p.us.sanction_friction)
    # the US's friction is below the EU's unanimity friction
    assert p.us.sanction_friction < p.west.unanimity_friction


def test_a_prisoner_deal_is_offered_only_with_something_to_trade(p):
    assert us_rules.deal_available(2, 1.0, 0.5, p)
    assert not us_rules.deal_available(0, 1.0, 0.5, p)         # nothing to relieve
    assert not us_rules.deal_available(2, 0.1, 0.5, p)         # nobody left to free
    assert not us_rules.deal_available(2, 1.0, 0.8, p)         # crackdown at its height
    u = us_rules.policy_utilities(0.5, 2, 0.1, 1.0, 0.5, 0.3, 0, False, 0, p)
    assert u[4] == pytest.approx(p.us.deal_appeal + p.us.buffer_value * 0.3
                                 - p.us.human_rights * 0.5)


def test_lifting_a_step_in_a_deal_costs_the_us_what_easing_it_costs(p):
    # WES-01, L13: relief follows an improving record, whether on its own or for prisoners; the
    # deal adds the release (and a Minsk quarrelling with Moscow) to the same relief
    fresh = us_rules.policy_utilities(0.8, 2, 0.1, 1.0, 0.5, 0.3, 0, False, 0, p)
    faded = us_rules.policy_utilities(0.3, 2, 0.1, 1.0, 0.5, 0.3, 0, False, 0, p)
    assert faded[4] - fresh[4] == pytest.approx(p.us.human_rights * 0.5)
    assert fresh[4] < fresh[0]                  # a fresh crackdown: the US holds
    # a calm period, prisoners held, Minsk quarrelling with Moscow (2015): the deal is live
    calm = us_rules.policy_utilities(0.3, 2, 0.3, 0.6, 0.2, 0.5, 0, False, 0, p)
    assert calm[4] > calm[0]


def test_us_easing_has_no_dialogue_test_unlike_the_eus(p):
    # prisoners free, repression low, but Minsk not seeking dialogue: the EU cannot ease
    assert not west_rules.easing_conditions_met(0.1, 0.3, 0.0, p)
    assert us_rules.easing_conditions_met(0.1, 0.3, p)


def test_minsk_values_a_deal_more_in_a_quarrel_less_when_dependent_or_restless(p):
    base = us_rules.deal_answer_utilities(2, 0.0, 0.3, 0.0, 0.0, p)[1]
    assert us_rules.deal_answer_utilities(2, 0.5, 0.3, 0.0, 0.0, p)[1] == pytest.approx(
        base + 0.5 * p.us.deal_isolation_value)
    assert us_rules.deal_answer_utilities(2, 0.0, 0.0, 0.0, 0.0, p)[1] < base
    assert us_rules.deal_answer_utilities(2, 0.0, 0.3, 1.0, 0.0, p)[1] == pytest.approx(
        base - p.us.deal_control_cost)
    assert us_rules.deal_answer_utilities(1, 0.0, 0.3, 0.0, 0.0, p)[1] < base
    assert us_rules.deal_answer_utilities(2, 0.0, 0.3, 0.0, 0.0, p)[0] == 0.0


def test_freeing_the_challengers_costs_more_the_harder_minsk_still_represses(p):
    # MIN-52, MIN-53: the release calls off a crackdown the regime survives by
    calm = us_rules.deal_answer_utilities(2, 0.0, 0.3, 0.0, 0.1, p)[1]
    crackdown = us_rules.deal_answer_utilities(2, 0.0, 0.3, 0.0, 0.6, p)[1]
    assert crackdown == pytest.approx(calm - 0.5 * p.us.deal_crackdown_cost)
    # post-2020: sanctions in force, no quarrel, few outside options, a quiet street held down
    # by repression: Minsk refuses; a 2015-type calm with a quarrel with Moscow: it accepts
    assert us_rules.deal_answer_utilities(2, 0.0, 0.1, 0.0, 0.6, p)[1] < 0
    assert us_rules.deal_answer_utilities(2, 0.5, 0.3, 0.0, 0.2, p)[1] > 0


def test_the_us_reviews_quarterly_unless_a_record_is_unanswered(p):
    n = int(p.us.review_months)
    assert us_rules.should_review(n, 0.0, 0, False, p)
    assert not us_rules.should_review(n + 1, 0.0, 0, False, p)
    assert us_rules.should_review(n + 1, 0.9, 0, False, p)
    assert not us_rules.should_review(n + 1, 0.9, 1, False, p)
    assert not us_rules.should_review(n, 0.0, 0, True, p)


# ----------------------------------------------------------------------------- the economy
def test_us_economy_terms_are_neutral_at_their_defaults(p):
    assert econ.funding_balance(3.0, 0.1, False, 1, p, 7.0, 1.0, us_sanctions=0.0) \
        == econ.funding_balance(3.0, 0.1, False, 1, p, 7.0, 1.0)
    assert econ.outside_options(0.5, False, 0.1, 1, p, us_sanctions=0.0,
                                us_engagement=p.us.initial_engagement) \
        == econ.outside_options(0.5, False, 0.1, 1, p)
    hit = econ.funding_balance(3.0, 0.1, False, 1, p, 7.0, 1.0, us_sanctions=2.0)
    eu_step = econ.funding_balance(3.0, 0.1, False, 2, p, 7.0, 1.0)
    plain = econ.funding_balance(3.0, 0.1, False, 1, p, 7.0, 1.0)
    # two US steps cost less than one EU step (the EU is the bigger market)
    assert eu_step < hit < plain
    assert econ.outside_options(0.5, False, 0.1, 1, p, us_engagement=1.0) \
        > econ.outside_options(0.5, False, 0.1, 1, p)


# ----------------------------------------------------------------------------- the actors
def _deal_model(**over):
    m = UnionModel("us_deal_eu_holds", seed=5, collect=False, record=True,
                   overrides={"us.deal_isolation_value": 0.8, **over})
    s = m.state
    s.us_deal_offer, s.dispute, s.protest_share, s.election_salience = 1.0, 1.0, 0.0, 0.0
    return m


def test_minsk_takes_a_good_deal_and_pays_for_it():
    m = _deal_model()
    s = m.state
    jailed, trust, us_level = s.candidates_jailed, s.kremlin_trust, s.us_sanctions
    m.minsk.answer_us_deal(m.minsk.view())
    assert s.us_deal_offer == 0
    assert m.flags["us_deal"] and m.flags["us_eased"] and m.flags["us_eased_eu_holds"]
    assert s.candidates_jailed == pytest.approx(jailed * (1 - m.p.us.deal_release_share))
    assert s.us_sanctions == us_level - 1
    assert s.kremlin_trust < trust
    assert m.minsk.domestic_course == 0  # the crackdown is called off: repression ebbs from here
    assert s.sanctions_level == 2  # the EU's sanctions are untouched by the US's deal
    assert any(d["kind"] == "us_deal" and d["actor"] == "minsk" for d in m.decisions)


def test_the_deal_answer_draws_from_the_us_stream_not_minsks():
    m = _deal_model()
    before = m.minsk.stream.bit_generator.state
    us_before = m.us.stream.bit_generator.state
    m.minsk.answer_us_deal(m.minsk.view())
    assert m.minsk.stream.bit_generator.state == before
    assert m.us.stream.bit_generator.state != us_before


def test_repression_brings_us_sanctions_in_the_2020_election():
    hits = 0
    for seed in range(6):
        m = UnionModel("election_2020", seed=seed, collect=False).run()
        hits += m.state.us_sanctions > 0 or m.flags["us_eased"]
    assert hits >= 4


def test_scenarios_validate_and_run():
    for name in ("us_deal_eu_holds", "us_deal_eu_holds_quarrel"):
        spec = load_scenario(ROOT / "scenarios" / f"{name}.yaml").spec
        assert spec.name == name
        m = UnionModel(name, seed=2, collect=False).run()
        row = m.result()
        for flag in ("us_deal", "us_eased", "us_eu_diverged", "us_oil_offer"):
            assert flag in row
        assert 0 <= row["us_sanctions"] <= 3


def test_an_absent_us_leaves_minsks_own_stream_alone_in_the_baseline():
    # the US's draws come from its own stream: Minsk's first decision is the same whatever the
    # US does (here: reviewing every month instead of every quarter)
    a = UnionModel("baseline", seed=11, collect=False, record=True)
    b = UnionModel("baseline", seed=11, collect=False, record=True,
                   overrides={"us.review_months": 1.0})
    a.step(), b.step()
    first = [d for d in a.decisions if d["actor"] == "minsk"]
    assert first == [d for d in b.decisions if d["actor"] == "minsk"]


# ----------------------------------------------------------------------------- docs and claims
def test_us_rules_are_described_in_the_model_description():
    odd = (ROOT / "docs" / "model.md").read_text("utf-8")
    for name, fn in inspect.getmembers(us_rules, inspect.isfunction):
        if fn.__module__ == us_rules.__name__:
            assert f"`{name}`" in odd, name
            assert inspect.getdoc(fn)


def test_the_useu_claims_have_alternatives_or_are_invariants():
    """V40 and V43: the alternatives tried did not make them fail, so they are listed as
    invariants (not evidence); V41 (since the US-deal fix), V42 and V44 have an alternative."""
    ours = [c for c in CLAIMS if c.id in {f"V{i}" for i in range(40, 45)}]
    assert [c.id for c in ours] == ["V40", "V41", "V42", "V43", "V44"]
    assert [c.id for c in ours if c.invariant] == ["V40", "V43"]
    for c in ours:
        assert (c.alternative is None) != (not c.invariant)
        if c.alternative is not None:
            assert c.alternative.why
            assert c.alternative.kind in ("dispute", "ablation", "edge")
