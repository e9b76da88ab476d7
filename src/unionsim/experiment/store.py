"""The results folder: a manifest and Parquet files, written so that nothing finished is lost.

Layout of a results folder::

    manifest.json        what was run and how (scenario, parameters, seeds, version, timings)
    outcomes.parquet     one row per run: run, seed, status, error, outcome, flags, indicators
    timeseries.parquet   one row per run and month: run, month, date, indicators
    decisions.parquet    how often each actor took each decision in each run
    parts/               finished chunks, written while the batch runs

Every file is written to a temporary name and renamed into place, so a killed batch leaves only
whole files behind; a part counts only once its outcomes file (written last) exists, and
`ResultsStore.reopen` removes what a killed batch left half-done. The final files are merged from
the parts once every run is done (see `unionsim.experiment.parts` for the layout).
"""

from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any

from unionsim.errors import ResultsError
from unionsim.guard import (LOCK, check_out_dir, checked_entry, claim_folder, folder_lock,
                            make_dir, mark_folder, read_entry_bytes, remove_layout, write_bytes,
                            write_error)
from unionsim.guard import write_json as _write_json_in
from unionsim.guard.entries import TMP_PATTERN
from unionsim.experiment.parts import (DECISIONS_KIND, OUTCOMES_KIND, TIMESERIES_KIND,
                                       WRITE_ORDER, EncodedPart, merge_parts)

MANIFEST = "manifest.json"
OUTCOMES = "outcomes.parquet"
TIMESERIES = "timeseries.parquet"
DECISIONS = "decisions.parquet"
PARTS = "parts"
KIND = "results"
MARKER = ".unionsim-results"  # written first: this folder was made by unionsim
PLOTS = "plots"               # `unionsim plot`'s default output inside the folder
# the other analysis commands' default outputs inside the folder (stale once it is replaced)
ANALYSES = ("sensitivity", "discovery", "compare", "report.html")
FORMAT_VERSION = 1
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
_ANALYSIS_FILES = {"*.png": None, "*.csv": None, "*.json": None, ".unionsim-*": None,
                   TMP_PATTERN: None}
PARTS_LAYOUT = {"part-*.parquet": None, TMP_PATTERN: None}
# What `--force` may delete: only the entries unionsim itself writes into a results folder, and
# inside its subfolders only the files it writes there.
RESULTS_LAYOUT = {MANIFEST: None, OUTCOMES: None, TIMESERIES: None, DECISIONS: None,
                  MARKER: None, "report.html": None, TMP_PATTERN: None, PARTS: PARTS_LAYOUT,
                  PLOTS: _ANALYSIS_FILES, "sensitivity": _ANALYSIS_FILES,
                  "discovery": _ANALYSIS_FILES, "compare": _ANALYSIS_FILES,
                  # the app's exports of the batch it shows (a stale pair would misdescribe it)
                  "tweaks.params.yaml": None, "tweaks.scenario.yaml": None}
TOOL_ENTRIES = (MANIFEST, OUTCOMES, TIMESERIES, DECISIONS, PARTS, MARKER, PLOTS, *ANALYSES)
# Keys every manifest has; a manifest without them is damaged or not unionsim's.
MANIFEST_KEYS = ("format_version", "status", "scenario", "n_runs", "master_seed")
# The types of the fields a resume and the analyses rely on (checked when present).
MANIFEST_TYPES = {"format_version": (int,), "status": (str,), "n_runs": (int,),
                  "master_seed": (int,), "parameters": (dict,), "timeseries": (bool,),
                  "sampler": (str, type(None)), "fingerprint": (str,),
                  "sampled_parameters": (list,), "changed_parameters": (dict,),
                  "resumes": (list,)}


def _atomic_write_bytes(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Write ``path`` whole, never through a link (see `unionsim.guard.write_bytes`).

    ``sync`` also flushes to the disk (the manifest); parts skip it, since a part lost to a power
    cut is simply run again on --resume."""
    write_bytes(path.parent, path.name, data, sync=sync)


def write_json(path: Path, data: dict) -> None:
    """Write JSON atomically, never through a link."""
    _write_json_in(path.parent, path.name, data)


class ResultsStore:
    """Writes one results folder: creates it, takes finished parts, assembles the final files."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    # ------------------------------------------------------------------ creating and reopening
    @classmethod
    def create(cls, path: str | Path, manifest: dict, *, force: bool = False) -> "ResultsStore":
        """Create the folder and write a manifest marked 'running'.

        An existing results folder is never overwritten by accident: ``force`` replaces it, and
        then only the files unionsim wrote are deleted. A folder holding anything else is
        refused, with or without ``force``. A folder whose batch never got its manifest written
        (a full disk at the start) and holds no finished runs is simply started again.
        """
        path = check_out_dir(path)
        if has_content(path):
            kind = folder_kind(path)
            if kind == "foreign":
                raise foreign_folder_error(path)
            if kind == "results" and not force:
                raise ResultsError(f"results folder already exists ({describe_folder(path)})",
                                   file=path,
                                   hint="repeat the command with --resume (resume=True in Python) "
                                        "to finish an interrupted batch, add --force (force=True) "
                                        "to replace it, or choose another --out")
            if kind == "damaged" and not force:
                raise damaged_folder_error(path)
            remove_tool_entries(path)
        mark_folder(path, KIND)
        store = cls(path)
        make_dir(path, PARTS)
        write_json(path / MANIFEST, {**manifest, "status": "running"})
        return store

    @classmethod
    def reopen(cls, path: str | Path) -> "ResultsStore":
        """Open an interrupted folder to finish it: remove what a killed batch left half-written.

        Temporary files (``.*.tmp-*``) are deleted, and so are part files whose outcomes file is
        missing: a part counts only once its outcomes file, written last, exists. Their runs are
        then simply run again.
        """
        store = cls(path)
        store.manifest()  # fails clearly if this is not a results folder
        parts = make_dir(store.path, PARTS)
        remove_layout(store.path, {TMP_PATTERN: None})
        remove_layout(parts, {TMP_PATTERN: None})
        names = part_names(parts)
        finished = {n.split(".")[0] for n in names if n.endswith(f".{OUTCOMES_KIND}.parquet")}
        remove_layout(parts, {n: None for n in names if n.split(".")[0] not in finished})
        return store

    def manifest(self) -> dict:
        return read_manifest(self.path)

    @property
    def start(self) -> str:
        """The scenario's start month (labels the time series)."""
        if not hasattr(self, "_start"):
            self._start = self.manifest()["scenario"]["spec"]["start"]
        return self._start

    def update_manifest(self, **changes: Any) -> None:
        write_json(self.path / MANIFEST, {**self.manifest(), **changes})

    # ------------------------------------------------------------------ parts
    def write_encoded(self, part: EncodedPart) -> Path:
        """Write a part encoded elsewhere (e.g. in a worker). Each file is written to a temporary
        name and renamed; the outcomes file comes last, so a part counts as done only once all
        its files exist."""
        parts = self.path / PARTS
        for kind in WRITE_ORDER:
            if kind in part.files:
                _atomic_write_bytes(parts / f"{part.stem}.{kind}.parquet", part.files[kind],
                                    sync=False)
        return parts / f"{part.stem}.{OUTCOMES_KIND}.parquet"

    def done_runs(self) -> set[int]:
        """Runs already stored in finished parts (for resuming). A damaged part (a disk error,
        an edit) is deleted with its siblings: its runs are simply run again."""
        import pyarrow.parquet as pq

        done: set[int] = set()
        parts = checked_entry(self.path, PARTS, "dir")
        for name in part_names(parts):
            if not name.endswith(f".{OUTCOMES_KIND}.parquet"):
                continue
            f = checked_entry(parts, name, "file")
            try:
                done.update(pq.read_table(f, columns=["run"]).column("run").to_pylist())
            except Exception:  # noqa: BLE001 - pyarrow raises several kinds for a bad file
                stem = name.split(".")[0]
                remove_layout(parts, {f"{stem}.*.parquet": None})
        return done

    # ------------------------------------------------------------------ finishing
    def finalize(self, **manifest_changes: Any) -> dict:
        """Assemble the final files from the parts, sorted by run, and mark the folder complete.

        Refuses unless every planned run is stored exactly once. Memory stays bounded: the parts
        are streamed into the final files one at a time.
        """
        parts = checked_entry(self.path, PARTS, "dir")
        outcome_files = part_files(parts, OUTCOMES_KIND)
        if not outcome_files:
            raise ResultsError("no finished runs to assemble", file=self.path)
        status: dict[str, int] = {}
        n_rows = merge_parts(outcome_files, self.path / OUTCOMES, OUTCOMES_KIND,
                             status_counts=status)
        expected = self.manifest().get("n_runs")
        if expected is not None and n_rows != expected:
            (self.path / OUTCOMES).unlink(missing_ok=True)
            raise ResultsError(f"not all runs have completed: expected {expected}, got {n_rows}",
                               file=self.path, hint="finish the batch with --resume")
        merge_parts(part_files(parts, DECISIONS_KIND), self.path / DECISIONS, DECISIONS_KIND)
        ts_files = part_files(parts, TIMESERIES_KIND)
        if ts_files:
            merge_parts(ts_files, self.path / TIMESERIES, TIMESERIES_KIND)
        self.update_manifest(status="complete", runs_ok=int(status.get("ok", 0)),
                             runs_failed=int(status.get("failed", 0)),
                             finished=now_iso(), **manifest_changes)
        remove_layout(self.path, {PARTS: PARTS_LAYOUT})
        return self.manifest()


def part_names(parts: Path) -> list[str]:
    """The names of the part files in ``parts/`` (sorted), each checked to be no link."""
    try:
        names = sorted(e.name for e in os.scandir(parts) if e.name.startswith("part-")
                       and e.name.endswith(".parquet"))
    except OSError as exc:
        raise write_error(exc, parts) from None
    for name in names:
        checked_entry(parts, name, "file")
    return names


def part_files(parts: Path, kind: str) -> list[Path]:
    """The part files of one kind, sorted, none of them a link."""
    return [parts / n for n in part_names(parts) if n.endswith(f".{kind}.parquet")]


def describe_folder(path: Path) -> str:
    """A short account of a results folder's state, for messages."""
    try:
        m = read_manifest(path)
    except ResultsError:
        return "not a results folder"
    status = m.get("status", "unknown")
    if status == "complete":
        return f"a complete batch of {m.get('n_runs')} runs"
    if status == "running":
        return f"an unfinished batch of {m.get('n_runs')} runs"
    return f"status: {status}"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def environment() -> dict:
    """Versions that matter for reproducing a batch."""
    from importlib.metadata import PackageNotFoundError, version

    def v(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    return {"unionsim": v("unionsim"), "mesa": v("mesa"), "numpy": v("numpy"),
            "pydantic": v("pydantic"), "pyarrow": v("pyarrow"),
            "python": sys.version.split()[0], "platform": platform.platform()}


# --------------------------------------------------------------------------- reading

def read_manifest(path: str | Path) -> dict:
    """The manifest of a results folder; a missing or damaged one is a clear `ResultsError`."""
    path = Path(path)
    if not path.is_dir():
        if path.exists():
            raise ResultsError("expected a results folder, got a file", file=path,
                               hint="give the folder `unionsim run` printed (under runs/)")
        raise ResultsError("results folder not found", file=path,
                           hint="give the folder `unionsim run` printed (under runs/)")
    f = path / MANIFEST
    if not f.exists() and not f.is_symlink():
        raise ResultsError("not a results folder: manifest.json is missing", file=path,
                           hint="give the folder `unionsim run` printed (under runs/)")
    damaged = ("repeat the command that made the folder with --force (force=True in Python) to "
               "run it again, or choose another --out")
    try:
        if f.is_symlink() or not f.is_file() or f.stat().st_size > MAX_MANIFEST_BYTES:
            raise ResultsError("manifest.json is not a regular file of a sensible size",
                               file=f, hint=damaged)
        data = json.loads(read_entry_bytes(path, MANIFEST, MAX_MANIFEST_BYTES).decode("utf-8"))
    except UnicodeDecodeError:
        raise ResultsError("manifest.json is damaged: it is not text", file=f,
                           hint=damaged) from None
    except json.JSONDecodeError as exc:
        raise ResultsError(f"manifest.json is damaged: not valid JSON ({exc.msg})", file=f,
                           line=exc.lineno, hint=damaged) from None
    except (OSError, RecursionError) as exc:
        raise ResultsError(f"cannot read manifest.json ({exc})", file=f, hint=damaged) from None
    if not isinstance(data, dict):
        raise ResultsError(f"manifest.json is damaged: expected a JSON object, got a "
                           f"{type(data).__name__}", file=f, hint=damaged)
    missing = [k for k in MANIFEST_KEYS if k not in data]
    if missing:
        raise ResultsError("manifest.json is damaged: it lacks " + ", ".join(missing), file=f,
                           field=missing[0], hint=damaged)
    scenario = data["scenario"]
    if not (isinstance(scenario, dict) and isinstance(scenario.get("spec"), dict)
            and isinstance(scenario["spec"].get("start"), str)):
        raise ResultsError("manifest.json is damaged: 'scenario' lacks its spec", file=f,
                           field="scenario", hint=damaged)
    for key, kinds in MANIFEST_TYPES.items():
        if key in data and (not isinstance(data[key], kinds)
                            or (isinstance(data[key], bool) and bool not in kinds)):
            raise ResultsError(f"manifest.json is damaged: '{key}' has the wrong type "
                               f"({type(data[key]).__name__})", file=f, field=key, hint=damaged)
    return data


# --------------------------------------------------------------------------- writing safely

def _is_legacy_results(path: Path) -> bool:
    """A results folder written before folders carried markers: it has a manifest."""
    return (path / MANIFEST).exists() or (path / MANIFEST).is_symlink()


def claim_results_folder(path: str | Path) -> Path:
    """Check that ``path`` may be written as a results folder (new, empty, or unionsim's results
    folder: not a folder of another kind, not a user's folder); returns the path to use."""
    return claim_folder(path, KIND, legacy=_is_legacy_results)[0]


def has_content(path: Path) -> bool:
    """Whether the folder exists and holds anything besides unionsim's lock file."""
    return path.is_dir() and any(e.name != LOCK for e in os.scandir(path))


def folder_kind(path: Path) -> str:
    """``results`` (a readable manifest), ``damaged`` (unionsim's files, manifest unreadable),
    ``unstarted`` (unionsim's files, no manifest and no finished run) or ``foreign`` (anything
    else: files unionsim did not write)."""
    try:
        read_manifest(path)
        return "results"
    except ResultsError:
        pass
    names = [e.name for e in os.scandir(path) if e.name != LOCK]
    # only the tool's own marker or manifest makes a folder ours: a user's folder that merely holds
    # a file named like one of ours (outcomes.parquet, plots/) is never deleted by --force
    ours = not names or ((path / MARKER).exists() or (path / MANIFEST).exists())
    if not ours:
        return "foreign"
    parts = path / PARTS
    finished = (path / OUTCOMES).exists() or (
        parts.is_dir() and not parts.is_symlink()
        and any(n.endswith(f".{OUTCOMES_KIND}.parquet") for n in os.listdir(parts)))
    return "damaged" if finished or (path / MANIFEST).exists() else "unstarted"


def foreign_folder_error(path: Path) -> ResultsError:
    names = sorted(e.name for e in os.scandir(path) if e.name != LOCK)
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return ResultsError(f"this folder holds files unionsim did not write ({shown}); it is not a "
                        f"results folder and is left untouched", file=path, field="out",
                        hint="choose a new or empty folder for --out, e.g. --out runs/my-batch")


def damaged_folder_error(path: Path) -> ResultsError:
    try:
        read_manifest(path)
        problem = "its manifest is unreadable"
    except ResultsError as exc:
        problem = exc.detail
    return ResultsError(f"this results folder cannot be resumed: {problem}; without a manifest "
                        f"its finished runs cannot be matched to a plan", file=path,
                        hint="add --force (force=True in Python) to start the batch again in "
                             "this folder, or choose another --out")


def remove_tool_entries(path: Path) -> None:
    """Delete what unionsim wrote into a results folder (never anything else, never the lock,
    never a link: a link where a tool's entry would be stops the command before anything is
    deleted)."""
    remove_layout(path, RESULTS_LAYOUT)


@dataclass
class Results:
    """A results folder loaded for analysis (pandas DataFrames).

    ``outcomes`` is read at once; the time series and decision counts, which grow with the
    number of runs times months (or decisions), are read on first use and then kept.
    """

    path: Path
    manifest: dict
    outcomes: Any

    @cached_property
    def timeseries(self) -> Any | None:
        f = self.path / TIMESERIES
        return read_table(f, required=("run", "month")) if f.exists() else None

    @cached_property
    def decisions(self) -> Any | None:
        import pyarrow.parquet as pq

        f = self.path / DECISIONS
        if not f.exists():
            return None
        # a few distinct strings repeated millions of times: categories keep them small
        try:
            return pq.read_table(f).to_pandas(strings_to_categorical=True)
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - pyarrow's errors for a bad file vary
            raise ResultsError(f"{DECISIONS} is damaged or not a Parquet file ({exc})", file=f,
                               hint=_RERUN_HINT) from None


def load_results(path: str | Path) -> Results:
    """Load a complete results folder: the manifest and outcomes now, the time series and
    decisions when first used. A damaged folder (a missing or unreadable Parquet file, no rows,
    no finished run) is a `ResultsError` naming the file."""
    path = Path(path)
    manifest = read_manifest(path)
    if manifest.get("status") != "complete":
        raise ResultsError(f"this batch is not complete (status: {manifest.get('status')})",
                           file=path, hint="finish it with the same command plus --resume "
                                           "(resume=True in Python)")
    outcomes = read_table(path / OUTCOMES, required=("run", "seed", "status"))
    if len(outcomes) == 0:
        raise ResultsError("outcomes.parquet has no rows", file=path / OUTCOMES,
                           hint=_RERUN_HINT)
    if "outcome" not in outcomes.columns or not (outcomes["status"] == "ok").any():
        errors = outcomes["error"].dropna() if "error" in outcomes.columns else []
        first = f"; the first error: {errors.iloc[0]}" if len(errors) else ""
        raise ResultsError(f"all {len(outcomes)} runs of this batch failed, so there is "
                           f"nothing to analyse{first}", file=path / OUTCOMES,
                           hint="fix the scenario or parameters the error names, then run the "
                                "batch again with --force")
    return Results(path, manifest, outcomes)


_RERUN_HINT = ("the folder is damaged: run the batch again (the command is in manifest.json) "
               "with --force, or into another --out")


def read_table(f: Path, required: tuple[str, ...] = ()) -> Any:
    """Read one Parquet file of a results folder as a DataFrame; a missing, truncated or
    foreign file is a `ResultsError`."""
    import pandas as pd

    if not f.exists():
        raise ResultsError(f"{f.name} is missing", file=f.parent, hint=_RERUN_HINT)
    if not f.is_file():
        raise ResultsError(f"{f.name} is not a file", file=f.parent, hint=_RERUN_HINT)
    try:
        table = pd.read_parquet(f)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - pyarrow's errors for a bad file are of many kinds
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise ResultsError(f"{f.name} is damaged or not a Parquet file ({reason})", file=f,
                           hint=_RERUN_HINT) from None
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise ResultsError(f"{f.name} lacks the column(s) {', '.join(missing)}", file=f,
                           hint=_RERUN_HINT)
    return table
