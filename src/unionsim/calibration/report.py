"""The calibration report (``docs/calibration.md``) and its figures, from a posterior file.

Reads only the posterior ensemble, its manifest and the targets: prior against posterior for
every fitted parameter, how far the targets identify each parameter, and how often each target
is hit under the posterior, fitting and held-out targets apart.

A parameter counts as *identified* when its posterior standard deviation is at most half its
prior's (uniform over the documented range), *narrowed* up to 0.8 of it, and *at its prior*
above that. A target counts as *hit* when at least half the posterior weight lies on particles
whose measure is within one tolerance of the observed value, on the target's side
(`unionsim.calibration.measures.is_hit`). A poll's measure is the poll the measurement model
expects (latent opinion plus the pollster's and the wording's offsets) and its tolerance the
measurement model's (`unionsim.calibration.polls`); the report lists each offset with its prior
range and, when the fit sampled it, its posterior.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from unionsim.config.posterior import Posterior
from unionsim.config.schema import month_label
from unionsim.calibration.measures import is_hit
from unionsim.config.targets import LoadedTarget, TargetSet, scenario_spec

IDENTIFIED, NARROWED = 0.5, 0.8
HIT_PROBABILITY = 0.5


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    order = np.argsort(x)
    cw = np.cumsum(w[order]) / w.sum()
    return float(x[order][min(np.searchsorted(cw, q), len(x) - 1)])


def parameter_table(posterior: Posterior) -> pd.DataFrame:
    """Prior and posterior summaries of each fitted parameter."""
    w = posterior.weights
    specs = posterior.manifest.get("parameters", {})
    rows = []
    for name in posterior.names:
        x = posterior.particles[f"param.{name}"].to_numpy(dtype=float)
        lo, hi = specs.get(name, {}).get("range", [float(x.min()), float(x.max())])
        mean = float(np.average(x, weights=w))
        sd = float(np.sqrt(np.average((x - mean) ** 2, weights=w)))
        prior_sd = (hi - lo) / np.sqrt(12.0)
        ratio = sd / prior_sd if prior_sd > 0 else float("nan")
        rows.append({"parameter": name, "low": lo, "high": hi,
                     "default": specs.get(name, {}).get("default"),
                     "posterior_mean": mean, "p5": weighted_quantile(x, w, 0.05),
                     "p95": weighted_quantile(x, w, 0.95), "sd_ratio": ratio,
                     "verdict": "identified" if ratio <= IDENTIFIED else
                     "narrowed" if ratio <= NARROWED else "at its prior"})
    return pd.DataFrame(rows)


def offset_table(posterior: Posterior | None = None) -> pd.DataFrame:
    """Each poll offset of ``params/poll_offsets.yaml``: its prior range and role (reference,
    fitted, or fixed because no fitting poll reads it) and, when the posterior holds it
    (``offset.<name>``), its weighted mean, 5% and 95% quantiles and sd against the prior's."""
    from unionsim.calibration.polls import HOUSE, offset_specs

    rows = []
    for name, spec in offset_specs().items():
        lo, hi = spec.range
        column = f"offset.{name}"
        row = {"offset": name, "kind": "house" if name.startswith(HOUSE) else "wording",
               "low": lo, "high": hi, "role": "reference (0)" if lo == hi else "prior only",
               "posterior_mean": None, "p5": None, "p95": None, "sd_ratio": None}
        if posterior is not None and column in posterior.particles:
            x = posterior.particles[column].to_numpy(dtype=float)
            w = posterior.weights
            mean = float(np.average(x, weights=w))
            sd = float(np.sqrt(np.average((x - mean) ** 2, weights=w)))
            row.update(role="fitted", posterior_mean=mean, p5=weighted_quantile(x, w, 0.05),
                       p95=weighted_quantile(x, w, 0.95),
                       sd_ratio=sd / ((hi - lo) / np.sqrt(12.0)))
        rows.append(row)
    return pd.DataFrame(rows)


def poll_table(targets: TargetSet, posterior: Posterior | None = None) -> pd.DataFrame:
    """Each measured poll: pollster, question, sample size, sampling sd, committed and scoring
    tolerance and, under a posterior, the weighted mean latent opinion and expected poll."""
    from unionsim.calibration.polls import is_poll, poll_row

    rows = []
    for t in targets.select():
        if not is_poll(t):
            continue
        row = poll_row(targets, t)
        row["latent_mean"] = row["expected_mean"] = None
        if posterior is not None:
            w = posterior.weights
            for column, field in ((f"latent.{t.id}", "latent_mean"),
                                  (f"measure.{t.id}", "expected_mean")):
                if column in posterior.particles:
                    x = posterior.particles[column].to_numpy(dtype=float)
                    row[field] = float(np.average(np.where(np.isfinite(x), x, 0.0), weights=w))
        rows.append(row)
    return pd.DataFrame(rows)


def target_table(posterior: Posterior, targets: Sequence[LoadedTarget],
                 tolerances: dict[str, float] | None = None) -> pd.DataFrame:
    """Each measured target under the posterior: weighted mean measure and hit probability
    (a poll scored with its measurement-model tolerance from ``tolerances``, by id)."""
    tolerances = tolerances or {}
    w = posterior.weights
    rows = []
    for t in targets:
        column = f"measure.{t.id}"
        if column not in posterior.particles:
            continue
        x = posterior.particles[column].to_numpy(dtype=float)
        start = scenario_spec(t.scenario).start
        finite = np.isfinite(x)
        hit = np.asarray(is_hit(t.target, x, start, tolerances.get(t.id)), dtype=bool)
        mean = float(np.average(np.where(finite, x, 0.0), weights=w))
        if isinstance(t.target.observed, str):  # an event month: show it as a month too
            start = scenario_spec(t.scenario).start
            shown = f"{month_label(int(round(mean)), start)} ({mean:.3g})"
        else:
            shown = mean
        facts = dict.fromkeys(f for s in t.target.sources for f in s.facts)
        rows.append({"target": t.id, "use": t.target.use, "observed": t.target.observed,
                     "tolerance": tolerances.get(t.id, t.target.tolerance),
                     "posterior_mean": shown,
                     "hit_probability": float(w[hit].sum() / w.sum()),
                     "facts": ", ".join(facts)})
    table = pd.DataFrame(rows)
    table["hit"] = table["hit_probability"] >= HIT_PROBABILITY
    return table


# --------------------------------------------------------------------------- figures

def plot_parameter(ax, values: np.ndarray, weights: np.ndarray, low: float, high: float,
                   name: str, default: float | None = None):
    """Posterior histogram against the flat prior over the documented range; returns ``ax``."""
    bins = np.linspace(low, high, 16)
    ax.hist(values, bins=bins, weights=weights, density=True, color="#4c72b0", alpha=0.8,
            label="posterior")
    ax.axhline(1.0 / (high - low), color="#dd8452", lw=1.5, label="prior")
    if default is not None:
        ax.axvline(default, color="0.3", ls=":", lw=1, label="default")
    ax.set_title(name, fontsize=8)
    ax.tick_params(labelsize=7)
    ax.set_xlim(low, high)
    ax.locator_params(axis="x", nbins=4)
    return ax


def plot_targets(ax, table: pd.DataFrame):
    """Hit probability per target, fitting and held-out in two colours; returns ``ax``."""
    colours = np.where(table["use"] == "fit", "#4c72b0", "#c44e52")
    y = np.arange(len(table))
    ax.barh(y, table["hit_probability"], color=colours)
    ax.set_yticks(y, table["target"], fontsize=6)
    ax.invert_yaxis()
    ax.axvline(HIT_PROBABILITY, color="0.3", ls=":", lw=1)
    ax.set_xlim(0, 1)
    ax.set_xlabel("posterior probability of a hit (blue: fitted, red: held out, 2021)")
    return ax


FIGURE_NAMES = ("calibration_parameters.png", "calibration_targets.png")
REPORT_PHRASE = "Generated by `unionsim calibrate`"


def figure_paths(folder: Path) -> list[Path]:
    """Where `write_figures` writes into ``folder``."""
    return [Path(folder) / name for name in FIGURE_NAMES]


def check_outputs(report: Path, figures: Path) -> tuple[Path, list[Path]]:
    """The report and figure files, checked before a fit starts: the report ends in .md and the
    figures are PNG files; none is a link, a folder or a file unionsim did not write (a user's
    notes, a shipped document)."""
    from unionsim.guard import check_named_output, is_unionsim_png, written_by_unionsim

    report = check_named_output(report, "--report", what="a calibration report",
                                suffixes=(".md",),
                                ours=lambda p: written_by_unionsim(p, REPORT_PHRASE))
    pictures = [check_named_output(p, "--report", what="a calibration figure",
                                   suffixes=(".png",), ours=is_unionsim_png)
                for p in figure_paths(figures)]
    return report, pictures


def write_figures(posterior: Posterior, params: pd.DataFrame, targets: pd.DataFrame,
                  folder: Path) -> list[Path]:
    """The prior-and-posterior and the hit-probability figures, as PNG files in ``folder``
    (each written whole, never through a link, never over a file unionsim did not draw)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from unionsim.guard import PNG_SOFTWARE, check_named_output, is_unionsim_png, write_named

    paths = [check_named_output(p, "--report", what="a calibration figure", suffixes=(".png",),
                                ours=is_unionsim_png) for p in figure_paths(folder)]

    def png(fig) -> bytes:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=90,
                    metadata={"Software": f"{PNG_SOFTWARE} (Matplotlib)"})
        plt.close(fig)
        return buffer.getvalue()

    n = len(params)
    cols = min(4, max(1, n))
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.0 * cols, 2.3 * rows), squeeze=False)
    for ax, r in zip(axes.flat, params.itertuples()):
        plot_parameter(ax, posterior.particles[f"param.{r.parameter}"].to_numpy(dtype=float),
                       posterior.weights, r.low, r.high, r.parameter, r.default)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=6)
    fig.tight_layout()
    first = png(fig)
    fig, ax = plt.subplots(figsize=(7, 0.18 * len(targets) + 1.2))
    plot_targets(ax, targets)
    fig.tight_layout()
    second = png(fig)
    return [write_named(paths[0], first), write_named(paths[1], second)]


# --------------------------------------------------------------------------- the document

def _fmt(x) -> str:
    import numbers

    if isinstance(x, str):
        return x
    if isinstance(x, numbers.Integral) and not isinstance(x, bool):
        return str(int(x))
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "-"
    return f"{x:.3g}"


def _md_table(frame: pd.DataFrame, columns: dict[str, str]) -> list[str]:
    lines = ["| " + " | ".join(columns.values()) + " |",
             "|" + "---|" * len(columns)]
    for r in frame.to_dict("records"):
        lines.append("| " + " | ".join(_fmt(r[c]) for c in columns) + " |")
    return lines


def _abc_method_lines(posterior: Posterior) -> list[str]:
    """The report's opening for an ABC-SMC fit: the method, the fit and its generations."""
    m = posterior.manifest
    settings = m.get("settings", {})
    lines = [
        "# Calibration report",
        "",
        "Generated by `unionsim calibrate` from `" + posterior.path.name + "` and its manifest; "
        "do not edit by hand. ABC-SMC (pyabc " + str(m.get("library", {}).get("version")) + ") "
        "fits the parameters the screening ranks highest to the targets dated up to end-2020 "
        "(`targets/`), then scores the 2021 targets it never saw.",
        "",
        "## Method, and why pyabc",
        "",
        "ABC-SMC (approximate Bayesian computation by sequential Monte Carlo) needs only "
        "simulations, which suits a stochastic agent-based model without a likelihood. pyabc "
        "(https://pyabc.readthedocs.io) is maintained, installs cleanly on Python 3.11 without a "
        "deep-learning stack, adapts the tolerance between generations, keeps every generation "
        "in a SQL database from which a stopped fit is loaded and continued (its 'Resuming "
        "stored ABC runs' example), and maps simulations over any map function, here the "
        "project's local processes or a dask cluster. `sbi` was set aside because it pulls "
        "torch; history matching with an emulator because the emulator for 30+ outputs would "
        "itself need choosing and validating. pyabc's own dependencies (sqlalchemy, gitpython, "
        "redis, an IPython kernel: about 120 MB) are why it is the optional `calibration` "
        "extra.",
        "",
        "## The fit",
        "",
        f"* setting `{settings.get('name')}`: population {settings.get('population')}, "
        f"{settings.get('replicates')} run(s) per particle and scenario, at most "
        f"{settings.get('max_populations')} generations and {settings.get('max_simulations')} "
        f"particle evaluations; seed {m.get('seed')}",
        f"* {m.get('evaluations')} particle evaluations (pyabc's 200-particle prior sample "
        f"included) = {m.get('model_runs')} model runs in "
        f"{', '.join(m.get('scenarios', []))}; {m.get('particles')} particles in the posterior; "
        f"{m.get('seconds_sampling')} s of sampling on {m.get('workers')} worker(s) (a machine "
        "shared with other work). pyabc checks the "
        "evaluation budget between generations, so the last generation can overshoot it",
        f"* targets digest `{m.get('targets', {}).get('digest')}`, model code fingerprint "
        f"`{m.get('model_fingerprint')}`",
        "* distance: root mean square of the fitting targets' errors, each divided by its "
        "tolerance; a particle is accepted when the distance is below the generation's tolerance "
        "(pyabc's adaptive median schedule)",
        "* an event month's tolerance is in months; its posterior mean is shown as a month and "
        "as a month number (1 = the scenario's first month)",
        "",
        "| generation | tolerance (distance) | evaluations | accepted | acceptance rate |",
        "|---|---|---|---|---|",
    ]
    for g in m.get("generations", []):
        lines.append(f"| {g['t']} | {g['epsilon']:.3g} | {g['evaluations']} | {g['accepted']} | "
                     f"{g['acceptance_rate']:.2f} |")
    return lines


def _round_lines(rounds: list[dict], settings: dict) -> list[str]:
    """A sequential fit's later rounds, one line each (none for a one-round fit)."""
    return [
        f"* round {r['round']} (truncated sequential NPE): a network trained on the earlier "
        f"rounds' simulations ({r['epochs']} epochs) gave the posterior at the observation; "
        f"{r['simulations']} more vectors were drawn from the prior truncated to that "
        f"posterior's region holding all but {settings.get('truncation')} of its mass "
        f"({r['acceptance']:.2%} of {r['candidates']} prior vectors fell inside) and simulated. "
        "Inside the region the proposal is proportional to the prior, so the last network is "
        "trained on every round with NPE's own loss; the calibration check holds back each "
        "round's share"
        for r in rounds]


def _npe_method_lines(posterior: Posterior) -> list[str]:
    """The report's opening for a neural posterior estimation fit: the method, the fit, the
    effective sample size and each parameter's contraction."""
    m = posterior.manifest
    settings = m.get("settings", {})
    library = m.get("library", {})
    lines = [
        "# Calibration report",
        "",
        "Generated by `unionsim calibrate --method npe` from `" + posterior.path.name + "` and "
        "its manifest; do not edit by hand. Neural posterior estimation (sbi "
        f"{library.get('version')}, torch {library.get('torch')}) fits the parameters the "
        "screening ranks highest to the targets dated up to end-2020 (`targets/`), then scores "
        "the 2021 targets it never saw.",
        "",
        "## Method: neural posterior estimation",
        "",
        "A masked autoregressive flow is trained on simulations drawn from the uniform prior to "
        "give the posterior of the parameters given the data; its draws at the observed data "
        "are independent, so every draw counts (ABC-SMC's importance weights collapse when 30 or "
        "more parameters are fitted). The data x are the fitting targets' errors in tolerances "
        "(a poll's with its measurement-model tolerance); the observation is x = 0. A committed "
        "tolerance is read as one standard deviation of measurement error: each simulated x "
        "gets N(0, 1) noise before training, and is clipped to 10 tolerances either way (the "
        "identity near the observation). An undefined measure counts as one tolerance (as "
        "in ABC's distance); a simulation whose runs all failed is dropped. The held-out "
        "targets are not measured in the training simulations at all.",
        "",
        "## The fit",
        "",
        f"* setting `{settings.get('name')}`: {m.get('simulations')} prior simulations of "
        f"{settings.get('replicates')} run(s) per scenario ({m.get('simulations_dropped')} "
        f"dropped); a flow of {settings.get('transforms')} transforms of "
        f"{settings.get('hidden')} hidden units trained for {m.get('epochs')} epochs ("
        + ("stopped at the cap of the setting: the validation loss was still falling"
           if m.get("epoch_cap_reached") else "until the validation loss stopped falling")
        + f") in {m.get('seconds_training')} s; {m.get('draws')} "
        f"posterior draws; seed {m.get('seed')}",
        f"* the posterior file holds {m.get('particles')} of the draws, each simulated with "
        f"{settings.get('predictive_replicates')} run(s) per scenario in "
        f"{', '.join(m.get('scenarios', []))}, weight 1/{m.get('particles')} each: effective "
        f"sample size {m.get('ess')} (1/sum(w^2), equal to the number of independent draws); "
        f"{m.get('evaluations')} evaluations = {m.get('model_runs')} model runs in "
        f"{m.get('seconds_this_session')} s on {m.get('workers')} worker(s)",
        f"* targets digest `{m.get('targets', {}).get('digest')}`, model code fingerprint "
        f"`{m.get('model_fingerprint')}`",
        *_round_lines(m.get("rounds") or [], settings),
        "* contraction = 1 - posterior variance / prior variance, from all the draws: 0 where "
        "the targets teach nothing, 1 where they pin the parameter down",
    ]
    sbc = m.get("sbc", {})
    if sbc.get("simulations"):
        failed = sbc.get("not_calibrated", [])
        lines.append(
            f"* calibration check (simulation-based calibration): {sbc['simulations']} "
            f"simulations held back from training, each one's true vector ranked among "
            f"{sbc['posterior_draws']} posterior draws given its own data; a calibrated network "
            f"gives uniform ranks. Parameters whose ranks are not uniform (Kolmogorov-Smirnov "
            f"p < {sbc['bound']:.2g}): " + (", ".join(f"`{n}`" for n in failed) or "none"))
    else:
        lines.append("* calibration check: not run (no simulations held back)")
    information = m.get("linear_information") or {}
    if information:
        lines.append(
            "* linear information: the share of each parameter's prior variance that a "
            "least-squares line from the data x explains on the held-back simulations (R^2 out "
            "of sample): what the targets tell about it on average over the prior, whatever "
            "the network makes of it. For a Gaussian posterior the contraction equals it; a "
            "contraction far below it means information the network did not use, or an "
            "observation unlike most simulations")
    lines += ["", "| parameter | contraction | linear information | SBC p-value |",
              "|---|---|---|---|"]
    pvalues = sbc.get("ks_pvalues", {})
    for name, value in m.get("contraction", {}).items():
        p, r2 = pvalues.get(name), information.get(name)
        lines.append(f"| {name} | {value:.2f} | {'-' if r2 is None else f'{r2:.2f}'} | "
                     f"{'-' if p is None else f'{p:.3g}'} |")
    return lines


def write_report(posterior: Posterior, targets: TargetSet, out: str | Path, *,
                 screening: pd.DataFrame | None = None, figures: str | Path | None = None
                 ) -> Path:
    """Write the Markdown report to ``out`` and its figures to ``figures`` (default:
    ``figures/`` beside the report), which the report links to. Checked as `check_outputs`
    checks, and written whole."""
    import os

    from unionsim.guard import write_named

    out, _ = check_outputs(Path(out), Path(figures) if figures else Path(out).parent / "figures")
    folder = Path(figures) if figures else out.parent / "figures"
    m = posterior.manifest
    from unionsim.calibration.polls import scoring_tolerances

    params = parameter_table(posterior)
    table = target_table(posterior, targets.select(), scoring_tolerances(targets))
    offsets = offset_table(posterior)
    polls = poll_table(targets, posterior)
    figures = write_figures(posterior, params, table, folder)
    links = [Path(os.path.relpath(os.path.abspath(f), os.path.abspath(out.parent))).as_posix()
             for f in figures]
    fit, test = table[table["use"] == "fit"], table[table["use"] == "test"]
    if m.get("method") == "npe":
        lines = _npe_method_lines(posterior)
    else:
        lines = _abc_method_lines(posterior)
    lines += [
        "",
        "## Parameters: prior against posterior",
        "",
        f"Identified: posterior sd at most {IDENTIFIED} of the prior's; narrowed: at most "
        f"{NARROWED}; otherwise the targets leave the parameter at its prior.",
        "",
        f"![prior and posterior of each fitted parameter]({links[0]})",
        "",
        *_md_table(params, {"parameter": "parameter", "low": "low", "high": "high",
                            "default": "default", "posterior_mean": "posterior mean",
                            "p5": "5%", "p95": "95%", "sd_ratio": "sd / prior sd",
                            "verdict": "verdict"}),
        "",
    ]
    n_candidates = len(screening) if screening is not None else None
    lines += [
        "Every parameter not in this table keeps its documented value. Which were fitted: the "
        "first N of `params/calibration_screening.csv`, which ranks the "
        + (f"{n_candidates} " if n_candidates else "") + "judgement parameters with `support: "
        "direction` or `assumption` and those marked `fit:`: first the marked ones and those "
        "whose largest effect on what users read is at least 5 pp (`params/influence.csv`, "
        "`docs/influence.md`), by that effect; then the "
        "others by their Morris screening on the fitting targets, the sum over fitting targets "
        "of mu* divided by the target's tolerance (`scripts/screen_calibration.py`).",
        "",
    ]
    if screening is not None:
        fitted = set(posterior.names)
        if "target_score" not in screening:   # a ranking written before the influence table
            screening = screening.rename(columns={"score": "target_score"})
        nxt = screening[~screening["parameter"].isin(fitted)].head(8)
        headline = nxt["headline_pp"] if "headline_pp" in nxt else [float("nan")] * len(nxt)
        lines += ["The next ranked, left at their documented values (effect on what users "
                  "read in pp; target score): "
                  + ", ".join(f"`{p}` ({'-' if h != h else f'{h:.1f}'}; {s:.2g})" for p, h, s in
                              zip(nxt["parameter"], headline, nxt["target_score"]))
                  + ".", ""]
    lines += [
        "## Polls: house and wording offsets",
        "",
        "A poll is an observation of the model's latent opinion: it is expected to read the "
        "latent share plus its pollster's house offset plus its question's wording offset "
        "(`params/poll_offsets.yaml`). The nmnby.eu series and, per opinion, the wording it "
        "asked are the reference, fixed at 0, so the latent opinion is read on that series' "
        "scale; the others are fitted with the model's parameters, from the fitting polls only. "
        "A poll's tolerance combines twice its sampling sd (binomial, design effect 2, from its "
        "sample size) and the rest of its committed tolerance in quadrature: never wider than "
        "committed.",
        "",
        *_md_table(offsets, {"offset": "offset", "low": "low", "high": "high", "role": "role",
                             "posterior_mean": "posterior mean", "p5": "5%", "p95": "95%",
                             "sd_ratio": "sd / prior sd"}),
        "",
        *_md_table(polls, {"target": "poll", "use": "use", "pollster": "pollster",
                           "question": "question", "n": "n", "sampling_sd": "sampling sd",
                           "observed": "observed", "committed_tolerance": "committed tol.",
                           "tolerance": "scoring tol.", "latent_mean": "latent (posterior)",
                           "expected_mean": "expected poll (posterior)"}),
        "",
        "## Targets under the posterior",
        "",
        f"A target is hit when at least {HIT_PROBABILITY:.0%} of the posterior weight lies within "
        "one tolerance of the observed value.",
        "",
        f"* **fitting targets hit: {int(fit['hit'].sum())} of {len(fit)} "
        f"({fit['hit'].mean():.0%})** (goal: 80%)",
        f"* **held-out 2021 targets hit (out of sample): {int(test['hit'].sum())} of {len(test)} "
        f"({test['hit'].mean():.0%})**, reported as they came out",
        "",
        f"![hit probability per target]({links[1]})",
        "",
        *_md_table(table, {"target": "target", "use": "use", "observed": "observed",
                           "tolerance": "tolerance", "posterior_mean": "posterior mean",
                           "hit_probability": "P(hit)", "facts": "FACTS"}),
        "",
        "## Targets the model cannot measure yet",
        "",
    ]
    for t in targets.targets:
        if not t.measured:
            lines.append(f"* `{t.id}` ({t.target.use}): {t.target.reason}")
    return write_named(out, ("\n".join(lines) + "\n").encode("utf-8"))
