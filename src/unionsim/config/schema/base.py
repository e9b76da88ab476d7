"""What every input schema shares: strict models, errors that point at a field, citations.

Every input model derives from `Strict`. A cross-field check raises `LocatedValueError` so that
the message points at the line of the field it is about. `SourceRef` is a citation of one of
the five documents by FACTS ids, checked against the facts index (`unionsim.bibliography`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from unionsim.bibliography import DOC_IDS, SEARCH_HINT, fact_index, nearest_ids

DocId = Literal["carnegie2019", "marin2020", "shraibman2021a", "westwary2019", "shraibman2021b"]
assert set(DocId.__args__) == set(DOC_IDS)  # type: ignore[attr-defined]


class LocatedValueError(ValueError):
    """A cross-field error that knows which field it is about (``loc`` relative to the model), so
    the message can point at that field's line rather than at the model's first line."""

    def __init__(self, loc: tuple, message: str, hint: str | None = None):
        super().__init__(message)
        self.loc = tuple(loc)
        self.hint = hint  # the fix, when it is more specific than the kind of error implies


class Strict(BaseModel):
    """Base of every input model: unknown keys are errors, parsed objects are immutable, and
    every number is finite (a NaN threshold never fires, an infinite weight always wins, an
    infinite sd breaks sampling: none of them is ever meant)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


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
