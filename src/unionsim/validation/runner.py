"""Run the batches the claims need (or reuse finished ones), evaluate every claim and the
history check, and return verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from unionsim.analysis.stats import difference_interval, quantile_interval
from unionsim.analysis.summary import proportion_interval
from unionsim.errors import ResultsError, UsageError
from unionsim.validation.claims import (CLAIMS, HISTORY, HISTORY_SCENARIO, RUNS, Batch, Claim,
                                        Data)

OPS = {"<=": lambda a, b: a <= b, "<": lambda a, b: a < b, ">=": lambda a, b: a >= b,
       ">": lambda a, b: a > b}


@dataclass
class ClaimResult:
    claim: Claim
    value: float
    low: float
    high: float
    passed: bool
    detail: str = ""

    @property
    def verdict(self) -> str:
        c = self.claim
        return (f"{c.id} {'PASS' if self.passed else 'FAIL'}: {c.statement} - measured "
                f"{_fmt(c, self.value)} [{_fmt(c, self.low)}, {_fmt(c, self.high)}]{_unit(c)}, "
                f"threshold {c.op} {_fmt(c, c.threshold)}{_unit(c)}")


@dataclass
class HistoryResult:
    runs: int
    facts: list[tuple] = field(default_factory=list)  # (HistoryFact, share, low, high)
    joint: tuple[float, float, float] = (float("nan"),) * 3


@dataclass
class CheckReport:
    results: list[ClaimResult]
    history: HistoryResult | None
    runs: int
    seed: int
    batches: dict[str, str]

    @property
    def failed(self) -> list[ClaimResult]:
        return [r for r in self.results if not r.passed]


def _fmt(claim: Claim, x: float) -> str:
    """A value as the claim's unit prints it (shares as percentages), without the unit name."""
    x = 0.0 if abs(x) < 1e-9 else x
    signed = "difference" in claim.kind
    if claim.unit == "share":
        return f"{x:+.1%}" if signed else f"{x:.1%}"
    return f"{x:+.3g}" if signed else f"{x:.3g}"


def _unit(claim: Claim) -> str:
    return "" if claim.unit == "share" else f" {claim.unit}"


def batch_folder(batch: Batch, runs: int, seed: int, cache: Path, workers: int | None,
                 progress: Callable[[str], None] | None = None) -> Path:
    """A complete results folder for the batch, reused when its plan is unchanged."""
    from unionsim.config.scenario import load_scenario
    from unionsim.experiment.batch import run_plan
    from unionsim.experiment.plan import make_plan
    from unionsim.experiment.store import read_manifest

    plan = make_plan(load_scenario(batch.scenario), runs=runs, seed=seed,
                     param_files=[shipped_file(p) for p in batch.params], sets=dict(batch.sets))
    folder = cache / f"{batch.scenario}-{plan.fingerprint()}"
    if folder.exists():
        try:
            m = read_manifest(folder)
            if m.get("status") == "complete" and m.get("fingerprint") == plan.fingerprint():
                return folder
        except ResultsError:  # an unreadable old folder is simply run again
            pass
    if progress:
        progress(f"running {batch.label}: {runs} runs")
    return run_plan(plan, folder, force=True, **({"workers": workers} if workers else {}))


def shipped_file(ref: str) -> Path:
    """A claim's ``params/x.yaml`` as the shipped file, wherever unionsim is installed and
    whatever the working directory (claims name the overlays relative to the project)."""
    from unionsim.config.params import shipped_dir

    kind, _, rest = ref.partition("/")
    if kind in ("params", "scenarios") and rest:
        return shipped_dir(kind) / rest
    return Path(ref)


def load_data(folder: Path) -> Data:
    from unionsim.experiment.store import load_results

    res = load_results(folder)
    ok = res.outcomes["status"] == "ok"
    outcomes = res.outcomes[ok].reset_index(drop=True)
    ts = res.timeseries
    if ts is not None:
        ts = ts[ts["run"].isin(outcomes["run"])]
    return Data(outcomes, ts, res.decisions)


def evaluate(claim: Claim, data: dict[Batch, Data], seed: int = 0) -> ClaimResult:
    """Measure one claim on loaded batches."""
    a = data[claim.batch]
    op = OPS[claim.op]
    if claim.kind == "proportion":
        hits = np.asarray(claim.measure(a), dtype=bool)
        k, n = int(hits.sum()), len(hits)
        lo, hi = proportion_interval(k, n)
        value = k / n
        return ClaimResult(claim, value, lo, hi, op(value, claim.threshold), f"{k} of {n} runs")
    if claim.kind == "ratio":
        k, n = claim.measure(a)
        value = k / n if n else float("nan")
        lo, hi = proportion_interval(k, n)
        return ClaimResult(claim, value, lo, hi, n > 0 and op(value, claim.threshold),
                           f"{k} of {n} runs")
    if claim.kind == "difference":
        b = data[claim.other]
        x = np.asarray(claim.measure(a), dtype=bool)
        y = np.asarray((claim.other_measure or claim.measure)(b), dtype=bool)
        d, lo, hi = difference_interval(int(x.sum()), len(x), int(y.sum()), len(y))
        significant = lo > 0 if claim.op in (">=", ">") else hi < 0
        return ClaimResult(claim, d, lo, hi, op(d, claim.threshold) and significant,
                           f"{x.mean():.1%} vs {y.mean():.1%}")
    if claim.kind == "quantile":
        values = np.asarray(claim.measure(a), dtype=float)
        value, lo, hi = quantile_interval(values, claim.q)
        return ClaimResult(claim, value, lo, hi, op(value, claim.threshold),
                           f"q{claim.q:g} over {len(values)} runs")
    if claim.kind == "median_difference":
        b = data[claim.other]
        x = np.asarray(claim.measure(a), dtype=float)
        y = np.asarray(claim.measure(b), dtype=float)
        value = float(np.median(x) - np.median(y))
        rng = np.random.default_rng(seed)
        boots = [np.median(rng.choice(x, len(x))) - np.median(rng.choice(y, len(y)))
                 for _ in range(500)]
        lo, hi = (float(v) for v in np.quantile(boots, [0.025, 0.975]))
        return ClaimResult(claim, value, lo, hi, op(value, claim.threshold),
                           f"medians {np.median(x):.3g} vs {np.median(y):.3g}")
    raise ValueError(f"unknown claim kind {claim.kind}")


def run_checks(*, only: Iterable[str] | None = None, runs: int = RUNS, seed: int = 2026,
               cache: str | Path = "runs/checks", history: bool = True,
               workers: int | None = None,
               progress: Callable[[str], None] | None = None) -> CheckReport:
    """Run (or reuse) every batch the selected claims need and evaluate them."""
    cache = Path(cache)
    wanted = set(only) if only else None
    known = [c.id for c in CLAIMS]
    for claim_id in sorted(wanted or ()):
        if claim_id not in known:
            import difflib

            close = difflib.get_close_matches(claim_id, known, n=1)
            raise UsageError(f"--only {claim_id}: no such claim", field="only",
                             hint=(f"did you mean '{close[0]}'? " if close else "")
                             + "the claims are " + ", ".join(known))
    claims = [c for c in CLAIMS if wanted is None or c.id in wanted]
    batches: list[Batch] = []
    for c in claims:
        for b in (c.batch, c.other):
            if b is not None and b not in batches:
                batches.append(b)
    history_batch = Batch(HISTORY_SCENARIO)
    if history and history_batch not in batches:
        batches.append(history_batch)
    folders = {b: batch_folder(b, runs, seed, cache, workers, progress) for b in batches}
    data = {b: load_data(f) for b, f in folders.items()}
    results = [evaluate(c, data, seed) for c in claims]
    hist = evaluate_history(data[history_batch]) if history else None
    return CheckReport(results, hist, runs, seed, {b.label: str(f) for b, f in folders.items()})


def evaluate_history(d: Data) -> HistoryResult:
    """How much probability the model puts on each reported fact and on all of them together."""
    n = len(d.outcomes)
    result = HistoryResult(runs=n)
    together = np.ones(n, dtype=bool)
    for fact in HISTORY:
        hits = np.asarray(fact.measure(d), dtype=bool)
        together &= hits
        result.facts.append((fact, hits.mean(), *proportion_interval(int(hits.sum()), n)))
    k = int(together.sum())
    result.joint = (k / n, *proportion_interval(k, n))
    return result
