"""NATO and the EU/West: the two Western actors."""

from __future__ import annotations

from unionsim.model.actors.base import Actor
from unionsim.model.rules import nato as nato_rules
from unionsim.model.rules import west as west_rules
from unionsim.model.state import MAX_SANCTIONS, clip01


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
                             p.nato.choice_temperature,
                             lambda: f"threat {threat:.2f}, posture {s.nato_posture:.2f}")
        n = p.nato
        if choice == "reinforce":
            s.nato_posture = clip01(s.nato_posture + n.reinforce_step)
            s.tension_excess = min(1.0, s.tension_excess + n.tension_impulse)
        elif choice == "exercise":
            s.nato_exercise_months = max(s.nato_exercise_months, n.exercise_months)
            s.tension_excess = min(1.0, s.tension_excess + n.exercise_tension_share
                                   * n.tension_impulse)
        elif choice == "restraint":
            s.nato_posture = max(n.minimum_posture, s.nato_posture - n.reinforce_step)
            s.tension_excess = max(-1.0, s.tension_excess - n.restraint_tension_share
                                   * n.tension_impulse)


class West(Actor):
    """The EU and US: sanctions for repression, engagement for neutrality, energy offers."""

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
        s.abuse_memory = max(s.abuse_memory * (1.0 - w.memory_decay), signal)
        if s.intervention_attempted and not self.model.flags["west_answered_takeover"]:
            # non-recognition and Crimea-type sanctions on Russia (WES-07)
            self.model.flags["west_answered_takeover"] = True
            s.tension_excess = min(1.0, s.tension_excess + w.annexation_tension)
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
                                                pending=pending, easing_allowed=easing)
        choice = self.decide("policy", west_rules.OPTIONS, utilities, w.choice_temperature,
                             lambda: f"repression record {s.abuse_memory:.2f}, sanctions level "
                                     f"{s.sanctions_level:.0f}, proposal under negotiation for "
                                     f"{s.sanctions_pending:.0f} months, Minsk's tilt West "
                                     f"{s.minsk_west_tilt:.2f}")
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
            s.western_engagement = clip01(s.western_engagement + w.ease_engagement_gain)
        elif choice == "engage":
            s.western_engagement = clip01(s.western_engagement + w.engagement_step)
        elif choice == "energy_offer":
            s.energy_offer = 1.0
        s.western_finance = w.finance_at_full_engagement * s.western_engagement \
            * (1.0 - s.sanctions_level / MAX_SANCTIONS)
