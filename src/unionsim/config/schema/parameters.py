"""Parameter files and parameter overlays: one documented parameter, and a file of values
layered over the defaults.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from unionsim.bibliography import fact_index
from unionsim.config.schema.base import DocId, LocatedValueError, SourceRef, Strict

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

    ``fit`` marks a parameter that the calibration must fit over its range instead of keeping its
    default, and says why (for instance: its default was once set by hand to reproduce the
    history). `unionsim.config.params.fit_candidates` lists them for the fit.
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
    fit: str | None = Field(default=None, min_length=10)

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
        if self.fit is not None and not lo < hi:
            raise LocatedValueError(("fit",), f"a parameter marked for the fit needs a range to "
                                              f"fit it over; [{lo}, {hi}] is a single value")
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
