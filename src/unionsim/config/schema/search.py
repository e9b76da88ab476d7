"""Search specs (``searches/*.yaml``): which policies a decision maker may choose between, and
what they are judged by, for `unionsim search`.

A spec names one or more ``scenarios`` (the worlds a policy must do well in), gives policy
templates under ``policies:`` (written exactly as in a scenario, `config.schema.policies`), and
``levers``: each lever is one number or one choice inside one of those templates, with the range
or the options the search may pick from. A lever is always a place inside a policy, so it is
always a decision an actor takes (never a world parameter). ``objectives`` are headline outputs
of a batch (``outcome:dependence``, ``flag:combat_role``, ``end_alignment:westward``, ...; the
names `unionsim.analysis.headline` gives them) to minimise or maximise; ``evaluation`` says how
many runs judge each candidate policy in each scenario, and ``search`` the optimiser's
defaults. The checks that need the scenarios and the model's outputs are in `unionsim.search.spec`.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from unionsim.config.schema.base import LocatedValueError, SourceRef, Strict
from unionsim.config.schema.policies import Policy, check_policies

LEVER_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def lever_path(at: str) -> tuple[str | int, ...]:
    """``rules.0.when.all.0.above`` -> ("rules", 0, "when", "all", 0, "above")."""
    return tuple(int(p) if p.isdigit() else p for p in at.split("."))


class Lever(Strict):
    """One place inside a policy template that the search sets: a number in ``range`` or one of
    ``options``."""

    name: str = Field(description="the lever's name in tables and exports (lower case, digits, _)")
    policy: str = Field(description="the policy it sits in: ACTOR.DECISION, a key of policies:")
    at: str = Field(description="where in that policy, dotted: probabilities.offer_deal, "
                                "rules.0.when.all.0.above, otherwise.choose")
    range: tuple[float, float] | None = Field(default=None, description="[low, high] of a number")
    options: list[str] | None = Field(default=None, description="the choices of a categorical "
                                                                "lever (options of the decision)")
    complement: str | None = Field(default=None, description="a place in the same policy that "
                                   "takes 1 - the lever's value (the other option of a "
                                   "probability, so the probabilities sum to 1)")
    note: str | None = None

    @field_validator("name")
    @classmethod
    def _name_ok(cls, v: str) -> str:
        if not LEVER_NAME.match(v):
            raise ValueError(f"a lever's name is lower case letters, digits and _ (got '{v}')")
        return v

    @field_validator("at", "complement")
    @classmethod
    def _path_ok(cls, v: str | None) -> str | None:
        if v is not None and (not v or any(not p for p in v.split("."))):
            raise ValueError(f"'{v}' is not a dotted place in a policy, e.g. "
                             f"probabilities.offer_deal or rules.0.when.all.0.above")
        return v

    @model_validator(mode="after")
    def _range_or_options(self) -> "Lever":
        if (self.range is None) == (self.options is None):
            raise LocatedValueError(("range",), "a lever has either a range (a number) or "
                                                "options (a choice), exactly one",
                                    hint="give range: [low, high] or options: [a, b, ...]")
        if self.range is not None and not self.range[0] < self.range[1]:
            raise LocatedValueError(("range",), f"the range's low end {self.range[0]:g} is not "
                                                f"below its high end {self.range[1]:g}",
                                    hint="write range: [low, high] with low < high")
        if self.options is not None:
            if len(self.options) < 2:
                raise LocatedValueError(("options",), "a categorical lever needs at least two "
                                                      "options to choose between")
            if len(set(self.options)) != len(self.options):
                raise LocatedValueError(("options",), "the options repeat a name",
                                        hint="list each option once")
        if self.complement is not None:
            if self.range is None:
                raise LocatedValueError(("complement",), "complement goes with a numeric lever "
                                                         "(a probability)")
            if not (0.0 <= self.range[0] and self.range[1] <= 1.0):
                raise LocatedValueError(("range",), "a lever with a complement is a "
                                                    "probability: its range lies within [0, 1]")
            if self.complement == self.at:
                raise LocatedValueError(("complement",), "the complement is another place than "
                                                         "the lever's own")
        return self

    @property
    def path(self) -> tuple[str | int, ...]:
        return lever_path(self.at)

    @property
    def categorical(self) -> bool:
        return self.options is not None


class Objective(Strict):
    """A headline output to minimise or maximise (its share of runs, in percentage points)."""

    output: str = Field(description="a headline output: outcome:NAME, flag:NAME, DIMENSION:LEVEL, "
                                    "month_EVENT:by_horizon, ...")
    direction: Literal["minimise", "maximise"]
    label: str | None = Field(default=None, description="how tables and figures name it")

    @property
    def sign(self) -> float:
        """+1 to minimise, -1 to maximise (the optimiser minimises ``sign * value``)."""
        return 1.0 if self.direction == "minimise" else -1.0


class Evaluation(Strict):
    """How each candidate policy is judged: the same runs (same seeds, same parameter draws) in
    every scenario for every candidate, so differences between candidates are paired."""

    runs: int = Field(default=100, ge=1, le=100_000, description="runs per candidate and scenario")
    replicates: int = Field(default=1, ge=1, description="runs per parameter draw (regret is "
                                                         "read per draw when above 1)")
    posterior: bool | str = Field(default=False, description="draw the calibrated parameters "
                                  "from the posterior (true: the shipped one; or a file)")
    uncertainty: bool = Field(default=True, description="sample each scenario's uncertainty:")

    @model_validator(mode="after")
    def _whole_draws(self) -> "Evaluation":
        if self.runs % self.replicates:
            raise LocatedValueError(("replicates",), f"runs {self.runs} is not a multiple of "
                                    f"replicates {self.replicates}",
                                    hint="every parameter draw is played by the same number of "
                                         "runs: make runs a multiple of replicates")
        return self


class Settings(Strict):
    """The optimiser's defaults (NSGA-II); the command line's options override them."""

    generations: int = Field(default=10, ge=1, le=10_000)
    population: int = Field(default=20, ge=2, le=10_000)


class SearchSpec(Strict):
    """A policy search: scenarios, policy templates, levers inside them, objectives."""

    name: str = Field(pattern=r"^[a-z0-9_\-]+$")
    title: str
    description: str = ""
    sources: list[SourceRef] = Field(default_factory=list)
    scenarios: list[str] = Field(min_length=1, description="scenario files or shipped names")
    policies: dict[str, Policy] = Field(min_length=1, description="ACTOR.DECISION: a policy "
                                        "template; the levers set places inside it, the rest "
                                        "holds for every candidate")
    levers: list[Lever] = Field(min_length=1)
    objectives: list[Objective] = Field(min_length=1)
    evaluation: Evaluation = Field(default_factory=Evaluation)
    search: Settings = Field(default_factory=Settings)

    @model_validator(mode="after")
    def _consistent(self) -> "SearchSpec":
        check_policies(self.policies)
        seen: set[str] = set()
        for i, lever in enumerate(self.levers):
            if lever.name in seen:
                raise LocatedValueError(("levers", i, "name"), f"two levers are called "
                                        f"'{lever.name}'", hint="give each lever its own name")
            seen.add(lever.name)
            if lever.policy not in self.policies:
                listing = ", ".join(self.policies)
                raise LocatedValueError(("levers", i, "policy"), f"'{lever.policy}' is not a "
                                        f"policy of this spec; its policies: {listing}",
                                        hint="name one of the keys of policies:, or add a "
                                             "template for this decision there")
        places: dict[tuple, int] = {}
        for i, lever in enumerate(self.levers):
            for at in filter(None, (lever.at, lever.complement)):
                place = (lever.policy, at)
                if place in places:
                    raise LocatedValueError(("levers", i, "at"), f"{lever.policy} {at} is set by "
                                            f"levers[{places[place]}] already",
                                            hint="give each place in a policy one lever")
                places[place] = i
        outputs: set[str] = set()
        for i, objective in enumerate(self.objectives):
            if objective.output in outputs:
                raise LocatedValueError(("objectives", i, "output"), f"'{objective.output}' is "
                                        "an objective twice", hint="list each output once")
            outputs.add(objective.output)
        if len(set(self.scenarios)) != len(self.scenarios):
            raise LocatedValueError(("scenarios",), "a scenario is listed twice",
                                    hint="list each scenario once")
        return self
