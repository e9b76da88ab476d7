"""Judge candidate policies on the engine: a whole generation at once, on common random numbers.

Each scenario of the spec gets one `Plan` (the engine's: every run's seed and parameter draw,
from the master seed; posterior draws and the scenario's uncertainty as `unionsim run` would
draw them). Every candidate plays exactly these runs, so two candidates differ only by their
policies and their difference is paired run by run. The unit of work is a slice of one
candidate's runs in one scenario, run with the engine's `run_one` in a worker of the engine's
local pool (`unionsim.experiment.executors.local_pool`), which receives the plans once; a worker
sends back each run's value of every objective (the headline outputs of
`unionsim.analysis.headline.run_outputs`, in 0-1 units), never the runs themselves.

Evaluations are kept by the candidate's lever values (`Evaluations`): a candidate met again
(NSGA-II keeps its elite; a categorical lever repeats) is not run again, and a resumed search
reads the evaluations it finished.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import numpy as np

from unionsim.errors import ModelError, UsageError
from unionsim.experiment.plan import Plan, make_plan
from unionsim.search.spec import LoadedSearch

SLICE = 50  # runs per unit of work at most: a fraction of a second, a few hundred bytes back
EXECUTORS = ("process", "serial")


def candidate_key(values: Mapping[str, Any]) -> str:
    """A candidate's identity: its lever values as canonical JSON."""
    return json.dumps(dict(values), sort_keys=True)


def make_plans(search: LoadedSearch, runs: int, seed: int) -> tuple[Plan, ...]:
    """One plan per scenario: the runs every candidate plays there (same master seed in each)."""
    ev = search.spec.evaluation
    posterior = ev.posterior or None
    if isinstance(posterior, str):  # a file named in the spec: relative to the spec
        posterior = Path(posterior).expanduser()
        if not posterior.is_absolute():
            posterior = search.path.parent / posterior
    return tuple(make_plan(scenario, runs=runs, seed=seed, uncertainty=ev.uncertainty,
                           posterior=posterior, replicates=ev.replicates)
                 for scenario in search.scenarios)


# --------------------------------------------------------------------------- the unit of work

_worker: tuple[LoadedSearch, tuple[Plan, ...], tuple[str, ...]] | None = None


def _init(search: LoadedSearch, plans: tuple[Plan, ...], outputs: tuple[str, ...]) -> None:
    global _worker
    _worker = (search, plans, outputs)


@dataclass(frozen=True)
class Work:
    """Runs ``runs`` of scenario ``scenario`` with the candidate's lever ``values``."""

    key: str
    scenario: int
    runs: tuple[int, ...]


def _evaluate(work: Work) -> np.ndarray:
    """Each run's value of every objective output (rows: runs, columns: outputs)."""
    import pandas as pd

    from unionsim.analysis.headline import run_outputs
    from unionsim.experiment.runner import run_one

    search, plans, outputs = _worker
    plan = plans[work.scenario]
    scenario = search.scenario_with(work.scenario, json.loads(work.key))
    rows = []
    for task in plan.tasks(work.runs):
        result = run_one(task, scenario, timeseries=False, specs=plan.parameters.specs)
        if result.status != "ok":
            raise ModelError(f"run {task.run} (seed {task.seed}) of {scenario.name} failed with "
                             f"the policies {work.key}: {result.error}",
                             hint="reproduce it with `unionsim trace` on the exported policy; "
                                  "report it as a model bug")
        rows.append({"run": task.run, **result.row})
    table = run_outputs(pd.DataFrame(rows), scenario.spec.horizon)
    return table[list(outputs)].to_numpy(dtype=float)


# --------------------------------------------------------------------------- the map

class WorkMap:
    """An order-preserving map of `_evaluate` over units of work, in this process (serial) or on
    the engine's local pool (process), whose workers get the search and the plans once."""

    def __init__(self, executor: str, workers: int | None):
        from unionsim.experiment.work import available_cores

        if executor not in EXECUTORS:
            raise UsageError(f"unknown executor '{executor}' for a search", field="executor",
                             hint="choose one of: " + ", ".join(EXECUTORS))
        if workers is not None and workers < 1:
            raise UsageError(f"--workers must be at least 1 (got {workers})", field="workers")
        if executor == "serial" and workers not in (None, 1):
            raise UsageError(f"the serial executor runs in one process (got --workers {workers})",
                             field="workers", hint="drop --workers, or use --executor process")
        self.executor = executor
        self.workers = 1 if executor == "serial" else (workers or available_cores())
        self._pool = None

    @contextlib.contextmanager
    def open(self, search: LoadedSearch, plans: tuple[Plan, ...], outputs: tuple[str, ...]):
        """Start the workers (or set up this process) for the search's whole length."""
        if self.executor == "serial":
            _init(search, plans, outputs)
            yield self
            return
        from unionsim.experiment.executors import local_pool, stop_now

        self._pool = local_pool(self.workers, _init, (search, plans, outputs))
        finished = False
        try:
            yield self
            finished = True
        finally:
            pool, self._pool = self._pool, None
            if finished:
                pool.shutdown(wait=True)
            else:  # an error or Ctrl-C: do not wait for running slices
                stop_now(pool)

    def __call__(self, items: Sequence[Work]) -> Iterator[np.ndarray]:
        if self._pool is None:
            return map(_evaluate, items)
        from unionsim.experiment.work import starting_workers

        chunk = max(1, len(items) // (4 * self.workers))
        with starting_workers():   # the first map starts the workers
            return self._pool.map(_evaluate, items, chunksize=chunk)


# --------------------------------------------------------------------------- the evaluations

class Evaluations:
    """Every candidate judged so far: its per-run objective values in each scenario, in 0-1
    units (``values[key]`` has shape scenarios x runs x objectives)."""

    def __init__(self, n_scenarios: int, runs: int, outputs: Sequence[str]):
        self.n_scenarios, self.runs, self.outputs = n_scenarios, runs, tuple(outputs)
        self.values: dict[str, np.ndarray] = {}
        self.first_generation: dict[str, int] = {}

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def evaluate(self, keys: Sequence[str], run_map: WorkMap, generation: int) -> int:
        """Run the candidates of ``keys`` not judged yet (all at once); returns how many runs."""
        new = list(dict.fromkeys(k for k in keys if k not in self.values))
        items = [Work(key, s, tuple(range(start, min(self.runs, start + SLICE))))
                 for key in new for s in range(self.n_scenarios)
                 for start in range(0, self.runs, SLICE)]
        shape = (self.n_scenarios, self.runs, len(self.outputs))
        fresh = {key: np.full(shape, np.nan) for key in new}
        for work, block in zip(items, run_map(items)):
            fresh[work.key][work.scenario, list(work.runs), :] = block
        for key in new:
            self.values[key] = fresh[key]
            self.first_generation[key] = generation
        return len(new) * self.n_scenarios * self.runs

    def mean(self, key: str) -> np.ndarray:
        """The candidate's value of each objective in pp: the mean over scenarios of its mean
        over runs (each scenario counts the same)."""
        return self.values[key].mean(axis=1).mean(axis=0) * 100.0

    def to_table(self):
        """Long table (key, generation, scenario, run, one column per output) for the folder."""
        import pandas as pd

        frames = []
        for key, values in self.values.items():
            n_s, n_r, _ = values.shape
            frame = pd.DataFrame(values.reshape(n_s * n_r, -1), columns=list(self.outputs))
            frame.insert(0, "run", np.tile(np.arange(n_r), n_s))
            frame.insert(0, "scenario", np.repeat(np.arange(n_s), n_r))
            frame.insert(0, "generation", self.first_generation[key])
            frame.insert(0, "candidate", key)
            frames.append(frame)
        if not frames:
            return pd.DataFrame(columns=["candidate", "generation", "scenario", "run",
                                         *self.outputs])
        return pd.concat(frames, ignore_index=True)

    def load_table(self, table) -> None:
        """Take back the evaluations of a stopped search (`to_table`'s rows)."""
        for key, rows in table.groupby("candidate", sort=False):
            values = np.full((self.n_scenarios, self.runs, len(self.outputs)), np.nan)
            values[rows["scenario"].to_numpy(), rows["run"].to_numpy(), :] = \
                rows[list(self.outputs)].to_numpy(dtype=float)
            if np.isnan(values).any():
                continue  # an incomplete candidate is judged again
            self.values[key] = values
            self.first_generation[key] = int(rows["generation"].iloc[0])
