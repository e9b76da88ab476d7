"""Rules of Minsk's elite and security forces: cohesion, and the chance they abandon the regime.

The elite is diverse but united by loyalty to Lukashenka and by the benefits of sovereignty
(ELI-01, ELI-02); defecting is personally dangerous (ELI-03). A mismanaged crisis turns even the
elite against the leader (ELI-11). Whether the army would switch sides is disputed (FACTS D4):
``elite.army_defection_risk`` spans both positions.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

from unionsim.model.state import MAX_SANCTIONS, clip01

# Fixed constants of the elite's rules. Each was a parameter whose Morris mu* is 0 on every
# headline output in every scenario group at both master seeds of the influence study
# (docs/influence.md); its value is the former default.

# Elite cohesion (target) lost while the army's refusal to repress is fresh. Fixed at its former
# default across its former range [0, 0.4]: Morris mu* 0 on every headline output in every scenario
# group at both master seeds of the influence study (docs/influence.md). Sources: marin2020 ELI-06,
# D4 and carnegie2019 ELI-05 give only the direction (an army that may change sides leaves the
# regime without force, a reading others doubt); the size is our choice.
ARMY_REFUSAL_COHESION_LOSS = 0.2

# Relative rise of the monthly defection hazard while the army's refusal to repress is fresh (1
# doubles it). Fixed at its former default across its former range [0, 3]: Morris mu* 0 on every
# headline output in every scenario group at both master seeds of the influence study
# (docs/influence.md). Sources: marin2020 ELI-06, D4 and carnegie2019 ELI-05 give only the
# direction (forces that see the army refuse are likelier to abandon the regime); the factor is our
# choice.
ARMY_REFUSAL_HAZARD_RISE = 1.0


def cohesion_target(economic_stress: float, protest_share: float, repression: float,
                    sanctions_level: float, russian_backing: float, info_campaign: float,
                    p: SimpleNamespace, mishandling: float = 0.0,
                    army_refusal: float = 0.0) -> float:
    """The cohesion level the elite drifts toward this month (0..1).

    Loyalty is the base (ELI-01, ELI-03). Economic stress and large unrepressed protests erode it
    (ELI-11, MIN-60), and so does a crisis seen as mishandled, for which even insiders may blame
    the leader personally (ELI-11: ``mishandling``). Western sanctions on officials bind them to
    the regime, as they have nowhere else to go (SC20). Russian security backing shores it up
    (E13, M47). Russian recruitment of officers through schooling and information work erodes it
    where the army is less loyal (ELI-07, D4). An army that has just refused to turn on the street
    (``army_refusal``, 1 in the month of the refusal, then ebbing; 0 when it never refused) shows
    the regime cannot count on force, and the elite's cohesion erodes by
    `ARMY_REFUSAL_COHESION_LOSS` (ELI-06, D4).
    """
    e = p.elite
    unchecked = (protest_share / p.public.mass_protest_share) * (1.0 - repression)
    return clip01(e.base_cohesion
                  - e.stress_erosion * economic_stress
                  # `min(unchecked, cap)`, written out (a monthly rule: no builtin call)
                  - e.protest_erosion * (e.protest_erosion_cap if e.protest_erosion_cap < unchecked
                                         else unchecked)
                  + e.sanctions_binding * sanctions_level / MAX_SANCTIONS
                  + e.backing_support * russian_backing
                  - e.army_defection_risk * info_campaign
                  - e.mishandling_erosion * mishandling
                  - ARMY_REFUSAL_COHESION_LOSS * army_refusal)


def next_cohesion(cohesion: float, target: float, p: SimpleNamespace) -> float:
    """Partial adjustment toward the target at ``elite.adjustment_rate`` per month."""
    return cohesion + p.elite.adjustment_rate * (target - cohesion)


def defection_hazard(protest_share: float, cohesion: float, repression: float,
                     russian_backing: float, p: SimpleNamespace,
                     army_refusal: float = 0.0) -> float:
    """Monthly probability that security forces and elite abandon the regime, which then falls.

    It needs mass protest in the streets (the regime is 'not hollowed-out', MIN-60) and a divided
    elite; defection is personally risky (ELI-03) and less likely when Russia backs the regime
    (E13, KRE-17) or repression still works (MIN-53). The army's own loyalty is disputed (D4).
    An army that refuses to repress (``army_refusal``) multiplies the hazard by
    ``1 + ARMY_REFUSAL_HAZARD_RISE * army_refusal``: neutral when it never refused (ELI-06).
    """
    e = p.elite
    mass = p.public.mass_protest_share
    street = 1.0 / (1.0 + math.exp(-(protest_share - mass) / (e.street_width_share * mass)))
    disloyal = (1.0 - cohesion) ** e.disloyalty_exponent
    restraint = (1.0 - e.repression_restraint * repression) \
        * (1.0 - e.backing_deterrence * russian_backing)
    return clip01(e.defection_scale * street * disloyal * restraint
                  * (1.0 + e.army_defection_risk)
                  * (1.0 + ARMY_REFUSAL_HAZARD_RISE * army_refusal))
