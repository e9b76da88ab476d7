"""Every schema of unionsim's input files, in one place.

Parameter files, parameter overlays and scenarios are validated once, at the boundary, by these
pydantic models. Choices are `Literal`s so that error messages list what is allowed. Parsed
configuration is never mutated afterwards: resolving produces new objects.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from unionsim.bibliography import DOC_IDS, SEARCH_HINT, fact_index, nearest_ids

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
    """Base of every input model: unknown keys are errors, parsed objects are immutable, and
    every number is finite (a NaN threshold never fires, an infinite weight always wins, an
    infinite sd breaks sampling: none of them is ever meant)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


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
                near = nearest_ids(fid, index)
                raise LocatedValueError(("facts", i), f"'{fid}' is not an id in FACTS, the facts "
                                        f"catalogue (ids look like MIN-05, E17, SC11, D1)"
                                        + (f"; nearest: {', '.join(near)}" if near else "")
                                        + f"; find ids with: {SEARCH_HINT}")
            if self.doc not in index[fid]:
                docs = ", ".join(sorted(index[fid]))
                raise LocatedValueError(("facts", i), f"FACTS {fid} is not supported by "
                                                      f"{self.doc}; it cites {docs}")
        return self


Basis = Literal["document", "derived", "judgement"]

# How the cited text bears on a parameter (the citation audit):
#   value      - the text gives the number (or the inputs of the arithmetic in ``note``);
#   direction  - the text gives only a sign or an ordering; the size is our choice;
#   assumption - nothing in the documents fixes it; any source listed is context it rests on.
Support = Literal["value", "direction", "assumption"]


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
    support: Support
    claim: str | None = Field(default=None, min_length=10)
    sources: list[SourceRef] = Field(default_factory=list)
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
        if not self.sources and self.support != "assumption":
            raise LocatedValueError(("sources",), "no sources: cite the documents' claims that "
                                                  "bear on this parameter, or mark it "
                                                  "`support: assumption`")
        if self.support in ("value", "direction") and not self.claim:
            raise LocatedValueError(("claim",), f"support '{self.support}' needs a `claim:` "
                                                "saying, in our words, what the cited text says "
                                                "about this parameter")
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
    """Fields every event has. A scheduled event (under ``events:``) needs a ``month``; the event
    a trigger fires (under ``triggers: ... then:``) must not have one. ``id`` names an event so a
    scenario that ``extends`` this one can replace or remove it."""

    month: MonthRef | None = None
    id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_\-]+$")
    note: str | None = None

    @field_validator("month", mode="before")
    @classmethod
    def _month_ok(cls, v):
        return None if v is None else _check_month_ref(v)


class TaxManoeuvreStep(EventBase):
    """One annual step of Russia's oil tax manoeuvre: the duty-free oil rent shrinks and Minsk's
    demand for compensation flares (E1-E6, E5b, SC2)."""

    type: Literal["tax_manoeuvre_step"]
    cut_bn: float = Field(gt=0, le=3, description="USD bn per year of Russian support removed")


class SubsidyCut(EventBase):
    """Moscow cuts energy support outside the tax manoeuvre, as it has since 2015 (E10, E11, SC1);
    Minsk reads it as coercion (BYP-17, MIN-45)."""

    type: Literal["subsidy_cut"]
    cut_bn: float = Field(gt=0, le=5, description="USD bn per year of Russian support removed")


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


class Ultimatum(RoadmapRound):
    """An ultimatum: integration by the deadline or the threatened support goes (U13, KRE-04,
    KRE-37, SC4). Refusing makes Moscow carry out the threat."""

    type: Literal["ultimatum"]  # type: ignore[assignment]
    threat_bn: float = Field(gt=0, le=5, description="USD bn per year Moscow threatens to remove")


class AirbaseDemand(EventBase):
    """Moscow demands an airbase or permanent presence (M25, SIL-05, KRE-26, SC10)."""

    type: Literal["airbase_demand"]


class Exercise(EventBase):
    """A joint Russian-Belarusian exercise such as Zapad (M18-M23, SC11)."""

    type: Literal["exercise"]
    name: str = "Zapad"
    russian_troops_k: float = Field(gt=0, le=100, description="Russian troops requested, thousands")
    duration_months: int = Field(default=1, ge=1, le=6)


class NatoExercise(EventBase):
    """A large NATO exercise near Belarus such as Defender Europe 2020 (M33, NAT-05, SC12)."""

    type: Literal["nato_exercise"]
    name: str = "Defender Europe"
    months: int = Field(default=3, ge=1, le=12)
    tension: float = Field(default=0.05, ge=0, le=0.5, description="Russia-West tension added")


class NatoBuildup(EventBase):
    """NATO reinforces its eastern flank (EFP, US deployments in Poland; M36, NAT-04, NAT-06)."""

    type: Literal["nato_buildup"]
    posture: float = Field(gt=0, le=0.5, description="forward posture added (0..1 scale)")


class Election(EventBase):
    """A Belarusian election: fraud salience rises and the regime weighs pre-emptive repression
    (MIN-49, MIN-52, L6)."""

    type: Literal["election"]
    kind: Literal["presidential", "parliamentary"] = "presidential"
    challengers: float | None = Field(
        default=None, ge=0, le=1,
        description="how strongly the campaign's challengers mobilise, 0..1: 1 for new faces who "
                    "draw crowds (2020, MIN-52), low when the opposition holds back (2015, "
                    "BYP-12); default: events.election_challengers")


class EconomicShock(EventBase):
    """An exogenous hit to Belarusian growth (e.g. the Covid-19 recession, L30)."""

    type: Literal["economic_shock"]
    growth_pp: float = Field(ge=-20, le=10, description="change of annual growth, percentage points")
    months: int = Field(default=6, ge=1, le=60)
    label: str = "economic shock"
    mishandled: float = Field(default=0, ge=0, le=1,
                              description="how badly the regime is seen to handle the shock, 0..1 "
                                          "(the 2020 Covid handling: BYP-18, ELI-11)")


class OilPriceShock(EventBase):
    """The world oil price moves by a factor for some months; Russia's budget and both economies
    follow (E24, MON-03)."""

    type: Literal["oil_price_shock"]
    factor: float = Field(gt=0.1, le=3, description="oil price multiplier, e.g. 0.6 for a 40% fall")
    months: int = Field(default=12, ge=1, le=120)


class SanctionsPackage(EventBase):
    """The West adopts a sanctions package whatever its rules would do (L25, WES-06)."""

    type: Literal["sanctions_package"]
    levels: int = Field(default=1, ge=1, le=3, description="sanctions levels added (0..3 scale)")


class EnergyOffer(EventBase):
    """The West offers alternative oil, as Pompeo did on 1 February 2020 (E31, WES-08, SC22)."""

    type: Literal["energy_offer"]


class InfoCampaign(EventBase):
    """A Russian hybrid and information campaign (HYB-01, HYB-02, FAC-03, SC14)."""

    type: Literal["info_campaign"]
    intensity: float = Field(default=0.7, gt=0, le=1)
    months: int = Field(default=12, ge=1, le=120)


class Unrest(EventBase):
    """An exogenous wave of grievance and militancy in the street (BYP-18, KRE-16, HYB-03, SC16):
    what turns protest Ukraine-like is left to the actors."""

    type: Literal["unrest"]
    grievance: float = Field(default=0.3, gt=0, le=1, description="hardship added (0..1)")
    militancy: float = Field(default=0.3, ge=0, le=1, description="propensity to clashes added")
    months: int = Field(default=3, ge=1, le=24)


class TensionShock(EventBase):
    """A Russia-West crisis elsewhere raises tension (MIN-21, NAT-03)."""

    type: Literal["tension_shock"]
    delta: float = Field(ge=-1, le=1, description="change of Russia-West tension")


class KaliningradCrisis(EventBase):
    """A crisis over the land corridor to Kaliningrad through the Suwalki gap (NAT-11, NAT-12,
    SC13): tension rises, NATO exercises, Moscow wants forces and transit in Belarus."""

    type: Literal["kaliningrad_crisis"]
    tension: float = Field(default=0.25, ge=0, le=1)
    months: int = Field(default=4, ge=1, le=24)


class LeaderExit(EventBase):
    """Lukashenka leaves office; a successor takes over in a controlled transfer that Moscow
    expects to steer (SC18, KRE-18, KRE-26, L2)."""

    type: Literal["leader_exit"]
    cohesion_loss: float = Field(default=0.3, ge=0, le=1, description="elite cohesion lost")


class CandidatesJailed(EventBase):
    """The regime jails the main challengers before an election, as it arrested serious
    challengers and hundreds of others in May 2020 (MIN-52, L8): a documented fact that feeds the
    street's grievance; whether protest follows is left to the actors."""

    type: Literal["candidates_jailed"]
    share: float = Field(default=1, gt=0, le=1, description="share of the main challengers jailed")


class WarNextDoor(EventBase):
    """A war between Russia and a third country next door (the Donbas war and Minsk as the venue
    of its talks, SC23; the Suwalki and Baltic cases, SC13, NAT-10, NAT-11): Russia-West tension
    rises and the Kremlin may ask Minsk for staging rights, airspace, logistics, the joint
    grouping or a combat role (MIN-28, M15). Whether Minsk agrees is left to the actors."""

    type: Literal["war_next_door"]
    adversary: str = Field(default="a third country",
                           description="who Russia fights (a label for documentation only)")
    months: int | None = Field(default=None, ge=1, le=120,
                               description="how long the war lasts; none: to the horizon")
    intensity: float = Field(default=0.5, gt=0, le=1,
                             description="how intense the war is, 0..1: its military value to "
                                         "Moscow and its danger to Belarus")


EVENT_CLASSES = (TaxManoeuvreStep, SubsidyCut, RoadmapRound, Ultimatum, AirbaseDemand, Exercise,
                 NatoExercise, NatoBuildup, Election, EconomicShock, OilPriceShock,
                 SanctionsPackage, EnergyOffer, InfoCampaign, Unrest, TensionShock,
                 KaliningradCrisis, LeaderExit, CandidatesJailed, WarNextDoor)

Event = Annotated[Union[EVENT_CLASSES], Field(discriminator="type")]  # type: ignore[valid-type]

EVENT_TYPES: dict[str, type[EventBase]] = {
    cls.model_fields["type"].annotation.__args__[0]: cls  # type: ignore[union-attr]
    for cls in EVENT_CLASSES
}


# --------------------------------------------------------------------------- triggers

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


class When(Strict):
    """When a trigger fires: all (or any) conditions hold for ``for_months`` months in a row."""

    all: list[Condition] | None = None
    any: list[Condition] | None = None
    for_months: int = Field(default=1, ge=1, le=60)

    @model_validator(mode="after")
    def _one_list(self) -> "When":
        if (self.all is None) == (self.any is None) or not (self.all or self.any):
            raise LocatedValueError((), "give a non-empty list under exactly one of 'all' or 'any'")
        return self

    @property
    def conditions(self) -> list[Condition]:
        return self.all or self.any or []


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
        return tuple(_check_month_ref(x) for x in v)

    @model_validator(mode="after")
    def _no_month_on_then(self) -> "Trigger":
        if self.then.month is not None:
            raise LocatedValueError(("then", "month"), "a triggered event fires when its condition "
                                                       "holds, so it must not have a month")
        return self


# --------------------------------------------------------------------------- uncertainty

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


# --------------------------------------------------------------------------- scenario

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
        "src/unionsim/model/state_variables.yaml")
    events: list[Event] = Field(default_factory=list)
    triggers: list[Trigger] = Field(default_factory=list)

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


# --------------------------------------------------------------------------- calibration targets
# (targets/*.yaml: dated observations from the documents that the calibration fits or holds out)

MeasureKind = Literal["value_at", "mean_over", "max_over", "share_by", "event_month", "flag_share"]
Comparison = Literal[">=", "<=", ">", "<"]
TargetUse = Literal["fit", "test"]


class TargetMeasure(Strict):
    """What the model says about a target, computed from a batch's stored results.

    * ``value_at``: an indicator's value at ``month``, averaged over runs (or ``statistic:
      median``);
    * ``mean_over`` / ``max_over``: the indicator's mean / maximum over ``from``..``to`` in each
      run, then averaged over runs;
    * ``share_by``: the share of runs in which ``indicator op threshold`` held in some month of
      ``from``..``to`` (from defaults to the scenario's start);
    * ``event_month``: the median month (as a month number, 1 = the start) in which ``indicator
      op threshold`` first held in ``from``..``to``; a run where it never held counts as the
      month after ``to`` (default: after the horizon);
    * ``flag_share``: the share of runs whose final ``flag`` (an outcomes column) is true.
    """

    kind: MeasureKind
    indicator: str | None = None
    flag: str | None = None
    month: MonthRef | None = None
    from_: MonthRef | None = Field(default=None, alias="from")
    to: MonthRef | None = None
    op: Comparison | None = None
    threshold: float | None = None
    statistic: Literal["mean", "median"] = "mean"

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("month", "from_", "to", mode="before")
    @classmethod
    def _months_ok(cls, v):
        return None if v is None else _check_month_ref(v)

    @model_validator(mode="after")
    def _fields_for_kind(self) -> "TargetMeasure":
        needs = {"value_at": ("indicator", "month"), "mean_over": ("indicator", "from_", "to"),
                 "max_over": ("indicator", "from_", "to"),
                 "share_by": ("indicator", "op", "threshold", "to"),
                 "event_month": ("indicator", "op", "threshold"), "flag_share": ("flag",)}
        for name in needs[self.kind]:
            if getattr(self, name) is None:
                shown = "from" if name == "from_" else name
                raise LocatedValueError((shown,), f"a '{self.kind}' measure needs '{shown}'")
        return self


class Target(Strict):
    """One dated observation from the documents, with the model measure it is compared to.

    ``tolerance`` is the distance from ``observed`` the documents' precision allows (a poll's
    wording and sampling, a rounded figure, a date given to the season); a measure within it is a
    hit. ``use: fit`` targets (periods up to end-2020) are fitted; ``use: test`` targets (2021)
    are held out and only scored. A target the model cannot measure yet has ``status:
    no_measure`` and a ``reason`` instead of a measure.
    """

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    description: str = Field(min_length=10)
    scenario: str | None = None
    measure: TargetMeasure | None = None
    observed: float | str | None = None
    tolerance: float | None = Field(default=None, gt=0)
    period: str = Field(min_length=4)
    sources: list[SourceRef] = Field(min_length=1)
    use: TargetUse
    status: Literal["measured", "no_measure"] = "measured"
    reason: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _measured_or_explained(self) -> "Target":
        if self.status == "no_measure":
            if not self.reason:
                raise LocatedValueError(("reason",), "a target with status no_measure needs a "
                                                     "reason (what the model lacks)")
            return self
        for name in ("measure", "observed", "tolerance"):
            if getattr(self, name) is None:
                raise LocatedValueError((name,), f"a measured target needs '{name}' (or set "
                                                 f"status: no_measure with a reason)")
        if isinstance(self.observed, str):
            if self.measure.kind != "event_month":
                raise LocatedValueError(("observed",), "only an event_month target may give its "
                                        "observed value as a month (YYYY-MM)")
            parse_month(self.observed)
        return self


class TargetFile(Strict):
    """A targets file: the scenario its targets are measured in by default, and the targets."""

    title: str = Field(min_length=5)
    scenario: str
    targets: list[Target] = Field(min_length=1)
