"""Compare results folders: outcome probabilities, flags and final indicators.

Every batch is compared with the first (the reference). Differences are always "other minus
reference". Independent comparisons use Newcombe's interval and Fisher's exact test for
proportions, and Welch's interval with Mann-Whitney U and Kolmogorov-Smirnov tests for final
indicators. When the two folders share run seeds (the same master seed gives the same seed to
run i), runs are also compared pair by pair - common random numbers - with Newcombe's paired
interval and McNemar's exact test for proportions and the Wilcoxon signed-rank test for
indicators. Each table names the method it used. A paired comparison is only as good as its
pairs: the parameters both batches sample per run must have the same value in both runs of a pair
(they do when each parameter draws from its own stream: fixing one parameter in a batch re-draws
none of the others); `pairing_check` says whether they do and names those that differ.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from unionsim.analysis import stats
from unionsim.analysis.labels import KEY_FINAL_INDICATORS, run_label
from unionsim.analysis.series import ok_runs
from unionsim.errors import UsageError
from unionsim.model.outcomes import FLAGS, OUTCOMES

#: Fewest shared seeds for which a paired comparison is reported.
MIN_PAIRS = 10


def event_table(outcomes: pd.DataFrame) -> pd.DataFrame:
    """One boolean column per outcome and per flag for the completed runs, indexed by seed."""
    ok = ok_runs(outcomes)
    cols = {name: (ok["outcome"] == name).to_numpy() for name in OUTCOMES}
    cols.update({flag: ok[flag].astype(bool).to_numpy() for flag in FLAGS if flag in ok})
    return pd.DataFrame(cols, index=pd.Index(ok["seed"].to_numpy(), name="seed"))


def compare_proportions(a: pd.DataFrame, b: pd.DataFrame, names: Sequence[str],
                        confidence: float = 0.95) -> pd.DataFrame:
    """Independent comparison of event shares: B - A with Newcombe's interval, Fisher's test."""
    rows = []
    for name in names:
        ka, na, kb, nb = int(a[name].sum()), len(a), int(b[name].sum()), len(b)
        d, lo, hi = stats.difference_interval(kb, nb, ka, na, confidence)
        rows.append({"event": name, "share_a": ka / na, "share_b": kb / nb, "diff": d,
                     "ci_low": lo, "ci_high": hi, "test": "Fisher exact",
                     "p_value": stats.fisher_exact(ka, na, kb, nb)})
    return pd.DataFrame(rows)


def paired_proportions(a: pd.DataFrame, b: pd.DataFrame, names: Sequence[str],
                       confidence: float = 0.95) -> pd.DataFrame:
    """Run-by-run comparison on shared seeds: B - A with Newcombe's paired interval, McNemar."""
    seeds = a.index.intersection(b.index)
    a, b = a.loc[seeds], b.loc[seeds]
    rows = []
    for name in names:
        x, y = a[name].to_numpy(), b[name].to_numpy()
        both, only_b = int((x & y).sum()), int((y & ~x).sum())
        only_a, neither = int((x & ~y).sum()), int((~x & ~y).sum())
        d, lo, hi = stats.paired_difference_interval(both, only_b, only_a, neither, confidence)
        rows.append({"event": name, "pairs": len(seeds), "share_a": x.mean(), "share_b": y.mean(),
                     "only_a": only_a, "only_b": only_b, "diff": d, "ci_low": lo, "ci_high": hi,
                     "test": "McNemar exact", "p_value": stats.mcnemar_exact(only_b, only_a)})
    return pd.DataFrame(rows)


def compare_indicators(a: pd.DataFrame, b: pd.DataFrame, names: Sequence[str],
                       confidence: float = 0.95) -> pd.DataFrame:
    """Final indicators: medians, mean difference B - A with Welch's interval, MWU and KS tests."""
    from scipy.stats import ks_2samp, mannwhitneyu, ttest_ind

    a, b = ok_runs(a), ok_runs(b)
    rows = []
    for name in names:
        x, y = a[name].astype(float).to_numpy(), b[name].astype(float).to_numpy()
        d = y.mean() - x.mean()
        if np.ptp(np.concatenate([x, y])) == 0:
            lo = hi = 0.0
            p_mw = p_ks = 1.0
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)   # a constant sample is fine
                ci = ttest_ind(y, x, equal_var=False).confidence_interval(confidence)
            lo, hi = (float(ci.low), float(ci.high)) if np.isfinite(ci.low) else (d, d)
            p_mw = float(mannwhitneyu(y, x, alternative="two-sided").pvalue)
            p_ks = float(ks_2samp(y, x, method="asymp").pvalue)
        rows.append({"indicator": name, "median_a": float(np.median(x)),
                     "median_b": float(np.median(y)), "mean_diff": d, "ci_low": lo, "ci_high": hi,
                     "test": "Mann-Whitney U", "p_value": p_mw, "ks_p_value": p_ks})
    return pd.DataFrame(rows)


def paired_indicators(a: pd.DataFrame, b: pd.DataFrame, names: Sequence[str],
                      confidence: float = 0.95) -> pd.DataFrame:
    """Final indicators run by run on shared seeds: mean paired difference B - A with a t
    interval, median paired difference, Wilcoxon signed-rank test."""
    from scipy.stats import t as student_t
    from scipy.stats import wilcoxon

    a = ok_runs(a).set_index("seed")
    b = ok_runs(b).set_index("seed")
    seeds = a.index.intersection(b.index)
    rows = []
    for name in names:
        diff = (b.loc[seeds, name].astype(float) - a.loc[seeds, name].astype(float)).to_numpy()
        n, mean = len(diff), float(diff.mean())
        if n > 1 and np.any(diff != 0):
            half = student_t.ppf(0.5 + confidence / 2, n - 1) * diff.std(ddof=1) / np.sqrt(n)
            p = float(wilcoxon(diff, zero_method="wilcox").pvalue) if np.any(diff) else 1.0
        else:
            half, p = 0.0, 1.0
        rows.append({"indicator": name, "pairs": n, "mean_diff": mean,
                     "median_diff": float(np.median(diff)), "ci_low": mean - half,
                     "ci_high": mean + half, "test": "Wilcoxon signed-rank", "p_value": p})
    return pd.DataFrame(rows)


@dataclass
class PairingCheck:
    """Whether the runs paired on a shared seed also share their other draws.

    ``parameters`` are the parameters both batches sample per run (a parameter one batch fixes is
    not sampled there); ``equal`` gives, for each, the number of pairs whose values are equal.
    """

    pairs: int
    parameters: list[str]
    equal: dict[str, int]

    @property
    def differing(self) -> dict[str, float]:
        """Each parameter whose values differ in some pair, with the share of pairs that differ."""
        return {name: 1 - k / self.pairs for name, k in self.equal.items() if k < self.pairs}

    @property
    def ok(self) -> bool:
        return not self.differing

    def sentence(self) -> str:
        """What the check found, in one sentence."""
        if not self.parameters:
            return (f"paired on {self.pairs} shared seeds; no parameter is sampled per run in "
                    "both batches")
        if self.ok:
            return (f"paired on {self.pairs} shared seeds; every other sampled parameter equal "
                    f"in all pairs ({len(self.parameters)} checked)")
        which = ", ".join(f"{name} in {share:.0%} of pairs"
                          for name, share in sorted(self.differing.items()))
        return (f"WARNING: paired on {self.pairs} shared seeds, but the pairs do not share "
                f"their other draws: {which} differ. The paired tests then compare different "
                "parameter values, not only the change; the independent tests still hold")

    def table(self) -> pd.DataFrame:
        """One row per parameter sampled in both batches: pairs, equal pairs, share differing."""
        return pd.DataFrame([{"parameter": name, "pairs": self.pairs, "pairs_equal": k,
                              "share_differing": 1 - k / self.pairs if self.pairs else 0.0}
                             for name, k in sorted(self.equal.items())],
                            columns=["parameter", "pairs", "pairs_equal", "share_differing"])


def pairing_check(a: pd.DataFrame, b: pd.DataFrame) -> PairingCheck:
    """Compare the per-run parameter draws (``param.*`` columns) of two outcome tables on their
    shared seeds."""
    a, b = ok_runs(a).set_index("seed"), ok_runs(b).set_index("seed")
    seeds = a.index.intersection(b.index)
    names = sorted(c for c in a.columns if c.startswith("param.") and c in b.columns)
    equal = {}
    for column in names:
        x = a.loc[seeds, column].to_numpy(dtype=float)
        y = b.loc[seeds, column].to_numpy(dtype=float)
        equal[column.removeprefix("param.")] = int(((x == y) | (np.isnan(x) & np.isnan(y))).sum())
    return PairingCheck(pairs=len(seeds), parameters=list(equal), equal=equal)


@dataclass
class Difference:
    """One batch compared with the reference (``a``)."""

    label_a: str
    label_b: str
    outcomes: pd.DataFrame
    flags: pd.DataFrame
    indicators: pd.DataFrame
    paired_outcomes: pd.DataFrame | None = None
    paired_flags: pd.DataFrame | None = None
    paired_indicators: pd.DataFrame | None = None
    pairs: int = 0
    pairing: PairingCheck | None = None

    @property
    def method(self) -> str:
        if self.pairing is not None and not self.pairing.ok:
            return f"paired on {self.pairs} shared seeds, other draws differ"
        return (f"paired on {self.pairs} shared seeds" if self.pairs
                else "independent samples")

    @property
    def table(self) -> pd.DataFrame:
        """The outcome differences to plot: paired when seeds are shared, else independent."""
        t = self.paired_outcomes if self.pairs else self.outcomes
        return t.rename(columns={"event": "outcome"})


@dataclass
class Comparison:
    results: list
    differences: list[Difference] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    align: str = "calendar"
    notes: list[str] = field(default_factory=list)


def alignment_note(results, align: str) -> str:
    """One sentence on how the time axes of ``results`` are lined up."""
    starts = [r.manifest["scenario"]["spec"]["start"] for r in results]
    if len(set(starts)) == 1:
        return f"all batches start in {starts[0]}: calendar date and month since start agree"
    which = ", ".join(f"{run_label(r.manifest)} {s}" for r, s in zip(results, starts))
    if align == "calendar":
        return (f"the batches start in different months ({which}): time series are drawn by "
                "calendar date (--align start lines them up by month since their start)")
    return (f"the batches start in different months ({which}): time series are lined up by "
            "month since each start, so one x position is a different date in each batch")


def compare_results(a, b, indicators: Sequence[str] = KEY_FINAL_INDICATORS,
                    confidence: float = 0.95) -> Difference:
    """Compare two loaded results folders (`unionsim.experiment.store.Results`)."""
    ea, eb = event_table(a.outcomes), event_table(b.outcomes)
    flags = [f for f in FLAGS if f in ea and f in eb]
    names = [i for i in indicators if i in a.outcomes and i in b.outcomes]
    diff = Difference(label_a=run_label(a.manifest), label_b=run_label(b.manifest),
                      outcomes=compare_proportions(ea, eb, OUTCOMES, confidence),
                      flags=compare_proportions(ea, eb, flags, confidence),
                      indicators=compare_indicators(a.outcomes, b.outcomes, names, confidence))
    if diff.label_a == diff.label_b:
        diff.label_a, diff.label_b = f"{diff.label_a} ({a.path.name})", \
            f"{diff.label_b} ({b.path.name})"
    pairs = len(ea.index.intersection(eb.index))
    if pairs >= MIN_PAIRS:
        diff.pairs = pairs
        diff.paired_outcomes = paired_proportions(ea, eb, OUTCOMES, confidence)
        diff.paired_flags = paired_proportions(ea, eb, flags, confidence)
        diff.paired_indicators = paired_indicators(a.outcomes, b.outcomes, names, confidence)
        diff.pairing = pairing_check(a.outcomes, b.outcomes)
    return diff


def compare_folders(run_dirs: Sequence[str | Path], out: str | Path | None = None, *,
                    figures: bool = True, align: str = "calendar",
                    notify: Callable[[str], None] | None = None) -> Comparison:
    """Compare every folder with the first; write CSV tables (and figures) into ``out``.

    ``out`` defaults to ``<first folder>/compare``. ``align`` ("calendar" or "start") lines up
    the overlaid time series; folders without time series get no overlay, and ``notify`` hears
    why, as it hears how batches with different start months were lined up.
    """
    from unionsim.analysis.figures import (ALIGNMENTS, NO_SERIES_NOTICE,
                                           comparison_outcome_figure, overlay_fan_figure)
    from unionsim.analysis.outputs import output_folder, save_figure, save_table
    from unionsim.experiment.store import load_results

    if len(run_dirs) < 2:
        raise UsageError(f"compare needs at least two results folders (got {len(run_dirs)})",
                         hint="e.g. unionsim compare runs/base runs/tradable")
    if align not in ALIGNMENTS:
        raise UsageError(f"--align must be one of {', '.join(ALIGNMENTS)} (got '{align}')",
                         field="align", hint="--align calendar (the default) or --align start")
    results = [load_results(d) for d in run_dirs]
    comp = Comparison(results=results, align=align)
    comp.differences = [compare_results(results[0], r) for r in results[1:]]
    out = output_folder(run_dirs[0], out, "compare")
    for i, d in enumerate(comp.differences, start=1):
        for kind in ("outcomes", "flags", "indicators", "paired_outcomes", "paired_flags",
                     "paired_indicators"):
            table = getattr(d, kind)
            if table is not None:
                if kind.startswith("paired_"):
                    table = table.assign(pairing=d.pairing.sentence())
                comp.files.append(save_table(table.assign(a=d.label_a, b=d.label_b), out,
                                             f"{kind}_{i}.csv"))
        if d.pairing is not None:
            comp.files.append(save_table(d.pairing.table().assign(a=d.label_a, b=d.label_b),
                                         out, f"pairing_{i}.csv"))
    missing = [d for d, r in zip(run_dirs, results) if r.timeseries is None]
    if missing:
        comp.notes += [NO_SERIES_NOTICE.format(folder=d, what="compare_fan_charts.png")
                       for d in missing]
    else:
        comp.notes.append(alignment_note(results, align))
    if figures:
        comp.files.append(save_figure(comparison_outcome_figure(results, comp.differences),
                                      out, "compare_outcomes.png"))
        if not missing:
            comp.files.append(save_figure(overlay_fan_figure(results, align=align), out,
                                          "compare_fan_charts.png"))
    for note in comp.notes:
        if notify:
            notify(note)
    return comp
