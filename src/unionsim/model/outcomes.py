"""How a run ends: one primary outcome by a documented precedence, plus co-occurring flags.

Precedence, from the most to the least drastic (an outcome higher up absorbs the ones below):

1. ``absorption``: Russia has taken Belarus over (SC15, KRE-16).
2. ``regime_change``: the regime fell to protest and elite defection (SC16, SC19).
3. ``supranational_union``: supranational bodies exist, sovereignty shared (U20, MIN-05, KRE-01).
4. ``permanent_presence``: Russian forces stationed permanently (a base or troops that stayed
   after an exercise, SC10, SC11).
5. ``economic_integration``: most signed roadmaps in force, without supranational bodies (U29).
6. ``symbolic_integration``: roadmaps signed but mostly not implemented (SYS-01, SC6).
7. ``status_quo``: nothing new signed; relations marketised by subsidy cuts (SC1, KRE-07).
"""

from __future__ import annotations

from types import SimpleNamespace

from unionsim.model.state import Presence, Regime, SanctionLevel, WorldState

OUTCOMES = ("absorption", "regime_change", "supranational_union", "permanent_presence",
            "economic_integration", "symbolic_integration", "status_quo")

FLAGS = ("mass_protests", "ukraine_like_protests", "crisis_logic", "forces_deployed",
         "takeover_attempted", "troops_stayed", "temporary_deployment", "sectoral_sanctions",
         "western_energy_offer", "trade_war", "russian_loan", "default", "asset_sale",
         "integration_signed", "regime_fell")

FINAL_INDICATORS = ("sovereignty", "energy_support", "reserves", "debt", "loans_total", "growth",
                    "roadmaps_signed", "roadmaps_implemented", "supranational_bodies",
                    "presence", "protest_peak", "legitimacy", "elite_cohesion",
                    "sanctions_level", "western_engagement", "kremlin_trust", "tension",
                    "nato_posture", "support_incorporation", "support_union",
                    "support_independence", "west_orientation", "assets_sold")


def classify(s: WorldState, p: SimpleNamespace) -> str:
    """The primary outcome of a finished run (see the module docstring for the precedence)."""
    o = p.outcomes
    if s.absorbed:
        return "absorption"
    if s.regime == Regime.NEW_REGIME:
        return "regime_change"
    if s.supranational_bodies:
        return "supranational_union"
    if s.presence >= Presence.PERMANENT_BASE:
        return "permanent_presence"
    if s.roadmaps_signed >= o.min_signed_roadmaps:
        implemented = s.roadmaps_implemented / s.roadmaps_signed
        if implemented >= o.implemented_share:
            return "economic_integration"
        return "symbolic_integration"
    return "status_quo"


def run_flags(s: WorldState, flags: dict, max_sanctions: float, max_radicalism: float,
              p: SimpleNamespace) -> dict[str, bool]:
    """Flags that may co-occur with any outcome."""
    return {
        "mass_protests": s.protest_peak >= p.public.mass_protest_share,
        "ukraine_like_protests": max_radicalism >= p.kremlin.crisis_threshold,
        "crisis_logic": bool(flags["crisis_logic"]),
        "forces_deployed": bool(flags.get("forces_deployed", False)),
        "takeover_attempted": bool(s.intervention_attempted),
        "troops_stayed": bool(flags["troops_stayed"]),
        "temporary_deployment": bool(flags.get("temporary_deployment", False)),
        "sectoral_sanctions": max_sanctions >= SanctionLevel.SECTORAL,
        "western_energy_offer": bool(s.energy_offer),
        "trade_war": bool(flags["trade_war"]),
        "russian_loan": s.loans_total > 0,
        "default": bool(s.defaulted),
        "asset_sale": s.assets_sold > 0,
        "integration_signed": s.roadmaps_signed > 0 or s.supranational_signed > 0,
        "regime_fell": s.regime == Regime.NEW_REGIME,
    }


def final_indicators(s: WorldState) -> dict[str, float]:
    """The indicators recorded at the end of a run."""
    return {name: float(getattr(s, name)) for name in FINAL_INDICATORS}
