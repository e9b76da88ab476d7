"""What scheduled events do. Each event changes the world state or asks an actor to decide;
none writes an outcome. The event types themselves (their fields) are in `config.schema`."""

from __future__ import annotations

from typing import Callable

import numpy as np

from unionsim.config.schema import (EconomicShock, Election, EventBase, Exercise, RoadmapRound,
                                    Scenario, TaxManoeuvreStep)
from unionsim.model.state import clip01


def tax_manoeuvre_step(model, e: TaxManoeuvreStep) -> None:
    """Russia's tax manoeuvre removes part of the duty-free oil rent; Minsk demands compensation,
    which opens a dispute (E1-E6, E5b, SC2)."""
    s = model.state
    cut = min(e.cut_bn, s.energy_support)
    s.energy_support -= cut
    s.dispute = clip01(s.dispute + model.p.events.tax_step_dispute)
    model.note_event("event", f"tax manoeuvre step: Russian support falls by ${cut:.2f}bn/yr to "
                              f"${s.energy_support:.2f}bn/yr")


def roadmap_round(model, e: RoadmapRound) -> None:
    """Moscow opens integration talks with a deadline; compensation is offered for integration
    (KRE-04, KRE-05, U15-U23)."""
    model.open_round(depth=2.0 if e.depth == "supranational" else 1.0,
                     size=float(e.roadmaps if e.depth == "roadmaps" else 1),
                     deadline=float(model.spec.month_of(e.deadline)),
                     summit_every=e.summit_every)


def election(model, e: Election) -> None:
    """An election raises the salience of fraud: grievance on the street, pre-emptive repression
    by the regime, attention in the West (MIN-49, MIN-52, L6, L8)."""
    s = model.state
    peak = model.p.public.election_salience
    s.election_salience = clip01(max(s.election_salience,
                                     peak if e.kind == "presidential" else 0.3 * peak))
    model.note_event("event", f"{e.kind} election")


def economic_shock(model, e: EconomicShock) -> None:
    """An exogenous recession such as Covid-19 (L30, BYP-18)."""
    s = model.state
    s.shock_growth_pp = e.growth_pp
    s.shock_months = float(e.months)
    model.note_event("event", f"{e.label}: growth {e.growth_pp:+.1f} pp for {e.months} months")


def exercise(model, e: Exercise) -> None:
    """A joint exercise: Minsk decides how many Russian troops to admit and whether to invite
    observers (MIN-32, M20-M23); at its end Moscow decides whether troops leave (SC11)."""
    admitted = model.minsk.host_exercise(e.russian_troops_k, e.name)
    s = model.state
    s.exercise_troops_k = admitted
    s.exercise_months = float(e.duration_months)
    model.note_event("event", f"{e.name} exercise: {admitted:.1f}k Russian troops admitted of "
                              f"{e.russian_troops_k:.1f}k requested")


HANDLERS: dict[type[EventBase], Callable] = {
    TaxManoeuvreStep: tax_manoeuvre_step,
    RoadmapRound: roadmap_round,
    Election: election,
    EconomicShock: economic_shock,
    Exercise: exercise,
}


def apply_event(model, event: EventBase) -> None:
    """Carry out one scheduled event."""
    HANDLERS[type(event)](model, event)


def interpolate_path(points: list[tuple], scenario: Scenario, default: float) -> np.ndarray:
    """Value for months 0..horizon, linear between points, flat before the first and after the
    last; ``default`` when no points are given."""
    months = np.arange(scenario.horizon + 1, dtype=float)
    if not points:
        return np.full(months.shape, default)
    xs = np.array([scenario.month_of(m) for m, _ in points], dtype=float)
    ys = np.array([v for _, v in points], dtype=float)
    return np.interp(months, xs, ys)
