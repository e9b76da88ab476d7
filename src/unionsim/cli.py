"""The ``unionsim`` command line: each subcommand parses, calls one library function, reports.

Heavy libraries (mesa, numpy, pandas, pyarrow) are imported inside the commands that need them,
so ``unionsim --help`` and ``unionsim params`` start quickly.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from unionsim.errors import UnionsimError

app = typer.Typer(
    name="unionsim",
    help="Scenario wargame simulator of the Union State of Belarus and Russia.\n\n"
         "Example: unionsim run scenarios/baseline.yaml --runs 200 --seed 1",
    add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

SET_HELP = ("Change one parameter for this command: --set name=value (repeatable), e.g. "
            "--set minsk.sovereignty_weight=0.8. Values are checked against the documented "
            "range; `unionsim params` lists the names.")
PARAMS_HELP = ("A parameter overlay file layered over the defaults (repeatable), e.g. "
               "--params params/sovereignty_tradable.yaml.")


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


@app.command()
def run(
    scenario: str = typer.Argument(..., metavar="SCENARIO", help="Scenario file, or the name of "
                                   "a shipped scenario (e.g. baseline)."),
    runs: int = typer.Option(200, "--runs", "-n", metavar="N", help="Number of Monte Carlo runs (>= 1)."),
    seed: int = typer.Option(1, "--seed", "-s", metavar="SEED", help="Master seed (>= 0); the same seed gives "
                             "identical results."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", metavar="DIR", help="Results folder (default: "
                                       "runs/<scenario>-<timestamp>)."),
    set_: List[str] = typer.Option([], "--set", metavar="NAME=VALUE", help=SET_HELP),
    params: List[Path] = typer.Option([], "--params", metavar="FILE", help=PARAMS_HELP),
    force: bool = typer.Option(False, "--force", help="Replace an existing results folder."),
    resume: bool = typer.Option(False, "--resume", help="Finish an interrupted batch in --out: "
                                "only the missing runs are run. Give the same command as before "
                                "plus --resume; a different plan is refused."),
    executor: str = typer.Option("process", "--executor", "-e", metavar="NAME",
                                 help="process (a local pool of --workers processes), serial "
                                      "(this process only) or dask (a dask.distributed cluster; "
                                      'needs pip install "unionsim[dask]"). All give identical '
                                      "results."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", metavar="N",
                                          help="Worker processes (default: all cores)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="ADDRESS",
                                            help="Address of a dask scheduler, e.g. "
                                                 "tcp://10.0.0.5:8786 (with --executor dask; "
                                                 "without it a local cluster is started)."),
    no_timeseries: bool = typer.Option(False, "--no-timeseries",
                                       help="Store outcomes only (for very large batches)."),
    sampler: Optional[str] = typer.Option(None, "--sampler", metavar="mc|lhs",
                                          help="How to draw the scenario's uncertain parameters: "
                                               "mc (Monte Carlo) or lhs (Latin hypercube); "
                                               "default: the scenario's own choice."),
    fixed: bool = typer.Option(False, "--fixed", help="Ignore the scenario's uncertainty: every "
                               "run uses the parameter values (only choices and shocks vary)."),
) -> None:
    """Run a Monte Carlo batch of a scenario and write a results folder.

    Prints outcome probabilities with 95% intervals, how often each flag fired and the final
    key indicators, then the folder it wrote (manifest.json, outcomes.parquet,
    timeseries.parquet, decisions.parquet). Finished runs are stored as the batch goes: after a
    crash or Ctrl-C, the same command plus --resume runs only what is missing.

    Example: unionsim run scenarios/baseline.yaml --runs 200 --seed 1 --set putin.reactivity=0.5
    """
    from unionsim.config.params import parse_set_options
    from unionsim.experiment.batch import run_batch

    sets = parse_set_options(set_)
    console = _console()
    with _progress(runs) as advance:
        folder = run_batch(scenario, runs=runs, seed=seed, out=out, param_files=params,
                           sets=sets, force=force, resume=resume, executor=executor,
                           workers=workers, scheduler=scheduler, timeseries=not no_timeseries,
                           sampler=sampler, uncertainty=not fixed, progress=advance,
                           notify=_notice)
    _print_summary(console, folder)


def _notice(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class _PlainProgress:
    """``progress: k/N runs (r runs/s, about t left)`` lines, about every tenth of the batch
    and at least every 30 seconds (for logs and cluster job output)."""

    def __init__(self, total: int, stream=None, clock=None):
        import time

        self.total, self.done, self.start_done = total, 0, 0
        self.stream = stream or sys.stderr
        self.clock = clock or time.monotonic
        self.started = self.last_line = self.clock()
        self.next = max(1, total // 10)

    def start(self, total: int, done: int) -> None:
        self.total, self.done, self.start_done = total, done, done
        self.started = self.last_line = self.clock()
        self.next = done + max(1, total // 10)

    def __call__(self, n: int) -> None:
        self.done += n
        now = self.clock()
        if self.done >= self.next or self.done >= self.total or now - self.last_line >= 30:
            print(self.line(now), file=self.stream, flush=True)
            self.last_line = now
            while self.next <= self.done:
                self.next += max(1, self.total // 10)

    def line(self, now: float) -> str:
        text = f"progress: {self.done}/{self.total} runs"
        elapsed, ran = now - self.started, self.done - self.start_done
        if elapsed > 0 and ran > 0:
            rate = ran / elapsed
            text += f" ({rate:.0f} runs/s, about {_duration((self.total - self.done) / rate)} left)"
        return text


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _progress(total: int):
    """A progress bar with runs/s and time left on a terminal, plain progress lines otherwise.

    Yields a callable taking the number of runs just finished, with a ``start(total, done)``
    method that a resumed batch calls first.
    """
    import contextlib

    @contextlib.contextmanager
    def bar():
        if sys.stderr.isatty():
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn,
                                       TextColumn, TimeRemainingColumn)
            from rich.text import Text

            class RateColumn(ProgressColumn):
                def render(self, task):
                    return Text(f"{task.speed:.0f} runs/s" if task.speed else "")

            with Progress(TextColumn("running"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                          TimeRemainingColumn(), console=_console(stderr=True),
                          transient=True) as progress:
                task = progress.add_task("runs", total=total)

                class Advance:
                    def start(self, total: int, done: int) -> None:
                        # runs done before a resume fill the bar but do not count towards speed
                        progress.reset(task, total=total, completed=done)

                    def __call__(self, n: int) -> None:
                        progress.advance(task, n)

                yield Advance()
        else:
            yield _PlainProgress(total)

    return bar()


def _print_summary(console, folder: Path) -> None:
    from rich.table import Table

    from unionsim.analysis.summary import flag_table, indicator_table, outcome_table
    from unionsim.experiment.store import load_results

    res = load_results(folder)
    m = res.manifest
    n_ok, n_failed = m.get("runs_ok", 0), m.get("runs_failed", 0)
    console.print(f"[bold]{m['scenario']['title']}[/bold]")
    console.print(f"{n_ok} runs, master seed {m['master_seed']}"
                  + (f", [red]{n_failed} failed[/red] (their seeds and errors are in "
                     f"outcomes.parquet; the shares below count finished runs only)"
                     if n_failed else ""))
    table = Table(title="Outcomes (share of runs, 95% Wilson interval)")
    for col in ("outcome", "share", "95% interval", "runs"):
        table.add_column(col, justify="left" if col == "outcome" else "right")
    for r in outcome_table(res.outcomes).itertuples():
        table.add_row(r.outcome.replace("_", " "), f"{r.share:.1%}",
                      f"{r.ci_low:.1%} - {r.ci_high:.1%}", str(r.runs))
    console.print(table)
    flags = Table(title="Flags (share of runs in which each occurred)")
    for col in ("flag", "share", "95% interval"):
        flags.add_column(col, justify="left" if col == "flag" else "right")
    for r in flag_table(res.outcomes).itertuples():
        flags.add_row(r.flag.replace("_", " "), f"{r.share:.1%}", f"{r.ci_low:.1%} - {r.ci_high:.1%}")
    console.print(flags)
    key = ["sovereignty", "energy_support", "reserves", "loans_total", "roadmaps_signed",
           "roadmaps_implemented", "protest_peak", "legitimacy", "sanctions_level",
           "support_incorporation"]
    ind = Table(title="Final indicators (median, 5th-95th percentile)")
    for col in ("indicator", "median", "5%", "95%"):
        ind.add_column(col, justify="left" if col == "indicator" else "right")
    for r in indicator_table(res.outcomes, key).itertuples():
        ind.add_row(r.indicator.replace("_", " "), f"{r.median:.3g}", f"{r.p5:.3g}", f"{r.p95:.3g}")
    console.print(ind)
    rate = m.get("runs_per_second")
    console.print(f"{m.get('seconds', 0):.1f} s" + (f" ({rate:.0f} runs/s)" if rate else ""))
    console.print(f"results: {folder}")


@app.command()
def trace(
    scenario: str = typer.Argument(..., metavar="SCENARIO",
                                   help="Scenario file, or the name of a shipped scenario."),
    seed: int = typer.Option(1, "--seed", "-s", metavar="SEED", help="The run's seed (a run seed as stored in "
                             "outcomes.parquet reproduces that run)."),
    set_: List[str] = typer.Option([], "--set", metavar="NAME=VALUE", help=SET_HELP),
    params: List[Path] = typer.Option([], "--params", metavar="FILE", help=PARAMS_HELP),
    verbose: bool = typer.Option(False, "--verbose", "-v",
                                 help="Also show routine choices (holding course, stalling)."),
) -> None:
    """Tell one run month by month: who did what and why, and how the state moved.

    Example: unionsim trace scenarios/baseline.yaml --seed 3
    """
    from unionsim.config.params import parse_set_options
    from unionsim.config.scenario import load_scenario
    from unionsim.model import trace as tr
    from unionsim.model.world import UnionModel

    loaded = load_scenario(scenario)
    pset = loaded.parameters(param_files=params, sets=parse_set_options(set_))
    model = UnionModel(scenario=loaded, params=pset, seed=seed, collect=False, record=True).run()
    for line in tr.render(model, verbose=verbose):
        typer.echo(line)


@app.command("params")
def params_cmd(
    name: Optional[str] = typer.Argument(None, metavar="[NAME]", help="A parameter (minsk.sovereignty_weight) or a "
                                         "group (minsk); all when omitted."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
    params: List[Path] = typer.Option([], "--params", metavar="FILE", help=PARAMS_HELP),
) -> None:
    """List parameters with value, range, unit, meaning and sources.

    Example: unionsim params minsk.sovereignty_weight
    """
    import json

    from unionsim.config.params import apply_overlay_file, default_parameters, unknown_parameter

    pset = default_parameters()
    for f in params:
        pset = apply_overlay_file(pset, f)
    names = [n for n in pset.names() if name is None or n == name or n.startswith(name + ".")]
    if not names:
        raise unknown_parameter(name, pset.specs)
    records = []
    for n in names:
        spec = pset.specs[n]
        records.append({"name": n, "value": pset.values[n], "default": spec.value,
                        "range": list(spec.range), "unit": spec.unit, "meaning": spec.meaning,
                        "basis": spec.basis,
                        "sources": [s.model_dump() for s in spec.sources],
                        **({"note": spec.note} if spec.note else {})})
    if as_json:
        typer.echo(json.dumps(records, indent=2, ensure_ascii=False))
        return
    for r in records:
        changed = "" if r["value"] == r["default"] else f" (default {r['default']:g})"
        typer.echo(f"{r['name']} = {r['value']:g}{changed}  [{r['range'][0]:g}, {r['range'][1]:g}]"
                   f" {r['unit']}")
        typer.echo(f"    {r['meaning']}")
        typer.echo(f"    basis: {r['basis']}; sources: " + "; ".join(
            f"{s['doc']} {', '.join(s['facts'])}" for s in r["sources"]))
        if "note" in r:
            typer.echo(f"    note: {r['note']}")
    typer.echo(f"{len(records)} parameter{'s' if len(records) != 1 else ''}")


@app.command()
def scenarios() -> None:
    """List the shipped scenarios with their one-line descriptions.

    Example: unionsim scenarios
    """
    from unionsim.config.scenario import load_scenario, shipped_scenarios

    for path in shipped_scenarios():
        loaded = load_scenario(path)
        spec = loaded.spec
        base = f" (extends {spec.extends})" if spec.extends else ""
        uncertain = f", {len(spec.uncertainty)} uncertain parameters" if spec.uncertainty else ""
        typer.echo(f"{spec.name:28s} {spec.title}")
        typer.echo(f"{'':28s} {spec.start} + {spec.horizon} months, {len(spec.events)} events, "
                   f"{len(spec.triggers)} trigger{'' if len(spec.triggers) == 1 else 's'}{uncertain}{base}")


@app.command()
def schema(
    out: Optional[Path] = typer.Option(None, "--out", "-o", metavar="FILE",
                                       help="Write the JSON Schema to FILE instead of printing it."),
) -> None:
    """Print the JSON Schema of the scenario language, for editors that check YAML as you type.

    Example: unionsim schema --out scenario.schema.json  (then point your editor's YAML plugin
    at it, e.g. '# yaml-language-server: $schema=scenario.schema.json' in a scenario file)
    """
    import json

    from unionsim.config.schema import Scenario

    text = json.dumps(Scenario.model_json_schema(), indent=2)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"wrote {out}")


@app.command()
def validate(
    files: List[Path] = typer.Argument(..., metavar="FILE...",
                                     help="Scenario or parameter files to check."),
) -> None:
    """Check scenario and parameter files without running them.

    A scenario is recognised by its `events`/`horizon` keys, a parameter overlay by `values`, a
    full parameter file by parameter entries. Every file is checked; the command fails if any is
    wrong.

    Example: unionsim validate scenarios/*.yaml params/*.yaml
    """
    from unionsim.config.validate import validate_file

    console, err = _console(), _console(stderr=True)
    failures = 0
    for f in files:
        try:
            kind = validate_file(f)
            console.print(f"ok: {f} ({kind})")
        except UnionsimError as exc:
            failures += 1
            _print_error(err, exc)
    if failures:
        raise typer.Exit(code=2)


@app.command()
def check(
    report: Optional[Path] = typer.Option(None, "--report", metavar="FILE",
                                          help="Also write the verdicts as a table: .md or .html."),
    only: List[str] = typer.Option([], "--only", metavar="ID",
                                   help="Check only these claims (repeatable), e.g. --only V13."),
    runs: int = typer.Option(500, "--runs", "-n", metavar="N",
                             help="Runs per batch (the thresholds were set for 500)."),
    seed: int = typer.Option(2026, "--seed", "-s", metavar="SEED", help="Master seed."),
    cache: Path = typer.Option(Path("runs/checks"), "--cache", metavar="DIR",
                               help="Where the batches are stored and reused."),
    no_history: bool = typer.Option(False, "--no-history", help="Skip the history check."),
) -> None:
    """Check the model against the documents' claims and the 2019-2021 history.

    Runs (or reuses) the batches each claim needs, prints one verdict per claim with the measured
    value, its 95% interval and the threshold, then how much probability the model puts on what
    happened between January 2019 and June 2021. Exits 1 if a claim fails that is not listed as
    a known failure (with its reason) in unionsim/validation/claims.py.

    Example: unionsim check --report runs/checks/report.md
    """
    from unionsim.validation.claims import KNOWN_FAILURES
    from unionsim.validation.report import write
    from unionsim.validation.runner import run_checks

    if runs < 1:
        raise UnionsimError(f"--runs must be at least 1 (got {runs})", field="runs")
    result = run_checks(only=only or None, runs=runs, seed=seed, cache=cache,
                        history=not no_history,
                        progress=lambda msg: print(msg, file=sys.stderr, flush=True))
    for r in result.results:
        typer.echo(r.verdict + (f"  ({KNOWN_FAILURES[r.claim.id]})"
                                if not r.passed and r.claim.id in KNOWN_FAILURES else ""))
    if result.history is not None:
        h = result.history
        typer.echo(f"\nHistory check, {h.runs} runs of history_2019_2021:")
        for fact, share, lo, hi in h.facts:
            typer.echo(f"  {fact.id} {share:6.1%} [{lo:.1%}, {hi:.1%}]  {fact.statement}")
        share, lo, hi = h.joint
        typer.echo(f"  all {share:6.1%} [{lo:.1%}, {hi:.1%}]  everything above in the same run")
    passed = len(result.results) - len(result.failed)
    typer.echo(f"\n{passed} of {len(result.results)} claims pass")
    if report is not None:
        typer.echo(f"report: {write(result, report, KNOWN_FAILURES)}")
    unexpected = [r.claim.id for r in result.failed if r.claim.id not in KNOWN_FAILURES]
    if unexpected:
        typer.echo(f"unexpected failures: {', '.join(unexpected)}", err=True)
        raise typer.Exit(code=1)


# --------------------------------------------------------------------------- analysis
# These commands only read results folders (run, then analyse); `sensitivity` is the exception
# that runs a new batch, because a sensitivity design is a batch of its own.

@app.command()
def plot(
    run_dir: Path = typer.Argument(..., metavar="RUN_DIR", help="A results folder written by "
                                   "`unionsim run`."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", metavar="DIR",
                                       help="Where to write the figures (default: RUN_DIR/plots)."),
) -> None:
    """Draw a results folder: outcome probabilities, fan charts, final distributions, flag timing.

    Writes PNG files into RUN_DIR/plots/: outcomes.png (probabilities with 95% intervals),
    fan_charts.png (median, 50% and 90% of runs per month, events marked),
    final_distributions.png and flag_timeline.png (when flags first fire).

    Example: unionsim plot runs/baseline-20250101-120000
    """
    from unionsim.analysis.figures import plot_folder

    for path in plot_folder(run_dir, out):
        typer.echo(f"wrote {path}")


@app.command()
def compare(
    run_dirs: List[Path] = typer.Argument(..., metavar="RUN_DIR RUN_DIR...",
                                          help="Two or more results folders; each is compared "
                                               "with the first."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", metavar="DIR",
                                       help="Where to write tables and figures (default: "
                                            "FIRST_RUN_DIR/compare)."),
) -> None:
    """Compare results folders: outcome shares, flags and final indicators, with tests.

    Prints differences (other minus first) with 95% intervals and p-values, naming each test:
    Newcombe interval and Fisher's exact test for shares, Welch interval and Mann-Whitney U for
    indicators. Folders that share run seeds are also compared run by run (common random
    numbers): Newcombe's paired interval with McNemar's exact test, Wilcoxon signed-rank.
    Writes CSV tables, compare_outcomes.png and compare_fan_charts.png.

    Example: unionsim compare runs/base runs/tradable --out runs/base-vs-tradable
    """
    from unionsim.analysis.compare import compare_folders

    comp = compare_folders(run_dirs, out)
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
    repeats: int = typer.Option(1, "--repeats", "-r", metavar="R", help="Runs per design point, "
                                "averaged (multiplies the run count)."),
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
    top: int = typer.Option(15, "--top", metavar="K", help="Rows of the ranked table to print."),
) -> None:
    """Global sensitivity analysis (SALib) of outcome chances and final indicators.

    Builds a seeded Sobol' or Morris design over the chosen parameters, runs it as one batch
    (like `unionsim run`), then ranks parameters by their largest index over the outputs and
    marks those the documents dispute (FACTS D1-D16). Writes sensitivity/indices.csv,
    ranking.csv, ranking.png and indices.png into the folder.

    Example: unionsim sensitivity baseline --method morris --n 20 --all --out runs/sens
    """
    from unionsim.analysis.sensitivity import (DEFAULT_INDICATORS, DESIGN_FILE,
                                               analyse_sensitivity, make_design, run_design)

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
        typer.echo(f"{method} design: {len(design.names)} parameters, {runs} runs", err=True)
        out = out or default_out_dir(f"{loaded.name}-sensitivity-{method}")
        with _progress(runs) as advance:
            folder = run_design(loaded, design, out, param_files=params,
                                sets=parse_set_options(set_), force=force, progress=advance)
    result = analyse_sensitivity(folder, indicators=indicators)
    _print_sensitivity(_wide_console(), result, top)
    typer.echo(f"results: {folder}")


def _print_sensitivity(console, result, top: int) -> None:
    from rich.table import Table

    d = result.design
    t = Table(title=f"Parameters ranked by their largest effect on an outcome's chance "
                    f"({d.method}, N={d.n}, {len(d.names)} parameters, "
                    f"{d.repeats} run(s) per design point)")
    for c in ("rank", "parameter", "effect (pp)", "on the chance of", "largest score",
              "for", "disputed"):
        t.add_column(c, justify="left" if c in ("parameter", "on the chance of", "for",
                                                "disputed") else "right")
    for r in result.ranking.head(top).itertuples():
        t.add_row(str(r.rank), r.parameter, f"{r.outcome_effect * 100:.1f}",
                  r.top_outcome.removeprefix("P(").removesuffix(")").replace("_", " "),
                  f"{r.score:.2f}", r.top_output, r.disputes or "")
    console.print(t)
    if d.method == "sobol":
        console.print("effect: sqrt(ST) x sd of the outcome's chance across the design (the "
                      "spread the parameter accounts for); score: total-order index ST.")
    else:
        console.print("effect: mu*, the mean absolute change of the outcome's chance over the "
                      "parameter's whole range; score: mu* / sd of the output.")
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
    from rich.table import Table

    from unionsim.analysis.discovery import discover_folder

    found = discover_folder(run_dir, outcome, out=out, max_depth=max_depth, min_leaf=min_leaf)
    console = _wide_console()
    console.print(f"{outcome.replace('_', ' ')}: {found.hits} of {found.runs} runs "
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
    from rich.table import Table

    paired = d.pairs > 0
    t = Table(title=f"Outcomes: {d.label_b} minus {d.label_a}")
    cols = ["outcome", "A", "B", "B-A [95% CI]", "p (Fisher)"]
    if paired:
        cols += [f"paired B-A [95% CI] ({d.pairs} seeds)", "p (McNemar)"]
    for c in cols:
        t.add_column(c, justify="left" if c == "outcome" else "right")
    for i, r in enumerate(d.outcomes.itertuples()):
        row = [r.event.replace("_", " "), f"{r.share_a:.1%}", f"{r.share_b:.1%}",
               _pp(r.diff, r.ci_low, r.ci_high), _p(r.p_value)]
        if paired:
            q = d.paired_outcomes.iloc[i]
            row += [_pp(q["diff"], q["ci_low"], q["ci_high"]), _p(q["p_value"])]
        t.add_row(*row)
    console.print(t)
    t = Table(title=f"Final indicators: {d.label_b} minus {d.label_a}")
    cols = ["indicator", "median A", "median B", "mean B-A [95% CI]", "p (Mann-Whitney)"]
    if paired:
        cols += ["paired mean B-A [95% CI]", "p (Wilcoxon)"]
    for c in cols:
        t.add_column(c, justify="left" if c == "indicator" else "right")
    for i, r in enumerate(d.indicators.itertuples()):
        row = [r.indicator.replace("_", " "), f"{r.median_a:.3g}", f"{r.median_b:.3g}",
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


def _print_error(console, exc: Exception) -> None:
    console.print("error: ", style="bold red", end="")
    console.print(str(exc), markup=False, soft_wrap=True)


def main() -> None:
    """Entry point: run the app; user errors print one message and exit non-zero."""
    try:
        app()
    except UnionsimError as exc:
        _print_error(_console(stderr=True), exc)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("interrupted; finished runs are kept in the results folder: repeat the command "
              "with --resume to finish the batch", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
