"""The model's vocabulary as inputs may name it: the world-state variables (unit, domain,
meaning, whether recorded monthly, which of them a scenario may not set at the start) and the
names of the outcome flags.

Scenarios (``initial:``, trigger conditions, exogenous paths) and calibration targets name these;
the model builds its state and its results from the same table. It is data on the config floor so
that inputs are checked without importing the model, and the model reads it in turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import yaml

STATE_VARIABLES_FILE = "state_variables.yaml"


@dataclass(frozen=True)
class Var:
    unit: str
    lo: float
    hi: float
    meaning: str
    indicator: bool = False  # recorded in the monthly time series


def _load_state_variables() -> dict[str, Var]:
    """The domain table, read once from the YAML file shipped next to this module."""
    raw = yaml.safe_load(resources.files("unionsim.config").joinpath(STATE_VARIABLES_FILE)
                         .read_text("utf-8"))
    return {name: Var(str(v["unit"]), float(v["lo"]), float(v["hi"]), str(v["meaning"]),
                      bool(v.get("indicator", False)))
            for name, v in raw.items()}


# Units, bounds and meanings of the state variables are data, not code: see the YAML file.
STATE_VARIABLES: dict[str, Var] = _load_state_variables()


# State variables a scenario's ``initial:`` may not set, and why: the model recomputes them
# from others (or from an exogenous path) before anyone reads them.
NOT_SETTABLE: dict[str, str] = {
    "tension": "it follows the scenario's tension path; set paths.tension instead",
    "oil_price_index": "it follows the scenario's oil path; set paths.oil_price_index instead",
    "presence": "it is derived from the troops on the ground; set rotation_months, "
                "exercise_troops_k with exercise_months, permanent_troops_k, base_agreed or "
                "occupied instead",
    "sovereignty": "it is derived from roadmaps in force, supranational bodies, presence and "
                   "assets sold; set those instead",
    "outside_options": "it is derived from Western engagement, an energy offer, diversification "
                       "and sanctions; set those instead",
    "economic_stress": "it is derived from reserves and growth; set those instead",
    "russian_strain": "it is derived from the oil price; set paths.oil_price_index instead",
    "refinancing_due": "it is derived from the debt owed to Russia; set russian_debt instead",
    "refinancing_pressure": "it is derived from the Russian debt due and reserves; set "
                            "russian_debt and reserves instead",
    "financing_gap": "it is derived from reserves and the funding balance; set reserves, "
                     "energy_support or russian_debt instead",
    "protest_share": "this month's protest is recomputed from grievances; set protest_peak (the "
                     "protest history) or legitimacy instead",
    "lever_dispute_seen": "Minsk notes at the start the dispute it faces (levers.new_pressure); "
                          "set dispute instead",
    "lever_sanctions_seen": "Minsk notes at the start the sanctions in force; set sanctions_level "
                            "or us_sanctions instead",
    "lever_war_seen": "Minsk notes at the start whether a war next door is on; schedule a "
                      "war_next_door event instead",
}

INDICATORS: tuple[str, ...] = tuple(k for k, v in STATE_VARIABLES.items() if v.indicator)


# Run-level flags of every run (columns of outcomes.parquet; defined in `model.outcomes`).
FLAGS = ("mass_protests", "ukraine_like_protests", "crisis_logic", "forces_deployed",
         "takeover_attempted", "troops_stayed", "temporary_deployment", "sectoral_sanctions",
         "western_energy_offer", "trade_war", "russian_loan", "default", "asset_sale",
         "integration_signed", "regime_fell",
         # a war next door (see `actors.war`)
         "war_asked", "staging_allowed", "joint_grouping_activated", "combat_role",
         "exercise_troops_stayed_a_while", "exercise_troops_used",
         # Belarus's armed forces (see `actors.army`)
         "army_purged", "army_refused_repression", "army_refused_abroad",
         # strategic deployments and counter-levers (see `actors.strategic`)
         "strategic_deployed", "guarantees_requested", "transit_threatened",
         "neighbours_pressured", "mediation_offered", "border_closed",
         # the US and the EU
         "us_deal", "us_eased", "us_eu_diverged", "us_oil_offer")
