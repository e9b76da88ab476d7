"""The West's rules (EU and US): sanctions for repression, engagement for neutrality, energy offers.

The West weighs human rights against Belarus's sovereignty (WES-01): it eased sanctions when
Minsk stayed neutral on Ukraine and released prisoners (WES-02, L13), brought them back after the
2020 repression (WES-06, L25), has little money to offer (WES-03, WES-05) and needs unanimity,
which Lithuania's quarrels make slow (NEI-03).
"""

from __future__ import annotations

from types import SimpleNamespace

from unionsim.model.choice import UNAVAILABLE
from unionsim.model.state import MAX_SANCTIONS, SanctionLevel, clip01

OPTIONS = ("hold", "sanction", "ease", "engage", "energy_offer")


def abuse_signal(repression: float, protest_share: float, election_salience: float,
                 p: SimpleNamespace) -> float:
    """0..1 visibility of violent repression this month: repression against a large street or a
    contested election (MIN-53, WES-06)."""
    street = protest_share / p.public.mass_protest_share + election_salience
    return clip01(repression * street)


def policy_utilities(abuse_memory: float, sanctions_level: float, engagement: float,
                     minsk_west_tilt: float, dispute: float, diversified: float,
                     energy_offer: bool, p: SimpleNamespace) -> list[float]:
    """Utilities of holding, sanctioning, easing, engaging, or offering alternative energy.

    * sanction: human rights against unanimity friction, which grows with the square of the level
      (each package is harder to agree; WES-06, NEI-03, L25: sectoral sanctions only in June 2021);
    * ease: reward for a repression-free record while sanctions stand (WES-01, WES-02, L13);
    * engage: Belarus as a buffer worth courting when Minsk opens up (NEI-02, NAT-17), at the cost
      of legitimising an authoritarian regime (WES-09);
    * energy_offer: offer oil when Minsk quarrels with Moscow and seeks alternatives (WES-08, E31).
    """
    w = p.west
    hold = w.inertia
    # sanctions answer repression (WES-06); with no violent repression on record they are not on
    # the table at all
    sanction = UNAVAILABLE if sanctions_level >= SanctionLevel.COMPREHENSIVE or abuse_memory < w.abuse_threshold else \
        w.human_rights * abuse_memory - w.unanimity_friction * (1.0 + sanctions_level) ** 2
    ease = UNAVAILABLE if sanctions_level <= 0 else \
        w.sovereignty_value * (1.0 - abuse_memory) - w.human_rights * abuse_memory \
        - w.unanimity_friction
    engage = UNAVAILABLE if engagement >= 1.0 else \
        w.buffer_value * minsk_west_tilt * (1.0 - sanctions_level / MAX_SANCTIONS) \
        - w.legitimation_cost * abuse_memory
    offer = UNAVAILABLE if energy_offer else \
        w.energy_lever * dispute * (w.energy_offer_base_appeal + diversified) - w.legitimation_cost * abuse_memory
    return [hold, sanction, ease, engage, offer]
