"""The command line end to end, as a user runs it (real subprocesses)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from unionsim.config.params import default_parameters

ROOT = Path(__file__).resolve().parents[1]


def cli(*args, cwd=None):
    env = {**os.environ, "PYTHONWARNINGS": "error::FutureWarning"}
    return subprocess.run([sys.executable, "-m", "unionsim", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd or ROOT, env=env, timeout=300)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "baseline-a"
    r = cli("run", "scenarios/baseline.yaml", "--runs", 30, "--seed", 4, "--out", out)
    assert r.returncode == 0, r.stderr
    return out, r


def test_run_prints_the_summary_and_writes_the_folder(batch):
    out, r = batch
    assert "Outcomes" in r.stdout and "symbolic integration" in r.stdout
    # the end states by dimension and the months of first events
    assert "End states by dimension" in r.stdout and "alignment" in r.stdout
    assert "First events" in r.stdout and "sectoral sanctions" in r.stdout
    assert "95%" in r.stdout and str(out) in r.stdout.replace("\n", "")
    for name in ("manifest.json", "outcomes.parquet", "timeseries.parquet", "decisions.parquet"):
        assert (out / name).is_file(), name
    assert not (out / "parts").exists()


def test_the_files_hold_what_they_promise(batch):
    out, _ = batch
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["runs_ok"] == 30
    assert manifest["master_seed"] == 4 and manifest["scenario"]["name"] == "baseline"
    assert len(manifest["parameters"]) > 150 and manifest["environment"]["mesa"]
    outcomes = pd.read_parquet(out / "outcomes.parquet")
    assert list(outcomes["run"]) == list(range(30))
    assert outcomes["seed"].nunique() == 30
    assert {"outcome", "mass_protests", "sovereignty", "reserves", "status"} <= set(outcomes)
    assert (outcomes["status"] == "ok").all()
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert len(ts) == 30 * 61 and {"run", "month", "date", "reserves"} <= set(ts)
    first = ts[(ts.run == 0)]
    assert first["date"].iloc[1] == "2019-01" and first["date"].iloc[-1] == "2023-12"
    final = ts[ts.month == 60].set_index("run")["reserves"]
    assert final.to_numpy() == pytest.approx(outcomes.set_index("run")["reserves"].to_numpy(),
                                              rel=1e-6)
    decisions = pd.read_parquet(out / "decisions.parquet")
    assert {"run", "actor", "kind", "choice", "count"} <= set(decisions)
    assert decisions.groupby("run")["count"].sum().min() > 60


@pytest.mark.slow
def test_same_seed_gives_a_byte_identical_outcomes_file(batch, tmp_path):
    out, _ = batch
    again = tmp_path / "again"
    r = cli("run", "baseline", "--runs", 30, "--seed", 4, "--out", again)
    assert r.returncode == 0, r.stderr
    assert (again / "outcomes.parquet").read_bytes() == (out / "outcomes.parquet").read_bytes()
    other = tmp_path / "other"
    assert cli("run", "baseline", "--runs", 30, "--seed", 5, "--out", other).returncode == 0
    a = pd.read_parquet(out / "outcomes.parquet")
    b = pd.read_parquet(other / "outcomes.parquet")
    assert not a["seed"].equals(b["seed"])


def test_a_stored_run_replays_exactly_in_trace(batch):
    out, _ = batch
    outcomes = pd.read_parquet(out / "outcomes.parquet")
    row = outcomes.iloc[3]
    assert any(c.startswith("param.") for c in outcomes)  # the baseline samples parameters
    r = cli("trace", "--results", out, "--run", 3)
    assert r.returncode == 0, r.stderr
    assert "does not reproduce" not in r.stderr and "other model code" not in r.stderr
    assert f"Outcome: {row['outcome'].replace('_', ' ')}" in r.stdout
    assert f"alignment {row['end_alignment'].replace('_', ' ')}" in r.stdout
    assert "End states: integration" in r.stdout and "First: " in r.stdout
    assert "2020-08" in r.stdout and "presidential election" in r.stdout
    assert "because:" in r.stdout
    bad = cli("trace", "baseline", "--results", out)
    assert bad.returncode == 2 and "give no scenario" in bad.stderr
    missing = cli("trace", "--results", out, "--run", 999)
    assert missing.returncode == 2 and "no run 999" in missing.stderr


def test_replay_reproduces_every_stored_run(batch):
    from unionsim.experiment.replay import replay_run

    out, _ = batch
    for run in (0, 7, 29):
        replay = replay_run(out, run, record=False)
        assert replay.matches and replay.same_code


def test_existing_folder_is_not_overwritten(batch):
    out, _ = batch
    r = cli("run", "baseline", "--runs", 2, "--seed", 4, "--out", out)
    assert r.returncode == 2 and "already exists" in r.stderr and "--force" in r.stderr
    assert json.loads((out / "manifest.json").read_text())["runs_ok"] == 30


@pytest.mark.slow
def test_set_and_params_options_reach_the_model(tmp_path):
    out = tmp_path / "tradable"
    r = cli("run", "baseline", "--runs", 3, "--seed", 1, "--out", out,
            "--params", "params/sovereignty_tradable.yaml", "--set", "putin.reactivity=0.5")
    assert r.returncode == 0, r.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["parameters"]["minsk.sovereignty_weight"] == 0.45
    assert manifest["parameters"]["putin.reactivity"] == 0.5
    assert manifest["changed_parameters"]["putin.reactivity"]["from"] == "--set"


def test_params_lists_every_parameter_with_sources():
    r = cli("params", "--json")
    assert r.returncode == 0
    records = json.loads(r.stdout)
    assert len(records) > 150
    assert all(rec["unit"] and rec["meaning"] for rec in records)
    # every parameter cites its sources, except an honest assumption that rests on none
    specs = default_parameters().specs
    assert all(rec["sources"] or specs[rec["name"]].support == "assumption" for rec in records)
    one = cli("params", "minsk.sovereignty_weight")
    assert "D1" in one.stdout and "carnegie2019" in one.stdout and "[0.4, 0.95]" in one.stdout
    # how the sources bear on it is shown, with the claim in our words
    assert all(rec["support"] in ("value", "direction", "assumption") for rec in records)
    reserves = cli("params", "initial.reserves")
    assert "support: value" in reserves.stdout and "claim: " in reserves.stdout


@pytest.mark.parametrize("args,needle", [
    (("run", "nothere.yaml"), "scenario not found"),
    (("run", "baseline", "--runs", "-3"), "--runs must be at least 1"),
    (("run", "baseline", "--runs", "ten"), "valid integer"),
    (("run", "baseline", "--set", "minsk.sovereignty_weight=3"), "outside the documented range"),
    (("run", "baseline", "--set", "minsk.sovereign=0.5"), "unknown parameter"),
    (("params", "minsk.nothing"), "unknown parameter"),
    (("validate", "tests/data/broken_event.yaml"), "did you mean 'election'"),
])
def test_bad_input_gets_one_clear_message_and_no_traceback(args, needle):
    r = cli(*args)
    assert r.returncode == 2
    assert needle in r.stderr + r.stdout
    assert "Traceback" not in r.stderr


def test_validate_checks_all_shipped_files():
    files = sorted(str(p) for p in (ROOT / "scenarios").glob("*.yaml")) + \
        sorted(str(p) for p in (ROOT / "params").glob("*.yaml"))
    r = cli("validate", *files)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("ok: ") == len(files)


def test_help_explains_every_command_with_an_example():
    for command in ("run", "trace", "params", "validate"):
        r = cli(command, "--help")
        assert r.returncode == 0 and "Example: unionsim" in r.stdout, command


def test_per_run_samples_reach_the_model_and_the_outcomes(tmp_path):
    from unionsim.config.scenario import load_scenario
    from unionsim.experiment.plan import make_plan
    from unionsim.experiment.batch import run_plan
    from unionsim.errors import ParameterError

    scenario = load_scenario("baseline")
    plan = make_plan(scenario, runs=4, seed=2, uncertainty=False,
                     samples={"minsk.sovereignty_weight": [0.4, 0.5, 0.6, 0.95]}, sampler="test")
    tasks = list(plan.tasks())
    assert [t.values["minsk.sovereignty_weight"] for t in tasks] == [0.4, 0.5, 0.6, 0.95]
    assert tasks[0].values["putin.reactivity"] == plan.parameters["putin.reactivity"]
    run_plan(plan, tmp_path / "s", executor="serial", timeseries=False)
    outcomes = pd.read_parquet(tmp_path / "s" / "outcomes.parquet")
    assert list(outcomes["param.minsk.sovereignty_weight"]) == [0.4, 0.5, 0.6, 0.95]
    with pytest.raises(ParameterError):
        make_plan(scenario, runs=2, seed=1, samples={"minsk.sovereignty_weight": [0.1, 0.5]})


def test_scenarios_lists_every_shipped_scenario():
    r = cli("scenarios")
    assert r.returncode == 0
    for path in (ROOT / "scenarios").glob("*.yaml"):
        assert path.stem in r.stdout
    assert "extends baseline" in r.stdout


def test_schema_prints_a_json_schema_of_the_scenario_language(tmp_path):
    r = cli("schema")
    schema = json.loads(r.stdout)
    assert schema["title"] == "Scenario" and "events" in schema["properties"]
    assert "Ultimatum" in schema["$defs"] and "Trigger" in schema["$defs"]
    out = tmp_path / "s.json"
    assert cli("schema", "--out", out).returncode == 0
    assert json.loads(out.read_text()) == schema


@pytest.mark.slow
def test_run_samples_the_scenario_uncertainty_and_fixed_turns_it_off(tmp_path):
    out = tmp_path / "u"
    assert cli("run", "baseline", "--runs", 6, "--seed", 2, "--out", out, "--no-timeseries",
               "--sampler", "mc").returncode == 0
    outcomes = pd.read_parquet(out / "outcomes.parquet")
    assert outcomes["param.minsk.sovereignty_weight"].nunique() == 6
    assert json.loads((out / "manifest.json").read_text())["sampler"] == "mc"
    fixed = tmp_path / "f"
    assert cli("run", "baseline", "--runs", 3, "--seed", 2, "--out", fixed, "--fixed",
               "--no-timeseries").returncode == 0
    assert not any(c.startswith("param.") for c in pd.read_parquet(fixed / "outcomes.parquet"))
    bad = cli("run", "baseline", "--runs", 3, "--sampler", "sobol", "--out", tmp_path / "b")
    assert bad.returncode == 2 and "--sampler must be one of" in bad.stderr
