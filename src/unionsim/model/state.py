"""The world state: what every actor can read, with units and bounds.

One `WorldState` per model. Actors read it through small views and write it only through their
own effects; `STATE_VARIABLES` documents each variable (unit, bounds, meaning) and is the list
that scenario triggers and exogenous paths may name.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import IntEnum, auto


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


# Sanctions are read by several rules as a share of the top step: level / MAX_SANCTIONS.
MAX_SANCTIONS = float(SanctionLevel.COMPREHENSIVE)


@dataclass(frozen=True)
class Var:
    unit: str
    lo: float
    hi: float
    meaning: str
    indicator: bool = False  # recorded in the monthly time series


STATE_VARIABLES: dict[str, Var] = {
    # economy
    "energy_support": Var("USD bn/yr", 0, 10, "Russian support through energy discounts and "
                          "duty-free oil (E1-E11)", True),
    "western_finance": Var("USD bn/yr", 0, 5, "credit and aid from the West (WES-03, WES-05)"),
    "reserves": Var("USD bn", 0, 40, "foreign-exchange reserves (E17)", True),
    "debt": Var("USD bn", 0, 100, "national debt (E15)", True),
    "loans_total": Var("USD bn", 0, 100, "Russian loans received during the run (E12, E14)", True),
    "growth": Var("%/yr", -20, 15, "annual GDP growth (E23)", True),
    "economic_stress": Var("0..1", 0, 1, "how close the economy is to a funding crisis", True),
    "oil_price_index": Var("1 = 2019 level", 0.1, 3, "world oil price relative to 2019 (E24)"),
    "russian_strain": Var("0..1", 0, 1, "strain on the Russian budget (MON-03)"),
    "trade_war_months": Var("months", 0, 60, "months left of a Russian trade war (SYS-07)"),
    "shock_growth_pp": Var("pp", -20, 10, "exogenous growth shock in force (L30)"),
    "shock_months": Var("months", 0, 60, "months left of the exogenous shock"),
    "defaulted": Var("0/1", 0, 1, "reserves ran out at least once"),
    "oil_shock_factor": Var("factor", 0.1, 3, "oil price multiplier of a shock in force (E24)"),
    "oil_shock_months": Var("months", 0, 120, "months left of an oil price shock"),
    # integration
    "round_open": Var("0/1", 0, 1, "a round of integration talks is open (U15-U30)", True),
    "round_depth": Var("1..2", 0, 2, "1 = economic roadmaps, 2 = supranational bodies (U20)"),
    "round_size": Var("roadmaps", 0, 31, "roadmaps in the open package (U17, U27)"),
    "round_deadline": Var("month", 0, 600, "month of the signing deadline"),
    "round_next_summit": Var("month", 0, 600, "month of the next summit"),
    "round_extensions": Var("count", 0, 10, "times the deadline was pushed back"),
    "round_threat": Var("USD bn/yr", 0, 5, "support Moscow threatens to remove if the round fails "
                        "(an ultimatum, U13)"),
    "roadmaps_signed": Var("roadmaps", 0, 31, "integration roadmaps signed (U27)", True),
    "roadmaps_implemented": Var("roadmaps", 0, 31, "signed roadmaps in force (SYS-01, U29)", True),
    "compensation_promised": Var("USD bn/yr", 0, 5, "support Moscow offers once roadmaps are law "
                                 "(KRE-04, KRE-05)"),
    "supranational_signed": Var("0/1", 0, 1, "the supranational roadmap is signed (U20)", True),
    "supranational_progress": Var("0..1", 0, 1, "progress in setting up supranational bodies"),
    "supranational_bodies": Var("0/1", 0, 1, "supranational bodies exist (MIN-05, KRE-01)", True),
    "assets_sold": Var("firms", 0, 6, "strategic firms sold to Russian owners (E25-E28)", True),
    "sovereignty": Var("0..1", 0, 1, "1 = full sovereignty; falls with integration in force, "
                       "foreign troops and sold assets", True),
    "base_demand": Var("0/1", 0, 1, "a Russian demand for an airbase is pending (SIL-05)"),
    "asset_demand": Var("0/1", 0, 1, "a Russian demand for strategic assets is pending (OLI-01)"),
    "assets_refused": Var("count", 0, 60, "asset demands Minsk has refused (MIN-13)"),
    # military
    "presence": Var("0..4", 0, 4, "Russian military presence: 0 leased sites, 1 rotation, "
                    "2 exercise troops, 3 permanent base, 4 occupation (M24-M27)", True),
    "rotation_months": Var("months", 0, 60, "months left of a temporary air deployment (M24)"),
    "exercise_troops_k": Var("thousand", 0, 100, "Russian exercise troops in Belarus (M20)", True),
    "exercise_months": Var("months", 0, 12, "months left of an exercise"),
    "permanent_troops_k": Var("thousand", 0, 100, "Russian troops stationed permanently", True),
    "base_agreed": Var("0/1", 0, 1, "Minsk agreed to a permanent Russian base (MIN-29)"),
    "occupied": Var("0/1", 0, 1, "Russian forces occupy Belarus"),
    "nato_posture": Var("0..1", 0, 1, "NATO forward posture on the eastern flank (M36, NAT-02)", True),
    "nato_exercise_months": Var("months", 0, 12, "months left of a large NATO exercise (M33)"),
    "tension": Var("0..1", 0, 1, "Russia-West tension (MIN-21, MIN-22)", True),
    "tension_excess": Var("0..1", -1, 1, "tension above the scenario's baseline path"),
    # politics
    "protest_share": Var("share of adults", 0, 1, "adults protesting this month (BYP-18)", True),
    "protest_peak": Var("share of adults", 0, 1, "largest protest share so far"),
    "protest_radicalism": Var("0..1", 0, 1, "how Ukraine-like protests are: seized buildings, "
                              "clashes (KRE-16)", True),
    "repression": Var("0..1", 0, 1, "intensity of state repression (MIN-52, MIN-53)", True),
    "abuse_memory": Var("0..1", 0, 1, "the West's memory of violent repression (WES-06)"),
    "legitimacy": Var("0..1", 0, 1, "regime legitimacy, population-weighted", True),
    "elite_cohesion": Var("0..1", 0, 1, "loyalty of elite and security forces (ELI-01)", True),
    "russian_backing": Var("0..1", 0, 1, "Russian security backing of the regime (E13, M47)"),
    "sanctions_level": Var("0..3", 0, 3, "Western sanctions: 0 none, 1 individual, 2 sectoral, "
                           "3 comprehensive (WES-06, L25)", True),
    "western_engagement": Var("0..1", 0, 1, "Western dialogue and normalisation (WES-01, WES-02)",
                              True),
    "energy_offer": Var("0/1", 0, 1, "a Western offer of alternative oil stands (WES-08, E31)"),
    "diversified": Var("0..1", 0, 1, "share of oil bought outside Russia (MIN-16, E29-E30)"),
    "outside_options": Var("0..1", 0, 1, "Minsk's alternatives to Russian support (MIN-25)", True),
    "kremlin_trust": Var("0..1", 0, 1, "the Kremlin's trust in Minsk (FAC-01, SIL-02)", True),
    "dispute": Var("0..1", 0, 1, "intensity of the current Minsk-Moscow dispute", True),
    "minsk_west_tilt": Var("0..1", 0, 1, "Minsk's recent opening to the West (SIL-02, KRE-30)"),
    "info_campaign": Var("0..1", 0, 1, "intensity of Russian information pressure (HYB-01)", True),
    "info_floor": Var("0..1", 0, 1, "intensity a scheduled campaign keeps up (HYB-01, SC14)"),
    "info_floor_months": Var("months", 0, 120, "months left of a scheduled information campaign"),
    "unrest_grievance": Var("0..1", 0, 1, "grievance added by a wave of unrest (BYP-18)"),
    "unrest_militancy": Var("0..1", 0, 1, "militancy added by a wave of unrest (KRE-16)"),
    "unrest_months": Var("months", 0, 24, "months left of a wave of unrest"),
    "coercion": Var("0..1", 0, 1, "recent visible Russian coercion of Belarus (BYP-17)"),
    "election_salience": Var("0..1", 0, 1, "salience of a stolen election (MIN-49, L6)"),
    "loan_requested": Var("0/1", 0, 1, "Minsk has asked Moscow for a loan (MIN-10, E14)"),
    "escalated": Var("0/1", 0, 1, "Minsk lifted a dispute to Putin this month (MIN-18)"),
    "belarusianisation": Var("0..1", 0, 1, "soft Belarusianisation under way (MIN-58, BYP-13)"),
    "regime": Var("0..2", 0, 2, "0 incumbent, 1 controlled successor, 2 new regime after a fall",
                  True),
    "crisis_logic": Var("0/1", 0, 1, "the Kremlin has switched to the logic of 2014 (KRE-16)", True),
    "intervention_attempted": Var("0/1", 0, 1, "Russia attempted a takeover"),
    "absorbed": Var("0/1", 0, 1, "Belarus absorbed by Russia", True),
    "support_incorporation": Var("share", 0, 1, "public support for joining Russia (P3, P8, P15)",
                                 True),
    "support_union": Var("share", 0, 1, "public support for a deeper union (P2, P7, P14)", True),
    "support_independence": Var("share", 0, 1, "public support for independent, friendly relations "
                                "(P1, P6, P13)", True),
    "west_orientation": Var("share", 0, 1, "public choosing the EU in a binary choice (P10)", True),
}


@dataclass(slots=True)
class WorldState:
    """Model-level state. Defaults are placeholders; `initial_state` sets the real values."""

    energy_support: float = 0.0
    western_finance: float = 0.0
    reserves: float = 0.0
    debt: float = 0.0
    loans_total: float = 0.0
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

    def snapshot(self) -> dict[str, float]:
        """All variables as a plain dict (for traces and tests)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


INDICATORS: tuple[str, ...] = tuple(k for k, v in STATE_VARIABLES.items() if v.indicator)


def clip01(x: float) -> float:
    """Clamp to [0, 1]."""
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


def clip(x: float, lo: float, hi: float) -> float:
    """Clamp to [lo, hi]."""
    return lo if x < lo else hi if x > hi else x
