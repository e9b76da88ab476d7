"""Uncertain parameters: the distributions a scenario may draw a parameter from, run by run."""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from unionsim.config.schema.base import LocatedValueError, Strict


class Uniform(Strict):
    """Uniform between low and high."""

    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> "Uniform":
        if not self.low < self.high:
            raise LocatedValueError(("high",), f"high ({self.high}) must exceed low ({self.low})")
        return self

    def bounds(self) -> tuple[float, float]:
        return (self.low, self.high)


class Normal(Strict):
    """Normal with mean and sd, cut to [low, high] (the documented range when not given)."""

    dist: Literal["normal"]
    mean: float
    sd: float = Field(gt=0, description="standard deviation, positive")
    low: float | None = None
    high: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "Normal":
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise LocatedValueError(("high",), f"high ({self.high}) must exceed low ({self.low})")
        return self

    def bounds(self) -> tuple[float, float]:
        lo = self.low if self.low is not None else self.mean - 4 * self.sd
        hi = self.high if self.high is not None else self.mean + 4 * self.sd
        return (lo, hi)


class Triangular(Strict):
    """Triangular between low and high with its peak at mode."""

    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> "Triangular":
        if not self.low < self.high:
            raise LocatedValueError(("high",), f"high ({self.high}) must exceed low ({self.low})")
        if not self.low <= self.mode <= self.high:
            raise LocatedValueError(("mode",), f"mode ({self.mode}) must lie in [low, high] = "
                                               f"[{self.low}, {self.high}]")
        return self

    def bounds(self) -> tuple[float, float]:
        return (self.low, self.high)


class Beta(Strict):
    """Beta(a, b) stretched to [low, high]."""

    dist: Literal["beta"]
    a: float = Field(gt=0)
    b: float = Field(gt=0)
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> "Beta":
        if not self.low < self.high:
            raise LocatedValueError(("high",), f"high ({self.high}) must exceed low ({self.low})")
        return self

    def bounds(self) -> tuple[float, float]:
        return (self.low, self.high)


class Choice(Strict):
    """One of a list of values, with optional weights."""

    dist: Literal["choice"]
    values: list[float] = Field(min_length=1)
    weights: list[float] | None = None

    @model_validator(mode="after")
    def _weights_ok(self) -> "Choice":
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise LocatedValueError(("weights",), f"{len(self.weights)} weights for "
                                                      f"{len(self.values)} values")
            if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                raise LocatedValueError(("weights",), "weights must be non-negative and not all 0")
            if not math.isfinite(sum(self.weights)):
                raise LocatedValueError(("weights",), "weights are too large to add up; give "
                                                      "relative weights such as 1, 2, 5")
        return self

    def bounds(self) -> tuple[float, float]:
        return (min(self.values), max(self.values))


class Documented(Strict):
    """Uniform over the parameter's documented range (``params/default.yaml``)."""

    dist: Literal["documented"]


Distribution = Annotated[Union[Uniform, Normal, Triangular, Beta, Choice, Documented],
                         Field(discriminator="dist")]
DISTRIBUTIONS = ("uniform", "normal", "triangular", "beta", "choice", "documented")
