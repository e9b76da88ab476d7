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
from unionsim.experiment.executors import available_cores, run_chunk
from unionsim.experiment.parts import EncodedPart
from unionsim.experiment.plan import Plan


def _import_distributed():
    try:
        import distributed
    except ImportError:
        raise UsageError("the dask executor needs dask.distributed, which is not installed",
                         field="executor",
                         hint='pip install "unionsim[dask]", or use --executor process') from None
    return distributed


# A remote cluster's size is not known before connecting; chunks are sized as if it had this
# many workers (smaller chunks balance better; the cost is more, smaller parts).
REMOTE_CLUSTER_WORKERS = 32


class DaskExecutor:
    """Runs chunks on a dask.distributed cluster (``scheduler`` address, or a local cluster)."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int | None = None):
        if workers is not None and workers < 1:
            raise UsageError(f"--workers must be at least 1 (got {workers})", field="workers")
        if scheduler is not None and workers is not None:
            raise UsageError("--workers sets the size of a local dask cluster; a cluster at "
                             "--scheduler has the workers it has", field="workers",
                             hint="drop --workers when giving --scheduler")
        _import_distributed()  # fail before any work starts
        self.scheduler = scheduler
        self.workers = workers or (available_cores() if scheduler is None
                                   else REMOTE_CLUSTER_WORKERS)

    def run(self, plan: Plan, chunks: Sequence[Sequence[int]], *, timeseries: bool
            ) -> Iterator[EncodedPart]:
        if not chunks:
            return
        distributed = _import_distributed()
        with contextlib.ExitStack() as stack:
            client = stack.enter_context(self._client(distributed))
            # one copy of the plan per worker; tasks then carry only run indices
            plan_ref = client.scatter(plan, broadcast=True, hash=False)
            batch = uuid.uuid4().hex[:8]
            futures = [client.submit(run_chunk, plan_ref, list(chunk), timeseries, pure=False,
                                     key=f"unionsim-{batch}-runs-{chunk[0]}-{chunk[-1]}")
                       for chunk in chunks]
            try:
                for future in distributed.as_completed(futures):
                    part = future.result()
                    future.release()  # the parent keeps no finished bytes
                    yield part
            finally:
                client.cancel(futures)

    def _client(self, distributed):
        if self.scheduler is None:
            cluster = distributed.LocalCluster(n_workers=self.workers, threads_per_worker=1,
                                               processes=True, dashboard_address=None)
            return _ClusterClient(distributed, cluster)
        try:
            return distributed.Client(self.scheduler, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise ExecutionError(f"cannot reach the dask scheduler at {self.scheduler} ({exc})",
                                 field="scheduler",
                                 hint="check the address (e.g. tcp://10.0.0.5:8786) and that "
                                      "the scheduler is running") from None


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
