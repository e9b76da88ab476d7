"""What a claim measures on a batch: per-run values read from a results folder.

A measure maps a batch's `Data` to one value per run: 0/1 for a share (a flag fired, a
decision taken, an indicator reached a level) or a number (an indicator's final or peak value,
the month an event first happened). A few measures return (k, n), the share k/n of a subset of
runs, for ``ratio`` claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd


@dataclass
class Data:
    """What a measure reads of one batch (loaded from its results folder)."""

    outcomes: pd.DataFrame
    timeseries: pd.DataFrame | None
    decisions: pd.DataFrame | None

    def by_date(self, indicator: str, first: str, last: str) -> pd.DataFrame:
        """Each run's values of an indicator between two months (inclusive), runs as rows."""
        ts = self.timeseries
        window = ts[(ts["date"] >= first) & (ts["date"] <= last)]
        return window.pivot(index="run", columns="date", values=indicator)


# A measure maps a batch to one 0/1 value per run (for proportions) or a number per run.
PerRun = Callable[[Data], np.ndarray]
# A measure of a share of a subset of runs: (runs in the subset that qualify, runs in the subset).
SubsetShare = Callable[[Data], tuple[int, int]]


def flag(name: str) -> PerRun:
    """1 where a flag fired (or, for an outcome name, where the run ended in it)."""
    def measure(d: Data) -> np.ndarray:
        o = d.outcomes
        return (o[name].astype(bool) if name in o else o["outcome"] == name).to_numpy()
    measure.__doc__ = name
    return measure


def any_of(*measures: PerRun) -> PerRun:
    """1 where at least one of the measures is 1."""
    def measure(d: Data) -> np.ndarray:
        return np.logical_or.reduce([m(d) for m in measures])
    return measure


def all_of(*measures: PerRun) -> PerRun:
    """1 where every one of the measures is 1."""
    def measure(d: Data) -> np.ndarray:
        return np.logical_and.reduce([m(d) for m in measures])
    return measure


def final(indicator: str) -> PerRun:
    """Each run's value of the indicator at its end."""
    def measure(d: Data) -> np.ndarray:
        return d.outcomes[indicator].to_numpy(dtype=float)
    return measure


def ever(indicator: str, first: str, last: str, at_least: float) -> PerRun:
    """1 where the indicator reached ``at_least`` at some month in [first, last]."""
    def measure(d: Data) -> np.ndarray:
        return (d.by_date(indicator, first, last).max(axis=1) >= at_least).to_numpy()
    return measure


def at(indicator: str, date: str) -> PerRun:
    """Each run's value of the indicator in one month."""
    def measure(d: Data) -> np.ndarray:
        return d.by_date(indicator, date, date).iloc[:, 0].to_numpy(dtype=float)
    return measure


def month(date: str) -> int:
    """A calendar month ("2021-06") as a month number, for timing claims (months compare and
    subtract as numbers; `month_label` turns one back into a date)."""
    year, mon = date.split("-")
    return int(year) * 12 + int(mon) - 1


def month_label(number: float) -> str:
    """A month number (see `month`) as a date, "never" for an event that never happened."""
    if not np.isfinite(number):
        return "never"
    number = int(round(number))
    return f"{number // 12}-{number % 12 + 1:02d}"


def first_month(indicator: str, first: str, last: str, at_least: float) -> PerRun:
    """The month (see `month`) in which the indicator first reached ``at_least`` within
    [first, last]; +inf where it never did (a run without the event counts as later than any
    window, so it can only make a timing claim fail)."""
    def measure(d: Data) -> np.ndarray:
        table = d.by_date(indicator, first, last)
        reached = (table >= at_least).to_numpy()
        months = np.array([month(c) for c in table.columns], dtype=float)
        out = np.full(len(table), np.inf)
        hit = reached.any(axis=1)
        out[hit] = months[reached[hit].argmax(axis=1)]
        return out
    return measure


def peak(indicator: str, first: str, last: str) -> PerRun:
    """Each run's highest value of the indicator within [first, last]."""
    def measure(d: Data) -> np.ndarray:
        return d.by_date(indicator, first, last).max(axis=1).to_numpy(dtype=float)
    return measure


def below(measure_: PerRun, threshold: float) -> PerRun:
    """1 where the measure is below the threshold."""
    def measure(d: Data) -> np.ndarray:
        return measure_(d) < threshold
    return measure


def runs_with(d: Data, actor: str, kind: str, choice: str) -> pd.Series:
    """For each run, whether the actor took the decision at least once."""
    dec = d.decisions
    hit = dec[(dec.actor == actor) & (dec.kind == kind) & (dec.choice == choice)]
    return d.outcomes["run"].isin(hit["run"])


def chose(actor: str, kind: str, choice: str) -> PerRun:
    """1 where the actor took the decision at least once."""
    def measure(d: Data) -> np.ndarray:
        return runs_with(d, actor, kind, choice).to_numpy()
    return measure


def share_of(outcomes: tuple[str, ...], among: tuple[str, ...], column: str = "outcome"
             ) -> SubsetShare:
    """Runs ending in ``outcomes`` and runs ending in ``among`` (a share of a subset); by the
    primary outcome, or by an end-state dimension's ``column`` (e.g. ``end_integration``)."""
    def measure(d: Data) -> tuple[int, int]:
        o = d.outcomes[column]
        return int(o.isin(outcomes).sum()), int(o.isin(among).sum())
    return measure


def ended_with_among(column: str, label: str, actor: str, kind: str, choice: str
                     ) -> SubsetShare:
    """Runs ending with ``label`` in ``column`` among the runs in which the actor chose ``choice``
    at least once (a share of a subset: (k, n))."""
    def measure(d: Data) -> tuple[int, int]:
        among = runs_with(d, actor, kind, choice).to_numpy()
        ended = (d.outcomes[column] == label).to_numpy()
        return int((ended & among).sum()), int(among.sum())
    return measure


def chose_among(actor: str, kind: str, choice: str, other_actor: str, other_kind: str,
                other_choice: str) -> SubsetShare:
    """Runs in which one decision was taken among the runs in which another was (k, n)."""
    def measure(d: Data) -> tuple[int, int]:
        among = runs_with(d, other_actor, other_kind, other_choice).to_numpy()
        hit = runs_with(d, actor, kind, choice).to_numpy()
        return int((hit & among).sum()), int(among.sum())
    return measure
