"""A war next door: the Kremlin's asks of Minsk and Minsk's answers, drawn from the "war" random
stream so that scenarios without a war keep every other actor's draws (see `rules.war`)."""

from __future__ import annotations

from unionsim.model.actors.base import Actor
from unionsim.model.rules import war as rules
from unionsim.model.rules.minsk import protest_threat
from unionsim.model.state import WarRole, clip01

# the levels read once, not every month (see the note on the enums in `unionsim.model.state`)
_LIMITED_ROLE, _FULL_ROLE = WarRole.LIMITED, WarRole.FULL

# run-level memories of the war mechanism, kept in `UnionModel.flags` (read by `outcomes`)
WAR_FLAGS = ("war_asked", "war_answered", "staging_allowed", "joint_grouping_activated",
             "combat_role", "exercise_troops_stayed_a_while", "exercise_troops_used")


class _WarActor(Actor):
    """Both war actors draw from the one "war" stream (their names start with "war.")."""


class WarPutin(_WarActor):
    """Putin in a war next door: each month he keeps, raises or drops his ask of Minsk."""

    classifier = {
        "stochastic": True,
        "decisions": {"war_ask": rules.ASKS},
        "facts": ["MIN-28", "M15", "NAT-12", "NAT-13", "KRE-22", "KRE-25", "KRE-34", "SC23"],
    }

    def __init__(self, model):
        super().__init__(model, "war.putin")

    def step(self) -> None:
        """One month of the war: the ask, Minsk's answer if it is new or renewed, the war's
        pressure on tension, and its end."""
        model, s, p = self.model, self.state, self.p
        k = p.war.kremlin
        s.tension_excess = max(s.tension_excess, p.war.tension_excess * s.war_intensity)
        if not s.absorbed:
            current = int(s.war_ask)
            v = rules.WarView(intensity=s.war_intensity, nato_posture=s.nato_posture,
                              kremlin_trust=s.kremlin_trust, dispute=s.dispute,
                              war_role=s.war_role, current_ask=current, crisis=s.crisis_logic > 0)
            choice = self.decide("war_ask", rules.ASKS, rules.ask_utilities(v, p),
                                 p.putin.choice_temperature,
                                 lambda: f"war intensity {s.war_intensity:.2f}, NATO posture "
                                         f"{s.nato_posture:.2f}, Minsk allows "
                                         f"{WarRole(int(s.war_role)).name.lower()}")
            ask = rules.ASKS.index(choice)
            s.war_ask = float(ask)
            unmet = rules.ASK_ROLE[ask] > s.war_role
            # Minsk answers an ask above any it has answered in this war, or one renewed after
            # war.kremlin.renew_months (dropping an ask and putting it again is no new ask)
            renewed = model.month - s.war_last_ask_month >= k.renew_months
            if unmet and (ask > s.war_answered_ask or renewed):
                model.flags["war_asked"] = True
                s.coercion = clip01(s.coercion + k.press_coercion)
                model.note_event("war.putin", f"Moscow asks Minsk for {choice.replace('_', ' ')}")
                model.war_minsk.answer(ask)
        if s.war_role >= _LIMITED_ROLE and s.exercise_stay and s.exercise_troops_k > 0 \
                and not model.flags["exercise_troops_used"]:
            model.flags["exercise_troops_used"] = True
            model.note_event("war.putin", "the exercise troops staying in Belarus are used in "
                                          "the war next door")
        s.war_months_left -= 1.0
        if s.war_months_left <= 0:
            end_war(model)


def end_war(model) -> None:
    """The war next door ends: the ask lapses, the joint grouping stands down."""
    s = model.state
    s.war_next_door = 0.0
    s.war_intensity = 0.0
    s.war_months_left = 0.0
    s.war_ask = 0.0
    s.war_answered_ask = 0.0
    s.war_role = 0.0
    s.joint_grouping_active = 0.0
    model.note_event("war.putin", "the war next door ends")


class WarMinsk(_WarActor):
    """Minsk in a war next door: refuse, allow a limited role, or allow the full ask; and whether
    exercise troops may stay for a while."""

    classifier = {
        "stochastic": True,
        "decisions": {"war_answer": rules.WAR_ANSWERS, "stay_answer": rules.STAY_ANSWERS},
        "facts": ["MIN-28", "MIN-21", "MIN-25", "MIN-30", "BYP-16", "P12", "SYS-14", "M24"],
    }

    def __init__(self, model):
        super().__init__(model, "war.minsk")

    def answer(self, ask: int) -> None:
        """Answer the Kremlin's ask (an index into `rules.ASKS`)."""
        model, s = self.model, self.state
        weights = model.minsk.weights  # a successor regime answers with its own weights
        v = model.minsk.view()
        threat = protest_threat(s.protest_share, s.election_salience, weights)
        utilities = rules.answer_utilities(ask, s.war_intensity, v, s.coercion, s.russian_backing,
                                           threat, s.elite_cohesion, s.army_abroad_willingness,
                                           weights)
        choice = self.decide("war_answer", rules.WAR_ANSWERS, utilities,
                             weights.minsk.choice_temperature,
                             lambda: f"Moscow asks for {rules.ASKS[ask].replace('_', ' ')}; "
                                     f"outside options {v.outside_options:.2f}, coercion "
                                     f"{s.coercion:.2f}, protest threat {threat:.2f}, war "
                                     f"intensity {s.war_intensity:.2f}")
        s.war_last_ask_month = float(model.month)
        s.war_answered_ask = max(s.war_answered_ask, float(ask))
        flags = model.flags
        if not flags["war_answered"]:
            flags["war_answered"] = True
        w = weights.war.minsk
        if choice == "refuse":
            model.minsk.strain_relations()
            model.note_event("war.minsk", "Minsk refuses: its territory is not to be used for "
                                          "someone else's war (MIN-28)")
            return
        s.kremlin_trust = clip01(s.kremlin_trust + w.allow_trust_gain)
        if choice == "allow_limited":
            s.war_role = max(s.war_role, float(_LIMITED_ROLE))
            flags["staging_allowed"] = True
            model.note_event("war.minsk", "Minsk allows Russia a limited role (staging, airspace "
                                          "or logistics)")
            return
        s.war_role = float(_FULL_ROLE)
        s.joint_grouping_active = 1.0
        flags["staging_allowed"] = True
        flags["joint_grouping_activated"] = True
        if rules.ASKS[ask] == "combat_role":
            flags["combat_role"] = True
        model.note_event("war.minsk", f"Minsk allows {rules.ASKS[ask].replace('_', ' ')}: the "
                                      f"joint grouping is activated (M15)")

    def answer_stay(self, troops_k: float) -> bool:
        """Moscow wants exercise troops to stay for a while; True if Minsk lets them."""
        model, s = self.model, self.state
        weights = model.minsk.weights
        v = model.minsk.view()
        choice = self.decide("stay_answer", rules.STAY_ANSWERS,
                             rules.stay_answer_utilities(s.war_intensity, v, s.coercion, weights),
                             weights.minsk.choice_temperature,
                             lambda: f"Moscow wants {troops_k:.1f}k exercise troops to stay while "
                                     f"the war next door goes on")
        if choice == "refuse":
            model.minsk.strain_relations()
            return False
        return True
