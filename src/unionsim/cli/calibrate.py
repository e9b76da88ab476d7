"""The calibrate command: fit the posterior ensemble, write it and its report."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from unionsim.cli.common import _notice, app
from unionsim.errors import UsageError


@app.command()
def calibrate(
    quick: bool = typer.Option(False, "--quick", help="A tiny fit for CI: 10 particles, 2 "
                               "generations, 3 parameters, about 75 evaluations (about 2 "
                               "minutes on 2 busy cores); progress shows after each step."),
    medium: bool = typer.Option(False, "--medium", help="A first look: 200 particles, 8 "
                                "parameters, at most 1,500 evaluations x 2 runs x 2 scenarios."),
    method: str = typer.Option("abc", "--method", "-m", metavar="NAME",
                               help="abc (ABC-SMC with pyabc) or npe (neural posterior "
                                    "estimation with sbi: independent draws, for 30+ "
                                    "parameters). With npe, --quick is the CI fit (20 "
                                    "simulations and a second round of 10) and the default the "
                                    "full one (the top 40 parameters and those marked fit:, "
                                    "6,000 simulations of 4 runs per scenario and a second "
                                    "round of 3,000: about 30 minutes on 2 cores)."),
    seed: int = typer.Option(1, "--seed", "-s", metavar="SEED", help="The fit's seed; the same "
                             "seed and settings give the same posterior."),
    resume: bool = typer.Option(False, "--resume", help="Continue a stopped fit in --out from "
                                "its pyabc database (npe: its saved simulations)."),
    force: bool = typer.Option(False, "--force", help="Start again, replacing the fit in --out."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", metavar="DIR",
                                       help="Fit folder (pyabc database or NPE simulations, "
                                            "fit.json); default "
                                            "runs/calibration-<setting>."),
    posterior: Optional[Path] = typer.Option(None, "--posterior", metavar="FILE",
                                             help="Where to write the posterior (default: "
                                                  "params/posterior.parquet; with --quick or "
                                                  "--out, DIR/posterior.parquet)."),
    report: Optional[Path] = typer.Option(None, "--report", metavar="FILE",
                                          help="Where to write the report (default: "
                                               "docs/calibration.md; with --quick or --out, "
                                               "DIR/calibration.md). Its figures go to "
                                               "figures/ beside the default report, else to "
                                               "the fit folder's figures/."),
    targets: List[Path] = typer.Option([], "--targets", metavar="PATH",
                                       help="Target files or folders (default: targets/)."),
    executor: str = typer.Option("process", "--executor", "-e", metavar="NAME",
                                 help="process, serial or dask; all give the same posterior."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", metavar="N",
                                          help="Worker processes (default: all cores)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="ADDRESS",
                                            help="A dask scheduler (with --executor dask)."),
) -> None:
    """Calibrate the most influential judgement parameters to the documents' dated figures.

    ABC-SMC (pyabc) over the top parameters of params/calibration_screening.csv, each uniform
    over its documented range; the distance is the RMS error over the fitting targets (up to
    end-2020) in tolerances. --method npe fits them and every parameter marked fit: by neural
    posterior estimation (sbi): a network trained on prior simulations gives independent
    posterior draws. Writes the posterior ensemble (weighted parameter vectors plus each
    particle's value of every target) with a JSON manifest, and a Markdown report that scores the
    held-out 2021 targets. Resumable with --resume.

    Every file is written whole and never through a link; --out must be new, empty or a fit
    folder; --posterior and --report may replace only a posterior or a report unionsim wrote.

    Example: unionsim calibrate --quick --out runs/calib-ci
    Example: unionsim calibrate --method npe --quick --out runs/calib-npe-ci
    """
    from unionsim.calibration.fit import PRESETS, run_fit, write_posterior
    from unionsim.calibration.folder import FIGURES, check_fit_options, check_outputs
    from unionsim.calibration.report import write_report
    from unionsim.calibration.screening import screening_file
    from unionsim.config.posterior import default_posterior_path, load_posterior
    from unionsim.config.targets import load_targets
    from unionsim.guard import user_path

    if quick and medium:
        raise UsageError("--quick and --medium contradict each other", field="quick",
                         hint="choose one setting (neither: the default fit)")
    if force and resume:
        raise UsageError("--force and --resume contradict each other", field="resume")
    if method not in ("abc", "npe"):
        raise UsageError(f"unknown calibration method {method!r}", field="method",
                         hint="--method abc (ABC-SMC, the default) or --method npe (neural "
                              "posterior estimation)")
    if method == "npe" and medium:
        raise UsageError("--medium is an ABC-SMC setting", field="medium",
                         hint="with --method npe use --quick (the CI fit) or neither (the "
                              "full fit)")
    check_fit_options(seed=seed, executor=executor, workers=workers, scheduler=scheduler)
    if method == "npe":
        from unionsim.calibration.npe import require_sbi

        require_sbi()   # before any folder is claimed
        setting = "npe-quick" if quick else "npe"
    else:
        setting = "quick" if quick else "medium" if medium else "default"
    local = quick or out is not None  # a CI or scratch fit never replaces the shipped files
    folder = user_path(out, "--out") if out is not None else \
        Path("runs") / f"calibration-{setting}"
    posterior_path = user_path(posterior, "--posterior") if posterior is not None else \
        (folder / "posterior.parquet" if local else default_posterior_path())
    report_path = user_path(report, "--report") if report is not None else \
        (folder / "calibration.md" if local else Path("docs") / "calibration.md")
    # figures beside the default report; a report the user names gets its figures in the fit
    # folder (the tool's own), never in a folder beside it that may hold the user's files
    figures = report_path.parent / FIGURES if report is None else folder / FIGURES
    folder, posterior_path, report_path = check_outputs(folder, posterior_path, report_path,
                                                        figures)
    loaded = load_targets(targets or None)
    if method == "npe":
        from unionsim.calibration.npe import run_npe as fit
    else:
        fit = run_fit
    result = fit(loaded, folder, settings=PRESETS[setting], seed=seed, resume=resume,
                 force=force, executor=executor, workers=workers, scheduler=scheduler,
                 notify=_notice)
    _notice(f"writing the posterior to {posterior_path} and the report to {report_path}")
    write_posterior(result.particles, result.manifest, posterior_path)
    import pandas as pd

    ranking = pd.read_csv(screening_file()) if screening_file().exists() else None
    write_report(load_posterior(posterior_path), loaded, report_path, screening=ranking,
                 figures=figures)
    m = result.manifest
    if method == "npe":
        typer.echo(f"{m['evaluations']} evaluations ({m['model_runs']} runs): "
                   f"{m['simulations']} prior simulations, {m['draws']} posterior draws, "
                   f"{m['particles']} simulated (effective sample size {m['ess']:.0f})")
    else:
        typer.echo(f"{m['evaluations']} evaluations ({m['model_runs']} runs), "
                   f"{len(m['generations'])} generations, final tolerance "
                   f"{m['generations'][-1]['epsilon']:.3g}")
    from unionsim.calibration.report import offset_table

    offsets = offset_table(load_posterior(posterior_path))
    typer.echo("poll offsets (share of respondents; prior range -> posterior mean [5%, 95%]):")
    for r in offsets.itertuples():
        if r.role == "fitted":
            typer.echo(f"  {r.offset}: [{r.low:+.2f}, {r.high:+.2f}] -> {r.posterior_mean:+.3f} "
                       f"[{r.p5:+.3f}, {r.p95:+.3f}]")
        else:
            typer.echo(f"  {r.offset}: [{r.low:+.2f}, {r.high:+.2f}] ({r.role})")
    typer.echo(f"posterior: {posterior_path}")
    typer.echo(f"report: {report_path}")
