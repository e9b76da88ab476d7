"""The explorer's batches: one `Batch` runs in a background thread through the engine, as
``unionsim run`` would (the same executors and results folder), with small first chunks so the
page shows partial results early; cancelling keeps the finished runs."""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from unionsim.errors import UnionsimError

#: Runs in each worker's first chunk: one, so the first partial results come as soon as possible.
FIRST_CHUNK = 1
#: Runs per chunk at most: progress and partial results move at least this often.
APP_MAX_CHUNK = 40


def error_text(exc: BaseException) -> str:
    """What the CLI prints for an error: ``error: <message>`` for user errors (no traceback)."""
    if isinstance(exc, UnionsimError):
        return f"error: {exc}"
    return f"error: {type(exc).__name__}: {exc} (an unexpected failure; finished batches are kept)"


class BatchCancelled(Exception):
    """Raised inside a batch's progress callback to stop it (not a user error)."""


class EarlyPartsExecutor:
    """Wraps an executor so that each worker's first chunk is small and no chunk is large.

    Chunking never changes results (see `unionsim.experiment.work`); it only decides how
    soon and how often finished parts arrive, i.e. how soon the page can show partial results.
    """

    def __init__(self, inner, first: int = FIRST_CHUNK, largest: int = APP_MAX_CHUNK):
        self.inner, self.first, self.largest = inner, first, largest
        self.name, self.workers = inner.name, inner.workers

    def rechunk(self, chunks: Sequence[Sequence[int]]) -> list[list[int]]:
        """Split the first chunk of each worker into a small head, and cap every chunk."""
        out: list[list[int]] = []
        for i, chunk in enumerate(chunks):
            chunk = list(chunk)
            if i < self.workers and len(chunk) > self.first:
                out.append(chunk[:self.first])
                chunk = chunk[self.first:]
            out += [chunk[j:j + self.largest] for j in range(0, len(chunk), self.largest)]
        return out

    def run(self, plan, chunks, *, timeseries: bool):
        return self.inner.run(plan, self.rechunk(chunks), timeseries=timeseries)


@dataclass
class BatchRequest:
    """What to run: a scenario (file or shipped name), the tweaks, runs, seed, executor, and
    the policies added to the scenario's own (``loaded`` already carries them)."""

    scenario: str
    tweaks: dict[str, float]
    runs: int
    seed: int
    executor: str = "process"
    workers: int | None = None
    loaded: object | None = None    # the scenario already loaded from ``scenario`` (saves a reload)
    policies: dict[str, object] = field(default_factory=dict)


class Batch:
    """One batch running (or run) in a background thread, with progress and partial results.

    ``status`` is ``running``, ``complete``, ``cancelled`` or ``failed``; ``error`` holds the
    CLI's text of what went wrong. A cancelled or failed batch keeps its finished runs in the
    folder, and ``unionsim run ... --out FOLDER --resume`` finishes it.
    """

    def __init__(self, request: BatchRequest, folder: Path, *,
                 on_change: Callable[["Batch"], None] | None = None):
        self.request, self.folder = request, folder
        self.total, self.done = request.runs, 0
        self.status, self.error = "running", ""
        self.partial = None                # outcomes of the finished runs so far (DataFrame)
        self._parts: dict[str, object] = {}  # part file name -> its outcome rows
        self.started = time.perf_counter()
        self.first_partial_seconds: float | None = None
        self.seconds: float | None = None
        self.finished_at: float | None = None   # wall clock (time.time()) when the engine ended
        self._results = None
        self._summary = None
        self._cancel = threading.Event()
        self._on_change = on_change
        self._runner = None
        self._thread = threading.Thread(target=self._run, name=f"batch {folder.name}",
                                        daemon=True)

    @property
    def label(self) -> str:
        parts = [Path(self.request.scenario).stem]
        parts += [f"{k}={v:g}" for k, v in self.request.tweaks.items()]
        parts += [f"policy {k}" for k in self.request.policies]
        return " + ".join(parts) + f" (seed {self.request.seed}, {self.request.runs} runs)"

    @property
    def running(self) -> bool:
        return self.status == "running"

    def start(self) -> "Batch":
        _LIVE_BATCHES.add(self)
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Stop after the parts in progress; finished runs stay in the folder."""
        self._cancel.set()

    def stop_now(self) -> None:
        """Stop at once: cancel, and end the worker processes without waiting for the parts in
        progress (when the app shuts down). Finished parts stay in the folder."""
        self._cancel.set()
        stop = getattr(getattr(self._runner, "inner", None), "stop", None)
        if stop is not None:
            stop()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the batch to end; True if it did."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    # -- in the batch's thread
    def _run(self) -> None:
        from unionsim.experiment.batch import run_batch
        from unionsim.experiment.executors import make_executor

        r = self.request
        status, error = "complete", ""
        try:
            self._runner = EarlyPartsExecutor(make_executor(r.executor, workers=r.workers))
            if self._cancel.is_set():
                raise BatchCancelled()
            run_batch(r.loaded or r.scenario, runs=r.runs, seed=r.seed, out=self.folder,
                      sets=r.tweaks, executor=self._runner, progress=self._progress)
        except BatchCancelled:
            status = "cancelled"
        except Exception as exc:  # the page must survive anything; the text says what happened
            status = "cancelled" if self._cancel.is_set() else "failed"
            error = "" if status == "cancelled" else error_text(exc)
        finally:
            _LIVE_BATCHES.discard(self)
        self.finished_at = time.time()
        if status == "complete":
            try:   # the outcomes and their summary, once, here (not in the page's render)
                self.results()
                self._final_summary()
            except Exception as exc:
                status, error = "failed", error_text(exc)
        # the page reads these from another thread: the status changes last
        self.seconds, self.error = time.perf_counter() - self.started, error
        self.status = status
        self._changed()

    def _final_summary(self) -> None:
        from unionsim.analysis.summary import flag_table, outcome_table

        outcomes = self._results.outcomes
        self._summary = ((self.done, "complete"),
                         (outcome_table(outcomes), flag_table(outcomes),
                          int((outcomes["status"] == "ok").sum())))

    def summary(self):
        """``(outcome table, flag table, completed runs)`` of the runs finished so far (of all
        of them once complete), or None before the first part; computed once per state."""
        from unionsim.analysis.summary import flag_table, outcome_table

        key = (self.done, self.status)
        cached = self._summary
        if cached is not None and cached[0] == key:
            return cached[1]
        outcomes = self._results.outcomes if self._results is not None else self.partial
        if outcomes is None:
            return None
        value = (outcome_table(outcomes), flag_table(outcomes),
                 int((outcomes["status"] == "ok").sum()))
        self._summary = (key, value)
        return value

    def results(self):
        """The loaded results folder (`unionsim.experiment.store.Results`) once complete; read
        once, then kept."""
        from unionsim.experiment.store import load_results

        if self._results is None:
            self._results = load_results(self.folder)
        return self._results

    def _progress(self, n: int) -> None:
        self.done += n
        self.partial = read_partial_outcomes(self.folder, self._parts)
        if self.first_partial_seconds is None:
            self.first_partial_seconds = time.perf_counter() - self.started
        self._changed()
        if self._cancel.is_set():
            raise BatchCancelled()

    def _changed(self) -> None:
        if self._on_change is not None:
            try:
                self._on_change(self)
            except Exception:  # a closed page must not stop the batch
                pass


#: Batches running in this process (the app stops them all when it shuts down).
_LIVE_BATCHES: "weakref.WeakSet[Batch]" = weakref.WeakSet()


def stop_all_batches(timeout: float = 10.0) -> None:
    """Stop every running batch at once, worker processes included, and wait up to ``timeout``
    seconds for their threads (what the server does on Ctrl-C or SIGTERM)."""
    batches = list(_LIVE_BATCHES)
    for batch in batches:
        batch.stop_now()
    deadline = time.monotonic() + timeout
    for batch in batches:
        batch.wait(max(0.0, deadline - time.monotonic()))


def warm_up_workers() -> threading.Thread:
    """Prepare for the first batch in the background while the user looks at the page: import
    the engine (with numpy, pandas, pyarrow and scipy, a few seconds on a busy machine) and start
    the process executor's fork server, so that the first partial results come quickly.
    Returns the thread doing it.
    """
    import multiprocessing

    def start() -> None:
        import importlib

        for module in ENGINE_MODULES:
            importlib.import_module(module)
        from unionsim.experiment.executors import PRELOAD, default_start_method

        if default_start_method() == "forkserver":
            from multiprocessing import forkserver

            # the preload the process executor sets (only effective before the server starts)
            multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
            forkserver.ensure_running()

    thread = threading.Thread(target=start, name="warm up workers", daemon=True)
    thread.start()
    return thread


#: What a batch imports in the app's process before its first part arrives.
ENGINE_MODULES = ("unionsim.experiment.batch", "unionsim.experiment.plan",
                  "unionsim.experiment.sampling", "scipy.stats.qmc",
                  "unionsim.experiment.executors", "unionsim.experiment.store",
                  "unionsim.experiment.parts", "pyarrow.parquet", "unionsim.analysis.summary",
                  "scipy.stats", "unionsim.analysis.plots", "unionsim.analysis.figures",
                  "unionsim.analysis.compare")


def read_partial_outcomes(folder: Path, cache: dict | None = None):
    """The outcome rows of the parts finished so far (None before the first), sorted by run.

    ``cache`` (part file name -> rows) keeps the parts already read, so that reading after each
    part costs one file, not all of them.
    """
    import pandas as pd

    from unionsim.experiment.store import PARTS

    cache = {} if cache is None else cache
    for f in (folder / PARTS).glob("part-*.outcomes.parquet"):
        if f.name not in cache:
            cache[f.name] = pd.read_parquet(f)
    if not cache:
        return None
    return pd.concat(list(cache.values())).sort_values("run", ignore_index=True)
