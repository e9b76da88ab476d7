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

# Fixed constants of the elite's rules. Each was a parameter that moves no headline output across
# its former range (Morris mu* 0 in every scenario group of the influence study); its value is
# the former default.

# Elite cohesion (target) lost while the army's refusal to repress is fresh. Fixed: no headline
# output moves across its former range [0, 0.4] (docs/influence.md). Sources: marin2020 ELI-06,
# D4 and carnegie2019 ELI-05 give only the direction (an army that may change sides leaves the
# regime without force, a reading others doubt); the size is our choice.
ARMY_REFUSAL_COHESION_LOSS = 0.2

# Relative rise of the monthly defection hazard while the army's refusal to repress is fresh (1
# doubles it). Fixed: no headline output moves across its former range [0, 3]
# (docs/influence.md). Sources: marin2020 ELI-06, D4 and carnegie2019 ELI-05 give only the
# direction (forces that see the army refuse are likelier to abandon the regime); the factor is
# our choice.
ARMY_REFUSAL_HAZARD_RISE = 1.0

# Unchecked protest, in mass-protest units, beyond which the street erodes cohesion no further.
# Fixed: no headline output moves across its former range [1, 4] (docs/influence.md). An
# assumption: a bound on the erosion that the documents do not give.
UNCHECKED_PROTEST_EROSION_CAP = 2.0

# Cohesion gained at full Western sanctions, which leave officials nowhere else to go. Fixed: no
# headline output moves across its former range [0, 0.2] (docs/influence.md). An assumption:
# shraibman2021b SC20 says sanctions drove the regime as a whole toward Moscow; that they also
# bind its officials is our reading.
SANCTIONS_BINDING_COHESION = 0.1

# Cohesion of the state apparatus right after the regime falls. Fixed: no headline output moves
# across its former range [0.3, 0.7] (docs/influence.md). An assumption: the documents do not
# describe the state after a fall.
NEW_REGIME_COHESION = 0.5


def cohesion_target(economic_stress: float, protest_share: float, repression: float,
                    sanctions_level: float, russian_backing: float, info_campaign: float,
                    p: SimpleNamespace, mishandling: float = 0.0,
                    army_refusal: float = 0.0) -> float:
    """The cohesion level the elite drifts toward this month (0..1).

    Loyalty is the base (ELI-01, ELI-03). Economic stress and large unrepressed protests erode it
    (ELI-11, MIN-60), and so does a crisis seen as mishandled, for which even insiders may blame
    the leader personally (ELI-11: ``mishandling``); unchecked protest counts up to
    `UNCHECKED_PROTEST_EROSION_CAP`. Western sanctions on officials bind them to the regime, as
    they have nowhere else to go (SC20: `SANCTIONS_BINDING_COHESION`). Russian security backing
    shores it up (E13, M47). Russian recruitment of officers through schooling and information
    work erodes it where the army is less loyal (ELI-07, D4). An army that has just refused to turn on the street
    (``army_refusal``, 1 in the month of the refusal, then ebbing; 0 when it never refused) shows
    the regime cannot count on force, and the elite's cohesion erodes by
    `ARMY_REFUSAL_COHESION_LOSS` (ELI-06, D4).
    """
    e = p.elite
    unchecked = (protest_share / p.public.mass_protest_share) * (1.0 - repression)
    return clip01(e.base_cohesion
                  - e.stress_erosion * economic_stress
                  - e.protest_erosion * min(unchecked, UNCHECKED_PROTEST_EROSION_CAP)
                  + SANCTIONS_BINDING_COHESION * sanctions_level / MAX_SANCTIONS
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
