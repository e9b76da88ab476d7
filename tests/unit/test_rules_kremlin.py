"""Kremlin rules: faction weights and interests, Putin's arbitration, the crisis threshold."""

from dataclasses import replace

import pytest

from unionsim.model.choice import logit_probabilities
from unionsim.model.rules import kremlin as k
from tests.conftest import calm_kremlin_view, with_values

V = calm_kremlin_view()
IDX = {o: i for i, o in enumerate(k.OPTIONS)}


def putin_probs(v, p, lobbied=None):
    influence = k.faction_influence(v, p)
    interests = [k.faction_utilities(f, v, p) for f in k.FACTIONS]
    lobbied = lobbied or [IDX["hold"]] * 4
    u = k.arbitrate(v, influence, interests, lobbied, k.available(v, p), p)
    return dict(zip(k.OPTIONS, logit_probabilities(u, p.putin.choice_temperature)))


def test_influence_sums_to_one_and_moves_with_context(p):
    base = k.faction_influence(V, p)
    assert sum(base) == pytest.approx(1.0)
    # SIL-01/02: NATO build-up and Minsk's westward moves strengthen the hawks
    hawkish = k.faction_influence(replace(V, nato_posture=1.0, minsk_west_tilt=1.0), p)
    assert hawkish[0] > base[0]
    # MON-03: budget strain strengthens the monetarists
    strained = k.faction_influence(replace(V, russian_strain=1.0), p)
    assert strained[2] > base[2]
    # RES-01: coercion strengthens the restrainers
    assert k.faction_influence(replace(V, coercion=1.0), p)[3] > base[3]


def test_lobbying_bonuses_are_added_one_faction_at_a_time_in_their_order(p):
    # the weighted interests summed left to right, then each lobbying faction's bonus in the
    # order of `FACTIONS` (an option two factions lobby for gets both): these exact sums
    w = [0.1, 0.2, 0.3, 0.4]
    interests = [[0.1 * f - 0.03 * i for i in range(len(k.OPTIONS))] for f in range(4)]
    both, one, none = IDX["demand_base"], IDX["trade_war"], IDX["hold"]
    u = k.arbitrate(V, w, interests, [both, both, one, both], [True] * len(k.OPTIONS), p)
    own, extremes, q = k.putin_utilities(V, p), k.extremity(p), p.putin
    assert not V.crisis and not V.escalated
    bonus = q.lobby_bonus

    def weighted(i):
        return 0.0 + w[0] * interests[0][i] + w[1] * interests[1][i] \
            + w[2] * interests[2][i] + w[3] * interests[3][i]

    lobby = {both: weighted(both) + w[0] * bonus + w[1] * bonus + w[3] * bonus,
             one: weighted(one) + w[2] * bonus, none: weighted(none)}
    for i, theirs in lobby.items():
        assert u[i] == own[i] + theirs - q.moderation * extremes[i]


def test_each_faction_wants_what_the_documents_say(p):
    best = {f: k.OPTIONS[max(range(len(k.OPTIONS)), key=k.faction_utilities(f, V, p).__getitem__)]
            for f in k.FACTIONS}
    assert best["siloviki"] == "demand_base"          # SIL-05
    assert best["raiders"] in ("demand_assets", "trade_war")  # OLI-01
    assert best["monetarists"] == "cut_support"       # MON-01
    assert best["restrainers"] == "hold"              # RES-01


def test_siloviki_want_a_base_more_under_a_nato_build_up(p):
    calm = k.faction_utilities("siloviki", V, p)[IDX["demand_base"]]
    tense = k.faction_utilities("siloviki", replace(V, nato_posture=1.0, tension=0.9), p)
    assert tense[IDX["demand_base"]] > calm


def test_options_off_the_table(p):
    mask = k.available(V, p)
    assert not mask[IDX["bailout"]]            # nobody asked, no stress
    assert not mask[IDX["concession"]]         # no dispute
    assert not mask[IDX["security_support"]]   # quiet street
    assert mask[IDX["intervene"]]
    failed = replace(V, intervention_failed=True)
    assert not k.available(failed, p)[IDX["intervene"]]


def test_putin_mostly_holds_course_when_nothing_happens(p):
    # KRE-12: reactive policy
    probs = putin_probs(V, p)
    assert probs["hold"] > 0.8
    assert probs["intervene"] < 1e-6


def test_putin_keeps_a_stressed_minsk_afloat_with_loans(p):
    # E14, KRE-12: loans just large enough to avoid bankruptcy (a shortfall to fill is needed)
    probs = putin_probs(replace(V, minsk_stress=0.8, loan_requested=True, financing_gap=1.5), p)
    assert probs["bailout"] > 0.5


def test_escalation_to_putin_moderates_his_ruling(p):
    # MIN-18, PUT-02: a moderate ruling, i.e. less coercion
    coerced = replace(V, dispute=0.6)
    plain = putin_probs(coerced, p, lobbied=[IDX["demand_base"], IDX["trade_war"],
                                             IDX["cut_support"], IDX["hold"]])
    moderated = putin_probs(replace(coerced, escalated=True), p,
                            lobbied=[IDX["demand_base"], IDX["trade_war"], IDX["cut_support"],
                                     IDX["hold"]])
    coercive = ("demand_base", "trade_war", "cut_support")
    assert sum(moderated[o] for o in coercive) < sum(plain[o] for o in coercive)


def test_the_crisis_threshold(p):
    # KRE-16: Ukraine-like protests or a lost regime switch on the logic of 2014
    assert not k.is_crisis(0.1, 0, 0.85, p)
    assert k.is_crisis(p.kremlin.crisis_threshold, 0, 0.85, p)
    assert k.is_crisis(0.0, 2, 0.85, p)
    assert k.is_crisis(0.0, 0, p.kremlin.collapse_cohesion, p)


def test_force_is_off_the_table_while_minsk_is_manageable_and_likely_when_lost(p):
    assert putin_probs(replace(V, protest_threat=1.0, takeover_odds=0.3), p)["intervene"] < 1e-4
    lost = replace(V, crisis=True, regime=2, elite_cohesion=0.5, protest_threat=1.0,
                   takeover_odds=0.5)
    assert putin_probs(lost, p, lobbied=[IDX["intervene"]] + [IDX["hold"]] * 3)["intervene"] > 0.3


def test_putin_gambles_only_where_he_sees_weakness(p):
    # KRE-15: the better the odds, the likelier a takeover; no risk of loss, no takeover
    lost = replace(V, crisis=True, regime=2, elite_cohesion=0.5, protest_threat=1.0)
    poor = putin_probs(replace(lost, takeover_odds=0.2), p)["intervene"]
    good = putin_probs(replace(lost, takeover_odds=0.7), p)["intervene"]
    assert good > 3 * poor
    # under the crisis logic the risk is perceived against the Kremlin's own threshold (KRE-16)
    threshold = p.kremlin.crisis_threshold
    assert k.risk_of_loss(replace(V, crisis=True, radicalism=threshold / 2), p) == \
        pytest.approx(0.5)
    assert k.risk_of_loss(replace(V, crisis=True, radicalism=threshold), p) == 1.0
    assert k.risk_of_loss(V, p) == 0.0
    assert k.risk_of_loss(replace(V, regime=2), p) == 1.0


def test_the_crisis_logic_makes_a_takeover_thinkable_and_the_threshold_decides_when(defaults):
    # KRE-16: once the street turns Ukraine-like the logic of 2014 replaces cost calculation.
    # The same street (radicalism 0.4, a regime still standing but wavering) under three
    # thresholds: below the street's level the crisis logic is on and a takeover is weighed with
    # costs secondary; above it, it is not.
    street = replace(V, radicalism=0.4, protest_threat=1.5, elite_cohesion=0.6,
                     takeover_odds=0.2, minsk_stress=0.3)
    chance = {}
    for threshold in (0.3, 0.5, 0.7):
        q = with_values(defaults, **{"kremlin.crisis_threshold": threshold})
        crisis = k.is_crisis(street.radicalism, street.regime, street.elite_cohesion, q)
        chance[threshold] = putin_probs(replace(street, crisis=crisis), q)["intervene"]
    assert chance[0.5] == chance[0.7] < 1e-6           # manageable: force off the table (V01)
    assert chance[0.3] > 100 * chance[0.5]
    # the logic stays on once switched, but the perceived risk ebbs as the street calms
    q = with_values(defaults, **{"kremlin.crisis_threshold": 0.3})
    calmer = putin_probs(replace(street, crisis=True, radicalism=0.15), q)["intervene"]
    assert chance[0.5] < calmer < chance[0.3]
    # costs become secondary: the factions' objections and Putin's moderation on force shrink
    p = with_values(defaults, **{})
    calm_u = k.faction_utilities("monetarists", street, p)[IDX["intervene"]]
    crisis_u = k.faction_utilities("monetarists", replace(street, crisis=True), p)[IDX["intervene"]]
    assert crisis_u == pytest.approx(p.putin.crisis_cost_discount * calm_u) and calm_u < 0
    influence = [0.25] * 4
    lobby = [IDX["hold"]] * 4
    off = k.arbitrate(street, influence, [[0.0] * len(k.OPTIONS)] * 4, lobby,
                      [True] * len(k.OPTIONS), p)
    on = k.arbitrate(replace(street, crisis=True), influence, [[0.0] * len(k.OPTIONS)] * 4,
                     lobby, [True] * len(k.OPTIONS), p)
    own_off = k.putin_utilities(street, p)[IDX["deploy_forces"]]
    own_on = k.putin_utilities(replace(street, crisis=True), p)[IDX["deploy_forces"]]
    moderation = p.putin.moderation * p.putin.extremity.deploy_forces
    assert own_off - off[IDX["deploy_forces"]] == pytest.approx(moderation)
    assert own_on - on[IDX["deploy_forces"]] == pytest.approx(
        p.putin.crisis_cost_discount * moderation)


def test_exercise_troops_leave_unless_hawks_prevail_under_a_build_up(p):
    calm = logit_probabilities(k.exercise_exit_utilities(3.0, V, p), p.putin.choice_temperature)
    assert calm[0] > 0.95  # Zapad 2017: nobody stayed
    build_up = replace(V, nato_posture=1.0, tension=1.0, kremlin_trust=0.0)
    tense = logit_probabilities(k.exercise_exit_utilities(3.0, build_up, p),
                                p.putin.choice_temperature)
    assert tense[1] > calm[1]


def test_takeover_odds_fall_with_resistance_and_rise_with_a_local_base(p):
    base = k.intervention_success(0.19, 0.05, 0.5, 2, p)
    assert k.intervention_success(0.25, 0.05, 0.5, 2, p) < base
    assert k.intervention_success(0.19, 0.5, 0.5, 2, p) > base
    assert k.intervention_success(0.19, 0.05, 0.9, 0, p) < k.intervention_success(0.19, 0.05, 0.2,
                                                                                   0, p)
    assert 0.0 <= base <= 1.0


def test_unknown_faction_is_an_error(p):
    with pytest.raises(ValueError):
        k.faction_utilities("oligarchs", V, p)


def test_extremity_ladder_comes_from_the_parameters(defaults, p):
    # PUT-02: moderation penalises each option by its extremity; holding course is the middle
    ladder = dict(zip(k.OPTIONS, k.extremity(p)))
    assert ladder["hold"] == 0.0
    assert ladder["intervene"] == p.putin.extremity.intervene == 1.0
    assert ladder["concession"] < ladder["trade_war"] < ladder["intervene"]
    mask = [True] * len(k.OPTIONS)
    influence = k.faction_influence(V, p)
    interests = [k.faction_utilities(f, V, p) for f in k.FACTIONS]
    lobbied = [IDX["hold"]] * 4
    before = k.arbitrate(V, influence, interests, lobbied, mask, p)
    harsher = with_values(defaults, **{"putin.extremity.trade_war": 0.9})
    after = k.arbitrate(V, influence, interests, lobbied, mask, harsher)
    assert after[IDX["trade_war"]] == pytest.approx(before[IDX["trade_war"]]
                                                    - p.putin.moderation * (0.9 - 0.7))
    assert after[IDX["hold"]] == before[IDX["hold"]]


def test_former_constants_move_behaviour_as_parameters(defaults, p):
    # the bailout is on the table above a stress threshold (KRE-12), now a parameter
    stressed = replace(V, minsk_stress=0.25, financing_gap=1.0)
    assert not k.available(stressed, p)[IDX["bailout"]]
    lower = with_values(defaults, **{"kremlin.bailout_stress_threshold": 0.2})
    assert k.available(stressed, lower)[IDX["bailout"]]
    # the weight of the odds in Putin's value of a takeover (KRE-15) scales that value linearly
    lost = replace(V, crisis=True, regime=2, elite_cohesion=0.5, protest_threat=1.0,
                   takeover_odds=0.5)
    doubled = with_values(defaults, **{"putin.takeover_odds_weight": 4.0})
    gain = (k.putin_utilities(lost, doubled)[IDX["intervene"]]
            - k.putin_utilities(lost, p)[IDX["intervene"]])
    assert gain == pytest.approx(p.putin.crisis_value * 1.0 * 2.0 * 0.5)
    # the restrainers' aversion to force relative to their restraint (RES-01)
    averse = with_values(defaults, **{"kremlin.restrainers.intervene_aversion_weight": 3.0})
    assert k.faction_utilities("restrainers", V, averse)[IDX["intervene"]] == pytest.approx(
        -3.0 * p.kremlin.restrainers.restraint)


def test_kremlin_and_putin_parameters_say_how_their_sources_bear(defaults):
    # the citation audit: support stated, and basis consistent with it
    audited = {n: s for n, s in defaults.specs.items() if n.startswith(("kremlin.", "putin."))}
    assert len(audited) > 100
    for name, spec in audited.items():
        assert spec.support in ("value", "direction", "assumption"), name
        if spec.basis in ("document", "derived"):
            assert spec.support == "value", name
        else:
            assert spec.support in ("direction", "assumption"), name
        if spec.support != "assumption":
            assert spec.claim and spec.sources, name


def test_faction_base_is_the_part_of_the_interests_fixed_for_a_run(p):
    # a caller may compute the per-run part once (`faction_base`) and pass it; the utilities are
    # exactly those computed from scratch, in every context
    views = [V, replace(V, nato_posture=1.0, tension=0.9, protest_threat=0.8, crisis=True,
                        minsk_stress=0.7, kremlin_trust=0.2, russian_strain=0.5,
                        unimplemented=0.4)]
    for f in k.FACTIONS:
        base = k.faction_base(f, p)
        for v in views:
            assert k.faction_utilities(f, v, p, base) == k.faction_utilities(f, v, p)
        assert base == k.faction_base(f, p)  # not changed by its use
    with pytest.raises(ValueError):
        k.faction_base("oligarchs", p)


def test_russia_west_tension_softens_moscows_economic_pressure(defaults, p):
    # MIN-21: under high tension an anti-Western Minsk earns its rent with few concessions;
    # MIN-22: when relations settle, the factions' demands take over
    assert k.tension_forbearance(p.initial.tension, 0.0, p) == 0.0
    high = k.tension_forbearance(0.9, 0.0, p)
    assert high == pytest.approx(p.putin.tension_forbearance * (0.9 - p.initial.tension))
    assert k.tension_forbearance(0.2, 0.0, p) < 0.0 < high
    assert k.tension_forbearance(0.9, 1.0, p) == 0.0          # a Minsk gone West earns nothing
    quarrel = replace(V, dispute=0.5, kremlin_trust=0.2)       # a concession is on the table
    calm, tense = putin_probs(quarrel, p), putin_probs(replace(quarrel, tension=0.9), p)
    relaxed = putin_probs(replace(quarrel, tension=0.2), p)
    assert tense["cut_support"] < calm["cut_support"] < relaxed["cut_support"]
    assert tense["trade_war"] < calm["trade_war"]
    assert tense["concession"] > calm["concession"] > relaxed["concession"]
    off = with_values(defaults, **{"putin.tension_forbearance": 0.1})
    assert putin_probs(replace(quarrel, tension=0.9), off)["concession"] < tense["concession"]
