"""What a claim is: the batches it reads, its measure and threshold, and how it could fail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Batch:
    """A batch a claim needs: a scenario, optional overlays and --set values."""

    scenario: str
    params: tuple[str, ...] = ()
    sets: tuple[tuple[str, float], ...] = ()

    @property
    def label(self) -> str:
        extra = [p.rsplit("/", 1)[-1].removesuffix(".yaml") for p in self.params]
        extra += [f"{k}={v:g}" for k, v in self.sets]
        return self.scenario + (f" [{', '.join(extra)}]" if extra else "")


# The batches most claims read: the 2019-2023 baseline and the 2020 election crisis.
BASE = Batch("baseline")
ELECTION = Batch("election_2020")


@dataclass(frozen=True)
class Alternative:
    """A documented alternative under which a claim should fail: the other side of a dispute
    (``kind="dispute"``), an ablated mechanism (``"ablation"``) or a parameter at the edge of its
    documented range (``"edge"``). Its overlays and values are applied to every batch the claim
    runs (``batch`` and ``other``); ``scenario`` replaces the scenario of ``batch`` only. ``why``
    says, in the project's words, which documented position or mechanism it stands for."""

    kind: str
    why: str
    params: tuple[str, ...] = ()
    sets: tuple[tuple[str, float], ...] = ()
    scenario: str | None = None


@dataclass(frozen=True)
class Claim:
    """One testable claim.

    kind:
      * ``proportion``: share of runs of ``batch`` where ``measure`` is 1, compared with
        ``threshold`` by ``op``;
      * ``difference``: share in ``batch`` minus share in ``other``; passes when it satisfies
        ``op threshold`` and its 95% interval excludes 0;
      * ``quantile``: the ``q`` quantile of ``measure`` over runs; with ``upper`` it must lie in
        the window [threshold, upper] (``op`` is then ``>=``), e.g. the median month of an event
        within the documented month plus or minus the source's precision;
      * ``median_difference``: median of ``measure`` in ``batch`` minus in ``other``;
      * ``ratio``: ``measure`` returns (k, n): the share k/n of a subset of runs.
    """

    id: str
    statement: str
    facts: tuple[str, ...]
    kind: str
    batch: Batch
    measure: Callable
    op: str
    threshold: float
    other: Batch | None = None
    other_measure: Callable | None = None  # when the other batch is measured differently
    q: float = 0.5
    dispute: str | None = None
    note: str = ""
    unit: str = "share"  # how values print: 'share' (as %), 'month', or e.g. 'USD bn/yr'
    upper: float | None = None  # a quantile claim's window: threshold <= value <= upper
    # how the claim could fail (validation) or why nothing can make it fail (a structural
    # invariant, reported apart and not counted as validation); exactly one is given
    alternative: Alternative | None = None
    invariant: str = ""
