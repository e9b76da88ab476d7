"""Triggers: an event that fires when conditions on the world state hold."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from unionsim.config.schema.base import LocatedValueError, Strict
from unionsim.config.schema.events import Event
from unionsim.config.schema.months import MonthRef, check_month_ref


class Condition(Strict):
    """A test on one world-state variable: exactly one of above, below, at_least, at_most."""

    variable: str
    above: float | None = None
    below: float | None = None
    at_least: float | None = None
    at_most: float | None = None

    @model_validator(mode="after")
    def _one_test(self) -> "Condition":
        tests = [k for k in ("above", "below", "at_least", "at_most") if getattr(self, k) is not None]
        if len(tests) != 1:
            raise LocatedValueError((), "a condition needs exactly one of above, below, at_least, "
                                        f"at_most (got {', '.join(tests) or 'none'})")
        return self

    def holds(self, value: float) -> bool:
        if self.above is not None:
            return value > self.above
        if self.below is not None:
            return value < self.below
        if self.at_least is not None:
            return value >= self.at_least
        return value <= self.at_most  # type: ignore[operator]


class Conditions(Strict):
    """All (or any) of a non-empty list of conditions on the world state."""

    all: list[Condition] | None = None
    any: list[Condition] | None = None

    @model_validator(mode="after")
    def _one_list(self) -> "Conditions":
        if (self.all is None) == (self.any is None) or not (self.all or self.any):
            raise LocatedValueError((), "give a non-empty list under exactly one of 'all' or 'any'")
        return self

    @property
    def conditions(self) -> list[Condition]:
        return self.all or self.any or []


class When(Conditions):
    """When a trigger fires: all (or any) conditions hold for ``for_months`` months in a row."""

    for_months: int = Field(default=1, ge=1, le=60)


class Trigger(Strict):
    """An event that fires when a condition on the world state holds (once, or every time)."""

    id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_\-]+$")
    when: When
    then: Event
    repeat: bool = False
    cooldown: int = Field(default=6, ge=0, le=600, description="months between repeated firings")
    window: tuple[MonthRef, MonthRef] | None = None
    note: str | None = None

    @field_validator("window", mode="before")
    @classmethod
    def _window_ok(cls, v):
        if v is None:
            return v
        if not isinstance(v, (list, tuple)) or len(v) != 2:
            raise ValueError("window is [first month, last month]")
        return tuple(check_month_ref(x) for x in v)

    @model_validator(mode="after")
    def _no_month_on_then(self) -> "Trigger":
        if self.then.month is not None:
            raise LocatedValueError(("then", "month"), "a triggered event fires when its condition "
                                                       "holds, so it must not have a month")
        return self
