"""The documents' testable claims, each as a measurable property of simulated batches.

Every claim names the FACTS ids it rests on, the batches it needs (a shipped scenario, optionally
under a parameter overlay that takes one side of a documented dispute), what is measured, and a
pass threshold. The thresholds were written down from the documents' wording before the suite was
first run (see the git history of this file); they are not tuned to the results.

Can fail (issue 13): every claim names exactly one of an ``alternative`` - a documented
position or value (the other side of a dispute, an ablated mechanism, a parameter at the edge of
its documented range) under which it fails, run by `unionsim check` and by the test suite - or an
``invariant``: why no documented alternative can make it fail. Invariants are reported apart and
not counted as validation.

Seeds: `unionsim check` evaluates every claim at the master seeds `SEEDS`; a claim passes only if
it passes at all of them.

Run counts, chosen for power: a pilot (`RUNS` = 500 runs per batch, master seed 2026, on the
shipped posterior; `PILOTS`, printed by ``python -m unionsim.validation.power``) gives each
claim's value and 95% interval. The interval's half-width shrinks as 1/sqrt(n) (Wilson and normal
approximations for shares and differences of shares, order statistics for quantiles), so with
the pilot half-width h on the side facing the threshold and the distance g from the pilot value
to the threshold (for a window the nearer edge; for a contrast, which must also be significant,
the nearer of the threshold and zero), the claim runs n = RUNS * (h / g)^2 times, at least
`RUNS` and at most `MAX_CLAIM_RUNS` (`runs_for_power`, `claim_runs`). A batch shared by claims
runs at the largest count among them. Alternatives run `ALT_RUNS` times per batch: they are
chosen to make their claim fail clearly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

RUNS = 500  # the pilot's run count, and the least any claim runs
MAX_CLAIM_RUNS = 1000  # the cap of the power rule (what the CI budget affords on 2 cores)
ALT_RUNS = 200  # runs per batch of a claim's alternative: alternatives are chosen to fail clearly
SEEDS = (2026, 7, 99)  # master seeds of `unionsim check`: a claim passes only if it passes at all


@dataclass(frozen=True)
class Pilot:
    """A claim's value and 95% interval in the pilot (``runs`` runs per batch, master seed
    2026, parameters from the shipped posterior), from which its run count is chosen."""

    value: float
    low: float
    high: float
    runs: int = RUNS


def runs_for_power(pilot: Pilot, threshold: float, upper: float | None = None,
                   contrast: bool = False) -> int:
    """The run count at which the pilot's 95% interval would clear the threshold.

    The interval's half-width shrinks as 1/sqrt(n) (Wilson and normal approximations for
    shares and differences of shares, order statistics for quantiles), so with the pilot's
    half-width h on the side facing the threshold and the distance g from the value to the
    threshold, n = pilot runs * (h / g)^2, at least `RUNS` and at most `MAX_CLAIM_RUNS`. For a
    window the nearer edge counts; for a contrast (which must also be significant) the nearer of
    the threshold and zero."""
    v = pilot.value
    edges = [threshold] + ([upper] if upper is not None else []) + ([0.0] if contrast else [])
    gap = min(abs(v - e) for e in edges)
    # the half-width toward the nearest edge
    nearest = min(edges, key=lambda e: abs(v - e))
    half = (v - pilot.low) if nearest <= v else (pilot.high - v)
    if not np.isfinite(gap) or not np.isfinite(half):
        return MAX_CLAIM_RUNS
    if gap <= 0:
        return MAX_CLAIM_RUNS
    need = int(np.ceil(round(pilot.runs * (half / gap) ** 2, 6)))
    return int(min(max(need, RUNS), MAX_CLAIM_RUNS))


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


def flag(name: str) -> PerRun:
    """1 where a flag fired (or, for an outcome name, where the run ended in it)."""
    def measure(d: Data) -> np.ndarray:
        o = d.outcomes
        return (o[name].astype(bool) if name in o else o["outcome"] == name).to_numpy()
    measure.__doc__ = name
    return measure


def any_of(*measures: PerRun) -> PerRun:
    def measure(d: Data) -> np.ndarray:
        return np.logical_or.reduce([m(d) for m in measures])
    return measure


def all_of(*measures: PerRun) -> PerRun:
    def measure(d: Data) -> np.ndarray:
        return np.logical_and.reduce([m(d) for m in measures])
    return measure


def final(indicator: str) -> PerRun:
    def measure(d: Data) -> np.ndarray:
        return d.outcomes[indicator].to_numpy(dtype=float)
    return measure


def ever(indicator: str, first: str, last: str, at_least: float) -> PerRun:
    """1 where the indicator reached ``at_least`` at some month in [first, last]."""
    def measure(d: Data) -> np.ndarray:
        return (d.by_date(indicator, first, last).max(axis=1) >= at_least).to_numpy()
    return measure


def at(indicator: str, date: str) -> PerRun:
    def measure(d: Data) -> np.ndarray:
        return d.by_date(indicator, date, date).iloc[:, 0].to_numpy(dtype=float)
    return measure


def month(date: str) -> int:
    """A calendar month ("2021-06") as a month number, for timing claims (months compare and
    subtract as numbers; `month_label` turns one back into a date)."""
    year, mon = date.split("-")
    return int(year) * 12 + int(mon) - 1


def month_label(number: float) -> str:
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
    def measure(d: Data) -> np.ndarray:
        return measure_(d) < threshold
    return measure


def chose(actor: str, kind: str, choice: str) -> PerRun:
    """1 where the actor took the decision at least once."""
    def measure(d: Data) -> np.ndarray:
        dec = d.decisions
        hit = dec[(dec.actor == actor) & (dec.kind == kind) & (dec.choice == choice)]
        runs = d.outcomes["run"]
        return runs.isin(hit["run"]).to_numpy()
    return measure


def share_of(outcomes: tuple[str, ...], among: tuple[str, ...], column: str = "outcome"
             ) -> Callable[[Data], tuple[int, int]]:
    """Runs ending in ``outcomes`` and runs ending in ``among`` (a share of a subset); by the
    primary outcome, or by an end-state dimension's ``column`` (e.g. ``end_integration``)."""
    def measure(d: Data) -> tuple[int, int]:
        o = d.outcomes[column]
        return int(o.isin(outcomes).sum()), int(o.isin(among).sum())
    return measure


@dataclass(frozen=True)
class Alternative:
    """A documented alternative under which a claim should fail (issue 13): the other side of a
    dispute (``kind="dispute"``), an ablated mechanism (``"ablation"``) or a parameter at the edge
    of its documented range (``"edge"``). Its overlays and values are applied to every batch the
    claim runs (``batch`` and ``other``); ``scenario`` replaces the scenario of ``batch`` only.
    ``why`` says, in the project's words, which documented position or mechanism it stands for."""

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



BASE = Batch("baseline")
ELECTION = Batch("election_2020")
TRADABLE = Batch("baseline", params=("params/sovereignty_tradable.yaml",))
SACRED = Batch("baseline", params=("params/sovereignty_sacred.yaml",))
WAR = Batch("war_next_door")  # issue 12: a war next door under 2019-2020 conditions
_WAR_ASKED = ("refused", "limited", "full")  # end_war_role of runs with a Russian ask
US_EU = Batch("us_deal_eu_holds")  # issue 12 (useu)
US_EU_QUARREL = Batch("us_deal_eu_holds_quarrel")

# The pilot of every claim (see `Pilot`): `claim_runs` turns it into the claim's run count with
# `runs_for_power`. Claims without a pilot run `RUNS` times. Recomputed by
# `python -m unionsim.validation.power` after a pilot, never by hand.
PILOTS: dict[str, Pilot] = {
    "V01": Pilot(0, 0, 0.007624),  # -> 500 runs
    "V02": Pilot(0.026, 0.01526, 0.04397),  # -> 500 runs
    "V03": Pilot(0.1509, 0.1167, 0.193),  # -> 500 runs
    "V04": Pilot(0, 0, 0.007624),  # -> 500 runs
    "V05": Pilot(0.076, 0.05587, 0.1026),  # -> 500 runs
    "V06": Pilot(0.176, 0.1312, 0.2206),  # -> 1000 runs
    "V07": Pilot(-0.072, -0.1306, -0.01272),  # -> 1000 runs
    "V08": Pilot(0.902, 0.8728, 0.9251),  # -> 500 runs
    "V09": Pilot(0.924, 0.8974, 0.9441),  # -> 500 runs
    "V10": Pilot(-9.537e-08, -9.537e-08, -9.537e-08),  # -> 500 runs
    "V11": Pilot(0.998, 0.9888, 0.9996),  # -> 500 runs
    "V12": Pilot(0.024, 0.01378, 0.04148),  # -> 500 runs
    "V13": Pilot(0.024, -0.005747, 0.05435),  # -> 769 runs
    "V14": Pilot(0.016, -0.01199, 0.04449),  # -> 1000 runs
    "V15": Pilot(0.004, 0.001098, 0.01447),  # -> 500 runs
    "V16": Pilot(0.564, 0.519, 0.6068),  # -> 500 runs
    "V17": Pilot(0, -0.00686, 0),  # -> 500 runs
    "V18": Pilot(0.024, 0.01378, 0.04148),  # -> 1000 runs
    "V19": Pilot(0.07358, 0.07156, 0.07696),  # -> 500 runs
    "V20": Pilot(0.008379, 0.004768, 0.01266),  # -> 500 runs
    "V21": Pilot(0, 0, 0.007624),  # -> 500 runs
    "V22": Pilot(0, 0, 0.007624),  # -> 500 runs
    "V23": Pilot(0.752, 0.7116, 0.7878),  # -> 500 runs
    "V24": Pilot(0.022, 0.01233, 0.03896),  # -> 500 runs
    "V25": Pilot(0.018, -0.003967, 0.0411),  # -> 1000 runs
    "V26": Pilot(0.104, 0.07824, 0.1341),  # -> 1000 runs
    "V27": Pilot(0.2485, 0.2126, 0.2882),  # -> 500 runs
    "V28": Pilot(0.002004, 0.0003538, 0.01126),  # -> 500 runs
    "V29": Pilot(0.382, 0.3234, 0.4366),  # -> 500 runs
    "V30": Pilot(-0.01, -0.06336, 0.04343),  # -> 1000 runs
    "V31": Pilot(0.584, 0.5391, 0.6264),  # -> 500 runs
    "V32": Pilot(0, 0, 0.007624),  # -> 500 runs
    "V33": Pilot(0.002004, 0.0003538, 0.01126),  # -> 500 runs
    "V45": Pilot(0.086, 0.06447, 0.1138),  # -> 500 runs
    "V46": Pilot(0, -0.02728, 0.02728),  # -> 1000 runs
    "V47": Pilot(-0.204, -0.2488, -0.1589),  # -> 500 runs
    "V48": Pilot(-0.006, -0.03843, 0.02632),  # -> 1000 runs
    "V35": Pilot(0.01587, 0.00619, 0.04009),  # -> 500 runs
    "V36": Pilot(0.322, 0.281, 0.3644),  # -> 500 runs
    "V37": Pilot(0.007937, 0.001402, 0.04359),  # -> 500 runs
    "V38": Pilot(0.052, 0.01728, 0.08737),  # -> 1000 runs
    "V39": Pilot(0.05, -0.08, 0.13),  # -> 1000 runs
    "V40": Pilot(0.546, 0.5022, 0.5891),  # -> 500 runs
    "V41": Pilot(0.224, 0.1634, 0.2822),  # -> 500 runs
    "V42": Pilot(0.012, -0.04961, 0.07348),  # -> 1000 runs
    "V43": Pilot(0.94, 0.9156, 0.9577),  # -> 500 runs
    "V44": Pilot(0.9957, 0.9761, 0.9992),  # -> 500 runs
    "V49": Pilot(2.426e+04, 2.426e+04, 2.426e+04),  # -> 500 runs
    "V50": Pilot(0, 0, 0.007624),  # -> 500 runs
    "V51": Pilot(1.586, 1.456, 1.748),  # -> 500 runs
    "V52": Pilot(2.425e+04, 2.425e+04, 2.425e+04),  # -> 1000 runs
    "V53": Pilot(1.864, 1.729, 2.039),  # -> 500 runs
    "V54": Pilot(0.04031, 0.03926, 0.04138),  # -> 500 runs
    "V55": Pilot(0.694, 0.6523, 0.7328),  # -> 500 runs
}


def claim_runs(claim: "Claim") -> int:
    """The claim's run count per batch: chosen for power from its pilot, else `RUNS`."""
    pilot = PILOTS.get(claim.id)
    if pilot is None:
        return RUNS
    return runs_for_power(pilot, claim.threshold, claim.upper,
                          contrast=claim.kind == "difference")


HISTORY_BATCH = Batch("history_2019_2021")

# Issue 13: where the documents give timing or size, claims measure timing and size. Thresholds
# and windows come from the documents and the source's precision (the tolerances of
# targets/history_2019_2021.yaml), fixed in a commit of their own before the first run. They are
# appended to CLAIMS at the end of this module (after the claims other rounds add).
SIZE_AND_TIMING: tuple[Claim, ...] = (
    Claim("V49", "The EU's sectoral sanctions come around June 2021", ("L25", "WES-06"),
          "quantile", HISTORY_BATCH, first_month("sanctions_level", "2019-01", "2021-06", 2),
          ">=", month("2021-03"), upper=month("2021-09"), unit="month",
          note="median month of the first sectoral sanctions in the history scenario, within "
               "June 2021 +-3 months (the target's tolerance); a run without them counts as "
               "later than the window (the scenario ends in June 2021)",
          alternative=Alternative("edge", "the West's lag before each broader sanctions step at the top "
                                  "of its range (west.package_lag_months 12)",
                                  sets=(("west.package_lag_months", 12.0),))),
    Claim("V50", "No sectoral sanctions yet in 2020", ("L25", "WES-06"), "proportion",
          HISTORY_BATCH, ever("sanctions_level", "2019-01", "2020-12", 2), "<=", 0.3,
          note="share of history runs with sectoral sanctions by December 2020 (tolerance of "
               "the target no_sectoral_sanctions_2020)",
          invariant="sectoral sanctions need mass repression after the August 2020 election and then "
                    "a package lag of at least 4 months (west.package_lag_months' documented "
                    "range): at that low end 13.5% of runs have them by December 2020 (200 runs), "
                    "within <= 30%"),
    Claim("V51", "Moscow's 2020 loan is about USD 1.5 bn", ("E12",), "quantile", HISTORY_BATCH,
          at("loans_total", "2020-12"), ">=", 1.0, upper=2.0, unit="USD bn",
          note="median Russian lending in the history scenario by December 2020, within "
               "1.5 +-0.5 bn (the target loans_2020)",
          alternative=Alternative("edge", "the reserves a Russian rescue aims to leave at the low end "
                                  "of their range (kremlin.rescue_reserve_target 3.0)",
                                  sets=(("kremlin.rescue_reserve_target", 3.0),))),
    Claim("V52", "The loan comes within weeks of the August 2020 protests", ("E12", "E13"),
          "quantile", HISTORY_BATCH, first_month("loans_total", "2019-01", "2021-06", 0.5),
          ">=", month("2020-08"), upper=month("2020-11"), unit="month",
          note="median month in which Russian lending first reaches 0.5 bn: September 2020, "
               "within -1/+2 months (not before the protests; the target loan_month_2020)",
          alternative=Alternative("ablation", "unrest adds nothing to a bailout's value "
                                  "(putin.bailout_unrest_weight 0, the low end of its range): "
                                  "the loan waits for the money to run out",
                                  sets=(("putin.bailout_unrest_weight", 0.0),))),
    Claim("V53", "Moscow lends just enough, not more, by mid-2021", ("E12", "E14", "KRE-12"),
          "quantile", HISTORY_BATCH, at("loans_total", "2021-06"), "<=", 3.0, unit="USD bn",
          note="median Russian lending by June 2021 at most the 1.5 bn loan and as much again "
               "for refinancing (E14: credit to service old debt)",
          alternative=Alternative("edge", "a rescue sized generously: the reserves it aims to leave and "
                                  "its horizon at the top of their ranges "
                                  "(kremlin.rescue_reserve_target 7, rescue_horizon_months 18)",
                                  sets=(("kremlin.rescue_reserve_target", 7.0),
                                        ("kremlin.rescue_horizon_months", 18.0)))),
    Claim("V54", "The 2020 protests are mass protests", ("MIN-53", "SC19", "L6"), "quantile",
          HISTORY_BATCH, peak("protest_share", "2020-08", "2020-12"), ">=", 0.02,
          note="median peak protest share of adults in August-December 2020 at least the low "
               "end of the mass-protest level's documented range (public.mass_protest_share)",
          invariant="the 2020 protests pass the mass level under every documented value tried: the "
                    "stolen election's grievance at the low end of its range (0.3), the net "
                    "grievance needed to protest at the top (public.protest_threshold 0.25) or "
                    "the jailed challengers' grievance at the low end (0.05) give a median peak "
                    "of 3.7% to 4.9% of adults (200 runs)"),
    Claim("V55", "Repression persists into 2021", ("MIN-53", "MIN-54", "SC20"), "proportion",
          HISTORY_BATCH, below(at("repression", "2021-06"), 0.5), "<=", 0.3,
          note="share of history runs in which repression has fallen below half the scale by "
               "June 2021 (the Ryanair forcing came in May 2021; tolerance as the target "
               "repression_2020)",
          alternative=Alternative("edge", "repression ebbing fastest once the crackdown stops "
                                  "(minsk.repression_relaxation 0.25, the top of its range)",
                                  sets=(("minsk.repression_relaxation", 0.25),))),
)

CLAIMS: tuple[Claim, ...] = (
    Claim("V01", "Forced incorporation is not attempted while Minsk is manageable",
          ("KRE-16", "KRE-21", "KRE-23"), "proportion", BASE,
          all_of(flag("takeover_attempted"), lambda d: ~flag("crisis_logic")(d)), "<=", 0.01,
          note="share of baseline runs with a takeover attempt and no crisis logic",
          invariant="outside the crisis logic Putin's takeover utility is about -3 against +0.35 for "
                    "holding course at a choice temperature of 0.1, about e^-30 a month (issue 13); "
                    "no documented value brings an attempt while Minsk is manageable"),
    Claim("V02", "Annexation stays unlikely in the 2019-2023 baseline", ("SC15", "KRE-24"),
          "proportion", BASE, flag("absorption"), "<=", 0.05,
          invariant="annexation in the baseline needs the crisis logic and a collapsing state; the most "
                    "favourable documented positions together (a mobilisable pro-Russian base, a "
                    "proactive Kremlin, putin.intervention_cost at its low end 1.5) give 3.6% "
                    "[1.9, 6.7] at 250 runs, and the crisis threshold at its low end with the same "
                    "cost 2.8%: within <= 5%"),
    Claim("V03", "Signed integration documents are mostly not implemented", ("SYS-01", "U29"),
          "ratio", BASE, share_of(("implemented",),
                                  ("signed", "partly_implemented", "implemented"),
                                  column="end_integration"), "<=", 0.4,
          note="share of runs with signed roadmaps in which at least half are in force (by the "
               "integration end state, whatever the primary outcome)",
          alternative=Alternative("dispute", "sovereignty tradable when cornered (D1: marin2020, "
                                  "westwary2019)", params=("params/sovereignty_tradable.yaml",))),
    Claim("V04", "No supranational bodies before 2024", ("U24", "MIN-05"), "proportion", BASE,
          flag("supranational_union"), "<=", 0.02,
          invariant="signing the supranational roadmap costs about -1.44 utils against a refusal of "
                    "about -0.5 at a temperature of 0.06, about 1e-7 per summit (issue 13): no "
                    "documented value makes Minsk sign"),
    Claim("V05", "The 2019 round ends without a signature", ("U22", "MIN-25"), "proportion",
          BASE, ever("roadmaps_signed", "2019-01", "2019-12", 1), "<=", 0.2,
          note="roadmaps signed by December 2019",
          alternative=Alternative("dispute", "sovereignty tradable when cornered (D1: marin2020, "
                                  "westwary2019)", params=("params/sovereignty_tradable.yaml",))),
    Claim("V06", "Isolated in 2021, Minsk can no longer slam the door", ("MIN-25", "SC6"),
          "difference", Batch("roadmaps_2021"), ever("roadmaps_signed", "2021-01", "2021-12", 1),
          ">=", 0.2, other=BASE, other_measure=ever("roadmaps_signed", "2019-01", "2019-12", 1),
          note="signed by Dec 2021 in roadmaps_2021 minus signed by Dec 2019 in the baseline",
          alternative=Alternative("dispute", "sovereignty not for sale (D1: carnegie2019, "
                                  "shraibman2021a): isolation does not force a signature",
                                  params=("params/sovereignty_sacred.yaml",))),
    Claim("V07", "High Russia-West tension lets Minsk concede less", ("MIN-21", "MIN-22"),
          "difference", Batch("baseline", sets=(("initial.tension", 0.7),)),
          flag("integration_signed"), "<=", -0.05,
          other=Batch("baseline", sets=(("initial.tension", 0.3),)),
          note="share signing roadmaps at tension 0.7 minus at tension 0.3",
          invariant=("its documented alternative, sovereignty tradable when cornered (D1: "
                     "marin2020, westwary2019), no longer makes it fail on the posterior refit "
                     "after issue 12: -5.5 pp [-10.2, -1.3] at 200 runs, seed 2026, against <= -5 "
                     "(it failed on the earlier posterior); tension's effect survives the other "
                     "side of the dispute, so the claim is not counted as validation")),
    Claim("V08", "Mass repression brings Western sectoral sanctions", ("WES-06", "MIN-53", "L25"),
          "proportion", ELECTION, all_of(flag("sectoral_sanctions"), flag("mass_protests")),
          ">=", 0.7, note="runs with mass protests and sectoral sanctions",
          alternative=Alternative("edge", "EU unanimity friction at the top of its range "
                                  "(west.unanimity_friction 0.25)",
                                  sets=(("west.unanimity_friction", 0.25),))),
    Claim("V09", "Moscow keeps Minsk afloat with a loan in the 2020 crisis",
          ("E12", "E14", "KRE-12"), "proportion", ELECTION,
          ever("loans_total", "2020-08", "2021-06", 0.1), ">=", 0.7,
          invariant=("on the posterior refit after issue 12 the protests' pull on Putin's bailout "
                     "brings the loan within the window whatever the smallest rescued shortfall: "
                     "kremlin.rescue_min at the top of its range (1.0) still gives 85.5% [80.0, "
                     "89.7] at 200 runs, seed 2026 (it failed on the earlier posterior)")),
    Claim("V10", "Isolation brings little extra Russian money (energy support)",
          ("KRE-19", "MIN-61"), "quantile", ELECTION,
          # the path starts from the scenario's own start value (month 0, December 2019): the
          # scenario now sets it with `initial:` rather than inheriting January 2019's 3.0
          lambda d: final("energy_support")(d) - (at("energy_support", "2019-12")(d) - 3 * 0.35),
          "<=", 0.4, q=0.5,
          note="median final support above the scheduled tax-manoeuvre path",
          unit="USD bn/yr",
          invariant="energy support moves only by the scenario's tax-manoeuvre steps and by "
                    "compensation once integration is in force, which no run of election_2020 "
                    "reaches: with compensation_offer at its top (2.5) or sovereignty tradable the "
                    "median is unchanged (0.0 at 250 runs)"),
    Claim("V11", "The tax manoeuvre goes on regardless of the political crisis",
          ("E5", "SC2"), "proportion", BASE, below(at("energy_support", "2021-12"), 3.0),
          ">=", 0.95, note="support in Dec 2021 below its Jan 2019 level",
          alternative=Alternative("dispute", "sovereignty tradable (D1) with Moscow's compensation at "
                                  "the top of its range (kremlin.compensation_offer 2.5): "
                                  "integration bought back the oil rent",
                                  params=("params/sovereignty_tradable.yaml",),
                                  sets=(("kremlin.compensation_offer", 2.5),))),
    Claim("V12", "The regime survives 2020 with Russian backing", ("E13", "KRE-17", "SC20"),
          "proportion", ELECTION, flag("regime_change"), "<=", 0.1,
          invariant="the regime survives without the documented backing too: Russian backing at the "
                    "low ends of its ranges (putin.crisis_backing 0.15, elite.backing_deterrence "
                    "0.2, elite.backing_support 0.05) and elite defection at its top "
                    "(elite.defection_scale 0.6) give 8.0% [5.2, 12.0] regime change at 250 runs, "
                    "inside <= 10%"),
    Claim("V13", "Ukraine-like protests switch the Kremlin to the logic of 2014", ("KRE-16",),
          "difference", Batch("colour_revolution"), flag("crisis_logic"), ">=", 0.15,
          other=ELECTION,
          alternative=Alternative("edge", "the Kremlin's crisis threshold at the top of its range "
                                  "(kremlin.crisis_threshold 0.7)",
                                  sets=(("kremlin.crisis_threshold", 0.7),))),
    Claim("V14", "Ukraine-like protests raise the chance of Russian intervention",
          ("KRE-16", "HYB-03", "M47"), "difference", Batch("colour_revolution"),
          any_of(flag("forces_deployed"), flag("takeover_attempted")), ">=", 0.1,
          other=ELECTION,
          alternative=Alternative("edge", "the Kremlin's crisis threshold at the top of its range "
                                  "(kremlin.crisis_threshold 0.7)",
                                  sets=(("kremlin.crisis_threshold", 0.7),))),
    Claim("V15", "Zapad 2017 leaves no Russian troops behind", ("SC11", "M20", "MIN-32"),
          "proportion", Batch("zapad_2017"),
          any_of(flag("troops_stayed"), flag("temporary_deployment")), "<=", 0.1,
          invariant="a calm Zapad 2017 gives the Kremlin no reason to leave troops: the cost of leaving "
                    "them at its low end (kremlin.troops_stay_cost 0.2) with Putin's unrest floor at "
                    "its top (1.0) gives 1.6%, Minsk's fear of them at its low end 1.2% (250 runs)"),
    Claim("V16", "A NATO build-up raises Minsk's reliance on Russian forces",
          ("NAT-04", "NAT-05", "MIN-30"), "difference", Batch("zapad_nato_buildup"),
          any_of(flag("troops_stayed"), flag("temporary_deployment")), ">=", 0.1,
          other=Batch("zapad_2017"),
          invariant="Minsk's reliance on Russian forces under a build-up does not hinge on a documented "
                    "value: its NATO-threat weights at the bottom of their ranges "
                    "(minsk.nato_threat_weight 0.1, minsk.nato_exercise_threat 0.2) leave +22.8% "
                    "and its rotation threshold at the top (0.8) +28.0% at 250 runs"),
    Claim("V17", "A NATO build-up does not make the alliance more cohesive", ("NAT-07",),
          "median_difference",
          Batch("zapad_nato_buildup"), final("kremlin_trust"), "<=", 0.05,
          other=Batch("zapad_2017"), note="median final Kremlin trust, build-up minus none",
          unit="trust (0..1)",
          invariant="the Kremlin's trust barely moves with NATO's posture: with Minsk's NATO threat "
                    "weight at the top of its range (0.5) the median difference is -0.001"),
    Claim("V18", "No permanent Russian base through 2021", ("MIN-29", "MIN-61"), "proportion",
          BASE, ever("presence", "2019-01", "2021-12", 3), "<=", 0.02,
          invariant="no run has Minsk accept a permanent base (the roadmap and base utilities, issue "
                    "13); the runs above the threshold are Russian takeovers under the crisis "
                    "logic. The base's sovereignty cost at the low end of its range (0.5) and "
                    "sovereignty tradable leave the share where sampling puts it (2.8% and 2.8% "
                    "at 250 runs)"),
    Claim("V19", "Support for joining Russia stays in single digits, even under a campaign",
          ("P3", "P8", "P15", "BYP-04"), "quantile", Batch("hybrid_campaign"),
          final("support_incorporation"), "<", 0.10, q=0.95,
          invariant="support for joining Russia starts at most at 7% and moves by about 0.1 points a "
                    "year (issue 13): no documented campaign or value takes the 95th percentile "
                    "to 10%"),
    Claim("V20", "Russian pressure rallies the public round sovereignty", ("BYP-17", "BYP-07"),
          "median_difference", Batch("subsidy_cuts"), final("support_independence"), ">", 0.0,
          other=BASE, unit="share of the public",
          invariant="the rally needs only the sign of one coded term (issue 13): public.rally_rate's "
                    "documented range is positive throughout, and at its low end (0.004) the median "
                    "difference stays positive (+0.0036)"),
    Claim("V21", "No default: Moscow lends just enough", ("E14", "KRE-12"), "proportion", BASE,
          flag("default"), "<=", 0.05,
          invariant="no run defaults: rescue loans are sized to the shortfall, and Putin's wish to keep "
                    "Minsk afloat at the low end of its range (putin.keep_afloat 0.3) or the "
                    "smallest rescued shortfall at the top of its range (kremlin.rescue_min 1.0) "
                    "leave defaults at 0.0% (200 runs)"),
    # ---- disputed claims, tested under each side's parameters (FACTS section 5)
    Claim("V22", "Sovereignty not for sale: no supranational bodies", ("MIN-05", "MIN-06"),
          "proportion", SACRED, flag("supranational_union"), "<=", 0.01, dispute="D1",
          note="carnegie2019 / shraibman2021a position",
          invariant="signing supranational bodies costs about -1.44 utils against a refusal of about "
                    "-0.5 at a temperature of 0.06, about 1e-7 per summit (issue 13); under "
                    "sovereignty_sacred the cost is higher still"),
    Claim("V23", "Sovereignty tradable when cornered: deeper integration more often",
          ("MIN-09",), "difference", TRADABLE,
          any_of(flag("economic_integration"), flag("supranational_union")), ">=", 0.05,
          other=SACRED, dispute="D1", note="marin2020 / westwary2019 position against the other",
          alternative=Alternative("dispute", "sovereignty not for sale on both sides (D1: carnegie2019, "
                                  "shraibman2021a; the economy at its default weight): being "
                                  "cornered changes nothing",
                                  params=("params/sovereignty_sacred.yaml",),
                                  sets=(("minsk.economy_weight", 0.6),))),
    Claim("V24", "Without a pro-Russian base a takeover rarely succeeds",
          ("BYP-04", "KRE-17"), "proportion",
          Batch("colour_revolution", params=("params/no_prorussian_base.yaml",)),
          flag("absorption"), "<=", 0.05, dispute="D6",
          note="carnegie2019 / shraibman2021b position",
          invariant="the documented other side, a mobilisable pro-Russian base (D6: westwary2019, "
                    "marin2020), gives 4.5% [2.4, 8.3] at 200 runs, near the threshold but within "
                    "it, and with the takeover's base odds at the top of their range "
                    "(kremlin.takeover_base_success 0.35) the same 4.5%: no documented alternative "
                    "takes it above 5%"),
    Claim("V25", "A mobilisable pro-Russian base makes absorption likelier",
          ("HYB-06", "HYB-05"), "difference",
          Batch("colour_revolution", params=("params/prorussian_base.yaml",)),
          flag("absorption"), ">=", 0.02,
          other=Batch("colour_revolution", params=("params/no_prorussian_base.yaml",)),
          dispute="D6", note="westwary2019 / marin2020 position against the other",
          alternative=Alternative("dispute", "no mobilisable pro-Russian base (D6: carnegie2019, "
                                  "shraibman2021b) on both sides",
                                  params=("params/no_prorussian_base.yaml",))),
    Claim("V26", "A proactive Kremlin reopens integration talks more often", ("U11", "KRE-12"),
          "difference", Batch("baseline", params=("params/proactive_russia.yaml",)),
          chose("putin", "policy", "demand_integration"), ">=", 0.1,
          other=Batch("baseline", params=("params/reactive_russia.yaml",)), dispute="D5",
          alternative=Alternative("dispute", "a reactive Kremlin (D5: shraibman2021a) whatever the "
                                  "other side says", params=("params/reactive_russia.yaml",))),
    # ---- issue 12: a war next door (war engineer; thresholds written before the first run)
    Claim("V27", "Under the documents' conditions (2019-2020) Minsk refuses staging in most runs",
          ("MIN-28", "BYP-16", "SC23"), "ratio", WAR,
          share_of(("limited", "full"), _WAR_ASKED, column="end_war_role"), "<=", 0.3,
          note="share of war_next_door runs with a Russian ask in which Minsk allowed staging, "
               "airspace, logistics or more; 'most' read as a clear majority refusing (the text "
               "says 'never')",
          alternative=Alternative(
              "dispute", "SYS-14/KRE-34: the neutrality is situational and not credible; with "
              "sovereignty tradable (D1, marin2020/westwary2019) and neutrality at the bottom of "
              "its range, Minsk gives way",
              params=("params/sovereignty_tradable.yaml",),
              sets=(("war.minsk.neutrality_cost", 0.5), ("war.minsk.limited_share", 0.3)))),
    Claim("V28", "No Belarusian troops in Russia's war: a full role is rare", ("MIN-28", "M15"),
          "ratio", WAR, share_of(("full",), _WAR_ASKED, column="end_war_role"), "<=", 0.1,
          note="share of war_next_door runs with an ask in which Minsk activated the joint "
               "grouping or a combat role",
          alternative=Alternative(
              "edge", "neutrality, the public's fear of war and the Western stake all at the "
              "bottom of their ranges",
              sets=(("war.minsk.neutrality_cost", 0.5), ("war.minsk.war_fear", 0.1),
                    ("war.minsk.west_loss", 0.1)))),
    Claim("V29", "Isolated, Minsk lets Russia use its territory more often",
          ("MIN-25", "MIN-53", "SC20"), "difference", Batch("war_in_isolation"),
          flag("staging_allowed"), ">=", 0.05, other=WAR,
          note="staging (or more) allowed: the war in 2021 isolation minus the war in 2019-2020",
          invariant=("its documented alternative (MIN-21: tension leverage at the top of its range, "
                     "the stake at its bottom) no longer makes it fail once the counter-levers "
                     "answer only new pressure and mediation counts once (issue 12 fixes): +12.0 pp "
                     "[+4.2, +19.6] at 200 runs, seed 2026, against >= +5; isolation raises staging "
                     "through several terms of Minsk's answer at once")),
    Claim("V30", "Dependence on Russian credit makes staging likelier", ("E14", "MIN-25"),
          "difference", Batch("war_next_door", sets=(("initial.russian_debt", 12.0),)),
          flag("staging_allowed"), ">=", 0.03,
          other=Batch("war_next_door", sets=(("initial.russian_debt", 5.0),)),
          note="staging (or more) allowed with $12bn owed to Russia minus with $5bn",
          alternative=Alternative(
              "ablation", "Russian debt gives Moscow no leverage (refinancing exposure zero)",
              sets=(("minsk.refinancing_exposure", 0.0),))),
    Claim("V31", "In a crisis exercise troops stay behind more often than after Zapad 2017",
          ("SYS-12", "MIN-30", "SC11"), "difference", Batch("exercise_in_crisis"),
          any_of(flag("exercise_troops_stayed_a_while"), flag("troops_stayed"),
                 flag("temporary_deployment")), ">=", 0.1, other=Batch("zapad_2017"),
          note="troops stay for a while, for good or on rotation: exercise_in_crisis minus "
               "zapad_2017",
          invariant=("the war engineer's alternative (+53 pp against >= +10) did not make it fail: the "
                     "contrast passes through ordinary rotations, and Minsk refuses the war-time stay "
                     "in almost every ask, so no documented value tried reverses it (issue 12).")),
    Claim("V32", "Even in a crisis, exercise troops do not become a permanent force",
          ("MIN-29", "MIN-30", "M24"), "proportion", Batch("exercise_in_crisis"),
          flag("troops_stayed"), "<=", 0.1,
          note="exercise troops left for good (Minsk accepted)",
          invariant=("permanent troops after an exercise stay near 0% across the documented ranges "
                     "tried by the war engineer (issue 12): the claim holds by construction of the "
                     "exit rule, not as evidence.")),
    Claim("V33", "Under a NATO build-up, Minsk still refuses staging in most runs",
          ("MIN-31", "MIN-28"), "ratio", Batch("exercise_in_crisis"),
          share_of(("limited", "full"), _WAR_ASKED, column="end_war_role"), "<=", 0.3,
          note="share of exercise_in_crisis runs with an ask in which Minsk allowed a role",
          alternative=Alternative(
              "dispute", "SYS-14/KRE-34 with D1 tradable, as for V27",
              params=("params/sovereignty_tradable.yaml",),
              sets=(("war.minsk.neutrality_cost", 0.5), ("war.minsk.limited_share", 0.3)))),
    # ---- issue 12: Belarus's armed forces
    Claim("V45", "The army stays loyal through the 2020 crisis", ("MIN-53", "SC20", "ELI-05"),
          "proportion", ELECTION, flag("army_refused_repression"), "<=", 0.15,
          note="share of election_2020 runs in which the army refuses an order to repress",
          invariant=("its alternative (low initial loyalty) still passed (13% against <= 15%): the "
                     "regime's purges restore a doubtful army by construction, so the claim does not "
                     "discriminate (issue 12).")),
    Claim("V46", "An army of doubtful loyalty makes the regime's fall in 2020 likelier",
          ("ELI-06", "ELI-07", "D4"), "difference", Batch("army_split_2020"),
          flag("regime_fell"), ">=", 0.03, other=ELECTION, dispute="D4",
          note="regime fell in army_split_2020 minus in election_2020",
          alternative=Alternative(
              kind="ablation", why="a refusal to repress does not reach the elite: security "
                                   "officers who watch each other and risk everything by "
                                   "defecting hold together whatever the army does (ELI-03, "
                                   "ELI-05)",
              sets=(("army.refusal_hazard", 0.0), ("army.refusal_cohesion_loss", 0.0)))),
    Claim("V47", "Purging the officer corps keeps a doubtful army from refusing",
          ("MIN-33", "ELI-05"), "difference", Batch("army_split_2020"),
          flag("army_refused_repression"), "<=", -0.05,
          other=Batch("army_split_2020", sets=(("army.purge_threshold", 0.4),)),
          note="army refusals in army_split_2020 minus the same with purges only below loyalty "
               "0.4 (under its calm loyalty of 0.5, so rarely)",
          invariant=("its alternative still passed (-16.7 pp against <= -5): a purge raises loyalty by "
                     "construction of the purge rule, so no documented value reverses it (issue 12).")),
    Claim("V48", "Moscow's backing in 2020 keeps Russia-schooled officers in line",
          ("E13", "M47", "ELI-07"), "difference", Batch("army_split_2020"),
          flag("army_refused_repression"), "<=", -0.03,
          other=Batch("army_split_2020", sets=(("army.russian_channel", 0.0),)), dispute="D4",
          note="army refusals in army_split_2020 minus the same without a Russian channel "
               "through the officers' ties",
          alternative=Alternative(
              kind="dispute", why="Shraibman's reading: Russia-educated generals have been "
                                  "replaced, so few officers carry Russia's line (the low end "
                                  "of army.initial_russian_ties; ELI-05)",
              sets=(("army.initial_russian_ties", 0.1),))),
    # ---- issue 12: strategic deployments and Minsk's counter-levers (strategic engineer)
    Claim("V35", "Minsk refuses Russian nuclear weapons on its soil", ("MIN-28", "M4", "M10",
                                                                      "MIN-31"),
          "ratio", Batch("strategic_guarantees"),
          lambda d: _ended_with_among("end_strategic", "nuclear_weapons",
                                      "levers.kremlin", "strategic", "propose_nuclear_weapons")(d),
          "<=", 0.2,
          note="of the runs in which Moscow proposed nuclear weapons, the share ending with "
               "nuclear weapons in Belarus (a NATO build-up, 2019-2023)",
          alternative=Alternative(
              kind="dispute",
              why="sovereignty tradable when cornered (D1, marin2020 / westwary2019) and the "
                  "nuclear-free pledge at the low edge of its cost: Minsk could be bought",
              params=("params/sovereignty_tradable.yaml",),
              sets=(("strategic.nuclear_pledge_cost", 0.4),
                    ("strategic.nuclear_security_factor", 2.0)))),
    Claim("V36", "A NATO build-up raises Minsk's requests for guarantees", ("MIN-31", "NAT-05"),
          "difference", Batch("strategic_guarantees"), flag("guarantees_requested"), ">=", 0.1,
          other=BASE, note="share of runs in which Minsk asked Moscow for guarantees or systems, "
                           "build-up minus baseline",
          invariant=("its alternative still passed (+72 pp against >= +10): a NATO build-up raises "
                     "Minsk's sense of threat by construction of strategic.request_threat, so no "
                     "documented value reverses the sign (issue 12).")),
    Claim("V37", "Minsk does not buy Iskander-type systems at the market price", ("M4", "M10",
                                                                                  "M7"),
          "ratio", Batch("strategic_guarantees"),
          lambda d: _chose_among("levers.minsk", "strategic_purchase", "buy",
                                 "levers.kremlin", "guarantee_answer", "sell_systems")(d),
          "<=", 0.3,
          note="of the runs in which Moscow offered systems at the market price, the share in "
               "which Minsk bought",
          invariant=("its alternative still passed (0.8% against <= 30%): at the documented market "
                     "price (M4) the purchase is dearer than any documented value of its benefit, so "
                     "it holds almost by construction (issue 12).")),
    Claim("V38", "A sharper dispute with Moscow brings transit threats", ("MIN-15", "SC3"),
          "difference", Batch("transit_dispute"), flag("transit_threatened"), ">=", 0.05,
          other=BASE, note="share of runs in which Minsk threatened Russia's transit, the 2020 "
                           "oil dispute sharpened minus baseline",
          alternative=Alternative(
              kind="edge", why="the transit card worth little (low edge of its value) and the "
                               "dispute gate at the top of its range",
              sets=(("levers.transit_value", 0.15), ("levers.dispute_gate", 0.5)))),
    Claim("V39", "Offering mediation earns Western engagement", ("SC23", "WES-02", "L16"),
          "median_difference", Batch("transit_dispute"), final("western_engagement"), ">", 0.0,
          other=Batch("transit_dispute", sets=(("levers.mediation_value", 0.1),)),
          note="median final Western engagement, a Minsk that values mediation (default) minus "
               "one that hardly does (low edge)", unit="engagement (0..1)",
          invariant=("not evidence: with the EU and the US giving mediation no weight (its "
                     "ablation) the median difference is the same +0.05 [-0.15, +0.2] (200 runs, "
                     "seed 2026) as with it, +0.05 [-0.05, +0.13] at 1000 runs; since mediation "
                     "counts once, through the EU's and the US's decisions (issue 12 fix), the "
                     "measured gap comes from other channels and the claim cannot fail")),
    # ---- issue 12: the US and the EU as separate actors (useu)
    Claim("V40", "The US and the EU diverge: the US eases while the EU's sanctions stay",
          ("WES-02", "L13", "NEI-03", "NAT-17"), "proportion", US_EU,
          flag("us_eu_diverged"), ">=", 0.2,
          note="runs in which the US relieved its sanctions while the EU's stood, and the EU "
               "had not eased by the end",
          invariant=("its ablation (us.deal_appeal = 0) still passed at 44%: the quarrel term alone "
                     "keeps US deals in the scenario, so no documented alternative tried makes it fail "
                     "(issue 12).")),
    Claim("V41", "Minsk takes US relief for prisoners more often when it quarrels with Moscow",
          ("WES-02", "MIN-25", "MIN-44", "E30"), "difference", US_EU_QUARREL,
          flag("us_deal"), ">=", 0.05, other=US_EU,
          note="runs with a US prisoner deal accepted, oil quarrel minus none",
          alternative=Alternative(
              "ablation", "a quarrel with Moscow adds nothing to a US opening (MIN-25 and MIN-44 "
              "ignored: us.deal_isolation_value and us.buffer_value at the bottom of their ranges)",
              sets=(("us.deal_isolation_value", 0.0), ("us.buffer_value", 0.2)))),
    Claim("V42", "Lithuania's veto keeps the EU holding while the US eases",
          ("NEI-03", "WES-02"), "difference",
          Batch("us_deal_eu_holds", sets=(("west.lithuania_friction", 0.3),)),
          flag("us_eu_diverged"), ">=", 0.03,
          other=Batch("us_deal_eu_holds", sets=(("west.lithuania_friction", 0.0),)),
          note="divergence with Lithuania's veto at the top of its range minus without it",
          alternative=Alternative(
              "edge", "an EU that eases only once every prisoner is free: with nothing left to "
              "veto, Lithuania's position makes no difference",
              sets=(("west.release_condition", 0.0),))),
    Claim("V43", "Mass repression brings US sanctions as well as the EU's",
          ("WES-06", "MIN-53", "WES-01"), "proportion", ELECTION,
          all_of(ever("us_sanctions", "2020-08", "2021-06", 1), flag("mass_protests")),
          ">=", 0.7, note="runs with mass protests and a US sanctions step by June 2021",
          invariant=("with the US's human-rights weight at the bottom and its sanction "
                     "friction at the top of their ranges, 96% of 100 election_2020 runs still "
                     "see a US step: the US answers mass repression by construction; the "
                     "alternative that removes the repression (the 2015 election) has no "
                     "2020-21 window to measure (issue 12)")),
    Claim("V44", "A US deal does not bring EU relief: the EU holds in most runs with a deal",
          ("NEI-03", "WES-05", "WES-01"), "ratio", US_EU,
          lambda d: (int((d.outcomes["us_deal"].astype(bool)
                          & d.outcomes["us_eu_diverged"].astype(bool)).sum()),
                     int(d.outcomes["us_deal"].astype(bool).sum())),
          ">=", 0.7, note="share of the runs with a US deal in which the EU never eased",
          alternative=Alternative(
              "edge", "the most lenient EU in its ranges: quick to forget, little unanimity "
              "friction, no Lithuanian veto, loose release and repression conditions",
              sets=(("west.memory_decay", 0.1), ("west.unanimity_friction", 0.05),
                    ("west.lithuania_friction", 0.0), ("west.release_condition", 0.4),
                    ("west.easing_repression_ceiling", 0.6), ("west.dialogue_condition", 0.0)))),
)


# Claims that still fail after calibration within the documented ranges, with the reason. Listed
# here rather than hidden: `unionsim check` shows them as failures with this text, and the test
# suite fails if a claim fails that is not listed, or if a listed claim starts passing. A claim
# that fails at any master seed of `unionsim check` is a failure; `KNOWN_FAILURE_SEEDS` names the
# seeds at which it fails when that is not all of them (the test suite runs seed 2026 only).
KNOWN_FAILURES: dict[str, str] = {
    # verdicts on the posterior refit after issue 12 and its fixes (seeds 2026, 7, 99; each
    # claim at its power-chosen count, 500 to 1000 runs per batch)
    "V06": "+21.6, +19.0 and +19.9 pp at seeds 2026, 7 and 99 (1000 runs, the power cap) "
           "against >= +20: isolation still forces signatures far more often than in 2019, but "
           "the gap sits on the threshold, so two seeds fall just short of it.",
    "V13": "+2.4, +1.7 and +1.7 pp at seeds 2026, 7 and 99 against >= +15 (it passed on the "
           "posterior fitted before issue 12, and gives +28.3 pp [+22.2, +34.3] under the prior "
           "at 300 runs): the refit, which keeps 2020 itself free of the crisis logic (target "
           "no_crisis_logic_2020), also keeps the Ukraine-like street of colour_revolution from "
           "switching the Kremlin to the logic of 2014. The carrier is the fitted protest "
           "fatigue (public.fatigue_build, posterior mean 0.109 against a default of 0.05): "
           "on the posterior with it set back to 0.05 the contrast is +39.0 pp (300 runs), "
           "while setting back putin.reactivity, public.protest_threshold or "
           "putin.choice_temperature leaves it at +1.3 to +2.7 pp. A faster-tiring street "
           "never stays out long enough for the radicals of colour_revolution to join.",
    "V14": "+1.4, +1.2 and +1.0 pp at seeds 2026, 7 and 99 against >= +10: intervention follows "
           "the crisis logic, which the Ukraine-like protests no longer switch on under the "
           "refit posterior (see V13).",
    "V18": "2.0%, 2.1% and 1.5% at seeds 2026, 7 and 99 (1000 runs, the power cap) against "
           "<= 2%: no run has Minsk accept a base; the runs at the threshold are Russian "
           "takeovers in 2020 under the crisis logic (an occupation counts as presence above a "
           "base). Absorption itself stays within V02.",
    "V25": "+1.7 [+0.3, +3.1], +1.6 and +1.4 pp at seeds 2026, 7 and 99 (1000 runs) against "
           ">= +2: the mobilisable base raises absorption, by less than the threshold.",
    "V26": "+9.5 [+7.8, +11.5], +8.6 and +8.7 pp at seeds 2026, 7 and 99 (1000 runs) against "
           ">= +10: with money with memory Putin's integration motive is scaled by Minsk's "
           "refinancing need, which a reactive Kremlin shares, so the gap between a proactive "
           "and a reactive Kremlin is narrower than the documents' wording.",
    "V27": "24.8%, 29.4% and 30.1% [26.2, 34.2] at seeds 2026, 7 and 99 (500 runs) against "
           "<= 30%: Minsk refuses in about 70-75% of the runs where Moscow asks, a majority but "
           "on the edge of the clear majority the threshold reads into the documents. Since "
           "the counter-levers answer only new pressure and mediation counts once (issue 12 "
           "fixes), Western engagement in war_next_door falls to a median near 0 and staging "
           "rose from about 21% to 25-30%.",
    "V30": "+0.5, -1.3 and -0.3 pp at seeds 2026, 7 and 99 (1000 runs) against >= +3: a flaw "
           "of the claim's design, not a finding about dependence. `--set initial.russian_debt` "
           "moves the reference level of refinancing pressure with the debt "
           "(`economy.excess_refinancing_pressure` counts only pressure above the parameters' "
           "start), so the contrast changes no leverage by construction. The same contrast made "
           "through a scenario's `initial:` (the reference stays) is in the issue-12 note.",
    "V38": "+2.8 [+0.4, +5.2], +2.5 and +2.7 pp at seeds 2026, 7 and 99 (1000 runs) against "
           ">= +5: the baseline's own January disputes (the tax manoeuvre steps) already reach "
           "the dispute gate, so transit threats come in about 90% of baseline runs and the "
           "sharper 2020 dispute adds a few points (before the issue-12 fix of the lever gate "
           "it was a ceiling of 99% and +0.2 pp).",
    "V42": "+0.1, +0.7 and +0.9 pp at seeds 2026, 7 and 99 (1000 runs) against >= +3: with the "
           "repression record of 2020 still heavy and the EU's dialogue condition unmet, the EU "
           "almost never eases within three years whether or not Lithuania vetoes, so the veto "
           "changes little in this window.",
    "V46": "-0.1, -0.2 and -0.1 pp at seeds 2026, 7 and 99 (1000 runs) against >= +3: the "
           "regime purges an army whose calm loyalty (0.5) is under the purge threshold at once "
           "and again each review period, which keeps its refusals near election_2020's; and a "
           "refusal barely moves the fall, since it multiplies a defection hazard that is small "
           "while the crackdown is on.",
    "V48": "-1.1, -0.5 and +0.0 pp at seeds 2026, 7 and 99 (1000 runs) against <= -3: Moscow's "
           "backing is in place by the first order in nearly every run, but the channel lifts "
           "the loyalty target only by about 0.09, and in both arms the regime's purges hold "
           "loyalty in the same band above the purge threshold.",
    "V55": "68.0%, 68.6% and 66.6% of history runs at seeds 2026, 7 and 99 have repression "
           "below half the scale by June 2021 against <= 30% (35-40% on the earlier posterior): "
           "once the crackdown stops, repression ebbs (minsk.repression_relaxation) faster than "
           "the documents' persistent repression (MIN-53, MIN-54). The refit's faster protest "
           "fatigue accounts for part of the rise: with public.fatigue_build back at its "
           "default 0.05, 48.3% (300 runs, seed 2026), still above the threshold.",
}

# Claims in KNOWN_FAILURES that fail at some master seeds only (the others fail at all three).
KNOWN_FAILURE_SEEDS: dict[str, tuple[int, ...]] = {
    "V06": (7, 99),
    "V18": (7,),
    "V27": (99,),
}


@dataclass(frozen=True)
class HistoryFact:
    """One thing the documents report happened, as a per-run test on the history scenario."""

    id: str
    statement: str
    facts: tuple[str, ...]
    measure: PerRun


HISTORY_SCENARIO = "history_2019_2021"
HISTORY: tuple[HistoryFact, ...] = (
    HistoryFact("H1", "No roadmaps signed in December 2019", ("U22", "U24"),
                lambda d: ~ever("roadmaps_signed", "2019-01", "2019-12", 1)(d)),
    HistoryFact("H2", "The tax manoeuvre on schedule, no compensation", ("E5", "E6"),
                below(at("energy_support", "2021-06"), 3.0 - 3 * 0.35 + 0.01)),
    HistoryFact("H3", "Mass protests after the August 2020 election", ("MIN-53", "SC19"),
                ever("protest_share", "2020-08", "2020-12", 0.03)),
    HistoryFact("H4", "Mass repression", ("MIN-53",),
                ever("repression", "2020-08", "2021-06", 0.7)),
    HistoryFact("H5", "Western sectoral sanctions by June 2021", ("L25", "WES-06"),
                ever("sanctions_level", "2020-08", "2021-06", 2)),
    HistoryFact("H6", "A Russian loan by the end of 2020", ("E12", "E13"),
                ever("loans_total", "2020-08", "2020-12", 0.1)),
    HistoryFact("H7", "Lukashenka still in power, Belarus not absorbed (June 2021)",
                ("KRE-17", "SC20"),
                lambda d: (at("regime", "2021-06")(d) == 0) & (at("absorbed", "2021-06")(d) == 0)),
    HistoryFact("H8", "Integration talks revived in 2021, roadmaps close to signature",
                ("U26", "U27", "U28"),
                lambda d: ever("roadmaps_signed", "2021-01", "2021-06", 1)(d)
                | (d.by_date("roadmaps_signed", "2021-06", "2021-06").iloc[:, 0].to_numpy() > 0)
                | _round_open_2021(d)),
    HistoryFact("H9", "No new permanent Russian deployment", ("MIN-61",),
                lambda d: ~ever("presence", "2019-01", "2021-06", 3)(d)),
)


def _round_open_2021(d: Data) -> np.ndarray:
    """Talks open at some month of the first half of 2021 (roadmaps or supranational)."""
    from unionsim.model.state import INDICATORS

    if "round_open" in INDICATORS:
        return ever("round_open", "2021-01", "2021-06", 1)(d)
    return np.zeros(len(d.outcomes), dtype=bool)


# ---- issue 12: measures of the strategic claims (strategic engineer)
def _runs_with(d: Data, actor: str, kind: str, choice: str) -> pd.Series:
    dec = d.decisions
    hit = dec[(dec.actor == actor) & (dec.kind == kind) & (dec.choice == choice)]
    return d.outcomes["run"].isin(hit["run"])


def _ended_with_among(column: str, label: str, actor: str, kind: str, choice: str
                      ) -> Callable[[Data], tuple[int, int]]:
    """Runs ending with ``label`` in ``column`` among the runs in which the actor chose ``choice``
    at least once (a share of a subset: (k, n))."""
    def measure(d: Data) -> tuple[int, int]:
        among = _runs_with(d, actor, kind, choice).to_numpy()
        ended = (d.outcomes[column] == label).to_numpy()
        return int((ended & among).sum()), int(among.sum())
    return measure


def _chose_among(actor: str, kind: str, choice: str, other_actor: str, other_kind: str,
                 other_choice: str) -> Callable[[Data], tuple[int, int]]:
    """Runs in which one decision was taken among the runs in which another was (k, n)."""
    def measure(d: Data) -> tuple[int, int]:
        among = _runs_with(d, other_actor, other_kind, other_choice).to_numpy()
        hit = _runs_with(d, actor, kind, choice).to_numpy()
        return int((hit & among).sum()), int(among.sum())
    return measure
# the size and timing claims of issue 13, after every other round's claims (see SIZE_AND_TIMING)
CLAIMS = CLAIMS + SIZE_AND_TIMING
