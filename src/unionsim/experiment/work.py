"""What every executor shares: the unit of work, how runs are cut into it, and the guards around
worker processes.

`run_chunk` is the unit of work everywhere: it runs a chunk's runs with `run_one` and encodes them
as Parquet bytes (`EncodedPart`); the parent process writes the bytes into the results folder
(`ResultsStore.write_encoded`) and reports progress. Each run depends only on its seed and
parameter values, and the final files are sorted by run, so results do not depend on the
executor, the number of workers or the chunking.

An `Executor` runs chunks and yields their parts; the local ones are in
`unionsim.experiment.executors`, the dask one in `unionsim.experiment.dask_executor`. Both import
from here and never from each other.
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
import signal
import sys
import threading
from typing import Iterator, Protocol, Sequence

from unionsim.errors import ExecutionError, UsageError
from unionsim.experiment.parts import EncodedPart, encode_part
from unionsim.experiment.plan import Plan

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


@contextlib.contextmanager
def starting_workers():
    """While a local pool starts its worker processes (and the fork server, the first time):

    * the working directory is kept off their import path (`without_working_directory`);
    * Ctrl-C is held back (SIGINT blocked, so the fork server and the workers inherit it
      blocked): a worker that is still importing the model would otherwise print a traceback of
      its own. The parent gets the held Ctrl-C as soon as the workers are up, and stops them;
    * a failure to start them (too many open files, a socket path under a long ``TMPDIR``) is an
      `ExecutionError` that names it, never a results folder's fault.
    """
    mask = getattr(signal, "pthread_sigmask", None)
    blocked = mask is not None and threading.current_thread() is threading.main_thread()
    if blocked:
        previous = mask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        with without_working_directory():
            try:
                yield
            except OSError as exc:
                raise worker_start_error(exc) from None
    finally:
        if blocked:
            mask(signal.SIG_SETMASK, previous)  # a held Ctrl-C is raised here


#: Descriptors a worker pool needs beyond those already open (pipes, sockets and the fork
#: server's files for two workers); with fewer free, tempfile's probe is what fails first.
POOL_DESCRIPTORS = 16


def _out_of_files(exc: OSError) -> bool:
    """Whether ``exc`` hides the open-files limit: Python's tempfile reports a process that can
    open no more files as "No usable temporary directory", even for a writable one."""
    import resource
    import tempfile

    if "No usable temporary directory" not in str(exc):
        return False
    folders = tempfile._candidate_tempdir_list()
    writable = any(os.path.isdir(d) and os.access(d, os.W_OK | os.X_OK) for d in folders)
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        open_now = len(os.listdir("/proc/self/fd"))
    except OSError:
        open_now = 0
    return writable and soft != resource.RLIM_INFINITY and soft - open_now < POOL_DESCRIPTORS


def worker_start_error(exc: OSError) -> ExecutionError:
    """Why worker processes could not start, and the fix, from the operating system's error."""
    import tempfile

    reason = exc.strerror or str(exc) or type(exc).__name__
    if exc.errno in (errno.EMFILE, errno.ENFILE) or _out_of_files(exc):
        hint = ("raise the limit of open files (e.g. `ulimit -n 4096`), or use fewer --workers, "
                "or --executor serial")
        what = f"this process may open no more files ({reason})"
    elif exc.errno == errno.ENAMETOOLONG or "path too long" in str(exc):
        hint = ("set TMPDIR to a short folder (e.g. TMPDIR=/tmp), or use --executor serial")
        what = (f"the path of their socket under the temporary folder "
                f"({tempfile.gettempdir()}) is too long")
    elif exc.errno in (errno.EAGAIN, errno.ENOMEM):
        hint = "use fewer --workers (or --executor serial), or free memory"
        what = f"the system refused a new process ({reason})"
    else:
        hint = ("check the temporary folder (TMPDIR) and the limits on processes and files, or "
                "use --executor serial")
        what = reason
    return ExecutionError(f"the worker processes could not start: {what}", field="workers",
                          hint=hint)


def watch_parent(pid: int) -> None:
    """In a worker process: end this process as soon as process ``pid`` (the command that
    started the pool) has ended, even if it was killed (SIGKILL) and could not stop its workers.

    A worker's parent is the fork server, not the command, so the command's death is watched
    directly: a thread waits on a pidfd (Linux), else polls every half second. Without this, a
    killed command would leave its workers computing and holding its output pipe open."""
    def end() -> None:
        os._exit(1)

    def wait_pidfd(fd: int) -> None:
        import select

        select.select([fd], [], [])
        end()

    def poll() -> None:
        import time

        while True:
            time.sleep(0.5)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                end()
            except PermissionError:  # pragma: no cover - the pid was reused by another user
                end()

    try:
        fd = os.pidfd_open(pid)
        target, args = wait_pidfd, (fd,)
    except ProcessLookupError:
        end()
    except (AttributeError, OSError):  # not Linux >= 5.3
        target, args = poll, ()
    threading.Thread(target=target, args=args, name="unionsim parent watch", daemon=True).start()


def init_worker_process(parent: int, initializer=None, initargs: tuple = ()) -> None:
    """Every local worker's first step: Ctrl-C is the parent's to handle (it stops the workers),
    the worker ends with the parent, then the pool's own initializer runs."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent(parent)
    if initializer is not None:
        initializer(*initargs)


DEFAULT_STALL_TIMEOUT = 1800.0
"""Seconds without any finished chunk after which a batch counts as stalled (a stopped worker,
a cluster that lost its workers). A chunk holds at most `MAX_CHUNK` runs, a few seconds of work
on one core, so half an hour is generous even on a loaded machine; ``--stall-timeout`` changes
it."""


MAX_STALL_TIMEOUT = 30 * 24 * 3600.0
"""A month: waits longer than this are refused (the operating system's wait limits are finite)."""


def check_stall_timeout(seconds: float | None) -> float:
    """The stall timeout in seconds (default `DEFAULT_STALL_TIMEOUT`), checked."""
    if seconds is None:
        return DEFAULT_STALL_TIMEOUT
    if not (seconds > 0 and math.isfinite(seconds)) or seconds > MAX_STALL_TIMEOUT:
        raise UsageError(f"--stall-timeout must be a positive number of seconds up to "
                         f"{MAX_STALL_TIMEOUT:.0f} (30 days) (got {seconds:g})",
                         field="stall_timeout", hint="e.g. --stall-timeout 3600")
    return float(seconds)


def stalled_error(stall_timeout: float, left: int) -> ExecutionError:
    """The error of a batch in which no chunk finished for ``stall_timeout`` seconds."""
    return ExecutionError(f"no chunk of runs finished for {stall_timeout:g} s ({left} chunks "
                          f"left): a worker seems stopped or hung; the runs finished so far "
                          f"are kept", field="stall_timeout",
                          hint="check the workers (a stopped process, a full machine), then "
                               "repeat the command with --resume; raise --stall-timeout if "
                               "single runs are this slow")
