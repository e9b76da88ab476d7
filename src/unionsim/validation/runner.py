"""Run the batches the claims need (or reuse finished ones), evaluate every claim at several
master seeds and under its documented alternative, the history check, and return verdicts.

* A claim passes only if it passes at every master seed (`SEEDS` by default).
* A claim with an ``alternative`` is also evaluated once (at the first seed) with the
  alternative's overlays, values or scenario applied to its batches; "fails under the
  alternative" means the claim's own rule gives FAIL there. A claim that passes at every seed
  and fails under its alternative is *validated*; one whose alternative does not make it fail
  is reported as such; claims with an ``invariant`` are listed apart and never counted as
  validation.
* Parameters are drawn per run from the shipped calibration posterior by default
  (``posterior=True``; False uses the defaults and the scenario's documented uncertainty). An
  overlay or ``--set`` value a batch names wins over the posterior draw for that parameter.
* Each claim's run count is chosen for power (`unionsim.validation.claims.claim_runs`); a batch
  shared by several claims runs at the largest count any of them needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from unionsim.analysis.stats import difference_interval, quantile_interval
from unionsim.analysis.summary import proportion_interval
from unionsim.errors import ResultsError, UsageError
from unionsim.validation.claims import CLAIMS, HISTORY, HISTORY_SCENARIO, SEEDS, claim_runs
from unionsim.validation.claims.claim import Batch, Claim
from unionsim.validation.claims.measures import Data, month_label
from unionsim.validation.claims.run_counts import ALT_RUNS, RUNS

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
                f"{self.measured}, threshold {threshold_text(c)}")

    @property
    def measured(self) -> str:
        c = self.claim
        return (f"{_fmt(c, self.value)} [{_fmt(c, self.low)}, {_fmt(c, self.high)}]"
                f"{_unit(c)}")


@dataclass
class ClaimVerdict:
    """A claim's results at every master seed and, if it has one, under its alternative."""

    claim: Claim
    seeds: list[int]
    per_seed: list[ClaimResult]
    runs: int
    alternative: ClaimResult | None = None

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.per_seed)

    @property
    def fails_under_alternative(self) -> bool | None:
        return None if self.alternative is None else not self.alternative.passed

    @property
    def status(self) -> str:
        """validated / not_failed_by_alternative / invariant / failed / alternative_not_run"""
        if not self.passed:
            return "failed"
        if self.claim.invariant:
            return "invariant"
        if self.alternative is None:
            return "alternative_not_run"
        return "validated" if self.fails_under_alternative else "not_failed_by_alternative"

    @property
    def verdict(self) -> str:
        c = self.claim
        seeds = "; ".join(f"seed {s}: {r.measured} {'pass' if r.passed else 'FAIL'}"
                          for s, r in zip(self.seeds, self.per_seed))
        text = (f"{c.id} {'PASS' if self.passed else 'FAIL'}: {c.statement} - threshold "
                f"{threshold_text(c)}, {self.runs} runs per batch; {seeds}")
        if c.invariant:
            text += f"\n    invariant (not counted as validation): {c.invariant}"
        elif c.alternative is not None:
            text += f"\n    fails under {c.alternative.why}: "
            text += ("not run" if self.alternative is None else
                     f"{'yes' if self.fails_under_alternative else 'NO'} (measured "
                     f"{self.alternative.measured})")
        return text


@dataclass
class HistoryResult:
    runs: int
    facts: list[tuple] = field(default_factory=list)  # (HistoryFact, share, low, high)
    joint: tuple[float, float, float] = (float("nan"),) * 3


@dataclass
class CheckReport:
    results: list[ClaimVerdict]
    history: HistoryResult | None
    seeds: list[int]
    batches: dict[str, str]
    posterior: str = ""
    posterior_warning: str = ""  # the posterior has fewer effective draws than a batch draws

    @property
    def seed(self) -> int:
        return self.seeds[0]

    @property
    def failed(self) -> list[ClaimVerdict]:
        """Claims that fail at one master seed or more."""
        return [r for r in self.results if not r.passed]

    def with_status(self, status: str) -> list[ClaimVerdict]:
        return [r for r in self.results if r.status == status]

    @property
    def counts(self) -> dict[str, int]:
        """How many claims are validated, pass without their alternative making them fail, are
        structural invariants, or fail (at some seed)."""
        keys = ("validated", "not_failed_by_alternative", "invariant", "failed",
                "alternative_not_run")
        return {k: len(self.with_status(k)) for k in keys}


def threshold_text(c: Claim) -> str:
    if c.upper is not None:
        return f"in [{_fmt(c, c.threshold)}, {_fmt(c, c.upper)}]{_unit(c)}"
    return f"{c.op} {_fmt(c, c.threshold)}{_unit(c)}"


def _fmt(claim: Claim, x: float) -> str:
    """A value as the claim's unit prints it (shares as percentages), without the unit name."""
    if claim.unit == "month":
        return month_label(x)
    x = 0.0 if abs(x) < 1e-9 else x
    signed = "difference" in claim.kind
    if claim.unit == "share":
        return f"{x:+.1%}" if signed else f"{x:.1%}"
    return f"{x:+.3g}" if signed else f"{x:.3g}"


def _unit(claim: Claim) -> str:
    return "" if claim.unit in ("share", "month") else f" {claim.unit}"


def batch_folder(batch: Batch, runs: int, seed: int, cache: Path, workers: int | None,
                 progress: Callable[[str], None] | None = None, posterior=True, *,
                 rerun: bool = False) -> Path:
    """A complete results folder for the batch, reused when its plan is unchanged. With
    ``posterior`` (True: the shipped file, or a path) each run's fitted parameters are drawn from
    the calibration posterior; the batch's own overlays and values win for the parameters they
    name."""
    from unionsim.config.scenario import load_scenario
    from unionsim.experiment.batch import run_plan
    from unionsim.experiment.plan import make_plan
    from unionsim.experiment.store import read_manifest

    plan = make_plan(load_scenario(batch.scenario), runs=runs, seed=seed,
                     param_files=[shipped_file(p) for p in batch.params], sets=dict(batch.sets),
                     posterior=posterior or None)
    folder = cache / f"{batch.scenario}-{plan.fingerprint()}"
    if folder.exists() and not rerun:
        try:
            m = read_manifest(folder)
            if m.get("status") == "complete" and m.get("fingerprint") == plan.fingerprint():
                return folder
        except ResultsError:  # an unreadable old folder is simply run again
            pass
    if progress:
        progress(f"running {batch.label}: {runs} runs, seed {seed}")
    try:
        return run_plan(plan, folder, force=True, **({"workers": workers} if workers else {}))
    except ResultsError as exc:
        raise cache_error(exc, folder) from None


def cache_error(exc: ResultsError, folder: Path) -> ResultsError:
    """A cached batch that cannot be used or replaced, with the fixes `check` offers (it has no
    --force or --out)."""
    return ResultsError(exc.detail, file=exc.file, line=exc.line, field=exc.field,
                        hint=f"delete the cached batch {folder} (unionsim check runs it again), "
                             f"or give another --cache DIR")


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
        value, lo, hi = _quantile(values, claim.q)
        ok = op(value, claim.threshold) and (claim.upper is None or value <= claim.upper)
        return ClaimResult(claim, value, lo, hi, bool(ok), f"q{claim.q:g} over {len(values)} runs")
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


def _quantile(values: np.ndarray, q: float) -> tuple[float, float, float]:
    """A quantile and its interval; infinite values (an event that never happened) sort last."""
    if np.isinf(values).any():
        x = np.sort(values)
        k = len(x)
        from scipy.stats import binom

        lo_rank = int(binom.ppf(0.025, k, q))
        hi_rank = int(binom.ppf(0.975, k, q))
        return (float(x[min(int(np.floor(q * (k - 1))), k - 1)]), float(x[max(lo_rank - 1, 0)]),
                float(x[min(hi_rank, k - 1)]))
    return quantile_interval(values, q)


def alternative_claim(claim: Claim) -> Claim:
    """The claim with its alternative applied: the alternative's overlays and values added to
    every batch, its scenario replacing the main batch's."""
    alt = claim.alternative
    if alt is None:
        raise ValueError(f"{claim.id} has no alternative")

    def moved(b: Batch | None, main: bool) -> Batch | None:
        if b is None:
            return None
        sets = dict(b.sets)
        sets.update(dict(alt.sets))
        return Batch(alt.scenario if (main and alt.scenario) else b.scenario,
                     params=b.params + tuple(p for p in alt.params if p not in b.params),
                     sets=tuple(sorted(sets.items())))
    return replace(claim, batch=moved(claim.batch, True), other=moved(claim.other, False))


def _select(only: Iterable[str] | None) -> list[Claim]:
    wanted = set(only) if only else None
    known = [c.id for c in CLAIMS]
    for claim_id in sorted(wanted or ()):
        if claim_id not in known:
            import difflib

            close = difflib.get_close_matches(claim_id, known, n=1)
            raise UsageError(f"--only {claim_id}: no such claim", field="only",
                             hint=(f"did you mean '{close[0]}'? " if close else "")
                             + "the claims are " + ", ".join(known))
    return [c for c in CLAIMS if wanted is None or c.id in wanted]


def run_checks(*, only: Iterable[str] | None = None, runs: int | None = None,
               seeds: Iterable[int] = SEEDS, cache: str | Path = "runs/checks",
               history: bool = True, alternatives: bool = True, posterior=True,
               alternative_runs: int = ALT_RUNS, workers: int | None = None,
               progress: Callable[[str], None] | None = None) -> CheckReport:
    """Run (or reuse) every batch the selected claims need at every master seed, and their
    alternatives at the first seed; evaluate them.

    ``runs`` overrides every claim's power-chosen count (`claim_runs`); ``alternative_runs`` is
    the count per batch of the alternatives (`ALT_RUNS`: an alternative is chosen to make its
    claim fail clearly, its 95% interval on the failing side, not by a hair). ``posterior``: True for the
    shipped posterior, a path, or False for the defaults and the scenarios' uncertainty.
    """
    from unionsim.guard import check_out_dir

    # a folder of its own for the cached batches, checked as any output folder before a batch
    # runs (`~` expanded; the working directory, the home folder and a file refused)
    cache = check_out_dir(cache, "--cache")
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise UsageError("give at least one master seed", field="seeds")
    claims = _select(only)
    counts = {c.id: runs or claim_runs(c) for c in claims}
    need: dict[Batch, int] = {}
    for c in claims:
        for b in (c.batch, c.other):
            if b is not None:
                need[b] = max(need.get(b, 0), counts[c.id])
    history_batch = Batch(HISTORY_SCENARIO)
    if history:
        need[history_batch] = max(need.get(history_batch, 0), runs or RUNS)
    alt_need: dict[Batch, int] = {}
    alt_claims = {}
    if alternatives:
        for c in claims:
            if c.alternative is not None and not c.invariant:
                a = alternative_claim(c)
                alt_claims[c.id] = a
                for b in (a.batch, a.other):
                    if b is not None:
                        n = alternative_runs
                        alt_need[b] = max(alt_need.get(b, 0), n)
    folders: dict[str, str] = {}

    def load(batch: Batch, n: int, seed: int) -> Data:
        folder = batch_folder(batch, n, seed, cache, workers, progress, posterior)
        folders[f"{batch.label}, {n} runs, seed {seed}"] = str(folder)
        try:
            return load_data(folder)
        except ResultsError:  # a damaged cached batch (a file lost or edited): run it again
            folder = batch_folder(batch, n, seed, cache, workers, progress, posterior,
                                  rerun=True)
            try:
                return load_data(folder)
            except ResultsError as exc:
                raise cache_error(exc, folder) from None

    per_seed: dict[str, list[ClaimResult]] = {c.id: [] for c in claims}
    hist = None
    for seed in seeds:
        data = {b: load(b, n, seed) for b, n in need.items()}
        for c in claims:
            per_seed[c.id].append(evaluate(c, data, seed))
        if history and hist is None:
            hist = evaluate_history(data[history_batch])
        del data
    alt_results: dict[str, ClaimResult] = {}
    if alt_claims:
        data = {b: load(b, n, seeds[0]) for b, n in alt_need.items()}
        for cid, a in alt_claims.items():
            alt_results[cid] = evaluate(a, data, seeds[0])
    # the runs each claim was measured on: its batches' (a shared batch runs at the largest count)
    verdicts = [ClaimVerdict(c, seeds, per_seed[c.id], need[c.batch], alt_results.get(c.id))
                for c in claims]
    source, warning = (("defaults and the scenarios' uncertainty", "") if posterior is False else
                       posterior_source(posterior, folders.values()))
    return CheckReport(verdicts, hist, seeds, folders, source, warning)


def posterior_source(posterior, folders) -> tuple[str, str]:
    """The posterior the batches drew from: its file and digest, effective sample size and
    particles, and how many distinct particles the batches used; and a warning ('' if none)
    when the posterior was fitted to other model code or targets than the checks run, or has
    fewer effective draws than a batch draws parameter vectors."""
    from unionsim.config.posterior import load_posterior, small_ess_warning, stale_warning
    from unionsim.experiment.plan import posterior_fitted_to_other
    from unionsim.experiment.store import read_manifest

    post = load_posterior(None if posterior is True else posterior)
    text = (f"{'shipped ' if posterior is True else ''}posterior {post.path} (sha256 "
            f"{post.digest}): {len(post.particles)} particles, effective sample size "
            f"{post.ess:.1f}")
    used = []
    for folder in folders:
        try:
            m = read_manifest(Path(folder))
        except ResultsError:
            continue
        drawn = m.get("posterior") or {}
        if "drawn_particles" in drawn:
            used.append((len(set(drawn["drawn_particles"])),
                         int(m.get("parameter_draws", m.get("n_runs", 0)))))
    warning = ""
    if used:
        distinct, draws = [u[0] for u in used], [u[1] for u in used]
        span = (lambda xs: f"{min(xs)}" if min(xs) == max(xs) else f"{min(xs)}-{max(xs)}")
        text += (f"; {'its batch' if len(used) == 1 else f'its {len(used)} batches'} used "
                 f"{span(distinct)} distinct particles in {span(draws)} parameter draws"
                 + (" each" if len(used) > 1 else ""))
        warning = small_ess_warning({"ess": post.ess, "particles": len(post.particles),
                                     "distinct_draws": span(distinct)},
                                    max(draws)) or ""
    stale = stale_warning({"fitted_to_other": posterior_fitted_to_other(post.manifest)})
    return text, "; ".join(w for w in (stale, warning) if w)


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
