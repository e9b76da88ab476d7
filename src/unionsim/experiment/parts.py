"""The Parquet layout of a batch: parts encoded where runs finish, merged into the final files.

A *part* holds the results of a chunk of runs as three Parquet files (outcomes, time series,
decisions). Parts are encoded to bytes by whoever ran the chunk (a worker process, a dask worker
on another machine), so only compressed bytes cross process boundaries and the parent merely
writes them to disk.

When the batch is complete the parts are merged, one part at a time, into the final files. The
merge writes row groups of a fixed number of rows whatever the parts' sizes, so the final files
are byte-identical however the runs were chunked (serial, any number of workers, dask, resumed);
memory stays bounded by one row group plus one part.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

OUTCOMES_KIND = "outcomes"
TIMESERIES_KIND = "ts"
DECISIONS_KIND = "decisions"
# the outcomes file is written last: a part counts as finished only once it exists
WRITE_ORDER = (TIMESERIES_KIND, DECISIONS_KIND, OUTCOMES_KIND)

# Rows per row group of the final files. Fixed numbers, not "one per part": that is what makes
# the files independent of chunking. Large enough for efficient scans, small enough to bound
# memory while merging (a time-series group is about 65,536 rows x 70 float32 = 18 MB).
ROWS_PER_GROUP = {OUTCOMES_KIND: 16_384, TIMESERIES_KIND: 65_536, DECISIONS_KIND: 65_536}
COMPRESSION = "zstd"

_RUN_COLUMNS = ("run", "seed", "status", "error")
_DECISIONS_SCHEMA = None  # built on first use (pyarrow is imported lazily)


@dataclass
class EncodedPart:
    """One finished chunk of runs as Parquet bytes, ready to be written by the store."""

    first: int
    last: int
    n_runs: int
    n_failed: int
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return part_stem(self.first, self.last)


def part_stem(first: int, last: int) -> str:
    """File name stem of the part holding runs ``first`` to ``last``."""
    return f"part-{first:07d}-{last:07d}"


def part_span(path: Path) -> tuple[int, int]:
    """(first run, last run) of a part file, from its name."""
    _, first, last = path.name.split(".")[0].split("-")
    return int(first), int(last)


# --------------------------------------------------------------------------- encoding

def encode_part(results: Sequence, indicators: Sequence[str], start: str) -> EncodedPart:
    """Encode finished runs (`RunResult`s) as a part; rows are sorted by run."""
    results = sorted(results, key=lambda r: r.run)
    files = {}
    with_series = [r for r in results if r.series is not None]
    if with_series:
        files[TIMESERIES_KIND] = _to_parquet_bytes(series_table(with_series, indicators, start))
    files[DECISIONS_KIND] = _to_parquet_bytes(decisions_table(results))
    files[OUTCOMES_KIND] = _to_parquet_bytes(outcomes_table(results))
    return EncodedPart(first=results[0].run, last=results[-1].run, n_runs=len(results),
                       n_failed=sum(r.status != "ok" for r in results), files=files)


def _to_parquet_bytes(table) -> bytes:
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(table, sink, compression=COMPRESSION)
    return sink.getvalue()


def outcome_row(r) -> dict:
    """One run's row of outcomes.parquet."""
    # no timings here: the same plan must give a byte-identical outcomes file
    row = {"run": r.run, "seed": r.seed, "status": r.status, "error": r.error}
    row.update({f"param.{name}": value for name, value in sorted(r.sampled.items())})
    if r.status == "ok":
        row.update(r.row)
    return row


def outcomes_table(results: Sequence):
    """Outcome rows as a table. Columns are the union over all rows in order of first
    appearance (a failed run's columns are a prefix of a finished run's), so a part whose first
    run failed still keeps the other runs' outcomes."""
    import pyarrow as pa

    rows = [outcome_row(r) for r in results]
    names: dict[str, None] = {}
    for row in rows:
        for name in row:
            names.setdefault(name)
    return pa.table({name: pa.array([row.get(name) for row in rows]) for name in names})


def series_table(results: Sequence, indicators: Iterable[str], start: str):
    """Time series rows (run x month) of runs that kept their series."""
    import pyarrow as pa

    from unionsim.config.schema import month_label

    indicators = list(indicators)
    n_months = results[0].series.shape[0]
    stacked = np.concatenate([r.series for r in results], axis=0)
    runs = np.repeat(np.array([r.run for r in results], dtype=np.int32), n_months)
    months = np.tile(np.arange(n_months, dtype=np.int16), len(results))
    # month 0 is the state before the first month, i.e. at the end of the month before the start
    labels = [month_label(m, start) for m in range(n_months)]
    columns = {"run": runs, "month": months,
               "date": pa.array(np.tile(np.array(labels, dtype=object), len(results)),
                                type=pa.string())}
    for j, name in enumerate(indicators):
        columns[name] = stacked[:, j].astype(np.float32)
    return pa.table(columns)


def decisions_schema():
    import pyarrow as pa

    global _DECISIONS_SCHEMA
    if _DECISIONS_SCHEMA is None:
        _DECISIONS_SCHEMA = pa.schema([("run", pa.int32()), ("actor", pa.string()),
                                       ("kind", pa.string()), ("choice", pa.string()),
                                       ("count", pa.int32())])
    return _DECISIONS_SCHEMA


def decisions_table(results: Sequence):
    """Decision counts in long format: one row per run, actor, kind and choice (sorted)."""
    import pyarrow as pa

    columns: dict[str, list] = {"run": [], "actor": [], "kind": [], "choice": [], "count": []}
    for r in results:
        for (actor, kind, choice), n in sorted(r.decisions.items()):
            columns["run"].append(r.run)
            columns["actor"].append(actor)
            columns["kind"].append(kind)
            columns["choice"].append(choice)
            columns["count"].append(n)
    return pa.table(columns, schema=decisions_schema())


# --------------------------------------------------------------------------- merging

def merge_parts(files: Sequence[Path], target: Path, kind: str, *, status_counts: dict | None = None
                ) -> int:
    """Stream part files of one kind into ``target`` in run order; returns the row count.

    Parts must not overlap (each part's first run is after the previous part's last run); that
    and the rows being sorted within each part make the merged file sorted by run. The schema is
    the union of the parts' schemas, so a part whose runs all failed (no outcome columns) merges
    with the others. With ``status_counts`` given, the ``status`` column is tallied into it.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    files = sorted(files, key=part_span)
    _check_no_overlap(files)
    schema = pa.unify_schemas([pq.read_schema(f) for f in files], promote_options="permissive")
    group = ROWS_PER_GROUP[kind]
    from unionsim.guard import writing

    rows = 0
    pending: list = []
    pending_rows = 0
    with writing(target.parent, target.name) as fh, \
            pq.ParquetWriter(fh, schema, compression=COMPRESSION) as writer:
        def flush(table) -> None:
            # one contiguous array per column: the encoding must not see the parts' boundaries
            writer.write_table(table.combine_chunks(), row_group_size=group)

        for f in files:
            with pq.ParquetFile(f) as part:  # not pq.read_table: its dataset layer costs ~70 MB
                table = _conform(part.read(), schema)
            if status_counts is not None:
                for value, n in zip(*[c.to_pylist() for c in
                                      pc.value_counts(table.column("status")).flatten()]):
                    status_counts[value] = status_counts.get(value, 0) + n
            rows += table.num_rows
            pending.append(table)
            pending_rows += table.num_rows
            while pending_rows >= group:
                buffer = pa.concat_tables(pending)
                flush(buffer.slice(0, group))
                rest = buffer.slice(group)
                pending, pending_rows = [rest], rest.num_rows
        if pending_rows:
            flush(pa.concat_tables(pending))
    return rows


def _check_no_overlap(files: Sequence[Path]) -> None:
    from unionsim.errors import ResultsError

    previous_last, previous = -1, None
    for f in files:
        first, last = part_span(f)
        if first <= previous_last:
            raise ResultsError(f"parts overlap: {previous.name} and {f.name} both hold runs "
                               f"{first}-{min(last, previous_last)}", file=f.parent,
                               hint="two batches wrote into this folder at once; rerun with "
                                    "--force")
        previous_last, previous = last, f


def _conform(table, schema):
    """``table`` with the columns of ``schema``, in its order and types (missing ones null)."""
    import pyarrow as pa

    columns = []
    for f in schema:
        if f.name in table.column_names:
            column = table.column(f.name)
            columns.append(column if column.type == f.type else column.cast(f.type))
        else:
            columns.append(pa.nulls(table.num_rows, f.type))
    return pa.Table.from_arrays(columns, schema=schema)
