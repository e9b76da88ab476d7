"""Minsk's decision rules: answers to Moscow's demands, foreign initiatives, domestic control.

Minsk weighs regime survival first, then sovereignty, then the economy (MIN-01, MIN-08, MIN-09).
How tradable sovereignty is under pressure is disputed (FACTS D1): ``minsk.sovereignty_weight``
spans both positions. Every function returns utilities in a fixed option order; the agent draws
one option by a logit (`unionsim.model.choice`). Utilities are costs and gains in 'utils', the
common unit of each actor's weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from unionsim.model.choice import UNAVAILABLE
from unionsim.model.rules.economy import excess_refinancing_pressure
from unionsim.model.state import MAX_SANCTIONS

ANSWERS = ("refuse", "stall", "sign")
BASE_ANSWERS = ("refuse", "rotation", "accept")
ASSET_ANSWERS = ("refuse", "sell")
EFFORT = ("drag", "implement")
INITIATIVES = ("hold", "escalate", "blackmail", "anti_western", "diversify", "open_west",
               "belarusianise", "request_loan")
DOMESTIC = ("tolerate", "co_opt", "repress")
EXERCISE = ("cap_and_observe", "host_as_requested")


@dataclass(slots=True)
class MinskView:
    """What Minsk reads of the world each month."""

    tension: float
    outside_options: float
    economic_stress: float
    kremlin_trust: float
    dispute: float
    sanctions_level: float
    western_engagement: float
    protest_share: float
    election_salience: float
    legitimacy: float
    nato_threat: float
    info_campaign: float
    energy_offer: bool
    diversified: float
    repression: float
    loan_requested: bool
    belarusianisation: float
    refinancing_pressure: float = 0.0
    support_independence: float | None = None  # None: at the reference level
    west_orientation: float = 0.0
    financing_gap: float = 0.0


def refusal_cost(stake_bn: float, v: MinskView, p: SimpleNamespace) -> float:
    """What saying no to Moscow costs Minsk, in utils.

    The support at stake counts in proportion to the external funding need and only as far as
    Minsk lacks outside options (MIN-25: refusal is affordable only with alternatives). Isolated and
    under economic stress, refusal also risks the regime's survival (MIN-25, KRE-12). High
    Russia-West tension makes Minsk indispensable and so makes refusal cheaper (MIN-21, MIN-22).
    Russian debt falling due that Minsk cannot cover from reserves makes refusal dearer: Moscow
    refinances it or not (E14, MIN-25, KRE-05).
    """
    m = p.minsk
    isolation = 1.0 - v.outside_options
    economic = m.economy_weight * (stake_bn / p.economy.external_financing_need) * isolation
    survival = m.survival_weight * m.isolation_risk * isolation * v.economic_stress
    leverage = m.refinancing_exposure * excess_refinancing_pressure(v.refinancing_pressure, p)
    return (economic + survival + leverage) * (1.0 - m.tension_leverage * v.tension)


def public_backing(v: MinskView, p: SimpleNamespace) -> float:
    """Factor on what giving up sovereignty costs the regime: 1 at the polled support for
    independence (``minsk.independence_reference``), higher the more of the public backs
    independence, lower the fewer (BYP-02, BYP-19, BYP-17, MIN-58). ``None`` means the reference."""
    m = p.minsk
    if v.support_independence is None:
        return 1.0
    return 1.0 + m.public_sovereignty_backing * (v.support_independence / m.independence_reference
                                                 - 1.0)


def integration_answer_utilities(depth: int, size: float, stake_bn: float, final_summit: bool,
                                 v: MinskView, p: SimpleNamespace) -> list[float]:
    """Utilities of refusing, stalling and signing a package of integration documents.

    Signing economic roadmaps is cheap because Minsk need not implement them (MIN-17: lip service;
    SYS-01: signed is not implemented), so it costs only a fraction (``signature_commitment``) of
    their sovereignty cost. The supranational roadmap is a red line (MIN-05, MIN-06, U20): signing
    it costs sovereignty in full and threatens absolute power itself. Stalling buys time at a
    fraction of the refusal cost (MIN-03, U22) but is not available at the final summit. The
    sovereignty costs grow with the public's support for independence (`public_backing`).
    """
    m = p.minsk
    cost_of_no = refusal_cost(stake_bn, v, p)
    refuse = -cost_of_no
    stall = UNAVAILABLE if final_summit else -m.stall_cost * cost_of_no
    backing = public_backing(v, p)
    if depth <= 1:
        sign = -m.sovereignty_weight * backing * m.roadmap_sovereignty_cost \
            * (size / p.integration.package_roadmaps) * m.signature_commitment
    else:
        sign = -(m.sovereignty_weight * backing * m.supranational_sovereignty_cost
                 + m.survival_weight * m.power_sharing_cost)
    return [refuse, stall, sign]


def implementation_utilities(stake_bn: float, remaining_share: float, supranational: bool,
                             v: MinskView, p: SimpleNamespace) -> list[float]:
    """Utilities of dragging feet on, or implementing, the signed documents until the next review.

    Implementation gives up real sovereignty in proportion to what is still to be done; Moscow pays
    only once the whole package is law (KRE-05). Dragging irritates Moscow, which demanded that past
    commitments be delivered (KRE-37), at a fraction of the cost of an outright refusal. So Minsk
    implements only when isolated enough that the promised money matters (MIN-25); otherwise
    signed documents stay on paper (SYS-01, MIN-17). Setting up supranational bodies also shares
    power, which absolute personal power cannot do (MIN-05). The sovereignty cost grows with the
    public's support for independence (`public_backing`).
    """
    m = p.minsk
    isolation = 1.0 - v.outside_options
    gain = m.economy_weight * (stake_bn / p.economy.external_financing_need) * isolation
    sovereignty = m.sovereignty_weight * public_backing(v, p)
    if supranational:
        cost = sovereignty * m.supranational_sovereignty_cost \
            + m.survival_weight * m.power_sharing_cost
    else:
        cost = sovereignty * m.roadmap_sovereignty_cost * (1.0 - m.signature_commitment)
    implement = gain - cost * remaining_share
    drag = -m.drag_cost * refusal_cost(stake_bn, v, p)
    return [drag, implement]


def base_answer_utilities(stake_bn: float, v: MinskView, p: SimpleNamespace) -> list[float]:
    """Utilities of refusing a Russian airbase, offering a temporary rotation, or accepting a base.

    The constitution bans permanent foreign combat units and Minsk has resisted the base since 2013
    (MIN-29); only under a NATO build-up does it ask for a temporary deployment (MIN-30, M24) and
    more guarantees (MIN-31), so a rotation is on the table only when the NATO threat is elevated.
    Refusal costs what Moscow ties to it (KRE-26: ending subsidies as a lever).
    """
    m = p.minsk
    security = m.nato_threat_weight * v.nato_threat
    refuse = -refusal_cost(stake_bn, v, p)
    rotation = UNAVAILABLE if v.nato_threat < m.rotation_threat else \
        -m.sovereignty_weight * m.base_sovereignty_cost * m.rotation_fraction \
        + m.rotation_security_share * security
    accept = -(m.sovereignty_weight * m.base_sovereignty_cost
               + m.survival_weight * m.constitutional_ban_cost) + security
    return [refuse, rotation, accept]


def asset_answer_utilities(stake_bn: float, v: MinskView, p: SimpleNamespace) -> list[float]:
    """Utilities of refusing or accepting the sale of a strategic firm to Russian owners.

    Lukashenka resists: the plants' workers are his electoral base and Russian capital threatens
    the ruling elite (MIN-07, MIN-13, E27). A sale refills reserves when cornered (MIN-14).
    """
    m = p.minsk
    refuse = -refusal_cost(stake_bn, v, p)
    sell = (m.economy_weight * (m.asset_sale_value / p.economy.external_financing_need)
            * v.economic_stress
            - m.sovereignty_weight * m.asset_sovereignty_cost
            - m.survival_weight * m.asset_social_cost)
    return [refuse, sell]


def initiative_utilities(v: MinskView, p: SimpleNamespace) -> list[float]:
    """Utilities of Minsk's own foreign move this month (one of `INITIATIVES`).

    * escalate: lift a dispute to Putin, who often rules moderately (MIN-18, PUT-02);
    * blackmail: threaten to defect (CSTO, transit) unless Moscow is kinder (MIN-20, MIN-15);
    * anti_western: pose as the most anti-Western ruler, worth most when tension is high
      (MIN-21, MIN-23) and costing Western goodwill;
    * diversify: seek oil and partners elsewhere when Moscow squeezes (MIN-16, E29-E31, WES-08);
    * open_west: 'dictaplomacy', trading neutrality for Western engagement (MIN-44, WES-02);
      Moscow resents it (SIL-02, KRE-30); it finds more support at home the more the public
      leans to the EU (P10, P11, BYP-15, BYP-03);
    * belarusianise: soft Belarusianisation for legitimacy under Russian information pressure,
      kept in check (MIN-58, BYP-17);
    * request_loan: ask Moscow for fresh funds when stressed (MIN-10, E14) or when Russian debt
      falls due that reserves cannot cover (E14: new loans to repay old ones), or turn to it when
      the street threatens the regime and the West is no alternative (MIN-53). Minsk asks only
      when it faces a shortfall worth a loan (``kremlin.rescue_min``): Moscow lends just enough
      (KRE-12), so there is nothing to ask for otherwise.
    """
    m = p.minsk
    dependence = 1.0 - v.outside_options
    hold = m.initiative_inertia
    escalate = (v.dispute * m.escalation_value * (m.escalation_trust_offset + v.kremlin_trust)
                if v.dispute > m.escalation_min_dispute else UNAVAILABLE)
    blackmail = (v.dispute * m.blackmail_value
                 - m.russia_irritation * dependence * (1.0 - v.tension))
    anti_western = (m.posturing_value * v.tension * dependence
                    - m.west_value * v.western_engagement)
    diversify = (UNAVAILABLE if v.diversified >= m.diversification_ceiling else
                 v.dispute * m.diversify_value
                 * (m.energy_offer_diversify_factor if v.energy_offer else 1.0)
                 * (1.0 - v.diversified) - m.russia_irritation * dependence)
    open_west = ((m.west_value * dependence + m.west_opinion_value * v.west_orientation)
                 * (1.0 - v.sanctions_level / MAX_SANCTIONS) * (1.0 - v.repression)
                 - m.russia_irritation * dependence * (1.0 - v.tension))
    belarusianise = (UNAVAILABLE if v.belarusianisation >= m.belarusianisation_ceiling else
                     m.identity_value * (v.info_campaign + v.dispute) * (1.0 - v.legitimacy)
                     - m.belarusianise_irritation_share * m.russia_irritation * dependence)
    # short of money, or with the regime threatened on the street, Minsk turns to Moscow (MIN-53)
    # max(stress, refinancing pressure, dependence * min(threat, 1.0)), written out (monthly)
    threat = protest_threat(v.protest_share, v.election_salience, p)
    street = dependence * (1.0 if 1.0 < threat else threat)
    need = v.economic_stress
    if v.refinancing_pressure > need:
        need = v.refinancing_pressure
    if street > need:
        need = street
    request_loan = (UNAVAILABLE if v.loan_requested or v.financing_gap < p.kremlin.rescue_min
                    else m.loan_need * need - m.initiative_inertia)
    return [hold, escalate, blackmail, anti_western, diversify, open_west, belarusianise,
            request_loan]


def protest_threat(protest_share: float, election_salience: float, p: SimpleNamespace) -> float:
    """How threatening the street is to the regime: protest size against the mass level, plus the
    salience of an election that challengers could contest (MIN-52: pre-emptive arrests)."""
    return protest_share / p.public.mass_protest_share + p.minsk.preemption * election_salience


def domestic_utilities(v: MinskView, p: SimpleNamespace, current: int | None = None
                       ) -> list[float]:
    """Utilities of tolerating, co-opting (social spending) or repressing protest.

    Survival comes first: unchecked protest is a risk (MIN-01). Co-optation keeps the social
    contract but costs money Minsk lacks under stress (MIN-08, MIN-12). Repression works
    (MIN-52, MIN-53) but costs legitimacy and Western engagement, so it is calibrated while the West
    matters (MIN-47) and comes back in full when it does not. ``current`` (an index into
    `DOMESTIC`) is the course Minsk is on: changing course has a cost
    (``minsk.domestic_persistence``), so a crackdown, once begun, is not called off and resumed
    month by month (the 2020 crackdown lasted into 2021: MIN-53, MIN-54).
    """
    m = p.minsk
    threat = protest_threat(v.protest_share, v.election_salience, p)
    risk = m.survival_weight * m.tolerance_risk * threat
    tolerate = -risk
    co_opt = -risk * (1.0 - m.coopt_efficacy) - m.economy_weight * m.coopt_cost \
        * (1.0 + m.coopt_stress_factor * v.economic_stress)
    repress = (-risk * (1.0 - m.repression_efficacy) - m.repression_legitimacy_cost
               - m.west_value * v.western_engagement * m.sanction_fear)
    utilities = [tolerate, co_opt, repress]
    if current is not None:
        utilities[current] += m.domestic_persistence
    return utilities


def next_repression(repression: float, cracking_down: bool, p: SimpleNamespace) -> float:
    """Repression as a stock: a crackdown builds it up fast (``minsk.repression_adjustment`` of
    the gap to ``minsk.mass_repression`` each month), and once the regime stops cracking down it
    ebbs slowly toward the everyday level (``minsk.repression_relaxation``): arrests, trials and
    sentences outlast the decision (MIN-53), so the fear they spread does too."""
    m = p.minsk
    if cracking_down:
        return repression + m.repression_adjustment * (m.mass_repression - repression)
    return repression + m.repression_relaxation * (m.base_repression - repression)


def exercise_utilities(troops_k: float, v: MinskView, p: SimpleNamespace) -> list[float]:
    """Utilities of capping Russian troop numbers and inviting observers, or hosting as asked.

    Minsk made Zapad 2017 transparent and capped the Russian contingent under the Vienna Document,
    irritating Moscow (MIN-32, M20, M23); the fear is that troops stay, as after the 2008 and 2014
    exercises (SYS-12).
    """
    m = p.minsk
    dependence = 1.0 - v.outside_options
    troop_risk = m.sovereignty_weight * m.exercise_troop_risk * troops_k / m.exercise_troop_scale_k
    cap = m.west_value * (m.cap_transparency_value + v.western_engagement) \
        - m.russia_irritation * dependence * (1.0 - v.tension)
    host = -troop_risk
    return [cap, host]
