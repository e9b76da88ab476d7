"""Minsk's rules against the behaviour the documents describe (each test names its FACTS ids)."""


from tests.conftest import change, with_values
from unionsim.model.choice import UNAVAILABLE, logit_probabilities
from unionsim.model.rules import minsk as r

CALM = r.MinskView(tension=0.5, outside_options=0.5, economic_stress=0.05, kremlin_trust=0.35,
                   dispute=0.0, sanctions_level=0.0, western_engagement=0.5, protest_share=0.0,
                   election_salience=0.0, legitimacy=0.55, nato_threat=0.3, info_campaign=0.2,
                   energy_offer=False, diversified=0.0, repression=0.25, loan_requested=False,
                   belarusianisation=0.2)
ISOLATED = change(CALM, outside_options=0.05, economic_stress=0.6, sanctions_level=2.0,
                  western_engagement=0.0, tension=0.5)


def probs(utilities, p):
    return logit_probabilities(utilities, p.minsk.choice_temperature)


def test_refusal_cost_grows_with_isolation_and_falls_with_tension(p):
    # MIN-25: refusing needs outside options; MIN-21: tension makes Minsk indispensable
    assert r.refusal_cost(1.5, ISOLATED, p) > 3 * r.refusal_cost(1.5, CALM, p)
    assert r.refusal_cost(1.5, change(CALM, tension=0.9), p) < r.refusal_cost(1.5, CALM, p)


def test_with_outside_options_minsk_does_not_sign_a_roadmap_package(p):
    # 2019: Lukashenka torpedoed the talks (MIN-25); stalling dominates before the deadline
    u = r.integration_answer_utilities(1, 28, 1.4, False, change(CALM, tension=0.7), p)
    refuse, stall, sign = probs(u, p)
    assert stall > 0.5 and sign < 0.1
    # at the final summit refusing beats signing
    refuse, stall, sign = probs(r.integration_answer_utilities(1, 28, 1.4, True, CALM, p), p)
    assert stall == 0.0 and refuse > sign


def test_isolated_and_short_of_money_minsk_signs_but_not_the_supranational_roadmap(p):
    # 2021: he 'cannot afford to slam the door' (MIN-25) but signing costs little (MIN-17)
    refuse, stall, sign = probs(r.integration_answer_utilities(1, 28, 1.4, True, ISOLATED, p), p)
    assert sign > 0.9
    # supranational bodies stay off the table (MIN-05) at the default sovereignty weight
    refuse, stall, sign = probs(r.integration_answer_utilities(2, 1, 1.4, True, ISOLATED, p), p)
    assert sign < 0.05


def test_supranational_signature_becomes_possible_only_at_the_low_end_of_d1(defaults):
    # FACTS D1: tradable sovereignty (marin2020) vs never (carnegie2019)
    tradable = with_values(defaults, **{"minsk.sovereignty_weight": 0.4,
                                        "minsk.power_sharing_cost": 0.2})
    sacred = with_values(defaults, **{"minsk.sovereignty_weight": 0.95,
                                      "minsk.power_sharing_cost": 1.0})
    sign_tradable = probs(r.integration_answer_utilities(2, 1, 1.4, True, ISOLATED, tradable),
                          tradable)[2]
    sign_sacred = probs(r.integration_answer_utilities(2, 1, 1.4, True, ISOLATED, sacred),
                        sacred)[2]
    assert sign_tradable > 0.2 > 0.001 > sign_sacred


def test_signed_roadmaps_stay_on_paper_unless_minsk_is_isolated(p):
    # SYS-01: signing is not implementing; KRE-05: Moscow pays only for the whole package
    drag, implement = probs(r.implementation_utilities(1.0, 1.0, False, CALM, p), p)
    assert drag > 0.9
    drag_iso, implement_iso = probs(r.implementation_utilities(1.0, 1.0, False, ISOLATED, p), p)
    assert implement_iso > implement
    # supranational bodies are not set up even when isolated (MIN-05)
    drag_s, implement_s = probs(r.implementation_utilities(1.0, 1.0, True, ISOLATED, p), p)
    assert implement_s < 0.01


def test_base_demands_are_refused_and_a_nato_build_up_makes_a_rotation_likelier(p):
    # MIN-29: no permanent base; MIN-30: a temporary deployment under a NATO build-up
    refuse, rotation, accept = probs(r.base_answer_utilities(1.0, CALM, p), p)
    assert accept < 0.05 and refuse > accept
    assert rotation == 0.0  # no NATO build-up, no temporary deployment (MIN-30)
    threatened = change(CALM, nato_threat=1.5)
    _, rotation_hi, accept_hi = probs(r.base_answer_utilities(1.0, threatened, p), p)
    assert rotation_hi > rotation
    assert accept_hi < rotation_hi


def test_asset_sales_are_refused_unless_money_runs_out(p):
    # MIN-13 resistance; MIN-14 trade-off when cornered
    refuse, sell = probs(r.asset_answer_utilities(0.7, CALM, p), p)
    assert refuse > 0.95
    _, sell_cornered = probs(r.asset_answer_utilities(0.7, change(ISOLATED, economic_stress=1.0),
                                                      p), p)
    assert sell_cornered > sell


def test_initiatives_follow_context(p):
    idx = {name: i for i, name in enumerate(r.INITIATIVES)}
    calm = r.initiative_utilities(CALM, p)
    # no dispute, nothing to escalate (MIN-18); no loan request without stress
    assert calm[idx["escalate"]] == UNAVAILABLE
    disputed = r.initiative_utilities(change(CALM, dispute=0.8), p)
    assert disputed[idx["escalate"]] > disputed[idx["hold"]]
    # anti-Western posturing pays more when tension is high (MIN-21)
    tense = r.initiative_utilities(change(CALM, tension=0.9, outside_options=0.2), p)
    relaxed = r.initiative_utilities(change(CALM, tension=0.1, outside_options=0.2), p)
    assert tense[idx["anti_western"]] > relaxed[idx["anti_western"]]
    # a loan request grows with stress (MIN-10), given a shortfall worth a loan (KRE-12)
    short = change(CALM, financing_gap=p.kremlin.rescue_min)
    stressed = r.initiative_utilities(change(short, economic_stress=0.9), p)
    assert stressed[idx["request_loan"]] > r.initiative_utilities(short, p)[idx["request_loan"]]
    assert calm[idx["request_loan"]] == UNAVAILABLE  # no shortfall, nothing to ask for
    assert r.initiative_utilities(change(CALM, loan_requested=True), p)[idx["request_loan"]] \
        == UNAVAILABLE


def test_the_street_is_tolerated_when_quiet_and_repressed_when_massive(p):
    tolerate, co_opt, repress = probs(r.domestic_utilities(CALM, p), p)
    assert tolerate > 0.8
    mass = change(CALM, protest_share=0.08, western_engagement=0.0)
    tolerate, co_opt, repress = probs(r.domestic_utilities(mass, p), p)
    assert repress > 0.9  # MIN-53


def test_repression_is_calibrated_while_the_west_matters(p):
    # MIN-47: the 2017 crackdown was gradual so as not to break with the West
    street = change(CALM, protest_share=0.02)
    engaged = probs(r.domestic_utilities(change(street, western_engagement=1.0), p), p)[2]
    isolated = probs(r.domestic_utilities(change(street, western_engagement=0.0), p), p)[2]
    assert engaged < isolated


def test_an_election_alone_raises_the_threat(p):
    # MIN-52: pre-emptive arrests before the 2020 election
    assert r.protest_threat(0.0, 0.7, p) > r.protest_threat(0.0, 0.0, p) == 0.0


def test_large_exercises_are_capped_and_observed(p):
    # MIN-32: Zapad 2017 capped at 3,000 Russian troops with NATO observers
    cap, host = probs(r.exercise_utilities(12.0, CALM, p), p)
    assert cap > host
    cap_small, host_small = probs(r.exercise_utilities(1.0, CALM, p), p)
    assert cap_small < cap


# ---- the rules' thresholds and shapes are parameters (issue 10), and each one acts as documented

INITIATIVE = {name: i for i, name in enumerate(r.INITIATIVES)}


def test_escalation_needs_a_dispute_above_its_threshold_and_counts_putins_readiness(defaults):
    v = change(CALM, dispute=0.1, kremlin_trust=0.35)
    strict = with_values(defaults, **{"minsk.escalation_min_dispute": 0.15})
    assert r.initiative_utilities(v, strict)[INITIATIVE["escalate"]] == UNAVAILABLE
    ready = with_values(defaults, **{"minsk.escalation_min_dispute": 0.05,
                                     "minsk.escalation_trust_offset": 1.0})
    escalate = r.initiative_utilities(v, ready)[INITIATIVE["escalate"]]
    assert escalate == 0.1 * ready.minsk.escalation_value * (1.0 + 0.35)


def test_diversification_stops_at_its_ceiling_and_an_energy_offer_multiplies_its_value(defaults):
    v = change(CALM, dispute=0.5, diversified=0.85)
    low = with_values(defaults, **{"minsk.diversification_ceiling": 0.8})
    assert r.initiative_utilities(v, low)[INITIATIVE["diversify"]] == UNAVAILABLE
    flat = with_values(defaults, **{"minsk.energy_offer_diversify_factor": 1.0})
    steep = with_values(defaults, **{"minsk.energy_offer_diversify_factor": 2.0})
    no_offer = r.initiative_utilities(v, flat)[INITIATIVE["diversify"]]
    assert r.initiative_utilities(change(v, energy_offer=True), flat)[INITIATIVE["diversify"]] \
        == no_offer
    gain = 0.5 * steep.minsk.diversify_value * (1.0 - 0.85)  # the dispute term, doubled below
    offered = r.initiative_utilities(change(v, energy_offer=True), steep)[INITIATIVE["diversify"]]
    assert abs(offered - no_offer - gain) < 1e-12


def test_belarusianisation_stops_at_its_ceiling_and_irritates_moscow_by_a_share(defaults):
    v = change(CALM, belarusianisation=0.7, info_campaign=0.5)
    low = with_values(defaults, **{"minsk.belarusianisation_ceiling": 0.6})
    assert r.initiative_utilities(v, low)[INITIATIVE["belarusianise"]] == UNAVAILABLE
    mild = with_values(defaults, **{"minsk.belarusianise_irritation_share": 0.25})
    full = with_values(defaults, **{"minsk.belarusianise_irritation_share": 1.0})
    difference = (r.initiative_utilities(v, mild)[INITIATIVE["belarusianise"]]
                  - r.initiative_utilities(v, full)[INITIATIVE["belarusianise"]])
    dependence = 1.0 - v.outside_options
    assert abs(difference - 0.75 * mild.minsk.russia_irritation * dependence) < 1e-12


def test_a_rotation_brings_its_share_of_a_bases_security(defaults):
    threatened = change(CALM, nato_threat=1.5)
    small = with_values(defaults, **{"minsk.rotation_security_share": 0.2})
    large = with_values(defaults, **{"minsk.rotation_security_share": 0.8})
    rotation_small = r.base_answer_utilities(1.0, threatened, small)[1]
    rotation_large = r.base_answer_utilities(1.0, threatened, large)[1]
    security = small.minsk.nato_threat_weight * 1.5
    assert abs(rotation_large - rotation_small - 0.6 * security) < 1e-12


def test_co_optation_gets_dearer_under_stress_by_its_factor(defaults):
    gentle = with_values(defaults, **{"minsk.coopt_stress_factor": 0.5})
    harsh = with_values(defaults, **{"minsk.coopt_stress_factor": 4.0})
    calm_gentle, calm_harsh = (r.domestic_utilities(CALM, q)[1] for q in (gentle, harsh))
    stressed = change(CALM, economic_stress=1.0)
    hard_gentle, hard_harsh = (r.domestic_utilities(stressed, q)[1] for q in (gentle, harsh))
    extra = gentle.minsk.economy_weight * gentle.minsk.coopt_cost * 3.5
    assert abs((hard_gentle - hard_harsh) - extra) < 1e-12
    # without stress the factor does not matter (0.05 stress in CALM: a small difference only)
    assert abs(calm_gentle - calm_harsh) < abs(hard_gentle - hard_harsh) / 10


def test_capping_an_exercise_has_a_transparency_value_and_fear_scales_with_troops(defaults):
    opaque = with_values(defaults, **{"minsk.cap_transparency_value": 0.0})
    open_ = with_values(defaults, **{"minsk.cap_transparency_value": 0.5})
    cap_opaque, host = r.exercise_utilities(12.0, CALM, opaque)
    cap_open, _ = r.exercise_utilities(12.0, CALM, open_)
    assert abs(cap_open - cap_opaque - 0.5 * opaque.minsk.west_value) < 1e-12
    wide = with_values(defaults, **{"minsk.exercise_troop_scale_k": 20.0})
    assert abs(r.exercise_utilities(12.0, CALM, wide)[1] - host / 2.0) < 1e-12
