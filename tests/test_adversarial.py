"""The standing adversarial corpus (issue 9, item 7; the write guard's cases, issue 21): several
hundred generated bad inputs across scenario files, parameter files, command-line arguments,
damaged results and fit folders, posteriors, links, locks, ``~`` and full disks.

Every case runs the real command line in this process (``unionsim.cli.main``) in a scratch
folder that also holds a user's files, and asserts the project's error: exit code 2, no
traceback, a message that names the file, folder or option and says how to fix it, and nothing
changed outside the results folder the command was given. The few cases a command is right to
accept assert exit code 0 and the same untouched world. The cases are listed in
``tests/adversarial/corpus.py`` (``python tests/adversarial/corpus.py`` prints the counts).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import stat
import sys
import tempfile
import traceback
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "adversarial"))
# matplotlib keeps its cache under $HOME, which each case points into its scratch world
os.environ.setdefault("MPLCONFIGDIR", tempfile.mkdtemp(prefix="unionsim-mpl-"))
import corpus  # noqa: E402

_GOOD: dict[str, Path] = {}


def make_good(dest: Path) -> None:
    """A copy of a small complete results folder (made once per session)."""
    shutil.copytree(_GOOD["folder"], dest)


@pytest.fixture(scope="module", autouse=True)
def good_folder(tmp_path_factory):
    from unionsim.experiment.batch import run_batch

    folder = tmp_path_factory.mktemp("adversarial") / "good"
    run_batch("baseline", runs=12, seed=1, out=folder, executor="serial")
    _GOOD["folder"] = folder
    yield folder


CASES = [pytest.param(case, marks=pytest.mark.slow) if case.slow else case
         for case in corpus.all_cases(make_good)]


def snapshot(root: Path, skip: Path | None) -> dict[str, str]:
    """Every entry under ``root`` (but ``skip``) with its kind and content hash."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if skip is not None and (here == skip or skip in here.parents):
            dirnames[:] = []
            continue
        for name in dirnames + filenames:
            p = here / name
            if skip is not None and p == skip:
                continue
            mode = os.lstat(p).st_mode
            if stat.S_ISREG(mode):
                out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
            else:
                out[str(p.relative_to(root))] = "dir" if stat.S_ISDIR(mode) else oct(mode)
    return out


def run_cli(args: list[str]) -> tuple[int | None, str]:
    """``unionsim ARGS`` in this process: exit code and everything it printed."""
    from unionsim.cli import main

    buffer = io.StringIO()
    saved = sys.argv
    sys.argv = ["unionsim", *args]
    code: int | None = 0
    try:
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - what the corpus hunts for
        code = None
        buffer.write(traceback.format_exc())
    finally:
        sys.argv = saved
    return code, buffer.getvalue()


@pytest.fixture(autouse=True)
def locks_held_by_a_case_are_released():
    yield
    corpus.release_held()


def size_limit_asked(world: Path) -> int | None:
    """The file size limit a full-disk case asks for (``.fsize`` in its world), taken away."""
    limit_file = world / ".fsize"
    if not limit_file.exists():
        return None
    limit = int(limit_file.read_text())
    limit_file.unlink()
    return limit


@contextlib.contextmanager
def file_size_limit(limit: int | None):
    """Writes beyond ``limit`` bytes fail with EFBIG, as on a full disk, instead of killing
    the process (SIGXFSZ ignored)."""
    if limit is None:
        yield
        return
    import resource
    import signal

    previous = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, previous[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, previous)
        signal.signal(signal.SIGXFSZ, handler)


@pytest.fixture(autouse=True)
def deletions_stay_in_the_test_folder(monkeypatch, tmp_path):
    """Should a regression ever try to delete a folder outside the case's scratch folder (the
    cases give `/`, `..` and the home folder as --out), stop it before it starts."""
    import multiprocessing.util

    # multiprocessing's own temporary folder (made when a case first starts worker processes)
    # is removed at exit by the rmtree it saw when it was made: make it with the real one
    multiprocessing.util.get_temp_dir()
    real = shutil.rmtree

    def guarded(path, *args, **kwargs):
        target = Path(os.path.abspath(path))
        assert tmp_path.resolve() in target.parents, f"refusing to delete {target}"
        return real(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", guarded)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_adversarial_case(case, tmp_path, monkeypatch):
    world = tmp_path / "world"
    (world / "home").mkdir(parents=True)
    (world / "notes").mkdir()
    (world / "notes" / "notes.txt").write_text("the user's own notes\n")
    (world / "thesis.tex").write_text("\\section{Belarus}\n")
    monkeypatch.chdir(world)
    monkeypatch.setenv("HOME", str(world / "home"))
    args = case.setup(world)
    limit = size_limit_asked(world)
    results = world / case.results if case.results else None
    before = snapshot(world, results)

    with file_size_limit(limit):
        code, output = run_cli(args)

    assert "Traceback" not in output, output
    assert code == case.code, f"exit code {code}:\n{output}"
    if case.code == 2:
        assert "error" in output.lower(), output
        assert "fix:" in output or "--help' for help" in output, f"no fix given:\n{output}"
    assert case.expect in output, f"the message does not name {case.expect!r}:\n{output}"
    assert snapshot(world, results) == before, "files outside the results folder changed"
