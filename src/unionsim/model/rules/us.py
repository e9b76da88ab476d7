"""The US's rules: attention, its own sanctions, an oil offer and relief for prisoners.

The documents separate a US that signals attention and deals from an EU bound by consensus: the
US lifted its sanctions a year before the EU (L13: 2015 against 2016), sent its officials and
then its Secretary of State to Minsk and agreed to return an ambassador after twelve years (L14,
NAT-17: "no longer going to ignore Belarus"), and offered to supply all the oil Belarus needs
(E31, WES-08). Both weigh human rights against a neutral Belarus as a buffer (WES-01, NAT-17);
relief came in exchange for steps by Minsk (WES-02: neutrality, mediation, prisoners released).

The US needs no unanimity: its sanctions step is adopted in the month it is decided, where the
EU's waits for its members (`unionsim.model.rules.west.adoption_lag`, NEI-03). Its economic
weight for Belarus is smaller than the EU's (``us.economic_weight``, an assumption: the EU is the
bigger market and the US mattered mainly for potash and the refiners).

The offer_deal option of ``policy_utilities`` and ``deal_answer_utilities`` model the conditional
relief: the US offers one step of relief for the release of political prisoners once the record
of repression has faded, and Minsk answers it, weighing the crackdown it would call off (a Minsk
decision drawn from the US's stream, so that runs without an offer keep every other draw).
"""

from __future__ import annotations

from types import SimpleNamespace

from unionsim.model.choice import UNAVAILABLE
from unionsim.model.state import MAX_SANCTIONS, WarRole, clip01

# the levels read once, not every month (see the note on the enums in `unionsim.model.state`)
_FULL_ROLE = WarRole.FULL

OPTIONS = ("hold", "sanction", "ease", "engage", "offer_deal", "oil_offer")
DEAL_ANSWERS = ("refuse", "accept")

# How the cost of a further US sanctions step grows with the steps in force: each broader step
# hits more US interests (potash, the refiners) and more of the attention the US has built up,
# so it costs more than the last (WES-01, L13). The same convex form as the EU's friction
# (`rules.west.FRICTION_POWER`); its size is ``us.sanction_friction``, its shape is fixed here.
FRICTION_POWER = 2.0

# US engagement (0..1) lost each month Minsk lets Russia use Belarus in a war next door, at a full
# war role (half at a limited one). Fixed at its former default across its former range [0, 0.3]:
# Morris mu* 0 on every headline output in every scenario group at both master seeds of the
# influence study (docs/influence.md); the same size for the EU stays ``west.war_engagement_loss``.
# An assumption, not in the documents.
WAR_ENGAGEMENT_LOSS = 0.1


def war_record(abuse_memory: float, war_role: float, p: SimpleNamespace) -> float:
    """The record the US (and the EU) judge Minsk by: its repression record, or its part in a
    Russian war next door if that weighs more (``war_role`` 0 none, 1 limited, 2 full; 0 leaves
    the record as it is). A Belarus that lets Russia stage a war is sanctioned like a violent
    crackdown (WES-06 by analogy; an assumption: the documents predate such a war)."""
    if war_role <= 0:
        return abuse_memory
    return max(abuse_memory, clip01(p.us.war_complicity_record * war_role / _FULL_ROLE))


def should_review(month: int, record: float, us_sanctions: float, offer_open: bool,
                  p: SimpleNamespace) -> bool:
    """The US reviews its Belarus policy every ``us.review_months`` months, and at once while a
    record of violent repression stands unanswered by any US sanction (a fast, executive answer:
    no unanimity, L13). Keeps the US to about one draw a quarter in calm runs."""
    if offer_open:
        return False
    if record >= p.us.abuse_threshold and us_sanctions <= 0:
        return True
    return month % int(p.us.review_months) == 0


def easing_conditions_met(prisoners: float, repression: float, p: SimpleNamespace) -> bool:
    """The US's conditions for easing on its own: prisoners released and repression back near its
    everyday level (WES-01, L13). Unlike the EU's, no test of Minsk's tilt West and no member's
    veto (NEI-03)."""
    u = p.us
    return prisoners <= u.release_condition and repression <= u.easing_repression_ceiling


def deal_available(us_sanctions: float, prisoners: float, repression: float,
                   p: SimpleNamespace) -> bool:
    """A prisoner deal is on the table only while US sanctions stand (something to relieve),
    prisoners are held (something to ask for) and the crackdown is past its height."""
    u = p.us
    return (us_sanctions > 0 and prisoners > u.release_condition
            and repression <= u.deal_repression_ceiling)


def policy_utilities(record: float, us_sanctions: float, engagement: float, prisoners: float,
                     repression: float, dispute: float, minsk_west_tilt: float,
                     energy_offer: bool, mediation_offer: float, p: SimpleNamespace,
                     energy_cut: float = 0.0) -> list[float]:
    """Utilities of holding, sanctioning, easing, engaging, offering a prisoner deal or oil.

    * sanction: human rights against the cost of each broader step (WES-01, WES-06); no
      unanimity friction (the US acts alone, L13);
    * ease: relief once the US's own conditions hold (`easing_conditions_met`);
    * engage: a neutral Belarus as a buffer worth attention (NAT-17, L14), more so when Minsk
      quarrels with Moscow, leans West or mediates (WES-02), at the cost of legitimising the
      regime (WES-09); sanctions in force make engagement harder;
    * offer_deal: relief in exchange for prisoners (WES-02, L13), see `deal_available`. The
      step the deal lifts costs the US what it costs when it eases on its own, the human-rights
      weight of the record (WES-01: relief followed the improvement in human rights, L13); the
      prisoners' release and a Minsk at odds with Moscow are what the deal buys. So the US offers
      once the record has faded, not while a fresh crackdown stands (WES-06);
    * oil_offer: supply oil once Moscow has cut Belarus's energy in a quarrel (``energy_cut``
      above 0, see `rules.west.energy_cut`, and a dispute): Pompeo's offer came weeks after Russia
      cut deliveries at the end of 2019 (E30, E31, WES-08); without a cut it is off the table.
    """
    u = p.us
    hold = u.inertia
    legit = u.legitimation_cost * record
    sanction = UNAVAILABLE if (us_sanctions >= MAX_SANCTIONS or record < u.abuse_threshold) \
        else u.human_rights * record - u.sanction_friction * (1.0 + us_sanctions) ** FRICTION_POWER
    ease = UNAVAILABLE if us_sanctions <= 0 or not easing_conditions_met(prisoners, repression, p) \
        else u.sovereignty_value * (1.0 - record) - u.human_rights * record
    engage = UNAVAILABLE if engagement >= 1.0 else \
        u.buffer_value * (u.attention_base + dispute + minsk_west_tilt
                          + u.mediation_value * mediation_offer) \
        * (1.0 - us_sanctions / MAX_SANCTIONS) - legit
    deal = UNAVAILABLE if not deal_available(us_sanctions, prisoners, repression, p) else \
        u.deal_appeal * prisoners + u.buffer_value * dispute - u.human_rights * record
    oil = UNAVAILABLE if energy_offer or dispute <= 0.0 or energy_cut <= 0.0 else \
        u.energy_lever * dispute - legit
    return [hold, sanction, ease, engage, deal, oil]


def deal_answer_utilities(us_sanctions: float, dispute: float, outside_options: float,
                          protest_threat: float, repression: float, p: SimpleNamespace
                          ) -> list[float]:
    """Minsk's utilities of refusing or accepting US relief for the release of prisoners.

    * accept: one step of US relief counts by the share of US sanctions it lifts (WES-02, L13);
      a quarrel with Moscow makes a Western opening worth more (MIN-25, MIN-44); Moscow's suspicion
      costs the more the more Minsk depends on Russia (few outside options: KRE-37, SIL-02); and
      releasing prisoners while the street is restless risks the regime's control (MIN-53);
      and freeing the challengers it jailed calls off a crackdown the regime still relies on:
      it jails serious challengers because they threaten it (MIN-52) and after mass protests it
      survives by repression (MIN-53, SC20), so the cost grows with the repression in force
      (``us.deal_crackdown_cost``). A quiet street alone does not make the release cheap: the
      street is quiet because of the repression. In a calm period (the 2015 release, L13) the
      repression is low and the deal stays open;
    * refuse: the reference (0).
    """
    u = p.us
    accept = (u.deal_relief_value * us_sanctions / MAX_SANCTIONS
              + u.deal_isolation_value * dispute
              - u.deal_suspicion_cost * (1.0 - outside_options)
              - u.deal_control_cost * protest_threat
              - u.deal_crackdown_cost * repression)
    return [0.0, accept]
