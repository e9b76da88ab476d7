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
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator, Sequence

from unionsim.errors import ResultsError, UnionsimError, UsageError

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
        """The slider's step (see `slider_step`)."""
        return slider_step(self.low, self.high)

    @property
    def decimals(self) -> int:
        """Decimals that show a value on the slider's grid exactly."""
        return step_decimals(self.step)

    def snap(self, value: float) -> float:
        """``value`` on the slider's grid (``low + k * step``), within the range: both ends are
        reachable exactly, and a value reads as it is stored (0.35, not 0.3494)."""
        return snap_to_grid(value, self.low, self.high, self.step)

    def show(self, value: float) -> str:
        """A value with the precision of the slider's step (a value off the grid, e.g. a
        scenario's or a typed one, keeps the digits it needs)."""
        text = f"{value:.{self.decimals}f}"
        return text if float(text) == value else f"{value:g}"


#: Slider positions at least, across a parameter's documented range.
SLIDER_POSITIONS = 50


def slider_step(low: float, high: float) -> float:
    """A round step (1, 2 or 5 times a power of ten) that divides the range into a whole number
    of at least `SLIDER_POSITIONS` steps, so that the grid ``low + k * step`` holds both ends;
    the largest such step, so that each position is a value worth telling apart."""
    import math

    span = high - low
    if not span > 0 or not math.isfinite(span):
        return 1.0
    exponent = math.floor(math.log10(span / SLIDER_POSITIONS))
    for power in range(exponent, exponent - 6, -1):
        for mantissa in (5, 2, 1):
            step = mantissa * 10.0 ** power
            steps = span / step
            if steps >= SLIDER_POSITIONS and abs(steps - round(steps)) < 1e-6 * steps:
                return round(step, 12)
    return 10.0 ** (exponent - 6)


def step_decimals(step: float) -> int:
    """Decimals of a round step: 0.05 -> 2, 0.2 -> 1, 5 -> 0."""
    import math

    return max(0, -math.floor(math.log10(step) + 1e-9))


def snap_to_grid(value: float, low: float, high: float, step: float) -> float:
    """The grid point ``low + k * step`` nearest ``value``, within [low, high], rounded to the
    step's decimals (no 0.30000000000000004)."""
    k = round((float(value) - low) / step)
    snapped = round(low + k * step, step_decimals(step) + 2)
    return min(high, max(low, snapped))


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


def check_runs_dir(path: str | Path) -> Path:
    """The app's runs folder (``--runs-dir``), checked before anything is written: a folder of
    its own that holds the app's batches, one results folder each. Refused: an empty path, the
    working directory or one of its parents (``.``, ``/``), the home folder (``~``), a file (or
    a device such as ``/dev/null``), a path under a file, and a results folder (a batch's own
    folder). A leading ``~`` is expanded as the shell does. Returns the path to use."""
    import os

    from unionsim.experiment.store import MANIFEST, MARKER

    fix = "give a folder for the app's batches, e.g. --runs-dir runs/app"
    text = str(path).strip()
    if not text:
        raise ResultsError("--runs-dir is empty", field="runs_dir", hint=fix)
    path = Path(text).expanduser()
    resolved = Path(os.path.abspath(path))
    cwd = Path(os.path.abspath(os.getcwd()))
    home = Path(os.path.abspath(os.path.expanduser("~")))
    if resolved == cwd or resolved in cwd.parents or resolved == home or \
            resolved == Path(resolved.anchor):
        raise ResultsError(f"--runs-dir '{text}' is the working directory, one of its parents or "
                           f"the home folder; the app's batches need a folder of their own",
                           field="runs_dir", hint=fix)
    for p in (resolved, *resolved.parents):
        if p.exists() or p.is_symlink():
            if not p.is_dir():
                where = "is not a folder" if p == resolved else f"is under a file ({p})"
                raise ResultsError(f"--runs-dir '{text}' {where}", field="runs_dir", hint=fix)
            break
    if (resolved / MANIFEST).exists() or (resolved / MARKER).exists():
        raise ResultsError(f"--runs-dir '{text}' is a batch's results folder; the app writes a "
                           f"results folder per batch inside its runs folder", field="runs_dir",
                           hint=fix)
    return path


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

#: What the scenario box accepts, in the page's words.
SCENARIO_RULE = ("the app opens a shipped scenario by name, or a scenario file (.yaml or .yml) "
                 "under the folder it was started in or under its runs folder")
#: A scenario file larger than this is refused before it is read.
MAX_SCENARIO_BYTES = 1024 * 1024


def check_scenario_ref(ref: str, runs_dir: Path) -> str:
    """The scenario box's rule (`SCENARIO_RULE`): a shipped name, or a .yaml/.yml file under the
    working directory or ``runs_dir`` (symbolic links resolved first) that looks like a scenario.

    A file that is not a scenario (a mapping of the scenario's own keys with a ``name`` or an
    ``extends``) is refused without a word of its content: the page may be seen by others, and
    the file may hold anything. Returns the reference to load.
    """
    import yaml

    from unionsim.config.scenario import shipped_scenarios
    from unionsim.config.schema import Scenario
    from unionsim.errors import InputFileError, ScenarioError, UsageError

    ref = ref.strip()
    if ref in {p.stem for p in shipped_scenarios()}:
        return ref
    path = Path(ref).expanduser()
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise UsageError(f"'{ref}' is neither a shipped scenario nor a .yaml file",
                         field="scenario", hint=SCENARIO_RULE)
    resolved = (Path.cwd() / path).resolve()
    roots = [Path.cwd().resolve(), Path(runs_dir).expanduser().resolve()]
    if not any(resolved.is_relative_to(root) for root in roots):
        raise UsageError(f"'{ref}' is outside the folders the app reads scenarios from "
                         f"({roots[0]} and {roots[1]})", field="scenario", hint=SCENARIO_RULE)
    if not resolved.is_file():
        raise InputFileError("scenario file not found", file=ref, field="scenario",
                             hint=SCENARIO_RULE)
    if resolved.stat().st_size > MAX_SCENARIO_BYTES:
        raise InputFileError(f"this file is larger than {MAX_SCENARIO_BYTES // 1024} KB: not a "
                             f"scenario", file=ref, field="scenario", hint=SCENARIO_RULE)
    try:
        data = yaml.safe_load(resolved.read_bytes())
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError):
        data = None   # the loader says where the file is malformed (file and line only)
    else:
        keys = set(data) if isinstance(data, dict) else set()
        if not (keys & {"name", "extends"} and all(isinstance(k, str) for k in keys)
                and keys <= set(Scenario.model_fields)):
            raise ScenarioError("this file is not a scenario (its top level is not a mapping "
                                "of a scenario's keys with a name)", file=ref, field="scenario",
                                hint="`unionsim schema` describes a scenario file; "
                                     + SCENARIO_RULE)
    return str(path)


#: Seconds a session's background thread waits for work before it ends (it starts again on
#: demand).
IDLE_SECONDS = 60.0
#: Seconds a figure waits at most for the page's redraw in progress before it is drawn.
PAGE_FIRST_SECONDS = 3.0


class Notifier:
    """Calls ``callback`` in a thread of its own after `poke`, coalescing pokes that come while
    it runs: a batch never waits for the page to redraw, and a slow redraw is followed by one
    more, not by one per change that came meanwhile."""

    def __init__(self, callback: Callable[[], None]):
        self.callback = callback
        self.idle = threading.Event()   # clear while the callback (a redraw) runs
        self.idle.set()
        self._event = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def poke(self) -> None:
        with self._lock:
            self._event.set()
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="page updates",
                                                daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        while True:
            if not self._event.wait(IDLE_SECONDS):
                with self._lock:     # idle: end (a closed page leaves no thread behind)
                    if not self._event.is_set():
                        self._thread = None
                        return
            self._event.clear()
            self.idle.clear()
            try:
                self.callback()
            except Exception:   # a closed page must not stop the updates of another
                pass
            finally:
                self.idle.set()


class FigureCache:
    """PNG figures drawn in one background thread, newest request first, each drawn once.

    The page asks for a figure while it renders; it gets the PNG if it is ready, else None (the
    figure is queued) and ``on_ready`` is called when it is. So a redraw never waits for
    matplotlib, and a figure nobody looks at is never drawn.
    """

    def __init__(self, on_ready: Callable[[], None] | None = None, keep: int = 24,
                 page_idle: threading.Event | None = None):
        import queue

        self.on_ready = on_ready
        self.page_idle = page_idle
        self.keep = keep
        self._done: dict[tuple, bytes | str] = {}
        self._queued: set[tuple] = set()
        self._queue: "queue.LifoQueue" = queue.LifoQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.drawn = 0            # how many figures were drawn (for tests and the benchmark)

    def get(self, key: tuple, draw: Callable[[], bytes]) -> bytes | str | None:
        """The PNG bytes (or the error text of a failed drawing), or None while queued."""
        with self._lock:
            if key in self._done:
                return self._done[key]
            if key not in self._queued:
                self._queued.add(key)
                self._queue.put((key, draw))
                if self._thread is None:
                    self._thread = threading.Thread(target=self._loop, name="figures",
                                                    daemon=True)
                    self._thread.start()
        return None

    def _loop(self) -> None:
        import queue

        while True:
            try:
                key, draw = self._queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._lock:     # idle: end (a closed page leaves no thread behind)
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            if self.page_idle is not None:
                # let the redraw that asked for the figure reach the page first (drawing holds
                # the interpreter lock for most of a second), but never wait long for it
                self.page_idle.wait(PAGE_FIRST_SECONDS)
            try:
                png: bytes | str = draw()
            except Exception as exc:   # the page shows the error in the figure's place
                png = error_text(exc)
            with self._lock:
                self.drawn += 1
                self._queued.discard(key)
                self._done[key] = png
                while len(self._done) > self.keep:   # the oldest figures go first
                    self._done.pop(next(iter(self._done)))
            if self.on_ready is not None:
                try:
                    self.on_ready()
                except Exception:
                    pass


def _whole_number(value: int | str | None, option: str) -> int:
    """A box's text (or a number) as a whole number, refused as the CLI refuses ``--OPTION``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip()
    try:
        return int(text)
    except ValueError:
        raise UsageError(f"--{option} must be a whole number (got '{text[:40]}')" if text
                         else f"--{option} is empty", field=option,
                         hint="type a whole number, e.g. 200") from None


def _notifies(method):
    """A session method whose effect the page must show: it calls `Session.changed` after it
    ran, whatever the outcome (an error is news too). The page's controls call these methods
    directly, so their callbacks stay the same objects from one redraw to the next."""
    import functools

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        finally:
            self.changed()

    return wrapper


#: What the Runs box holds at first.
DEFAULT_RUNS = 200


@dataclass
class Session:
    """One user's explorer: the scenario, the tweaks, the batches, the pinned reference.

    Everything the page shows and runs is read from here at the moment it is needed: the Run
    button starts the batch of the committed ``runs``, ``seed`` and ``tweaks``, and the page's
    "Same as" line is `command_line` of the same state, so the two cannot disagree.
    """

    runs_dir: Path = DEFAULT_RUNS_DIR
    scenario_ref: str = "baseline"
    loaded: object | None = None
    infos: list[ParameterInfo] = field(default_factory=list)
    tweaks: dict[str, float] = field(default_factory=dict)
    runs: int = DEFAULT_RUNS
    seed: int = 1
    executor: str = "process"
    error: str = ""
    current: Batch | None = None
    batches: list[Batch] = field(default_factory=list)
    reference: Batch | None = None
    on_change: Callable[[Batch | None], None] | None = None
    version: int = 0          # grows with every change the page must show
    refused: dict[str, str] = field(default_factory=dict)   # box -> text it refused

    def __post_init__(self) -> None:
        self._notifier = Notifier(self._notify)
        self.figures = FigureCache(on_ready=self.changed, page_idle=self._notifier.idle)

    def changed(self) -> None:
        """Something the page shows changed: redraw soon, from the updates thread (coalesced)."""
        self.version += 1
        if self.on_change is not None:
            self._notifier.poke()

    def _notify(self) -> None:
        if self.on_change is not None:
            self.on_change(self.current)

    # -- picking and tweaking
    @_notifies
    def choose_scenario(self, ref: str) -> bool:
        """Load a shipped scenario (by name) or a scenario file (see `check_scenario_ref`); on
        error keep the old one."""
        from unionsim.config.scenario import load_scenario

        try:
            ref = check_scenario_ref(ref, self.runs_dir)
            loaded = load_scenario(ref)
            infos = parameter_infos(loaded)
        except Exception as exc:
            self.error = error_text(exc)
            return False
        self.scenario_ref, self.loaded, self.infos = ref, loaded, infos
        self.tweaks, self.error = {}, ""
        return True

    def info(self, name: str) -> ParameterInfo:
        return next(i for i in self.infos if i.name == name)

    def value(self, name: str) -> float:
        """The value a run would use: the tweak, else the scenario's value in force."""
        return self.tweaks.get(name, self.info(name).value)

    @_notifies
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

    def move(self, name: str, value: float) -> bool:
        """A slider moved: the value snapped to the slider's grid (`ParameterInfo.snap`)."""
        return self.set_value(name, self.info(name).snap(value))

    @_notifies
    def set_from_text(self, text: str) -> bool:
        """Tweak from ``name=value`` text, parsed exactly like ``--set``."""
        from unionsim.config.params import parse_set_options

        if not text.strip():
            self.error = ("error: type name=value, e.g. minsk.sovereignty_weight=0.5 "
                          "(`unionsim params` lists the names)")
            return False
        try:
            values = parse_set_options([text.strip()])
        except Exception as exc:
            self.error = error_text(exc)
            return False
        return all(self.set_value(k, v) for k, v in values.items())

    @_notifies
    def reset(self, name: str | None = None) -> None:
        """Undo one tweak (or all)."""
        if name is None:
            self.tweaks.clear()
        else:
            self.tweaks.pop(name, None)

    # -- running
    @_notifies
    def set_runs(self, runs: int | str | None) -> bool:
        """Commit the Runs box (a number, or its text); a count the CLI would refuse is refused
        the same way."""
        from unionsim.experiment.plan import check_run_count

        try:
            value = _whole_number(runs, "runs")
            check_run_count(value)
        except Exception as exc:
            self.error, self.refused["runs"] = error_text(exc), str(runs)
            return False
        self.runs, self.error = value, ""
        self.refused.pop("runs", None)
        return True

    @_notifies
    def set_seed(self, seed: int | str | None) -> bool:
        """Commit the Seed box (a whole number, zero or positive, as ``--seed``)."""
        try:
            value = _whole_number(seed, "seed")
            if value < 0:
                raise UsageError(f"--seed must be zero or positive (got {value})", field="seed")
        except Exception as exc:
            self.error, self.refused["seed"] = error_text(exc), str(seed)
            return False
        self.seed, self.error = value, ""
        self.refused.pop("seed", None)
        return True

    @_notifies
    def set_executor(self, name: str) -> None:
        """Commit the Executor choice (``process`` or ``serial``)."""
        self.executor = name

    def command_line(self) -> str:
        """The ``unionsim run`` command that makes the batch the Run button would start."""
        sets = "".join(f" --set {k}={v:g}" for k, v in self.tweaks.items())
        return f"unionsim run {self.scenario_ref} --runs {self.runs} --seed {self.seed}{sets}"

    @_notifies
    def start_batch(self, runs: int | None = None, seed: int | None = None, *,
                    executor: str | None = None, workers: int | None = None) -> Batch | None:
        """Start a batch in the background; None (with ``error`` set) if it cannot start.

        Without arguments, the committed state (``runs``, ``seed``, ``executor``, ``tweaks``):
        what the page shows. Arguments commit new values first, as the boxes do.
        """
        if self.current is not None and self.current.running:
            self.error = "error: a batch is running: wait for it or cancel it first"
            return None
        if self.refused:
            field, text = next(iter(self.refused.items()))
            self.error = (f"error: field '{field}': the {field.capitalize()} box holds "
                          f"'{text[:40]}', which was refused; the batch would not be the one "
                          f"shown\n  fix: correct the box (Enter takes it), then press Run")
            return None
        if self.loaded is None and not self.choose_scenario(self.scenario_ref):
            return None
        if runs is not None and not self.set_runs(runs):
            return None
        if seed is not None and not self.set_seed(seed):
            return None
        if executor is not None:
            self.executor = executor
        request = BatchRequest(self.scenario_ref, dict(self.tweaks), self.runs, self.seed,
                               self.executor, workers, loaded=self.loaded)
        try:
            folder = new_batch_folder(check_runs_dir(self.runs_dir), self.loaded.name,
                                      self.seed, self.runs)
        except Exception as exc:
            self.error = error_text(exc)
            return None
        self.error = ""
        self.current = Batch(request, folder, on_change=self._batch_changed).start()
        return self.current

    def _batch_changed(self, batch: Batch) -> None:
        if batch.status == "complete" and batch not in self.batches:
            self.batches.append(batch)
        self.changed()

    @_notifies
    def cancel(self) -> None:
        if self.current is not None:
            self.current.cancel()

    # -- seeing
    def results(self, batch: Batch | None = None):
        """The loaded results folder of a complete batch (the current one by default)."""
        batch = batch or self.current
        if batch is None or batch.status != "complete":
            return None
        return batch.results()

    def figure(self, batch: Batch, name: str, draw: Callable[[], object]) -> bytes | str | None:
        """The PNG of one figure of a batch, drawn in the background (`FigureCache`): None until
        it is ready, then the bytes (or the error text if drawing failed). ``draw`` returns a
        matplotlib Figure."""
        from unionsim.analysis.figures import png_bytes

        return self.figures.get((str(batch.folder), batch.done, batch.status, name),
                                lambda: png_bytes(draw()))

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
    @_notifies
    def pin(self) -> bool:
        """Pin the current complete batch as the reference of later comparisons."""
        if self.results() is None:
            self.error = "error: only a complete batch can be pinned: run one first"
            return False
        self.reference, self.error = self.current, ""
        return True

    def comparison(self):
        """The current batch minus the reference (`unionsim.analysis.compare.Difference`),
        computed once per pair of batches."""
        from unionsim.analysis.compare import compare_results

        if self.reference is None or self.current is self.reference:
            return None
        a, b = self.results(self.reference), self.results()
        if a is None or b is None:
            return None
        key = (a.path, b.path)
        if getattr(self, "_comparison", (None, None))[0] != key:
            self._comparison = (key, compare_results(a, b))
        return self._comparison[1]

    def report_folders(self) -> list[Path]:
        """The folders the HTML report covers: the reference and the current batch."""
        folders = [b.folder for b in (self.reference, self.current)
                   if b is not None and b.status == "complete"]
        return list(dict.fromkeys(folders))

    def report(self) -> Path | None:
        """Write the HTML report of the reference and the current batch (or the current alone)
        into the current batch's folder; None (with ``error`` set) on failure. Takes seconds
        (it draws every figure): the page calls `start_report`."""
        from unionsim.app.export import check_writable, write_text_in
        from unionsim.analysis.report import build_report

        folders = self.report_folders()
        if not folders:
            self.error = "error: run a batch first"
            return None
        folder = Path(folders[-1])
        tmp = folder / f".report.html.tmp-{threading.get_ident()}"
        try:
            check_inside(folder, self.runs_dir)
            check_writable(folder, "report.html")     # before the minutes spent drawing
            html = build_report(folders, tmp).read_text(encoding="utf-8")
            return write_text_in(folder, "report.html", html)
        except Exception as exc:
            self.error = error_text(exc)
            return None
        finally:
            tmp.unlink(missing_ok=True)

    @_notifies
    def start_report(self) -> bool:
        """Write the report in the background; ``report_state`` says how it goes ("writing",
        "done" with ``report_path``, or "failed" with ``error``)."""
        if getattr(self, "report_state", "") == "writing":
            return False
        if not self.report_folders():
            self.error = "error: run a batch first"
            return False
        self.report_state, self.report_path = "writing", None
        self.report_started = time.perf_counter()

        def write() -> None:
            path = self.report()
            self.report_path, self.report_state = path, ("done" if path else "failed")
            self.report_seconds = time.perf_counter() - self.report_started
            self.changed()

        threading.Thread(target=write, name="report", daemon=True).start()
        return True

    # -- exporting
    @_notifies
    def export(self, folder: Path | None = None) -> tuple[Path, Path] | None:
        """Write the tweaks as a parameter overlay and as a scenario file (`unionsim.app.export`).

        With a complete batch on show, its own scenario and tweaks are exported (what reproduces
        it); before any batch, the tweaks in the controls. Files go into the batch's folder (or
        ``exports/`` in the runs folder), never through a link out of the runs folder.
        """
        from unionsim.app.export import write_exports

        batch = self.current if self.results() is not None else None
        if batch is not None:
            scenario, tweaks, runs, seed = (batch.request.scenario, batch.request.tweaks,
                                            batch.request.runs, batch.request.seed)
        else:
            scenario, tweaks, runs, seed = self.scenario_ref, self.tweaks, None, None
        chosen = folder is not None     # a caller's own folder (Python); the page never does
        folder = Path(folder) if chosen else (batch.folder if batch is not None
                                              else Path(self.runs_dir) / "exports")
        try:
            if not chosen:
                check_inside(folder, self.runs_dir)
            return write_exports(scenario, tweaks, folder, runs=runs, seed=seed)
        except Exception as exc:
            self.error = error_text(exc)
            return None


def check_inside(folder: Path, runs_dir: Path) -> None:
    """Refuse to write into ``folder`` unless it is inside the runs folder once links are
    resolved (a link planted in the runs folder must not lead the app's writes elsewhere)."""
    root = Path(runs_dir).expanduser().resolve()
    target = Path(folder).resolve()
    if not target.is_relative_to(root) or Path(folder).is_symlink():
        raise ResultsError(f"{folder} leads outside the app's runs folder ({root}) through a "
                           f"symbolic link; unionsim does not write through links",
                           file=folder, hint="remove the link, or start the app with another "
                                             "--runs-dir")


def iter_groups(infos: Sequence[ParameterInfo]) -> Iterator[tuple[str, list[ParameterInfo]]]:
    """Parameters grouped by actor (the first part of their names), in the documented order."""
    groups: dict[str, list[ParameterInfo]] = {}
    for info in infos:
        groups.setdefault(info.group, []).append(info)
    yield from groups.items()
