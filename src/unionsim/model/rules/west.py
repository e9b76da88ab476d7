"""The EU's rules (the actor named "west"; the US has its own, `rules.us`): sanctions for
repression, engagement for neutrality, energy offers.

The West weighs human rights against Belarus's sovereignty (WES-01): it eased sanctions when
Minsk stayed neutral on Ukraine and released prisoners (WES-02, L13), brought them back after the
2020 repression (WES-06, L25), has little money to offer (WES-03, WES-05) and needs unanimity,
which Lithuania's quarrels make slow (NEI-03).

Sanctions come in steps with institutional lags: a decision to sanction puts a proposal for the
next step on the table, and the step is adopted only once the members have negotiated it for
the step's lag (individual listings first, sectoral measures months later: WES-06, L25;
`adoption_lag`). Easing has documented conditions: prisoners released and no crackdown, and a
Minsk that seeks dialogue (WES-01, WES-02, L13; `easing_conditions_met`).

The EU also reads the other actors' interface variables, each neutral at 0: Lithuania's
all-or-nothing positions (Astravets) as an extra friction on any policy change toward Minsk
(``west.lithuania_friction``, NEI-03), Minsk's offers to mediate (``mediation_offer``, WES-02),
its threats to transit (``transit_threat``: the neighbours harden, NEI-04, MIN-15) and its part in
a Russian war next door (``war_role``: see `war_complicity`).
"""

from __future__ import annotations

from types import SimpleNamespace

from unionsim.model.choice import UNAVAILABLE
from unionsim.model.state import MAX_SANCTIONS, SanctionLevel, WarRole, clip01

# the levels read once, not every month (see the note on the enums in `unionsim.model.state`)
_FULL_ROLE, _INDIVIDUAL_SANCTIONS, _COMPREHENSIVE_SANCTIONS = (
    WarRole.FULL, SanctionLevel.INDIVIDUAL, SanctionLevel.COMPREHENSIVE)

OPTIONS = ("hold", "sanction", "ease", "engage", "energy_offer")

# How the friction of agreeing a sanctions step grows with the steps already in force: each
# package is harder to agree than the last (unanimity, NEI-03; sectoral measures came a year
# after the listings, L25). The square is the simplest convex form; its size is the fitted
# ``west.unanimity_friction``, its shape is fixed here.
FRICTION_POWER = 2.0

# Western engagement lost per level of a scripted sanctions package (the scenario event
# ``sanctions_package``). Fixed at its former default across its former range [0.1, 0.5]: Morris
# mu* 0 on every headline output in every scenario group at both master seeds of the influence
# study (docs/influence.md). Sources: marin2020 WES-06 and shraibman2021b MIN-54 give only the
# direction (sanctions came back with deeper isolation of Minsk); the size per level is ours.
SANCTIONS_PACKAGE_ENGAGEMENT_CUT = 0.3


def abuse_signal(repression: float, protest_share: float, election_salience: float,
                 p: SimpleNamespace) -> float:
    """0..1 visibility of violent repression this month: repression against a large street or a
    contested election (MIN-53, WES-06)."""
    street = protest_share / p.public.mass_protest_share + election_salience
    return clip01(repression * street)


def war_complicity(war_role: float, p: SimpleNamespace) -> float:
    """0..1 record of Minsk's part in a Russian war next door (``war_role`` 0 none, 1 limited,
    2 full), which the EU judges like a record of violent repression (WES-06 by analogy; an
    assumption, the documents predate such a war). 0 when Minsk has no part."""
    return clip01(p.west.war_complicity_record * war_role / _FULL_ROLE) if war_role > 0 else 0.0


def adoption_lag(sanctions_level: float, p: SimpleNamespace) -> float:
    """Months from the decision to sanction until the next step is adopted: individual listings come
    fastest (``west.listing_lag_months``), broader measures need longer
    (``west.package_lag_months``: sectoral sanctions came only in June 2021, L25; unanimity is
    slow, NEI-03)."""
    w = p.west
    return w.listing_lag_months if sanctions_level < _INDIVIDUAL_SANCTIONS \
        else w.package_lag_months


def easing_conditions_met(prisoners: float, repression: float, minsk_west_tilt: float,
                          p: SimpleNamespace) -> bool:
    """The West's documented conditions for lifting sanctions: political prisoners released and
    repression back near its everyday level (human rights improved: WES-01, L13), and a Minsk that
    seeks dialogue with the West (WES-02, MIN-44)."""
    w = p.west
    return (prisoners <= w.release_condition and repression <= w.easing_repression_ceiling
            and minsk_west_tilt >= w.dialogue_condition)


def energy_cut(energy_support: float, support_reference: float) -> float:
    """USD bn/yr of Russian energy support cut below the level Belarus's economy had adjusted to
    (``support_reference``): Moscow has cut deliveries or rents and the cut is still felt (the
    2010 cut of oil deliveries, E29; the end-2019 oil dispute, supplies cut at New Year, E30,
    SC22). 0 when Moscow has cut nothing. A Western energy offer answers such a cut (WES-08,
    E31, MIN-16), not a quarrel alone."""
    cut = support_reference - energy_support
    return cut if cut > 0.0 else 0.0


def policy_utilities(abuse_memory: float, sanctions_level: float, engagement: float,
                     minsk_west_tilt: float, dispute: float, diversified: float,
                     energy_offer: bool, p: SimpleNamespace, pending: bool = False,
                     easing_allowed: bool = True, mediation_offer: float = 0.0,
                     transit_threat: float = 0.0, energy_cut: float = 0.0) -> list[float]:
    """Utilities of holding, sanctioning, easing, engaging, or offering alternative energy.

    * sanction: put the next step on the table; human rights against unanimity friction, which
      grows with the square of the level (each package is harder to agree; WES-06, NEI-03, L25).
      Not available while a proposal is still being negotiated (``pending``);
    * ease: reward for a repression-free record while sanctions stand (WES-01, WES-02, L13), only
      once the documented conditions hold (``easing_allowed``, see `easing_conditions_met`);
    * engage: Belarus as a buffer worth courting when Minsk opens up (NEI-02, NAT-17), at the cost
      of legitimising an authoritarian regime (WES-09);
    * energy_offer: offer oil when Moscow has cut Belarus's energy in a quarrel (``energy_cut``
      above 0, see `energy_cut`, and a dispute) and Minsk seeks alternatives (WES-08, E31,
      MIN-16): the US offered all the oil Belarus needs after Russia cut deliveries at the end of
      2019 (E30, E31); without a cut there is nothing to answer and the option is off the table.

    Each neutral at 0 (the defaults, which leave the utilities above unchanged): any change of
    course toward Minsk (easing, engaging) also costs ``west.lithuania_friction`` (a member's veto, NEI-03) and
    ``west.transit_hardening`` per unit of Minsk's transit threat (NEI-04, MIN-15); Minsk's
    mediation makes engaging worth ``west.mediation_value`` per unit (WES-02).
    """
    w = p.west
    hold = w.inertia
    change = w.lithuania_friction + w.transit_hardening * transit_threat
    # sanctions answer repression (WES-06); with no violent repression on record they are not on
    # the table at all
    sanction = UNAVAILABLE if (pending or sanctions_level >= _COMPREHENSIVE_SANCTIONS
                               or abuse_memory < w.abuse_threshold) else \
        w.human_rights * abuse_memory - w.unanimity_friction * (1.0 + sanctions_level) ** FRICTION_POWER
    ease = UNAVAILABLE if sanctions_level <= 0 or not easing_allowed else \
        w.sovereignty_value * (1.0 - abuse_memory) - w.human_rights * abuse_memory \
        - w.unanimity_friction - change
    engage = UNAVAILABLE if engagement >= 1.0 else \
        w.buffer_value * (minsk_west_tilt + w.mediation_value * mediation_offer) \
        * (1.0 - sanctions_level / MAX_SANCTIONS) - w.legitimation_cost * abuse_memory - change
    offer = UNAVAILABLE if energy_offer or energy_cut <= 0.0 or dispute <= 0.0 else \
        w.energy_lever * dispute * (w.energy_offer_base_appeal + diversified) \
        - w.legitimation_cost * abuse_memory
    return [hold, sanction, ease, engage, offer]
