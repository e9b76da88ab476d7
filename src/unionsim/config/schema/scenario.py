"""The scenario file: when it starts, how long it runs, what it changes and what happens."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from unionsim.config.schema.base import LocatedValueError, SourceRef, Strict
from unionsim.config.schema.events import Event, RoadmapRound
from unionsim.config.schema.months import MonthRef, month_index, month_label, parse_month
from unionsim.config.schema.policies import Policy, check_policies
from unionsim.config.schema.triggers import Trigger
from unionsim.config.schema.uncertainty import Distribution

PathName = Literal["tension", "oil_price_index"]
Sampler = Literal["mc", "lhs"]


class Scenario(Strict):
    """A scenario: when it starts, how long it runs, what it changes and what happens.

    After ``extends`` is resolved (see `unionsim.config.scenario`) this is the whole scenario.
    """

    name: str = Field(pattern=r"^[a-z0-9_\-]+$")
    title: str = Field(min_length=3)
    description: str = Field(min_length=10)
    start: str
    horizon: int = Field(ge=1, le=600, description="months to simulate")
    # optional for users' scenarios (the loader warns that the results then carry no provenance);
    # every shipped scenario cites its sources (tests/test_catalogue.py)
    sources: list[SourceRef] = Field(default_factory=list)
    extends: str | None = Field(default=None, description="the scenario this one builds on")
    sampler: Sampler = Field(default="mc", description="default sampler of uncertain parameters")
    overrides: dict[str, float] = Field(default_factory=dict)
    uncertainty: dict[str, Distribution] = Field(default_factory=dict)
    paths: dict[PathName, list[tuple[MonthRef, float]]] = Field(default_factory=dict)
    initial: dict[str, float] = Field(
        default_factory=dict, description="state variables at the start month, set after the "
        "parameter-based defaults (the January 2019 state); names and bounds as in "
        "src/unionsim/config/state_variables.yaml")
    events: list[Event] = Field(default_factory=list)
    triggers: list[Trigger] = Field(default_factory=list)
    policies: dict[str, Policy] = Field(
        default_factory=dict, description="ACTOR.DECISION: a policy that takes the decision "
        "instead of the model's logit (a fixed option, probabilities, options to avoid, or rules "
        "on the world state); see docs/model.md, 'Policies'")

    @field_validator("start")
    @classmethod
    def _start_ok(cls, v: str) -> str:
        parse_month(v)
        return v

    @field_validator("uncertainty", mode="before")
    @classmethod
    def _documented_shorthand(cls, v):
        # 'name: documented' is short for 'name: {dist: documented}'
        if isinstance(v, dict):
            return {k: ({"dist": "documented"} if x == "documented" else x) for k, x in v.items()}
        return v

    @model_validator(mode="after")
    def _consistent(self) -> "Scenario":
        for i, event in enumerate(self.events):
            if event.month is None:
                raise LocatedValueError(("events", i), f"events[{i}] ({event.type}) needs a "
                                                       f"month: YYYY-MM or a month number")
            self._inside(("events", i, "month"), event.month, f"events[{i}] ({event.type}) month")
            if isinstance(event, RoadmapRound):
                self._inside(("events", i, "deadline"), event.deadline,
                             f"events[{i}] ({event.type}) deadline")
                if self.month_of(event.deadline) < self.month_of(event.month):
                    raise LocatedValueError(("events", i, "deadline"), f"events[{i}] "
                                            f"({event.type}): deadline {event.deadline} comes "
                                            f"before the round opens ({event.month})")
        for i, trigger in enumerate(self.triggers):
            if isinstance(trigger.then, RoadmapRound):
                raise LocatedValueError(("triggers", i, "then", "type"), "a triggered event cannot "
                                        "carry a fixed deadline; schedule the round instead")
            if trigger.window:
                for j, ref in enumerate(trigger.window):
                    self._inside(("triggers", i, "window", j), ref, f"triggers[{i}] window")
                first, last = (self.month_of(ref) for ref in trigger.window)
                if last < first:
                    raise LocatedValueError(("triggers", i, "window", 1), f"triggers[{i}] window "
                                            f"ends ({trigger.window[1]}) before it begins "
                                            f"({trigger.window[0]}); write [first, last]")
        for name, points in self.paths.items():
            if not points:
                raise LocatedValueError(("paths", name), f"paths.{name} needs at least one "
                                                         f"[month, value] point")
            for j, (month, _) in enumerate(points):
                self._inside(("paths", name, j), month, f"paths.{name}[{j}]")
            idx = [self.month_of(m) for m, _ in points]
            if idx != sorted(idx):
                raise LocatedValueError(("paths", name), f"paths.{name}: points must be in time "
                                                         f"order")
        check_policies(self.policies)
        for key, policy in self.policies.items():
            for i, rule in enumerate(policy.rules or ()):
                if rule.when.month is not None:
                    self._inside(("policies", key, "rules", i, "when", "month"), rule.when.month,
                                 f"policies.{key} rule {i + 1} month")
        both = sorted(set(self.overrides) & set(self.uncertainty))
        if both:
            raise LocatedValueError(("uncertainty", both[0]), f"'{both[0]}' is both overridden and "
                                    f"uncertain; keep it in one of the two")
        return self

    def _inside(self, loc: tuple, ref: MonthRef, what: str) -> None:
        idx = self.month_of(ref)
        if not 1 <= idx <= self.horizon:
            last = month_label(self.horizon, self.start)
            raise LocatedValueError(loc, f"{what} {ref} is outside the scenario, which runs from "
                                         f"{self.start} to {last} (months 1..{self.horizon})")

    def month_of(self, ref: MonthRef) -> int:
        """Month number (1-based) of a month reference in this scenario."""
        return month_index(ref, self.start)
