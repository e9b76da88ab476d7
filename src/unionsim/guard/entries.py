"""Entries inside a folder unionsim writes: written whole, never through links, deleted by name.

Every file goes to a temporary name created exclusively and without following links
(``O_CREAT | O_EXCL | O_NOFOLLOW``), then is renamed over the entry: a reader sees the whole file
or none of it, and a link planted where a file will be written is refused rather than followed.
Deleting walks a `Layout` (the names a command writes) and never deletes what it does not name,
never follows a link and never descends through one.
"""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import json
import os
import secrets
import stat
from pathlib import Path
from typing import Mapping, Union

from unionsim.errors import ResultsError

LOCK = ".unionsim.lock"       # held (flock) by the one process writing a folder
TMP_PATTERN = ".*.tmp-*"      # temporary names of files being written

Layout = Mapping[str, Union["Layout", None]]
"""The entries a command writes into a folder: ``fnmatch`` patterns mapped to ``None`` (a file)
or to the layout of a subfolder."""

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def write_error(exc: OSError, path: Path) -> ResultsError:
    """A failed write (full disk, no permission) as a `ResultsError` that says how to go on."""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.EMFILE, errno.ENFILE):
        return ResultsError(f"this process may open no more files ({reason})", file=path,
                            hint="raise the limit of open files (e.g. `ulimit -n 4096`) or use "
                                 "fewer --workers, then repeat the command with --resume: "
                                 "finished runs are kept")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        hint = ("free some disk space (or choose an --out on another disk), then repeat the "
                "command with --resume (resume=True in Python): finished runs are kept")
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "choose an --out folder you may write to"
    elif exc.errno == errno.ELOOP:
        hint = "remove the symbolic link unionsim found there: it never writes through links"
    elif exc.errno == errno.ENAMETOOLONG:
        hint = "choose a shorter path"
    else:
        hint = "check the folder, then repeat the command with --resume (resume=True in Python)"
    return ResultsError(f"cannot write {path.name}: {reason}", file=path.parent, hint=hint)


def link_error(path: Path) -> ResultsError:
    return ResultsError(f"{path.name} is a symbolic link; unionsim does not write through links "
                        f"(nor follow or delete them) in the folders it writes, and leaves it as "
                        f"it is",
                        file=path, hint=f"remove the link {path} (or choose another folder), then "
                                        f"repeat the command")


def checked_entry(folder: str | Path, name: str, want: str | None = None) -> Path:
    """``folder/name`` once no component below ``folder`` is a link, the parents inside the
    folder are folders and an existing entry is of the kind wanted (``"file"``: a regular file,
    ``"dir"``: a folder)."""
    folder = Path(folder)
    parts = Path(name).parts
    path = folder
    for i, part in enumerate(parts):
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return folder.joinpath(*parts)
        except OSError as exc:
            raise ResultsError(f"cannot read {path.name} ({exc.strerror or exc})", file=path,
                               hint="check the folder and its permissions") from None
        if stat.S_ISLNK(mode):
            raise link_error(path)
        last = i == len(parts) - 1
        if not last and not stat.S_ISDIR(mode):
            raise ResultsError(f"{path.name} should be a folder written by unionsim, but it is "
                               f"not a folder; it is left as it is", file=path,
                               hint=f"move {path} away, then repeat the command")
        if last and want == "file" and not stat.S_ISREG(mode):
            raise ResultsError(f"{path.name} should be a file written by unionsim, but it is "
                               f"{_kind(mode)}; it is left as it is", file=path,
                               hint=f"move {path} away, then repeat the command")
        if last and want == "dir" and not stat.S_ISDIR(mode):
            raise ResultsError(f"{path.name} should be a folder written by unionsim, but it is "
                               f"{_kind(mode)}; it is left as it is", file=path,
                               hint=f"move {path} away, then repeat the command")
    return path


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    return "a device or socket"


@contextlib.contextmanager
def writing(folder: str | Path, name: str, *, sync: bool = False):
    """Write ``folder/name`` whole through a binary file object: the ``with`` block writes to a
    temporary name created exclusively (never through a link), which is renamed into place when
    the block ends without an error (and deleted when it fails). ``sync`` also flushes the file
    to the disk."""
    target = checked_entry(folder, name, "file")
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}-{secrets.token_hex(3)}")
    made = False
    try:
        with open(tmp, "wb", opener=_exclusive) as fh:
            made = True
            yield fh
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        checked_entry(folder, name, "file")  # still no link there (a race is refused, too)
        os.replace(tmp, target)
        made = False
    except OSError as exc:
        raise write_error(exc, target) from None
    finally:
        if made:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _exclusive(path: str, flags: int) -> int:
    """`open`'s opener for temporary files: created new (O_EXCL), never through a link."""
    return os.open(path, flags | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o644)


def write_bytes(folder: str | Path, name: str, data: bytes, *, sync: bool = False) -> Path:
    """Write ``folder/name`` whole (see `writing`). Returns the path."""
    with writing(folder, name, sync=sync) as fh:
        fh.write(data)
    return Path(folder) / name


def write_text(folder: str | Path, name: str, text: str, *, sync: bool = False) -> Path:
    return write_bytes(folder, name, text.encode("utf-8"), sync=sync)


def write_json(folder: str | Path, name: str, data: dict, *, sync: bool = True) -> Path:
    """Write JSON whole (and, by default, to the disk: manifests are what a resume trusts)."""
    return write_bytes(folder, name, (json.dumps(data, indent=2) + "\n").encode("utf-8"),
                       sync=sync)


def make_dir(folder: str | Path, name: str) -> Path:
    """``folder/name`` as a folder: made when missing; refused when it is a link or a file."""
    path = checked_entry(folder, name, "dir")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(exc, path) from None
    return checked_entry(folder, name, "dir")


def read_entry_bytes(folder: str | Path, name: str, max_bytes: int) -> bytes:
    """The bytes of the regular file ``folder/name``, read without following a link; a file
    larger than ``max_bytes`` is refused."""
    path = checked_entry(folder, name, "file")
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
            raise ResultsError(f"{path.name} is not a regular file of a sensible size",
                               file=path, hint=f"move {path} away, then repeat the command")
        with os.fdopen(os.dup(fd), "rb") as fh:
            return fh.read(max_bytes + 1)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- deleting

def _matches(name: str, layout: Layout) -> tuple[bool, Layout | None]:
    for pattern, sub in layout.items():
        if fnmatch.fnmatchcase(name, pattern):
            return True, sub
    return False, None


def _plan_removal(folder: Path, layout: Layout, into: list[tuple[Path, bool]]) -> None:
    """Collect what `remove_layout` deletes; refuse first, before anything is deleted, if a
    named entry is a link or of the wrong kind."""
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name == LOCK:
            continue
        named, sub = _matches(entry.name, layout)
        if not named:
            continue
        path = Path(entry.path)
        if entry.is_symlink():
            raise link_error(path)
        if sub is None:
            if entry.is_dir(follow_symlinks=False):
                raise ResultsError(f"{entry.name} should be a file written by unionsim, but it is "
                                   f"a folder; it is left as it is", file=path,
                                   hint=f"move {path} away, then repeat the command")
            into.append((path, False))
        else:
            if not entry.is_dir(follow_symlinks=False):
                raise ResultsError(f"{entry.name} should be a folder written by unionsim, but "
                                   f"it is not; it is left as it is", file=path,
                                   hint=f"move {path} away, then repeat the command")
            _plan_removal(path, sub, into)
            into.append((path, True))


def remove_layout(folder: str | Path, layout: Layout) -> list[Path]:
    """Delete the entries of ``folder`` that ``layout`` names (files, and the named files of
    named subfolders, which are removed once empty); never the lock, never an unnamed file,
    never a link. Returns the folders left in place because they hold other files."""
    folder = Path(folder)
    plan: list[tuple[Path, bool]] = []
    _plan_removal(folder, layout, plan)
    kept = []
    for path, is_dir in plan:
        try:
            if is_dir:
                try:
                    path.rmdir()
                except OSError as exc:
                    if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                        raise
                    kept.append(path)
            else:
                path.unlink(missing_ok=True)
        except OSError as exc:
            raise ResultsError(f"cannot delete {path.name} ({exc.strerror or exc})", file=path,
                               hint="check the folder's permissions") from None
    return kept


# --------------------------------------------------------------------------- the lock

@contextlib.contextmanager
def folder_lock(path: str | Path):
    """Hold ``path``'s lock while writing it: a second writer is refused at once.

    The lock file is opened without following a link and without blocking on a pipe; it must be
    a regular file with a single name (a hard link to a user's file is refused), and it is
    written (the holder's PID) only once the lock is held. It is an OS file lock (``flock``), so
    a killed process's lock is released by the system and the next writer simply takes it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX: no lock
        yield
        return
    path = Path(path)
    lock = path / LOCK
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(exc, lock) from None
    if os.path.islink(lock):
        raise link_error(lock)
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC
                     | getattr(os, "O_NONBLOCK", 0), 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise link_error(lock) from None
        if exc.errno == errno.ENXIO:  # a named pipe nobody reads
            raise ResultsError(f"{LOCK} is not a regular file; it is left as it is", file=lock,
                               hint=f"remove {lock}, then repeat the command") from None
        raise write_error(exc, lock) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            raise ResultsError(f"{LOCK} is not a lock file unionsim made (it is "
                               f"{'another name of a file' if stat.S_ISREG(info.st_mode) else 'not a regular file'}); "
                               f"it is left as it is", file=lock,
                               hint=f"remove {lock}, then repeat the command")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise ResultsError(f"another unionsim process (pid {holder}) is writing this folder",
                               file=path,
                               hint="wait until it has finished (or stop it), then repeat the "
                                    "command; or choose another --out") from None
        with contextlib.suppress(OSError):   # the PID is for messages only
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock
