"""Belarus's armed forces: loyalty to the regime, Russian ties, willingness to fight abroad, and
their answers to the regime's orders. The rules are in `unionsim.model.rules.army`."""

from __future__ import annotations

from unionsim.model.actors.base import Actor
from unionsim.model.rules import army as rules
from unionsim.model.rules.minsk import DOMESTIC
from unionsim.model.state import Presence, WarRole, clip01

# the levels read once, not every month (see the note on the enums in `unionsim.model.state`)
_FULL_ROLE, _LIMITED_ROLE = WarRole.FULL, WarRole.LIMITED

_REPRESS = DOMESTIC.index("repress")


class Army(Actor):
    """The army and its officer corps. Each month its loyalty, Russian ties and willingness to fight
    abroad drift with the regime's standing, pay and Russia's presence; the regime purges it when
    its loyalty slips; it answers an order to repress a mass street and, in a war next door where
    Minsk has allowed a full role, an order to fight beside Russia's forces."""

    classifier = {
        "stochastic": True,
        "decisions": {"order_repress": rules.REPRESS_ANSWERS,
                      "order_abroad": rules.ABROAD_ANSWERS},
        "facts": ["M1", "M13", "M14", "M15", "MIN-28", "MIN-33", "ELI-05", "ELI-06", "ELI-07",
                  "ELI-09", "ELI-11", "NAT-08", "D4"],
    }

    def __init__(self, model):
        super().__init__(model, "army")
        s = model.state
        # the anchors: the regime's standing and the officers' Russian ties at the start
        self.legitimacy_reference = s.legitimacy
        self.initial_ties = s.army_russian_ties
        # loyalty and willingness start at their targets, unless the scenario gives them
        given = model.spec.initial
        if "army_loyalty" not in given:
            s.army_loyalty = rules.loyalty_target(s.legitimacy, self.legitimacy_reference,
                                                  s.economic_stress, s.army_russian_ties,
                                                  s.russian_backing, s.info_campaign, model.p)
        if "army_abroad_willingness" not in given:
            s.army_abroad_willingness = rules.willingness_target(
                s.army_russian_ties, s.support_independence, s.army_purge_memory, model.p)
        self.next_purge = 0           # earliest month of the next purge
        self.next_repress_order = 0   # earliest month the army is ordered onto the street again
        self.next_abroad_order = 0    # earliest month the army is ordered abroad again
        # constants of the monthly step, read once
        a = model.p.army
        self._rotation = float(Presence.ROTATION)
        self._keep = 1.0 - a.adjustment_rate
        self._refusal_keep = 1.0 - a.refusal_decay
        self._order_street = a.order_street_factor * model.p.public.mass_protest_share

    def step(self) -> None:
        """One month: drift, then a purge if due, then the orders of the month. (Kept cheap: it
        runs every month of every run; the partial adjustments of `rules.adjusted` are written
        out, and the rules of the orders are called only past their cheap gates.)"""
        s, p, month = self.state, self.p, self.model.month
        a = p.army
        joint = s.presence >= self._rotation or s.joint_grouping_active > 0
        ties = s.army_russian_ties
        ties += a.ties_rate * (rules.ties_target(self.initial_ties, joint, p) - ties)
        s.army_russian_ties = ties
        target = rules.loyalty_target(s.legitimacy, self.legitimacy_reference, s.economic_stress,
                                      ties, s.russian_backing, s.info_campaign, p)
        # a partial adjustment between two values in [0, 1] stays in [0, 1]
        s.army_loyalty += a.adjustment_rate * (target - s.army_loyalty)
        s.army_purge_memory *= self._keep
        target = rules.willingness_target(ties, s.support_independence, s.army_purge_memory, p)
        s.army_abroad_willingness += a.adjustment_rate * (target - s.army_abroad_willingness)
        s.army_refusal *= self._refusal_keep
        if month >= self.next_purge and rules.purge_due(s.army_loyalty, p):
            self.purge(month)
        if s.protest_share >= self._order_street and month >= self.next_repress_order \
                and rules.repression_order_due(self.model.minsk.domestic_course == _REPRESS,
                                               s.protest_share, p):
            self.answer_repression_order(month)
        if s.war_role >= _FULL_ROLE and month >= self.next_abroad_order:
            self.answer_abroad_order(month)

    def purge(self, month: int) -> None:
        """The regime purges the officer corps (MIN-33): loyalty up for a while, Russian ties and,
        for a while, the army's competence and willingness to fight abroad down."""
        s, p = self.state, self.p
        before = s.army_loyalty
        s.army_loyalty, s.army_russian_ties = rules.after_purge(s.army_loyalty,
                                                                s.army_russian_ties, p)
        s.army_purge_memory = 1.0
        self.next_purge = month + p.army.review_months
        self.model.flags["army_purged"] = True
        self.model.note_event("army", f"the regime purges the officer corps (loyalty {before:.2f} "
                                      f"-> {s.army_loyalty:.2f})")

    def answer_repression_order(self, month: int) -> None:
        """Ordered onto a mass street: obey (at a cost in loyalty) or refuse, which weighs on the
        elite (`rules.elite`: ``army_refusal``)."""
        s, p = self.state, self.p
        self.next_repress_order = month + p.army.review_months
        choice = self.decide("order_repress", rules.REPRESS_ANSWERS,
                             rules.repress_utilities(s.army_loyalty, s.protest_share, p),
                             p.army.choice_temperature,
                             lambda: f"protest {s.protest_share:.1%} of adults, army loyalty "
                                     f"{s.army_loyalty:.2f}")
        if choice == "obey":
            s.army_loyalty = clip01(s.army_loyalty - rules.REPRESSION_ORDER_LOYALTY_COST)
        else:
            s.army_refusal = 1.0
            self.model.flags["army_refused_repression"] = True
            self.model.note_event("army", "the army refuses to turn on the street")

    def answer_abroad_order(self, month: int) -> None:
        """Ordered to fight beside Russia's forces (Minsk allowed a full role): obey, drag its feet
        (friction with Moscow) or refuse, which forces Minsk back to a limited role and strains
        relations with Moscow (MIN-28, NAT-08)."""
        s, p = self.state, self.p
        a = p.army
        self.next_abroad_order = month + a.review_months
        choice = self.decide("order_abroad", rules.ABROAD_ANSWERS,
                             rules.abroad_utilities(s.army_loyalty, s.army_abroad_willingness,
                                                    s.army_russian_ties, p),
                             a.choice_temperature,
                             lambda: f"willingness abroad {s.army_abroad_willingness:.2f}, "
                                     f"loyalty {s.army_loyalty:.2f}, Russian ties "
                                     f"{s.army_russian_ties:.2f}")
        if choice == "drag":
            # part of the friction of a refusal: Moscow sees the delay, not a break
            s.dispute = clip01(s.dispute + a.drag_dispute_share * a.abroad_refusal_dispute)
            self.model.note_event("army", "the army drags its feet on the combat role")
        elif choice == "refuse":
            s.war_role = float(_LIMITED_ROLE)
            s.dispute = clip01(s.dispute + a.abroad_refusal_dispute)
            s.kremlin_trust = clip01(s.kremlin_trust - p.minsk.refusal_trust_loss)
            self.model.flags["army_refused_abroad"] = True
            self.model.note_event("army", "the army refuses to fight abroad: Minsk falls back to "
                                          "a limited role")
