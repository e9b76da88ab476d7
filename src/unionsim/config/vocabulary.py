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


# The decisions each actor takes by a logit over its options (`model.choice`), under the names the
# model logs them by (`unionsim trace`), with the options in the model's order. A scenario's
# ``policies:`` may take any of them out of the logit (`config.schema.policies`); the actors'
# ``classifier`` must list the same decisions and options (tests/test_policies.py checks it).
_BASE_ANSWERS = ("refuse", "rotation", "accept")
_KREMLIN_OPTIONS = ("hold", "cut_support", "demand_integration", "demand_base", "demand_assets",
                    "trade_war", "info_campaign", "bailout", "concession", "security_support",
                    "deploy_forces", "intervene")
DECISIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "minsk": {
        "domestic": ("tolerate", "co_opt", "repress"),
        "integration_answer": ("refuse", "stall", "sign"),
        "implementation": ("drag", "implement"),
        "base_answer": _BASE_ANSWERS,
        "asset_answer": ("refuse", "sell"),
        "initiative": ("hold", "escalate", "blackmail", "anti_western", "diversify",
                       "open_west", "belarusianise", "request_loan"),
        "exercise_hosting": ("cap_and_observe", "host_as_requested"),
        "troops_answer": _BASE_ANSWERS,
        "us_deal": ("refuse", "accept"),
    },
    "army": {"order_repress": ("obey", "refuse"), "order_abroad": ("obey", "drag", "refuse")},
    **{faction: {"lobby": _KREMLIN_OPTIONS}
       for faction in ("siloviki", "raiders", "monetarists", "restrainers")},
    "putin": {"policy": _KREMLIN_OPTIONS,
              "exercise_exit": ("withdraw", "leave_troops", "stay_a_while")},
    "war.putin": {"war_ask": ("none", "logistics", "airspace", "staging", "joint_grouping",
                              "combat_role")},
    "war.minsk": {"war_answer": ("refuse", "allow_limited", "allow_full"),
                  "stay_answer": ("refuse", "allow")},
    "levers.kremlin": {"strategic": ("hold", "propose_delivery_systems",
                                     "propose_nuclear_weapons"),
                       "strategic_bargain": ("withdraw", "pay"),
                       "guarantee_answer": ("ignore", "declare", "offer_presence",
                                            "sell_systems", "grant_systems")},
    "levers.minsk": {"strategic_answer": ("refuse", "bargain", "accept"),
                     "guarantee_request": ("wait", "request_guarantees", "request_systems"),
                     "strategic_purchase": ("decline", "buy"),
                     "counter_lever": ("hold", "transit_threat", "neighbour_pressure",
                                       "mediation_offer")},
    "nato": {"posture": ("hold", "reinforce", "exercise", "restraint")},
    "west": {"policy": ("hold", "sanction", "ease", "engage", "energy_offer")},
    "us": {"policy": ("hold", "sanction", "ease", "engage", "offer_deal", "oil_offer")},
}

# Who each decision-taking actor is, for messages that list them.
ACTORS: dict[str, str] = {
    "minsk": "Minsk's leadership", "army": "Belarus's armed forces",
    "siloviki": "Kremlin faction", "raiders": "Kremlin faction",
    "monetarists": "Kremlin faction", "restrainers": "Kremlin faction",
    "putin": "the Kremlin (Putin as arbiter)",
    "war.putin": "the Kremlin's asks in a war next door",
    "war.minsk": "Minsk's answers in a war next door",
    "levers.kremlin": "the Kremlin on strategic deployments",
    "levers.minsk": "Minsk on strategic deployments and counter-levers",
    "nato": "NATO", "west": "the EU", "us": "the US",
}
