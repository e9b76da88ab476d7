"""Calibration targets files (``targets/*.yaml``): dated observations from the documents that the
calibration fits or holds out, each with the model measure it is compared to.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from unionsim.config.schema.base import LocatedValueError, SourceRef, Strict
from unionsim.config.schema.months import MonthRef, check_month_ref, parse_month

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
        return None if v is None else check_month_ref(v)

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
