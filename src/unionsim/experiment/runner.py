"""Run one planned run, and run a plan serially into a store.

`run_one` is a plain function of picklable inputs, so any executor (a process pool, a cluster)
can call it; a run that raises is returned as failed with its error instead of stopping the batch.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from unionsim.config.params import ParameterSet, default_parameters
from unionsim.config.scenario import LoadedScenario
from unionsim.experiment.plan import RunTask


@dataclass
class RunResult:
    """What one run produced."""

    run: int
    seed: int
    status: str                     # "ok" or "failed"
    row: dict = field(default_factory=dict)
    series: np.ndarray | None = None
    decisions: dict = field(default_factory=dict)
    sampled: dict = field(default_factory=dict)
    error: str = ""
    seconds: float = 0.0


def run_one(task: RunTask, scenario: LoadedScenario, *, timeseries: bool = True,
            specs: Mapping[str, Any] | None = None) -> RunResult:
    """Run one task to the scenario's horizon; failures are caught and reported.

    ``specs`` are the parameter specs the task's values belong to (a plan's
    ``parameters.specs``); by default the documented defaults, read once per process.
    """
    from unionsim.model.world import UnionModel  # deferred: keeps the CLI quick to start

    start = time.perf_counter()
    try:
        params = ParameterSet(specs if specs is not None else default_parameters().specs,
                              task.values)
        model = UnionModel(scenario=scenario, params=params, seed=task.seed, collect=False)
        model.run()
        return RunResult(run=task.run, seed=task.seed, status="ok", row=model.result(),
                         series=model.series if timeseries else None,
                         decisions=dict(model.counts), sampled=dict(task.sampled),
                         seconds=time.perf_counter() - start)
    except Exception as exc:  # a failing run is data, not the end of the batch
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return RunResult(run=task.run, seed=task.seed, status="failed", error=detail,
                         sampled=dict(task.sampled), seconds=time.perf_counter() - start)
