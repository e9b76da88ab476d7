"""Safe with the user's files (issue 9, items 1, 3 and 4).

The data-loss cases first: each fails on the code before this change (the folder or the
working directory was deleted, or a full disk left a folder that --resume refused) and passes
now. Then the lock, a full disk at every write, dask addresses that do not answer, the progress
watchdog and workers that must not import modules from the working directory.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from unionsim.errors import ExecutionError, ResultsError
from unionsim.experiment import store as store_module
from unionsim.experiment.batch import run_plan
from unionsim.experiment.plan import make_plan

ROOT = Path(__file__).resolve().parents[1]
FILES = ("manifest.json", "outcomes.parquet", "timeseries.parquet", "decisions.parquet")


@pytest.fixture(autouse=True)
def deletions_stay_in_the_test_folder(monkeypatch, tmp_path_factory):
    """Belt and braces: should a regression ever try to delete a folder outside pytest's
    temporary folder (these tests give `/`, `..` and the home folder as --out), stop it."""
    import shutil

    base = tmp_path_factory.getbasetemp().resolve()
    real = shutil.rmtree

    def guarded(path, *args, **kwargs):
        target = Path(os.path.abspath(path))
        assert target != base and base in target.parents, f"refusing to delete {target}"
        return real(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", guarded)


@pytest.fixture(scope="module")
def plan(baseline):
    return make_plan(baseline, runs=12, seed=5)


@pytest.fixture(scope="module")
def reference(plan, tmp_path_factory):
    return run_plan(plan, tmp_path_factory.mktemp("safety") / "ref", executor="serial",
                    chunk_size=4)


def results_bytes(folder: Path) -> dict[str, bytes]:
    """The result files, with the manifest's timings and history left out."""
    out = {name: (folder / name).read_bytes() for name in FILES[1:]}
    manifest = json.loads((folder / "manifest.json").read_text())
    out["runs_ok"] = manifest["runs_ok"]
    return out


def tree(root: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(root.rglob("*"))}


def user_folder(path: Path) -> Path:
    path.mkdir(parents=True)
    (path / "thesis.tex").write_text("\\chapter{The Union State}\n")
    (path / "notes.txt").write_text("interviews, Minsk 2021\n")
    (path / "data").mkdir()
    (path / "data" / "survey.csv").write_text("q,a\n1,2\n")
    return path


# --------------------------------------------------------------------------- data loss

def test_force_refuses_a_folder_unionsim_did_not_write_and_does_not_suggest_force(plan, tmp_path):
    thesis = user_folder(tmp_path / "thesis")
    before = tree(thesis)
    for force in (False, True):
        with pytest.raises(ResultsError) as info:
            run_plan(plan, thesis, executor="serial", force=force)
        message = str(info.value)
        assert "files unionsim did not write" in message and "thesis.tex" in message
        assert "--force" not in message and "--resume" not in message
    assert tree(thesis) == before  # nothing deleted, not even a lock file added


@pytest.mark.parametrize("out,force", [("", True), (".", True), ("..", True),
                                       ("/", False)])  # never force on "/": see below
def test_the_working_directory_its_parents_and_root_are_refused(plan, tmp_path, monkeypatch,
                                                                 out, force):
    """The old code deleted the working directory's content for `--out '' --force`. The root
    is tried without force only: with force, old code would start deleting the whole disk."""
    cwd = user_folder(tmp_path / "work")
    monkeypatch.chdir(cwd)
    before = tree(tmp_path)
    with pytest.raises(ResultsError, match="working directory"):
        run_plan(plan, out, executor="serial", force=force)
    assert tree(tmp_path) == before


def test_the_home_folder_is_refused(plan, tmp_path, monkeypatch):
    home = user_folder(tmp_path / "home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    before = tree(home)
    with pytest.raises(ResultsError, match="home folder"):
        run_plan(plan, home, executor="serial", force=True)
    assert tree(home) == before


def test_force_on_a_results_folder_keeps_the_users_own_files_in_it(plan, reference, tmp_path):
    out = run_plan(make_plan(plan.scenario, runs=3, seed=1), tmp_path / "r", executor="serial")
    (out / "my_notes.txt").write_text("what I saw in run 2\n")
    run_plan(plan, out, executor="serial", force=True, chunk_size=4)
    assert (out / "my_notes.txt").read_text() == "what I saw in run 2\n"
    assert results_bytes(out) == results_bytes(reference)


def _full_disk_on(monkeypatch, name: str, *, call: int = 1):
    """Make the ``call``-th write of a file called ``name`` fail with ENOSPC."""
    real_open = open
    seen = {"n": 0}

    def failing_open(file, mode="r", *args, **kwargs):
        if "w" in mode and Path(file).name.startswith(f".{name}.tmp-"):
            seen["n"] += 1
            if seen["n"] == call:
                raise OSError(errno.ENOSPC, "No space left on device", str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", failing_open)


def test_a_full_disk_while_the_manifest_is_first_written_leaves_a_folder_resume_finishes(
        plan, reference, tmp_path, monkeypatch):
    out = tmp_path / "full"
    with monkeypatch.context() as m:
        _full_disk_on(m, "manifest.json")
        with pytest.raises(ResultsError, match="No space left") as info:
            run_plan(plan, out, executor="serial", chunk_size=4)
    assert "--resume" in str(info.value)
    assert not list(out.glob(".*.tmp-*")), "the half-written temporary file is left behind"
    messages: list[str] = []
    run_plan(plan, out, executor="serial", resume=True, chunk_size=4, notify=messages.append)
    assert results_bytes(out) == results_bytes(reference)


def test_the_same_command_again_also_finishes_a_folder_whose_manifest_was_never_written(
        plan, reference, tmp_path, monkeypatch):
    out = tmp_path / "full"
    with monkeypatch.context() as m:
        _full_disk_on(m, "manifest.json")
        with pytest.raises(ResultsError):
            run_plan(plan, out, executor="serial", chunk_size=4)
    run_plan(plan, out, executor="serial", chunk_size=4)  # nothing of value was there
    assert results_bytes(out) == results_bytes(reference)


@pytest.mark.parametrize("name,call", [("part-0000004-0000007.outcomes.parquet", 1),
                                       ("part-0000008-0000011.ts.parquet", 1),
                                       ("manifest.json", 2)])  # 2: the final manifest update
def test_a_full_disk_mid_batch_or_at_the_end_leaves_a_folder_resume_finishes(
        plan, reference, tmp_path, monkeypatch, name, call):
    out = tmp_path / "full"
    with monkeypatch.context() as m:
        _full_disk_on(m, name, call=call)
        with pytest.raises(ResultsError, match="No space left") as info:
            run_plan(plan, out, executor="serial", chunk_size=4)
    assert "--resume" in str(info.value)
    assert json.loads((out / "manifest.json").read_text())["status"] == "running"
    run_plan(plan, out, executor="serial", resume=True, chunk_size=4)
    assert results_bytes(out) == results_bytes(reference)


@pytest.mark.parametrize("damage", [b"", b"\x00\xff garbage", b"[1, 2]", b'{"status": "running"}'])
def test_a_damaged_manifest_next_to_finished_parts_gets_one_coherent_message(
        plan, reference, tmp_path, monkeypatch, damage):
    out = tmp_path / "damaged"
    with monkeypatch.context() as m:
        _full_disk_on(m, "part-0000008-0000011.ts.parquet")
        with pytest.raises(ResultsError):
            run_plan(plan, out, executor="serial", chunk_size=4)
    (out / "manifest.json").write_bytes(damage)
    for resume in (True, False):
        with pytest.raises(ResultsError) as info:
            run_plan(plan, out, executor="serial", resume=resume, chunk_size=4)
        message = str(info.value)
        assert "not a results folder" not in message
        assert "cannot be resumed" in message and "--force" in message
    run_plan(plan, out, executor="serial", force=True, chunk_size=4)
    assert results_bytes(out) == results_bytes(reference)


def test_a_full_disk_from_the_command_line_is_one_message_without_traceback(tmp_path,
                                                                            monkeypatch):
    from unionsim.cli import main

    monkeypatch.chdir(tmp_path)
    _full_disk_on(monkeypatch, "manifest.json")
    monkeypatch.setattr(sys, "argv", ["unionsim", "run", "baseline", "-n", "2", "--executor",
                                      "serial", "--out", "res"])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 2


# --------------------------------------------------------------------------- the lock

HOLDER = textwrap.dedent("""\
    import sys, time
    from pathlib import Path
    from unionsim.experiment.store import folder_lock
    with folder_lock(Path(sys.argv[1])):
        print("locked", flush=True)
        time.sleep(120)
    """)


def _hold_lock(folder: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(folder)], env=env,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_a_second_writer_is_refused_and_a_killed_writers_lock_is_taken_over(plan, reference,
                                                                            tmp_path):
    out = tmp_path / "busy"
    holder = _hold_lock(out)
    try:
        for options in ({}, {"resume": True}, {"force": True}):
            with pytest.raises(ResultsError, match=f"another unionsim process \\(pid "
                                                   f"{holder.pid}\\) is writing"):
                run_plan(plan, out, executor="serial", **options)
    finally:
        holder.send_signal(signal.SIGKILL)  # a stale lock: the process is gone
        holder.wait()
    run_plan(plan, out, executor="serial", chunk_size=4)
    assert results_bytes(out) == results_bytes(reference)


def test_the_lock_is_held_while_a_batch_runs(plan, tmp_path):
    """In-process: the batch's progress callback tries to take the lock a second time."""
    out = tmp_path / "held"
    refused: list[str] = []

    def progress(n):
        try:
            with store_module.folder_lock(out):
                pass
        except ResultsError as exc:
            refused.append(str(exc))

    run_plan(plan, out, executor="serial", chunk_size=4, progress=progress)
    assert len(refused) == 3 and f"pid {os.getpid()}" in refused[0]
    with store_module.folder_lock(out):  # released at the end
        pass


# --------------------------------------------------------------------------- dask

def test_an_unreachable_dask_scheduler_fails_in_seconds_and_leaves_no_folder(plan, tmp_path):
    pytest.importorskip("distributed")
    from unionsim.experiment.dask_executor import DaskExecutor

    out = tmp_path / "never"
    started = time.monotonic()
    with pytest.raises(ExecutionError, match="no dask scheduler answered at tcp://127.0.0.1:9"):
        run_plan(plan, out, executor=DaskExecutor("tcp://127.0.0.1:9", connect_timeout=1))
    assert time.monotonic() - started < 20
    assert not out.exists()


def test_a_server_that_answers_but_is_not_dask_does_not_hang(plan, tmp_path):
    pytest.importorskip("distributed")
    from unionsim.experiment.dask_executor import DaskExecutor

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    accepted = []

    def serve():  # accepts and stays silent, like a stuck service
        try:
            while True:
                accepted.append(server.accept()[0])
        except OSError:
            pass

    threading.Thread(target=serve, daemon=True).start()
    out = tmp_path / "silent"
    started = time.monotonic()
    try:
        with pytest.raises(ExecutionError, match="scheduler"):
            address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
            run_plan(plan, out, executor=DaskExecutor(address, connect_timeout=1))
    finally:
        server.close()
        for conn in accepted:
            conn.close()
    assert time.monotonic() - started < 20
    assert not out.exists()


# --------------------------------------------------------------------------- stalls

def test_the_watchdog_reports_a_batch_in_which_nothing_finishes():
    from concurrent.futures import Future

    from unionsim.experiment.executors import _watched

    done, stuck = Future(), Future()
    done.set_result("part")
    watched = _watched([done, stuck], stall_timeout=0.2)
    assert next(watched) is done
    with pytest.raises(ExecutionError, match=r"no chunk of runs finished for 0.2 s \(1 chunks"):
        next(watched)


@pytest.mark.slow
def test_a_stopped_worker_is_detected_and_reported(tmp_path):
    """A real batch whose worker process is stopped (SIGSTOP, not killed) as it starts."""
    out = tmp_path / "stalled"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "unionsim", "run", "baseline", "-n", "200",
                             "--workers", "1", "--out", str(out), "--stall-timeout", "8"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:  # the worker: a child of the fork server, a grandchild of the batch
            workers = [pid for pid in _group(proc.pid)
                       if pid != proc.pid and _parent(pid) not in (proc.pid, 1)]
            if workers:
                break
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
            time.sleep(0.02)
        for pid in workers:
            os.kill(pid, signal.SIGSTOP)
        _, stderr = proc.communicate(timeout=90)
    finally:
        for pid in _group(proc.pid):
            os.kill(pid, signal.SIGKILL)
    assert proc.returncode == 2, stderr
    assert "no chunk of runs finished for 8 s" in stderr and "Traceback" not in stderr
    assert "--resume" in stderr


def _group(pgid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    out.append(int(entry.name))
            except (ProcessLookupError, PermissionError):
                pass
    return out


def _parent(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return -1
    return int(stat.rsplit(")", 1)[1].split()[1])


# --------------------------------------------------------------------------- worker imports

TRAP = textwrap.dedent("""\
    import os
    open(os.path.join(os.path.dirname(__file__), "{name}.imported"), "a").write("x")
    raise ImportError("the trap file {name}.py was imported")
    """)


@pytest.mark.slow
def test_workers_do_not_import_modules_from_the_working_directory(tmp_path):
    """`random.py` and `concurrent.py` in the working directory, as a user may have them; the
    batch is started like the installed `unionsim` script (its folder first on sys.path)."""
    cwd, bin_dir = tmp_path / "project", tmp_path / "bin"
    cwd.mkdir(), bin_dir.mkdir()
    for name in ("random", "concurrent"):
        (cwd / f"{name}.py").write_text(TRAP.format(name=name))
    (bin_dir / "unionsim_entry.py").write_text(
        "import sys\nfrom unionsim.cli import main\nif __name__ == '__main__':\n    main()\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("PYTHONSAFEPATH", None)
    r = subprocess.run([sys.executable, str(bin_dir / "unionsim_entry.py"), "run", "baseline",
                        "-n", "20", "--workers", "2", "--out", "res"], cwd=cwd, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert not list(cwd.glob("*.imported")), "a worker imported a module from the working folder"
    assert json.loads((cwd / "res" / "manifest.json").read_text())["runs_ok"] == 20


# --------------------------------------------------------------------------- shipped files

def test_check_finds_the_shipped_overlays_from_any_folder(tmp_path, monkeypatch, baseline):
    from unionsim.validation.claims import CLAIMS
    from unionsim.validation.runner import shipped_file

    monkeypatch.chdir(tmp_path)
    overlays = {p for c in CLAIMS for b in (c.batch, c.other) if b for p in b.params}
    assert overlays, "no claim uses an overlay: the test checks nothing"
    for ref in overlays:
        assert shipped_file(ref).is_file(), ref
    plan = make_plan(baseline, runs=2, seed=1, param_files=[shipped_file(sorted(overlays)[0])])
    assert plan.parameters.changed()
