"""Analysis commands: plot, compare, sensitivity, discover, report.

These commands only read results folders (run, then analyse); `sensitivity` is the exception that
runs a new batch, because a sensitivity design is a batch of its own.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from unionsim.cli.common import PARAMS_HELP, SET_HELP, _notice, _progress, app
from unionsim.errors import UsageError


@app.command()
def plot(
    run_dir: Path = typer.Argument(..., metavar="RUN_DIR", help="A results folder written by "
                                   "`unionsim run`."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", metavar="DIR",
                                       help="Where to write the figures (default: RUN_DIR/plots)."),
) -> None:
    """Draw a results folder: outcomes, end states, first events, fan charts, distributions.

    Writes PNG files into RUN_DIR/plots/: outcomes.png (probabilities with 95% intervals),
    end_states.png (each end-state dimension's shares), time_to_event.png (the share of runs in
    which each first event has happened by each month), fan_charts.png (median, 50% and 90% of
    runs per month, events numbered), final_distributions.png and flag_timeline.png (when flags
    first fire). A folder run with --no-timeseries gets all but fan_charts.png and
    flag_timeline.png.

    Example: unionsim plot runs/baseline-20250101-120000
    """
    from unionsim.analysis.figures import plot_folder

    for path in plot_folder(run_dir, out, notify=_notice):
        typer.echo(f"wrote {path}")


@app.command()
def compare(
    run_dirs: List[Path] = typer.Argument(..., metavar="RUN_DIR RUN_DIR...",
                                          help="Two or more results folders; each is compared "
                                               "with the first."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", metavar="DIR",
                                       help="Where to write tables and figures (default: "
                                            "FIRST_RUN_DIR/compare)."),
    align: str = typer.Option("calendar", "--align", metavar="calendar|start",
                              help="Line up the time series by calendar date (default) or by "
                                   "month since each scenario's start."),
) -> None:
    """Compare results folders: outcome shares, flags and final indicators, with tests.

    Prints differences (other minus first) with 95% intervals and p-values, naming each test:
    Newcombe interval and Fisher's exact test for shares, Welch interval and Mann-Whitney U for
    indicators. Folders that share run seeds are also compared run by run (common random
    numbers): Newcombe's paired interval with McNemar's exact test, Wilcoxon signed-rank.
    When they share seeds, says whether the paired runs also share every other parameter drawn
    per run (pairing_N.csv), and warns naming those that differ.
    Writes CSV tables, compare_outcomes.png and compare_fan_charts.png (time series by calendar
    date, or with --align start by month since each start; every folder's events numbered).
    Folders run with --no-timeseries are compared without the time-series figure.

    Example: unionsim compare runs/base runs/tradable --out runs/base-vs-tradable
    """
    from unionsim.analysis.compare import compare_folders

    comp = compare_folders(run_dirs, out, align=align, notify=_notice)
    console = _wide_console()
    for d in comp.differences:
        _print_difference(console, d)
    for path in comp.files:
        console.print(f"wrote {path}")


@app.command()
def sensitivity(
    scenario: str = typer.Argument(..., metavar="SCENARIO", help="Scenario file or shipped "
                                   "scenario name; or an existing sensitivity folder to "
                                   "analyse again without running."),
    method: str = typer.Option("sobol", "--method", "-m", metavar="sobol|morris",
                               help="Sobol' indices (first and total order) or Morris screening."),
    n: int = typer.Option(64, "--n", metavar="N", help="Base sample size: a power of 2 for sobol "
                          "(runs = N x (parameters + 2)); trajectories for morris "
                          "(runs = N x (parameters + 1))."),
    seed: int = typer.Option(1, "--seed", "-s", metavar="SEED", help="Seeds the design and the "
                             "runs."),
    param: List[str] = typer.Option([], "--param", metavar="NAME", help="A parameter to vary over "
                                    "its documented range (repeatable)."),
    all_: bool = typer.Option(False, "--all", help="Vary every parameter over its documented "
                              "range (default: the parameters the scenario marks uncertain)."),
    # 4 = unionsim.analysis.sensitivity.DEFAULT_REPEATS (written out: this module imports lazily)
    repeats: int = typer.Option(4, "--repeats", "-r", metavar="R", help="Runs per design point, "
                                "averaged (multiplies the run count). With fewer than 4 the "
                                "ranking changes from one seed to another."),
    independent_seeds: bool = typer.Option(False, "--independent-seeds", help="Give every run "
                                           "its own seed instead of common random numbers "
                                           "(repeat r of every design point shares seed r)."),
    indicator: List[str] = typer.Option([], "--indicator", metavar="NAME", help="A final "
                                        "indicator to analyse besides the outcome chances "
                                        "(repeatable; default: sovereignty, energy_support, "
                                        "reserves, legitimacy, protest_peak, "
                                        "support_incorporation)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", metavar="DIR", help="Results folder "
                                       "(default: runs/<scenario>-sensitivity-<method>-<time>)."),
    set_: List[str] = typer.Option([], "--set", metavar="NAME=VALUE", help=SET_HELP),
    params: List[Path] = typer.Option([], "--params", metavar="FILE", help=PARAMS_HELP),
    force: bool = typer.Option(False, "--force", help="Replace an existing results folder."),
    resume: bool = typer.Option(False, "--resume", help="Finish an interrupted design in --out "
                                "(same command plus --resume): only the missing runs are run."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", metavar="N",
                                          help="Worker processes (default: all cores)."),
    top: int = typer.Option(15, "--top", metavar="K", help="Rows of the ranked table to print."),
) -> None:
    """Global sensitivity analysis (SALib) of outcome chances and final indicators.

    Builds a seeded Sobol' or Morris design over the chosen parameters, runs it as one batch
    (like `unionsim run`: parallel, resumable, seeded), then ranks parameters by their largest index over the outputs and
    marks those the documents dispute (FACTS D1-D16). Writes sensitivity/indices.csv,
    ranking.csv, ranking.png and indices.png into the folder.

    Example: unionsim sensitivity baseline --method morris --n 20 --all --out runs/sens
    """
    from unionsim.analysis.sensitivity import (DEFAULT_INDICATORS, DESIGN_FILE,
                                               analyse_sensitivity, make_design, run_design)
    from unionsim.experiment.plan import check_run_count

    for name, value in (("n", n), ("repeats", repeats), ("top", top)):
        if value < 1:
            raise UsageError(f"--{name} must be at least 1 (got {value})", field=name)
    if seed < 0:
        raise UsageError(f"--seed must be zero or positive (got {seed})", field="seed")

    indicators = tuple(indicator) or DEFAULT_INDICATORS
    folder = Path(scenario)
    if not (folder / DESIGN_FILE).exists():
        from unionsim.config.params import parse_set_options
        from unionsim.config.scenario import load_scenario
        from unionsim.experiment.batch import default_out_dir

        loaded = load_scenario(scenario)
        design = make_design(loaded, method=method, n=n, seed=seed, names=param, all_=all_,
                             repeats=repeats, common_seeds=not independent_seeds)
        runs = len(design.points()) * repeats
        check_run_count(runs)
        typer.echo(f"{method} design: {len(design.names)} parameters, {runs} runs", err=True)
        out = out or default_out_dir(f"{loaded.name}-sensitivity-{method}")
        with _progress(runs) as advance:
            folder = run_design(loaded, design, out, param_files=params,
                                sets=parse_set_options(set_), force=force, resume=resume,
                                workers=workers, progress=advance, notify=_notice)
    result = analyse_sensitivity(folder, indicators=indicators)
    _print_sensitivity(_wide_console(), result, top)
    typer.echo(f"results: {folder}")


def _print_sensitivity(console, result, top: int) -> None:
    from unionsim.analysis.labels import words

    from rich.table import Table

    from unionsim.analysis.sensitivity import DEFAULT_REPEATS, EFFECT_UNIT, SCORE_UNIT

    d = result.design
    t = Table(title=f"Parameters ranked by their largest effect on an outcome's share of runs "
                    f"({d.method}, N={d.n}, {len(d.names)} parameters, "
                    f"{d.repeats} run(s) per design point)")
    score = "largest ST (0-1)" if d.method == "sobol" else "largest mu*/sd"
    for c in ("rank", "parameter", "effect (pp)", "on the share of", score, "for", "disputed"):
        t.add_column(c, justify="left" if c in ("parameter", "on the share of", "for",
                                                "disputed") else "right")
    for r in result.ranking.head(top).itertuples():
        t.add_row(str(r.rank), r.parameter, f"{r.outcome_effect * 100:.1f}",
                  words(r.top_outcome.removeprefix("P(").removesuffix(")")),
                  f"{r.score:.2f}", r.top_output, r.disputes or "")
    console.print(t)
    if d.method == "sobol":
        console.print(f"effect, in {EFFECT_UNIT}: sqrt(ST) x sd of the outcome's share across "
                      f"the design (the spread the parameter accounts for); score: "
                      f"{SCORE_UNIT['sobol']}.")
    else:
        console.print(f"effect, in {EFFECT_UNIT}: mu* x step, the mean absolute change of the "
                      f"outcome's share when the parameter moves one step (2/3 of its range); "
                      f"score: {SCORE_UNIT['morris']}. indices.csv has this effect (and its "
                      "interval) beside SALib's mu*, the change per whole range.")
    if d.repeats < DEFAULT_REPEATS:
        console.print(f"note: {d.repeats} run(s) per design point: a single run that ends "
                      "differently moves a point's share by 100 pp, so effects and ranks are "
                      f"noisy; --repeats {DEFAULT_REPEATS} or more gives a stable ranking.")
    for output, why in result.skipped.items():
        console.print(f"not analysed: {output} ({why})")
    seeds = ("common random numbers: repeat r of every design point uses the same seed"
             if d.common_seeds else "every run has its own seed")
    console.print(f"Runs: {seeds}. {result.note}")
    console.print("disputed: the documents disagree about this parameter (FACTS section 5).")
    for f in result.files:
        console.print(f"wrote {f}")


@app.command()
def discover(
    run_dir: Path = typer.Argument(..., metavar="RUN_DIR", help="A results folder whose runs "
                                   "varied parameters (e.g. from `unionsim sensitivity`)."),
    outcome: str = typer.Option(..., "--outcome", metavar="NAME", help="An outcome (e.g. "
                                "economic_integration) or a flag (e.g. mass_protests)."),
    max_depth: int = typer.Option(3, "--max-depth", metavar="D", help="Depth of the decision "
                                  "tree: at most D parameters restrict a box."),
    min_leaf: float = typer.Option(0.05, "--min-box", metavar="SHARE", help="Smallest box, as a "
                                   "share of runs."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", metavar="DIR",
                                       help="Where to write boxes and figure (default: "
                                            "RUN_DIR/discovery)."),
) -> None:
    """Scenario discovery: parameter ranges under which an outcome becomes likely.

    Fits a decision tree (CART) to the runs' sampled parameters and reports each leaf as a box
    of ranges with its density (share of the box's runs ending in the outcome), coverage
    (share of all such runs inside the box) and mass (share of all runs in the box).

    Example: unionsim discover runs/sens --outcome economic_integration
    """
    from unionsim.analysis.labels import words

    from rich.table import Table

    from unionsim.analysis.discovery import discover_folder

    if not 1 <= max_depth <= 12:
        raise UsageError(f"--max-depth must be between 1 and 12 (got {max_depth})",
                         field="max_depth", hint="boxes of more than a few parameters are hard to "
                                                 "read; 2 to 4 is usual")
    if not 0 < min_leaf <= 0.5:
        raise UsageError(f"--min-box must be a share of runs above 0 and at most 0.5 "
                         f"(got {min_leaf})", field="min_box", hint="e.g. --min-box 0.05 (5% of runs)")

    found = discover_folder(run_dir, outcome, out=out, max_depth=max_depth, min_leaf=min_leaf)
    console = _wide_console()
    console.print(f"{words(outcome)}: {found.hits} of {found.runs} runs "
                  f"(base rate {found.base_rate:.1%}); boxes from a decision tree of depth "
                  f"<= {max_depth}, densest first")
    t = Table()
    for c in ("box", "density", "coverage", "mass", "runs", "parameter ranges"):
        t.add_column(c, justify="left" if c == "parameter ranges" else "right")
    for r in found.table().itertuples():
        mark = " *" if r.density > found.base_rate else ""
        t.add_row(f"{r.box}{mark}", f"{r.density:.1%}", f"{r.coverage:.1%}", f"{r.mass:.1%}",
                  str(r.runs), r.ranges)
    console.print(t)
    console.print("* density above the base rate. Tree importance: " + ", ".join(
        f"{k} {v:.2f}" for k, v in found.importance.items()))
    for f in found.files:
        console.print(f"wrote {f}")


@app.command()
def report(
    run_dirs: List[Path] = typer.Argument(..., metavar="RUN_DIR...", help="One or more results "
                                          "folders; several are also compared with the first."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", metavar="FILE.html",
                                       help="The report file (default: FIRST_RUN_DIR/report.html)."),
) -> None:
    """Write one self-contained HTML report (figures embedded) that can be mailed.

    It holds the scenario in words with its sources, the outcome, flag and indicator tables,
    the figures, the comparison when several folders are given, a sensitivity ranking when the
    folder holds one, and every parameter with its provenance.

    Example: unionsim report runs/base runs/tradable --out base-vs-tradable.html
    """
    from unionsim.analysis.report import build_report

    typer.echo(f"wrote {build_report(run_dirs, out)}")


def _wide_console():
    """A console for wide tables: the terminal's width, or 150 columns when piped."""
    from rich.console import Console

    return Console(highlight=False, width=None if sys.stdout.isatty() else 150)


def _print_difference(console, d) -> None:
    from unionsim.analysis.labels import words

    from rich.table import Table

    paired = d.pairs > 0
    if d.pairing is not None:
        style = "" if d.pairing.ok else "bold red"
        console.print(d.pairing.sentence(), style=style or None, markup=False)
    for title, table, paired_table, first in (
            ("Outcomes", d.outcomes, d.paired_outcomes, "outcome"),
            ("Flags (share of runs in which each occurred)", d.flags, d.paired_flags, "flag")):
        t = Table(title=f"{title}: {d.label_b} minus {d.label_a}")
        cols = [first, "A", "B", "B-A [95% CI]", "p (Fisher)"]
        if paired:
            cols += [f"paired B-A [95% CI] ({d.pairs} seeds)", "p (McNemar)"]
        for c in cols:
            t.add_column(c, justify="left" if c == first else "right")
        for i, r in enumerate(table.itertuples()):
            row = [words(r.event), f"{r.share_a:.1%}", f"{r.share_b:.1%}",
                   _pp(r.diff, r.ci_low, r.ci_high), _p(r.p_value)]
            if paired:
                q = paired_table.iloc[i]
                row += [_pp(q["diff"], q["ci_low"], q["ci_high"]), _p(q["p_value"])]
            t.add_row(*row)
        console.print(t)
    from unionsim.analysis.labels import unit_of

    t = Table(title=f"Final indicators: {d.label_b} minus {d.label_a}")
    cols = ["indicator", "unit", "median A", "median B", "mean B-A [95% CI]", "p (Mann-Whitney)"]
    if paired:
        cols += ["paired mean B-A [95% CI]", "p (Wilcoxon)"]
    for c in cols:
        t.add_column(c, justify="left" if c in ("indicator", "unit") else "right")
    for i, r in enumerate(d.indicators.itertuples()):
        row = [words(r.indicator), unit_of(r.indicator) or "-",
               f"{r.median_a:.3g}", f"{r.median_b:.3g}",
               _num(r.mean_diff, r.ci_low, r.ci_high), _p(r.p_value)]
        if paired:
            q = d.paired_indicators.iloc[i]
            row += [_num(q["mean_diff"], q["ci_low"], q["ci_high"]), _p(q["p_value"])]
        t.add_row(*row)
    console.print(t)
    console.print("Intervals: Newcombe (shares; paired version on shared seeds), Welch t "
                  "(indicator means; paired t on shared seeds). Tests are two-sided.")


def _pp(d: float, lo: float, hi: float) -> str:
    return f"{d * 100:+.1f} pp [{lo * 100:+.1f}, {hi * 100:+.1f}]"


def _num(d: float, lo: float, hi: float) -> str:
    return f"{d:+.3g} [{lo:+.3g}, {hi:+.3g}]"


def _p(p: float) -> str:
    return "<0.001" if p < 0.001 else f"{p:.3f}"
