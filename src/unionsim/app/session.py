"""The state of one explorer session and the batches it runs in the background.

No web code here: the page (`unionsim.app.views`) reads a `Session` and calls its methods, and
the benchmark and tests drive it directly. Batches go through the engine like ``unionsim run``
does (`unionsim.experiment.batch.run_batch`, the same executors and results folder layout); the
tweaks are passed as ``--set`` values, so a batch started here is the batch
``unionsim run SCENARIO --set name=value ... --runs N --seed S`` would make.

Every user error is caught and kept as the text the CLI would print (``error: ...``), so the
page shows it instead of crashing; a finished batch stays on disk and in the session whatever
happens afterwards.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator, Sequence

from unionsim.errors import UnionsimError

#: Where the app's batches go (under the folder the app was started in), like ``runs/`` for the CLI.
DEFAULT_RUNS_DIR = Path("runs") / "app"
#: The server passes the app's results folder to the page in this environment variable.
RUNS_DIR_ENV = "UNIONSIM_APP_RUNS"

#: Runs in each worker's first chunk: one, so the first partial results come as soon as possible.
FIRST_CHUNK = 1
#: Runs per chunk at most: progress and partial results move at least this often.
APP_MAX_CHUNK = 40


def error_text(exc: BaseException) -> str:
    """What the CLI prints for an error: ``error: <message>`` for user errors (no traceback)."""
    if isinstance(exc, UnionsimError):
        return f"error: {exc}"
    return f"error: {type(exc).__name__}: {exc} (an unexpected failure; finished batches are kept)"


# --------------------------------------------------------------------------- parameters

@dataclass(frozen=True)
class ParameterInfo:
    """One parameter as a control shows it: its value in the scenario and its provenance."""

    name: str
    group: str
    value: float          # in force in the chosen scenario (default or the scenario's override)
    default: float
    low: float
    high: float
    unit: str
    meaning: str
    basis: str
    sources: str
    note: str
    sampled: bool         # the scenario draws it per run (fixing it here stops that)

    @property
    def step(self) -> float:
        """A slider step: a hundredth of the range, rounded to a power of ten."""
        import math

        span = self.high - self.low
        return 10 ** math.floor(math.log10(span / 100)) if span > 0 else 1.0


def parameter_infos(loaded) -> list[ParameterInfo]:
    """Every documented parameter with the value the scenario puts in force."""
    from unionsim.analysis.provenance import sources_text

    pset = loaded.parameters()
    sampled = set(loaded.spec.uncertainty)
    return [ParameterInfo(name=name, group=name.split(".")[0], value=float(pset.values[name]),
                          default=float(spec.value), low=float(spec.range[0]),
                          high=float(spec.range[1]), unit=spec.unit, meaning=spec.meaning,
                          basis=spec.basis, sources=sources_text(spec), note=spec.note or "",
                          sampled=name in sampled)
            for name, spec in pset.specs.items()]


def scenario_event_rows(loaded) -> list[dict]:
    """The scenario's scheduled events, in order: month, type and a short description."""
    from unionsim.config.schema import month_label

    spec = loaded.spec
    rows = []
    for event in spec.events:
        data = event.model_dump(mode="json", exclude_none=True)
        month = spec.month_of(event.month)
        detail = data.get("label") or data.get("name") or data.get("note") or ""
        rows.append({"month": month_label(month, spec.start), "id": data.get("id", ""),
                     "type": data.get("type", ""), "detail": str(detail)})
    return rows


# --------------------------------------------------------------------------- batches

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
    """What to run: a scenario (file or shipped name), the tweaks, runs, seed, executor."""

    scenario: str
    tweaks: dict[str, float]
    runs: int
    seed: int
    executor: str = "process"
    workers: int | None = None
    loaded: object | None = None    # the scenario already loaded from ``scenario`` (saves a reload)


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
        self._cancel = threading.Event()
        self._on_change = on_change
        self._thread = threading.Thread(target=self._run, name=f"batch {folder.name}",
                                        daemon=True)

    @property
    def label(self) -> str:
        parts = [Path(self.request.scenario).stem]
        parts += [f"{k}={v:g}" for k, v in self.request.tweaks.items()]
        return " + ".join(parts) + f" (seed {self.request.seed}, {self.request.runs} runs)"

    @property
    def running(self) -> bool:
        return self.status == "running"

    def start(self) -> "Batch":
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Stop after the parts in progress; finished runs stay in the folder."""
        self._cancel.set()

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
            runner = EarlyPartsExecutor(make_executor(r.executor, workers=r.workers))
            run_batch(r.loaded or r.scenario, runs=r.runs, seed=r.seed, out=self.folder,
                      sets=r.tweaks, executor=runner, progress=self._progress)
        except BatchCancelled:
            status = "cancelled"
        except Exception as exc:  # the page must survive anything; the text says what happened
            status, error = "failed", error_text(exc)
        # the page reads these from another thread: the status changes last
        self.seconds, self.error = time.perf_counter() - self.started, error
        self.status = status
        self._changed()

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
                  "unionsim.analysis.plots")


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


def new_batch_folder(root: Path, scenario_name: str, seed: int, runs: int) -> Path:
    """A fresh folder ``<root>/<scenario>-<timestamp>-s<seed>-n<runs>`` (never an existing one)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = root / f"{scenario_name}-{stamp}-s{seed}-n{runs}"
    folder, k = base, 1
    while folder.exists():
        k += 1
        folder = base.with_name(f"{base.name}-{k}")
    return folder


# --------------------------------------------------------------------------- the session

@dataclass
class Session:
    """One user's explorer: the scenario, the tweaks, the batches, the pinned reference."""

    runs_dir: Path = DEFAULT_RUNS_DIR
    scenario_ref: str = "baseline"
    loaded: object | None = None
    infos: list[ParameterInfo] = field(default_factory=list)
    tweaks: dict[str, float] = field(default_factory=dict)
    error: str = ""
    current: Batch | None = None
    batches: list[Batch] = field(default_factory=list)
    reference: Batch | None = None
    on_change: Callable[[Batch], None] | None = None

    # -- picking and tweaking
    def choose_scenario(self, ref: str) -> bool:
        """Load a shipped scenario (by name) or a scenario file; on error keep the old one."""
        from unionsim.config.scenario import load_scenario

        try:
            loaded = load_scenario(ref.strip())
            infos = parameter_infos(loaded)
        except Exception as exc:
            self.error = error_text(exc)
            return False
        self.scenario_ref, self.loaded, self.infos = ref.strip(), loaded, infos
        self.tweaks, self.error = {}, ""
        return True

    def info(self, name: str) -> ParameterInfo:
        return next(i for i in self.infos if i.name == name)

    def value(self, name: str) -> float:
        """The value a run would use: the tweak, else the scenario's value in force."""
        return self.tweaks.get(name, self.info(name).value)

    def set_value(self, name: str, value: float) -> bool:
        """Tweak one parameter; a name or value the CLI would refuse is refused the same way."""
        from unionsim.config.params import default_parameters

        try:
            default_parameters().with_values({name: value}, "--set")
        except Exception as exc:
            self.error = error_text(exc)
            return False
        if float(value) == self.info(name).value:
            self.tweaks.pop(name, None)   # back to the scenario's value: not a tweak any more
        else:
            self.tweaks[name] = float(value)
        self.error = ""
        return True

    def set_from_text(self, text: str) -> bool:
        """Tweak from ``name=value`` text, parsed exactly like ``--set``."""
        from unionsim.config.params import parse_set_options

        try:
            values = parse_set_options([text.strip()])
        except Exception as exc:
            self.error = error_text(exc)
            return False
        return all(self.set_value(k, v) for k, v in values.items())

    def reset(self, name: str | None = None) -> None:
        """Undo one tweak (or all)."""
        if name is None:
            self.tweaks.clear()
        else:
            self.tweaks.pop(name, None)

    # -- running
    def start_batch(self, runs: int, seed: int, *, executor: str = "process",
                    workers: int | None = None) -> Batch | None:
        """Start a batch in the background; None (with ``error`` set) if it cannot start."""
        from unionsim.errors import UsageError

        if self.current is not None and self.current.running:
            self.error = "error: a batch is running: wait for it or cancel it first"
            return None
        if self.loaded is None and not self.choose_scenario(self.scenario_ref):
            return None
        try:
            if runs < 1:
                raise UsageError(f"--runs must be at least 1 (got {runs})", field="runs")
            if seed < 0:
                raise UsageError(f"--seed must be zero or positive (got {seed})", field="seed")
        except UsageError as exc:
            self.error = error_text(exc)
            return None
        request = BatchRequest(self.scenario_ref, dict(self.tweaks), int(runs), int(seed),
                               executor, workers, loaded=self.loaded)
        folder = new_batch_folder(Path(self.runs_dir), self.loaded.name, seed, runs)
        self.error = ""
        self.current = Batch(request, folder, on_change=self._batch_changed).start()
        return self.current

    def _batch_changed(self, batch: Batch) -> None:
        if batch.status == "complete" and batch not in self.batches:
            self.batches.append(batch)
        if self.on_change is not None:
            self.on_change(batch)

    def cancel(self) -> None:
        if self.current is not None:
            self.current.cancel()

    # -- seeing
    def results(self, batch: Batch | None = None):
        """The loaded results folder of a complete batch (the current one by default)."""
        from unionsim.experiment.store import load_results

        batch = batch or self.current
        if batch is None or batch.status != "complete":
            return None
        cached = getattr(batch, "_results", None)
        if cached is None:
            cached = batch._results = load_results(batch.folder)
        return cached

    def trace(self, run: int, batch: Batch | None = None, *, verbose: bool = False) -> list[str]:
        """One run of a complete batch told month by month (``unionsim trace --results``)."""
        from unionsim.experiment.replay import replay_run
        from unionsim.analysis import trace as tr

        batch = batch or self.current
        if batch is None or batch.status != "complete":
            return ["error: run a batch first"]
        try:
            replay = replay_run(batch.folder, int(run))
        except Exception as exc:
            return [error_text(exc)]
        return list(tr.render(replay.model, verbose=verbose))

    # -- comparing
    def pin(self) -> bool:
        """Pin the current complete batch as the reference of later comparisons."""
        if self.results() is None:
            self.error = "error: only a complete batch can be pinned: run one first"
            return False
        self.reference, self.error = self.current, ""
        return True

    def comparison(self):
        """The current batch minus the reference (`unionsim.analysis.compare.Difference`)."""
        from unionsim.analysis.compare import compare_results

        if self.reference is None or self.current is self.reference:
            return None
        a, b = self.results(self.reference), self.results()
        if a is None or b is None:
            return None
        return compare_results(a, b)

    def report(self) -> Path | None:
        """Write the HTML report of the reference and the current batch (or the current alone)."""
        from unionsim.analysis.report import build_report

        folders = [b.folder for b in (self.reference, self.current)
                   if b is not None and b.status == "complete"]
        folders = list(dict.fromkeys(folders))
        if not folders:
            self.error = "error: run a batch first"
            return None
        try:
            return build_report(folders, Path(folders[-1]) / "report.html")
        except Exception as exc:
            self.error = error_text(exc)
            return None

    # -- exporting
    def export(self, folder: Path | None = None) -> tuple[Path, Path] | None:
        """Write the tweaks as a parameter overlay and as a scenario file (`unionsim.app.export`).

        With a complete batch on show, its own scenario and tweaks are exported (what reproduces
        it); before any batch, the tweaks in the controls. Files go into the batch's folder.
        """
        from unionsim.app.export import write_exports

        batch = self.current if self.results() is not None else None
        if batch is not None:
            scenario, tweaks, runs, seed = (batch.request.scenario, batch.request.tweaks,
                                            batch.request.runs, batch.request.seed)
        else:
            scenario, tweaks, runs, seed = self.scenario_ref, self.tweaks, None, None
        folder = Path(folder) if folder else (batch.folder if batch is not None
                                              else Path(self.runs_dir) / "exports")
        try:
            return write_exports(scenario, tweaks, folder, runs=runs, seed=seed)
        except Exception as exc:
            self.error = error_text(exc)
            return None


def iter_groups(infos: Sequence[ParameterInfo]) -> Iterator[tuple[str, list[ParameterInfo]]]:
    """Parameters grouped by actor (the first part of their names), in the documented order."""
    groups: dict[str, list[ParameterInfo]] = {}
    for info in infos:
        groups.setdefault(info.group, []).append(info)
    yield from groups.items()
