"""The results folder: a manifest and Parquet files, written so that nothing finished is lost.

Layout of a results folder::

    manifest.json        what was run and how (scenario, parameters, seeds, version, timings)
    outcomes.parquet     one row per run: run, seed, status, error, outcome, flags, indicators
    timeseries.parquet   one row per run and month: run, month, date, indicators
    decisions.parquet    how often each actor took each decision in each run
    parts/               finished chunks, written while the batch runs

Every file is written to a temporary name and renamed into place, so a killed batch leaves only
whole files behind; the final files are assembled from the parts once every run is done.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from unionsim.errors import ResultsError

MANIFEST = "manifest.json"
OUTCOMES = "outcomes.parquet"
TIMESERIES = "timeseries.parquet"
DECISIONS = "decisions.parquet"
PARTS = "parts"
FORMAT_VERSION = 1


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def write_json(path: Path, data: dict) -> None:
    """Write JSON atomically."""
    _atomic_write_bytes(path, (json.dumps(data, indent=2, sort_keys=False) + "\n").encode())


def _write_table(table, path: Path) -> None:
    import pyarrow.parquet as pq

    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


class ResultsStore:
    """Writes one results folder."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    # ------------------------------------------------------------------ creating
    @classmethod
    def create(cls, path: str | Path, manifest: dict, *, force: bool = False) -> "ResultsStore":
        """Create the folder and write a manifest marked 'running'.

        An existing folder is never overwritten by accident: ``force`` replaces it.
        """
        path = Path(path)
        if path.exists() and any(path.iterdir()):
            if not force:
                raise ResultsError("results folder already exists", file=path,
                                   hint="choose another --out, or pass --force to replace it")
            shutil.rmtree(path)
        (path / PARTS).mkdir(parents=True, exist_ok=True)
        store = cls(path)
        write_json(path / MANIFEST, {**manifest, "status": "running"})
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
    def write_part(self, results: list) -> Path:
        """Write finished runs as one part (three files, the outcomes file last: a part counts as
        done only once its outcomes file exists)."""
        import pyarrow as pa

        from unionsim.model.state import INDICATORS

        first, last = results[0].run, results[-1].run
        stem = f"part-{first:07d}-{last:07d}"
        parts = self.path / PARTS
        series_rows = [r for r in results if r.series is not None]
        if series_rows:
            _write_table(_series_table(series_rows, INDICATORS, self.start),
                         parts / f"{stem}.ts.parquet")
        _write_table(_decisions_table(results), parts / f"{stem}.decisions.parquet")
        table = pa.Table.from_pylist([_outcome_row(r) for r in results])
        _write_table(table, parts / f"{stem}.outcomes.parquet")
        return parts / f"{stem}.outcomes.parquet"

    def done_runs(self) -> set[int]:
        """Runs already stored in parts (for resuming)."""
        import pyarrow.parquet as pq

        done: set[int] = set()
        for f in sorted((self.path / PARTS).glob("part-*.outcomes.parquet")):
            done.update(pq.read_table(f, columns=["run"]).column("run").to_pylist())
        return done

    # ------------------------------------------------------------------ finishing
    def finalize(self, **manifest_changes: Any) -> dict:
        """Assemble the final files from the parts, sorted by run, and mark the folder complete."""
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        parts = self.path / PARTS
        outcome_files = sorted(parts.glob("part-*.outcomes.parquet"))
        if not outcome_files:
            raise ResultsError("no finished runs to assemble", file=self.path)
        outcomes = pa.concat_tables([pq.read_table(f) for f in outcome_files],
                                    promote_options="default")
        outcomes = outcomes.take(pc.sort_indices(outcomes, [("run", "ascending")]))
        _write_table(outcomes, self.path / OUTCOMES)
        decision_files = sorted(parts.glob("part-*.decisions.parquet"))
        decisions = pa.concat_tables([pq.read_table(f) for f in decision_files])
        decisions = decisions.take(pc.sort_indices(
            decisions, [("run", "ascending"), ("actor", "ascending"), ("kind", "ascending"),
                        ("choice", "ascending")]))
        _write_table(decisions, self.path / DECISIONS)
        ts_files = sorted(parts.glob("part-*.ts.parquet"), key=lambda f: f.name)
        if ts_files:
            _concat_sorted_parts(ts_files, self.path / TIMESERIES)
        counts = dict(zip(*[c.to_pylist() for c in
                            pc.value_counts(outcomes.column("status")).flatten()]))
        self.update_manifest(status="complete", runs_ok=int(counts.get("ok", 0)),
                             runs_failed=int(counts.get("failed", 0)),
                             finished=now_iso(), **manifest_changes)
        shutil.rmtree(parts)
        return self.manifest()


def _concat_sorted_parts(files: list[Path], target: Path) -> None:
    """Stream parts into one file (memory stays at one part), in run order."""
    import pyarrow.parquet as pq

    def first_run(f: Path) -> int:
        return int(f.name.split("-")[1])

    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    writer = None
    try:
        for f in sorted(files, key=first_run):
            table = pq.read_table(f)
            if writer is None:
                writer = pq.ParquetWriter(tmp, table.schema, compression="zstd")
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    os.replace(tmp, target)


def _outcome_row(r) -> dict:
    # no timings here: the same plan must give a byte-identical outcomes file
    row = {"run": r.run, "seed": r.seed, "status": r.status, "error": r.error}
    row.update({f"param.{name}": value for name, value in sorted(r.sampled.items())})
    if r.status == "ok":
        row.update(r.row)
    return row


def _series_table(results: list, indicators: Iterable[str], start: str):
    import numpy as np
    import pyarrow as pa

    from unionsim.config.schema import month_label

    indicators = list(indicators)
    n_months = results[0].series.shape[0]
    stacked = np.concatenate([r.series for r in results], axis=0)
    runs = np.repeat(np.array([r.run for r in results], dtype=np.int32), n_months)
    months = np.tile(np.arange(n_months, dtype=np.int16), len(results))
    # month 0 is the state before the first month, i.e. at the end of the month before the start
    labels = [month_label(m, start) for m in range(n_months)]
    # a plain string column (Parquet dictionary-encodes it on disk anyway): readers get ordinary
    # strings that compare, e.g. ts[ts.date <= "2020-08"]
    columns = {"run": runs, "month": months,
               "date": pa.array(np.tile(np.array(labels, dtype=object), len(results)),
                                type=pa.string())}
    for j, name in enumerate(indicators):
        columns[name] = stacked[:, j].astype(np.float32)
    return pa.table(columns)


def _decisions_table(results: list):
    import pyarrow as pa

    rows = [{"run": r.run, "actor": a, "kind": k, "choice": c, "count": n}
            for r in results for (a, k, c), n in sorted(r.decisions.items())]
    schema = pa.schema([("run", pa.int32()), ("actor", pa.string()), ("kind", pa.string()),
                        ("choice", pa.string()), ("count", pa.int32())])
    return pa.Table.from_pylist(rows, schema=schema)


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
    """A results folder loaded for analysis (pandas DataFrames)."""

    path: Path
    manifest: dict
    outcomes: Any
    timeseries: Any | None
    decisions: Any | None


def load_results(path: str | Path) -> Results:
    """Load a complete results folder: manifest, outcomes, time series and decisions."""
    import pandas as pd

    path = Path(path)
    manifest = read_manifest(path)
    if manifest.get("status") != "complete":
        raise ResultsError(f"this batch is not complete (status: {manifest.get('status')})",
                           file=path, hint="finish it with the same command plus --resume")
    outcomes = pd.read_parquet(path / OUTCOMES)
    timeseries = pd.read_parquet(path / TIMESERIES) if (path / TIMESERIES).exists() else None
    decisions = pd.read_parquet(path / DECISIONS) if (path / DECISIONS).exists() else None
    return Results(path, manifest, outcomes, timeseries, decisions)
