"""Executors: run chunks of a plan and yield each chunk's encoded part as it finishes.

An executor only computes: each chunk is one call of `unionsim.experiment.work.run_chunk`, and
the parent process writes the parts into the results folder. `make_executor` chooses one by name:

* `SerialExecutor`: in this process.
* `ProcessExecutor`: a local pool of worker processes. Each worker receives the plan once, in the
  pool initializer; after that only lists of run indices go out and Parquet bytes come back.
* `DaskExecutor` (in `unionsim.experiment.dask_executor`, loaded only when asked for, since dask
  is an optional dependency): a dask.distributed cluster.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Iterator, Sequence

from unionsim.errors import ExecutionError, UsageError
from unionsim.experiment.parts import EncodedPart
from unionsim.experiment.plan import Plan
from unionsim.experiment.work import (Executor, available_cores, check_stall_timeout,
                                      init_worker_process, run_chunk, stalled_error,
                                      starting_workers)

EXECUTORS = ("process", "serial", "dask")


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


# Modules the fork server imports once so that workers start with the model loaded, and the
# one that keeps a worker whose start the command abandoned from printing a traceback.
PRELOAD = ["unionsim.experiment.worker_start", "unionsim.experiment.executors",
           "unionsim.experiment.runner", "unionsim.model.world"]

_worker_plan: tuple[Plan, bool] | None = None  # set in each worker by _init_worker


def _init_worker(plan: Plan, timeseries: bool) -> None:
    """Pool initializer: keep the plan for all the chunks this worker will run."""
    global _worker_plan
    _worker_plan = (plan, timeseries)


def local_pool(workers: int, initializer=None, initargs: tuple = (), *,
               start_method: str | None = None) -> ProcessPoolExecutor:
    """A pool of local worker processes that end with this process (see
    `unionsim.experiment.work.init_worker_process`); start its workers within
    `unionsim.experiment.work.starting_workers`."""
    context = multiprocessing.get_context(start_method or default_start_method())
    if context.get_start_method() == "forkserver":
        # only takes effect if this program has not started a fork server yet
        context.set_forkserver_preload(PRELOAD)
    return ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=init_worker_process,
                               initargs=(os.getpid(), initializer, initargs))


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
        finished = False
        pool = local_pool(max(1, min(self.workers, len(chunks))), _init_worker,
                          (plan, timeseries), start_method=self.start_method)
        with self._stop_lock:
            self._pool, stopped = pool, self._stopped
        if stopped:
            pool.shutdown(wait=False)   # no worker has started yet
            raise ExecutionError("the batch was stopped before its workers started",
                                 hint="run it again (or finish it with --resume)")
        try:
            with starting_workers():
                # the fork server (or spawned workers) start here, on the first submits
                try:
                    futures = [pool.submit(_run_chunk_in_worker, chunk) for chunk in chunks]
                except (BrokenPipeError, BrokenProcessPool, EOFError, RuntimeError):
                    # RuntimeError: `stop` shut the pool down while chunks were being submitted
                    if self._stopped:
                        raise ExecutionError("the batch was stopped while its workers started",
                                             hint="run it again (or finish it with --resume)") \
                            from None
                    raise ExecutionError("the worker processes could not start",
                                         hint=_UNGUARDED_HINT) from None
        except BaseException:  # a failed start, or a Ctrl-C held back while the workers started
            self._pool = None
            _stop_now(pool)
            raise
        try:
            # No list of the futures is kept here: a finished future holds its part's bytes, and
            # the watcher drops each future once yielded, so memory does not grow with the runs.
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


STOP_GRACE_SECONDS = 10.0
"""How long stopping a batch waits for terminated workers and the pool's manager thread."""


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
    # taken before shutdown, which forgets them (sets _processes and the manager thread to None)
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
        with contextlib.suppress(OSError, TypeError):
            os.kill(process.pid, signal.SIGCONT)  # a stopped worker must wake to see SIGTERM
    # Let the pool's manager thread see its workers gone and end now: left running, it races the
    # interpreter's exit handlers and prints a traceback after our own error message.
    for process in processes:
        process.join(timeout=STOP_GRACE_SECONDS)
    if manager is not None:
        manager.join(timeout=STOP_GRACE_SECONDS)
        # At exit the interpreter wakes every pool's manager thread by writing to a pipe that
        # the thread closes as it ends; Python 3.11 checks and writes without a lock, so a
        # thread still ending (a busy machine) makes that write fail with a traceback after our
        # own error. This pool is stopped and its thread needs no waking: the interpreter still
        # joins it, as every non-daemon thread.
        import concurrent.futures.process as futures_process

        getattr(futures_process, "_threads_wakeups", {}).pop(manager, None)


stop_now = _stop_now  # for other local pools (the calibration's): the same prompt stop


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
