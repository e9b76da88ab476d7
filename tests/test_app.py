"""The explorer's controller and exports, without a browser (`unionsim.app.session`, `.export`).

The page itself is tested in a real browser in test_app_e2e.py.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from unionsim.app.export import write_exports
from unionsim.app.batches import APP_MAX_CHUNK, FIRST_CHUNK, EarlyPartsExecutor, error_text
from unionsim.app.controls import parameter_infos
from unionsim.app.session import Session
from unionsim.config.params import default_parameters
from unionsim.config.scenario import load_scenario
from unionsim.config.validate import validate_file
from unionsim.errors import ParameterError
from unionsim.experiment.batch import run_batch
from unionsim.experiment.work import guided_chunks

SCENARIO = "zapad_2017"    # the shortest shipped scenario that samples parameters per run
SAMPLED = "putin.reactivity"
FIXED = "minsk.economy_weight"


class _FakeExecutor:
    name, workers = "fake", 2


def test_rechunking_gives_small_first_parts_and_keeps_every_run_once():
    runs = [r for r in range(300) if r not in (40, 41, 200)]   # gaps, as on --resume
    chunks = EarlyPartsExecutor(_FakeExecutor()).rechunk(guided_chunks(runs, 2))
    assert [len(c) for c in chunks[:1]] == [FIRST_CHUNK]
    assert sorted(r for c in chunks for r in c) == runs
    assert max(len(c) for c in chunks) <= APP_MAX_CHUNK
    for chunk in chunks:   # a chunk never spans a gap (each part is a range of runs)
        assert chunk == list(range(chunk[0], chunk[-1] + 1))


def test_controls_show_the_scenarios_values_and_provenance():
    loaded = load_scenario(SCENARIO)
    infos = {i.name: i for i in parameter_infos(loaded)}
    assert set(infos) == set(default_parameters().specs)
    assert infos[SAMPLED].sampled and not infos[FIXED].sampled
    spec = default_parameters().specs[FIXED]
    assert (infos[FIXED].low, infos[FIXED].high, infos[FIXED].unit) == (*spec.range, spec.unit)
    assert infos[FIXED].group == "minsk" and infos[FIXED].sources
    assert infos[FIXED].low <= infos[FIXED].value <= infos[FIXED].high


def test_bad_input_gives_the_clis_error_text_and_changes_nothing(tmp_path):
    session = Session(runs_dir=tmp_path)
    assert session.choose_scenario(SCENARIO)
    assert session.set_value(FIXED, 0.7)
    assert not session.set_value(FIXED, 99.0)
    with pytest.raises(ParameterError) as cli_error:   # what `--set` raises, printed by the CLI
        default_parameters().with_values({FIXED: 99.0}, "--set")
    assert session.error == f"error: {cli_error.value}"
    assert "fix: choose a value in" in session.error
    assert session.tweaks == {FIXED: 0.7}
    assert not session.set_from_text("minsk.economy_weigh=0.5")
    assert "did you mean 'minsk.economy_weight'" in session.error
    assert not session.set_from_text("minsk.economy_weight=lots")
    assert "is not a number" in session.error

    broken = tmp_path / "broken.yaml"
    broken.write_text("name: broken\ntitle: Broken\nhorizon: [\n")
    assert not session.choose_scenario(str(broken))
    assert session.error.startswith(f"error: {broken}:")
    assert session.loaded.name == SCENARIO and session.tweaks == {FIXED: 0.7}
    assert session.start_batch(0, 1) is None and "--runs must be at least 1" in session.error


@pytest.mark.slow
def test_exported_files_reproduce_the_apps_batch_and_the_comparison_is_paired(tmp_path):
    session = Session(runs_dir=tmp_path / "app")
    assert session.choose_scenario(SCENARIO)
    reference = session.start_batch(10, 5, executor="serial")
    assert reference.wait(300) and reference.status == "complete", reference.error
    assert session.pin()
    assert session.set_value(SAMPLED, 0.5) and session.set_value(FIXED, 0.7)
    batch = session.start_batch(10, 5, executor="serial")
    assert batch.wait(300) and batch.status == "complete", batch.error
    assert batch.partial is not None and batch.done == 10

    diff = session.comparison()
    assert diff.pairs == 10 and diff.paired_outcomes is not None

    overlay, scenario = session.export()
    assert overlay.parent == batch.folder == scenario.parent
    assert validate_file(overlay) == "parameter overlay"
    assert validate_file(scenario) == "scenario"
    from_scenario = run_batch(str(scenario), runs=10, seed=5, out=tmp_path / "s",
                              executor="serial")
    from_overlay = run_batch(SCENARIO, runs=10, seed=5, out=tmp_path / "o",
                             param_files=[overlay], executor="serial")
    app_bytes = (batch.folder / "outcomes.parquet").read_bytes()
    assert (from_scenario / "outcomes.parquet").read_bytes() == app_bytes
    assert (from_overlay / "outcomes.parquet").read_bytes() == app_bytes
    rows = pd.read_parquet(batch.folder / "outcomes.parquet")
    assert f"param.{SAMPLED}" not in rows    # a tweak fixes a parameter the scenario samples
    assert f"param.{SAMPLED}" in pd.read_parquet(reference.folder / "outcomes.parquet")
    assert session.results(session.reference) is not None   # the pinned batch is kept

    trace = session.trace(3)       # one run on demand, replayed from the folder
    seed = int(rows.loc[rows["run"] == 3, "seed"].iloc[0])
    assert f"seed {seed}" in trace[1] and len(trace) > 24
    assert session.trace(99)[0].startswith("error: ") and "no run 99" in session.trace(99)[0]
    report = session.report()      # `unionsim report` of the reference and the current batch
    html = report.read_text(encoding="utf-8")
    assert report.parent == batch.folder and html.count("<h2>") >= 2
    assert diff.label_a in html and diff.label_b in html


def test_export_without_a_batch_has_the_controls_tweaks(tmp_path):
    overlay, scenario = write_exports(SCENARIO, {}, tmp_path)
    assert overlay is None and validate_file(scenario) == "scenario"
    loaded = load_scenario(scenario)
    assert loaded.spec.overrides == load_scenario(SCENARIO).spec.overrides


def test_cancel_keeps_the_finished_runs_and_resume_finishes_the_batch(tmp_path):
    session = Session(runs_dir=tmp_path)
    assert session.choose_scenario(SCENARIO) and session.set_value(FIXED, 0.7)
    batch = session.start_batch(12, 2, executor="serial")
    batch.cancel()   # takes effect when the first part is stored
    assert batch.wait(300) and batch.status == "cancelled", batch.error
    assert 0 < batch.done < 12 and len(batch.partial) == batch.done
    assert session.results(batch) is None and session.batches == []
    finished = run_batch(SCENARIO, runs=12, seed=2, out=batch.folder, sets={FIXED: 0.7},
                         resume=True, executor="serial")
    whole = run_batch(SCENARIO, runs=12, seed=2, out=tmp_path / "whole", sets={FIXED: 0.7},
                      executor="serial")
    assert (Path(finished) / "outcomes.parquet").read_bytes() == \
        (whole / "outcomes.parquet").read_bytes()


def test_unexpected_failures_are_reported_not_raised():
    assert error_text(ValueError("boom")).startswith("error: ValueError: boom")


# --------------------------------------------------------------------------- controls

def test_slider_steps_reach_both_ends_and_values_read_as_stored():
    from unionsim.app.controls import SLIDER_POSITIONS, slider_step, snap_to_grid

    assert slider_step(0.2, 0.9) == 0.01 and slider_step(0.0, 1.0) == 0.02
    for name, spec in default_parameters().specs.items():
        low, high = map(float, spec.range)
        step = slider_step(low, high)
        steps = (high - low) / step
        assert steps >= SLIDER_POSITIONS and abs(steps - round(steps)) < 1e-6, name
        assert snap_to_grid(low + step / 3, low, high, step) == low       # the left end
        assert snap_to_grid(high - step / 3, low, high, step) == high     # the right end
        inside = snap_to_grid(low + 0.3137 * (high - low), low, high, step)
        assert abs(round((inside - low) / step) * step + low - inside) < 1e-9, name

    session = Session()
    assert session.choose_scenario(SCENARIO)
    info = session.info(FIXED)
    assert session.move(FIXED, info.low + info.step * 0.2)
    assert session.tweaks[FIXED] == info.low                 # not 0.205 for a minimum of 0.2
    assert session.move(FIXED, info.low + 0.3 * (info.high - info.low) + info.step / 7)
    shown = info.show(session.tweaks[FIXED])
    assert float(shown) == session.tweaks[FIXED] and len(shown.split(".")[-1]) <= info.decimals


def test_the_run_button_runs_the_committed_state_and_the_same_as_line_says_so(tmp_path):
    session = Session(runs_dir=tmp_path)
    assert session.choose_scenario(SCENARIO)
    assert session.set_runs(6) and session.set_seed(3) and session.set_value(FIXED, 0.7)
    assert not session.set_runs(0) and "--runs must be at least 1" in session.error
    assert not session.set_seed(-1) and session.runs == 6 and session.seed == 3
    assert session.set_seed("3")      # the box corrected
    version = session.version
    assert session.set_runs(6) and session.version > version   # the page hears of every change
    # a refused box blocks Run: the batch would not be the one the page shows
    assert not session.set_runs("2O") and "whole number" in session.error
    assert session.start_batch() is None and "Runs box holds '2O'" in session.error
    assert session.set_runs("6") and session.refused == {} and session.error == ""
    session.executor = "serial"
    line = session.command_line()
    assert line == f"unionsim run {SCENARIO} --runs 6 --seed 3 --set {FIXED}=0.7"
    batch = session.start_batch()
    assert batch.wait(300) and batch.status == "complete", batch.error
    manifest = batch.results().manifest
    assert (manifest["n_runs"], manifest["master_seed"], manifest["sets"]) == (6, 3, {FIXED: 0.7})
    # the batch's end path reads the outcomes and summarises them, and draws nothing
    outcomes, flags, n_ok = batch.summary()
    assert n_ok == 6 and int(outcomes["runs"].sum()) == 6 and len(flags) > 20
    assert session.figures.drawn == 0


def test_page_updates_are_coalesced_and_never_block_the_caller():
    import threading
    import time

    from unionsim.app.background import Notifier

    calls, started = [], threading.Event()

    def slow_redraw():
        started.set()
        calls.append(time.monotonic())
        time.sleep(0.3)

    notifier = Notifier(slow_redraw)
    t0 = time.monotonic()
    notifier.poke()
    started.wait(10)
    for _ in range(50):          # 50 parts arrive while the page redraws
        notifier.poke()
    last_poke = time.monotonic()
    assert last_poke - t0 < 0.3   # poking never waits for the redraw
    deadline = time.monotonic() + 10
    while len(calls) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    assert len(calls) == 2 and calls[-1] >= last_poke - 0.3   # one more redraw, not 50
    assert notifier.idle.is_set()     # figures may be drawn: no redraw in progress


def test_a_closed_pages_background_threads_end_when_idle(monkeypatch):
    import time

    from unionsim.app import background

    monkeypatch.setattr(background, "IDLE_SECONDS", 0.2)
    notifier, calls = background.Notifier(lambda: calls.append(1)), []
    cache = background.FigureCache()
    notifier.poke()
    cache.get(("x",), lambda: b"png")
    deadline = time.monotonic() + 10
    while (notifier._thread or cache._thread) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert notifier._thread is None and cache._thread is None and calls == [1]
    notifier.poke()      # and start again on demand
    assert cache.get(("x",), lambda: b"other") == b"png"
    while len(calls) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert calls == [1, 1]


def test_figures_are_drawn_once_in_the_background():
    import threading
    import time

    from unionsim.app.background import FigureCache

    ready, drawn = threading.Event(), []

    def draw():
        time.sleep(0.3)
        drawn.append(threading.current_thread().name)
        return b"png"

    cache = FigureCache(on_ready=ready.set)
    t0 = time.monotonic()
    assert cache.get(("a",), draw) is None and cache.get(("a",), draw) is None
    assert time.monotonic() - t0 < 0.2          # the render is not held up
    assert ready.wait(10) and cache.get(("a",), draw) == b"png"
    assert drawn == ["figures"]                  # once, in the figures thread
    assert cache.get(("b",), lambda: 1 / 0) is None
    deadline = time.monotonic() + 10
    while cache.get(("b",), draw) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert cache.get(("b",), draw).startswith("error: ZeroDivisionError")


def test_stopping_the_app_ends_a_running_batch_and_its_workers_at_once(tmp_path):
    import os
    import time

    from unionsim.app.batches import stop_all_batches

    session = Session(runs_dir=tmp_path)
    assert session.choose_scenario(SCENARIO)
    batch = session.start_batch(5000, 1, workers=2)
    deadline = time.monotonic() + 300
    while batch.done < 1:
        assert time.monotonic() < deadline and batch.running, batch.error
        time.sleep(0.1)
    pool = batch._runner.inner._pool
    pids = [p.pid for p in pool._processes.values()]
    assert pids
    stop_all_batches(timeout=30)          # a bound on a hang, not a speed measurement
    assert not batch.running and batch.status == "cancelled"
    assert batch.done < 5000

    def alive(pid: int) -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return state != "Z"

    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in pids):
        assert time.monotonic() < deadline, [pid for pid in pids if alive(pid)]
        time.sleep(0.1)
    assert os.path.isdir(batch.folder)    # the finished parts stay for a resume


# --------------------------------------------------------------------------- hardening

def test_the_scenario_box_opens_scenarios_only_and_never_echoes_other_files(tmp_path,
                                                                          monkeypatch):
    import shutil

    from unionsim.config.scenario import find_scenario

    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    session = Session(runs_dir=work / "runs")
    secret = work / "credentials.yaml"
    secret.write_text("aws_secret_access_key: SECRET-4711\npassword: hunter2\n")
    assert not session.choose_scenario(str(secret))
    assert "not a scenario" in session.error
    for word in ("SECRET", "4711", "hunter2", "aws_secret", "password"):
        assert word not in session.error
    outside = tmp_path / "outside.yaml"
    shutil.copy(find_scenario(SCENARIO), outside)
    assert not session.choose_scenario(str(outside)) and "outside the folders" in session.error
    (work / "link.yaml").symlink_to(outside)             # a link out of the folder is outside
    assert not session.choose_scenario("link.yaml") and "outside the folders" in session.error
    assert not session.choose_scenario("/etc/hostname") and "neither a shipped" in session.error
    assert not session.choose_scenario("/etc/passwd") and "root:" not in session.error
    assert session.loaded is None
    inside = work / "mine.yaml"
    shutil.copy(find_scenario(SCENARIO), inside)
    assert session.choose_scenario("mine.yaml"), session.error
    assert session.choose_scenario(SCENARIO), session.error


def test_exports_and_the_report_never_write_through_links(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    victim = tmp_path / "thesis.tex"
    victim.write_text("my thesis\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / "exports").symlink_to(elsewhere)
    session = Session(runs_dir=runs)
    assert session.choose_scenario(SCENARIO) and session.set_value(FIXED, 0.7)
    assert session.export() is None and "symbolic link" in session.error
    assert list(elsewhere.iterdir()) == []
    (runs / "exports").unlink()
    batch = session.start_batch(2, 1, executor="serial")
    assert batch.wait(300) and batch.status == "complete", batch.error
    (batch.folder / "tweaks.scenario.yaml").symlink_to(victim)
    (batch.folder / "report.html").symlink_to(victim)
    assert session.export() is None and "does not write through links" in session.error
    assert session.report() is None and "does not write through links" in session.error
    assert victim.read_text() == "my thesis\n"
    assert not list(batch.folder.glob(".*tmp*"))


def _unionsim(*args: str, cwd: Path):
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run([sys.executable, "-P", "-m", "unionsim", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("runs_dir", ["/", ".", "~", "", "/dev/null", "a-file.txt",
                                      "a-file.txt/sub", "batch"])
def test_app_refuses_a_runs_dir_that_cannot_hold_batches(tmp_path, runs_dir):
    (tmp_path / "a-file.txt").write_text("mine\n")
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "manifest.json").write_text("{}")
    done = _unionsim("app", "--port", "0", "--runs-dir", runs_dir, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: ") and done.stderr.count("error:") == 1
    assert "--runs-dir" in done.stderr and "fix:" in done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "a-file.txt").read_text() == "mine\n"


def test_app_warns_when_it_listens_beyond_this_machine(tmp_path):
    import os
    import signal
    import socket
    import subprocess
    import sys

    from unionsim.app.server import is_local

    assert is_local("127.0.0.1") and is_local("localhost") and is_local("::1")
    assert not is_local("0.0.0.0") and not is_local("192.0.2.7")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    proc = subprocess.Popen([sys.executable, "-P", "-m", "unionsim", "app", "--host", "0.0.0.0",
                             "--port", str(port), "--runs-dir", "runs"], cwd=tmp_path, env=env,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        first = proc.stderr.readline()     # printed before the server starts
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    assert first.startswith("warning: --host 0.0.0.0") and "no authentication" in first


def test_a_policy_set_in_the_app_runs_as_shown_and_exports_as_a_scenario(tmp_path):
    """The Set policy box takes exactly what --policy takes; the batch is the "Same as" command
    line's batch, and the exported scenario carries the policy and reproduces the batch."""
    import shlex

    from unionsim.cli import app as cli_app
    from typer.testing import CliRunner

    session = Session(runs_dir=tmp_path / "app")
    assert session.choose_scenario(SCENARIO)
    assert session.policy_lines() == []
    # refused as --policy refuses it, and nothing changes
    assert not session.set_policy_from_text("minsk.exercise_hosting=welcome")
    assert "welcome" in session.error and "cap_and_observe" in session.error
    assert not session.set_policy_from_text("minsk.hosting=cap_and_observe")
    assert "exercise_hosting" in session.error and session.policies == {}
    assert session.set_policy_from_text("minsk.exercise_hosting=cap_and_observe")
    assert session.set_policy_from_text("west.policy={avoid: [ease, energy_offer]}")
    assert session.policy_lines() == [
        ("minsk.exercise_hosting", "cap_and_observe", "added here"),
        ("west.policy", "the model's own choice, never ease, energy_offer", "added here")]
    line = session.command_line()
    assert line.endswith(" --policy minsk.exercise_hosting=cap_and_observe"
                         " --policy 'west.policy={avoid: [ease, energy_offer]}'")

    batch = session.start_batch(8, 4, executor="serial")
    assert batch.wait(300) and batch.status == "complete", batch.error
    manifest = batch.results().manifest
    assert set(manifest["policies"]) == {"minsk.exercise_hosting", "west.policy"}
    assert set(manifest["scenario"]["spec"]["policies"]) == set(manifest["policies"])
    trace = "\n".join(session.trace(1, verbose=True))
    assert "policy: cap_and_observe" in trace

    args = shlex.split(session.command_line())[1:] + ["--executor", "serial",
                                                      "--out", str(tmp_path / "cli")]
    done = CliRunner().invoke(cli_app, args)
    assert done.exit_code == 0, done.output
    app_bytes = (batch.folder / "outcomes.parquet").read_bytes()
    assert (tmp_path / "cli" / "outcomes.parquet").read_bytes() == app_bytes

    overlay, scenario = session.export()
    assert overlay is None and validate_file(scenario) == "scenario"
    assert set(load_scenario(scenario).spec.policies) == {"minsk.exercise_hosting",
                                                          "west.policy"}
    from_scenario = run_batch(str(scenario), runs=8, seed=4, out=tmp_path / "s",
                              executor="serial")
    assert (from_scenario / "outcomes.parquet").read_bytes() == app_bytes
    # clearing gives the decisions back to the actors' own logits
    session.clear_policies()
    assert session.policies == {} and "--policy" not in session.command_line()
