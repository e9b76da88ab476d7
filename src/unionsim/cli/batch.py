"""Commands that run the model: run, trace, check."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from unionsim.cli.common import PARAMS_HELP, POLICY_HELP, SET_HELP, _console, _notice, _progress, app
from unionsim.errors import UsageError

POSTERIOR_DEFAULT = ":shipped:"  # what a bare --posterior means: params/posterior.parquet
OPTIONAL_VALUE_OPTIONS = {"--posterior": POSTERIOR_DEFAULT}


def fill_optional_values(argv: list[str]) -> list[str]:
    """Give a bare ``--posterior`` (last, or followed by another option) its default value.

    Typer has no options with an optional value, so ``unionsim run baseline --posterior --runs
    200`` would otherwise take ``--runs`` as the file.
    """
    if not argv or argv[0] not in ("run", "search"):
        return list(argv)
    out: list[str] = []
    for i, arg in enumerate(argv):
        out.append(arg)
        if arg in OPTIONAL_VALUE_OPTIONS and (i + 1 == len(argv) or argv[i + 1].startswith("-")):
            out.append(OPTIONAL_VALUE_OPTIONS[arg])
    return out


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
    policy: List[str] = typer.Option([], "--policy", metavar="ACTOR.DECISION=POLICY",
                                     help=POLICY_HELP),
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
    stall_timeout: Optional[float] = typer.Option(None, "--stall-timeout", metavar="SECONDS",
                                                  help="Stop the batch (finished runs are kept) "
                                                       "when no chunk of runs finishes for this "
                                                       "long: a stopped or hung worker "
                                                       "(default 1800)."),
    posterior: Optional[str] = typer.Option(None, "--posterior", metavar="[FILE]",
                                            help="Draw each run's calibrated parameters from a "
                                                 "posterior ensemble (by weight, seeded by "
                                                 "--seed); without FILE the shipped "
                                                 "params/posterior.parquet."),
    replicates: int = typer.Option(1, "--replicates", "-R", metavar="R",
                                   help="Runs per parameter draw: the batch draws --runs / R "
                                        "parameter vectors (from --posterior and the "
                                        "scenario's uncertainty) and plays each with R seeds, so "
                                        "the summary can split each output's spread into "
                                        "parameter uncertainty and chance (--runs must be a "
                                        "multiple of R; default 1: a draw per run)."),
) -> None:
    """Run a Monte Carlo batch of a scenario and write a results folder.

    Prints outcome probabilities with 95% intervals, how often each flag fired and the final
    key indicators, then the folder it wrote (manifest.json, outcomes.parquet,
    timeseries.parquet, decisions.parquet). Finished runs are stored as the batch goes: after a
    crash or Ctrl-C, the same command plus --resume runs only what is missing.

    Example: unionsim run scenarios/baseline.yaml --runs 200 --seed 1 --set putin.reactivity=0.5
    Example: unionsim run baseline --posterior --runs 200
    Example: unionsim run election_2020 --posterior --runs 400 --replicates 4
    Example: unionsim run baseline --policy minsk.base_answer=refuse
    """
    from unionsim.config.params import parse_set_options
    from unionsim.experiment.batch import run_batch

    sets = parse_set_options(set_)
    if policy:
        from unionsim.config.scenario import load_scenario, parse_policy_options, with_policies

        scenario = with_policies(load_scenario(scenario), parse_policy_options(policy))
    console = _console()
    from unionsim.experiment.plan import check_replicates

    check_replicates(replicates, runs)
    with _progress(runs) as advance:
        folder = run_batch(scenario, runs=runs, seed=seed, out=out, param_files=params,
                           sets=sets, force=force, resume=resume, executor=executor,
                           workers=workers, scheduler=scheduler, timeseries=not no_timeseries,
                           sampler=sampler, uncertainty=not fixed, progress=advance,
                           notify=_notice, stall_timeout=stall_timeout,
                           posterior=None if posterior is None else
                           (True if posterior == POSTERIOR_DEFAULT else Path(posterior)),
                           replicates=replicates)
    _print_summary(console, folder)


def _print_summary(console, folder: Path) -> None:
    from unionsim.analysis.labels import words

    from rich.table import Table

    from unionsim.analysis.summary import flag_table, indicator_table, outcome_table
    from unionsim.experiment.store import load_results

    res = load_results(folder)
    m = res.manifest
    n_ok, n_failed = m.get("runs_ok", 0), m.get("runs_failed", 0)
    console.print(f"[bold]{m['scenario']['title']}[/bold]")
    console.print(f"{n_ok} runs, master seed {m['master_seed']}"
                  + (f", {m['parameter_draws']} parameter draws x {m['replicates']} runs each"
                     if m.get("replicates", 1) > 1 else "")
                  + (f", [red]{n_failed} failed[/red] (their seeds and errors are in "
                     f"outcomes.parquet; the shares below count finished runs only)"
                     if n_failed else ""))
    _print_posterior(console, m)
    table = Table(title="Outcomes (share of runs, 95% Wilson interval)")
    for col in ("outcome", "share", "95% interval", "runs"):
        table.add_column(col, justify="left" if col == "outcome" else "right")
    for r in outcome_table(res.outcomes).itertuples():
        table.add_row(words(r.outcome), f"{r.share:.1%}",
                      f"{r.ci_low:.1%} - {r.ci_high:.1%}", str(r.runs))
    console.print(table)
    _print_end_states(console, res)
    flags = Table(title="Flags (share of runs in which each occurred)")
    for col in ("flag", "share", "95% interval"):
        flags.add_column(col, justify="left" if col == "flag" else "right")
    for r in flag_table(res.outcomes).itertuples():
        flags.add_row(words(r.flag), f"{r.share:.1%}", f"{r.ci_low:.1%} - {r.ci_high:.1%}")
    console.print(flags)
    key = ["sovereignty", "energy_support", "reserves", "loans_total", "roadmaps_signed",
           "roadmaps_implemented", "protest_peak", "legitimacy", "sanctions_level",
           "support_incorporation"]
    ind = Table(title="Final indicators (median, 5th-95th percentile)")
    from unionsim.analysis.labels import unit_of

    for col in ("indicator", "unit", "median", "5%", "95%"):
        ind.add_column(col, justify="left" if col in ("indicator", "unit") else "right")
    for r in indicator_table(res.outcomes, key).itertuples():
        ind.add_row(words(r.indicator), unit_of(r.indicator) or "-", f"{r.median:.3g}",
                    f"{r.p5:.3g}", f"{r.p95:.3g}")
    console.print(ind)
    _print_spread(console, res)
    rate = m.get("runs_per_second")
    console.print(f"{m.get('seconds', 0):.1f} s" + (f" ({rate:.0f} runs/s)" if rate else ""))
    # a path is printed whole, never wrapped or read as markup: people copy it
    console.print(f"results: {folder}", soft_wrap=True, markup=False, highlight=False)


def _print_posterior(console, manifest: dict) -> None:
    """Which posterior the runs were drawn from, its effective sample size and the draws used;
    a warning when it was fitted to other model code or targets than the runs used, and one
    when it has fewer effective draws than the batch drew."""
    from unionsim.config.posterior import batch_warnings, summary_line

    drawn = manifest.get("posterior")
    if not drawn:
        return
    console.print("parameters drawn from the " + summary_line(
        drawn, manifest.get("n_runs"), manifest.get("parameter_draws")), markup=False)
    for warning in batch_warnings(drawn, manifest.get("parameter_draws",
                                                      manifest.get("n_runs"))):
        console.print("warning: " + warning, style="bold red", markup=False)


def _print_spread(console, res) -> None:
    """Where each output's spread comes from: parameter uncertainty or chance (or why the
    folder cannot tell)."""
    from unionsim.analysis.labels import words

    from rich.table import Table

    from unionsim.analysis.spread import folder_spread

    spread = folder_spread(res.manifest, res.outcomes)
    if not spread.available:
        console.print(f"Where the spread comes from: {spread.reason}.", markup=False)
        return
    table = Table(title="Where the spread comes from: share of each output's variance due to "
                        "parameter uncertainty vs chance")
    for col in ("output", "kind", "mean", "parameters", "chance"):
        table.add_column(col, justify="left" if col in ("output", "kind") else "right")
    rows = spread.table[spread.table["parameter_share"].notna()]
    for r in rows.itertuples():
        mean = f"{r.mean:.1%}" if r.kind in ("outcome", "flag") else f"{r.mean:.3g}"
        table.add_row(words(r.output), r.kind, mean, f"{r.parameter_share:.0%}",
                      f"{1 - r.parameter_share:.0%}")
    console.print(table)
    never = len(spread.table) - len(rows)
    console.print(f"Split from {spread.reason}"
                  + (f"; {never} outputs that never vary in this batch are left out" if never
                     else "") + ".", markup=False)


def _print_end_states(console, res) -> None:
    """The end-state dimensions and the months of first events (absent in older folders)."""
    from unionsim.analysis.labels import words

    from rich.table import Table

    from unionsim.analysis.endstates import dimension_table, timing_table
    from unionsim.config.schema import month_label

    dims = dimension_table(res.outcomes)
    if not dims.empty:
        table = Table(title="End states by dimension (share of runs, 95% Wilson interval)")
        for col in ("dimension", "end state", "share", "95% interval"):
            table.add_column(col, justify="left" if col in ("dimension", "end state") else "right")
        for r in dims[dims["runs"] > 0].itertuples():
            table.add_row(words(r.dimension), words(r.label),
                          f"{r.share:.1%}", f"{r.ci_low:.1%} - {r.ci_high:.1%}")
        console.print(table)
    timings = timing_table(res.outcomes)
    if not timings.empty:
        start = res.manifest["scenario"].get("spec", {}).get("start")
        table = Table(title="First events (share of runs; month among those runs)")
        for col in ("event", "share", "median month", "10% - 90%"):
            table.add_column(col, justify="left" if col == "event" else "right")

        def when(month: float) -> str:
            if month != month:
                return "-"
            if month < 1:
                return "at start"
            return month_label(int(round(month)), start) if start else f"{month:.0f}"

        for r in timings.itertuples():
            table.add_row(words(r.event), f"{r.share:.1%}",
                          when(r.median),
                          "-" if r.runs == 0 else f"{when(r.p10)} - {when(r.p90)}")
        console.print(table)


@app.command()
def trace(
    scenario: Optional[str] = typer.Argument(None, metavar="[SCENARIO]",
                                             help="Scenario file, or the name of a shipped "
                                                  "scenario (not with --results)."),
    seed: int = typer.Option(1, "--seed", "-s", metavar="SEED", help="The run's seed."),
    set_: List[str] = typer.Option([], "--set", metavar="NAME=VALUE", help=SET_HELP),
    policy: List[str] = typer.Option([], "--policy", metavar="ACTOR.DECISION=POLICY",
                                     help=POLICY_HELP),
    params: List[Path] = typer.Option([], "--params", metavar="FILE", help=PARAMS_HELP),
    results: Optional[Path] = typer.Option(None, "--results", "-r", metavar="DIR",
                                           help="Replay a run stored in this results folder, "
                                                "with its seed and sampled parameters."),
    run: int = typer.Option(0, "--run", metavar="K", help="Which run of --results to replay."),
    verbose: bool = typer.Option(False, "--verbose", "-v",
                                 help="Also show routine choices (holding course, stalling)."),
) -> None:
    """Tell one run month by month: who did what and why, and how the state moved.

    Either a scenario and a seed, or a stored run: --results DIR --run K replays run K of a
    batch exactly (its seed and its sampled parameter values).

    Example: unionsim trace scenarios/baseline.yaml --seed 3
    Example: unionsim trace baseline --seed 3 --policy minsk.base_answer=refuse
    Example: unionsim trace --results runs/baseline-20261122-101500 --run 17
    """
    from unionsim.analysis import trace as tr

    if seed < 0:
        raise UsageError(f"--seed must be zero or positive (got {seed})", field="seed")
    if run < 0:
        raise UsageError(f"--run must be zero or positive (got {run})", field="run")
    if results is not None:
        if scenario is not None or set_ or params or policy:
            raise UsageError("--results replays a stored run as it ran: give no scenario, "
                             "--set, --policy or --params with it", field="results")
        from unionsim.experiment.replay import replay_run

        replay = replay_run(results, run)
        model = replay.model
        if not replay.same_code:
            typer.echo("note: this folder was made by other model code; the replay may differ",
                       err=True)
        if not replay.matches:
            typer.echo(f"note: the replay does not reproduce the stored result of run {run}",
                       err=True)
    else:
        if scenario is None:
            raise UsageError("give a scenario (and --seed), or --results DIR --run K",
                             field="scenario")
        from unionsim.config.params import parse_set_options
        from unionsim.config.scenario import load_scenario, parse_policy_options, with_policies
        from unionsim.model.world import UnionModel

        loaded = with_policies(load_scenario(scenario), parse_policy_options(policy))
        pset = loaded.parameters(param_files=params, sets=parse_set_options(set_))
        model = UnionModel(scenario=loaded, params=pset, seed=seed, collect=False,
                           record=True).run()
    for line in tr.render(model, verbose=verbose):
        typer.echo(line)


@app.command()
def check(
    report: Optional[Path] = typer.Option(None, "--report", metavar="FILE",
                                          help="Also write the verdicts as a table: .md or .html."),
    only: List[str] = typer.Option([], "--only", metavar="ID",
                                   help="Check only these claims (repeatable), e.g. --only V13."),
    runs: Optional[int] = typer.Option(None, "--runs", "-n", metavar="N",
                                       help="Runs per batch for every claim (default: each "
                                            "claim's count chosen for power)."),
    seeds: str = typer.Option("2026,7,99", "--seeds", metavar="S1,S2,..",
                              help="Master seeds; a claim passes only if it passes at all."),
    seed: Optional[int] = typer.Option(None, "--seed", "-s", metavar="SEED",
                                       help="A single master seed (instead of --seeds)."),
    prior: bool = typer.Option(False, "--prior", "--no-posterior",
                               help="Use the default parameters and the scenarios' uncertainty "
                                    "instead of drawing from the calibration posterior."),
    posterior: Optional[Path] = typer.Option(None, "--posterior", metavar="FILE",
                                             help="Draw from this posterior file (default: the "
                                                  "shipped params/posterior.parquet)."),
    no_alternatives: bool = typer.Option(False, "--no-alternatives",
                                         help="Skip running each claim's can-fail alternative."),
    cache: Path = typer.Option(Path("runs/checks"), "--cache", metavar="DIR",
                               help="Where the batches are stored and reused."),
    no_history: bool = typer.Option(False, "--no-history", help="Skip the history check."),
) -> None:
    """Check the model against the documents' claims and the 2019-2021 history.

    Runs (or reuses) the batches each claim needs at every master seed, each run's parameters
    drawn from the calibration posterior (an overlay or value a claim names wins for its
    parameters), and prints per claim the measured value and 95% interval at each seed; a claim
    passes only if it passes at every seed. Each claim's documented alternative (the other side
    of a dispute, an ablated mechanism, a parameter at the edge of its range) is run at the first
    seed and reported as "fails under ...: yes/no"; structural invariants are listed apart and
    not counted as validation. Then how much probability the model puts on what happened
    between January 2019 and June 2021. Exits 1 if a claim fails that is not listed as a known
    failure (with its reason) in the claims' registry, unionsim/validation/claims/__init__.py.

    Example: unionsim check --report runs/checks/report.md
    """
    from unionsim.validation.claims import KNOWN_FAILURES
    from unionsim.validation.report import write
    from unionsim.validation.runner import run_checks

    from unionsim.experiment.plan import check_run_count

    if runs is not None:
        check_run_count(runs)
    if seed is not None:
        seed_list = [seed]
    else:
        try:
            seed_list = [int(x) for x in seeds.replace(" ", "").split(",") if x]
        except ValueError:
            raise UsageError(f"--seeds must be whole numbers separated by commas (got {seeds})",
                             field="seeds", hint="e.g. --seeds 2026,7,99") from None
        if not seed_list:
            raise UsageError("--seeds needs at least one seed", field="seeds",
                             hint="e.g. --seeds 2026,7,99")
    for s in seed_list:
        if s < 0:
            raise UsageError(f"--seed must be zero or positive (got {s})", field="seed")
    if report is not None:
        from unionsim.validation.report import check_path

        report = check_path(report)   # before hours of batches, not after
    if prior and posterior is not None:
        raise UsageError("--prior and --posterior exclude each other", field="posterior",
                         hint="give one of them")
    result = run_checks(only=only or None, runs=runs, seeds=seed_list, cache=cache,
                        history=not no_history, alternatives=not no_alternatives,
                        posterior=False if prior else
                        (True if posterior is None or str(posterior) == POSTERIOR_DEFAULT
                         else posterior),
                        progress=lambda msg: print(msg, file=sys.stderr, flush=True))
    typer.echo(f"parameters: {result.posterior}; master seeds {', '.join(map(str, result.seeds))}")
    if result.posterior_warning:
        typer.echo(f"warning: {result.posterior_warning}")
    for r in result.results:
        typer.echo(r.verdict + (f"\n    known failure: {KNOWN_FAILURES[r.claim.id]}"
                                if not r.passed and r.claim.id in KNOWN_FAILURES else ""))
    if result.history is not None:
        h = result.history
        typer.echo(f"\nHistory check, {h.runs} runs of history_2019_2021 (seed {result.seed}):")
        for fact, share, lo, hi in h.facts:
            typer.echo(f"  {fact.id} {share:6.1%} [{lo:.1%}, {hi:.1%}]  {fact.statement}")
        share, lo, hi = h.joint
        typer.echo(f"  all {share:6.1%} [{lo:.1%}, {hi:.1%}]  everything above in the same run")
    passed = len(result.results) - len(result.failed)
    n = result.counts
    typer.echo(f"\n{passed} of {len(result.results)} claims pass at every seed")
    typer.echo(f"validated claims (pass, and fail under their alternative): {n['validated']}")
    typer.echo(f"claims whose alternative did not make them fail: "
               f"{n['not_failed_by_alternative']}")
    invariants = [r.claim.id for r in result.results if r.claim.invariant]
    typer.echo(f"structural invariants (not counted as validation): {n['invariant']}"
               + (f" (claims named invariants, passing or not: {', '.join(invariants)})"
                  if invariants else ""))
    if n["alternative_not_run"]:
        typer.echo(f"passing claims whose alternative was not run: {n['alternative_not_run']}")
    if report is not None:
        typer.echo(f"report: {write(result, report, KNOWN_FAILURES)}")
    unexpected = [r.claim.id for r in result.failed if r.claim.id not in KNOWN_FAILURES]
    if unexpected:
        typer.echo(f"unexpected failures: {', '.join(unexpected)}", err=True)
        raise typer.Exit(code=1)
