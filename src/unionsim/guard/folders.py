"""Folders unionsim writes as a whole, and how a command claims one before writing.

Each kind of folder carries a marker, ``.unionsim-<kind>``, written before anything else: a
folder is unionsim's to write when it is new or empty, or when it carries the marker of the same
kind. A folder of another kind (a run's results folder given to ``calibrate``) and a folder with
files unionsim did not write are refused, whatever ``--force`` says: replacing never reaches
beyond the tool's own folders.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from unionsim.errors import ResultsError
from unionsim.guard.entries import LOCK, checked_entry, link_error, write_bytes
from unionsim.guard.paths import check_out_dir

MARKER_PREFIX = ".unionsim-"

#: What each kind of folder is, in the words of messages.
KINDS = {
    "results": "a results folder of `unionsim run`",
    "calibration": "a calibration folder of `unionsim calibrate`",
    "plots": "a folder of figures of `unionsim plot`",
    "compare": "a folder of comparison tables of `unionsim compare`",
    "discovery": "a folder of boxes of `unionsim discover`",
    "sensitivity": "a folder of indices of `unionsim sensitivity`",
    "search": "a folder of a policy search of `unionsim search`",
}


def marker_name(kind: str) -> str:
    return MARKER_PREFIX + kind


def visible_entries(path: Path) -> list[str]:
    """The names in a folder besides its lock file (sorted)."""
    try:
        return sorted(e.name for e in os.scandir(path) if e.name != LOCK)
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise ResultsError(f"cannot read the folder ({exc.strerror or exc})", file=path,
                           hint="check the folder and its permissions") from None


def folder_marker(path: Path) -> str | None:
    """The kind the folder's marker names, or None (no marker; a link is not a marker)."""
    for name in visible_entries(path):
        if name.startswith(MARKER_PREFIX) and ".tmp-" not in name and \
                not os.path.islink(path / name):
            return name[len(MARKER_PREFIX):]
    return None


def describe_kind(kind: str) -> str:
    return KINDS.get(kind, f"a unionsim folder of kind '{kind}'")


def foreign_error(path: Path, kind: str, option: str) -> ResultsError:
    names = visible_entries(path)
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return ResultsError(f"this folder holds files unionsim did not write ({shown}); it is not "
                        f"{describe_kind(kind)} and is left untouched", file=path,
                        field=option.lstrip("-").replace("-", "_"),
                        hint=f"choose a new or empty folder for {option}")


def claim_folder(path: str | Path, kind: str, *, option: str = "--out",
                 legacy: Callable[[Path], bool] | None = None) -> tuple[Path, str]:
    """Check that a command may write ``path`` as a folder of ``kind``, before anything is
    written there. Returns the path to use and ``"new"`` (missing or empty: the caller marks it
    with `mark_folder` first) or ``"ours"`` (it carries this kind's marker, or ``legacy`` says it
    is a folder of this kind written before markers existed).

    Refused: what `check_out_dir` refuses, a folder of another kind and a folder holding files
    unionsim did not write."""
    path = check_out_dir(path, option)
    if path.is_symlink() and not path.is_dir():
        raise link_error(path)
    if not path.exists() or not visible_entries(path):
        return path, "new"
    found = folder_marker(path)
    if found == kind:
        checked_entry(path, marker_name(kind), "file")
        return path, "ours"
    if found is not None:
        raise ResultsError(f"this is {describe_kind(found)}, not {describe_kind(kind)}; it is "
                           f"left untouched", file=path,
                           field=option.lstrip("-").replace("-", "_"),
                           hint=f"choose a new folder for {option}")
    if legacy is not None and legacy(path):
        return path, "ours"
    raise foreign_error(path, kind, option)


def mark_folder(path: Path, kind: str) -> None:
    """Make ``path`` (if needed) and write its marker, first of all its files."""
    from unionsim.guard.entries import write_error

    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(exc, path) from None
    write_bytes(path, marker_name(kind), f"unionsim {kind} folder\n".encode())
