"""Executors: run chunks of a plan and yield each chunk's encoded part as it finishes.

An executor only computes. `run_chunk` is the unit of work everywhere: it runs the chunk's runs
with `run_one` and encodes them as Parquet bytes (`EncodedPart`); the parent process writes the
bytes into the results folder (`ResultsStore.write_encoded`) and reports progress. Each run
depends only on its seed and parameter values, and the final files are sorted by run, so results
do not depend on the executor, the number of workers or the chunking.

* `SerialExecutor`: in this process.
* `ProcessExecutor`: a local pool of worker processes. Each worker receives the plan once, in the
  pool initializer; after that only lists of run indices go out and Parquet bytes come back.
* `DaskExecutor` (in `unionsim.experiment.dask_executor`): a dask.distributed cluster.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Iterator, Protocol, Sequence

from unionsim.errors import ExecutionError, UsageError
from unionsim.experiment.parts import EncodedPart, encode_part
from unionsim.experiment.plan import Plan

EXECUTORS = ("process", "serial", "dask")
MAX_CHUNK = 250  # runs per part at most: a few seconds of work, a few MB of bytes
MIN_CHUNK = 10   # runs per part at least (unless fewer remain): a part costs a few ms to write


class Executor(Protocol):
    """Runs chunks of a plan; yields one `EncodedPart` per chunk, in any order."""

    name: str
    workers: int

    def run(self, plan: Plan, chunks: Sequence[Sequence[int]], *, timeseries: bool
            ) -> Iterator[EncodedPart]: ...


def available_cores() -> int:
    """Cores this process may use (respects CPU affinity, e.g. a cluster job's allocation)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_chunk(plan: Plan, runs: Sequence[int], timeseries: bool) -> EncodedPart:
    """Run the listed runs of a plan and encode them as one part (the unit of work)."""
    from unionsim.experiment.runner import run_one
    from unionsim.model.state import INDICATORS

    specs = plan.parameters.specs  # already in the plan: workers need not read params/ again
    results = [run_one(task, plan.scenario, timeseries=timeseries, specs=specs)
               for task in plan.tasks(runs)]
    return encode_part(results, INDICATORS, plan.scenario.spec.start)


def chunk_runs(runs: Sequence[int], size: int) -> list[list[int]]:
    """Split run indices into chunks of at most ``size`` consecutive runs.

    Chunks never span a gap (on resume, the missing runs have gaps), so each part holds a range
    of runs that no other part overlaps, which the final merge relies on.
    """
    if size < 1:
        raise UsageError(f"chunk size must be at least 1 (got {size})", field="chunk_size")
    chunks: list[list[int]] = []
    for run in sorted(runs):
        if chunks and len(chunks[-1]) < size and run == chunks[-1][-1] + 1:
            chunks[-1].append(run)
        else:
            chunks.append([run])
    return chunks


def guided_chunks(runs: Sequence[int], workers: int) -> list[list[int]]:
    """Chunks that shrink as the batch nears its end (guided scheduling), never spanning a gap.

    Each chunk takes a share 1/(2 x workers) of the runs still unassigned, between `MIN_CHUNK`
    and `MAX_CHUNK` runs: large chunks early keep the overhead per run low, small ones at the end
    keep every worker busy until the last run (with equal chunks, one worker may sit idle for
    most of a chunk at the end). Chunking never changes results.
    """
    remaining = len(runs)
    chunks: list[list[int]] = []
    for segment in chunk_runs(runs, max(1, remaining)):  # maximal runs of consecutive indices
        start = 0
        while start < len(segment):
            size = min(MAX_CHUNK, max(MIN_CHUNK, math.ceil(remaining / (2 * max(1, workers)))))
            chunk = segment[start:start + size]
            chunks.append(chunk)
            start += len(chunk)
            remaining -= len(chunk)
    return chunks


# --------------------------------------------------------------------------- serial

class SerialExecutor:
    """Runs every chunk in this process."""

    name = "serial"
    workers = 1

    def run(self, plan: Plan, chunks, *, timeseries: bool) -> Iterator[EncodedPart]:
        for chunk in chunks:
            yield run_chunk(plan, chunk, timeseries)


# --------------------------------------------------------------------------- local processes

def default_start_method() -> str:
    """``forkserver`` where it exists (Linux, macOS), else ``spawn`` (Windows).

    Not ``fork``: the parent may already run threads (pyarrow's pool, a progress bar), and
    forking a multi-threaded process can deadlock the child. The fork server is a clean
    single-threaded process started once; it preloads the model so that each worker is a cheap
    fork of it, and later pools in the same program (tests, sensitivity loops) reuse it.
    """
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


# Modules the fork server imports once so that workers start with the model loaded.
PRELOAD = ["unionsim.experiment.executors", "unionsim.experiment.runner", "unionsim.model.world"]

_worker_plan: tuple[Plan, bool] | None = None  # set in each worker by _init_worker


def _init_worker(plan: Plan, timeseries: bool) -> None:
    """Pool initializer: keep the plan for all the chunks this worker will run."""
    global _worker_plan
    _worker_plan = (plan, timeseries)
    # Ctrl-C reaches the whole process group; the parent handles it and stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_chunk_in_worker(runs: Sequence[int]) -> EncodedPart:
    plan, timeseries = _worker_plan
    return run_chunk(plan, runs, timeseries)


class ProcessExecutor:
    """A local pool of ``workers`` processes (default: all available cores)."""

    name = "process"

    def __init__(self, workers: int | None = None, start_method: str | None = None,
                 stall_timeout: float | None = None):
        if workers is not None and workers < 1:
            raise UsageError(f"--workers must be at least 1 (got {workers})", field="workers")
        self.workers = workers or available_cores()
        self.start_method = start_method or default_start_method()
        self.stall_timeout = check_stall_timeout(stall_timeout)
        self._pool: ProcessPoolExecutor | None = None
        self._stopped = False
        self._stop_lock = threading.Lock()

    def stop(self) -> None:
        """From another thread: end the batch's workers at once, or refuse to start them if they
        have not started yet (an application shutting down). The batch then fails with an
        `ExecutionError`; its finished parts are kept."""
        with self._stop_lock:
            self._stopped, pool = True, self._pool
        if pool is not None:
            _stop_now(pool)

    def run(self, plan: Plan, chunks, *, timeseries: bool) -> Iterator[EncodedPart]:
        if not chunks:
            return
        context = multiprocessing.get_context(self.start_method)
        if self.start_method == "forkserver":
            # only takes effect if this program has not started a fork server yet
            context.set_forkserver_preload(PRELOAD)
        finished = False
        with without_working_directory():
            # the fork server (or spawned workers) start here, on the first submit
            pool = ProcessPoolExecutor(max_workers=max(1, min(self.workers, len(chunks))),
                                       mp_context=context, initializer=_init_worker,
                                       initargs=(plan, timeseries))
            with self._stop_lock:
                self._pool, stopped = pool, self._stopped
            if stopped:
                pool.shutdown(wait=False)   # no worker has started yet
                raise ExecutionError("the batch was stopped before its workers started",
                                     hint="run it again (or finish it with --resume)")
            try:
                futures = [pool.submit(_run_chunk_in_worker, chunk) for chunk in chunks]
            except (BrokenPipeError, BrokenProcessPool, EOFError, RuntimeError):
                # RuntimeError: `stop` shut the pool down while chunks were being submitted
                _stop_now(pool)
                if self._stopped:
                    raise ExecutionError("the batch was stopped while its workers started",
                                         hint="run it again (or finish it with --resume)") \
                        from None
                raise ExecutionError("the worker processes could not start",
                                     hint=_UNGUARDED_HINT) from None
        try:
            # No list of the futures is kept here: a finished future holds its part's bytes, and
            # as_completed drops each future once yielded, so memory does not grow with the runs.
            watched = _watched(futures, self.stall_timeout)
            futures = None  # the watcher holds the pending ones only
            for future in watched:
                try:
                    part = future.result()
                except BrokenProcessPool:
                    raise ExecutionError(
                        "a worker process died (killed, out of memory, or it failed while "
                        "importing your script); the runs finished so far are kept",
                        hint="run the same command again with --resume, perhaps with fewer "
                             "--workers; " + _UNGUARDED_HINT) from None
                yield part
            finished = True
        finally:
            self._pool = None
            if finished:
                pool.shutdown(wait=True)
            else:  # an error, Ctrl-C or the caller stopped early: do not wait for running chunks
                _stop_now(pool)


@contextlib.contextmanager
def without_working_directory():
    """While worker processes start: keep the working directory off their import path.

    Python started with ``-c`` (as the fork server and spawned workers are) puts the working
    directory first on ``sys.path``, and the workers inherit the parent's ``sys.path``, which
    holds it too under ``python -m``. A ``random.py`` or ``concurrent.py`` lying in the working
    directory would then replace the standard module in every worker. ``PYTHONSAFEPATH``
    (Python >= 3.11) stops the first, a filtered ``sys.path`` the second.
    """
    cwd = os.path.abspath(os.getcwd())
    saved_path, saved_env = list(sys.path), os.environ.get("PYTHONSAFEPATH")
    sys.path[:] = [p for p in sys.path if p and os.path.abspath(p) != cwd]
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        yield
    finally:
        sys.path[:] = saved_path
        if saved_env is None:
            os.environ.pop("PYTHONSAFEPATH", None)
        else:
            os.environ["PYTHONSAFEPATH"] = saved_env


STOP_GRACE_SECONDS = 10.0
"""How long stopping a batch waits for terminated workers and the pool's manager thread."""

DEFAULT_STALL_TIMEOUT = 1800.0
"""Seconds without any finished chunk after which a batch counts as stalled (a stopped worker,
a cluster that lost its workers). A chunk holds at most `MAX_CHUNK` runs, a few seconds of work
on one core, so half an hour is generous even on a loaded machine; ``--stall-timeout`` changes
it."""


def check_stall_timeout(seconds: float | None) -> float:
    """The stall timeout in seconds (default `DEFAULT_STALL_TIMEOUT`), checked."""
    if seconds is None:
        return DEFAULT_STALL_TIMEOUT
    if not (seconds > 0 and math.isfinite(seconds)):
        raise UsageError(f"--stall-timeout must be a positive number of seconds (got {seconds})",
                         field="stall_timeout", hint="e.g. --stall-timeout 3600")
    return float(seconds)


def _watched(futures, stall_timeout: float):
    """Like `as_completed`, but a wait longer than ``stall_timeout`` seconds for the next
    finished chunk is an `ExecutionError` (a stopped or hung worker would wait forever)."""
    import concurrent.futures as cf

    pending = set(futures)
    del futures  # finished futures are dropped as they are yielded
    while pending:
        done, pending = cf.wait(pending, timeout=stall_timeout, return_when=cf.FIRST_COMPLETED)
        if not done:
            raise stalled_error(stall_timeout, len(pending))
        for future in done:
            yield future
        done = None


def stalled_error(stall_timeout: float, left: int) -> ExecutionError:
    return ExecutionError(f"no chunk of runs finished for {stall_timeout:g} s ({left} chunks "
                          f"left): a worker seems stopped or hung; the runs finished so far "
                          f"are kept", field="stall_timeout",
                          hint="check the workers (a stopped process, a full machine), then "
                               "repeat the command with --resume; raise --stall-timeout if "
                               "single runs are this slow")


# Workers started by a fork server (or spawn) import the calling script again; a script that
# starts batches at its top level then starts them again inside every worker.
_UNGUARDED_HINT = ("if you start batches from a Python script, put that code under "
                   "`if __name__ == \"__main__\":` (worker processes import the script), or use "
                   "executor=\"serial\"")


def _stop_now(pool: ProcessPoolExecutor) -> None:
    """Cancel pending chunks and stop the workers at once (finished parts are already stored)."""
    terminate = getattr(pool, "terminate_workers", None)  # Python >= 3.14
    if terminate is not None:
        terminate()
        return
    # taken before shutdown, which forgets them (sets _processes to None)
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
        with contextlib.suppress(OSError, TypeError):
            os.kill(process.pid, signal.SIGCONT)  # a stopped worker must wake to see SIGTERM
    # Let the pool's manager thread see its workers gone and end now: left running, it races the
    # interpreter's exit handlers and prints a traceback after our own error message.
    for process in processes:
        process.join(timeout=STOP_GRACE_SECONDS)
    manager = getattr(pool, "_executor_manager_thread", None)
    if manager is not None:
        manager.join(timeout=STOP_GRACE_SECONDS)


# --------------------------------------------------------------------------- choosing

def make_executor(name: str = "process", *, workers: int | None = None,
                  scheduler: str | None = None, stall_timeout: float | None = None) -> Executor:
    """The executor called ``name`` (one of `EXECUTORS`), with its options checked."""
    if name not in EXECUTORS:
        raise UsageError(f"unknown executor '{name}'", field="executor",
                         hint="choose one of: " + ", ".join(EXECUTORS))
    check_stall_timeout(stall_timeout)
    if scheduler is not None and name != "dask":
        raise UsageError(f"--scheduler is for the dask executor, not '{name}'", field="scheduler",
                         hint="add --executor dask, or drop --scheduler")
    if name == "serial":
        if workers not in (None, 1):
            raise UsageError(f"the serial executor runs in one process (got --workers {workers})",
                             field="workers", hint="drop --workers, or use --executor process")
        return SerialExecutor()
    if name == "dask":
        from unionsim.experiment.dask_executor import DaskExecutor

        return DaskExecutor(scheduler=scheduler, workers=workers, stall_timeout=stall_timeout)
    return ProcessExecutor(workers=workers, stall_timeout=stall_timeout)
