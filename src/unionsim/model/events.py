"""What scheduled events do. Each event changes the world state or asks an actor to decide;
none writes an outcome. The event types themselves (their fields) are in `config.schema`; the
sizes of their side effects that a scenario does not set (how much a cut inflames the dispute,
how much an ultimatum counts as coercion, ...) are parameters under ``events.*``."""

from __future__ import annotations

from typing import Callable

import numpy as np

from unionsim.config.schema import (AirbaseDemand, CandidatesJailed, EconomicShock, Election,
                                    EnergyOffer, EventBase, Exercise, InfoCampaign,
                                    KaliningradCrisis, LeaderExit, NatoBuildup, NatoExercise,
                                    OilPriceShock, RoadmapRound, SanctionsPackage, Scenario,
                                    SubsidyCut, TaxManoeuvreStep, TensionShock, Ultimatum, Unrest,
                                    WarNextDoor)
from unionsim.model.rules import public as public_rules
from unionsim.model.rules import west as west_rules
from unionsim.model.state import MAX_SANCTIONS, Regime, clip01, shift_tension


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
    model.state.round_threat = 0.0


def subsidy_cut(model, e: SubsidyCut) -> None:
    """Moscow cuts energy support (E10, E11); Minsk and the public read it as coercion (MIN-45,
    BYP-17)."""
    s = model.state
    cut = min(e.cut_bn, s.energy_support)
    s.energy_support -= cut
    s.dispute = clip01(s.dispute + model.p.events.subsidy_cut_dispute)
    s.coercion = clip01(s.coercion + model.p.events.subsidy_cut_coercion)
    model.note_event("event", f"Moscow cuts support by ${cut:.2f}bn/yr to "
                              f"${s.energy_support:.2f}bn/yr")


def ultimatum(model, e: Ultimatum) -> None:
    """An ultimatum: a round of talks whose failure costs the threatened support (U13, KRE-04,
    KRE-37); seen by many as a threat to statehood (SC4), so it also counts as coercion."""
    roadmap_round(model, e)
    s = model.state
    s.round_threat = e.threat_bn
    s.coercion = clip01(s.coercion + model.p.events.ultimatum_coercion)
    model.note_event("event", f"ultimatum: integration by the deadline or ${e.threat_bn:.1f}bn/yr "
                              f"of support goes")


def airbase_demand(model, e: AirbaseDemand) -> None:
    """Moscow asks for a base (M25, SIL-05, KRE-26); Minsk answers next month."""
    s = model.state
    s.base_demand = 1.0
    s.coercion = clip01(s.coercion + model.p.events.airbase_demand_coercion)
    model.note_event("event", "Moscow demands an airbase in Belarus")


def nato_exercise(model, e: NatoExercise) -> None:
    """A large NATO exercise near Belarus (M33, NAT-05): tension rises, Minsk feels threatened."""
    s = model.state
    s.nato_exercise_months = max(s.nato_exercise_months, float(e.months))
    s.tension_excess = shift_tension(s.tension_excess, e.tension)
    model.note_event("event", f"NATO exercise {e.name} for {e.months} months")


def nato_buildup(model, e: NatoBuildup) -> None:
    """NATO reinforces the eastern flank (M36, NAT-04, NAT-06); tension rises in proportion."""
    s, n = model.state, model.p.nato
    s.nato_posture = clip01(s.nato_posture + e.posture)
    s.tension_excess = shift_tension(s.tension_excess,
                                     n.tension_impulse * e.posture / n.reinforce_step)
    model.note_event("event", f"NATO build-up: posture {s.nato_posture:.2f}")


def oil_price_shock(model, e: OilPriceShock) -> None:
    """The oil price moves by a factor for some months (E24, MON-03)."""
    s = model.state
    s.oil_shock_factor = e.factor
    s.oil_shock_months = float(e.months)
    model.note_event("event", f"oil price x{e.factor:g} for {e.months} months")


def sanctions_package(model, e: SanctionsPackage) -> None:
    """The West adopts a sanctions package (L25, WES-06), which cuts engagement by
    `rules.west.SANCTIONS_PACKAGE_ENGAGEMENT_CUT` a level."""
    s = model.state
    s.sanctions_level = min(MAX_SANCTIONS, s.sanctions_level + e.levels)
    s.western_engagement = clip01(s.western_engagement
                                  - west_rules.SANCTIONS_PACKAGE_ENGAGEMENT_CUT * e.levels)
    model.note_event("event", f"Western sanctions package: level {s.sanctions_level:.0f}")


def energy_offer(model, e: EnergyOffer) -> None:
    """The West offers alternative oil (E31, WES-08)."""
    model.state.energy_offer = 1.0
    model.note_event("event", "the West offers alternative oil supplies")


def info_campaign(model, e: InfoCampaign) -> None:
    """A Russian information campaign keeps its intensity up for some months (HYB-01, FAC-03)."""
    s = model.state
    s.info_floor = e.intensity
    s.info_floor_months = float(e.months)
    s.info_campaign = max(s.info_campaign, e.intensity)
    s.coercion = clip01(s.coercion + model.p.events.info_campaign_coercion)
    model.note_event("event", f"Russian information campaign, intensity {e.intensity:.1f}, for "
                              f"{e.months} months")


def unrest(model, e: Unrest) -> None:
    """A wave of grievance and militancy in the street of a documented kind (BYP-18, L9, KRE-16,
    HYB-03); its sizes are parameters (`rules.public.unrest_wave`)."""
    s = model.state
    grievance, militancy = public_rules.unrest_wave(e.kind, model.p)
    s.unrest_grievance = grievance
    s.unrest_militancy = militancy
    s.unrest_months = float(e.months)
    model.note_event("event", f"{e.kind.replace('_', '-')} unrest: grievance +{grievance:.2f}, "
                              f"militancy +{militancy:.2f} for {e.months} months")


def tension_shock(model, e: TensionShock) -> None:
    """Russia-West tension jumps (or eases) for reasons outside Belarus (MIN-21, NAT-03)."""
    s = model.state
    s.tension_excess = shift_tension(s.tension_excess, e.delta)
    model.note_event("event", f"Russia-West tension {e.delta:+.2f}")


def kaliningrad_crisis(model, e: KaliningradCrisis) -> None:
    """A crisis over the corridor to Kaliningrad (NAT-11, NAT-12, SC13): tension, NATO exercises,
    and a Russian demand for forces and transit in Belarus."""
    s = model.state
    s.tension_excess = shift_tension(s.tension_excess, e.tension)
    s.nato_exercise_months = max(s.nato_exercise_months, float(e.months))
    s.base_demand = 1.0
    model.note_event("event", "crisis over the Suwalki gap and the corridor to Kaliningrad")


def leader_exit(model, e: LeaderExit) -> None:
    """Lukashenka leaves; a successor takes over in a transfer Moscow expects to steer (SC18,
    KRE-18). After a fall of the regime there is no Lukashenka left to leave."""
    s = model.state
    if s.regime != Regime.INCUMBENT:
        model.note_event("event", "leader exit: no effect, the regime has already changed")
        return
    s.regime = float(Regime.SUCCESSOR)
    s.elite_cohesion = clip01(s.elite_cohesion - e.cohesion_loss)
    model.minsk.become_successor(new_regime=False)
    model.note_event("event", "Lukashenka leaves office; a successor takes over")


def election(model, e: Election) -> None:
    """An election raises the salience of fraud: grievance on the street, pre-emptive repression
    by the regime, attention in the West (MIN-49, MIN-52, L6, L8). How salient it becomes depends
    on its serious challengers (`rules.public.campaign_strength`): new faces who draw crowds (2020,
    MIN-52) make it a moment of danger; with none, because the opposition holds back under the
    Russian threat (2015, BYP-12, L6b), it stays stage-managed (MIN-49). Whether it brings mass
    protest depends on the other grievances in the state."""
    s, p = model.state, model.p
    strength = public_rules.campaign_strength(e.serious_challengers, p)
    peak = p.public.election_salience * strength
    s.election_salience = clip01(max(s.election_salience,
                                     peak if e.kind == "presidential"
                                     else p.events.parliamentary_salience_share * peak))
    model.note_event("event", f"{e.kind} election ({e.serious_challengers} serious challengers, "
                              f"campaign strength {strength:.2f})")


def economic_shock(model, e: EconomicShock) -> None:
    """An exogenous recession such as Covid-19 (L30, BYP-18), of ``growth_pp`` or, for a
    documented recession the documents do not size, of ``events.recession_growth_pp`` (E23,
    L30). ``mishandled`` records that the regime is seen to mishandle it (the 2020 Covid handling
    sparked protests and put the blame on Lukashenka personally: BYP-18, ELI-11); the public
    remembers it for a while (``shock_mishandling`` is then 1 and fades)."""
    s = model.state
    growth = model.p.events.recession_growth_pp if e.growth_pp is None else e.growth_pp
    s.shock_growth_pp = growth
    s.shock_months = float(e.months)
    if e.mishandled:
        s.shock_mishandling = 1.0
    handled = ", seen as mishandled" if e.mishandled else ""
    model.note_event("event", f"{e.label}: growth {growth:+.1f} pp for {e.months} months"
                              f"{handled}")


def candidates_jailed(model, e: CandidatesJailed) -> None:
    """Serious challengers are jailed before an election (MIN-52, L8): a grievance on the
    street, and political prisoners whose release is one of the West's conditions for easing
    sanctions (WES-01). ``candidates_jailed`` is the share of the race's serious challengers held
    (``jailed`` / ``serious_challengers``). They stay in jail until the regime stops cracking down
    (see `Minsk.meet_the_street`). The West sanctions violent repression of the street, not these
    arrests alone (WES-06), so they do not enter its record of abuse."""
    s = model.state
    s.candidates_jailed = max(s.candidates_jailed, e.jailed / e.serious_challengers)
    model.note_event("event", f"{e.jailed} of {e.serious_challengers} serious challengers jailed")


def exercise(model, e: Exercise) -> None:
    """A joint exercise: Minsk decides how many Russian troops to admit and whether to invite
    observers (MIN-32, M20-M23); at its end Moscow decides whether troops leave (SC11)."""
    admitted = model.minsk.host_exercise(e.russian_troops_k, e.name)
    s = model.state
    s.exercise_troops_k = admitted
    s.exercise_months = float(e.duration_months)
    model.note_event("event", f"{e.name} exercise: {admitted:.1f}k Russian troops admitted of "
                              f"{e.russian_troops_k:.1f}k requested")


def war_next_door(model, e: WarNextDoor) -> None:
    """A war between Russia and a third country begins next door (SC23, SC13, NAT-10): Russia-West
    tension rises with its intensity (``war.tension_excess``) and, while it lasts, the Kremlin
    may ask Minsk for a role in it (`actors.war`). A war already under way takes the higher
    intensity and the longer of the two durations."""
    s = model.state
    months = float(e.months) if e.months is not None else float(model.horizon + 1)
    if s.war_next_door:
        s.war_intensity = max(s.war_intensity, e.intensity)
        s.war_months_left = max(s.war_months_left, months)
    else:
        s.war_intensity = e.intensity
        s.war_months_left = months
    s.war_next_door = 1.0
    s.tension_excess = shift_tension(s.tension_excess,
                                     model.p.war.tension_excess * e.intensity)
    length = f"for {e.months} months" if e.months is not None else "with no end in sight"
    model.note_event("event", f"war next door: Russia against {e.adversary}, intensity "
                              f"{e.intensity:.1f}, {length}")


HANDLERS: dict[type[EventBase], Callable] = {
    TaxManoeuvreStep: tax_manoeuvre_step, SubsidyCut: subsidy_cut, RoadmapRound: roadmap_round,
    Ultimatum: ultimatum, AirbaseDemand: airbase_demand, Exercise: exercise,
    NatoExercise: nato_exercise, NatoBuildup: nato_buildup, Election: election,
    EconomicShock: economic_shock, OilPriceShock: oil_price_shock,
    SanctionsPackage: sanctions_package, EnergyOffer: energy_offer, InfoCampaign: info_campaign,
    Unrest: unrest, TensionShock: tension_shock, KaliningradCrisis: kaliningrad_crisis,
    LeaderExit: leader_exit, CandidatesJailed: candidates_jailed, WarNextDoor: war_next_door,
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
