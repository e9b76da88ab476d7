"""Paths the user names for output: expanded and checked the same way by every command.

A leading ``~`` is expanded as the shell does (``~`` and ``~user``), so ``--out=~/res`` (which
the shell leaves alone after ``=``) means the same folder to unionsim as to the libraries it
writes with; a ``~`` that cannot be expanded is refused. A name that is not UTF-8 text (bytes a
terminal cannot show) is refused before anything is written, since it would end up in
manifests and messages.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable, Mapping

from unionsim.errors import ResultsError, UsageError

def _new_folder(option: str) -> str:
    return f"give a new folder, e.g. {option} runs/my-batch"


def user_path(value: str | Path, option: str = "--out") -> Path:
    """``value`` as the path it names: ``~`` expanded; empty or non-UTF-8 names refused."""
    text = os.fspath(value)
    if not text.strip():
        raise UsageError(f"{option} is empty", field=_field(option),
                         hint=f"give a path, e.g. {option} runs/my-batch")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        shown = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise UsageError(f"{option} '{shown}' is not UTF-8 text (it holds bytes no encoding "
                         f"names)", field=_field(option),
                         hint="choose a name of letters, digits, '-', '_' and '/'") from None
    if "\x00" in text:
        raise UsageError(f"{option} holds a NUL character", field=_field(option),
                         hint="choose a name of letters, digits, '-', '_' and '/'")
    if text.startswith("~"):
        expanded = os.path.expanduser(text)
        if expanded.startswith("~"):
            raise UsageError(f"{option} '{text}': cannot tell which home folder '~' means here",
                             field=_field(option), hint="give the full path instead")
        text = expanded
    return Path(text)


def _field(option: str) -> str:
    return option.lstrip("-").replace("-", "_")


def check_out_dir(path: str | Path, option: str = "--out") -> Path:
    """An output folder that can be a folder of its own, as the path to use.

    Refused: an empty path, the working directory or one of its parents (``''``, ``.``,
    ``..``, ``/``), the home folder, a file, a path under a file. Nothing is written before
    this check."""
    if not os.fspath(path).strip():
        raise ResultsError(f"{option} is empty, which names the working directory; unionsim "
                           f"writes into a folder of its own", field=_field(option),
                           hint=_new_folder(option))
    path = user_path(path, option)
    resolved = Path(os.path.abspath(path))
    cwd = Path(os.path.abspath(os.getcwd()))
    home = Path(os.path.abspath(os.path.expanduser("~")))
    real = Path(os.path.realpath(resolved))
    for candidate in {resolved, real}:
        if candidate == cwd or candidate in cwd.parents or candidate == home or \
                candidate == Path(candidate.anchor):
            raise ResultsError(f"{option} '{path}' is the working directory, one of its parents "
                               f"or the home folder; unionsim writes into a folder of its own",
                               field=_field(option), hint=_new_folder(option))
    for p in (resolved, *resolved.parents):
        if p.exists() or p.is_symlink():
            if not p.is_dir():
                where = "is a file" if p == resolved else f"is under a file ({p})"
                if p == resolved and p.is_symlink():
                    where = "is a link that leads to no folder"
                raise ResultsError(f"{option} '{path}' {where}", file=path, field=_field(option),
                                   hint=f"give a folder path, e.g. {option} runs/my-batch")
            break
    return path


def check_named_output(path: str | Path, option: str, *, what: str,
                       suffixes: Iterable[str] = (),
                       ours: Callable[[Path], bool] | None = None) -> Path:
    """A file the user named for a command to write (``--posterior X``, ``--report Y``,
    ``report --out Z.html``), as the path to use.

    Refused: a name without one of ``suffixes``; a link (never written through); a folder, a
    device or anything but a regular file; a path under a file; and an existing file that
    ``ours`` does not recognise as one unionsim wrote (a user's file, a shipped input)."""
    path = user_path(path, option)
    field = _field(option)
    suffixes = tuple(suffixes)
    if suffixes and path.suffix.lower() not in suffixes:
        raise UsageError(f"{option} '{path}' must end in {' or '.join(suffixes)} ({what})",
                         field=field, hint=f"e.g. {option} {path.with_suffix(suffixes[0])}")
    if path.is_symlink():
        raise ResultsError(f"{path.name} is a symbolic link; unionsim does not write through "
                           f"links and leaves it as it is", file=path, field=field,
                           hint=f"give another file name for {option}")
    if path.exists():
        if path.is_dir():
            raise ResultsError(f"{option} '{path}' is a folder; give a file name", file=path,
                               field=field, hint=f"e.g. {option} {path / ('x' + (suffixes or ('',))[0])}")
        if not path.is_file():
            raise ResultsError(f"{option} '{path}' is not a regular file (a device or a pipe)",
                               file=path, field=field, hint=f"give another file name for {option}")
        if ours is not None and not ours(path):
            raise ResultsError(f"{path.name} already exists and is not {what} written by "
                               f"unionsim; it is left untouched", file=path, field=field,
                               hint=f"give another file name for {option}, or move the file "
                                    f"away first")
    for p in Path(os.path.abspath(path)).parents:
        if p.exists():
            if not p.is_dir():
                raise ResultsError(f"{option} '{path}' is under a file ({p})", file=path,
                                   field=field, hint="give a path inside a folder")
            break
    return path


def distinct_outputs(outputs: Mapping[str, Path], options: Mapping[str, str] = {}) -> None:
    """Refuse a command whose outputs (label -> path) name the same file twice: one would
    replace the other. ``options`` names the option that sets each label's path (the fix)."""
    seen: dict[str, str] = {}
    for label, path in outputs.items():
        key = os.path.realpath(os.path.abspath(path))
        if key in seen:
            first = seen[key]
            option = options.get(first) or options.get(label) or \
                (first if first.startswith("--") else label)
            raise UsageError(f"{first} and {label} would be the same file ({path}); one would "
                             f"replace the other", field=_field(option.split()[0]),
                             hint=f"give {option} another file name")
        seen[key] = label


def write_named(path: Path, data: bytes, *, sync: bool = False) -> Path:
    """Write a file checked by `check_named_output` whole (a temporary name in the same folder,
    then renamed), creating its folder; never through a link."""
    from unionsim.guard.entries import write_bytes, write_error

    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(exc, path) from None
    return write_bytes(parent, path.name, data, sync=sync)


# --------------------------------------------------------------------------- recognising our files

#: The stamp every HTML page unionsim writes carries; its PNG figures name it as their software.
HTML_STAMP = '<meta name="generator" content="unionsim">'
PNG_SOFTWARE = "unionsim"


def written_by_unionsim(path: Path, *phrases: str) -> bool:
    """Whether a text file carries unionsim's HTML stamp, or one of ``phrases`` (the heading or
    sentence every file of its kind opens with), in its first few kilobytes."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8192).decode("utf-8", "replace")
    except OSError:
        return False
    marks = (HTML_STAMP, *phrases)
    return any(mark in head for mark in marks)


def is_unionsim_png(path: Path) -> bool:
    """Whether a PNG file was drawn by unionsim: its ``Software`` text chunk names unionsim (or
    Matplotlib, which drew unionsim's figures before they carried the name)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    if not head.startswith(b"\x89PNG\r\n\x1a\n"):
        return False
    at = head.find(b"tEXtSoftware\x00")
    if at < 0:
        return False
    software = head[at + len(b"tEXtSoftware\x00"):at + 80]
    return software.startswith(PNG_SOFTWARE.encode()) or software.startswith(b"Matplotlib")
