"""NATO, the EU (the model's "west") and the US: the Western actors."""

from __future__ import annotations

from unionsim.model.actors.base import Actor
from unionsim.model.rules import nato as nato_rules
from unionsim.model.rules import us as us_rules
from unionsim.model.rules import west as west_rules
from unionsim.model.state import MAX_SANCTIONS, WarRole, WorldState, clip01, shift_tension

# the levels read once, not every month (see the note on the enums in `unionsim.model.state`)
_FULL_ROLE = WarRole.FULL


# the reasons of the Western actors' decisions, in words (`Actor.decide`)
def _why_posture(threat: float, s: WorldState) -> str:
    return f"threat {threat:.2f}, posture {s.nato_posture:.2f}"


def _why_eu_policy(s: WorldState) -> str:
    return (f"repression record {s.abuse_memory:.2f}, sanctions level {s.sanctions_level:.0f}, "
            f"proposal under negotiation for {s.sanctions_pending:.0f} months, Minsk's tilt West "
            f"{s.minsk_west_tilt:.2f}")


def _why_us_policy(record: float, s: WorldState) -> str:
    return (f"record {record:.2f}, US sanctions {s.us_sanctions:.0f}, prisoners "
            f"{s.candidates_jailed:.2f}, dispute with Moscow {s.dispute:.2f}, US engagement "
            f"{s.us_engagement:.2f}")


class Nato(Actor):
    """NATO: reads the Russian footprint and tension, and sets its eastern posture."""

    classifier = {
        "stochastic": True,
        "decisions": {"posture": nato_rules.OPTIONS},
        "facts": ["NAT-02", "NAT-03", "NAT-04", "NAT-05", "NAT-14"],
    }

    def __init__(self, model):
        super().__init__(model, "nato")

    def step(self) -> None:
        s, p = self.state, self.p
        threat = nato_rules.threat_perception(s.presence, s.exercise_troops_k, s.tension,
                                              s.crisis_logic > 0, p, war_role=s.war_role,
                                              joint_grouping=s.joint_grouping_active > 0,
                                              strategic_systems=s.strategic_systems)
        choice = self.decide("posture", nato_rules.OPTIONS,
                             nato_rules.posture_utilities(threat, s.nato_posture, p),
                             p.nato.choice_temperature, _why_posture, reasons=(threat, s))
        n = p.nato
        if choice == "reinforce":
            s.nato_posture = clip01(s.nato_posture + n.reinforce_step)
            s.tension_excess = shift_tension(s.tension_excess, n.tension_impulse)
        elif choice == "exercise":
            s.nato_exercise_months = max(s.nato_exercise_months, n.exercise_months)
            s.tension_excess = shift_tension(s.tension_excess,
                                             n.exercise_tension_share * n.tension_impulse)
        elif choice == "restraint":
            s.nato_posture = max(n.minimum_posture, s.nato_posture - n.reinforce_step)
            s.tension_excess = shift_tension(s.tension_excess,
                                             -n.restraint_tension_share * n.tension_impulse)


class Eu(Actor):
    """The EU (named "west": its random stream and its ``west.*`` parameters carry that name):
    sanctions packages agreed by unanimity with lags, engagement for neutrality, energy offers.
    The US is `Us`."""

    classifier = {
        "stochastic": True,
        "decisions": {"policy": west_rules.OPTIONS},
        "facts": ["WES-01", "WES-02", "WES-03", "WES-06", "WES-07", "WES-08", "WES-09", "NEI-03",
                  "L13", "L25"],
    }

    def __init__(self, model):
        super().__init__(model, "west")

    def step(self) -> None:
        s, p = self.state, self.p
        w = p.west
        signal = west_rules.abuse_signal(s.repression, s.protest_share, s.election_salience, p)
        memory = s.abuse_memory * (1.0 - w.memory_decay)
        s.abuse_memory = signal if signal > memory else memory  # max(memory, signal)
        if s.war_role:
            # Minsk's part in a Russian war next door weighs like repression
            s.abuse_memory = max(s.abuse_memory, west_rules.war_complicity(s.war_role, p))
            s.western_engagement = clip01(s.western_engagement
                                          - w.war_engagement_loss * s.war_role / _FULL_ROLE)
        if s.intervention_attempted and not self.model.flags["west_answered_takeover"]:
            # non-recognition and Crimea-type sanctions on Russia (WES-07)
            self.model.flags["west_answered_takeover"] = True
            s.tension_excess = shift_tension(s.tension_excess, w.annexation_tension)
            self.model.note_event("west", "the West refuses to recognise the takeover and "
                                          "sanctions Russia (WES-07)")
        pending = s.sanctions_pending > 0
        if pending and s.abuse_memory < w.abuse_threshold:
            # the record no longer justifies the proposal: it lapses
            s.sanctions_pending, pending = 0.0, False
        easing = west_rules.easing_conditions_met(s.candidates_jailed, s.repression,
                                                  s.minsk_west_tilt, p)
        utilities = west_rules.policy_utilities(s.abuse_memory, s.sanctions_level,
                                                s.western_engagement, s.minsk_west_tilt,
                                                s.dispute, s.diversified, s.energy_offer > 0, p,
                                                pending=pending, easing_allowed=easing,
                                                mediation_offer=s.mediation_offer,
                                                transit_threat=s.transit_threat,
                                                energy_cut=west_rules.energy_cut(
                                                    s.energy_support, s.support_reference))
        choice = self.decide("policy", west_rules.OPTIONS, utilities, w.choice_temperature,
                             _why_eu_policy, reasons=(s,))
        if choice == "sanction":
            pending = True
        if pending:
            # negotiation runs its course whatever else the West does this month (NEI-03)
            # the decision month is month one of the negotiation; the step comes a full lag later
            s.sanctions_pending += 1.0
            if s.sanctions_pending > west_rules.adoption_lag(s.sanctions_level, p):
                s.sanctions_pending = 0.0
                s.sanctions_level = min(MAX_SANCTIONS, s.sanctions_level + 1.0)
                s.western_engagement = clip01(s.western_engagement - w.sanction_engagement_loss)
                self.model.note_event("west", f"sanctions step {s.sanctions_level:.0f} adopted "
                                              f"after negotiation")
        if choice == "ease":
            s.sanctions_level = max(0.0, s.sanctions_level - 1.0)
            self.model.flags["eu_eased"] = True
            s.western_engagement = clip01(s.western_engagement + w.ease_engagement_gain)
        elif choice == "engage":
            s.western_engagement = clip01(s.western_engagement + w.engagement_step)
        elif choice == "energy_offer":
            s.energy_offer = 1.0
        s.western_finance = w.finance_at_full_engagement * s.western_engagement \
            * (1.0 - s.sanctions_level / MAX_SANCTIONS)


class Us(Actor):
    """The US: attention (envoys, an ambassador), its own sanctions without unanimity,
    an oil offer, and relief for prisoners offered to Minsk (`rules.us`)."""

    classifier = {
        "stochastic": True,
        "decisions": {"policy": us_rules.OPTIONS},
        "facts": ["NAT-17", "L13", "L14", "WES-01", "WES-02", "WES-06", "WES-08", "WES-09",
                  "E31"],
    }

    def __init__(self, model):
        super().__init__(model, "us")
        self._review = int(model.p.us.review_months)
        self._threshold = model.p.us.abuse_threshold

    def step(self) -> None:
        s = self.state
        if (self.model.month % self._review and s.abuse_memory < self._threshold
                and not s.war_role):
            return  # fast path: not a review month and nothing unanswered (`should_review`)
        p = self.p
        u = p.us
        record = us_rules.war_record(s.abuse_memory, s.war_role, p)
        if s.war_role:
            s.us_engagement = clip01(s.us_engagement
                                     - us_rules.WAR_ENGAGEMENT_LOSS * s.war_role / _FULL_ROLE)
        if not us_rules.should_review(self.model.month, record, s.us_sanctions,
                                      s.us_deal_offer > 0, p):
            return
        utilities = us_rules.policy_utilities(record, s.us_sanctions, s.us_engagement,
                                              s.candidates_jailed, s.repression, s.dispute,
                                              s.minsk_west_tilt, s.energy_offer > 0,
                                              s.mediation_offer, p,
                                              energy_cut=west_rules.energy_cut(
                                                  s.energy_support, s.support_reference))
        choice = self.decide("policy", us_rules.OPTIONS, utilities, u.choice_temperature,
                             _why_us_policy, reasons=(record, s))
        if choice == "sanction":
            # no unanimity: the step is adopted at once (L13: the US moved a year before the EU)
            s.us_sanctions = min(MAX_SANCTIONS, s.us_sanctions + 1.0)
            s.us_engagement = clip01(s.us_engagement - u.sanction_engagement_loss)
            self.model.note_event("us", f"US sanctions step {s.us_sanctions:.0f}")
        elif choice == "ease":
            self.relieve()
        elif choice == "engage":
            s.us_engagement = clip01(s.us_engagement + u.engagement_step)
        elif choice == "offer_deal":
            s.us_deal_offer = 1.0
            self.model.note_event("us", "the US offers relief for the release of prisoners")
        elif choice == "oil_offer":
            s.energy_offer = 1.0
            self.model.flags["us_oil_offer"] = True
            self.model.note_event("us", "the US offers to supply Belarus's oil (E31)")

    def relieve(self) -> None:
        """One step of US relief, and the attention that comes with it."""
        s, u = self.state, self.p.us
        s.us_sanctions = max(0.0, s.us_sanctions - 1.0)
        s.us_engagement = clip01(s.us_engagement + u.ease_engagement_gain)
        flags = self.model.flags
        flags["us_eased"] = True
        if s.sanctions_level > 0 and not flags["eu_eased"]:
            flags["us_eased_eu_holds"] = True
        self.model.note_event("us", f"US relief: sanctions step {s.us_sanctions:.0f}")
