"""NATO's rules: read the Russian military footprint and the tension, and set the posture.

NATO faces a deterrence dilemma (NAT-03): a build-up looks like coercion to Russia and raises
Belarus's reliance on Moscow (NAT-04), while an undefended flank invites exploitation; too many
units create a vulnerability Russia feels it must redress (NAT-14).
"""

from __future__ import annotations

from types import SimpleNamespace

from unionsim.model.choice import UNAVAILABLE
from unionsim.model.rules.war import threat_term as war_threat_term
from unionsim.model.state import Presence, Strategic

# the levels read once, not every month (see the note on the enums in `unionsim.model.state`)
_OCCUPATION, _NUCLEAR_WEAPONS = Presence.OCCUPATION, Strategic.NUCLEAR_WEAPONS

OPTIONS = ("hold", "reinforce", "exercise", "restraint")


def threat_perception(presence: float, exercise_troops_k: float, tension: float, crisis: bool,
                      p: SimpleNamespace, war_role: float = 0.0,
                      joint_grouping: bool = False, strategic_systems: float = 0.0) -> float:
    """0..~2: how threatened NATO feels on its eastern flank.

    Russian forces in Belarus (M24-M27, NAT-13), large exercises next door (SYS-12, M21), Russia-
    West tension, and a Kremlin crisis that could spill over (NAT-10, NAT-11, NAT-12); in a war
    next door, the role Minsk allows Russia and an activated joint grouping (`rules.war.
    threat_term`; zero without them). Russian strategic systems in Belarus add
    ``strategic.nato_threat_weight`` at nuclear weapons, half of it at delivery systems (M38,
    NAT-11, NAT-13); none adds nothing.
    """
    n = p.nato
    exercise = exercise_troops_k / n.exercise_full_threat_troops_k
    exercise = 1.0 if 1.0 < exercise else exercise  # `min(exercise, 1.0)`, written out
    threat = (n.presence_weight * presence / _OCCUPATION
              + n.exercise_weight * exercise
              + n.tension_weight * tension
              + (n.crisis_weight if crisis else 0.0))
    if war_role or joint_grouping:
        threat += war_threat_term(war_role, joint_grouping, p)
    if strategic_systems:
        threat += p.strategic.nato_threat_weight * strategic_systems / _NUCLEAR_WEAPONS
    return threat


def posture_utilities(threat: float, posture: float, p: SimpleNamespace) -> list[float]:
    """Utilities of holding, reinforcing, exercising, or restraining the posture.

    Reinforcing answers the threat but provokes in proportion to what is already deployed
    (NAT-03, NAT-14); exercises are a cheaper signal (NAT-05, M33); restraint lowers a posture
    that is out of proportion to the threat.
    """
    n = p.nato
    hold = n.inertia
    reinforce = UNAVAILABLE if posture >= 1.0 else n.deterrence * threat - n.provocation * posture \
        - n.reinforce_cost
    exercise = n.exercise_deterrence_share * n.deterrence * threat \
        - n.exercise_provocation_share * n.provocation * posture \
        - n.exercise_cost_share * n.reinforce_cost
    restraint = UNAVAILABLE if posture <= n.minimum_posture else n.provocation * posture \
        - n.deterrence * threat
    return [hold, reinforce, exercise, restraint]
