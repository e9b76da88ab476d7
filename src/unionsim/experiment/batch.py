"""Run a batch end to end: plan it, execute it, store it."""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Callable

from unionsim.config.scenario import LoadedScenario, load_scenario
from unionsim.errors import UsageError
from unionsim.experiment.plan import Plan, make_plan
from unionsim.experiment.runner import execute_serial
from unionsim.experiment.store import FORMAT_VERSION, ResultsStore, environment, now_iso


def default_out_dir(scenario_name: str) -> Path:
    """``runs/<scenario>-<timestamp>`` under the current directory."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("runs") / f"{scenario_name}-{stamp}"


def manifest_for(plan: Plan, *, executor: str, timeseries: bool) -> dict:
    """The manifest written when a batch starts."""
    return {
        "format_version": FORMAT_VERSION,
        "created": now_iso(),
        "command": sys.argv,
        "fingerprint": plan.fingerprint(),
        "executor": executor,
        "timeseries": timeseries,
        "environment": environment(),
        **plan.describe(),
    }


def run_plan(plan: Plan, out: str | Path, *, force: bool = False, executor: str = "serial",
             workers: int | None = None, timeseries: bool = True,
             progress: Callable[[int], None] | None = None) -> Path:
    """Execute a plan into a results folder and return the folder.

    This is the one entry point every batch goes through (``unionsim run``, sensitivity
    designs, Python callers); executors other than ``serial`` plug in here.
    """
    if executor != "serial":
        raise UsageError(f"executor '{executor}' is not available; use 'serial'", field="executor")
    out = Path(out)
    store = ResultsStore.create(out, manifest_for(plan, executor=executor, timeseries=timeseries),
                                force=force)
    started = time.perf_counter()
    execute_serial(plan, store, timeseries=timeseries, progress=progress)
    elapsed = time.perf_counter() - started
    store.finalize(seconds=round(elapsed, 3), runs_per_second=round(plan.n_runs / elapsed, 2))
    return out


def run_batch(scenario: str | Path | LoadedScenario, *, runs: int, seed: int,
              out: str | Path | None = None, param_files=(), sets=None, force: bool = False,
              timeseries: bool = True, sampler: str | None = None, uncertainty: bool = True,
              progress: Callable[[int], None] | None = None) -> Path:
    """Run ``runs`` runs of a scenario from master seed ``seed`` and write a results folder.

    Returns the folder. Raises `unionsim.errors.UnionsimError` on bad input.
    """
    if runs < 1:
        raise UsageError(f"--runs must be at least 1 (got {runs})", field="runs")
    if seed < 0:
        raise UsageError(f"--seed must be zero or positive (got {seed})", field="seed")
    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    plan = make_plan(loaded, runs=runs, seed=seed, param_files=param_files, sets=sets,
                     sampler=sampler, uncertainty=uncertainty)
    out = Path(out) if out is not None else default_out_dir(loaded.name)
    return run_plan(plan, out, force=force, timeseries=timeseries, progress=progress)
