"""The world's monthly bookkeeping, after every actor has moved and the economy has run: what
fades (disputes, coercion, campaigns, backing, shocks), what is derived from the month's state
(outside options, Russian presence, sovereignty, economic stress) and what the run remembers
(the flags of key events, the months they first happened). Pure functions over the state and
the parameters; the model calls them."""

from __future__ import annotations

import math
from types import SimpleNamespace

from unionsim.model import outcomes
from unionsim.model.actors.war import WAR_FLAGS
from unionsim.model.rules import economy as econ
from unionsim.model.state import WorldState


def initial_flags() -> dict[str, bool]:
    """The run-level memories of key events (`UnionModel.flags`), none happened at the start:
    the crisis logic, Russian troops and deployments, a trade war, the West's answer to a
    takeover, the US's and the EU's moves, a war next door (`actors.war.WAR_FLAGS`), strategic
    deployments and Minsk's counter-levers, and the army's purge and refusals."""
    flags = dict.fromkeys(("crisis_logic", "troops_stayed", "trade_war", "temporary_deployment",
                           "forces_deployed", "west_answered_takeover",
                           "us_deal", "us_eased", "eu_eased", "us_eased_eu_holds",
                           "us_oil_offer"), False)
    flags.update(dict.fromkeys(WAR_FLAGS, False))
    flags.update(dict.fromkeys(("strategic_deployed", "guarantees_requested",
                                "transit_threatened", "neighbours_pressured",
                                "mediation_offered", "border_closed"), False))
    flags.update(dict.fromkeys(("army_purged", "army_refused_repression",
                                "army_refused_abroad"), False))
    return flags


def initial_timings() -> list[float]:
    """The month each of `outcomes.TIMINGS` first happened, NaN until it does."""
    return [math.nan] * len(outcomes.TIMINGS)


def decay(s: WorldState, p: SimpleNamespace) -> None:
    """One month's fading: disputes, coercion, Minsk's tilt, the information campaign (down to
    its floor), Russian backing, Belarusianisation, an election's salience, the memory of a
    mishandled shock and excess tension fade at their monthly rates; Kremlin trust drifts back
    to its usual level; rotations, shocks, unrest, a campaign's floor, NATO exercises and
    Russian exercise troops count down their months."""
    d = p.world
    # every `max(a, b)` of this monthly step is written out as `b if b > a else a` (the same
    # value: a builtin call costs several times the comparison)
    s.dispute *= 1.0 - d.dispute_decay
    s.coercion *= 1.0 - d.coercion_decay
    s.minsk_west_tilt *= 1.0 - d.tilt_decay
    floor = p.initial.info_campaign * d.info_floor_share
    faded = s.info_campaign * (1.0 - d.info_decay)
    s.info_campaign = faded if faded > floor else floor
    s.russian_backing *= 1.0 - d.backing_decay
    s.kremlin_trust += d.trust_reversion * (p.initial.kremlin_trust - s.kremlin_trust)
    s.belarusianisation *= 1.0 - d.identity_decay
    s.election_salience *= 1.0 - p.public.salience_decay
    s.shock_mishandling *= 1.0 - p.public.mishandling_decay
    s.tension_excess *= 1.0 - d.tension_decay
    left = s.rotation_months - 1.0
    s.rotation_months = left if left > 0.0 else 0.0
    left = s.oil_shock_months - 1.0
    s.oil_shock_months = left if left > 0.0 else 0.0
    left = s.unrest_months - 1.0
    s.unrest_months = left if left > 0.0 else 0.0
    if s.info_floor_months > 0:
        s.info_campaign = s.info_floor if s.info_floor > s.info_campaign else s.info_campaign
        s.info_floor_months -= 1.0
    left = s.nato_exercise_months - 1.0
    s.nato_exercise_months = left if left > 0.0 else 0.0
    if s.exercise_months > 0 and s.exercise_troops_k > 0:
        s.exercise_months -= 1.0


def derive(s: WorldState, p: SimpleNamespace) -> None:
    """The variables that follow from the month's state: Minsk's outside options, the level of
    Russian military presence, sovereignty and economic stress."""
    s.outside_options = econ.outside_options(s.western_engagement, s.energy_offer > 0,
                                             s.diversified, s.sanctions_level, p,
                                             us_sanctions=s.us_sanctions,
                                             us_engagement=s.us_engagement)
    s.presence = econ.presence_level(s.rotation_months, s.exercise_troops_k,
                                     s.permanent_troops_k, s.base_agreed > 0, s.occupied > 0)
    s.sovereignty = econ.sovereignty_index(s.roadmaps_implemented, s.supranational_bodies > 0,
                                           s.presence, s.assets_sold, s.absorbed > 0, p)
    s.economic_stress = econ.economic_stress(s.reserves, s.growth, p)


def note_timings(timings: list[float], s: WorldState, flags: dict, month: int) -> bool:
    """Write ``month`` into ``timings`` for each of `outcomes.TIMINGS` that happened for the first
    time; whether any is still to happen."""
    still_open = False
    for i, happened in enumerate(outcomes.timing_tests(s, flags)):
        if timings[i] != timings[i]:  # NaN != NaN: not yet recorded
            if happened:
                timings[i] = float(month)
            else:
                still_open = True
    return still_open
