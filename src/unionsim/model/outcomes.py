"""How a run ends: end states in several dimensions, one primary outcome by a documented
precedence, co-occurring flags and the months of the first key events.

The primary outcome sums a run up in one label, which hides what co-occurs; analysts should
read the dimensions (``DIMENSIONS``): integration, Russian military presence, alignment, regime,
economy, the role in a war next door and strategic systems, each a label, plus the implemented
share and the timings (``TIMINGS``). Thresholds are the ``outcomes.*`` parameters.

Precedence of the primary outcome, from the most to the least drastic (an outcome higher up
absorbs the ones below):

1. ``absorption``: Russia has taken Belarus over (SC15, KRE-16).
2. ``regime_change``: the regime fell to protest and elite defection (SC16, SC19).
3. ``supranational_union``: supranational bodies exist, sovereignty shared (U20, MIN-05, KRE-01).
4. ``permanent_presence``: Russian forces stationed permanently (a base or troops that stayed
   after an exercise or a deployment, SC10, SC11).
5. ``economic_integration``: most signed roadmaps in force, without supranational bodies (U29):
   a lasting structural change, like those above.
6. ``rupture``: an open break with Moscow at the end: a failed takeover, or a live dispute with
   the Kremlin's trust spent (MIN-20 exit threats, SYS-07 trade wars, SC26).
7. ``dependence``: "Russia's embrace": under Western sanctions and cut off from the West, living
   on Russian loans, or held by Russian forces sent in (SC20, MIN-53, KRE-19, E12, M47).
8. ``symbolic_integration``: roadmaps signed early enough to be implemented, but mostly not in
   force (SYS-01, SC6).
9. ``integration_pending``: roadmaps signed too late in the run to judge their implementation
   (U29: the key roadmaps enter into force one to two years after approval).
10. ``western_rapprochement``: sanctions off, Western engagement up and energy diversified
    (SC21, SC22, WES-02, E30).
11. ``status_quo``: nothing of the above; relations marketised by subsidy cuts (SC1, KRE-07).

A Belarus taken over or with Russian forces sent in is never ``status_quo``: the first is
``absorption``, the second at least ``dependence`` (their alignment is ``dependent``).
"""

from __future__ import annotations

import math
from types import SimpleNamespace

from unionsim.config.vocabulary import FLAGS
from unionsim.model.state import (STRATEGIC_LABELS, Presence, Regime, SanctionLevel,
                                  WorldState)

# the levels read once, not every month (see the note on the enums in `unionsim.model.state`)
_INDIVIDUAL_SANCTIONS, _SECTORAL_SANCTIONS = SanctionLevel.INDIVIDUAL, SanctionLevel.SECTORAL

OUTCOMES = ("absorption", "regime_change", "supranational_union", "permanent_presence",
            "economic_integration", "rupture", "dependence", "symbolic_integration",
            "integration_pending", "western_rapprochement", "status_quo")


# the war, army and lever flags are run-level memories the model keeps in `UnionModel.flags`
# under their own names
_MODEL_KEPT_FLAGS = FLAGS[FLAGS.index("war_asked"):FLAGS.index("border_closed") + 1]

# End-state dimensions: column name -> its labels, from none/mildest to the most drastic.
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "end_integration": ("none", "signed", "partly_implemented", "implemented", "supranational",
                        "absorbed"),
    "end_military": ("none", "rotation", "exercise_troops_stayed", "permanent_presence",
                     "forces_sent_in", "occupation"),
    "end_alignment": ("westward", "balanced", "dependent"),
    "end_regime": ("continuity", "managed_succession", "fell", "absorbed"),
    "end_economy": ("growth", "stagnation", "recession", "default"),
    # the most Minsk allowed Russia in a war next door ("none": never asked)
    "end_war_role": ("none", "refused", "limited", "full"),
    # part of the military dimension: Russian strategic systems in Belarus at the end
    "end_strategic": STRATEGIC_LABELS,
}

# The month (1 = the scenario's first month; 0 = already so at the start) of the first ...
# NaN when it never happened. Keys of `timing_tests`, in this order, are the column names.
TIMINGS = ("month_signed", "month_implemented", "month_individual_sanctions",
           "month_sectoral_sanctions", "month_loan", "month_deployment", "month_war_answer",
           "month_strategic")

FINAL_INDICATORS = ("sovereignty", "energy_support", "reserves", "debt", "loans_total", "growth",
                    "roadmaps_signed", "roadmaps_implemented", "supranational_bodies",
                    "presence", "protest_peak", "legitimacy", "elite_cohesion",
                    "sanctions_level", "western_engagement", "kremlin_trust", "tension",
                    "nato_posture", "support_incorporation", "support_union",
                    "support_independence", "west_orientation", "assets_sold",
                    "army_loyalty", "army_russian_ties", "us_sanctions", "us_engagement")

# Columns of outcomes.parquet besides the run's own (run, seed, status, error, param.*), in order.
RESULT_COLUMNS = (("outcome",) + tuple(DIMENSIONS) + ("implemented_share",) + TIMINGS + FLAGS
                  + FINAL_INDICATORS)


def implemented_share(s: WorldState) -> float:
    """Share of the signed roadmaps in force (0 when none were signed)."""
    return s.roadmaps_implemented / s.roadmaps_signed if s.roadmaps_signed > 0 else 0.0


def timing_tests(s: WorldState, flags: dict) -> tuple[bool, ...]:
    """Whether each event of `TIMINGS` has happened by now (read once a month by the model)."""
    return (s.roadmaps_signed > 0 or s.supranational_signed > 0,
            s.roadmaps_implemented >= 1 or s.supranational_bodies > 0,
            s.sanctions_level >= _INDIVIDUAL_SANCTIONS,
            s.sanctions_level >= _SECTORAL_SANCTIONS,
            s.loans_total > 0,
            bool(flags.get("forces_deployed", False)),
            bool(flags.get("war_answered", False)),
            s.strategic_systems > 0)


def _integration(s: WorldState, o: SimpleNamespace) -> str:
    if s.absorbed:
        return "absorbed"
    if s.supranational_bodies:
        return "supranational"
    if s.roadmaps_signed > 0:
        share = implemented_share(s)
        if share >= o.implemented_share:
            return "implemented"
        if share >= o.partly_implemented_share:
            return "partly_implemented"
        return "signed"
    return "signed" if s.supranational_signed else "none"


def _military(s: WorldState, flags: dict) -> str:
    if s.occupied or s.absorbed:
        return "occupation"
    if flags.get("forces_deployed"):
        return "forces_sent_in"
    if s.base_agreed:
        return "permanent_presence"
    if flags.get("troops_stayed") or s.presence >= Presence.PERMANENT_BASE:
        return "exercise_troops_stayed"
    if flags.get("temporary_deployment") or s.presence >= Presence.ROTATION:
        return "rotation"
    return "none"


def _alignment(s: WorldState, flags: dict, o: SimpleNamespace) -> str:
    # a regime held by Russian forces sent in depends on Moscow whatever its accounts say (M47)
    if flags.get("forces_deployed"):
        return "dependent"
    if (s.sanctions_level >= o.dependence_sanctions_min
            and s.western_engagement <= o.dependence_engagement_max
            and s.loans_total >= o.dependence_loans_min):
        return "dependent"
    if (s.sanctions_level <= o.westward_sanctions_max
            and s.western_engagement >= o.westward_engagement_min
            and (s.diversified >= o.westward_diversified_min or s.energy_offer > 0)):
        return "westward"
    return "balanced"


def _war_role(flags: dict) -> str:
    """The most Minsk allowed Russia in a war next door over the run: ``full`` (the joint grouping
    or a combat role), ``limited`` (staging, airspace or logistics), ``refused`` (asked, allowed
    nothing), ``none`` (no war, or no ask)."""
    if flags.get("joint_grouping_activated"):
        return "full"
    if flags.get("staging_allowed"):
        return "limited"
    if flags.get("war_asked"):
        return "refused"
    return "none"


def _regime(s: WorldState) -> str:
    if s.absorbed:
        return "absorbed"
    if s.regime == Regime.NEW_REGIME:
        return "fell"
    if s.regime == Regime.SUCCESSOR:
        return "managed_succession"
    return "continuity"


def _economy(s: WorldState, recent_growth: float, o: SimpleNamespace) -> str:
    if s.defaulted:
        return "default"
    if recent_growth < o.recession_growth_max:
        return "recession"
    if recent_growth < o.growth_band_min:
        return "stagnation"
    return "growth"


def end_states(s: WorldState, p: SimpleNamespace, flags: dict | None = None,
               recent_growth: float | None = None) -> dict[str, str]:
    """The end state of a finished run in each dimension of `DIMENSIONS`.

    ``flags`` are the model's run-level memories (forces deployed, troops stayed, ...);
    ``recent_growth`` is the mean annual growth over the run's last year (the final month's
    growth when not given).
    """
    flags = flags or {}
    o = p.outcomes
    growth = s.growth if recent_growth is None else recent_growth
    return {"end_integration": _integration(s, o), "end_military": _military(s, flags),
            "end_alignment": _alignment(s, flags, o), "end_regime": _regime(s),
            "end_economy": _economy(s, growth, o), "end_war_role": _war_role(flags),
            "end_strategic": STRATEGIC_LABELS[int(s.strategic_systems)]}


def is_rupture(s: WorldState, o: SimpleNamespace) -> bool:
    """An open break with Moscow at the end of the run: a failed takeover, or a live dispute
    while the Kremlin's trust is spent (MIN-20, SYS-07)."""
    if s.intervention_attempted and not s.absorbed:
        return True
    return s.dispute >= o.rupture_dispute_min and s.kremlin_trust <= o.rupture_trust_max


def classify(s: WorldState, p: SimpleNamespace, ends: dict[str, str] | None = None,
             month_signed: float = math.nan, horizon: int | None = None) -> str:
    """The primary outcome of a finished run (see the module docstring for the precedence).

    ``ends`` are the run's `end_states` (computed without flags when not given);
    ``month_signed`` and ``horizon`` tell a late signing from a symbolic one.
    """
    o = p.outcomes
    ends = ends or end_states(s, p)
    if s.absorbed:
        return "absorption"
    if s.regime == Regime.NEW_REGIME:
        return "regime_change"
    if s.supranational_bodies:
        return "supranational_union"
    if s.presence >= Presence.PERMANENT_BASE:
        return "permanent_presence"
    if ends["end_integration"] == "implemented":
        return "economic_integration"
    if is_rupture(s, o):
        return "rupture"
    if ends["end_alignment"] == "dependent":
        return "dependence"
    if ends["end_integration"] in ("signed", "partly_implemented"):
        late = horizon is not None and month_signed > horizon - o.late_signing_months
        return "integration_pending" if late else "symbolic_integration"
    if ends["end_alignment"] == "westward":
        return "western_rapprochement"
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
        **{name: bool(flags.get(name, False)) for name in _MODEL_KEPT_FLAGS},
        # Minsk took a US prisoner deal; the US eased; the US eased while EU sanctions
        # stood and the EU never eased by the end (the two diverged); the US offered oil
        "us_deal": bool(flags.get("us_deal", False)),
        "us_eased": bool(flags.get("us_eased", False)),
        "us_eu_diverged": bool(flags.get("us_eased_eu_holds", False))
        and not flags.get("eu_eased", False),
        "us_oil_offer": bool(flags.get("us_oil_offer", False)),
    }


def final_indicators(s: WorldState) -> dict[str, float]:
    """The indicators recorded at the end of a run."""
    return {name: float(getattr(s, name)) for name in FINAL_INDICATORS}
