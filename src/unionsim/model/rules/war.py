"""A war next door: what the Kremlin asks of Minsk, how Minsk answers, and what the exercise
troops do when a war breaks out while they are in Belarus.

The documents' context is the war in Donbas (SC23), with Minsk as the venue of the peace talks,
and the Suwalki and Baltic cases (SC13, NAT-10, NAT-11, NAT-12). Minsk's line is 'situational
neutrality': its territory is not to be used to attack another state, it sends no troops abroad
and it will not be drawn into 'someone else's wars' (MIN-28); the Regional Group of Forces exists
on paper with a joint command only in wartime (M15). Moscow is reassured that this neutrality is
not credible and NATO counts Belarus as part of the Russian strategic space (SYS-14, KRE-34).

All functions are pure and return utilities in the fixed order of their option tuples; the
actors draw one option by a logit (`unionsim.model.choice`).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from unionsim.model.choice import UNAVAILABLE
from unionsim.model.rules.minsk import MinskView, public_backing, refusal_cost
from unionsim.model.state import WarRole

# the levels read once, not every month (see the note on the enums in `unionsim.model.state`)
_FULL_ROLE = WarRole.FULL

# What the Kremlin may ask, from the least to the most demanding: Belarusian railways and roads
# for Russian logistics (NAT-12), Belarusian airspace (NAT-13), Belarusian territory as a staging
# area for Russian troops (MIN-28's red line), the activation of the joint grouping (M15), and
# Belarusian forces in combat. "none" drops (or never makes) the ask.
ASKS = ("none", "logistics", "airspace", "staging", "joint_grouping", "combat_role")
# The role each ask would give Russia's war: the first three are limited, the last two full.
ASK_ROLE = (WarRole.NONE, WarRole.LIMITED, WarRole.LIMITED, WarRole.LIMITED, WarRole.FULL,
            _FULL_ROLE)
# Minsk's answer: refuse, allow a limited role (whatever the ask), or allow what is asked in full.
WAR_ANSWERS = ("refuse", "allow_limited", "allow_full")
# Minsk's answer to exercise troops staying for a while.
STAY_ANSWERS = ("refuse", "allow")


@dataclass(slots=True)
class WarView:
    """What the Kremlin reads of a war next door each month."""

    intensity: float
    nato_posture: float
    kremlin_trust: float
    dispute: float
    war_role: float
    current_ask: int
    crisis: bool


def ask_value(ask: str, intensity: float, nato_posture: float, p: SimpleNamespace) -> float:
    """Military value of an ask to the Kremlin: its worth to the war, rising with the war's
    intensity and NATO's posture on the flank (NAT-12: every road to Kaliningrad crosses Belarus;
    NAT-13: air defence in Belarus reaches into NATO airspace; M15: the joint grouping)."""
    k = p.war.kremlin
    return getattr(k.military_value, ask) * (intensity + k.nato_weight * nato_posture)


def ask_utilities(v: WarView, p: SimpleNamespace) -> list[float]:
    """Utilities of the Kremlin's asks in a war next door, in the order of `ASKS`.

    Each ask is worth its military value (`ask_value`) and costs in proportion to how much it
    demands of Minsk: pushing an ally to become a party costs in itself (KRE-25: coercing an ally
    exposes Russia's integration projects; KRE-22: Moscow minds new tension with the West), more
    so the more Minsk resists (low trust, an open dispute after refusals). What Minsk already
    allows costs nothing more to keep. The ask can only go up, one month after another, or be
    dropped ("none"). Under the logic of 2014 the costs are secondary (KRE-16).
    """
    k = p.war.kremlin
    resistance = (1.0 - v.kremlin_trust) + v.dispute
    discount = p.putin.crisis_cost_discount if v.crisis else 1.0
    utilities = [0.0]
    for i in range(1, len(ASKS)):
        ask = ASKS[i]
        if i < v.current_ask:
            utilities.append(UNAVAILABLE)
            continue
        value = ask_value(ask, v.intensity, v.nato_posture, p)
        if ASK_ROLE[i] <= v.war_role:
            utilities.append(value)
            continue
        demand = getattr(k.demand, ask)
        cost = demand * (k.push_cost + k.resistance_weight * resistance + k.west_reaction)
        utilities.append(value - discount * cost)
    return utilities


def army_term(willingness: float | None, p: SimpleNamespace) -> float:
    """Extra cost of a full role when the army is less willing to fight abroad than the reference
    (MIN-28: no troops abroad; MIN-33: an army being Belarusianised); ``None`` (no army
    reading, as in a model without the army agent) means the reference, so the term is then zero.
    The model always passes the army agent's value."""
    w = p.war.minsk
    if willingness is None:
        return 0.0
    return w.army_weight * (w.army_reference_willingness - willingness)


def answer_utilities(ask: int, intensity: float, v: MinskView, coercion: float,
                     russian_backing: float, protest_threat: float, elite_cohesion: float,
                     army_willingness: float | None, p: SimpleNamespace) -> list[float]:
    """Minsk's utilities of refusing, allowing a limited role and allowing the full ask, in the
    order of `WAR_ANSWERS`.

    Becoming a party to someone else's war costs the sovereignty and neutrality Minsk values
    (MIN-28), scaled by its sovereignty weight (D1) and by the public's backing for independence;
    a limited role (territory, airspace or railways) costs a share of that. The public's main fear
    is being dragged into a war (BYP-16; peace and security are its top values, P12), a risk to
    the regime that grows with the war's intensity. Allowing a role also costs what Minsk has to
    lose in the West (its outside options, SC23: neutrality earned Western relief). A full role
    needs the army, costlier the less willing it is to fight abroad (`army_term`).

    Refusing costs what Moscow ties to the ask, in proportion to Minsk's dependence (the shared
    `rules.minsk.refusal_cost`: support at stake without outside options, survival under stress,
    Russian debt falling due; cheaper when Russia-West tension makes Minsk indispensable, MIN-21),
    plus Russian leverage in force (coercion, KRE-26), the security backing the regime owes
    Moscow, and the regime's own need of Moscow when the street (its protest threat, capped at 1
    as in the Kremlin's rules) and the elite waver (KRE-17, SC20, MIN-53). A full answer is
    possible only to a full ask; a limited answer to a full ask refuses the rest of it, so it also
    bears the refusal cost in proportion to what it withholds (1 - ``war.minsk.limited_share``).
    """
    w, m = p.war.minsk, p.minsk
    role = ASK_ROLE[ask]
    refuse = -(refusal_cost(w.stake_bn, v, p) + w.coercion_weight * coercion
               + w.backing_weight * russian_backing
               + m.survival_weight * w.regime_need_weight
               * (min(protest_threat, 1.0) + (1.0 - elite_cohesion)))
    neutrality = m.sovereignty_weight * public_backing(v, p) * w.neutrality_cost
    fear = m.survival_weight * w.war_fear * intensity
    west = w.west_loss * v.outside_options
    full_cost = neutrality + fear + west
    limited = -w.limited_share * full_cost
    if role < _FULL_ROLE:
        return [refuse, limited, UNAVAILABLE]
    # a limited answer to a full ask refuses the rest of it: that part costs its share of a refusal
    limited += (1.0 - w.limited_share) * refuse
    return [refuse, limited, -(full_cost + army_term(army_willingness, p))]


def stay_utility(intensity: float, nato_posture: float, p: SimpleNamespace) -> float:
    """The Kremlin's utility of keeping exercise troops in Belarus for a while when a war is
    under way next door: troops at hand for staging are worth the staging ask's value
    (`ask_value`), less the cost of a stay (assumption: a temporary stay costs less than a
    permanent one, as the 2014 rotations did, M24)."""
    return ask_value("staging", intensity, nato_posture, p) - p.war.exercise.stay_cost


def stay_answer_utilities(intensity: float, v: MinskView, coercion: float,
                          p: SimpleNamespace) -> list[float]:
    """Minsk's utilities of refusing or allowing exercise troops to stay for a while during a war
    next door, in the order of `STAY_ANSWERS`.

    A stay is a temporary deployment, which Minsk has accepted before (M24, MIN-30: the 2014 jets
    on rotation), so it costs the rotation's share of a base's sovereignty cost; while a war goes
    on next door it also risks the territory being used for it (MIN-28), the limited role's
    share of the neutrality cost in proportion to the war's intensity. Refusing costs what Moscow
    ties to it (`refusal_cost`) and the leverage in force (coercion).
    """
    w, m = p.war.minsk, p.minsk
    refuse = -(refusal_cost(w.stake_bn, v, p) + w.coercion_weight * coercion)
    allow = -(m.sovereignty_weight * (m.base_sovereignty_cost * m.rotation_fraction
                                      + w.neutrality_cost * w.limited_share * intensity))
    return [refuse, allow]


def threat_term(war_role: float, joint_grouping: bool, p: SimpleNamespace) -> float:
    """What a Belarusian role in a war next door adds to NATO's threat perception: Belarus as part
    of Russia's strategic space (KRE-34, SYS-14), in proportion to the role, and a joint grouping
    under one command (M15). Zero without a role."""
    n = p.war.nato
    return (n.role_weight * war_role / _FULL_ROLE
            + (n.grouping_weight if joint_grouping else 0.0))
