"""The Monte Carlo engine: identical results whatever executes a plan, failures recorded, resume
after SIGKILL, and folders never overwritten by accident."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from unionsim.config.scenario import LoadedScenario
from unionsim.config.schema import Scenario
from unionsim.errors import ResultsError, UsageError
from unionsim.experiment.batch import run_plan
from unionsim.experiment.work import MAX_CHUNK, MIN_CHUNK, chunk_runs, guided_chunks
from unionsim.experiment.plan import make_plan
from unionsim.model.state import INDICATORS
from unionsim.model.world import UnionModel

ROOT = Path(__file__).resolve().parents[1]
FILES = ("outcomes.parquet", "timeseries.parquet", "decisions.parquet")


def file_bytes(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in FILES}


def cli(*args, **kwargs):
    env = {**os.environ, "PYTHONWARNINGS": "error::FutureWarning"}
    return subprocess.run([sys.executable, "-m", "unionsim", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=300, **kwargs)


@pytest.fixture(scope="module")
def plan(baseline):
    return make_plan(baseline, runs=24, seed=9)


@pytest.fixture(scope="module")
def reference(plan, tmp_path_factory):
    """The plan run serially, one part per 7 runs."""
    out = tmp_path_factory.mktemp("engine") / "serial"
    run_plan(plan, out, executor="serial", chunk_size=7)
    return out


# --------------------------------------------------------------------------- chunking

def test_chunks_are_ranges_of_consecutive_runs_that_never_span_a_gap():
    assert chunk_runs(range(7), 3) == [[0, 1, 2], [3, 4, 5], [6]]
    assert chunk_runs([9, 0, 1, 2, 5, 6, 8], 2) == [[0, 1], [2], [5, 6], [8, 9]]
    assert chunk_runs([], 5) == []
    with pytest.raises(UsageError):
        chunk_runs([1], 0)


@pytest.mark.parametrize("runs,workers", [(range(10_000), 2), (range(1500), 2), (range(24), 8),
                                          ([0, 1, 2, 7, 8, 9, 10, 400, *range(500, 900)], 2)])
def test_guided_chunks_cover_every_run_once_and_shrink_towards_the_end(runs, workers):
    chunks = guided_chunks(list(runs), workers)
    assert [run for chunk in chunks for run in chunk] == sorted(runs)
    assert all(chunk == list(range(chunk[0], chunk[-1] + 1)) for chunk in chunks)
    sizes = [len(chunk) for chunk in chunks]
    assert max(sizes) <= MAX_CHUNK
    present = set(runs)
    # only a gap in the runs (on resume) or the end of the batch makes a chunk smaller
    assert all(len(chunk) >= MIN_CHUNK for chunk in chunks if chunk[-1] + 1 in present)
    if len(runs) >= 1500:  # large chunks first, small ones at the end
        assert sizes[0] == MAX_CHUNK or sizes[0] >= len(runs) // (2 * workers)
        assert sizes[-2] <= 2 * MIN_CHUNK


# --------------------------------------------------------------------------- identical results

@pytest.mark.parametrize("options", [
    {"executor": "serial", "chunk_size": 1000},
    {"executor": "process", "workers": 1},
    {"executor": "process", "workers": 2, "chunk_size": 5},
], ids=["serial-one-part", "process-1-worker", "process-2-workers"])
def test_every_executor_writes_byte_identical_files(plan, reference, tmp_path, options):
    out = run_plan(plan, tmp_path / "b", **options)
    assert file_bytes(out) == file_bytes(reference)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["runs_ok"] == 24
    assert manifest["executor"] == options["executor"]


@pytest.mark.slow
def test_dask_executor_writes_byte_identical_files(plan, reference, tmp_path):
    pytest.importorskip("distributed")
    out = run_plan(plan, tmp_path / "dask", executor="dask", workers=2, chunk_size=4)
    assert file_bytes(out) == file_bytes(reference)
    assert json.loads((out / "manifest.json").read_text())["executor"] == "dask"


def test_the_reference_holds_every_run_once_in_order_and_seeds_matter(plan, reference, tmp_path):
    outcomes = pd.read_parquet(reference / "outcomes.parquet")
    assert list(outcomes["run"]) == list(range(24))
    assert list(outcomes["seed"]) == list(plan.seeds)
    ts = pd.read_parquet(reference / "timeseries.parquet")
    assert list(ts["run"].unique()) == list(range(24)) and len(ts) == 24 * 61
    other = run_plan(make_plan(plan.scenario, runs=24, seed=10), tmp_path / "other",
                     executor="serial")
    different = pd.read_parquet(other / "outcomes.parquet")
    assert not outcomes["reserves"].equals(different["reserves"])


def test_outcomes_only_mode_writes_no_time_series(plan, reference, tmp_path):
    out = run_plan(plan, tmp_path / "lean", executor="process", workers=2, timeseries=False)
    assert not (out / "timeseries.parquet").exists()
    assert (out / "outcomes.parquet").read_bytes() == (reference / "outcomes.parquet").read_bytes()


# --------------------------------------------------------------------------- failures

def failing_plan(baseline, runs=(0, 5)):
    """A plan whose listed runs raise inside the model (a zero choice temperature divides by
    zero). Built around `make_plan`, which would refuse the value: it is outside the range."""
    plan = make_plan(baseline, runs=12, seed=3)
    column = tuple(0.0 if i in runs else 0.1 for i in range(12))
    return dataclasses.replace(plan, samples={"putin.choice_temperature": column},
                               sampler="test")


@pytest.mark.parametrize("options", [{"executor": "serial", "chunk_size": 6},
                                     {"executor": "process", "workers": 2, "chunk_size": 3}],
                         ids=["serial", "process"])
def test_a_failing_run_is_recorded_and_the_batch_goes_on(baseline, tmp_path, options):
    plan = failing_plan(baseline)
    out = run_plan(plan, tmp_path / "f", **options)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert (manifest["runs_ok"], manifest["runs_failed"]) == (10, 2)
    outcomes = pd.read_parquet(out / "outcomes.parquet").set_index("run")
    failed = outcomes[outcomes["status"] == "failed"]
    assert list(failed.index) == [0, 5]
    assert list(failed["seed"]) == [plan.seeds[0], plan.seeds[5]]
    assert failed["error"].str.startswith("ZeroDivisionError").all()
    assert failed["outcome"].isna().all()
    # run 0 is the first of its part: the part's other runs keep their outcomes all the same
    ok = outcomes[outcomes["status"] == "ok"]
    assert ok["outcome"].notna().all() and ok["reserves"].notna().all() and len(ok) == 10
    assert (ok["error"] == "").all()
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert sorted(ts["run"].unique()) == sorted(ok.index)


def test_the_summary_says_how_many_runs_failed(baseline, tmp_path):
    from rich.console import Console

    from unionsim.cli.batch import _print_summary

    out = run_plan(failing_plan(baseline, runs=(4,)), tmp_path / "f", executor="serial")
    buffer = io.StringIO()
    _print_summary(Console(file=buffer, width=200), out)
    assert "11 runs, master seed 3, 1 failed" in buffer.getvalue()


# --------------------------------------------------------------------------- folders

def test_an_existing_folder_needs_resume_or_force(plan, reference, tmp_path):
    before = file_bytes(reference)
    with pytest.raises(ResultsError, match="already exists.*complete batch of 24 runs"
                                           "(.|\n)*--resume(.|\n)*--force"):
        run_plan(plan, reference, executor="serial")
    with pytest.raises(UsageError, match="contradict"):
        run_plan(plan, reference, executor="serial", force=True, resume=True)
    messages = []
    assert run_plan(plan, reference, resume=True, notify=messages.append) == reference
    assert messages == [f"{reference} is already complete (24 runs); nothing to run"]
    assert file_bytes(reference) == before
    out = run_plan(make_plan(plan.scenario, runs=3, seed=1), tmp_path / "f", executor="serial")
    run_plan(plan, out, executor="serial", force=True)
    assert file_bytes(out) == before


@pytest.mark.parametrize("change,needle", [
    ({"seed": 10}, "master seed 9 in the folder vs 10 now"),
    ({"runs": 30}, "number of runs 24 in the folder vs 30 now"),
    ({"sets": {"putin.reactivity": 0.5}}, "parameters differ: putin.reactivity 0.35 vs 0.5"),
])
def test_resume_refuses_a_different_plan_and_says_what_differs(plan, reference, change, needle):
    other = make_plan(plan.scenario, **{"runs": 24, "seed": 9, **change})
    with pytest.raises(ResultsError, match="cannot resume") as info:
        run_plan(other, reference, resume=True, executor="serial")
    assert needle in str(info.value) and "--force" in str(info.value)


def test_resume_refuses_to_add_time_series_to_an_outcomes_only_batch(plan, tmp_path):
    out = tmp_path / "lean"
    run_plan(plan, out, executor="serial", timeseries=False)
    with pytest.raises(ResultsError, match="without time series"):
        run_plan(plan, out, executor="serial", resume=True)


def test_resume_runs_only_the_missing_runs_and_ignores_half_written_files(plan, reference,
                                                                          tmp_path):
    """An interrupted folder, made by hand: some parts finished, a part whose outcomes file was
    never written, and a temporary file. Resuming runs the rest and matches the reference."""
    from unionsim.experiment.store import ResultsStore

    out = tmp_path / "interrupted"
    store = ResultsStore.create(out, _manifest(plan))
    from unionsim.experiment.work import run_chunk

    for chunk in ([0, 1, 2, 3], [10, 11], [17]):
        store.write_encoded(run_chunk(plan, chunk, True))
    orphan = run_chunk(plan, [4, 5], True)  # resumed as [4, 5, 6]: a different part
    (out / "parts" / f"{orphan.stem}.ts.parquet").write_bytes(orphan.files["ts"])
    (out / "parts" / ".part-0000007-0000009.outcomes.parquet.tmp-123").write_bytes(b"half")
    counted: list[int] = []
    messages: list[str] = []

    class Progress:
        def start(self, total, done):
            counted.append(-done)

        def __call__(self, n):
            counted.append(n)

    run_plan(plan, out, resume=True, executor="process", workers=2, chunk_size=3,
             progress=Progress(), notify=messages.append)
    assert messages == [f"resuming {out}: 7 of 24 runs already done"]
    assert counted[0] == -7 and sum(counted[1:]) == 17
    assert file_bytes(out) == file_bytes(reference)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["resumes"][0]["runs_done_before"] == 7


def _manifest(plan):
    from unionsim.experiment.batch import manifest_for

    return manifest_for(plan, executor="serial", timeseries=True)


@pytest.mark.slow
def test_a_batch_killed_with_sigkill_resumes_to_identical_files(baseline, tmp_path):
    """A real `unionsim run` process group killed with SIGKILL mid-batch, then --resume."""
    runs, seed = 160, 11
    reference = run_plan(make_plan(baseline, runs=runs, seed=seed), tmp_path / "ref",
                         executor="serial")
    out = tmp_path / "killed"
    args = ["run", "baseline", "--runs", runs, "--seed", seed, "--out", out, "--workers", 2]
    env = {**os.environ, "PYTHONWARNINGS": "error::FutureWarning"}
    proc = subprocess.Popen([sys.executable, "-m", "unionsim", *map(str, args)], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(list(out.glob("parts/part-*.outcomes.parquet"))) < 2:
            assert proc.poll() is None, "the batch ended before it could be killed"
            assert time.monotonic() < deadline, "no parts written in time"
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the CLI, its fork server and its workers
        proc.wait()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "running" and not (out / "outcomes.parquet").exists()
    done_before = len(pd.concat(pd.read_parquet(f) for f in out.glob("parts/*.outcomes.parquet")))
    assert 0 < done_before < runs

    again = cli(*args, "--resume")
    assert again.returncode == 0, again.stderr
    assert f"resuming {out}: {done_before} of {runs} runs already done" in again.stderr
    assert f"progress: {runs}/{runs} runs" in again.stderr
    assert file_bytes(out) == file_bytes(reference)
    assert json.loads((out / "manifest.json").read_text())["runs_ok"] == runs


# --------------------------------------------------------------------------- random streams

def test_scenarios_that_differ_in_one_late_event_are_aligned_until_it(baseline):
    """Named random streams: adding an event in month 54 leaves months 0-53 identical (same
    seed), so paired comparisons of two scenarios measure the event, not noise."""
    data = baseline.spec.model_dump(mode="json")
    data["events"].append({"month": "2023-06", "type": "economic_shock", "growth_pp": -8.0,
                           "months": 6, "label": "late shock"})
    shocked = LoadedScenario(Scenario.model_validate(data))
    event_month = 54
    for seed in (1, 2, 3):
        a = UnionModel(scenario=baseline, seed=seed, collect=False).run().series
        b = UnionModel(scenario=shocked, seed=seed, collect=False).run().series
        assert (a[:event_month] == b[:event_month]).all()
        growth = INDICATORS.index("growth")
        assert b[event_month, growth] < a[event_month, growth] - 1.0  # the event does act
    other_seed = UnionModel(scenario=baseline, seed=4, collect=False).run().series
    assert not (other_seed[:event_month] == a[:event_month]).all()  # not vacuous


# --------------------------------------------------------------------------- progress

def test_plain_progress_lines_give_rate_and_time_left_and_skip_resumed_runs():
    from unionsim.cli.common import _PlainProgress

    now = [0.0]
    stream = io.StringIO()
    progress = _PlainProgress(1000, stream=stream, clock=lambda: now[0])
    progress.start(1000, 400)           # a resumed batch: 400 runs were already done
    for _ in range(5):
        now[0] += 1.0
        progress(50)                    # 50 runs/s from here on
    lines = stream.getvalue().splitlines()
    assert lines == ["progress: 500/1000 runs (50 runs/s, about 10 s left)",
                     "progress: 600/1000 runs (50 runs/s, about 8 s left)"]
    now[0] += 45.0                      # slow chunk: a line at least every 30 s
    progress(10)
    assert stream.getvalue().splitlines()[-1] == "progress: 660/1000 runs (5 runs/s, about 1 min 05 s left)"


@pytest.mark.slow
def test_an_unguarded_script_gets_a_clear_message(tmp_path):
    # worker processes import the calling script again; without a __main__ guard its top-level
    # batch would start again inside them: the user must be told what to do
    script = tmp_path / "unguarded.py"
    script.write_text("from unionsim.experiment.batch import run_batch\n"
                      f"run_batch('baseline', runs=8, seed=1, out={str(tmp_path / 'o')!r}, "
                      "timeseries=False, workers=2)\n")
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                       cwd=tmp_path, timeout=120)
    assert r.returncode != 0
    assert 'if __name__ == "__main__":' in r.stderr and 'executor="serial"' in r.stderr
