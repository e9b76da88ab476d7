"""The world state: what every actor can read, with units and bounds.

One `WorldState` per model. Actors read it through small views and write it only through their
own effects; `STATE_VARIABLES` documents each variable (unit, bounds, meaning) and is the list
that scenario triggers and exogenous paths may name. The table is input data on the config floor
(`unionsim.config.vocabulary`, read from ``config/state_variables.yaml``), so that scenarios and
targets can be checked against it without the model, and the code holds no numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import IntEnum, auto

from unionsim.config.vocabulary import INDICATORS, NOT_SETTABLE, STATE_VARIABLES, Var

# The levels below are read by monthly rules from module constants bound once at import
# (``_NEW_REGIME = Regime.NEW_REGIME``): on Python 3.11 every attribute read on an Enum class goes
# through `EnumType.__getattr__`'s hook, about a thousand machine instructions; the constants are
# the same members, so every comparison gives what it gave.

class Presence(IntEnum):
    """Levels of Russian military presence in Belarus (the ``presence`` state variable, M24-M27)."""

    LEASED_SITES = 0
    ROTATION = auto()
    EXERCISE_TROOPS = auto()
    PERMANENT_BASE = auto()
    OCCUPATION = auto()


class SanctionLevel(IntEnum):
    """Steps of Western sanctions (the ``sanctions_level`` state variable, WES-06, L25)."""

    NONE = 0
    INDIVIDUAL = auto()
    SECTORAL = auto()
    COMPREHENSIVE = auto()


class Regime(IntEnum):
    """Who rules in Minsk (the ``regime`` state variable)."""

    INCUMBENT = 0
    SUCCESSOR = auto()
    NEW_REGIME = auto()


class WarRole(IntEnum):
    """What Minsk allows Russia in a war next door (the ``war_role`` state variable)."""

    NONE = 0        # nothing (refused, or never asked)
    LIMITED = auto()  # staging, airspace or logistics
    FULL = auto()     # the joint grouping activated, or a Belarusian combat role


class Strategic(IntEnum):
    """Russian strategic systems in Belarus (the ``strategic_systems`` state variable; M4, M10,
    M38, NAT-11)."""

    NONE = 0
    DELIVERY_SYSTEMS = auto()   # nuclear-capable delivery systems (Iskander-type)
    NUCLEAR_WEAPONS = auto()


STRATEGIC_LABELS = ("none", "delivery_systems", "nuclear_weapons")  # end_strategic, by level


# Sanctions are read by several rules as a share of the top step: level / MAX_SANCTIONS.
MAX_SANCTIONS = float(SanctionLevel.COMPREHENSIVE)


@dataclass(slots=True)
class WorldState:
    """Model-level state. Defaults are placeholders; `initial_state` sets the real values."""

    energy_support: float = 0.0
    western_finance: float = 0.0
    reserves: float = 0.0
    debt: float = 0.0
    loans_total: float = 0.0
    russian_debt: float = 0.0
    loans_refinancing: float = 0.0
    refinancing_due: float = 0.0
    refinancing_pressure: float = 0.0
    financing_gap: float = 0.0
    support_reference: float = 0.0
    sanctions_reference: float = 0.0
    growth: float = 0.0
    economic_stress: float = 0.0
    oil_price_index: float = 1.0
    russian_strain: float = 0.0
    trade_war_months: float = 0.0
    shock_growth_pp: float = 0.0
    shock_months: float = 0.0
    defaulted: float = 0.0
    oil_shock_factor: float = 1.0
    oil_shock_months: float = 0.0
    round_open: float = 0.0
    round_depth: float = 0.0
    round_size: float = 0.0
    round_deadline: float = 0.0
    round_next_summit: float = 0.0
    round_extensions: float = 0.0
    round_threat: float = 0.0
    roadmaps_signed: float = 0.0
    roadmaps_implemented: float = 0.0
    compensation_promised: float = 0.0
    supranational_signed: float = 0.0
    supranational_progress: float = 0.0
    supranational_bodies: float = 0.0
    assets_sold: float = 0.0
    sovereignty: float = 1.0
    base_demand: float = 0.0
    asset_demand: float = 0.0
    assets_refused: float = 0.0
    presence: float = 0.0
    rotation_months: float = 0.0
    exercise_troops_k: float = 0.0
    exercise_months: float = 0.0
    permanent_troops_k: float = 0.0
    base_agreed: float = 0.0
    occupied: float = 0.0
    nato_posture: float = 0.0
    nato_exercise_months: float = 0.0
    tension: float = 0.0
    tension_excess: float = 0.0
    protest_share: float = 0.0
    protest_peak: float = 0.0
    protest_radicalism: float = 0.0
    repression: float = 0.0
    abuse_memory: float = 0.0
    legitimacy: float = 0.0
    elite_cohesion: float = 0.0
    russian_backing: float = 0.0
    sanctions_level: float = 0.0
    western_engagement: float = 0.0
    energy_offer: float = 0.0
    diversified: float = 0.0
    outside_options: float = 0.0
    kremlin_trust: float = 0.0
    dispute: float = 0.0
    minsk_west_tilt: float = 0.0
    info_campaign: float = 0.0
    info_floor: float = 0.0
    info_floor_months: float = 0.0
    unrest_grievance: float = 0.0
    unrest_militancy: float = 0.0
    unrest_months: float = 0.0
    coercion: float = 0.0
    election_salience: float = 0.0
    shock_mishandling: float = 0.0
    candidates_jailed: float = 0.0
    protest_fatigue: float = 0.0
    sanctions_pending: float = 0.0
    loan_requested: float = 0.0
    escalated: float = 0.0
    belarusianisation: float = 0.0
    regime: float = 0.0
    crisis_logic: float = 0.0
    intervention_attempted: float = 0.0
    absorbed: float = 0.0
    support_incorporation: float = 0.0
    support_union: float = 0.0
    support_independence: float = 0.0
    west_orientation: float = 0.0
    # a war next door
    war_next_door: float = 0.0
    war_role: float = 0.0
    joint_grouping_active: float = 0.0
    war_intensity: float = 0.0
    war_months_left: float = 0.0
    war_ask: float = 0.0
    war_last_ask_month: float = 0.0
    war_answered_ask: float = 0.0
    exercise_stay: float = 0.0
    # Belarus's armed forces
    army_loyalty: float = 0.0
    army_abroad_willingness: float = 0.0
    army_russian_ties: float = 0.0
    army_purge_memory: float = 0.0
    army_refusal: float = 0.0
    # strategic deployments and Minsk's counter-levers
    strategic_systems: float = 0.0
    mediation_offer: float = 0.0
    transit_threat: float = 0.0
    neighbour_pressure: float = 0.0
    border_closed_months: float = 0.0
    lever_dispute_seen: float = 0.0  # what Minsk last saw (levers.new_pressure)
    lever_sanctions_seen: float = 0.0
    lever_war_seen: float = 0.0
    lever_last_month: float = 0.0
    # the US (the EU's variables are the Western ones above)
    us_sanctions: float = 0.0
    us_engagement: float = 0.0
    us_deal_offer: float = 0.0

    def snapshot(self) -> dict[str, float]:
        """All variables as a plain dict (for traces and tests)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}




def clip01(x: float) -> float:
    """Clamp to [0, 1]."""
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


def fold_sum(values) -> float:
    """The sum of ``values`` added left to right, as Python 3.11's builtin ``sum`` adds floats.

    From Python 3.12 the builtin ``sum`` of floats is compensated (Neumaier), so its last bits
    differ, and through the rules' thresholds a run's whole history can differ: the model sums
    with this fold so that every supported Python gives the same numbers.

    >>> fold_sum([1e16, 1.0, -1e16])
    0.0
    """
    total = 0.0
    for value in values:
        total += value
    return total


def clip(x: float, lo: float, hi: float) -> float:
    """Clamp to [lo, hi]."""
    return lo if x < lo else hi if x > hi else x


# The domain of ``tension_excess`` (the state-variable table): tension may stand above the
# scenario's path (a crisis, a build-up) or below it (NATO restraint, an easing shock).
TENSION_EXCESS_LO = STATE_VARIABLES["tension_excess"].lo
TENSION_EXCESS_HI = STATE_VARIABLES["tension_excess"].hi


def shift_tension(excess: float, delta: float) -> float:
    """Russia-West tension above the scenario's path, ``excess``, moved by ``delta`` and kept in
    the domain of ``tension_excess``."""
    return clip(excess + delta, TENSION_EXCESS_LO, TENSION_EXCESS_HI)
