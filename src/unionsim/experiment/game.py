"""A game: a person takes one actor's decisions, the model plays everyone else.

A game is a scenario, its parameters, a seed, a seat (the actor the player plays) and the
player's choices so far, ``[(month, decision, option), ...]``. Nothing else is kept: to reach the
player's next decision the run is replayed from its first month with the choices given to the
seat's decisions as a policy (one rule per choice, "in month M choose O", the rest left to the
model), and it stops at the first decision of the seat that no choice answers. A policy draws the
same one uniform as the logit (`unionsim.model.policies`), so every other actor's random numbers
stay as in the run without a player, and a saved game replays identically by construction; the
same policy written into a scenario (`unionsim.experiment.game_files`) reproduces the game's run
with `unionsim trace SCENARIO --seed SEED`.

A game runs the scenario's central parameter values with one seed, as `unionsim trace` does (no
sampling of uncertain parameters). A replay costs one run (tens of milliseconds).

The API is made for any front end (the terminal's `unionsim play`, a browser page): a `Game` is
immutable; `Game.now()` gives the `DecisionPoint` the player faces (or the `GameOver`),
`Game.choose(option)` a new game one choice further, `Game.ahead(runs)` the `Outlook` of N
continuations from the current point; `unionsim.experiment.game_files` saves, loads and
exports a game. Nothing here waits for input or prints.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from unionsim.config.params import ParameterSet
from unionsim.config.scenario import LoadedScenario, load_scenario
from unionsim.config.schema import MODEL, Policy, month_label
from unionsim.config.vocabulary import DECISIONS
from unionsim.errors import UsageError

#: The seats a player may take: a name -> the decision-taking actors it plays. Minsk's seat
#: takes Minsk's answers in a war next door and on strategic deployments too, the Kremlin's the
#: Kremlin's; every actor of `config.vocabulary.DECISIONS` is also a seat of its own.
SEATS: dict[str, tuple[str, ...]] = {
    "minsk": ("minsk", "war.minsk", "levers.minsk"),
    "kremlin": ("putin", "war.putin", "levers.kremlin"),
    "eu": ("west",),
    **{actor: (actor,) for actor in DECISIONS if actor not in ("minsk",)},
}

@dataclass(frozen=True)
class Choice:
    """One of the player's choices: in month ``month`` (1 = the start month), decision ``key``
    (``ACTOR.DECISION``) took ``option`` (or ``model``: the model's own actor decided)."""

    month: int
    key: str
    option: str


@dataclass(frozen=True)
class DecisionPoint:
    """A decision the player faces, as the world stands when it is taken (mid-month: after the
    actors that move before this one in the month's order)."""

    number: int                       # how many choices the player has made before this one
    month: int                        # month number (1 = the start month)
    date: str                         # YYYY-MM
    key: str                          # ACTOR.DECISION, e.g. minsk.initiative
    options: tuple[str, ...]          # every option, in the model's order
    available: tuple[str, ...]        # the options open this month (the player picks one)
    probabilities: dict[str, float]   # the model's own actor's logit over the options
    why: str                          # the model's own actor's reasons
    state: dict[str, float]           # every recorded state variable at this moment
    since: tuple[dict, ...]           # decisions and events since the player's last choice
    months_since: int                 # months since the player's last decision point
    history: tuple[tuple[Choice, str], ...]  # the player's choices and the option each took

    @property
    def model_choice(self) -> str:
        """The option the model's own actor finds most likely."""
        return max(self.probabilities, key=self.probabilities.get)


@dataclass(frozen=True)
class GameOver:
    """The end of the game: the run's outcome, its end state in each dimension, the whole result
    row, and the finished model (its decision log and monthly series)."""

    outcome: str
    end_states: dict[str, str]
    result: dict[str, Any]
    history: tuple[tuple[Choice, str], ...]
    model: Any = field(repr=False, compare=False)


@dataclass(frozen=True)
class Outlook:
    """What happens from a decision point: ``runs`` continuations with the same past, each on
    fresh random numbers from there on (`UnionModel.branch`, key = the continuation's index), the
    model's own actors deciding, the seat's pending decision too unless ``option`` fixes it.

    ``outcomes`` has one row per continuation (``run``, ``status``, the result columns),
    ``timeseries`` one row per continuation and month (``run``, ``month``, the indicators), as a
    results folder's tables: the analysis functions (`analysis.summary.outcome_table`,
    `analysis.plots.fan_chart`) read them as they are."""

    month: int
    key: str
    option: str | None
    outcomes: Any  # pandas.DataFrame
    timeseries: Any  # pandas.DataFrame

    def shares(self) -> dict[str, float]:
        """Share of continuations ending in each outcome, most frequent first."""
        counts = self.outcomes["outcome"].value_counts(normalize=True)
        return {str(k): float(v) for k, v in counts.items()}


class _Pause(Exception):
    """Raised inside a replay at the player's next decision (it ends that replay)."""

    def __init__(self, point: DecisionPoint | None):
        super().__init__(point.key if point else "")
        self.point = point


def seat_actors(seat: str) -> tuple[str, ...]:
    """The decision-taking actors a seat plays; an unknown seat is a `UsageError`."""
    if seat in SEATS:
        return SEATS[seat]
    import difflib

    close = difflib.get_close_matches(seat, list(SEATS), n=2)
    raise UsageError(f"'{seat}' is not a seat a player can take"
                     + (f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else "")
                     + "; the seats: " + ", ".join(SEATS), field="as",
                     hint="play one of them, e.g. --as minsk; minsk plays all of Minsk's "
                          "decisions, kremlin Putin's, eu the EU's (docs/model.md, 'Policies', "
                          "lists every decision)")


def scenario_digest(loaded: LoadedScenario) -> str:
    """A short hash of the whole scenario (after ``extends``): a saved game names it, so a
    replay notices a scenario that changed since."""
    spec = json.dumps(loaded.spec.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(spec.encode()).hexdigest()[:16]


class Game:
    """One game: ``scenario`` played with ``params`` and ``seed``, the player in ``seat`` having
    made ``choices``. ``only`` limits the player to some of the seat's decisions (``KIND`` or
    ``ACTOR.DECISION``); the model takes the others. The seat's decisions that the scenario
    already gives a policy are the scenario's, not the player's (`Game.scenario_keys`)."""

    def __init__(self, scenario: LoadedScenario, seat: str, *, seed: int = 1,
                 params: ParameterSet | None = None, choices: Iterable[Choice] = (),
                 only: Sequence[str] | None = None, scenario_ref: str | None = None):
        if seed < 0:
            raise UsageError(f"the seed must be zero or positive (got {seed})", field="seed")
        self.scenario = scenario
        self.seat = seat
        self.actors = seat_actors(seat)
        self.seed = int(seed)
        self.params = params if params is not None else scenario.parameters()
        self.choices: tuple[Choice, ...] = tuple(choices)
        self.only = tuple(only) if only else None
        self.scenario_ref = scenario_ref or scenario.name
        keys = [f"{a}.{d}" for a in self.actors for d in DECISIONS[a]]
        if self.only is not None:
            unknown = [o for o in self.only
                       if o not in keys and not any(k.endswith("." + o) for k in keys)]
            if unknown:
                raise UsageError(f"'{unknown[0]}' is not a decision of the seat {seat}; its "
                                 f"decisions: {', '.join(keys)}", field="decisions",
                                 hint="name decisions of the seat, e.g. initiative or "
                                      "minsk.base_answer")
            keys = [k for k in keys if k in self.only or k.rpartition(".")[2] in self.only]
        #: the seat's decisions the scenario's own policies take (the player is not asked)
        self.scenario_keys = tuple(k for k in keys if k in scenario.spec.policies)
        #: the decisions the player takes
        self.keys = tuple(k for k in keys if k not in scenario.spec.policies)
        self._answers = {(c.month, c.key): c for c in self.choices}
        if len(self._answers) != len(self.choices):
            seen: set = set()
            for c in self.choices:
                if (c.month, c.key) in seen:
                    raise UsageError(f"two choices for {c.key} in month {c.month}; a decision "
                                     f"is taken once a month", field="choices",
                                     hint="keep one choice per decision and month")
                seen.add((c.month, c.key))
        for i, c in enumerate(self.choices):
            if c.key not in self.keys:
                raise UsageError(f"a choice for {c.key}, which is not a decision the player "
                                 f"takes in this game ({', '.join(self.keys)})",
                                 field=f"choices[{i}]",
                                 hint="keep the choices of the seat's own decisions")
            actor, _, kind = c.key.rpartition(".")
            if c.option != MODEL and c.option not in DECISIONS[actor][kind]:
                raise UsageError(f"'{c.option}' is not an option of {c.key} (month {c.month}); "
                                 f"its options: {', '.join(DECISIONS[actor][kind])}",
                                 field=f"choices[{i}]", hint=f"choose one of them, or '{MODEL}'")

    # ------------------------------------------------------------------ construction
    @classmethod
    def new(cls, scenario: str | Path, seat: str, *, seed: int = 1,
            sets: Mapping[str, float] | None = None, param_files: Sequence[str | Path] = (),
            only: Sequence[str] | None = None) -> "Game":
        """A new game of ``scenario`` (a path or a shipped scenario's name) with the player in
        ``seat``; ``sets`` and ``param_files`` change parameters as ``--set`` and ``--params``."""
        from unionsim.config.scenario import shipped_scenarios

        seat_actors(seat)
        loaded = load_scenario(scenario)
        params = loaded.parameters(param_files=param_files, sets=dict(sets or {}))
        # a saved game names a shipped scenario by its name, a user's file by its full path
        # (so that it replays from any folder)
        shipped = loaded.path is not None and any(
            loaded.path.resolve() == p.resolve() for p in shipped_scenarios())
        ref = loaded.name if shipped or loaded.path is None else str(loaded.path.resolve())
        return cls(loaded, seat, seed=seed, params=params, only=only, scenario_ref=ref)

    def _with(self, choices: Iterable[Choice]) -> "Game":
        return Game(self.scenario, self.seat, seed=self.seed, params=self.params,
                    choices=choices, only=self.only, scenario_ref=self.scenario_ref)

    # ------------------------------------------------------------------ the policy of the choices
    def policies(self) -> dict[str, Policy]:
        """The player's choices as policies of the seat's decisions: one rule per choice ("in
        month M choose O"), the model's own choice otherwise."""
        rules: dict[str, list[dict]] = {}
        start = self.scenario.spec.start
        for c in sorted(self.choices, key=lambda c: c.month):
            rules.setdefault(c.key, []).append({"when": {"month": month_label(c.month, start)},
                                                "choose": c.option})
        return {key: Policy.model_validate({"rules": r}) for key, r in rules.items()}

    def played_scenario(self) -> LoadedScenario:
        """The scenario with the player's choices as policies (what every replay runs)."""
        policies = self.policies()
        if not policies:
            return self.scenario
        merged = {**self.scenario.spec.policies, **policies}
        spec = self.scenario.spec.model_copy(update={"policies": merged})
        return LoadedScenario(spec, self.scenario.path, self.scenario.doc, self.scenario.chain)

    # ------------------------------------------------------------------ playing
    def _model(self, record: bool):
        from unionsim.model.world import UnionModel

        return UnionModel(scenario=self.played_scenario(), params=self.params, seed=self.seed,
                          collect=False, record=record)

    def now(self) -> DecisionPoint | GameOver:
        """The player's next decision, or the end of the game (computed once per game)."""
        return self._now

    @cached_property
    def _now(self) -> DecisionPoint | GameOver:
        from unionsim.model.choice import UNAVAILABLE, logit_probabilities
        from unionsim.model.state import INDICATORS

        model = self._model(record=True)
        seat, answers, start = set(self.keys), self._answers, self.scenario.spec.start
        asked: set = set()
        last_month = [0]

        def observe(actor, kind, options, utilities, temperature, why):
            key = f"{actor}.{kind}"
            if key not in seat:
                return
            month = model.month
            choice = answers.get((month, key))
            if choice is not None:
                asked.add((month, key))
                last_month[0] = month
                if choice.option != MODEL and utilities[list(options).index(choice.option)] \
                        == UNAVAILABLE:
                    raise UsageError(f"{key} in {month_label(month, start)}: '{choice.option}' "
                                     f"is not open this month; open: "
                                     + ", ".join(o for o, u in zip(options, utilities)
                                                 if u != UNAVAILABLE),
                                     field=f"choices[{self.choices.index(choice)}]",
                                     hint="choose an open option, or 'model'")
                return
            probabilities = logit_probabilities(utilities, temperature)
            history = self._history(model.decisions)
            # what happened since the player's last choice (its own entry excluded)
            chosen = [i for i, d in enumerate(model.decisions) if _is_choice(d, seat)]
            since = model.decisions[chosen[-1] + 1:] if chosen else model.decisions
            raise _Pause(DecisionPoint(
                number=len(self.choices), month=month, date=month_label(month, start), key=key,
                options=tuple(options),
                available=tuple(o for o, u in zip(options, utilities) if u != UNAVAILABLE),
                probabilities=dict(zip(options, probabilities)),
                why=why() if why else "",
                state={name: float(getattr(model.state, name)) for name in INDICATORS},
                since=tuple(since), months_since=month - last_month[0],
                history=history))

        model.observer = observe
        try:
            model.run()
        except _Pause as pause:
            self._check_all_asked(asked, before=(pause.point.month, pause.point.key))
            return pause.point
        self._check_all_asked(asked)
        result = model.result()
        return GameOver(outcome=result["outcome"], end_states=model.end_states(), result=result,
                        history=self._history(model.decisions), model=model)

    def _history(self, decisions: list[dict]) -> tuple[tuple[Choice, str], ...]:
        """The player's choices with the option each took (``model`` resolved)."""
        taken = {(d["month"], f"{d['actor']}.{d['kind']}"): d["choice"] for d in decisions
                 if _is_choice(d, set(self.keys))}
        return tuple((c, taken.get((c.month, c.key), c.option)) for c in
                     sorted(self.choices, key=lambda c: c.month) if (c.month, c.key) in taken)

    def _check_all_asked(self, asked: set, before: tuple[int, str] | None = None) -> None:
        """Every choice must answer a decision the replay reached (else the log does not belong
        to this scenario, these parameters and this seed)."""
        for i, c in enumerate(self.choices):
            if (c.month, c.key) not in asked:
                raise UsageError(f"the choice for {c.key} in "
                                 f"{month_label(c.month, self.scenario.spec.start)} answers no "
                                 f"decision: the game never asks it there"
                                 + (" (the game stops earlier, at "
                                    f"{before[1]} in month {before[0]})" if before else ""),
                                 field=f"choices[{i}]",
                                 hint="a saved game replays only with its own scenario, "
                                      "parameters and seed; start a new game")

    def choose(self, option: str) -> "Game":
        """The game one choice further: ``option`` (one of the open options, or ``model`` for
        the model's own actor's draw) at the current decision point."""
        point = self.now()
        if isinstance(point, GameOver):
            raise UsageError("the game is over; there is no decision left to take",
                             field="choice", hint="save the game, or start a new one")
        option = option.strip()
        if option != MODEL and option not in point.available:
            import difflib

            close = difflib.get_close_matches(option, list(point.available), n=1)
            closed = option in point.options
            raise UsageError(f"'{option}' is " + ("not open" if closed else "not an option")
                             + f" at {point.key} in {point.date}"
                             + (f" (did you mean '{close[0]}'?)" if close else "")
                             + f"; open: {', '.join(point.available)}", field="choice",
                             hint=f"type one of: {', '.join(point.available)}, or '{MODEL}' "
                                  "for the model's own choice")
        return self._with(self.choices + (Choice(point.month, point.key, option),))

    def let_model(self, decisions: int) -> "Game":
        """The game with the model's own actor taking the player's next ``decisions`` decisions
        (or all that are left), each recorded as a ``model`` choice: the same game as choosing
        ``model`` that many times, found in one replay instead of one per decision."""
        if decisions < 1:
            raise UsageError(f"let the model take at least one decision (got {decisions})",
                             field="model", hint="e.g. model 10")
        model = self._model(record=False)
        seat, answers = set(self.keys), self._answers
        taken: list[Choice] = []

        def observe(actor, kind, *_):
            key = f"{actor}.{kind}"
            if key in seat and (model.month, key) not in answers:
                if len(taken) == decisions:
                    raise _Pause(None)
                taken.append(Choice(model.month, key, MODEL))

        model.observer = observe
        try:
            model.run()
        except _Pause:
            pass
        return self._with(self.choices + tuple(taken))

    def ahead(self, runs: int, option: str | None = None) -> Outlook:
        """``runs`` continuations from the current decision point (see `Outlook`)."""
        import pandas as pd

        from unionsim.model.state import INDICATORS

        if runs < 1:
            raise UsageError(f"ask for at least one run ahead (got {runs})", field="runs",
                             hint="e.g. ahead 50")
        point = self.now()
        if isinstance(point, GameOver):
            raise UsageError("the game is over; nothing happens from here", field="ahead",
                             hint="start a new game to look ahead")
        game = self.choose(option) if option is not None else self
        at = (point.month, point.key)
        rows, series = [], []
        for k in range(runs):
            model = game._model(record=False)

            def branch(actor, kind, *_, model=model, k=k):
                if (model.month, f"{actor}.{kind}") == at:
                    model.branch(k)
                    model.observer = None

            model.observer = branch
            model.run()
            rows.append({"run": k, "status": "ok", **model.result()})
            frame = pd.DataFrame(model.series, columns=list(INDICATORS))
            frame.insert(0, "month", range(len(frame)))
            frame.insert(0, "run", k)
            series.append(frame)
        return Outlook(point.month, point.key, option, pd.DataFrame(rows),
                       pd.concat(series, ignore_index=True))


def _is_choice(entry: dict, seat: set) -> bool:
    return entry["kind"] != "event" and f"{entry['actor']}.{entry['kind']}" in seat
