"""A dask.distributed executor: the same chunks and parts as the local pool, on a cluster.

Optional: install with ``pip install "unionsim[dask]"``. With a scheduler address the batch runs
on that cluster (every worker needs the same unionsim version installed); without one, on a
`LocalCluster` of one single-threaded worker process per core.

The plan is scattered to every worker once; each task is one chunk (`run_chunk`) and returns the
chunk's Parquet bytes, which the parent writes as they arrive. Workers need no shared file system.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Iterator, Sequence

from unionsim.errors import ExecutionError, UsageError
from unionsim.experiment.parts import EncodedPart
from unionsim.experiment.plan import Plan
from unionsim.experiment.work import (available_cores, check_stall_timeout, run_chunk,
                                      stalled_error, without_working_directory)


def _import_distributed():
    try:
        import distributed
    except ImportError:
        raise UsageError("the dask executor needs dask.distributed, which is not installed",
                         field="executor",
                         hint='pip install "unionsim[dask]", or use --executor process') from None
    return distributed


CONNECT_TIMEOUT = 5.0
"""Seconds to reach a dask scheduler (and for it to answer as one) before giving up."""

# A remote cluster's size is not known before connecting; chunks are sized as if it had this
# many workers (smaller chunks balance better; the cost is more, smaller parts).
REMOTE_CLUSTER_WORKERS = 32


class DaskExecutor:
    """Runs chunks on a dask.distributed cluster (``scheduler`` address, or a local cluster)."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int | None = None,
                 stall_timeout: float | None = None, connect_timeout: float = CONNECT_TIMEOUT):
        if workers is not None and workers < 1:
            raise UsageError(f"--workers must be at least 1 (got {workers})", field="workers")
        if scheduler is not None and workers is not None:
            raise UsageError("--workers sets the size of a local dask cluster; a cluster at "
                             "--scheduler has the workers it has", field="workers",
                             hint="drop --workers when giving --scheduler")
        _import_distributed()  # fail before any work starts
        if scheduler is not None:
            _check_address(scheduler)
        self.stall_timeout = check_stall_timeout(stall_timeout)
        self.connect_timeout = connect_timeout
        self._client = None
        self.scheduler = scheduler
        self.workers = workers or (available_cores() if scheduler is None
                                   else REMOTE_CLUSTER_WORKERS)

    @contextlib.contextmanager
    def prepare(self):
        """Connect to the cluster (or start the local one) for the duration of the block.

        `unionsim.experiment.batch.run_plan` calls this before it touches the results folder,
        so an unreachable scheduler leaves no folder behind."""
        distributed = _import_distributed()
        with self._client_for(distributed) as client:
            self._client = client
            try:
                yield client
            finally:
                self._client = None

    def run(self, plan: Plan, chunks: Sequence[Sequence[int]], *, timeseries: bool
            ) -> Iterator[EncodedPart]:
        if not chunks:
            return
        distributed = _import_distributed()
        with contextlib.ExitStack() as stack:
            client = self._client or stack.enter_context(self.prepare())
            # one copy of the plan per worker; tasks then carry only run indices
            plan_ref = client.scatter(plan, broadcast=True, hash=False)
            batch = uuid.uuid4().hex[:8]
            futures = [client.submit(run_chunk, plan_ref, list(chunk), timeseries, pure=False,
                                     key=f"unionsim-{batch}-runs-{chunk[0]}-{chunk[-1]}")
                       for chunk in chunks]
            pending = set(futures)
            try:
                while pending:
                    try:  # the next finished chunks, or a stall: no worker made progress
                        done, pending = distributed.wait(pending, timeout=self.stall_timeout,
                                                         return_when="FIRST_COMPLETED")
                    except TimeoutError:
                        raise stalled_error(self.stall_timeout, len(pending)) from None
                    for future in done:
                        part = future.result()
                        future.release()  # the parent keeps no finished bytes
                        yield part
                    done = None
            finally:
                client.cancel(futures)

    def _client_for(self, distributed):
        if self.scheduler is None:
            with without_working_directory():  # its worker processes start here
                cluster = distributed.LocalCluster(n_workers=self.workers, threads_per_worker=1,
                                                   processes=True, dashboard_address=None)
            return _ClusterClient(distributed, cluster)
        try:
            # dask's own connect waits for the scheduler's handshake without a time limit (a
            # server that accepts and stays silent hangs it): probe with a deadline first
            _probe(self.scheduler, self.connect_timeout)
            client = distributed.Client(self.scheduler, timeout=f"{self.connect_timeout}s")
        except (OSError, TimeoutError, ValueError) as exc:
            reason = type(exc).__name__ + (f": {str(exc)[:200]}" if str(exc) else "")
            raise ExecutionError(f"no dask scheduler answered at {self.scheduler} within "
                                 f"{self.connect_timeout:g} s ({reason})", field="scheduler",
                                 hint="check the address (e.g. tcp://10.0.0.5:8786) and that "
                                      "a dask scheduler is running there") from None
        except Exception as exc:  # noqa: BLE001 - a server that answers, but not as dask
            raise ExecutionError(f"the server at {self.scheduler} answered, but not as a dask "
                                 f"scheduler ({type(exc).__name__}: {str(exc)[:120]})",
                                 field="scheduler",
                                 hint="check the port: a dask scheduler listens on 8786 by "
                                      "default (its dashboard, 8787, is not the scheduler)") \
                from None
        return contextlib.closing(client)


def _probe(address: str, timeout: float) -> None:
    """Connect to ``address`` and complete dask's handshake within ``timeout`` seconds."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from distributed.comm import connect

    async def handshake():
        comm = await asyncio.wait_for(connect(address, timeout=timeout), timeout)
        await comm.close()

    # in a thread of its own: the caller may already run an event loop (a notebook)
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, handshake()).result()


def _check_address(address: str) -> None:
    """A scheduler address must look like ``tcp://host:port`` (or another dask protocol)."""
    import re

    if not re.fullmatch(r"(tcp|tls|ucx|ws|wss|inproc)://[^\s/]+(:\d{1,5})?/?|[\w.\-]+:\d{1,5}",
                        address):
        raise UsageError(f"--scheduler '{address}' is not a scheduler address", field="scheduler",
                         hint="give it as tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786")


class _ClusterClient(contextlib.AbstractContextManager):
    """A client on a local cluster that closes both."""

    def __init__(self, distributed, cluster):
        self.cluster = cluster
        self.client = distributed.Client(cluster)

    def __enter__(self):
        return self.client

    def __exit__(self, *exc):
        self.client.close()
        self.cluster.close()
        return False
