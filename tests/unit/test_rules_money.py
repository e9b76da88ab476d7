"""Money with memory and opinion that matters (issue 11, items 2 and 3).

Debt owed to Russia is serviced and falls due (E14, E15); rescues are sized to the shortfall
(KRE-12: 'just enough'); concessions can restore support a little above its start (E11, KRE-13);
public opinion feeds the costs the Kremlin and Minsk weigh (BYP-02, BYP-07, BYP-10, BYP-15, P10).
"""

from dataclasses import replace

import pytest

from tests.conftest import calm_kremlin_view, change, with_values
from unionsim.model import accounts
from unionsim.model.rules import economy as e
from unionsim.model.rules import kremlin as k
from unionsim.model.rules import minsk as r
from unionsim.model.world import UnionModel

V = calm_kremlin_view()
IDX = {o: i for i, o in enumerate(k.OPTIONS)}
CALM = r.MinskView(tension=0.5, outside_options=0.5, economic_stress=0.05, kremlin_trust=0.35,
                   dispute=0.0, sanctions_level=0.0, western_engagement=0.5, protest_share=0.0,
                   election_salience=0.0, legitimacy=0.55, nato_threat=0.3, info_campaign=0.2,
                   energy_offer=False, diversified=0.0, repression=0.25, loan_requested=False,
                   belarusianisation=0.2)
OPEN_WEST = r.INITIATIVES.index("open_west")
REQUEST_LOAN = r.INITIATIVES.index("request_loan")


# ---------------------------------------------------------------- debt, service, refinancing
def test_more_russian_debt_costs_its_service_in_the_funding_balance(p):
    start = e.funding_balance(3.0, 0.0, False, 0.0, p)
    # the start debt's service is already part of the external need: nothing changes
    assert e.funding_balance(3.0, 0.0, False, 0.0, p, p.initial.russian_debt) == pytest.approx(start)
    more = e.funding_balance(3.0, 0.0, False, 0.0, p, p.initial.russian_debt + 2.0)
    rate = p.economy.russian_interest + p.economy.russian_amortisation
    assert more == pytest.approx(start - 2.0 * rate)
    assert e.russian_debt_service(10.0, p) == pytest.approx(10.0 * rate)


def test_a_recession_drains_funding(p):
    calm = e.funding_balance(3.0, 0.0, False, 0.0, p, None, 1.0)
    assert calm == pytest.approx(e.funding_balance(3.0, 0.0, False, 0.0, p))
    slump = e.funding_balance(3.0, 0.0, False, 0.0, p, None, -2.0)
    assert slump == pytest.approx(calm - 2.0 * p.economy.recession_funding_loss)


def test_refinancing_pressure_grows_as_reserves_thin(p):
    due = e.refinancing_due(8.0, p)
    assert due == pytest.approx(8.0 * p.economy.russian_amortisation)
    assert e.refinancing_pressure(due, 7.0) < e.refinancing_pressure(due, 2.0)
    assert e.refinancing_pressure(due, 0.0) == 1.0


def test_the_financing_gap_is_the_shortfall_below_the_rescue_target(p):
    kr = p.kremlin
    assert e.financing_gap(kr.rescue_reserve_target + 5.0, -1.0, p) == 0.0
    gap = e.financing_gap(kr.rescue_reserve_target, -2.0, p)
    assert gap == pytest.approx(2.0 * kr.rescue_horizon_months / 12)
    assert e.financing_gap(kr.rescue_reserve_target, -3.0, p) > gap


def test_a_rescue_lends_just_the_gap_and_splits_off_refinancing(p):
    assert k.rescue_loan(1.2, 0.5) == (pytest.approx(1.2), pytest.approx(0.5))
    assert k.rescue_loan(0.4, 1.0) == (pytest.approx(0.4), pytest.approx(0.4))
    assert k.rescue_loan(0.0, 1.0) == (0.0, 0.0)


def test_no_bailout_without_a_shortfall_worth_a_loan(p):
    asked = replace(V, minsk_stress=0.8, loan_requested=True)
    assert not k.available(replace(asked, financing_gap=0.0), p)[IDX["bailout"]]
    below = p.kremlin.rescue_min * 0.5
    assert not k.available(replace(asked, financing_gap=below), p)[IDX["bailout"]]
    assert k.available(replace(asked, financing_gap=p.kremlin.rescue_min), p)[IDX["bailout"]]


def test_debt_falling_due_is_moscows_leverage(defaults, p):
    start = e.refinancing_pressure(e.refinancing_due(p.initial.russian_debt, p), p.initial.reserves)
    assert e.excess_refinancing_pressure(start, p) == pytest.approx(0.0)
    assert e.excess_refinancing_pressure(start + 0.3, p) == pytest.approx(0.3)
    at_start = replace(V, refinancing_pressure=start)
    pressed = replace(V, refinancing_pressure=1.0)
    before, after = k.putin_utilities(at_start, p), k.putin_utilities(pressed, p)
    assert before[IDX["demand_integration"]] == pytest.approx(
        k.putin_utilities(V, p)[IDX["demand_integration"]])   # the start level is calibrated in
    gain = p.putin.showcase * p.putin.refinancing_leverage * (1.0 - start)
    assert gain > 0
    assert after[IDX["demand_integration"]] == pytest.approx(before[IDX["demand_integration"]]
                                                            + gain)
    # leverage scales the showcase motive: a reactive Kremlin without one is not made proactive
    reactive = with_values(defaults, **{"putin.showcase": 0.0})
    assert k.putin_utilities(pressed, reactive)[IDX["demand_integration"]] == 0.0
    # and saying no costs Minsk more while it needs Moscow to refinance (MIN-25, E14)
    assert r.refusal_cost(1.5, change(CALM, refinancing_pressure=0.8), p) > \
        r.refusal_cost(1.5, change(CALM, refinancing_pressure=start), p) == \
        pytest.approx(r.refusal_cost(1.5, CALM, p))
    # which it answers by asking for money
    short = change(CALM, financing_gap=p.kremlin.rescue_min)
    asks = r.initiative_utilities(change(short, refinancing_pressure=0.9), p)
    assert asks[REQUEST_LOAN] > r.initiative_utilities(short, p)[REQUEST_LOAN]


# ---------------------------------------------------------------- energy support as a reward
def test_concessions_can_raise_support_a_little_above_the_start(defaults, p):
    assert k.support_ceiling(p) == pytest.approx(p.initial.energy_support
                                                 + p.kremlin.support_raise_cap)
    none = with_values(defaults, **{"kremlin.support_raise_cap": 0.0})
    assert k.support_ceiling(none) == pytest.approx(p.initial.energy_support)


def test_loyalty_puts_a_reward_on_the_table_and_makes_it_worth_more(p):
    loyal = replace(V, kremlin_trust=p.kremlin.reward_trust_level + 0.3)
    assert not k.available(V, p)[IDX["concession"]]
    assert k.available(loyal, p)[IDX["concession"]]
    # not beyond the ceiling
    capped = replace(loyal, energy_support=k.support_ceiling(p))
    assert not k.available(capped, p)[IDX["concession"]]
    gain = k.putin_utilities(loyal, p)[IDX["concession"]] - k.putin_utilities(V, p)[IDX["concession"]]
    assert gain == pytest.approx(p.putin.loyalty_reward * 0.3)


def test_a_concession_in_the_model_stops_at_the_ceiling():
    model = UnionModel(scenario="baseline", seed=1, collect=False)
    model.state.energy_support = k.support_ceiling(model.p) - 0.05
    model.putin.apply("concession")
    assert model.state.energy_support == pytest.approx(k.support_ceiling(model.p))
    assert model.state.energy_support > model.p.initial.energy_support


# ---------------------------------------------------------------- the rescue in the model
def test_a_rescue_fills_the_gap_and_becomes_debt_that_falls_due():
    model = UnionModel(scenario="baseline", seed=1, collect=False)
    s, p = model.state, model.p
    s.reserves = 3.0
    accounts.money_owed(model.state, model.p, -1.0)
    gap, due_before = s.financing_gap, s.refinancing_due
    assert gap == pytest.approx(p.kremlin.rescue_reserve_target - 3.0
                                + p.kremlin.rescue_horizon_months / 12)
    debt, russian = s.debt, s.russian_debt
    s.loan_requested = 1.0
    model.putin.apply("bailout")
    assert s.loans_total == pytest.approx(gap)
    assert s.reserves == pytest.approx(3.0 + gap)
    assert s.russian_debt == pytest.approx(russian + gap)
    assert s.debt == pytest.approx(debt + gap)
    assert s.loans_refinancing == pytest.approx(min(gap, due_before))
    assert s.loan_requested == 0.0
    accounts.money_owed(model.state, model.p, -1.0)
    assert s.refinancing_due > due_before          # more owed, more falling due next year
    assert s.financing_gap == pytest.approx(0.0, abs=1e-9)


def test_russian_debt_is_repaid_month_by_month_without_new_loans():
    model = UnionModel(scenario="baseline", seed=1, collect=False)
    s, p = model.state, model.p
    start = s.russian_debt
    accounts.economy_month(model.state, model.p)
    assert s.russian_debt == pytest.approx(start * (1 - p.economy.russian_amortisation / 12))


def test_a_request_lapses_once_there_is_no_shortfall():
    model = UnionModel(scenario="baseline", seed=1, collect=False)
    s = model.state
    s.loan_requested = 1.0
    s.reserves = model.p.kremlin.rescue_reserve_target + 0.5 * model.p.kremlin.rescue_min
    accounts.money_owed(model.state, model.p, 0.0)
    assert s.loan_requested == 0.0      # a shortfall too small for a loan: nothing to wait for
    s.loan_requested = 1.0
    s.reserves = model.p.kremlin.rescue_reserve_target - 2 * model.p.kremlin.rescue_min
    accounts.money_owed(model.state, model.p, 0.0)
    assert s.loan_requested == 1.0


# ---------------------------------------------------------------- growth after a loss
def test_a_lost_billion_costs_growth_for_a_while_not_for_ever(p):
    support, reference = p.initial.energy_support - 1.0, p.initial.energy_support
    undisturbed = e.growth_rate(1.0, p.initial.energy_support, 0.0, False, 0.0, p)
    first = e.growth_rate(1.0, support, 0.0, False, 0.0, p, reference)
    assert first == pytest.approx(undisturbed - p.economy.support_growth_elasticity)
    for _ in range(48):
        reference = e.adjusted_level(reference, support, p)
    later = e.growth_rate(1.0, support, 0.0, False, 0.0, p, reference)
    assert first < later < undisturbed
    assert undisturbed - later < 0.05 * (undisturbed - first)
    # the same for sanctions
    hit = e.growth_rate(1.0, 3.0, 2.0, False, 0.0, p, 3.0, 0.0)
    adjusted = e.growth_rate(1.0, 3.0, 2.0, False, 0.0, p, 3.0, 2.0)
    assert hit == pytest.approx(adjusted - 2.0 * p.economy.sanctions_growth_cost)


# ---------------------------------------------------------------- opinion that matters
def test_attachment_to_independence_makes_a_takeover_costlier(defaults, p):
    reference = k.RESISTANCE_REFERENCE_INDEPENDENCE
    at_reference = replace(V, support_independence=reference)
    attached = replace(V, support_independence=min(1.0, reference * 1.2))
    assert k.takeover_cost_factor(reference, p) == pytest.approx(1.0)
    assert k.takeover_cost_factor(None, p) == 1.0
    assert k.takeover_cost_factor(reference * 0.8, p) < 1.0
    drop = k.putin_utilities(at_reference, p)[IDX["intervene"]] - \
        k.putin_utilities(attached, p)[IDX["intervene"]]
    assert drop == pytest.approx(p.putin.intervention_cost * p.putin.independence_takeover_cost
                                 * (min(1.0, reference * 1.2) / reference - 1.0))
    assert drop > 0
    assert k.takeover_cost_factor(0.0, with_values(defaults, **{
        "putin.independence_takeover_cost": 1.0})) == 0.0


def test_a_pro_union_public_makes_integration_demands_more_promising(p):
    base = replace(V, union_support=0.3)
    gain = k.putin_utilities(base, p)[IDX["demand_integration"]] - \
        k.putin_utilities(V, p)[IDX["demand_integration"]]
    assert gain == pytest.approx(p.putin.showcase * p.putin.union_base_weight * 0.3)
    assert gain > 0


def test_public_support_for_independence_makes_signing_dearer_for_minsk(p):
    reference = p.minsk.independence_reference
    assert r.public_backing(CALM, p) == 1.0                       # not given: the reference
    assert r.public_backing(change(CALM, support_independence=reference), p) == pytest.approx(1.0)
    backed = change(CALM, support_independence=min(1.0, reference * 1.2))
    assert r.public_backing(backed, p) == pytest.approx(
        1 + p.minsk.public_sovereignty_backing * (min(1.0, reference * 1.2) / reference - 1))
    sign = r.ANSWERS.index("sign")
    assert r.integration_answer_utilities(1, 30, 1.5, False, backed, p)[sign] < \
        r.integration_answer_utilities(1, 30, 1.5, False, CALM, p)[sign]
    implement = r.EFFORT.index("implement")
    assert r.implementation_utilities(1.5, 1.0, False, backed, p)[implement] < \
        r.implementation_utilities(1.5, 1.0, False, CALM, p)[implement]
    # a public less attached to independence makes trading sovereignty cheaper
    lukewarm = change(CALM, support_independence=reference * 0.8)
    assert r.integration_answer_utilities(1, 30, 1.5, False, lukewarm, p)[sign] > \
        r.integration_answer_utilities(1, 30, 1.5, False, CALM, p)[sign]


def test_a_westward_public_makes_opening_to_the_west_worth_more(p):
    west = r.initiative_utilities(change(CALM, west_orientation=0.5), p)[OPEN_WEST]
    assert west > r.initiative_utilities(CALM, p)[OPEN_WEST]
    # but not under sectoral sanctions and mass repression, when the West is closed
    closed = change(CALM, sanctions_level=3.0)
    assert r.initiative_utilities(change(closed, west_orientation=0.5), p)[OPEN_WEST] == \
        pytest.approx(r.initiative_utilities(closed, p)[OPEN_WEST])
