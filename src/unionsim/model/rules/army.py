"""Rules of Belarus's armed forces: loyalty to the regime, ties to Russia's forces, willingness to
fight abroad, the regime's purges, and how the army answers orders.

The army is small (M1) and its officers are partly schooled in Russia (M13), which Marin reads as a
channel of Russian influence that Minsk has narrowed since 2006 (M14, ELI-07) and Shraibman as
largely closed, Russia-educated generals having been replaced (ELI-05). Whether the army is less
loyal to Lukashenka than the KGB and police, and might side with Russia, is disputed (ELI-06, D4):
``army.base_loyalty`` and ``army.russian_channel`` span both positions. Minsk's doctrine rules out
troops abroad and "someone else's wars" (MIN-28). The regime purges suspected Kremlin enthusiasts
from its security apparatus (MIN-33).

Every function is pure: it reads state values and parameters and returns numbers. Utilities come
in the fixed option orders `REPRESS_ANSWERS` and `ABROAD_ANSWERS`.
"""

from __future__ import annotations

from types import SimpleNamespace

from unionsim.model.state import clip01

REPRESS_ANSWERS = ("obey", "refuse")
ABROAD_ANSWERS = ("obey", "drag", "refuse")

# Fixed constants of the army's rules. Each was a parameter whose Morris mu* is 0 on every headline
# output in every scenario group at both master seeds of the influence study (docs/influence.md);
# its value is the former default.

# Russian ties (share of the officer corps) gained while Russian forces train or stand with
# Belarus's on its soil. Fixed at its former default across its former range [0, 0.2]: Morris mu* 0
# on every headline output in every scenario group at both master seeds of the influence study
# (docs/influence.md). Sources: marin2020 D15, M19, M15 give only the direction (interoperability
# grew out of many joint exercises, on paper a joint grouping); the size is our choice.
JOINT_FORCES_TIES_GAIN = 0.1

# Share of the gap to full loyalty a purge closes at once (then loyalty ebbs back toward its
# target). Fixed at its former default across its former range [0.2, 0.8]: Morris mu* 0 on every
# headline output in every scenario group at both master seeds of the influence study
# (docs/influence.md). Sources: marin2020 MIN-33, M14 and shraibman2021a ELI-05 give only the
# direction (purges kept the military elite under the regime's control); the share is ours.
PURGE_LOYALTY_GAIN = 0.5

# Loyalty the army loses each time it obeys an order to turn on a mass street. Fixed at its former
# default across its former range [0, 0.15]: Morris mu* 0 on every headline output in every
# scenario group at both master seeds of the influence study (docs/influence.md). An assumption:
# the documents do not say how the army would bear such an order.
REPRESSION_ORDER_LOYALTY_COST = 0.05


def loyalty_target(legitimacy: float, legitimacy_reference: float, economic_stress: float,
                   russian_ties: float, russian_backing: float, info_campaign: float,
                   p: SimpleNamespace) -> float:
    """The loyalty to the regime the army drifts toward this month (0..1).

    ``army.base_loyalty`` is the calm level (ELI-06 vs ELI-05, D4). It falls as the regime loses
    legitimacy against where it stood at the start (``legitimacy_reference``): the bureaucracy is
    not cut off from society's mood (ELI-09) and a mishandled crisis turns even insiders against the
    leader (ELI-11). Economic stress, which squeezes an already small defence budget and pay (M3,
    ELI-11), erodes it too. Officers with Russian ties carry Russia's line into the army (ELI-07,
    ELI-06): loyalty gains when Moscow backs the regime (E13, M47) and loses when Moscow's
    information work is turned on it (HYB-01), in proportion to the ties (``army.russian_channel``).
    """
    a = p.army
    return clip01(a.base_loyalty
                  + a.legitimacy_weight * (legitimacy - legitimacy_reference)
                  - a.stress_erosion * economic_stress
                  + a.russian_channel * russian_ties * (russian_backing - info_campaign))


def ties_target(initial_ties: float, joint_forces: bool, p: SimpleNamespace) -> float:
    """The Russian ties of the officer corps drift toward: the documented mix of Russian-schooled
    officers (``initial_ties``: M13, M14, ELI-07), raised while Russian forces train or stand with
    Belarus's on its soil (joint exercises, a rotation, an activated joint grouping), since
    interoperability was built through numerous joint exercises (M19, M20, SC11, M15), by
    `JOINT_FORCES_TIES_GAIN`."""
    return clip01(initial_ties + (JOINT_FORCES_TIES_GAIN if joint_forces else 0.0))


def willingness_target(russian_ties: float, support_independence: float, purge_memory: float,
                       p: SimpleNamespace) -> float:
    """The army's willingness to fight outside Belarus drifts toward (0..1).

    Low by doctrine: no troops abroad, no part in someone else's wars (MIN-28, SYS-14). It rises
    with the officers' Russian socialisation (ELI-07), falls with the public's attachment to
    independence and neutrality (P4, BYP-03) and, for a while, after a purge, which costs the
    army competence and cohesion (``army.purge_competence_cost``: our assumption).
    """
    a = p.army
    return clip01(a.base_abroad_willingness + a.ties_willingness * russian_ties
                  - a.public_willingness_drag * support_independence
                  - a.purge_competence_cost * purge_memory)


def adjusted(current: float, target: float, rate: float) -> float:
    """Partial adjustment of a slow stock toward its target."""
    return current + rate * (target - current)


def purge_due(loyalty: float, p: SimpleNamespace) -> bool:
    """The regime purges its officer corps once the army's loyalty has fallen below
    ``army.purge_threshold``: it removed suspected Kremlin enthusiasts and Russia-educated generals
    before (MIN-33, ELI-05)."""
    return loyalty < p.army.purge_threshold


def after_purge(loyalty: float, russian_ties: float, p: SimpleNamespace) -> tuple[float, float]:
    """Loyalty and Russian ties right after a purge: those who remain are the regime's men
    (`PURGE_LOYALTY_GAIN` of the gap to full loyalty is closed, a short-term gain that then
    ebbs back toward the loyalty target), and a share of the Russia-tied officers is gone
    (``army.purge_ties_cut``; MIN-33, ELI-05)."""
    a = p.army
    return (loyalty + PURGE_LOYALTY_GAIN * (1.0 - loyalty),
            russian_ties * (1.0 - a.purge_ties_cut))


def repression_order_due(cracking_down: bool, protest_share: float, p: SimpleNamespace) -> bool:
    """The army is ordered onto the street only when the regime cracks down on a street larger than
    ``army.order_street_factor`` times the mass-protest level: ordinary protest is left to the
    police and the KGB, on whose personal loyalty the regime relies more (ELI-06)."""
    return cracking_down and protest_share >= p.army.order_street_factor \
        * p.public.mass_protest_share


def repress_utilities(loyalty: float, protest_share: float, p: SimpleNamespace) -> list[float]:
    """Utilities of obeying or refusing an order to repress a mass protest.

    Loyalty to the regime pulls toward obeying, its lack toward refusing (ELI-06, D4); the larger
    the street against the mass-protest level, the more reluctant soldiers are to turn on their
    own people (``army.street_weight``: our assumption; the documents do not say how the army
    would answer, and in 2020 the crackdown held: MIN-53).
    """
    a = p.army
    street = protest_share / p.public.mass_protest_share
    return [a.obedience_weight * loyalty,
            a.obedience_weight * (1.0 - loyalty) + a.street_weight * street]


def abroad_utilities(loyalty: float, willingness: float, russian_ties: float,
                     p: SimpleNamespace) -> list[float]:
    """Utilities of obeying, dragging its feet on, or refusing an order to fight abroad beside
    Russia's forces (given only once Minsk has allowed a full role).

    A loyal army follows the regime's orders (ELI-01); willingness to fight abroad is low by
    doctrine (MIN-28); Russia-tied officers are readier to carry out what Moscow asked for
    (``army.ties_obedience``: ELI-07, ELI-06). Foot-dragging is the middle course, the kind of delay
    that Marin expects could slow Russian preparations in a war (NAT-08).
    """
    a = p.army
    return [a.obedience_weight * loyalty + a.abroad_weight * willingness
            + a.ties_obedience * russian_ties,
            a.drag_value,
            a.obedience_weight * (1.0 - loyalty) + a.abroad_weight * (1.0 - willingness)]
