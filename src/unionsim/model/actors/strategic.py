"""Strategic deployments and Minsk's counter-levers: the Kremlin's and Minsk's decisions on
strategic systems and guarantees, Minsk's counter-levers, and the neighbours' answers.

Both actors draw from the one "levers" random stream, so scenarios that never open these
decisions leave every other actor's draws unchanged. Each month (after Putin's move, before NATO's,
see `UnionModel.step`) `levers_step` runs them; every decision is behind a cheap gate, so a calm
month costs a few comparisons.
"""

from __future__ import annotations

from unionsim.model.actors.base import Actor
from unionsim.model.rules import levers as lever_rules
from unionsim.model.rules import strategic as rules
from unionsim.model.state import STRATEGIC_LABELS, Strategic, clip01, shift_tension


class StrategicKremlin(Actor):
    """The Kremlin's strategic decisions: proposing strategic systems for Belarus, paying Minsk's
    price, answering Minsk's requests for guarantees."""

    classifier = {
        "stochastic": True,
        "decisions": {"strategic": rules.PROPOSALS, "strategic_bargain": rules.BARGAIN_ANSWERS,
                      "guarantee_answer": rules.GUARANTEE_ANSWERS},
        "facts": ["M4", "M10", "M35", "M38", "NAT-05", "NAT-11", "SC12"],
    }

    def __init__(self, model):
        super().__init__(model, "levers.kremlin")
        self.next_proposal = 0  # month from which Moscow may propose again

    def threat(self) -> float:
        s = self.state
        return rules.russian_threat(s.nato_posture, s.tension)

    def consider_proposal(self) -> None:
        """Moscow's strategic move of the month, when its gate holds (`rules.proposal_gate`)."""
        model, s, p = self.model, self.state, self.p
        if model.month < self.next_proposal or s.absorbed or not rules.proposal_gate(
                s.nato_posture, s.tension, s.strategic_systems, p):
            return
        threat = self.threat()
        choice = self.decide("strategic", rules.PROPOSALS,
                             rules.proposal_utilities(threat, s.strategic_systems, p),
                             p.putin.choice_temperature,
                             lambda: f"Western threat {threat:.2f} (NATO posture "
                                     f"{s.nato_posture:.2f}, tension {s.tension:.2f})")
        if choice == "hold":
            return
        level = Strategic.NUCLEAR_WEAPONS if choice == "propose_nuclear_weapons" \
            else Strategic.DELIVERY_SYSTEMS
        what = STRATEGIC_LABELS[level].replace("_", " ")
        model.note_event("levers.kremlin", f"Moscow proposes {what} for Belarus")
        self.next_proposal = model.month + p.strategic.cooldown_months
        answer = model.levers_minsk.answer_proposal(int(level))
        if answer == "bargain":
            pay = self.decide("strategic_bargain", rules.BARGAIN_ANSWERS,
                              rules.bargain_utilities(threat, p), p.putin.choice_temperature,
                              lambda: f"Minsk asks ${p.strategic.price_bn:.2f}bn")
            if pay == "pay":
                s.reserves += p.strategic.price_bn
                model.levers_minsk.deploy(int(level), "Moscow pays Minsk's price")
            else:
                model.note_event("levers.kremlin", "Moscow will not pay: the proposal lapses")

    def answer_request(self, request: str) -> None:
        """Moscow answers Minsk's request for guarantees or systems."""
        model, s, p = self.model, self.state, self.p
        threat = self.threat()
        base_possible = not (s.base_demand or s.base_agreed or s.permanent_troops_k > 0)
        choice = self.decide("guarantee_answer", rules.GUARANTEE_ANSWERS,
                             rules.guarantee_answer_utilities(request, threat, base_possible, p),
                             p.putin.choice_temperature,
                             lambda: f"Minsk {request.replace('_', 's ', 1)}; Western threat "
                                     f"{threat:.2f}")
        g = p.strategic
        if choice == "declare":
            s.kremlin_trust = clip01(s.kremlin_trust + g.declaration_trust_gain)
        elif choice == "offer_presence":
            # the "joint reply" Russian experts favour (NAT-05): Minsk answers it as a base demand
            s.base_demand = 1.0
            s.coercion = clip01(s.coercion + p.kremlin.coercion.demand_base)
            model.note_event("levers.kremlin", "Moscow answers with an offer of more presence")
        elif choice == "sell_systems":
            model.levers_minsk.consider_purchase()
        elif choice == "grant_systems":
            model.levers_minsk.deploy(int(Strategic.DELIVERY_SYSTEMS), "Moscow grants systems")


class MinskLevers(Actor):
    """Minsk's strategic and counter-lever decisions: its answer to Moscow's proposals, its
    requests for guarantees, its counter-levers; and the neighbours' answers to its pressure."""

    classifier = {
        "stochastic": True,
        "decisions": {"strategic_answer": rules.STRATEGIC_ANSWERS,
                      "guarantee_request": rules.REQUESTS,
                      "strategic_purchase": rules.PURCHASES,
                      "counter_lever": lever_rules.LEVERS},
        "facts": ["MIN-15", "MIN-28", "MIN-31", "M4", "M10", "SC23", "WES-02", "WES-06",
                  "L16", "L17", "NEI-02", "NEI-03"],
    }

    def __init__(self, model):
        super().__init__(model, "levers.minsk")
        self.next_request = 0  # month from which Minsk may ask again
        # the pressure standing at the start is not new: Minsk has seen it (levers.new_pressure)
        s = self.state
        s.lever_dispute_seen = s.dispute
        s.lever_sanctions_seen = s.sanctions_level + s.us_sanctions
        s.lever_war_seen = s.war_next_door

    @property
    def weights(self):
        """Minsk's weights (a successor regime's after a fall or a succession)."""
        return self.model.minsk.weights

    def answer_proposal(self, level: int) -> str:
        p = self.weights
        v = self.model.minsk.view()
        choice = self.decide("strategic_answer", rules.STRATEGIC_ANSWERS,
                             rules.answer_utilities(level, v, p), p.minsk.choice_temperature,
                             lambda: f"{STRATEGIC_LABELS[level]} proposed; NATO threat "
                                     f"{v.nato_threat:.2f}, Western engagement "
                                     f"{v.western_engagement:.2f}")
        if choice == "accept":
            self.deploy(level, "Minsk accepts")
        elif choice == "refuse":
            self.model.minsk.strain_relations()
        return choice

    def deploy(self, level: int, how: str) -> None:
        """Strategic systems of ``level`` are deployed in Belarus: tension rises, the West
        engages less (NAT-13, WES-02), Moscow trusts Minsk more."""
        model, s, p = self.model, self.state, self.weights
        g = p.strategic
        if level <= s.strategic_systems:
            return
        added = level - s.strategic_systems
        s.strategic_systems = float(level)
        s.tension_excess = shift_tension(s.tension_excess, g.deployment_tension * added)
        s.western_engagement = clip01(s.western_engagement - g.deployment_engagement_loss * added)
        s.kremlin_trust = clip01(s.kremlin_trust + g.acceptance_trust_gain)
        model.flags["strategic_deployed"] = True
        what = STRATEGIC_LABELS[level].replace("_", " ")
        model.note_event("levers.minsk", f"{how}: {what} deployed in Belarus")

    def consider_request(self) -> None:
        """Minsk's request for guarantees, when the NATO threat it feels is elevated."""
        model, s = self.model, self.state
        p = self.weights
        if model.month < self.next_request:
            return
        # the threat Minsk feels, as in its view, read without building the view (cheap gate)
        felt = s.nato_posture + (p.minsk.nato_exercise_threat if s.nato_exercise_months > 0
                                 else 0.0)
        if not rules.request_gate(felt, p):
            return
        v = model.minsk.view()
        choice = self.decide("guarantee_request", rules.REQUESTS, rules.request_utilities(v, p),
                             p.minsk.choice_temperature,
                             lambda: f"NATO threat {v.nato_threat:.2f}, stress "
                                     f"{v.economic_stress:.2f}")
        if choice == "wait":
            return
        self.next_request = model.month + p.strategic.cooldown_months
        model.flags["guarantees_requested"] = True
        what = "systems" if choice == "request_systems" else "guarantees"
        model.note_event("levers.minsk", f"Minsk asks Moscow for {what}")
        model.levers_kremlin.answer_request(choice)

    def consider_purchase(self) -> None:
        """Moscow offers delivery systems at the market price (M4): buy or decline."""
        model, s, p = self.model, self.state, self.weights
        v = model.minsk.view()
        choice = self.decide("strategic_purchase", rules.PURCHASES, rules.purchase_utilities(v, p),
                             p.minsk.choice_temperature,
                             lambda: f"${p.strategic.price_bn:.2f}bn at the market price; stress "
                                     f"{v.economic_stress:.2f}")
        if choice == "buy" and s.reserves > p.strategic.price_bn:
            s.reserves -= p.strategic.price_bn
            self.deploy(int(Strategic.DELIVERY_SYSTEMS), "Minsk buys at the market price")

    def consider_lever(self) -> None:
        """Minsk's counter-lever, when new pressure arrives (`levers.new_pressure`); otherwise
        it holds. Either way it notes the dispute, sanctions and war it has now seen."""
        model, s = self.model, self.state
        p = self.weights
        sanctions = s.sanctions_level + s.us_sanctions
        if lever_rules.new_pressure(s.dispute, s.lever_dispute_seen, sanctions,
                                    s.lever_sanctions_seen, s.war_next_door, s.lever_war_seen,
                                    model.month - s.lever_last_month, p):
            s.lever_last_month = model.month
            self.choose_lever()
        s.lever_dispute_seen = s.dispute
        s.lever_sanctions_seen = sanctions
        s.lever_war_seen = s.war_next_door

    def choose_lever(self) -> None:
        """Minsk's counter-lever at a moment of new pressure (drawn from the "levers" stream)."""
        model, s = self.model, self.state
        p = self.weights
        utilities = lever_rules.lever_utilities(
            s.dispute, s.sanctions_level, s.war_next_door, s.tension, s.outside_options,
            s.western_engagement, s.minsk_west_tilt, s.transit_threat, p)
        choice = self.decide("counter_lever", lever_rules.LEVERS, utilities,
                             p.minsk.choice_temperature,
                             lambda: f"dispute {s.dispute:.2f}, sanctions {s.sanctions_level:.0f} "
                                     f"(US {s.us_sanctions:.0f}), war next door "
                                     f"{s.war_next_door:.0f}")
        q = p.levers
        if choice == "transit_threat":
            # lifted to Putin like an escalation (MIN-15, MIN-18); Moscow's trust pays for it
            s.transit_threat = 1.0
            s.escalated = 1.0
            s.dispute = clip01(s.dispute + q.transit_dispute_step)
            s.kremlin_trust = clip01(s.kremlin_trust - q.transit_trust_loss)
            model.flags["transit_threatened"] = True
        elif choice == "neighbour_pressure":
            s.neighbour_pressure = clip01(s.neighbour_pressure + q.pressure_step)
            model.flags["neighbours_pressured"] = True
        elif choice == "mediation_offer":
            s.mediation_offer = clip01(s.mediation_offer + q.mediation_step)
            s.kremlin_trust = clip01(s.kremlin_trust - q.mediation_trust_loss * s.minsk_west_tilt)
            model.flags["mediation_offered"] = True

    def neighbours_answer(self) -> None:
        """Lithuania or Poland close a border crossing once Minsk's pressure is high enough (an
        assumption): tension rises and the EU engages less for as long as it stays closed."""
        model, s, p = self.model, self.state, self.p
        q = p.levers
        if lever_rules.neighbours_close_border(s.neighbour_pressure, s.border_closed_months, p):
            s.border_closed_months = q.closure_months
            s.tension_excess = shift_tension(s.tension_excess, q.closure_tension)
            s.western_engagement = clip01(s.western_engagement - q.closure_engagement_loss)
            model.flags["border_closed"] = True
            model.note_event("levers.neighbours", "a neighbour closes a border crossing in "
                                                  "answer to Minsk's pressure")
        if s.border_closed_months > 0:
            s.reserves = max(0.0, s.reserves - q.closure_cost_bn / 12.0)


def levers_step(model) -> None:
    """One month of strategic deployments and counter-levers (after Putin, before NATO).

    Minsk first weighs a counter-lever if new pressure has arrived (otherwise it holds and only
    notes what it has seen) and a request for guarantees, the neighbours answer its pressure,
    then Moscow weighs a strategic proposal. Live threats and offers ebb each month.
    """
    s, q = model.state, model.p.levers
    if s.transit_threat > 0:
        s.transit_threat *= 1.0 - q.threat_decay
    if s.neighbour_pressure > 0:
        s.neighbour_pressure *= 1.0 - q.pressure_decay
    if s.border_closed_months > 0:
        s.border_closed_months = max(0.0, s.border_closed_months - 1.0)
    if s.mediation_offer > 0:
        s.mediation_offer *= 1.0 - q.mediation_decay
    if not s.absorbed:
        minsk = model.levers_minsk
        minsk.consider_lever()
        if s.neighbour_pressure > 0 or s.border_closed_months > 0:
            minsk.neighbours_answer()
        minsk.consider_request()
    model.levers_kremlin.consider_proposal()
