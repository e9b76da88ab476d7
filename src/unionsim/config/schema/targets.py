"""Calibration targets files (``targets/*.yaml``): dated observations and documented patterns
from the documents that the calibration fits or holds out, each with the model measure it is
compared to, and the register of the polls' pollsters and questions.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from unionsim.config.schema.base import LocatedValueError, SourceRef, Strict
from unionsim.config.schema.months import MonthRef, check_month_ref, parse_month

MeasureKind = Literal["value_at", "mean_over", "max_over", "share_by", "event_month", "flag_share",
                      "first_month_between", "order_of_events", "share_of_runs_with",
                      "conditional_share", "difference_of", "ratio_of", "poll"]
Comparison = Literal[">=", "<=", ">", "<"]
TargetUse = Literal["fit", "test"]
Quantifier = Literal["any", "all", "change"]
Sided = Literal["both", "at_least", "at_most"]
PollMode = Literal["face-to-face", "online", "telephone", "not stated"]


def _months_or_none(v):
    return None if v is None else check_month_ref(v)


class RunCondition(Strict):
    """Something that is true or false of one run.

    An ``indicator`` compared with ``threshold`` (``op``) over the months ``from``..``to``
    (default: month 1 to the last month): ``when: any`` (the default) holds if the comparison
    holds in some month, ``all`` if it holds in every month, ``change`` if the indicator's value
    at ``to`` minus its value at ``from`` (default: month 0, the state before the first month)
    satisfies it. A ``flag`` is the run's final outcome flag as 1 or 0, compared the same way
    (``{flag: default, op: '<', threshold: 1}`` is "no default").
    """

    indicator: str | None = None
    flag: str | None = None
    op: Comparison
    threshold: float
    from_: MonthRef | None = Field(default=None, alias="from")
    to: MonthRef | None = None
    when: Quantifier = "any"

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              allow_inf_nan=False)

    @field_validator("from_", "to", mode="before")
    @classmethod
    def _months_ok(cls, v):
        return _months_or_none(v)

    @model_validator(mode="after")
    def _one_subject(self) -> "RunCondition":
        if (self.indicator is None) == (self.flag is None):
            raise LocatedValueError(("indicator",), "a condition names either an 'indicator' or "
                                                    "a 'flag' (exactly one)")
        if self.flag is not None and (self.from_ is not None or self.to is not None
                                      or self.when != "any"):
            raise LocatedValueError(("flag",), "a flag is the run's final outcome: it takes no "
                                               "'from', 'to' or 'when'")
        return self


class TargetMeasure(Strict):
    """What the model says about a target, computed from a batch's stored results.

    Over the runs of one scenario:

    * ``value_at``: an indicator's value at ``month``, averaged over runs (or ``statistic:
      median``);
    * ``mean_over`` / ``max_over``: the indicator's mean / maximum over ``from``..``to`` in each
      run, then averaged over runs;
    * ``share_by``: the share of runs in which ``indicator op threshold`` held in some month of
      ``from``..``to`` (from defaults to the scenario's start);
    * ``event_month``: the median month (as a month number, 1 = the start) in which ``indicator
      op threshold`` first held in ``from``..``to``; a run where it never held counts as the
      month after ``to`` (default: after the horizon);
    * ``flag_share``: the share of runs whose final ``flag`` (an outcomes column) is true;
    * ``first_month_between``: the share of runs in which ``indicator op threshold`` first holds
      (searched over ``from``..``to``) in a month inside ``within: [earliest, latest]`` - a
      timing ("within N months of X", "not before X") scored as a share, so a run in which the
      event never happens counts as a miss rather than as a censored month;
    * ``order_of_events``: among the runs in which ``then`` (a condition: indicator, op,
      threshold) first holds in ``from``..``to``, the share in which ``first`` had held in a
      strictly earlier month ("Y only after X"); undefined (NaN) when ``then`` holds in no run;
    * ``share_of_runs_with``: the share of runs that satisfy every condition of ``all_of`` and,
      if given, at least one of ``any_of`` (frequencies: "in most runs", "rarely");
    * ``conditional_share``: among the runs that satisfy every condition of ``given``, the
      share that also satisfy ``all_of`` (and ``any_of``, if given); undefined (NaN) when no run
      satisfies ``given`` ("if X then usually Y");
    * ``poll``: a poll: the latent opinion the question asks about - the ``indicator`` (or the
      sum of ``indicators``) at the fieldwork ``month``, or its mean over ``from``..``to`` when
      the fieldwork spans several months - averaged over runs. It records the ``pollster``, the
      ``question`` (ids in the targets files' ``pollsters:`` and ``questions:`` registers) and
      the ``sample_size`` where the document gives it (else the pollster's documented default),
      so that a measurement model can add the pollster's and the wording's offsets and the
      sampling error.

    Over two measures (``left`` and ``right``, each a measure of its own; a nested measure may
    name another ``scenario``, so that the pair contrasts two scenarios):

    * ``difference_of``: left minus right; ``ratio_of``: left divided by right (NaN when right is
      zero).
    """

    kind: MeasureKind
    scenario: str | None = None
    indicator: str | None = None
    indicators: list[str] | None = None
    flag: str | None = None
    month: MonthRef | None = None
    from_: MonthRef | None = Field(default=None, alias="from")
    to: MonthRef | None = None
    op: Comparison | None = None
    threshold: float | None = None
    statistic: Literal["mean", "median"] = "mean"
    within: tuple[MonthRef, MonthRef] | None = None
    first: RunCondition | None = None
    then: RunCondition | None = None
    all_of: list[RunCondition] | None = None
    any_of: list[RunCondition] | None = None
    given: list[RunCondition] | None = None
    left: "TargetMeasure | None" = None
    right: "TargetMeasure | None" = None
    pollster: str | None = None
    question: str | None = None
    sample_size: int | None = Field(default=None, gt=0)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              allow_inf_nan=False)

    @field_validator("month", "from_", "to", mode="before")
    @classmethod
    def _months_ok(cls, v):
        return _months_or_none(v)

    @field_validator("within", mode="before")
    @classmethod
    def _within_ok(cls, v):
        if v is None:
            return v
        if not isinstance(v, (list, tuple)) or len(v) != 2:
            raise ValueError("'within' is a pair of months: [earliest, latest]")
        return tuple(check_month_ref(x) for x in v)

    @model_validator(mode="after")
    def _fields_for_kind(self) -> "TargetMeasure":
        needs = {"value_at": ("indicator", "month"), "mean_over": ("indicator", "from_", "to"),
                 "max_over": ("indicator", "from_", "to"),
                 "share_by": ("indicator", "op", "threshold", "to"),
                 "event_month": ("indicator", "op", "threshold"), "flag_share": ("flag",),
                 "first_month_between": ("indicator", "op", "threshold", "within"),
                 "order_of_events": ("first", "then"), "share_of_runs_with": (),
                 "conditional_share": ("given",), "difference_of": ("left", "right"),
                 "ratio_of": ("left", "right"), "poll": ("pollster", "question")}
        for name in needs[self.kind]:
            if getattr(self, name) is None:
                shown = "from" if name == "from_" else name
                raise LocatedValueError((shown,), f"a '{self.kind}' measure needs '{shown}'")
        if self.kind in ("share_of_runs_with", "conditional_share") and not (self.all_of
                                                                              or self.any_of):
            raise LocatedValueError(("all_of",), f"a '{self.kind}' measure needs 'all_of' or "
                                                 f"'any_of' (the conditions a run must meet)")
        if self.kind == "order_of_events":
            for name in ("first", "then"):
                c = getattr(self, name)
                if c.indicator is None or c.when != "any" or c.from_ is not None or c.to is not None:
                    raise LocatedValueError((name,), f"'{name}' of an order_of_events measure is "
                                            "an indicator, op and threshold only (the window is "
                                            "the measure's own from..to)")
        if self.kind == "poll":
            if (self.indicator is None) == (self.indicators is None):
                raise LocatedValueError(("indicator",), "a poll measures either one 'indicator' "
                                        "or the sum of several 'indicators' (exactly one)")
            if (self.month is None) == (self.from_ is None or self.to is None):
                raise LocatedValueError(("month",), "a poll has a fieldwork 'month', or 'from' and "
                                                    "'to' when its fieldwork spans months")
        if self.scenario is not None and self.kind in ("difference_of", "ratio_of"):
            raise LocatedValueError(("scenario",), "name the scenario on 'left' and 'right', not "
                                                   "on the pair")
        return self

    def nested(self) -> list["TargetMeasure"]:
        """The measures inside this one (``left`` and ``right``), recursively, then itself."""
        out: list[TargetMeasure] = []
        for part in (self.left, self.right):
            if part is not None:
                out.extend(part.nested())
        return out + [self]

    def conditions(self) -> list[RunCondition]:
        """Every run condition this measure uses (not those of nested measures)."""
        out = [c for c in (self.first, self.then) if c is not None]
        for group in (self.all_of, self.any_of, self.given):
            out.extend(group or [])
        return out

    def indicator_names(self) -> list[str]:
        """The indicators this measure reads directly (not those of nested measures)."""
        names = [self.indicator] if self.indicator else []
        names += list(self.indicators or [])
        names += [c.indicator for c in self.conditions() if c.indicator]
        return names

    def flag_names(self) -> list[str]:
        names = [self.flag] if self.flag else []
        return names + [c.flag for c in self.conditions() if c.flag]

    def month_refs(self) -> list[tuple[str, MonthRef]]:
        """(field, month) for every month this measure names directly."""
        out = [(name.rstrip("_"), getattr(self, name)) for name in ("month", "from_", "to")
               if getattr(self, name) is not None]
        out += [("within", m) for m in (self.within or ())]
        for c in self.conditions():
            out += [(f"condition.{name.rstrip('_')}", getattr(c, name)) for name in ("from_", "to")
                    if getattr(c, name) is not None]
        return out


class Target(Strict):
    """One dated observation or documented pattern, with the model measure it is compared to.

    ``tolerance`` is the distance from ``observed`` the documents' precision allows (a poll's
    wording and sampling, a rounded figure, a date given to the season, the strength of a
    qualitative claim); a measure within it is a hit. ``sided`` says which side counts: ``both``
    (the default), ``at_least`` (any value from ``observed - tolerance`` up is a hit: a direction
    the documents give without a size) or ``at_most``. ``use: fit`` targets are fitted; ``use:
    test`` targets are held out and only scored (``docs/holdout.md`` says which may be). A target
    the model cannot measure yet has ``status: no_measure`` and a ``reason`` instead of a measure.
    """

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    description: str = Field(min_length=10)
    scenario: str | None = None
    measure: TargetMeasure | None = None
    observed: float | str | None = None
    tolerance: float | None = Field(default=None, gt=0)
    sided: Sided = "both"
    period: str = Field(min_length=4)
    sources: list[SourceRef] = Field(min_length=1)
    use: TargetUse
    status: Literal["measured", "no_measure"] = "measured"
    reason: str | None = None
    tolerance_reason: str | None = Field(default=None, min_length=10)
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
        if self.measure.scenario is not None:
            raise LocatedValueError(("measure", "scenario"), "a target's measure runs in the "
                                    "target's scenario; give 'scenario' on the target (a nested "
                                    "left/right measure may name its own)")
        return self

    @property
    def facts(self) -> list[str]:
        """Every FACTS id the target cites, in order, without repeats."""
        return list(dict.fromkeys(f for s in self.sources for f in s.facts))


class Pollster(Strict):
    """Who fielded a poll and how.

    ``sample_size`` is the sample assumed when a poll of this pollster gives none, with
    ``sample_size_basis`` saying why. The pollster's house offset is a parameter of
    ``params/poll_offsets.yaml`` (``polls.house.<pollster>``), with its range and sources.
    """

    name: str = Field(min_length=3)
    mode: PollMode
    frame: str = Field(min_length=5)
    sample_size: int = Field(gt=0)
    sample_size_basis: str = Field(min_length=10)
    sources: list[SourceRef] = Field(default_factory=list)


class Question(Strict):
    """A poll question (its wording in our words) and the latent opinion it measures (the sum of
    ``indicators``). The offset its wording adds is a parameter of ``params/poll_offsets.yaml``
    (``polls.wording.<question>``), with its range and sources."""

    wording: str = Field(min_length=10)
    indicators: list[str] = Field(min_length=1)


class TargetFile(Strict):
    """A targets file: the scenario its targets are measured in by default, the targets, and
    (for poll targets) the pollsters and questions they refer to."""

    title: str = Field(min_length=5)
    scenario: str
    pollsters: dict[str, Pollster] = Field(default_factory=dict)
    questions: dict[str, Question] = Field(default_factory=dict)
    targets: list[Target] = Field(min_length=1)
