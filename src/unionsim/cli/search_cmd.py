"""The search command: robust policy search over levers, and exporting a Pareto policy."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from unionsim.cli.common import _notice, app
from unionsim.errors import UsageError


@app.command()
def search(
    spec: Path = typer.Argument(..., metavar="SPEC", help="A search spec (searches/*.yaml), or "
                                "the folder of a finished search with --export."),
    runs: Optional[int] = typer.Option(None, "--runs", "-n", metavar="R", help="Runs per "
                                       "candidate and scenario (default: the spec's)."),
    generations: Optional[int] = typer.Option(None, "--generations", "-g", metavar="G",
                                              help="NSGA-II generations (default: the spec's)."),
    population: Optional[int] = typer.Option(None, "--population", "-p", metavar="P",
                                             help="Candidates per generation (default: the "
                                                  "spec's)."),
    seed: int = typer.Option(1, "--seed", "-s", metavar="SEED", help="The search's seed: the "
                             "runs' seeds and the optimiser's; the same seed gives the same "
                             "Pareto set."),
    posterior: Optional[str] = typer.Option(None, "--posterior", metavar="[FILE]",
                                            help="Draw each run's calibrated parameters from "
                                                 "the posterior ensemble (bare: the shipped "
                                                 "params/posterior.parquet); default: the "
                                                 "spec's evaluation.posterior."),
    replicates: Optional[int] = typer.Option(None, "--replicates", metavar="R",
                                             help="Runs per parameter draw; regret is then "
                                                  "read per draw (default: the spec's)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", metavar="DIR", help="Search folder "
                                       "(default: runs/search-<spec name>)."),
    executor: str = typer.Option("process", "--executor", "-e", metavar="NAME",
                                 help="process or serial; both give the same results."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", metavar="N",
                                          help="Worker processes (default: all cores)."),
    resume: bool = typer.Option(False, "--resume", help="Finish a stopped search in --out from "
                                "the evaluations it kept."),
    force: bool = typer.Option(False, "--force", help="Replace the search in --out."),
    export: Optional[int] = typer.Option(None, "--export", metavar="N", help="Write Pareto "
                                         "policy N as a scenario file in the search folder "
                                         "(after the search, or from a finished search's "
                                         "folder given as SPEC)."),
) -> None:
    """Search for robust policies: levers inside actors' policies, judged on objectives.

    NSGA-II (pymoo) over the spec's levers; each generation's candidates play the same runs
    (common random numbers) on the worker processes. Writes the Pareto set (pareto.csv, with
    standard errors and regret), every candidate judged, the regret per scenario, a figure and
    a manifest to reproduce it. Ctrl-C keeps the evaluations: repeat with --resume.

    Example: unionsim search searches/west_deal_or_hold.yaml --out runs/search-west
    """
    from unionsim.guard import user_path
    from unionsim.search.folder import export_policy, is_search_folder

    if force and resume:
        raise UsageError("--force and --resume contradict each other", field="resume")
    if export is not None and export < 1:
        raise UsageError(f"--export must be at least 1 (got {export})", field="export")
    spec = user_path(spec, "SPEC")
    if spec.is_dir() and is_search_folder(spec):
        if export is None:
            raise UsageError(f"{spec} is a search folder; give a search spec to search, or "
                             "--export N to export a Pareto policy from it", field="spec")
        for path in export_policy(spec, export):
            typer.echo(f"exported: {path}")
        return
    from unionsim.cli.batch import POSTERIOR_DEFAULT
    from unionsim.search.runner import run_search
    from unionsim.search.spec import load_search_spec

    loaded = load_search_spec(spec)
    folder = user_path(out, "--out") if out is not None else Path("runs") / \
        f"search-{loaded.spec.name}"
    result = run_search(loaded, folder, runs=runs, generations=generations,
                        population=population, seed=seed, executor=executor, workers=workers,
                        resume=resume, force=force, notify=_notice,
                        posterior=None if posterior is None else
                        (True if posterior == POSTERIOR_DEFAULT else user_path(posterior,
                                                                               "--posterior")),
                        replicates=replicates)
    m = result.manifest
    typer.echo(f"{m['evaluations']} candidates judged ({m['model_runs']} runs) in "
               f"{m['seconds']:.0f} s; Pareto set: {len(m['pareto'])} policies")
    shown = result.pareto[["policy", *[lever.name for lever in loaded.levers],
                           *[o.output for o in loaded.spec.objectives]]]
    typer.echo(shown.to_string(index=False))
    typer.echo(f"search folder: {result.folder}")
    if export is not None:
        for path in export_policy(result.folder, export):
            typer.echo(f"exported: {path}")
