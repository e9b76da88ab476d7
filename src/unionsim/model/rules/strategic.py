"""Strategic deployments as a form of Russian presence: nuclear-capable delivery systems
(Iskander-type) or nuclear weapons in Belarus, asked for by Moscow or by Minsk, answered by NATO.

Belarus had asked for Iskanders for years, but Moscow would sell them only at the international
market price (about half a billion dollars, slightly less than Belarus's yearly military budget)
and would not subsidise them; Lukashenka complained about the price in October 2016 (M4, M10).
Russia's doctrine since 2000 counts limited nuclear strikes as a way to de-escalate (M38), and its
planners expect nuclear "de-escalation" to deter a NATO answer (NAT-11): nuclear-capable systems
in Belarus would serve that doctrine. When NATO is more active on the western flank, Minsk asks
Moscow for more security guarantees while still turning down more Russian troops (MIN-31,
NAT-05), and Russian experts favour more presence as the "joint reply" (NAT-05, SC12). NATO
reads Russian systems next door as a threat (NAT-13: Russian air defence in Belarus would reach
into NATO airspace) and answers with deterrence (NAT-02, NAT-03).

The rules are pure functions; `actors/strategic.py` draws the decisions from the "levers" stream.
"""

from __future__ import annotations

from types import SimpleNamespace

from unionsim.model.choice import UNAVAILABLE
from unionsim.model.rules.minsk import MinskView, public_backing, refusal_cost
from unionsim.model.state import Strategic

# the levels read once, not every month (see the note on the enums in `unionsim.model.state`)
_NUCLEAR_WEAPONS, _DELIVERY_SYSTEMS = Strategic.NUCLEAR_WEAPONS, Strategic.DELIVERY_SYSTEMS

# Moscow's monthly strategic move, when its gate holds (`proposal_gate`)
PROPOSALS = ("hold", "propose_delivery_systems", "propose_nuclear_weapons")
# Minsk's answer to a proposal
STRATEGIC_ANSWERS = ("refuse", "bargain", "accept")
# Moscow's answer to Minsk's price
BARGAIN_ANSWERS = ("withdraw", "pay")
# Minsk's request when it feels threatened (`request_gate`)
REQUESTS = ("wait", "request_guarantees", "request_systems")
# Moscow's answer to a request
GUARANTEE_ANSWERS = ("ignore", "declare", "offer_presence", "sell_systems", "grant_systems")
# Minsk's answer to an offer to sell systems at the market price
PURCHASES = ("decline", "buy")


def russian_threat(nato_posture: float, tension: float) -> float:
    """0..2: what Moscow reads as the Western threat on its western flank (NATO's forward posture
    and Russia-West tension; NAT-03, NAT-04)."""
    return nato_posture + tension


def proposal_gate(nato_posture: float, tension: float, strategic_systems: float,
                  p: SimpleNamespace) -> bool:
    """Moscow considers strategic systems for Belarus only while NATO's posture or the tension is
    elevated (``strategic.proposal_posture``, ``strategic.proposal_tension``; NAT-05, M34) and
    nuclear weapons are not already there. A cheap test, read every month."""
    g = p.strategic
    return strategic_systems < _NUCLEAR_WEAPONS and (
        nato_posture >= g.proposal_posture or tension >= g.proposal_tension)


def proposal_utilities(threat: float, strategic_systems: float,
                       p: SimpleNamespace) -> list[float]:
    """Utilities of holding, proposing delivery systems, or proposing nuclear weapons.

    Deterrence grows with the Western threat (NAT-05: a joint reply to NATO's build-up); nuclear
    weapons deter more in the Kremlin's reading of its doctrine (M38, NAT-11) but carry an
    escalation cost of their own. A level already in place is not proposed again.
    """
    g = p.strategic
    hold = g.kremlin_inertia
    delivery = UNAVAILABLE if strategic_systems >= _DELIVERY_SYSTEMS else \
        g.deterrence_value * threat - g.proposal_cost
    nuclear = g.deterrence_value * g.nuclear_deterrence_factor * threat - g.proposal_cost \
        - g.nuclear_escalation_cost
    return [hold, delivery, nuclear]


def sovereignty_cost(level: int, v: MinskView, p: SimpleNamespace) -> float:
    """What hosting Russian strategic systems of ``level`` costs the regime, in utils.

    Russian-operated systems on Belarusian soil give up sovereignty like a part of a base
    (MIN-29); nuclear weapons also break Minsk's neutral, nuclear-free pledge and make Belarus a
    target in someone else's war (MIN-28, SYS-14), and cost Western engagement (WES-02). The
    sovereignty part grows with the public's support for independence (`public_backing`)."""
    g, m = p.strategic, p.minsk
    cost = g.delivery_sovereignty_cost
    if level >= _NUCLEAR_WEAPONS:
        cost += g.nuclear_pledge_cost
    return m.sovereignty_weight * public_backing(v, p) * cost \
        + m.west_value * v.western_engagement * level


def security_gain(level: int, v: MinskView, p: SimpleNamespace) -> float:
    """What strategic systems of ``level`` are worth to Minsk against the NATO threat it feels
    (MIN-31, NAT-05); nuclear weapons count ``strategic.nuclear_security_factor`` times more."""
    g, m = p.strategic, p.minsk
    factor = g.nuclear_security_factor if level >= _NUCLEAR_WEAPONS else 1.0
    return m.nato_threat_weight * v.nato_threat * factor


def answer_utilities(level: int, v: MinskView, p: SimpleNamespace) -> list[float]:
    """Utilities of refusing, bargaining (accept if Moscow pays a price) or accepting a Russian
    proposal to deploy strategic systems of ``level`` in Belarus.

    Refusing costs what Moscow ties to its demands (`minsk.refusal_cost` at ``kremlin.base_stake``,
    as for a base: KRE-26); bargaining adds the price Moscow would pay, counted against Minsk's
    external funding need like other Russian money (MIN-17: rewards for contributing to Russia's
    security; M4 for the size), but risks an irritated Moscow (``strategic.bargain_cost``).
    """
    g, m = p.strategic, p.minsk
    accept = security_gain(level, v, p) - sovereignty_cost(level, v, p)
    refuse = -refusal_cost(p.kremlin.base_stake, v, p)
    bargain = accept + m.economy_weight * g.price_bn / p.economy.external_financing_need \
        - g.bargain_cost
    return [refuse, bargain, accept]


def bargain_utilities(threat: float, p: SimpleNamespace) -> list[float]:
    """Moscow's answer to Minsk's price: withdraw the proposal, or pay. Russia does not like to
    subsidise arms for Belarus (M4, M10: ``strategic.subsidy_aversion`` per USD bn)."""
    g = p.strategic
    return [g.kremlin_inertia,
            g.deterrence_value * threat - g.proposal_cost - g.subsidy_aversion * g.price_bn]


def request_gate(nato_threat: float, p: SimpleNamespace) -> bool:
    """Minsk asks Moscow for guarantees only when the NATO threat it feels is elevated
    (``strategic.request_threat``; MIN-31, NAT-05). A cheap test, read every month."""
    return nato_threat >= p.strategic.request_threat


def request_utilities(v: MinskView, p: SimpleNamespace) -> list[float]:
    """Utilities of waiting, asking for security guarantees, or asking for delivery systems.

    Under a NATO build-up Minsk asks for more guarantees (MIN-31, M35: the October 2019 appeal for
    a joint response) and has long asked for Iskanders of its own (M10); asking costs little, but
    a request for systems is worth less the more Minsk would have to pay for them (M4: the market
    price is close to a year's military budget).
    """
    g, m = p.strategic, p.minsk
    threat = m.nato_threat_weight * v.nato_threat
    wait = m.initiative_inertia
    guarantees = g.guarantee_value * threat
    systems = g.systems_value * threat - m.economy_weight * g.price_budget_share \
        * v.economic_stress
    return [wait, guarantees, systems]


def guarantee_answer_utilities(request: str, threat: float, base_possible: bool,
                               p: SimpleNamespace) -> list[float]:
    """Moscow's answer to Minsk's request: ignore it, declare its commitment, offer more Russian
    presence instead, sell systems at the market price, or grant them.

    Moscow left the 2019 appeal for a joint response unanswered (M35, SC12) and Russian experts
    favoured a base as the joint reply (NAT-05), which Minsk declined; Russia would sell Iskanders
    only at the market price and would not subsidise them (M4, M10). Systems are answers to a
    request for systems only; presence only when no base is in place or pending.
    """
    g = p.strategic
    systems = request == "request_systems"
    ignore = g.kremlin_inertia
    declare = g.declaration_value
    presence = g.presence_reply_value * threat if base_possible else UNAVAILABLE
    sell = g.deterrence_value * threat - g.proposal_cost if systems else UNAVAILABLE
    grant = sell - g.subsidy_aversion * g.price_bn if systems else UNAVAILABLE
    return [ignore, declare, presence, sell, grant]


def purchase_utilities(v: MinskView, p: SimpleNamespace) -> list[float]:
    """Minsk's choice to buy delivery systems at the market price or decline: their worth against
    the NATO threat against their price, close to a year's military budget (M4), weighed more
    when the economy is under stress (M7: no funds for the missiles)."""
    g, m = p.strategic, p.minsk
    buy = security_gain(_DELIVERY_SYSTEMS, v, p) \
        - m.economy_weight * g.price_budget_share * (1.0 + v.economic_stress)
    return [m.initiative_inertia, buy]
