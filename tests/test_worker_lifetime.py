"""Worker processes live no longer than the command that started them, start clean, and say
what went wrong when they cannot start.

Each test starts the real command in a subprocess (its own session, so signals reach only it),
finds its worker processes in /proc, then kills, interrupts or starves it.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to read it counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid``."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            parent = _parent_of(int(entry))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found and _alive(child):
                found.add(child)
                todo.append(child)
    return found


def _env(**extra) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **extra}
    env.pop("PYTHONSAFEPATH", None)
    return env


def _start(args: list[str], cwd: Path, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "unionsim", *args], cwd=cwd, env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, **popen)


def _wait_for_workers(proc: subprocess.Popen, count: int, timeout: float = 240) -> set[int]:
    """The command's processes once at least ``count`` run below it (fork server, workers)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        family = descendants(proc.pid)
        if len(family) >= count:
            time.sleep(1.0)  # let them get to work
            return descendants(proc.pid)
        assert proc.poll() is None, proc.stderr.read().decode()
        time.sleep(0.2)
    raise AssertionError(f"fewer than {count} worker processes after {timeout} s")


def _read_all(stream, into: list) -> threading.Thread:
    thread = threading.Thread(target=lambda: into.append(stream.read()), daemon=True)
    thread.start()
    return thread


def _assert_gone(pids: set[int], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = {p for p in pids if _alive(p)}
        if not left:
            return
        time.sleep(0.2)
    for p in left:  # do not leave them running after the test
        os.kill(p, signal.SIGKILL)
    raise AssertionError(f"processes still running {timeout} s after the command ended: {left}")


COMMANDS = {
    "run": ["run", "baseline", "--runs", "3000", "--workers", "2", "--out", "res"],
    "calibrate": ["calibrate", "--quick", "--workers", "2", "--out", "fit"],
    "search": ["search", str(Path(__file__).resolve().parents[1] / "searches" /
                             "west_deal_or_hold.yaml"), "--workers", "2", "--out", "srch"],
}


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killing_the_command_ends_its_workers_and_closes_its_output(tmp_path, command, sig):
    proc = _start(COMMANDS[command], tmp_path)
    family = _wait_for_workers(proc, 3)  # the fork server and two workers
    out, err = [], []
    readers = [_read_all(proc.stdout, out), _read_all(proc.stderr, err)]
    os.kill(proc.pid, sig)
    for reader in readers:
        reader.join(60)
    assert not any(r.is_alive() for r in readers), \
        "the command's output is still held open: a worker outlived it"
    _assert_gone(family)
    code = proc.wait(30)
    if sig == signal.SIGTERM:
        message = err[0].decode()
        assert code == 143 and "Traceback" not in message, message
        assert "stopped (SIGTERM)" in message


def _as_from_a_terminal() -> None:
    """In the command's process before it starts: Ctrl-C as a terminal delivers it, neither
    blocked nor ignored, whatever this test process inherited or earlier tests left (a child
    keeps its parent's blocked and ignored signals across exec)."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow
def test_ctrl_c_while_the_workers_start_prints_no_worker_traceback(tmp_path):
    proc = _start(COMMANDS["run"], tmp_path, preexec_fn=_as_from_a_terminal)
    deadline = time.monotonic() + 240
    while not descendants(proc.pid) and time.monotonic() < deadline:  # the fork server starts
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
    family = descendants(proc.pid)
    out, err = proc.communicate(timeout=120)
    message = err.decode()
    assert proc.returncode == 130, message
    assert "Traceback" not in message and "KeyboardInterrupt" not in message, message
    assert "interrupted" in message
    _assert_gone(family)


TRAP = textwrap.dedent("""\
    import os
    open(os.path.join(os.path.dirname(__file__), "{name}.imported"), "a").write("x")
    raise ImportError("the trap file {name}.py was imported")
    """)

MAPPER = textwrap.dedent("""\
    from unionsim.calibration.fit import _Mapper
    if __name__ == "__main__":
        with _Mapper("process", 2, None) as m:
            print(list(m(abs, [-1, -2, -3, -4])))   # the mapper yields results as they come
    """)


@pytest.mark.slow
def test_calibration_workers_do_not_import_modules_from_the_working_directory(tmp_path):
    """As `run`'s workers: the installed script's folder is first on its path, the working
    directory holds a user's random.py, numpy.py, yaml.py and pandas.py."""
    pytest.importorskip("pyabc")
    cwd, bin_dir = tmp_path / "project", tmp_path / "bin"
    cwd.mkdir(), bin_dir.mkdir()
    for name in ("random", "numpy", "yaml", "pandas"):
        (cwd / f"{name}.py").write_text(TRAP.format(name=name))
    (bin_dir / "fit_workers.py").write_text(MAPPER)
    r = subprocess.run([sys.executable, str(bin_dir / "fit_workers.py")], cwd=cwd, env=_env(),
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[1, 2, 3, 4]"
    assert not list(cwd.glob("*.imported")), "a worker imported a module from the working folder"


@pytest.mark.slow
def test_workers_that_cannot_start_for_a_long_tmpdir_are_named_not_the_results_folder(
        tmp_path):
    tmpdir = tmp_path / ("t" * 90) / ("m" * 90)
    tmpdir.mkdir(parents=True)
    r = subprocess.run([sys.executable, "-m", "unionsim", "run", "baseline", "-n", "4",
                        "--workers", "2", "--out", "res"], cwd=tmp_path,
                       env=_env(TMPDIR=str(tmpdir)), capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert "worker processes could not start" in r.stderr and "TMPDIR" in r.stderr, r.stderr
    assert "cannot write" not in r.stderr


@pytest.mark.slow
def test_workers_that_cannot_start_for_too_few_open_files_say_so(tmp_path):
    def few_files() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (12, 12))

    r = subprocess.run([sys.executable, "-m", "unionsim", "run", "baseline", "-n", "40",
                        "--workers", "2", "--out", "res"], cwd=tmp_path, env=_env(),
                       capture_output=True, text=True, timeout=300, preexec_fn=few_files)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert "open no more files" in r.stderr and "ulimit -n" in r.stderr, r.stderr
    assert "cannot write ?" not in r.stderr



@pytest.mark.parametrize("command_gone", [True, False], ids=["command gone", "command alive"])
def test_a_worker_prints_its_error_only_while_its_command_lives(command_gone):
    """A worker that fails to start because its command was stopped adds no traceback to the
    command's own message; an error while the command lives still prints in full."""
    from unionsim.experiment.executors import PRELOAD
    assert PRELOAD[0] == "unionsim.experiment.worker_start"
    code = textwrap.dedent(f"""
        import os, pickle, subprocess, sys
        import unionsim.experiment.worker_start as start
        gone = subprocess.Popen([sys.executable, "-c", "pass"])
        gone.wait()
        start.COMMAND = gone.pid if {command_gone} else os.getpid()
        start.GRACE_SECONDS = 0.5
        pickle.loads(pickle.dumps(list(range(100)))[:-5])  # start-up data cut short
    """)
    done = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True,
                          timeout=60)
    assert done.returncode == 1
    stderr = done.stderr.decode()
    if command_gone:
        assert stderr == ""
    else:
        assert "Traceback" in stderr and "UnpicklingError" in stderr, stderr


def test_a_stopped_pool_is_not_woken_again_when_the_interpreter_exits():
    """Python 3.11's exit handler writes to each pool's wake-up pipe while the pool's manager
    thread may be closing it (a traceback after our own error); a pool the batch stopped is
    taken off that list."""
    import concurrent.futures.process as futures_process

    from unionsim.experiment.executors import local_pool, stop_now
    from unionsim.experiment.work import starting_workers

    pool = local_pool(1)
    with starting_workers():
        future = pool.submit(time.sleep, 30)
    manager = pool._executor_manager_thread
    assert manager in futures_process._threads_wakeups
    stop_now(pool)
    assert not manager.is_alive() and future is not None
    assert manager not in futures_process._threads_wakeups
