"""Run a batch end to end: plan it, execute it, store it.

`run_plan` is the one entry point every batch goes through (``unionsim run``, sensitivity
designs, Python callers). It opens the results folder (new, ``force``-replaced or resumed), hands
the runs that are still missing to an executor in chunks, writes each finished part as it
arrives and assembles the final files at the end.
"""

from __future__ import annotations

import contextlib
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Callable

from unionsim.config.scenario import LoadedScenario, load_scenario
from unionsim.errors import ResultsError, UsageError
from unionsim.experiment.executors import make_executor
from unionsim.experiment.plan import Plan, check_run_count, make_plan
from unionsim.experiment.store import (FORMAT_VERSION, MANIFEST, ResultsStore,
                                       claim_results_folder, damaged_folder_error, environment,
                                       folder_kind, folder_lock, has_content, now_iso,
                                       read_manifest, write_error)
from unionsim.experiment.work import Executor, chunk_runs, guided_chunks

Progress = Callable[[int], None]
"""Called with the number of runs just finished. If it also has a ``start(total, done)`` method,
that is called first with the planned runs and the runs already done (on resume)."""


def default_out_dir(scenario_name: str) -> Path:
    """``runs/<scenario>-<timestamp>`` under the current directory."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("runs") / f"{scenario_name}-{stamp}"


def manifest_for(plan: Plan, *, executor: str, timeseries: bool, workers: int = 1) -> dict:
    """The manifest written when a batch starts."""
    return {
        "format_version": FORMAT_VERSION,
        "created": now_iso(),
        "command": sys.argv,
        "fingerprint": plan.fingerprint(),
        "executor": executor,
        "workers": workers,
        "timeseries": timeseries,
        "environment": environment(),
        **plan.describe(),
    }


def run_plan(plan: Plan, out: str | Path, *, force: bool = False, resume: bool = False,
             executor: str | Executor = "process", workers: int | None = None,
             scheduler: str | None = None, timeseries: bool = True,
             chunk_size: int | None = None, progress: Progress | None = None,
             notify: Callable[[str], None] | None = None,
             stall_timeout: float | None = None) -> Path:
    """Execute a plan into a results folder and return the folder.

    ``executor`` is ``"process"`` (a local pool of ``workers`` processes, default all cores),
    ``"serial"``, ``"dask"`` (a cluster at ``scheduler``, or a local one) or an `Executor`.
    An existing folder is refused unless ``force`` (replace it) or ``resume`` (run only the
    missing runs of the same plan; refused if the plan differs). ``notify`` receives one-line
    messages for the user (e.g. how many runs a resumed batch already had). A batch in which no
    chunk finishes for ``stall_timeout`` seconds (default: half an hour) stops with an
    `ExecutionError`; its finished runs are kept for a resume.

    The folder must be new, empty or a results folder; ``force`` replaces only a results folder
    (only the files unionsim wrote are deleted). While the batch runs, the folder is locked
    against a second writer.
    """
    if force and resume:
        raise UsageError("--force and --resume contradict each other", field="resume",
                         hint="--resume finishes the batch in the folder; --force replaces it")
    runner = make_executor(executor, workers=workers, scheduler=scheduler,
                           stall_timeout=stall_timeout) \
        if isinstance(executor, str) else executor
    # before anything (even a lock file) is written there: a user's folder or a folder of
    # another kind is refused; a leading ~ is expanded
    out = claim_results_folder(out)
    say = notify or (lambda message: None)
    manifest = manifest_for(plan, executor=runner.name, timeseries=timeseries,
                            workers=runner.workers)
    with contextlib.ExitStack() as stack:
        # connect to a cluster before the folder is touched: a bad address leaves nothing behind
        prepare = getattr(runner, "prepare", None)
        if prepare is not None:
            stack.enter_context(prepare())
        stack.enter_context(folder_lock(out))
        try:
            return _execute(plan, out, runner, manifest, force=force, resume=resume,
                            timeseries=timeseries, chunk_size=chunk_size, progress=progress,
                            say=say)
        except OSError as exc:  # a full disk while merging or writing: finished parts are kept
            name = Path(exc.filename).name if isinstance(exc.filename, str) else None
            raise write_error(exc, out / name if name else out) from None


def _execute(plan: Plan, out: Path, runner: Executor, manifest: dict, *, force: bool,
             resume: bool, timeseries: bool, chunk_size: int | None, progress: Progress | None,
             say: Callable[[str], None]) -> Path:
    """`run_plan` once the folder is checked and locked."""
    if resume and (out / MANIFEST).exists():
        store, done = _reopen(out, plan, manifest)
        if store is None:
            say(f"{out} is already complete ({plan.n_runs} runs); nothing to run")
            return out
        say(f"resuming {out}: {len(done)} of {plan.n_runs} runs already done")
    else:
        if resume:
            if has_content(out) and folder_kind(out) == "damaged":
                raise damaged_folder_error(out)
            say(f"nothing to resume in {out}: starting the batch")
        store, done = ResultsStore.create(out, manifest, force=force), set()
    missing = [run for run in range(plan.n_runs) if run not in done]
    chunks = chunk_runs(missing, chunk_size) if chunk_size else guided_chunks(missing, runner.workers)
    if hasattr(progress, "start"):
        progress.start(plan.n_runs, len(done))
    started = time.perf_counter()
    for part in runner.run(plan, chunks, timeseries=timeseries):
        store.write_encoded(part)
        if progress:
            progress(part.n_runs)
    elapsed = time.perf_counter() - started
    store.finalize(seconds=round(elapsed, 3),
                   runs_per_second=round(len(missing) / elapsed, 2) if missing else None)
    return out

def _reopen(out: Path, plan: Plan, manifest: dict) -> tuple[ResultsStore | None, set[int]]:
    """Reopen a folder to resume it; ``(None, ...)`` when it is already complete."""
    try:
        previous = read_manifest(out)
    except ResultsError:
        raise damaged_folder_error(out) from None
    differences = plan_differences(previous, manifest)
    if differences:
        raise ResultsError(
            "cannot resume: this command's plan differs from the folder's manifest ("
            + "; ".join(differences) + ")", file=out,
            hint="repeat the command that started the batch (manifest.json, 'command') with "
                 "--resume (resume=True in Python), or add --force (force=True) to replace the "
                 "folder, or choose another --out")
    if previous.get("status") == "complete":
        return None, set()
    store = ResultsStore.reopen(out)
    resumes = previous.get("resumes", [])
    done = store.done_runs()
    store.update_manifest(resumes=[*resumes, {"at": now_iso(), "command": sys.argv,
                                              "runs_done_before": len(done),
                                              "executor": manifest["executor"],
                                              "workers": manifest["workers"]}])
    return store, done


def plan_differences(previous: dict, current: dict) -> list[str]:
    """What differs between a stored manifest and a new one, in words (empty: same plan)."""
    if previous.get("format_version") != current["format_version"]:
        return [f"results format {previous.get('format_version')} vs {current['format_version']}"]
    out = []
    for key, label in (("master_seed", "master seed"), ("n_runs", "number of runs"),
                       ("sampler", "sampler"), ("replicates", "replicates")):
        if previous.get(key, 1 if key == "replicates" else None) != current.get(key):
            out.append(f"{label} {previous.get(key)} in the folder vs {current.get(key)} now")
    before, now = previous.get("scenario", {}), current["scenario"]
    if before.get("spec") != now["spec"]:
        out.append(f"scenario '{before.get('name')}' in the folder differs from "
                   f"'{now['name']}' now")
    old_values, new_values = previous.get("parameters", {}), current["parameters"]
    changed = sorted(k for k in set(old_values) | set(new_values)
                     if old_values.get(k) != new_values.get(k))
    if changed:
        shown = ", ".join(f"{k} {old_values.get(k)} vs {new_values.get(k)}" for k in changed[:4])
        more = f" and {len(changed) - 4} more" if len(changed) > 4 else ""
        out.append(f"parameters differ: {shown}{more}")
    if previous.get("timeseries") != current["timeseries"]:
        out.append("the folder was started " + ("with" if previous.get("timeseries") else
                                                "without") + " time series (--no-timeseries)")
    if not out and previous.get("fingerprint") != current["fingerprint"]:
        out.append(f"plan fingerprint {previous.get('fingerprint')} vs {current['fingerprint']}"
                   " (the per-run parameter samples differ)")
    return out


def run_batch(scenario: str | Path | LoadedScenario, *, runs: int, seed: int,
              out: str | Path | None = None, param_files=(), sets=None, force: bool = False,
              resume: bool = False, executor: str | Executor = "process",
              workers: int | None = None,
              scheduler: str | None = None, timeseries: bool = True,
              sampler: str | None = None, uncertainty: bool = True,
              progress: Progress | None = None,
              notify: Callable[[str], None] | None = None,
              stall_timeout: float | None = None, posterior=None, replicates: int = 1) -> Path:
    """Run ``runs`` runs of a scenario from master seed ``seed`` and write a results folder.

    Returns the folder. Raises `unionsim.errors.UnionsimError` on bad input. The executor
    options are those of `run_plan`; ``posterior`` (a file, or True for the shipped one) draws
    each run's fitted parameters from a calibration posterior (see `make_plan`); ``replicates``
    plays each parameter draw with that many runs (``runs`` must be a multiple of it).
    """
    check_run_count(runs)
    if seed < 0:
        raise UsageError(f"--seed must be zero or positive (got {seed})", field="seed")
    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    plan = make_plan(loaded, runs=runs, seed=seed, param_files=param_files, sets=sets,
                     sampler=sampler, uncertainty=uncertainty, posterior=posterior,
                     replicates=replicates)
    if plan.posterior and notify:
        from unionsim.config.posterior import summary_line

        notify("drawing parameters from the " + summary_line(plan.posterior, plan.n_runs,
                                                                plan.parameter_draws))
    if out is None:
        if resume:
            raise UsageError("--resume needs the folder to finish", field="out",
                             hint="add --out DIR with the folder of the interrupted batch")
        out = default_out_dir(loaded.name)
    return run_plan(plan, Path(out), force=force, resume=resume, executor=executor,
                    workers=workers, scheduler=scheduler, timeseries=timeseries,
                    progress=progress, notify=notify, stall_timeout=stall_timeout)
