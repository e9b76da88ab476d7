"""The fit folder: what ``unionsim calibrate --out DIR`` writes, and how a fit is started,
replaced or resumed there safely.

Layout (the only names a fit writes or deletes)::

    .unionsim-calibration   the marker, written first: a calibration folder of unionsim
    fit.json                the fit's manifest: settings, seed, targets digest, parameters,
                            model fingerprint, and the id of its pyabc database
    abc.db                  pyabc's database of every generation (abc.db-journal while writing)
    simulations-NNNN.npz    an NPE fit's saved prior simulations, one chunk each, carrying the
                            fit's id (`unionsim.calibration.npe`)
    posterior.parquet/.json the posterior and its manifest (default place with --quick or --out)
    calibration.md          the report (same), and figures/calibration_*.png

A fit's database carries the fit's id (a random token stored in pyabc's meta information when the
fit starts, and in ``fit.json``): ``--resume`` continues only the database whose id its
``fit.json`` names, so another fit's ``abc.db`` copied in is refused instead of being continued
and labelled with this fit's seed. Both files are checked before anything is written: a damaged
``fit.json`` or ``abc.db`` is one message with the fix. The folder is locked while a fit runs.
"""

from __future__ import annotations

import ast
import contextlib
import json
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from unionsim.errors import ResultsError
from unionsim.guard import (checked_entry, claim_folder, folder_lock, mark_folder,
                            read_entry_bytes, remove_layout, write_json)
from unionsim.guard.entries import TMP_PATTERN

KIND = "calibration"
FIT_MANIFEST = "fit.json"
DATABASE = "abc.db"
POSTERIOR = "posterior.parquet"
REPORT = "calibration.md"
FIGURES = "figures"
FIGURE_PATTERN = "calibration_*.png"
# SQLite's side files of the database, written while a transaction is open
DATABASE_SIDE_FILES = ("abc.db-journal", "abc.db-wal", "abc.db-shm")
SIMULATIONS_PATTERN = "simulations-[0-9][0-9][0-9][0-9].npz"
LAYOUT = {FIT_MANIFEST: None, DATABASE: None, **{n: None for n in DATABASE_SIDE_FILES},
          SIMULATIONS_PATTERN: None,
          "posterior.parquet": None, "posterior.json": None, REPORT: None,
          FIGURES: {FIGURE_PATTERN: None, TMP_PATTERN: None},
          f".unionsim-{KIND}": None, TMP_PATTERN: None}
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
# keys of fit.json and the types a resume relies on
MANIFEST_TYPES = {"settings": dict, "seed": int, "targets": dict, "scenarios": list,
                  "model_fingerprint": str, "parameters": dict, "database": dict}
_START_AGAIN = ("add --force to start the fit again in this folder (only the files a fit writes "
                "are replaced), or choose another --out")


def _is_legacy_fit(path: Path) -> bool:
    """A fit folder written before folders carried markers: it has a fit.json with a seed and
    settings."""
    try:
        data = json.loads(read_entry_bytes(path, FIT_MANIFEST, MAX_MANIFEST_BYTES))
    except (ResultsError, OSError, ValueError):
        return False
    return isinstance(data, dict) and "settings" in data and "seed" in data


def claim_fit_folder(out: str | Path) -> tuple[Path, str]:
    """Check ``out`` may hold a fit, before anything is written: new, empty or unionsim's fit
    folder; not a run's results folder, not a user's folder. Returns the path and ``"new"`` or
    ``"ours"``."""
    path, state = claim_folder(out, KIND, option="--out", legacy=_is_legacy_fit)
    for name in (FIT_MANIFEST, DATABASE, *DATABASE_SIDE_FILES):
        checked_entry(path, name, "file")   # a link (even a dangling one) is refused here
    return path, state


def read_fit_manifest(folder: Path) -> dict:
    """``fit.json`` of a fit folder, checked: a JSON object with the keys a resume relies on,
    each of the right type. A damaged one is a `ResultsError` with the fix."""
    f = folder / FIT_MANIFEST
    if not f.exists() and not f.is_symlink():
        raise ResultsError("fit.json is missing: without it this fit's database cannot be "
                           "matched to a fit", file=folder, hint=_START_AGAIN)
    try:
        raw = read_entry_bytes(folder, FIT_MANIFEST, MAX_MANIFEST_BYTES)
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise ResultsError("fit.json is damaged: it is not text", file=f,
                           hint=_START_AGAIN) from None
    except json.JSONDecodeError as exc:
        raise ResultsError(f"fit.json is damaged: not valid JSON ({exc.msg})", file=f,
                           line=exc.lineno, hint=_START_AGAIN) from None
    except (ValueError, RecursionError) as exc:
        raise ResultsError(f"fit.json is damaged ({exc})", file=f, hint=_START_AGAIN) from None
    except OSError as exc:
        raise ResultsError(f"cannot read fit.json ({exc.strerror or exc})", file=f,
                           hint=_START_AGAIN) from None
    if not isinstance(data, dict):
        raise ResultsError(f"fit.json is damaged: expected a JSON object, got a "
                           f"{type(data).__name__}", file=f, hint=_START_AGAIN)
    for key, kind in MANIFEST_TYPES.items():
        if key not in data:
            hint = _START_AGAIN if key != "database" else (
                "this fit was started by an older unionsim, whose database cannot be checked; "
                + _START_AGAIN)
            raise ResultsError(f"fit.json lacks '{key}'", file=f, field=key, hint=hint)
        value = data[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ResultsError(f"fit.json is damaged: '{key}' should be a "
                               f"{'whole number' if kind is int else kind.__name__}, got "
                               f"{type(value).__name__}", file=f, field=key, hint=_START_AGAIN)
    fit_id = data["database"].get("fit_id")
    if not isinstance(fit_id, str) or not fit_id:
        raise ResultsError("fit.json is damaged: 'database' does not name the fit's id", file=f,
                           field="database.fit_id", hint=_START_AGAIN)
    return data


def _no_constant(name: str):
    raise ValueError(f"it holds {name}, which is not a number JSON allows")


def database_fit_id(folder: Path) -> str:
    """The fit id stored in the folder's pyabc database, read without changing the file; a
    file that is not such a database (damaged, empty, another program's) is a `ResultsError`."""
    path = checked_entry(folder, DATABASE, "file")
    problem = None
    try:
        connection = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise ResultsError(f"abc.db cannot be opened ({exc})", file=path,
                           hint=_START_AGAIN) from None
    try:
        rows = connection.execute("SELECT id, json_parameters FROM abc_smc").fetchall()
    except sqlite3.Error as exc:
        problem = f"it is not a pyabc database ({exc})"
        rows = []
    finally:
        connection.close()
    if problem is None and len(rows) != 1:
        problem = (f"it holds {len(rows)} fits where one is expected")
    if problem is None:
        try:
            meta = ast.literal_eval(rows[0][1] or "None")
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            meta = None
        fit_id = meta.get("fit_id") if isinstance(meta, dict) else None
        if isinstance(fit_id, str) and fit_id:
            return fit_id
        problem = "it does not carry the id of the fit that wrote it"
    raise ResultsError(f"abc.db is damaged or not this fit's database: {problem}", file=path,
                       hint=_START_AGAIN)


def manifest_differences(stored: dict, current: dict) -> list[str]:
    """The identity keys of a fit that differ between fit.json and this command."""
    return [k for k in current if k not in ("database",) and stored.get(k) != current[k]]


@dataclass
class FitFolder:
    """A fit folder claimed and locked for one session of a fit."""

    path: Path
    manifest: dict       # the fit's identity (the stored one when resuming)
    resuming: bool       # a database to continue exists

    @property
    def database(self) -> Path:
        return self.path / DATABASE

    @property
    def fit_id(self) -> str:
        return self.manifest["database"]["fit_id"]

    def write_manifest(self, manifest: dict) -> None:
        write_json(self.path, FIT_MANIFEST, manifest)


@contextlib.contextmanager
def fit_folder(out: str | Path, manifest: dict, *, force: bool, resume: bool,
               say: Callable[[str], None]):
    """Claim, check and lock the fit folder for one session; yields a `FitFolder`.

    A new fit gets a fresh id in its manifest. ``resume`` continues the stored fit: fit.json and
    abc.db are checked against each other (the database's id) and against this command
    (settings, seed, targets, parameters, model); any mismatch or damage is refused before
    anything is written; an NPE fit (``method: npe`` in its manifest) has no database, and is
    checked against this command only (its saved simulations carry the fit's id, checked as
    they are read). ``force`` deletes only the files a fit writes. Without either, an existing
    fit is refused."""
    from unionsim.errors import UsageError

    if force and resume:
        raise UsageError("--force and --resume contradict each other", field="resume",
                         hint="--resume continues the fit in the folder; --force replaces it")
    path, state = claim_fit_folder(out)
    # an NPE fit has no pyabc database: its saved simulations carry the fit's id instead
    # (checked as they are read, `unionsim.calibration.npe`)
    npe = manifest.get("method") == "npe"
    with folder_lock(path):
        db, stored = path / DATABASE, path / FIT_MANIFEST
        started = state == "ours" and (db.exists() or stored.exists()
                                       or any(path.glob(SIMULATIONS_PATTERN)))
        if started and not resume and not force:
            raise ResultsError("a calibration already exists here", file=path,
                               hint="pass --resume to continue it, --force to start again, or "
                                    "choose another --out")
        if started and resume:
            previous = read_fit_manifest(path)
            if (previous.get("method") == "npe") != npe:
                stored_method = "an NPE" if not npe else "an ABC-SMC"
                raise ResultsError(f"cannot resume: this folder holds {stored_method} fit",
                                   file=path, hint="repeat the original command (its --method) "
                                                   "with --resume, or --force")
            if npe:
                differs = manifest_differences(previous, manifest)
                if differs:
                    raise ResultsError("cannot resume: this fit differs from the stored one in "
                                       + ", ".join(differs), file=path,
                                       hint="repeat the original command with --resume, or "
                                            "--force")
                yield FitFolder(path, previous, True)
                return
            if not db.exists():
                raise ResultsError("abc.db is missing: fit.json names a fit whose database is "
                                   "gone", file=path, hint=_START_AGAIN)
            found = database_fit_id(path)
            if found != previous["database"]["fit_id"]:
                raise ResultsError(f"abc.db belongs to another fit (id {found}; fit.json names "
                                   f"{previous['database']['fit_id']}): resuming it would label "
                                   f"another fit's posterior with this fit's settings",
                                   file=path / DATABASE,
                                   hint="copy back this fit's own abc.db, or " + _START_AGAIN)
            differs = manifest_differences(previous, manifest)
            if differs:
                raise ResultsError("cannot resume: this fit differs from the stored one in "
                                   + ", ".join(differs), file=path,
                                   hint="repeat the original command with --resume, or --force")
            yield FitFolder(path, previous, True)
            return
        if started and force:
            remove_layout(path, LAYOUT)
        if resume:
            say(f"nothing to resume in {path}: starting the fit")
        mark_folder(path, KIND)
        yield FitFolder(path, {**manifest, "database": {"fit_id": secrets.token_hex(8)}}, False)



MAX_SEED = 2**32 - 1  # numpy's legacy generator, which pyabc draws from, takes 32-bit seeds


def check_fit_options(*, seed: int, executor: str, workers: int | None,
                      scheduler: str | None) -> None:
    """Refuse a fit's options that cannot work, before any folder is touched: the same executor
    rules as `unionsim run` (a known executor, --workers at least 1, --scheduler only with dask,
    which must be installed) and a seed numpy can take."""
    from unionsim.errors import UsageError
    from unionsim.experiment.executors import make_executor

    if not 0 <= seed <= MAX_SEED:
        raise UsageError(f"--seed must be between 0 and {MAX_SEED} (got {seed})", field="seed",
                         hint="e.g. --seed 1")
    make_executor(executor, workers=workers, scheduler=scheduler)


def check_posterior_path(path: str | Path) -> tuple[Path, Path]:
    """The posterior file a fit writes and its manifest beside it (same name, ``.json``),
    checked: a ``.parquet`` name (so the manifest is never the posterior itself); neither a link,
    a folder nor an existing file that is not a posterior or a posterior's manifest unionsim
    wrote (a results table, a shipped parameter file, a user's JSON)."""
    from unionsim.config.posterior import (is_posterior_file, is_posterior_manifest,
                                           manifest_path)
    from unionsim.guard import check_named_output, distinct_outputs

    path = check_named_output(path, "--posterior", what="a posterior", suffixes=(".parquet",),
                              ours=is_posterior_file)
    manifest = check_named_output(manifest_path(path), "--posterior",
                                  what="a posterior's manifest (written beside the posterior, "
                                       "with the same name)",
                                  suffixes=(".json",), ours=is_posterior_manifest)
    distinct_outputs({"--posterior": path, "the posterior's manifest": manifest},
                     {"the posterior's manifest": "--posterior"})
    return path, manifest


def check_outputs(folder: Path, posterior: Path, report: Path, figures: Path
                  ) -> tuple[Path, Path, Path]:
    """Every file a calibration will write, checked before the fit starts (a bad name must not
    cost a fit): the fit folder, the posterior and its manifest, the report and its figures,
    none of them the same file as another."""
    from unionsim.calibration.report import check_outputs as check_report
    from unionsim.guard import distinct_outputs

    folder, _ = claim_fit_folder(folder)
    posterior, manifest = check_posterior_path(posterior)
    report, pictures = check_report(report, figures)
    distinct_outputs({"--posterior": posterior, "the posterior's manifest": manifest,
                      "--report": report,
                      **{f"the figure {p.name}": p for p in pictures},
                      "the fit's fit.json": folder / FIT_MANIFEST,
                      "the fit's abc.db": folder / DATABASE,
                      **{f"the fit's {n}": folder / n for n in DATABASE_SIDE_FILES}},
                     {"the posterior's manifest": "--posterior",
                      **{f"the figure {p.name}": "--report" for p in pictures},
                      **{f"the fit's {n}": "--out"
                         for n in (FIT_MANIFEST, DATABASE, *DATABASE_SIDE_FILES)}})
    return folder, posterior, report

