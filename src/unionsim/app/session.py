"""The state of one explorer session: the scenario, tweaks, runs and seed the page shows, the
batches it started (`unionsim.app.batches`), the pinned reference, exports and the report.

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
from pathlib import Path
from typing import Callable

from unionsim.app.background import FigureCache, Notifier
from unionsim.app.batches import Batch, BatchRequest, error_text
from unionsim.app.controls import ParameterInfo, parameter_infos
from unionsim.app.folders import (check_inside, check_runs_dir, check_scenario_ref,
                                  new_batch_folder)
from unionsim.config.scenario import policy_options
from unionsim.errors import UsageError

#: Where the app's batches go (under the folder the app was started in), like ``runs/`` for the CLI.
DEFAULT_RUNS_DIR = Path("runs") / "app"
#: The server passes the app's results folder to the page in this environment variable.
RUNS_DIR_ENV = "UNIONSIM_APP_RUNS"


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


def seed_from_box(seed: int | str | None) -> int:
    """A Seed box's value: a whole number, zero or positive, refused as ``--seed`` is."""
    value = _whole_number(seed, "seed")
    if value < 0:
        raise UsageError(f"--seed must be zero or positive (got {value})", field="seed")
    return value


def commit_box(owner, box: str, text, parse: Callable[[object], int]) -> int | None:
    """Commit one of the page's boxes into ``owner`` (a session with ``error`` and
    ``refused``): the value ``parse(text)`` gives, or None when ``parse`` refuses the text, which
    is then kept in ``owner.refused[box]`` (the page marks the box, Run waits for it) with the
    CLI's error text in ``owner.error``."""
    try:
        value = parse(text)
    except Exception as exc:
        owner.error, owner.refused[box] = error_text(exc), str(text)
        return None
    owner.error = ""
    owner.refused.pop(box, None)
    return value


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
    # policies added here (ACTOR.DECISION -> the policy as written, e.g. "refuse" or
    # {"avoid": ["ease"]}); they replace the scenario's own for the same decision, as --policy
    policies: dict[str, object] = field(default_factory=dict)
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
        self.tweaks, self.policies, self.error = {}, {}, ""
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

    # -- policies
    @_notifies
    def set_policy_from_text(self, text: str) -> bool:
        """Give one decision a policy from ``ACTOR.DECISION=POLICY`` text, parsed and checked
        exactly like ``--policy``; ``ACTOR.DECISION=model`` gives the decision back to the
        actor's own logit."""
        from unionsim.config.scenario import parse_policy_options, with_policies

        if not text.strip():
            self.error = ("error: type ACTOR.DECISION=POLICY, e.g. minsk.base_answer=refuse "
                          "(docs/model.md, 'Policies', lists the decisions and their options)")
            return False
        if self.loaded is None and not self.choose_scenario(self.scenario_ref):
            return False
        try:
            parsed = parse_policy_options([text.strip()])
            with_policies(self.loaded, parsed)
        except Exception as exc:
            self.error = error_text(exc)
            return False
        self.policies.update(parsed)
        self.error = ""
        return True

    @_notifies
    def clear_policies(self) -> None:
        """Drop the policies added here (the scenario's own stay in force)."""
        self.policies.clear()

    def policy_lines(self) -> list[tuple[str, str, str]]:
        """Every policy in force for the next batch: (key, what it does, where it comes from),
        the scenario's own first, then those added here (which replace the scenario's)."""
        from unionsim.config.scenario import with_policies

        if self.loaded is None:
            return []
        merged = with_policies(self.loaded, self.policies).spec.policies
        return [(key, policy.describe(), "added here" if key in self.policies else "the scenario")
                for key, policy in merged.items()]

    def _loaded_with_policies(self):
        from unionsim.config.scenario import with_policies

        return with_policies(self.loaded, self.policies)

    # -- running
    @_notifies
    def set_runs(self, runs: int | str | None) -> bool:
        """Commit the Runs box (a number, or its text); a count the CLI would refuse is refused
        the same way."""
        from unionsim.experiment.plan import check_run_count

        def parse(text) -> int:
            value = _whole_number(text, "runs")
            check_run_count(value)
            return value

        value = commit_box(self, "runs", runs, parse)
        if value is None:
            return False
        self.runs = value
        return True

    @_notifies
    def set_seed(self, seed: int | str | None) -> bool:
        """Commit the Seed box (a whole number, zero or positive, as ``--seed``)."""
        value = commit_box(self, "seed", seed, seed_from_box)
        if value is None:
            return False
        self.seed = value
        return True

    @_notifies
    def set_executor(self, name: str) -> None:
        """Commit the Executor choice (``process`` or ``serial``)."""
        self.executor = name

    def command_line(self) -> str:
        """The ``unionsim run`` command that makes the batch the Run button would start."""
        sets = "".join(f" --set {k}={v:g}" for k, v in self.tweaks.items())
        return (f"unionsim run {self.scenario_ref} --runs {self.runs} --seed {self.seed}{sets}"
                + policy_options(self.policies))

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
        try:
            loaded = self._loaded_with_policies()
        except Exception as exc:
            self.error = error_text(exc)
            return None
        request = BatchRequest(self.scenario_ref, dict(self.tweaks), self.runs, self.seed,
                               self.executor, workers, loaded=loaded,
                               policies=dict(self.policies))
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
        from unionsim.analysis.outputs import png_bytes

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
        from unionsim.analysis.outputs import REPORT_NAME
        from unionsim.analysis.report import report_html
        from unionsim.guard import checked_entry, write_text

        folders = self.report_folders()
        if not folders:
            self.error = "error: run a batch first"
            return None
        folder = Path(folders[-1])
        try:
            check_inside(folder, self.runs_dir)
            checked_entry(folder, REPORT_NAME, "file")     # before the minutes spent drawing
            return write_text(folder, REPORT_NAME, report_html(folders))
        except Exception as exc:
            self.error = error_text(exc)
            return None

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
        """Write the tweaks as a parameter overlay and, with the policies, as a scenario file
        (`unionsim.app.export`).

        With a complete batch on show, its own scenario and tweaks are exported (what reproduces
        it); before any batch, the tweaks in the controls. Files go into the batch's folder (or
        ``exports/`` in the runs folder), never through a link out of the runs folder.
        """
        from unionsim.app.export import write_exports

        batch = self.current if self.results() is not None else None
        if batch is not None:
            scenario, tweaks, policies, runs, seed = (
                batch.request.scenario, batch.request.tweaks, batch.request.policies,
                batch.request.runs, batch.request.seed)
        else:
            scenario, tweaks, policies, runs, seed = (self.scenario_ref, self.tweaks,
                                                      self.policies, None, None)
        try:
            if folder is None:   # the page's exports; a caller's own folder (Python) is theirs
                folder = check_inside(batch.folder if batch is not None
                                      else check_runs_dir(self.runs_dir) / "exports",
                                      self.runs_dir)
            return write_exports(scenario, tweaks, Path(folder), runs=runs, seed=seed,
                                 policies=policies)
        except Exception as exc:
            self.error = error_text(exc)
            return None
