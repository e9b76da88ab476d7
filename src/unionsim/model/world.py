"""UnionModel: the Mesa model of the Union State, one month per step.

Order within a month (documented in docs/model.md, "Process overview"):
scheduled and triggered events -> exogenous paths -> the public -> Minsk -> the army (after Minsk's
domestic choice, before the elite reads its answer) -> the elite -> the Kremlin (factions
lobby, Putin acts) -> in a war next door, the Kremlin's ask and Minsk's answer (war.putin,
war.minsk) -> strategic deployments and Minsk's counter-levers (`actors.strategic.levers_step`)
-> NATO -> the West (the EU) -> the US -> the economy -> bookkeeping -> record.
"""

from __future__ import annotations

import operator
from functools import partial
from pathlib import Path
from struct import Struct
from typing import Any, Callable, Mapping

import mesa
import numpy as np

from unionsim.config.params import ParameterGroup, ParameterSet
from unionsim.config.scenario import LoadedScenario, load_scenario
from unionsim.config.schema import Policy, Scenario, month_label, split_key
from unionsim.draws import UniformDraws
from unionsim.model import accounts, bookkeeping, outcomes
from unionsim.model import events as ev
from unionsim.model.actors.army import Army
from unionsim.model.actors.kremlin import KremlinFaction, Putin
from unionsim.model.actors.minsk import Minsk
from unionsim.model.actors.public import Public, PublicCohort
from unionsim.model.actors.strategic import MinskLevers, StrategicKremlin, levers_step
from unionsim.model.actors.war import WarMinsk, WarPutin
from unionsim.model.actors.western import Eu, Nato, Us
from unionsim.model.choice import bernoulli
from unionsim.model.initial import apply_initial_opinion, initial_state
from unionsim.model.rules import elite as elite_rules
from unionsim.model.rules.kremlin import FACTIONS
from unionsim.model.state import INDICATORS, Regime, clip01, fold_sum
from unionsim.odds import percent

# the level read once, not every month (see the note on the enums in `unionsim.model.state`)
_NEW_REGIME = Regime.NEW_REGIME

# Named random streams, spawned from the run's seed: a scenario that adds an event elsewhere
# leaves every other actor's draws unchanged, so paired comparisons stay aligned.
_ROW = Struct(f"{len(INDICATORS)}d")  # one month of `UnionModel.series`, native float64
# The economy's end state is read over the run's final year (a definition: annual growth is
# judged on a year of months, `UnionModel.recent_growth`)
FINAL_YEAR_MONTHS = 12

STREAMS = ("minsk", "siloviki", "raiders", "monetarists", "restrainers", "putin", "nato", "west",
           "public", "elite", "army", "us", "war", "levers")


def seed_from(rng: Any) -> int:
    """An integer run seed from what Mesa or a user passes as ``rng``/``seed``."""
    if rng is None:
        return int(np.random.SeedSequence().generate_state(2, np.uint32).view(np.uint64)[0]
                   >> np.uint64(1))
    if isinstance(rng, (int, np.integer)):
        return int(rng)
    if isinstance(rng, np.random.SeedSequence):
        return int(rng.generate_state(2, np.uint32).view(np.uint64)[0] >> np.uint64(1))
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, np.iinfo(np.int64).max))
    raise TypeError(f"rng/seed must be an int, a numpy SeedSequence or Generator, not {type(rng)}")


class UnionModel(mesa.Model):
    """The Union State of Belarus and Russia as a Mesa model.

    >>> m = UnionModel(scenario="baseline", seed=7)      # doctest: +SKIP
    >>> m.run_model(); m.outcome                          # doctest: +SKIP

    Parameters
    ----------
    scenario: a `LoadedScenario`, a `Scenario`, a path or the name of a shipped scenario;
        ``None`` means the shipped baseline.
    overrides: ``{"minsk.sovereignty_weight": 0.8, ...}``, checked against the documented ranges.
    seed / rng: the run's seed (``rng`` is what Mesa's ``batch_run`` passes).
    params: an already resolved `ParameterSet` (the batch runner passes one; then ``overrides``
        must be empty).
    collect: keep a Mesa ``DataCollector`` (one row per month). The batch runner turns it off and
        reads the model's own indicator array, which is much cheaper.
    record: keep a log of every decision with its reasons (for ``unionsim trace``).
    """

    def __init__(self, scenario: Any = None, overrides: Mapping[str, float] | None = None,
                 seed: Any = None, rng: Any = None, params: ParameterSet | None = None,
                 collect: bool = True, record: bool = False):
        if seed is not None and rng is not None:
            raise ValueError("give either seed or rng, not both")
        self.seed = seed_from(seed if seed is not None else rng)
        super().__init__(rng=self.seed)
        self.scenario_source = _as_loaded(scenario)
        # `spec`, not `scenario`: Mesa >= 3.5 reserves Model.scenario for its own Scenario class
        self.spec: Scenario = self.scenario_source.spec
        if params is None:
            params = self.scenario_source.parameters(overrides=overrides)
        elif overrides:
            params = params.with_values(overrides, "overrides")
        self.parameters = params
        self.p: ParameterGroup = params.namespace()
        self.horizon = self.spec.horizon
        self.month = 0
        self.record = record
        self._streams: dict[str, np.random.Generator] = {}
        self._draws: dict[str, UniformDraws] = {}
        self.decisions: list[dict] = []
        # called with (actor, kind, options, utilities, temperature, why) before each decision
        # is drawn, when set: a game (`experiment.game`) finds its player's decision points
        # through it; it reads and changes nothing in the run
        self.observer: Callable[..., None] | None = None
        self.counts: dict[tuple[str, str, str], int] = {}  # (actor, kind, choice) -> times
        self.flags = bookkeeping.initial_flags()  # run-level memories of key events
        self.co_opting = False
        self.summit_every = self.p.integration.summit_every_months  # until a round sets its own
        self.max_sanctions = 0.0
        self.max_radicalism = 0.0
        # month of the first signing, implementation, sanctions, loan, deployment (NaN: never)
        self.timings = bookkeeping.initial_timings()
        self.timings_open = True
        self.schedule = self.scenario_source.schedule
        self.triggers = self.spec.triggers
        self.trigger_streak = [0] * len(self.triggers)
        self.trigger_fired: list[int | None] = [None] * len(self.triggers)
        self.pending_triggers: list = []
        self.tension_path = ev.interpolate_path(self.spec.paths.get("tension", []),
                                                self.spec, self.p.initial.tension)
        self.oil_path = ev.interpolate_path(self.spec.paths.get("oil_price_index", []),
                                            self.spec, 1.0)
        self.state = initial_state(self.p, self.tension_path[0], self.spec.initial)
        # the scenario's policies by actor, then decision (read by `Actor.decide`)
        self.policies: dict[str, dict[str, Policy]] = {}
        for key, policy in self.spec.policies.items():
            actor, decision = split_key(key)
            self.policies.setdefault(actor, {})[decision] = policy
        self.series = np.full((self.horizon + 1, len(INDICATORS)), np.nan)
        # one C-level call reads every indicator of the month (a tuple, in INDICATORS' order)
        self._read_indicators = operator.attrgetter(*INDICATORS)

        self.minsk = Minsk(self)
        self.factions = [KremlinFaction(self, f) for f in FACTIONS]
        self.putin = Putin(self)
        self.nato = Nato(self)
        self.west = Eu(self)  # the EU keeps the name "west" (stream and parameters)
        self.us = Us(self)
        self.public = Public(self)
        # a war next door: the Kremlin's ask and Minsk's answer (both draw from the "war" stream)
        self.war_putin = WarPutin(self)
        self.war_minsk = WarMinsk(self)
        # strategic deployments and Minsk's counter-levers (both draw from the "levers" stream)
        self.levers_kremlin = StrategicKremlin(self)
        self.levers_minsk = MinskLevers(self)
        if self.spec.initial:
            apply_initial_opinion(self.public.cohorts, self.spec.initial)
            self.public.write_aggregates()
            if self.state.regime != Regime.INCUMBENT:
                # a scenario that starts under a successor or a new regime: Minsk's weights too
                self.minsk.become_successor(new_regime=self.state.regime == Regime.NEW_REGIME)
        # the army comes after the public so it knows the regime's standing at the start
        self.army = Army(self)
        self.elite_draws = self.draws("elite")
        self._bookkeeping()

        self.datacollector = mesa.DataCollector(
            model_reporters={name: partial(_read_state, name) for name in INDICATORS},
            # attrgetters, not attribute strings: Mesa wraps strings in closures that cannot be
            # pickled, and a model must survive pickling (process pools, checkpoints)
            agenttype_reporters={
                KremlinFaction: {"influence": operator.attrgetter("influence")},
                PublicCohort: {name: operator.attrgetter(name) for name in
                               ("protest_share", "legitimacy", "support_incorporation",
                                "west_orientation")}},
        ) if collect else None
        self._record(0)

    # ------------------------------------------------------------------ streams and logging
    def stream(self, name: str) -> np.random.Generator:
        """The random stream of one actor or purpose, spawned from the run's seed: one stream per
        entry of `STREAMS`, shared by the actors whose names start with it (``war.putin`` and
        ``war.minsk`` draw from "war"), created on first use."""
        base = name.split(".")[0]
        stream = self._streams.get(base)
        if stream is None:
            index = STREAMS.index(base)
            stream = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(index,)))
            self._streams[base] = stream
        return stream

    def draws(self, name: str) -> UniformDraws:
        """The uniform numbers of `stream` ``name``, for choices and chance events: every actor on
        a stream reads them from this one block buffer (see `unionsim.draws`)."""
        base = name.split(".")[0]
        draws = self._draws.get(base)
        if draws is None:
            draws = self._draws[base] = UniformDraws(self.stream(base))
        return draws

    def branch(self, key: int) -> None:
        """Go on from here on fresh random numbers: every stream of `STREAMS` continues as the
        ``key``-th child of its own seed sequence (spawned from the run's seed, so a branch is
        reproducible), and the numbers already fetched for the old ones are dropped.

        What happened so far stays; everything drawn from now on is new. A game's "what happens
        from here" runs one branch per continuation (`experiment.game`).
        """
        if key < 0:
            raise ValueError("a branch key is zero or positive")
        for index, name in enumerate(STREAMS):
            fresh = np.random.default_rng(np.random.SeedSequence(self.seed,
                                                                 spawn_key=(index, key)))
            # in place: actors hold these very generators and draw buffers
            self.stream(name).bit_generator.state = fresh.bit_generator.state
            self.draws(name).restart()

    def note_decision(self, actor: str, kind: str, choice: str, options, weights,
                      why: Callable[[], str] | None, policy: str | None = None) -> None:
        """Count every decision; with ``record`` on, also log it with its odds and reasons
        (and, for a decision a policy took, how the policy took it)."""
        key = (actor, kind, choice)
        self.counts[key] = self.counts.get(key, 0) + 1
        if self.record:
            total = fold_sum(weights)
            probabilities = [w / total for w in weights]
            self.decisions.append({
                "month": self.month, "actor": actor, "kind": kind, "choice": choice,
                "probability": probabilities[list(options).index(choice)],
                # exact odds; `unionsim trace` rounds them for display
                "options": dict(zip(options, probabilities)),
                "why": why() if why else "",
                **({"policy": policy} if policy is not None else {})})

    def note_event(self, actor: str, text: str) -> None:
        if self.record:
            self.decisions.append({"month": self.month, "actor": actor, "kind": "event",
                                   "choice": text, "probability": 1.0, "options": {}, "why": ""})

    # ------------------------------------------------------------------ shared mechanics
    def open_round(self, *, depth: float, size: float, deadline: float, summit_every: int) -> None:
        """Open a round of integration talks (from a scheduled event or Moscow's own demand)."""
        s = self.state
        s.round_open, s.round_depth, s.round_size = 1.0, depth, size
        s.round_deadline = max(deadline, self.month + 1)
        s.round_next_summit = min(self.month + summit_every, s.round_deadline)
        s.round_extensions = 0.0
        s.compensation_promised = max(s.compensation_promised, self.p.kremlin.compensation_offer)
        self.summit_every = summit_every
        what = "supranational bodies" if depth >= 2 else f"{int(size)} roadmaps"
        self.note_event("kremlin", f"integration talks open on {what}; deadline "
                                   f"{month_label(int(s.round_deadline), self.spec.start)}")

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        self.month = self.steps
        m, s = self.month, self.state
        for event in self.schedule.get(m, ()):
            ev.apply_event(self, event)
        fired, self.pending_triggers = self.pending_triggers, []
        for trigger in fired:
            self.note_event("trigger", f"trigger {trigger.id or trigger.then.type} fires")
            ev.apply_event(self, trigger.then)
        # exogenous values after the month's events, so a shock counts from its own month
        # (Python floats, not numpy scalars: the same values, and every sum and product that
        # tension enters is then a plain float operation, several times cheaper)
        s.tension = clip01(float(self.tension_path[m]) + s.tension_excess)
        s.oil_price_index = float(self.oil_path[m]) * (s.oil_shock_factor if s.oil_shock_months
                                                        else 1.0)
        if not s.absorbed:
            self.public.step()
            self.minsk.step()
            self.army.step()
            self._elite_step()
        self.putin.step()
        if s.war_next_door:
            self.war_putin.step()  # the Kremlin's ask in a war next door, and Minsk's answer
        levers_step(self)
        self.nato.step()
        self.west.step()
        self.us.step()
        accounts.economy_month(s, self.p)
        self._bookkeeping()
        self._check_triggers(m)
        self._record(m)
        if m >= self.horizon:
            self.running = False

    def _check_triggers(self, month: int) -> None:
        """Queue the triggered events whose condition has held long enough; they fire at the
        start of next month, before the actors move (see `config.schema.Trigger`)."""
        if not self.triggers:
            return
        s = self.state
        for i, trigger in enumerate(self.triggers):
            tests = [c.holds(getattr(s, c.variable)) for c in trigger.when.conditions]
            holds = all(tests) if trigger.when.all else any(tests)
            self.trigger_streak[i] = self.trigger_streak[i] + 1 if holds else 0
            if self.trigger_streak[i] < trigger.when.for_months:
                continue
            if trigger.window and not (self.spec.month_of(trigger.window[0]) <= month + 1
                                       <= self.spec.month_of(trigger.window[1])):
                continue
            last = self.trigger_fired[i]
            if last is not None and (not trigger.repeat or month - last < trigger.cooldown):
                continue
            self.trigger_fired[i] = month
            self.trigger_streak[i] = 0
            self.pending_triggers.append(trigger)
            key = ("trigger", trigger.id or f"#{i}", "fired")
            self.counts[key] = self.counts.get(key, 0) + 1

    def _elite_step(self) -> None:
        s, p = self.state, self.p
        target = elite_rules.cohesion_target(s.economic_stress, s.protest_share, s.repression,
                                             s.sanctions_level, s.russian_backing,
                                             s.info_campaign, p,
                                             mishandling=s.shock_mishandling,
                                             army_refusal=s.army_refusal)
        s.elite_cohesion = clip01(elite_rules.next_cohesion(s.elite_cohesion, target, p))
        if s.regime == _NEW_REGIME:
            return
        hazard = elite_rules.defection_hazard(s.protest_share, s.elite_cohesion, s.repression,
                                              s.russian_backing, p, army_refusal=s.army_refusal)
        if hazard > 0 and bernoulli(self.elite_draws, hazard):
            s.regime = float(Regime.NEW_REGIME)
            s.repression = p.minsk.base_repression
            s.minsk_west_tilt = 1.0
            s.kremlin_trust = min(s.kremlin_trust, p.world.trust_after_regime_fall)
            s.elite_cohesion = p.elite.new_regime_cohesion
            self.minsk.become_successor(new_regime=True)
            self.note_event("elite", f"security forces defect at a monthly hazard of "
                                     f"{percent(hazard)}: the regime falls")

    def _bookkeeping(self) -> None:
        """Decays, derived variables and run-level memories (see `model.bookkeeping`)."""
        s, p = self.state, self.p
        bookkeeping.decay(s, p)
        bookkeeping.derive(s, p)
        # the running maxima written out (`max` is a builtin call, several times the comparison)
        if s.sanctions_level > self.max_sanctions:
            self.max_sanctions = s.sanctions_level
        if s.protest_radicalism > self.max_radicalism:
            self.max_radicalism = s.protest_radicalism
        if self.timings_open:
            self.timings_open = bookkeeping.note_timings(self.timings, s, self.flags, self.month)

    def _record(self, month: int) -> None:
        s = self.state
        series = self.series
        if not 0 <= month < len(series):
            raise IndexError(f"month {month} is outside the series (0..{len(series) - 1})")
        # the row packed straight into the array's buffer (C-contiguous float64): the same
        # numbers, several times cheaper than numpy's assignment of a row from a tuple
        _ROW.pack_into(series, month * _ROW.size, *self._read_indicators(s))
        if self.datacollector is not None:
            self.datacollector.collect(self)

    # ------------------------------------------------------------------ results
    def run(self) -> "UnionModel":
        """Run to the horizon and return the model (for chaining)."""
        while self.running:
            self.step()
        return self

    def recent_growth(self) -> float:
        """Mean annual growth over the run's final year (`FINAL_YEAR_MONTHS` recorded months):
        the economy's end state is judged on a year, not on the last month's noise."""
        column = INDICATORS.index("growth")
        recorded = self.series[: self.month + 1, column][-FINAL_YEAR_MONTHS:]
        return float(recorded.mean())

    def end_states(self) -> dict[str, str]:
        """The run's end state in each dimension (`outcomes.DIMENSIONS`)."""
        return outcomes.end_states(self.state, self.p, self.flags, self.recent_growth())

    @property
    def outcome(self) -> str:
        return self._outcome(self.end_states())

    def _outcome(self, ends: dict[str, str]) -> str:
        return outcomes.classify(self.state, self.p, ends,
                                 month_signed=self.timings[outcomes.TIMINGS.index("month_signed")],
                                 horizon=self.horizon)

    def result(self) -> dict[str, Any]:
        """Outcome, end states, timings, flags and final indicators of a finished run (one row
        of outcomes.parquet; the columns are `outcomes.RESULT_COLUMNS`)."""
        ends = self.end_states()
        row: dict[str, Any] = {"outcome": self._outcome(ends)}
        row.update(ends)
        row["implemented_share"] = outcomes.implemented_share(self.state)
        row.update(zip(outcomes.TIMINGS, self.timings))
        row.update(outcomes.run_flags(self.state, self.flags, self.max_sanctions,
                                      self.max_radicalism, self.p))
        row.update(outcomes.final_indicators(self.state))
        return row


def _read_state(name: str, model: "UnionModel") -> float:
    """DataCollector reporter: one state variable (a partial of this stays picklable)."""
    return getattr(model.state, name)


def _as_loaded(scenario: Any) -> LoadedScenario:
    if scenario is None:
        return load_scenario("baseline")
    if isinstance(scenario, LoadedScenario):
        return scenario
    if isinstance(scenario, Scenario):
        return LoadedScenario(scenario)
    if isinstance(scenario, (str, Path)):
        return load_scenario(scenario)
    raise TypeError(f"scenario must be a path, a name, a Scenario or a LoadedScenario, "
                    f"not {type(scenario).__name__}")
