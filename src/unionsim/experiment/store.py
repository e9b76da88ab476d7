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
import shutil
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any

from unionsim.errors import ResultsError
from unionsim.experiment.parts import (DECISIONS_KIND, OUTCOMES_KIND, TIMESERIES_KIND,
                                       WRITE_ORDER, EncodedPart, merge_parts)

MANIFEST = "manifest.json"
OUTCOMES = "outcomes.parquet"
TIMESERIES = "timeseries.parquet"
DECISIONS = "decisions.parquet"
PARTS = "parts"
FORMAT_VERSION = 1


def _atomic_write_bytes(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Write to a temporary name, then rename: readers see the whole file or none of it.

    ``sync`` also flushes to the disk (the manifest); parts skip it, since a part lost to a power
    cut is simply run again on --resume."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        if sync:
            fh.flush()
            os.fsync(fh.fileno())
    os.replace(tmp, path)


def write_json(path: Path, data: dict) -> None:
    """Write JSON atomically."""
    _atomic_write_bytes(path, (json.dumps(data, indent=2, sort_keys=False) + "\n").encode())


class ResultsStore:
    """Writes one results folder: creates it, takes finished parts, assembles the final files."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    # ------------------------------------------------------------------ creating and reopening
    @classmethod
    def create(cls, path: str | Path, manifest: dict, *, force: bool = False) -> "ResultsStore":
        """Create the folder and write a manifest marked 'running'.

        An existing folder is never overwritten by accident: ``force`` replaces it.
        """
        path = Path(path)
        if path.exists() and any(path.iterdir()):
            if not force:
                raise ResultsError(f"results folder already exists ({describe_folder(path)})",
                                   file=path,
                                   hint="pass --resume to finish an interrupted batch, --force "
                                        "to replace the folder, or choose another --out")
            shutil.rmtree(path)
        (path / PARTS).mkdir(parents=True, exist_ok=True)
        store = cls(path)
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
        parts = store.path / PARTS
        parts.mkdir(exist_ok=True)
        for stray in [*store.path.glob(".*.tmp-*"), *parts.glob(".*.tmp-*")]:
            stray.unlink(missing_ok=True)
        finished = {f.name.split(".")[0] for f in parts.glob("part-*.outcomes.parquet")}
        for f in parts.glob("part-*.parquet"):
            if f.name.split(".")[0] not in finished:
                f.unlink(missing_ok=True)
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
        """Runs already stored in finished parts (for resuming)."""
        import pyarrow.parquet as pq

        done: set[int] = set()
        for f in sorted((self.path / PARTS).glob("part-*.outcomes.parquet")):
            done.update(pq.read_table(f, columns=["run"]).column("run").to_pylist())
        return done

    # ------------------------------------------------------------------ finishing
    def finalize(self, **manifest_changes: Any) -> dict:
        """Assemble the final files from the parts, sorted by run, and mark the folder complete.

        Refuses unless every planned run is stored exactly once. Memory stays bounded: the parts
        are streamed into the final files one at a time.
        """
        parts = self.path / PARTS
        outcome_files = sorted(parts.glob(f"part-*.{OUTCOMES_KIND}.parquet"))
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
        merge_parts(sorted(parts.glob(f"part-*.{DECISIONS_KIND}.parquet")),
                    self.path / DECISIONS, DECISIONS_KIND)
        ts_files = sorted(parts.glob(f"part-*.{TIMESERIES_KIND}.parquet"))
        if ts_files:
            merge_parts(ts_files, self.path / TIMESERIES, TIMESERIES_KIND)
        self.update_manifest(status="complete", runs_ok=int(status.get("ok", 0)),
                             runs_failed=int(status.get("failed", 0)),
                             finished=now_iso(), **manifest_changes)
        shutil.rmtree(parts)
        return self.manifest()


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
    path = Path(path)
    if not path.is_dir():
        raise ResultsError("results folder not found", file=path,
                           hint="give the folder `unionsim run` printed (under runs/)")
    f = path / MANIFEST
    if not f.exists():
        raise ResultsError("not a results folder: manifest.json is missing", file=path)
    try:
        return json.loads(f.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise ResultsError(f"manifest.json is not valid JSON ({exc.msg})", file=f,
                           line=exc.lineno) from None


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
        import pandas as pd

        f = self.path / TIMESERIES
        return pd.read_parquet(f) if f.exists() else None

    @cached_property
    def decisions(self) -> Any | None:
        import pyarrow.parquet as pq

        f = self.path / DECISIONS
        if not f.exists():
            return None
        # a few distinct strings repeated millions of times: categories keep them small
        return pq.read_table(f).to_pandas(strings_to_categorical=True)


def load_results(path: str | Path) -> Results:
    """Load a complete results folder: the manifest and outcomes now, the time series and
    decisions when first used."""
    import pandas as pd

    path = Path(path)
    manifest = read_manifest(path)
    if manifest.get("status") != "complete":
        raise ResultsError(f"this batch is not complete (status: {manifest.get('status')})",
                           file=path, hint="finish it with the same command plus --resume")
    return Results(path, manifest, pd.read_parquet(path / OUTCOMES))
