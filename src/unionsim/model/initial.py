"""The world at the start month: the state from the ``initial`` parameter group and a scenario's
``initial:`` values made consistent with each other, and the public's cohorts rescaled to the
opinion a scenario sets. Pure functions over the state, the parameters and the cohorts."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Mapping

from unionsim.model.accounts import money_position
from unionsim.model.rules import economy as econ
from unionsim.model.state import SanctionLevel, WorldState, clip, clip01, fold_sum


def _derive_money(s: WorldState, p: SimpleNamespace) -> None:
    """What follows from the debt owed to Russia and the reserves: refinancing due, its pressure
    and the financing gap (set at the start, after any `initial:` values), at the funding
    balance of a month without a trade war."""
    money_position(s, p, econ.funding_balance(s.energy_support, s.western_finance, False,
                                              s.sanctions_level, p, s.russian_debt))


def initial_state(p: SimpleNamespace, tension: float,
                  initial: Mapping[str, float] | None = None) -> WorldState:
    """The world at the start month, from the ``initial`` parameter group (January 2019 in the
    shipped parameters: E15, E17, M36, L13, L19, L21), then the scenario's ``initial:`` values.

    What depends on a value the scenario sets is made consistent with it: loans received are
    debt and debt owed to Russia (unless the scenario gives those too), the economy has adjusted
    to the support and sanctions in force, the refinancing due, Moscow's leverage and the
    financing gap follow the debt and reserves, the protest peak is at least the protest in
    progress, and sanctions in force come with a Western memory of repression that justifies
    them (unless the scenario gives that memory). Opinion values are applied to the public's
    cohorts by `apply_initial_opinion`.
    """
    i = p.initial
    s = WorldState()
    s.energy_support = i.energy_support
    s.reserves = i.reserves
    s.debt = i.debt
    s.russian_debt = i.russian_debt
    s.support_reference = i.energy_support
    s.sanctions_reference = i.sanctions_level
    _derive_money(s, p)
    s.growth = i.growth
    s.tension = clip(tension, 0.0, 1.0)
    s.nato_posture = i.nato_posture
    s.kremlin_trust = i.kremlin_trust
    s.western_engagement = i.western_engagement
    s.sanctions_level = i.sanctions_level
    s.repression = i.repression
    s.elite_cohesion = i.elite_cohesion
    s.info_campaign = i.info_campaign
    s.belarusianisation = i.belarusianisation
    s.diversified = i.diversified
    # Belarus's armed forces start at their parameters' levels (army.*)
    s.army_loyalty = p.army.base_loyalty
    s.army_russian_ties = p.army.initial_russian_ties
    s.army_abroad_willingness = p.army.base_abroad_willingness
    s.us_engagement = p.us.initial_engagement
    if not initial:
        return s
    for name, value in initial.items():
        setattr(s, name, float(value))
    if "debt" not in initial:
        s.debt += s.loans_total
    if "russian_debt" not in initial:
        s.russian_debt += s.loans_total  # Russian loans are owed to Russia
    # the economy has adjusted to the support and sanctions in force at the start
    if "support_reference" not in initial:
        s.support_reference = s.energy_support
    if "sanctions_reference" not in initial:
        s.sanctions_reference = s.sanctions_level
    _derive_money(s, p)
    s.protest_peak = max(s.protest_peak, s.protest_share)
    if "abuse_memory" not in initial and s.sanctions_level >= SanctionLevel.INDIVIDUAL:
        s.abuse_memory = max(s.abuse_memory, p.west.abuse_threshold)
    if s.roadmaps_implemented > s.roadmaps_signed:
        s.roadmaps_signed = s.roadmaps_implemented
    return s


def apply_initial_opinion(cohorts: list, initial: Mapping[str, float]) -> None:
    """Rescale the public's cohorts so that the weighted opinion aggregates a scenario sets in
    ``initial:`` hold at the start, keeping the differences between cohorts (their ratios).

    The three positions on the Russia question (incorporation, union, independence) stay shares
    of one whole: the positions the scenario does not set share the rest in their old ratios.
    """
    fields = {"legitimacy": "legitimacy", "support_incorporation": "incorporation",
              "support_union": "union", "support_independence": "independence",
              "west_orientation": "west"}
    given = {fields[name]: value for name, value in initial.items() if name in fields}
    if not given:
        return
    for attr, target in given.items():
        current = fold_sum(c.weight * getattr(c, attr) for c in cohorts)
        ratio = target / current if current > 0 else 0.0
        for c in cohorts:
            setattr(c, attr, clip01(getattr(c, attr) * ratio if current > 0 else target))
    positions = ("incorporation", "union", "independence")
    fixed = [a for a in positions if a in given]
    free = [a for a in positions if a not in given]
    if not fixed:
        return
    for c in cohorts:
        rest = max(0.0, 1.0 - fold_sum(getattr(c, a) for a in fixed))
        old = fold_sum(getattr(c, a) for a in free)
        for a in free:
            setattr(c, a, rest * getattr(c, a) / old if old > 0 else rest / len(free))
