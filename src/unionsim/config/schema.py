"""Every schema of unionsim's input files, in one place.

Parameter files, parameter overlays and scenarios are validated once, at the boundary, by these
pydantic models. Choices are `Literal`s so that error messages list what is allowed. Parsed
configuration is never mutated afterwards: resolving produces new objects.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from unionsim.bibliography import DOC_IDS, fact_index

DocId = Literal["carnegie2019", "marin2020", "shraibman2021a", "westwary2019", "shraibman2021b"]
assert set(DocId.__args__) == set(DOC_IDS)  # type: ignore[attr-defined]

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


class LocatedValueError(ValueError):
    """A cross-field error that knows which field it is about (``loc`` relative to the model), so
    the message can point at that field's line rather than at the model's first line."""

    def __init__(self, loc: tuple, message: str):
        super().__init__(message)
        self.loc = tuple(loc)


class Strict(BaseModel):
    """Base of every input model: unknown keys are errors, parsed objects are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- provenance

class SourceRef(Strict):
    """A citation: one of the five documents and the FACTS ids it supports."""

    doc: DocId
    facts: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _facts_exist_in_doc(self) -> "SourceRef":
        index = fact_index()
        for i, fid in enumerate(self.facts):
            if fid not in index:
                raise LocatedValueError(("facts", i), f"'{fid}' is not an id in FACTS.md (ids "
                                                      f"look like MIN-05, E17, SC11, D1)")
            if self.doc not in index[fid]:
                docs = ", ".join(sorted(index[fid]))
                raise LocatedValueError(("facts", i), f"FACTS {fid} is not supported by "
                                                      f"{self.doc}; it cites {docs}")
        return self


Basis = Literal["document", "derived", "judgement"]


class ParameterSpec(Strict):
    """One model parameter with its provenance.

    ``basis`` says how the value was reached: given in a document, derived by arithmetic from
    figures in the documents, or a modelling judgement bounded by the documents' qualitative
    claims (the range then spans what the cited claims allow).
    """

    value: float
    range: tuple[float, float]
    unit: str = Field(min_length=1)
    meaning: str = Field(min_length=10)
    basis: Basis
    sources: list[SourceRef] = Field(min_length=1)
    note: str | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _no_bool(cls, v):
        if isinstance(v, bool):
            raise ValueError("expected a number, not true/false")
        return v

    @model_validator(mode="after")
    def _value_in_range(self) -> "ParameterSpec":
        lo, hi = self.range
        if lo > hi:
            raise LocatedValueError(("range",), f"range [{lo}, {hi}] is empty: the low end must "
                                                f"not exceed the high end")
        if not lo <= self.value <= hi:
            raise LocatedValueError(("value",), f"value {self.value} lies outside its range "
                                                f"[{lo}, {hi}]")
        return self


class Position(Strict):
    """Which side of a documented dispute (FACTS §5) a parameter overlay takes."""

    dispute: str = Field(pattern=r"^D\d+$")
    docs: list[DocId] = Field(min_length=1)
    facts: list[str] = Field(min_length=1)
    summary: str = Field(min_length=10)

    @model_validator(mode="after")
    def _known(self) -> "Position":
        index = fact_index()
        if self.dispute not in index:
            raise ValueError(f"dispute '{self.dispute}' is not in FACTS §5 (D1 to D16)")
        for fid in self.facts:
            if fid not in index:
                raise ValueError(f"'{fid}' is not an id in FACTS.md")
        return self


class ParameterOverlay(Strict):
    """A parameter file layered over the defaults: only the values it names change."""

    title: str = Field(min_length=3)
    description: str = ""
    position: Position | None = None
    values: dict[str, float] = Field(min_length=1)

    @field_validator("values", mode="before")
    @classmethod
    def _no_bools(cls, v):
        if isinstance(v, dict):
            for key, val in v.items():
                if isinstance(val, bool):
                    raise ValueError(f"'{key}': expected a number, not true/false")
        return v


# --------------------------------------------------------------------------- months

MonthRef = Union[int, str]


def parse_month(ref: str) -> tuple[int, int]:
    """'2019-08' -> (2019, 8); raises ValueError with the expected form."""
    m = _MONTH_RE.match(ref.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"'{ref}' is not a month; write YYYY-MM, e.g. 2020-08, or a month number "
                         f"counted from the start (1 = first month)")
    return int(m.group(1)), int(m.group(2))


def month_index(ref: MonthRef, start: str) -> int:
    """Month number (1 = the start month) of a reference given as YYYY-MM or as a number."""
    if isinstance(ref, int):
        return ref
    y0, m0 = parse_month(start)
    y, m = parse_month(ref)
    return (y - y0) * 12 + (m - m0) + 1


def month_label(index: int, start: str) -> str:
    """Inverse of `month_index`: month number -> 'YYYY-MM'."""
    y0, m0 = parse_month(start)
    total = y0 * 12 + (m0 - 1) + (index - 1)
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def _check_month_ref(v):
    if isinstance(v, bool):
        raise ValueError("expected a month (YYYY-MM or a month number), not true/false")
    if isinstance(v, int):
        if v < 1:
            raise ValueError(f"month number {v} must be 1 or more (1 = the start month)")
        return v
    if isinstance(v, str):
        parse_month(v)
        return v.strip()
    raise ValueError("expected a month: YYYY-MM (e.g. 2020-08) or a month number")


# --------------------------------------------------------------------------- events

class EventBase(Strict):
    """Fields every scheduled event has."""

    month: MonthRef
    note: str | None = None

    @field_validator("month", mode="before")
    @classmethod
    def _month_ok(cls, v):
        return _check_month_ref(v)


class TaxManoeuvreStep(EventBase):
    """One annual step of Russia's oil tax manoeuvre: the duty-free oil rent shrinks (E1-E6)."""

    type: Literal["tax_manoeuvre_step"]
    cut_bn: float = Field(gt=0, le=3, description="USD bn per year of Russian support removed")


class RoadmapRound(EventBase):
    """Moscow opens a round of integration talks with a signing deadline (U15-U30, KRE-04/05)."""

    type: Literal["roadmap_round"]
    depth: Literal["roadmaps", "supranational"] = "roadmaps"
    roadmaps: int = Field(default=28, ge=1, le=31, description="roadmaps in the package (U17, U27)")
    deadline: MonthRef
    summit_every: int = Field(default=3, ge=1, le=12, description="months between summits (U16)")

    @field_validator("deadline", mode="before")
    @classmethod
    def _deadline_ok(cls, v):
        return _check_month_ref(v)


class Election(EventBase):
    """A Belarusian election: fraud salience rises and the regime weighs pre-emptive repression."""

    type: Literal["election"]
    kind: Literal["presidential", "parliamentary"] = "presidential"


class EconomicShock(EventBase):
    """An exogenous hit to Belarusian growth (e.g. the Covid-19 recession, L30)."""

    type: Literal["economic_shock"]
    growth_pp: float = Field(ge=-20, le=10, description="change of annual growth, percentage points")
    months: int = Field(default=6, ge=1, le=60)
    label: str = "economic shock"


class Exercise(EventBase):
    """A joint Russian-Belarusian exercise such as Zapad (M18-M23)."""

    type: Literal["exercise"]
    name: str = "Zapad"
    russian_troops_k: float = Field(gt=0, le=100, description="Russian troops requested, thousands")
    duration_months: int = Field(default=1, ge=1, le=6)


Event = Annotated[
    Union[TaxManoeuvreStep, RoadmapRound, Election, EconomicShock, Exercise],
    Field(discriminator="type"),
]

EVENT_TYPES: dict[str, type[EventBase]] = {
    cls.model_fields["type"].annotation.__args__[0]: cls  # type: ignore[union-attr]
    for cls in (TaxManoeuvreStep, RoadmapRound, Election, EconomicShock, Exercise)
}


# --------------------------------------------------------------------------- scenario

PathName = Literal["tension", "oil_price_index"]


class Scenario(Strict):
    """A scenario: when it starts, how long it runs, what it changes and what happens."""

    name: str = Field(pattern=r"^[a-z0-9_\-]+$")
    title: str = Field(min_length=3)
    description: str = Field(min_length=10)
    start: str
    horizon: int = Field(ge=1, le=600, description="months to simulate")
    sources: list[SourceRef] = Field(min_length=1)
    overrides: dict[str, float] = Field(default_factory=dict)
    paths: dict[PathName, list[tuple[MonthRef, float]]] = Field(default_factory=dict)
    events: list[Event] = Field(default_factory=list)

    @field_validator("start")
    @classmethod
    def _start_ok(cls, v: str) -> str:
        parse_month(v)
        return v

    @model_validator(mode="after")
    def _months_inside_horizon(self) -> "Scenario":
        for i, event in enumerate(self.events):
            refs = [("month", event.month)]
            if isinstance(event, RoadmapRound):
                refs.append(("deadline", event.deadline))
            for fname, ref in refs:
                idx = month_index(ref, self.start)
                if not 1 <= idx <= self.horizon:
                    last = month_label(self.horizon, self.start)
                    raise LocatedValueError(("events", i, fname),
                        f"events[{i}] ({event.type}) {fname} {ref} is outside the scenario, which "
                        f"runs from {self.start} to {last} (months 1..{self.horizon})")
            if isinstance(event, RoadmapRound):
                if month_index(event.deadline, self.start) < month_index(event.month, self.start):
                    raise LocatedValueError(("events", i, "deadline"), f"events[{i}] "
                                            f"(roadmap_round): deadline {event.deadline} comes "
                                     f"before the round opens ({event.month})")
        for name, points in self.paths.items():
            if not points:
                raise LocatedValueError(("paths", name), f"paths.{name} needs at least one "
                                                         f"[month, value] point")
            idx = [month_index(m, self.start) for m, _ in points]
            if idx != sorted(idx):
                raise LocatedValueError(("paths", name), f"paths.{name}: points must be in time "
                                                         f"order")
        return self

    def month_of(self, ref: MonthRef) -> int:
        """Month number (1-based) of a month reference in this scenario."""
        return month_index(ref, self.start)
