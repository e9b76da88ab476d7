"""Kremlin rules: what each faction wants, how much it weighs, and how Putin arbitrates.

Four factions lobby (FACTS L32): the siloviki/hawks (SIL-), the oligarch raiders (OLI-), the
monetarist technocrats (MON-) and the restraining groups (RES-01). Their weights move with the
context. Putin arbitrates, usually toward a moderate compromise (PUT-01, PUT-02); Russian policy is
mostly reactive (KRE-12), except that Ukraine-like protests switch the Kremlin to the logic of 2014
(KRE-16). All functions are pure and return values in the fixed order of `OPTIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from unionsim.model.choice import UNAVAILABLE
from unionsim.model.rules.economy import excess_refinancing_pressure
from unionsim.model.state import Regime, clip01

# the levels read once, not every month (see the note on the enums in `unionsim.model.state`)
_INCUMBENT, _NEW_REGIME = Regime.INCUMBENT, Regime.NEW_REGIME

OPTIONS = ("hold", "cut_support", "demand_integration", "demand_base", "demand_assets",
           "trade_war", "info_campaign", "bailout", "concession", "security_support",
           "deploy_forces", "intervene")
FACTIONS = ("siloviki", "raiders", "monetarists", "restrainers")
# "stay_a_while" is on the table only during a war next door (see
# `rules.war.stay_utility`); last, so that its absence leaves the other options' draws unchanged
EXIT_OPTIONS = ("withdraw", "leave_troops", "stay_a_while")

# How far each option departs from the moderate middle, 0..1: Putin's moderation (PUT-02) is a
# penalty proportional to this. The values are parameters (``putin.extremity.<option>``); holding
# course is the middle itself, so its extremity is zero by definition.
(_HOLD, _CUT, _DEMAND_INTEGRATION, _DEMAND_BASE, _DEMAND_ASSETS, _TRADE_WAR, _INFO, _BAILOUT,
 _CONCESSION, _SECURITY, _DEPLOY, _INTERVENE) = range(len(OPTIONS))
_COERCIVE_NOT_FORCE = (_CUT, _TRADE_WAR, _INFO, _DEMAND_BASE, _DEMAND_ASSETS)
_FORCE = (_DEPLOY, _INTERVENE)
# factions whose objection to force is a cost calculation (KRE-21, L28; RES-01, RUP-02)
_COST_MINDED = ("monetarists", "restrainers")

# Fixed constants of the Kremlin's rules. Each was a parameter whose Morris mu* is 0 on every
# headline output in every scenario group at both master seeds of the influence study
# (docs/influence.md); its value is the former default.

# Public support for independence (share) at which the polled share ready to resist a takeover
# holds; that share, and the cost Putin sees in a takeover, scale with support around it. Fixed at
# its former default across its former range [0.55, 0.9]: Morris mu* 0 on every headline output in
# every scenario group at both master seeds of the influence study (docs/influence.md). An
# assumption: the 2015 poll of those ready to fight (P5, carnegie2019) gives no matching support
# for independence.
RESISTANCE_REFERENCE_INDEPENDENCE = 0.75


def extremity(p: SimpleNamespace) -> list[float]:
    """How far each of `OPTIONS` departs from the moderate middle, 0..1, from ``putin.extremity``.

    The order follows the documents' own ladder of Russian tools, from keeping course to force
    (KRE-26, KRE-23, NAT-10); holding course is the middle (0).
    """
    e = p.putin.extremity
    return [0.0 if o == "hold" else getattr(e, o) for o in OPTIONS]


@dataclass(slots=True)
class KremlinView:
    """What the Kremlin reads of the world each month."""

    tension: float
    nato_posture: float
    minsk_west_tilt: float
    kremlin_trust: float
    dispute: float
    minsk_stress: float
    protest_threat: float
    radicalism: float
    elite_cohesion: float
    regime: int
    russian_strain: float
    energy_support: float
    round_open: bool
    base_pending: bool
    base_in_place: bool
    asset_pending: bool
    assets_left: float
    assets_refused: float
    trade_war: bool
    loan_requested: bool
    escalated: bool
    crisis: bool
    absorbed: bool
    coercion: float
    unimplemented: float
    intervention_failed: bool = False
    forces_present: bool = False
    takeover_odds: float = 0.0
    financing_gap: float = 0.0
    refinancing_pressure: float = 0.0
    support_independence: float | None = None  # None: at the reference level
    union_support: float = 0.0


def faction_influence(v: KremlinView, p: SimpleNamespace) -> list[float]:
    """Normalised lobbying weights of the four factions this month.

    * siloviki gain with NATO's posture, Russia-West tension and Minsk's opening to the West
      (SIL-01, SIL-02, KRE-32);
    * raiders gain with every refused asset deal and open dispute (OLI-01, OLI-02);
    * monetarists gain when Russia's budget is strained (MON-01, MON-03, RUP-06);
    * restrainers gain as coercion mounts and its costs show (RES-01, KRE-20).
    """
    k = p.kremlin
    saturate = k.raiders.refusals_to_saturate
    refused = saturate if saturate < v.assets_refused else v.assets_refused  # min, written out
    siloviki = k.siloviki.base_influence * (1.0 + k.siloviki.context_gain
                                            * (v.nato_posture + v.tension + v.minsk_west_tilt))
    raiders = k.raiders.base_influence * (1.0 + k.raiders.context_gain
                                          * (refused / saturate + v.dispute))
    monetarists = k.monetarists.base_influence * (1.0 + k.monetarists.context_gain
                                                  * v.russian_strain)
    restrainers = k.restrainers.base_influence * (1.0 + k.restrainers.context_gain * v.coercion)
    # the sum as `fold_sum` adds it, and the shares, written out for the four factions: a monthly
    # rule, and a list, a call and a comprehension cost more than the arithmetic
    total = 0.0 + siloviki + raiders + monetarists + restrainers
    return [siloviki / total, raiders / total, monetarists / total, restrainers / total]


def available(v: KremlinView, p: SimpleNamespace) -> list[bool]:
    """Which options make sense this month (the others are not on the table).

    A failed takeover is not tried again within a run: its costs are then known (KRE-23, KRE-24).
    A bailout needs a funding shortfall worth a loan (KRE-12: 'just enough'; see `rescue_loan`).
    A concession settles a dispute or rewards a loyal Minsk while support is below its ceiling
    (KRE-13, E11).
    Forces are sent in to back a regime only once the crisis logic is on and the street is massive
    (KRE-16; M47: guard police 'if necessary').
    """
    k = p.kremlin
    incumbent = v.regime == _INCUMBENT
    return [
        True,                                               # hold
        v.energy_support > k.support_floor + 1e-9,          # cut_support
        not v.round_open,                                   # demand_integration
        not v.base_pending and not v.base_in_place,         # demand_base
        not v.asset_pending and v.assets_left > 0,          # demand_assets
        not v.trade_war,                                    # trade_war
        True,                                               # info_campaign
        (v.loan_requested or v.minsk_stress > k.bailout_stress_threshold)
        and v.financing_gap >= k.rescue_min,               # bailout
        v.dispute > k.concession_dispute_threshold or v.escalated
        or (v.kremlin_trust > k.reward_trust_level
            and v.energy_support < support_ceiling(p) - 1e-9),  # concession
        incumbent and v.protest_threat > k.security_support_threat,  # security_support
        v.regime != _NEW_REGIME and v.crisis and v.protest_threat > k.deploy_threat_threshold
        and not v.forces_present,                           # deploy_forces
        not v.absorbed and not v.intervention_failed,      # intervene
    ]


def faction_utilities(faction: str, v: KremlinView, p: SimpleNamespace,
                      base: list[float] | None = None) -> list[float]:
    """A faction's utility for each of `OPTIONS` (before Putin's own view and moderation).

    siloviki: a base and discipline, more so as NATO builds up (SIL-01, SIL-03, SIL-05, KRE-29);
    they back the ally against a colour revolution (KRE-17) and want the chassis makers (SIL-06);
    in a crisis they push the 2014 logic (KRE-16).
    raiders: assets and protection from Belarusian goods; the most hostile to Lukashenka
    (OLI-01, OLI-02, OLI-04).
    monetarists: no subsidies, market relations, integration as the price of any discount
    (MON-01, MON-02, KRE-04, KRE-06); loans rather than gifts (E14); annexation would cost a
    10-million region's subsidies (L28, KRE-21).
    restrainers: Slavic brotherhood and open business ties; against coercion (RES-01, RUP-02).
    Under the crisis logic the monetarists' and restrainers' objections to sending forces and to a
    takeover are costs that become secondary (KRE-16): they are scaled by
    ``putin.crisis_cost_discount``, as Putin's own costs are.

    ``base`` is `faction_base` of ``faction`` and ``p`` (passed by a caller that computed it once
    per run); this adds what depends on the month's view.
    """
    u = list(faction_base(faction, p) if base is None else base)
    k = p.kremlin
    if faction == "siloviki":
        f = k.siloviki
        cap = k.protest_threat_cap
        threat = cap if cap < v.protest_threat else v.protest_threat  # min(threat, cap)
        u[_DEMAND_BASE] = f.base_ambition * (f.base_wish_without_threat + v.nato_posture
                                             + v.tension)
        u[_DEMAND_INTEGRATION] = f.discipline * (1.0 - v.kremlin_trust)
        u[_INFO] = f.discipline * v.minsk_west_tilt
        backing = f.backing * threat
        u[_SECURITY] = backing
        # backing the regime, and a foothold (the foothold's weight is in ``base``)
        u[_DEPLOY] = backing + u[_DEPLOY]
        u[_BAILOUT] *= v.minsk_stress
        u[_CONCESSION] *= v.kremlin_trust
        u[_INTERVENE] = f.crisis_push if v.crisis else -f.crisis_push
    elif faction == "raiders":
        f = k.raiders
        u[_DEMAND_ASSETS] = f.asset_appetite * (f.asset_wish_without_stress + v.minsk_stress)
    elif faction == "monetarists":
        f = k.monetarists
        u[_CUT] = f.austerity * (f.cut_wish_without_strain + v.russian_strain)
        u[_DEMAND_INTEGRATION] = f.conditionality * (1.0 + v.unimplemented)
        u[_BAILOUT] = f.loans_over_gifts * v.minsk_stress
    else:  # restrainers (`faction_base` has rejected any other name)
        u[_BAILOUT] = k.restrainers.brotherhood * v.minsk_stress
    if v.crisis and faction in _COST_MINDED:
        # the logic of 2014: the costs these factions weigh against force become secondary
        d = p.putin.crisis_cost_discount
        u[_DEPLOY] *= d
        u[_INTERVENE] *= d
    return u


def faction_base(faction: str, p: SimpleNamespace) -> list[float]:
    """The part of a faction's `faction_utilities` that is fixed for a run (it depends on the
    parameters only); the siloviki's bailout and concession entries are the weights the month's
    stress and trust multiply."""
    k = p.kremlin
    u = [0.0] * len(OPTIONS)
    if faction == "siloviki":
        f = k.siloviki
        u[_DEMAND_ASSETS] = f.vpk_interest
        u[_DEPLOY] = f.deploy_foothold_weight * f.base_ambition
        u[_CUT] = -f.cut_aversion_weight * f.backing
        u[_BAILOUT] = f.bailout_weight * f.backing
        u[_CONCESSION] = f.concession_weight * f.backing
    elif faction == "raiders":
        f = k.raiders
        u[_TRADE_WAR] = f.protectionism
        u[_INFO] = f.info_campaign_weight * f.protectionism
        u[_CONCESSION] = -f.asset_appetite
        u[_BAILOUT] = -f.bailout_aversion_weight * f.asset_appetite
        u[_CUT] = f.cut_support_weight * f.asset_appetite
    elif faction == "monetarists":
        f = k.monetarists
        u[_CONCESSION] = -f.austerity
        u[_INTERVENE] = -f.annexation_cost_aversion
        u[_DEPLOY] = -f.deploy_aversion_weight * f.annexation_cost_aversion
        u[_TRADE_WAR] = -f.trade_war_aversion_weight * f.austerity
    elif faction == "restrainers":
        f = k.restrainers
        u[_HOLD] = f.restraint
        u[_CONCESSION] = f.brotherhood
        for i in (_CUT, _TRADE_WAR, _INFO, _DEMAND_BASE, _DEMAND_ASSETS, _DEPLOY):
            u[i] = -f.coercion_aversion_weight * f.restraint
        u[_INTERVENE] = -f.intervene_aversion_weight * f.restraint
    else:
        raise ValueError(f"unknown faction {faction!r}; expected one of {FACTIONS}")
    return u


def is_crisis(radicalism: float, regime: int, elite_cohesion: float, p: SimpleNamespace) -> bool:
    """The threshold rule of KRE-16: Ukraine-like protests (seized buildings, clashes) or a regime
    falling to forces that might turn West (KRE-17) replace cost calculation by the 2014 logic.
    'Even an illusory risk' suffices, so the threshold is the perceived, not the real, danger."""
    k = p.kremlin
    if regime == _NEW_REGIME:
        return True
    return radicalism >= k.crisis_threshold or elite_cohesion <= k.collapse_cohesion


def putin_utilities(v: KremlinView, p: SimpleNamespace) -> list[float]:
    """Putin's own utility for each option, before the factions' lobbying is added.

    * Reactive by default: holding course is worth more the fewer headaches Minsk causes
      (KRE-12; D5 is spanned by ``putin.reactivity``).
    * Keep Minsk afloat with loans when asked, as far as it is loyal (E14, KRE-13, KRE-19).
    * Reward loyalty: raising energy support is worth more the more Minsk is trusted (KRE-13, E11).
    * Press for integration harder when Minsk needs its Russian debt refinanced: debt falling
      due is leverage (KRE-04, KRE-05, E14, ELI-10), and where the public favours union (BYP-10
      against D2's other side). Both scale the showcase motive, so a reactive Kremlin (D5) with
      no showcase motive is not made proactive by them.
    * Spare Minsk under high Russia-West tension (`tension_forbearance`, MIN-21, MIN-22): cuts
      and a trade war cost more and a concession is worth more the higher tension stands above its
      2019 level; below it the factions' demands take over.
    * Rule moderately when Lukashenka lifts a dispute to him (MIN-18, PUT-02): escalation makes a
      concession thinkable, but paying more is what Putin wants least (KRE-01), so a moderate
      ruling is mostly a refusal to escalate further (see `arbitrate`).
    * Show the Union State off as a success (KRE-33, D11) and lock in future presidents (KRE-09).
    * Do not destabilise Belarus himself (PUT-03): coercion costs more while the street is restless.
    * Under the crisis logic, send forces to hold the regime against a massive street (KRE-16,
      M47): worth more than backing from afar, and the cost of troops in an ally is discounted.
    * Force is costly: takeover, a 10-million region to subsidise, sanctions, guerrilla war, the
      CSTO's implosion (KRE-21, KRE-23-KRE-25, L28). Its value is that of not losing Belarus,
      weighed by the risk of losing it (`risk_of_loss`) and by the odds the takeover succeeds:
      Putin gambles only where he sees weakness (KRE-15). The crisis logic discounts the costs
      (KRE-16). A public attached to independence makes a takeover costlier
      (`takeover_cost_factor`: BYP-02, BYP-07).
    """
    q = p.putin
    # every `min`/`max` here is written out (`min(a, b)` as `b if b < a else a`, `max(a, b)` as
    # `b if b > a else a`: the same values without a builtin call; this runs every month)
    street = 1.0 if 1.0 < v.protest_threat else v.protest_threat  # min(threat, 1.0)
    headache = v.dispute  # max(dispute, street, a pending loan request)
    if street > headache:
        headache = street
    loan = 1.0 if v.loan_requested else 0.0
    if loan > headache:
        headache = loan
    u = [0.0] * len(OPTIONS)
    u[_HOLD] = q.reactivity * (1.0 - headache)
    request = q.loan_request_urgency if v.loan_requested else 0.0
    u[_BAILOUT] = q.keep_afloat * (v.minsk_stress + request) \
        * (q.bailout_loyalty_floor + v.kremlin_trust) \
        + q.bailout_unrest_weight * q.crisis_backing * street
    reward = v.kremlin_trust - p.kremlin.reward_trust_level
    u[_CONCESSION] = q.escalation_responsiveness * (1.0 if v.escalated else 0.0) - q.subsidy_cost \
        + q.loyalty_reward * (reward if reward > 0.0 else 0.0)
    # high Russia-West tension makes the anti-Western ally worth its rent (MIN-21, MIN-22)
    forbearance = tension_forbearance(v.tension, v.minsk_west_tilt, p)
    u[_CONCESSION] += forbearance
    u[_CUT] -= forbearance
    u[_TRADE_WAR] -= forbearance
    # the showcase is what makes Putin press for integration on his own; Minsk's need for
    # money and a public that favours union make pressing more promising, not a motive of their
    # own (a reactive Kremlin, D5, has none)
    u[_DEMAND_INTEGRATION] = q.showcase * (1.0 + (q.showcase_loan_leverage if v.loan_requested
                                                  else 0.0)
                                           + q.refinancing_leverage
                                           * excess_refinancing_pressure(v.refinancing_pressure, p)
                                           + q.union_base_weight * v.union_support)
    cap = p.kremlin.protest_threat_cap
    threat = cap if cap < v.protest_threat else v.protest_threat
    u[_SECURITY] = q.crisis_backing * threat
    cost_scale = q.crisis_cost_discount if v.crisis else 1.0
    u[_DEPLOY] = q.deploy_backing_weight * q.crisis_backing * threat \
        - p.kremlin.troops_stay_cost * cost_scale
    destabilising = q.stability * street * cost_scale
    for i in _COERCIVE_NOT_FORCE:
        u[i] -= destabilising
    u[_INTERVENE] = q.crisis_value * risk_of_loss(v, p) * q.takeover_odds_weight * v.takeover_odds \
        - q.intervention_cost * takeover_cost_factor(v.support_independence, p) * cost_scale
    return u


def tension_forbearance(tension: float, minsk_west_tilt: float, p: SimpleNamespace) -> float:
    """Utils by which Russia-West tension makes Putin spare Minsk economic pressure and pay its
    loyalty rent (MIN-21): the more strained Russia's relations with the West, the more a ruler
    who poses as the most anti-Western Belarus could have is worth, so a subsidy cut and a trade
    war cost more and a concession is worth more. When relations are stable or easing the posture
    loses its value and the factions' demands take over (MIN-22): below the 2019 level of tension
    (``initial.tension``) the sign turns. Minsk's opening to the West spends the posture's value
    (``minsk_west_tilt``, SIL-02, KRE-37). 0 at the 2019 level, so the other weights keep their
    meaning there."""
    return p.putin.tension_forbearance * (tension - p.initial.tension) * (1.0 - minsk_west_tilt)


def takeover_cost_factor(support_independence: float | None, p: SimpleNamespace) -> float:
    """Factor on the cost of a takeover: 1 at the reference support for independence
    (`RESISTANCE_REFERENCE_INDEPENDENCE`), higher
    where more of the public is attached to independence (guerrilla war and a hostile region to
    hold: BYP-02, BYP-07, KRE-21), lower where fewer are. Never below zero; ``None`` means the
    reference."""
    if support_independence is None:
        return 1.0
    relative = support_independence / RESISTANCE_REFERENCE_INDEPENDENCE
    factor = 1.0 + p.putin.independence_takeover_cost * (relative - 1.0)
    return factor if factor > 0.0 else 0.0  # `max(0.0, factor)`, written out: a monthly rule


def support_ceiling(p: SimpleNamespace) -> float:
    """Highest energy support Russian concessions can restore, USD bn/yr: the start level plus a
    small margin (E11: a small recovery after the 2017 deal; MIN-61: terms unchanged after 2020)."""
    return p.initial.energy_support + p.kremlin.support_raise_cap


def rescue_loan(financing_gap: float, refinancing_due: float) -> tuple[float, float]:
    """A rescue sized to the need (KRE-12: 'just enough loans' to avoid bankruptcy), USD bn.

    Returns the loan, which fills the funding shortfall (`economy.financing_gap`) and no more, and
    the part of it that refinances Russian debt falling due within the year (E14: new loans to pay
    off old ones); the rest is new money.
    """
    loan = max(0.0, financing_gap)
    return loan, min(loan, max(0.0, refinancing_due))


def risk_of_loss(v: KremlinView, p: SimpleNamespace) -> float:
    """0..1: how likely the Kremlin judges it is to lose Belarus to the West (KRE-16, KRE-17).

    Certain once the regime has fallen or the elite collapses. Under the crisis logic the risk is
    the perceived one: the street's radicalism against the Kremlin's own threshold
    (``kremlin.crisis_threshold``), so a street at the threshold reads as a colour revolution
    under way ('even an illusory risk' is enough, KRE-16) and the risk ebbs as the street calms;
    a Kremlin with a lower threshold reads the same street as more dangerous. Otherwise nil.
    """
    k = p.kremlin
    if v.regime == _NEW_REGIME or v.elite_cohesion <= k.collapse_cohesion:
        return 1.0
    if not v.crisis:
        return 0.0
    perceived = v.radicalism / k.crisis_threshold
    return 1.0 if perceived > 1.0 else perceived


def arbitrate(v: KremlinView, influence: list[float], faction_u: list[list[float]],
              lobbied: list[int], mask: list[bool], p: SimpleNamespace,
              extremes: list[float] | None = None) -> list[float]:
    """Putin's final utilities: his own view, the factions' interests weighted by influence, a
    bonus for each option a faction is actively lobbying for, and moderation (PUT-01, PUT-02).

    Moderation is stronger when Lukashenka has escalated the dispute to him (MIN-18). Under the
    crisis logic the moderation that holds Putin back from force (the conflicts an extreme line
    brings, PUT-02) is a cost like the others and becomes secondary (KRE-16): on sending forces
    and on a takeover it is scaled by ``putin.crisis_cost_discount``.
    ``faction_u`` are the factions' `faction_utilities` and ``mask`` the `available` options
    (the interests in options off the table are ignored: they may already be ``UNAVAILABLE``);
    ``extremes`` is `extremity` of ``p`` (passed by a caller that computed it once per run).
    """
    q = p.putin
    own = putin_utilities(v, p)
    if extremes is None:
        extremes = extremity(p)
    if v.crisis:
        extremes = list(extremes)
        for i in _FORCE:
            extremes[i] *= q.crisis_cost_discount
    moderation = q.moderation * (1.0 + (q.escalation_responsiveness if v.escalated else 0.0))
    # influence-weighted interests, one sum per option over the four factions (`FACTIONS`),
    # added left to right as `fold_sum` adds (Python 3.12's builtin sum would compensate)
    w0, w1, w2, w3 = influence
    lobby = [0.0 + w0 * a + w1 * b + w2 * c + w3 * d if ok else UNAVAILABLE
             for a, b, c, d, ok in zip(*faction_u, mask)]
    bonus = q.lobby_bonus
    # each faction's bonus added in the order of `FACTIONS` (an option two factions lobby for
    # gets both, in that order), written out rather than looped: this runs every month
    l0, l1, l2, l3 = lobbied
    lobby[l0] += w0 * bonus
    lobby[l1] += w1 * bonus
    lobby[l2] += w2 * bonus
    lobby[l3] += w3 * bonus
    return [mine + theirs - moderation * extreme if ok else UNAVAILABLE
            for mine, theirs, extreme, ok in zip(own, lobby, extremes, mask)]


def restrict(utilities: list[float], mask: list[bool]) -> list[float]:
    """Utilities with the unavailable options set to ``UNAVAILABLE``."""
    return [u if ok else UNAVAILABLE for u, ok in zip(utilities, mask)]


def exercise_exit_utilities(troops_k: float, v: KremlinView, p: SimpleNamespace,
                            stay: float = UNAVAILABLE) -> list[float]:
    """Utilities of withdrawing exercise troops, leaving some behind (SC11, SYS-12), or keeping
    them for a while (``stay``, from `rules.war.stay_utility`; unavailable outside a war next
    door), in the order of `EXIT_OPTIONS`.

    Leaving troops is the hawks' wish under a NATO build-up (SIL-05, NAT-05) but is coercion of an
    ally that Minsk would resist and the West would read as a precedent (KRE-25, KRE-22); after
    Zapad 2017 none stayed.
    """
    k = p.kremlin
    wish = k.siloviki.base_ambition * (v.nato_posture + v.tension) * (1.0 - v.kremlin_trust)
    cost = p.putin.stability * (p.putin.troops_stay_unrest_floor + min(v.protest_threat, 1.0)) \
        + k.troops_stay_cost
    if v.crisis:
        cost *= p.putin.crisis_cost_discount
    return [0.0, wish - cost, stay]


def intervention_success(resistance_share: float, prorussian_mobilisation: float,
                         elite_cohesion: float, regime: int, p: SimpleNamespace) -> float:
    """Probability that a takeover attempt succeeds (KRE-23, KRE-24, BYP-07, HYB-05, D4, D6).

    Belarus would not withstand a hybrid takeover of a collapsing state (HYB-05), but a cohesive
    regime and a public ready to resist (P5: 19 % would take up arms) make it hard; Russia has no
    mobilised base unless D6's 'parallel infrastructure' exists.
    """
    k = p.kremlin
    state_weakness = (1.0 - elite_cohesion if regime != _NEW_REGIME
                      else 1.0 - k.new_regime_cohesion_weight * elite_cohesion)
    chance = (k.takeover_base_success + k.takeover_weakness_gain * state_weakness
              + k.takeover_base_support_gain * prorussian_mobilisation
              - k.takeover_resistance_cost * resistance_share)
    return clip01(chance)
