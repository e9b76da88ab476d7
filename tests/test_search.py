"""`unionsim search`: the optimiser finds a known optimum, is reproducible, keeps its folder safe,
refuses bad specs with the project's errors, and exports policies that validate."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from unionsim.cli import app
from unionsim.config.scenario import load_scenario
from unionsim.errors import ConfigError, ProblemsError, ResultsError, UnionsimError
from unionsim.search.folder import export_policy
from unionsim.search.runner import run_search
from unionsim.search.spec import load_search_spec

ROOT = Path(__file__).resolve().parents[1]

# The EU sanctions with probability eu_sanction at each decision and otherwise holds: by
# construction, the later (or never) its sectoral sanctions come the lower eu_sanction is
# (at 0 it never sanctions), so the latest first sanction is at the range's low end.
MONOTONE = """\
name: monotone
title: The EU's readiness to sanction, judged by how late its sectoral sanctions come
scenarios: [baseline]
policies:
  west.policy:
    probabilities: {sanction: 0.5, hold: 0.5}
levers:
  - name: eu_sanction
    policy: west.policy
    at: probabilities.sanction
    complement: probabilities.hold
    range: [0.0, 1.0]
objectives:
  - {output: "month_sectoral_sanctions:month", direction: maximise}
evaluation: {runs: 8}
search: {generations: 3, population: 6}
"""

# Two objectives that pull apart by construction: sectoral sanctions by the horizon (which a
# readier EU raises) and their coming late (which a readier EU brings forward; a run without
# them counts as after the horizon).
TRADE_OFF = MONOTONE.replace(
    '  - {output: "month_sectoral_sanctions:month", direction: maximise}',
    '  - {output: "month_sectoral_sanctions:by_horizon", direction: maximise}\n'
    '  - {output: "month_sectoral_sanctions:month", direction: maximise}')


def write_spec(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture(scope="module")
def monotone(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("monotone")
    spec = load_search_spec(write_spec(tmp, MONOTONE))
    return spec, run_search(spec, tmp / "out", seed=3, executor="serial")


def test_search_finds_the_optimum_at_the_range_end(monotone):
    spec, result = monotone
    best = result.pareto.iloc[0]
    everything = result.candidates
    # the best policy is near the low end of the range, and no candidate judged beats it
    assert best["eu_sanction"] <= 0.15
    assert best["month_sectoral_sanctions:month"] == everything[
        "month_sectoral_sanctions:month"].max()
    # the effect is monotone in the lever, as constructed: readier to sanction, earlier
    rho = everything["eu_sanction"].corr(everything["month_sectoral_sanctions:month"],
                                         method="spearman")
    assert rho < -0.8
    # the output is what the analysis computes: a share of the horizon in pp, and a candidate
    # that sanctions often sanctions within the horizon
    assert everything["month_sectoral_sanctions:month"].min() < 100.0


def test_the_folder_holds_the_tables_figure_and_a_manifest_to_reproduce(monotone):
    spec, result = monotone
    folder = result.folder
    names = {p.name for p in folder.iterdir()}
    assert {"manifest.json", "pareto.csv", "candidates.csv", "regret.csv", "pareto.png",
            "evaluations.parquet", ".unionsim-search"} <= names
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["settings"] == {**manifest["settings"], "runs": 8, "generations": 3,
                                    "population": 6, "seed": 3}
    assert manifest["scenarios"][0]["plan"]["master_seed"] == 3
    assert manifest["spec"]["content"]["levers"][0]["name"] == "eu_sanction"
    pareto = pd.read_csv(folder / "pareto.csv")
    assert {"policy", "eu_sanction", "month_sectoral_sanctions:month",
            "se:month_sectoral_sanctions:month",
            "max_regret:month_sectoral_sanctions:month"} <= set(pareto.columns)
    regret = pd.read_csv(folder / "regret.csv")
    assert (regret["regret"] >= 0).all()
    # the best candidate in the (one) scenario has no regret
    assert regret["regret"].min() == 0.0


def test_every_candidate_plays_the_same_runs(monotone):
    spec, result = monotone
    evaluations = pd.read_parquet(result.folder / "evaluations.parquet")
    runs = evaluations.groupby("candidate")["run"].apply(lambda r: tuple(sorted(r)))
    assert set(runs) == {tuple(range(8))}


def test_the_same_seed_gives_the_same_pareto_set_whatever_the_executor(tmp_path, monotone):
    spec, result = monotone
    again = run_search(spec, tmp_path / "again", seed=3, executor="process", workers=2)
    pd.testing.assert_frame_equal(again.pareto, result.pareto)
    pd.testing.assert_frame_equal(again.candidates, result.candidates)
    other = run_search(spec, tmp_path / "other", seed=4, executor="serial")
    assert not other.candidates.equals(result.candidates)


def test_two_objectives_that_pull_apart_give_a_front_along_the_lever(tmp_path):
    spec = load_search_spec(write_spec(tmp_path, TRADE_OFF))
    result = run_search(spec, tmp_path / "out", seed=2, executor="serial")
    front = result.pareto.sort_values("eu_sanction")
    by_horizon, month = "month_sectoral_sanctions:by_horizon", "month_sectoral_sanctions:month"
    assert len(front) >= 2
    # along the front, a readier EU sanctions more often and sooner
    assert front[by_horizon].is_monotonic_increasing
    assert front[month].is_monotonic_decreasing
    assert front[by_horizon].iloc[-1] > front[by_horizon].iloc[0]
    # no Pareto policy is dominated by another candidate judged
    c = result.candidates
    for _, p in result.pareto.iterrows():
        dominated = ((c[by_horizon] >= p[by_horizon]) & (c[month] >= p[month])
                     & ((c[by_horizon] > p[by_horizon]) | (c[month] > p[month])))
        assert not dominated.any()


def test_an_exported_policy_validates_and_plays_the_lever_values(monotone):
    spec, result = monotone
    (path,) = export_policy(result.folder, 1)
    scenario = load_scenario(path)
    policy = scenario.spec.policies["west.policy"]
    assert policy.probabilities["sanction"] == pytest.approx(result.pareto.iloc[0]["eu_sanction"])
    assert scenario.spec.start == load_scenario("baseline").spec.start
    out = CliRunner().invoke(app, ["validate", str(path)])
    assert out.exit_code == 0, out.output
    with pytest.raises(ResultsError, match="policies 1 to"):
        export_policy(result.folder, len(result.pareto) + 1)


def test_a_stopped_search_resumes_from_its_evaluations(tmp_path, monotone):
    spec, result = monotone
    folder = tmp_path / "stopped"
    first = run_search(spec, folder, seed=3, executor="serial")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["status"] = "running"  # as a search stopped after its last generation was kept
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ResultsError, match="stopped search"):
        run_search(spec, folder, seed=3, executor="serial")
    with pytest.raises(ResultsError, match="cannot be resumed"):
        run_search(spec, folder, seed=4, executor="serial", resume=True)
    resumed = run_search(spec, folder, seed=3, executor="serial", resume=True)
    assert all(g["runs"] == 0 for g in resumed.manifest["generations"])
    pd.testing.assert_frame_equal(resumed.pareto, first.pareto)
    with pytest.raises(ResultsError, match="finished search"):
        run_search(spec, folder, seed=3, executor="serial")


def test_a_folder_with_other_files_is_refused_and_left_alone(tmp_path, monotone):
    spec, _ = monotone
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(ResultsError, match="did not write"):
        run_search(spec, folder, seed=3, executor="serial", force=True)
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_several_scenarios_and_posterior_draws_give_regret_per_scenario_and_draw(tmp_path):
    spec = load_search_spec(write_spec(tmp_path, MONOTONE.replace(
        "scenarios: [baseline]", "scenarios: [baseline, subsidy_cuts]")))
    said = []
    result = run_search(spec, tmp_path / "out", runs=6, generations=1, population=4, seed=1,
                        executor="serial", posterior=True, replicates=3, notify=said.append)
    plans = result.manifest["scenarios"]
    # the posterior's warnings, as `unionsim run` prints them, once for the two scenarios
    from unionsim.config.posterior import load_posterior
    from unionsim.experiment.plan import posterior_fitted_to_other

    shipped = load_posterior(None)
    warnings = [m for m in said if m.startswith("warning: ")]
    assert len(warnings) == len(set(warnings))
    assert any("effective sample size" in m for m in warnings) == (shipped.ess < 2)
    assert any("fitted to other model code" in m for m in warnings) == \
        bool(posterior_fitted_to_other(shipped.manifest))
    assert [p["name"] for p in plans] == ["baseline", "subsidy_cuts"]
    assert all(p["plan"]["replicates"] == 3 and p["plan"]["posterior"] for p in plans)
    regret = result.regret
    assert set(regret["scenario"]) == {"baseline", "subsidy_cuts"}
    assert set(regret["draw"]) == {0, 1}
    assert len(regret) == len(result.pareto) * 2 * 2   # policies x scenarios x draws
    assert (regret["regret"] >= 0).all()
    assert len(pd.read_csv(result.folder / "candidates.csv")) == 4
    written = export_policy(result.folder, 1)
    assert [p.name for p in written] == ["pareto-1-baseline.yaml", "pareto-1-subsidy_cuts.yaml"]
    for path in written:
        assert load_scenario(path).spec.policies


# Loaded by the interrupted search's process through PYTHONPATH: once the search has kept its
# first generation, it says so in a file and waits, so Ctrl-C always lands mid-search however
# fast the machine is (without it the search could finish first and the test prove nothing).
HOLD_AFTER_FIRST_GENERATION = """\
import os, time
from unionsim.search import folder as _layout

_write = _layout.write_evaluations

def _write_then_wait(folder, table):
    _write(folder, table)
    open(os.environ["UNIONSIM_TEST_KEPT"], "w").close()
    time.sleep(300)

_layout.write_evaluations = _write_then_wait
"""


@pytest.mark.slow
def test_ctrl_c_keeps_the_judged_candidates_and_resume_gives_the_same_pareto_set(tmp_path):
    path = write_spec(tmp_path, MONOTONE)
    folder = tmp_path / "out"
    args = ["search", path, "--runs", 12, "--generations", 4, "--population", 8, "--workers", 2,
            "--seed", 6, "--out", folder]
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOLD_AFTER_FIRST_GENERATION)
    kept_flag = tmp_path / "kept"
    env = {**os.environ, "PYTHONWARNINGS": "error::FutureWarning",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(hook), os.environ.get("PYTHONPATH")])),
           "UNIONSIM_TEST_KEPT": str(kept_flag)}
    proc = subprocess.Popen([sys.executable, "-m", "unionsim", *map(str, args)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.monotonic() + 240
    while not kept_flag.exists() and time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode()
        time.sleep(0.05)
    assert kept_flag.exists(), "the search kept no generation within 4 minutes"
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
    _, err = proc.communicate(timeout=120)
    message = err.decode()
    assert proc.returncode == 130, message
    assert "Traceback" not in message and "interrupted" in message, message
    assert json.loads((folder / "manifest.json").read_text())["status"] == "running"
    kept = pd.read_parquet(folder / "evaluations.parquet")["candidate"].nunique()
    assert kept >= 1
    resumed = cli(*args, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming: {kept} candidates already judged" in resumed.stderr
    spec = load_search_spec(path)
    straight = run_search(spec, tmp_path / "straight", runs=12, generations=4, population=8,
                          seed=6, executor="serial")
    pd.testing.assert_frame_equal(pd.read_csv(folder / "pareto.csv"),
                                  pd.read_csv(straight.folder / "pareto.csv"))


def test_a_second_writer_is_refused(tmp_path, monotone):
    from unionsim.guard import folder_lock

    spec, _ = monotone
    folder = tmp_path / "busy"
    with folder_lock(folder):
        with pytest.raises(ResultsError, match="another unionsim process"):
            run_search(spec, folder, seed=3, executor="serial")
    assert [p.name for p in folder.iterdir()] == [".unionsim.lock"]


def test_a_scenario_beside_the_spec_is_found_and_exported_by_its_path(tmp_path):
    (tmp_path / "mine.yaml").write_text(textwrap.dedent("""\
        name: mine
        title: The baseline, my copy
        description: The baseline under another name, to be found beside the spec.
        extends: baseline
        """))
    spec = load_search_spec(write_spec(tmp_path, MONOTONE.replace("scenarios: [baseline]",
                                                                  "scenarios: [mine.yaml]")))
    result = run_search(spec, tmp_path / "out", runs=2, generations=1, population=2, seed=1,
                        executor="serial")
    (path,) = export_policy(result.folder, 1)
    assert load_scenario(path).spec.title.startswith("The baseline, my copy, playing")
    assert str((tmp_path / "mine.yaml").resolve()) in path.read_text()


TINY = dict(runs=2, generations=1, population=2, seed=1, executor="serial")


@pytest.mark.parametrize("damage, words", [
    ("manifest-random", "manifest.json is damaged"),
    ("manifest-a-list", "manifest.json is damaged"),
    ("evaluations-random", "evaluations.parquet is damaged"),
    ("pareto-a-link", "symbolic link"),
])
def test_a_damaged_search_folder_gets_the_project_s_error(tmp_path, damage, words):
    spec = load_search_spec(write_spec(tmp_path, MONOTONE))
    folder = tmp_path / "out"
    run_search(spec, folder, **TINY)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["status"] = "running"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    victim = tmp_path / "victim.txt"
    victim.write_text("the user's")
    if damage == "manifest-random":
        (folder / "manifest.json").write_bytes(os.urandom(200))
    elif damage == "manifest-a-list":
        (folder / "manifest.json").write_text("[1, 2]")
    elif damage == "evaluations-random":
        (folder / "evaluations.parquet").write_bytes(os.urandom(300))
    else:
        (folder / "pareto.csv").unlink()
        (folder / "pareto.csv").symlink_to(victim)
    with pytest.raises(ResultsError, match=words):
        run_search(spec, folder, resume=True, **TINY)
    assert victim.read_text() == "the user's"


def test_a_results_folder_of_run_is_not_a_search_folder(tmp_path):
    from unionsim.guard import mark_folder

    spec = load_search_spec(write_spec(tmp_path, MONOTONE))
    folder = tmp_path / "batch"
    mark_folder(folder, "results")
    with pytest.raises(ResultsError, match="results folder"):
        run_search(spec, folder, **TINY)
    with pytest.raises(ResultsError, match="not a search folder"):
        export_policy(folder, 1)


# --------------------------------------------------------------------------- bad specs

def _error(tmp_path, text) -> UnionsimError:
    with pytest.raises(UnionsimError) as info:
        load_search_spec(write_spec(tmp_path, text))
    return info.value


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(textwrap.dedent(text).splitlines(), start=1)
                if needle in line)


@pytest.mark.parametrize("old, new, field, words, line_of", [
    ("at: probabilities.sanction", "at: probabilities.engage", "levers[0].at",
     "has no 'probabilities.engage'", "at: probabilities.engage"),
    ("at: probabilities.sanction", "at: probabilities\n", "levers[0].at", "not a number",
     "at: probabilities"),
    ("range: [0.0, 1.0]", "range: [0.0, 1.5]", "levers[0].range", "within [0, 1]", "range:"),
    ("range: [0.0, 1.0]", "range: [0.8, 0.2]", "levers[0].range", "not below", "range:"),
    ("range: [0.0, 1.0]", "options: [sanction, hold]", "levers[0].complement",
     "goes with a numeric lever", "complement:"),
    ("policy: west.policy\n", "policy: us.policy\n", "levers[0].policy",
     "not a policy of this spec", "policy: us.policy"),
    ('"month_sectoral_sanctions:month"', '"outcome:dependance"', "objectives[0].output",
     "did you mean 'outcome:dependence'", "outcome:dependance"),
    ("direction: maximise", "direction: maximize", "objectives[0].direction", "minimise",
     "maximize"),
    ("probabilities: {sanction: 0.5, hold: 0.5}", "probabilities: {sanction: 0.5, holt: 0.5}",
     "policies.west.policy.probabilities.holt", "not an option of west.policy", "holt"),
    ("evaluation: {runs: 8}", "evaluation: {runs: 8, replicates: 3}",
     "evaluation.replicates", "multiple of replicates", "replicates"),
])
def test_a_bad_spec_gets_file_line_field_and_fix(tmp_path, old, new, field, words, line_of):
    assert old in MONOTONE
    text = MONOTONE.replace(old, new, 1)
    error = _error(tmp_path, text)
    problems = error.problems if isinstance(error, ProblemsError) else [error]
    match = [p for p in problems if p.field == field]
    assert match, [str(p) for p in problems]
    problem = match[0]
    assert words in problem.detail
    assert problem.file.endswith("spec.yaml")
    assert problem.line == _line_of(text, line_of)
    assert problem.hint


def test_a_categorical_lever_must_name_options_of_the_decision(tmp_path):
    text = MONOTONE.replace("  west.policy:\n    probabilities: {sanction: 0.5, hold: 0.5}",
              "  west.policy:\n    probabilities: {sanction: 0.5, hold: 0.5}\n"
              "  us.policy: {choose: hold}").replace(
        "objectives:", "  - {name: us_choice, policy: us.policy, at: choose, "
                       "options: [hold, bribe]}\nobjectives:")
    error = _error(tmp_path, text)
    assert isinstance(error, ConfigError)
    assert error.field == "levers[1].options"
    assert "'bribe' is not an option of us.policy" in error.detail


def test_an_unknown_scenario_points_at_the_spec_line(tmp_path):
    text = MONOTONE.replace("scenarios: [baseline]", "scenarios:\n  - baseline\n  - baseline_2")
    error = _error(tmp_path, text)
    assert error.field == "scenarios[1]" and error.line == 5
    assert "baseline_2" in error.detail


def cli(*args):
    env = {**os.environ, "PYTHONWARNINGS": "error::FutureWarning"}
    return subprocess.run([sys.executable, "-m", "unionsim", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


def test_the_cli_reports_a_bad_spec_with_exit_code_2_and_no_traceback(tmp_path):
    path = write_spec(tmp_path, MONOTONE.replace("month_sectoral_sanctions:month",
                                                 "month_sectoral:month"))
    out = cli("search", path, "--out", tmp_path / "o")
    assert out.returncode == 2, out.stderr
    assert "objectives[0].output" in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "o").exists()
    out = CliRunner().invoke(app, ["validate", str(path)])
    assert out.exit_code == 2 and "objectives[0].output" in out.output


def test_the_cli_searches_shows_progress_and_exports(tmp_path):
    path = write_spec(tmp_path, MONOTONE)
    folder = tmp_path / "found"
    out = cli("search", path, "--runs", 4, "--generations", 2, "--population", 4, "--workers",
              1, "--seed", 5, "--out", folder, "--export", 1)
    assert out.returncode == 0, out.stderr
    assert "generation 1 of 2" in out.stderr and "generation 2 of 2" in out.stderr
    assert "Pareto set" in out.stdout and (folder / "pareto-1.yaml").exists()
    again = cli("search", folder, "--export", 1)
    assert again.returncode == 0 and "pareto-1.yaml" in again.stdout
    assert cli("validate", folder / "pareto-1.yaml").returncode == 0


def test_the_shipped_search_specs_validate():
    specs = sorted((ROOT / "searches").glob("*.yaml"))
    assert specs
    for path in specs:
        loaded = load_search_spec(path)
        assert loaded.spec.sources, f"{path.name} cites no sources"
        # a lever is a place in a Western or Minsk policy, never a world parameter
        assert all("." in lever.policy for lever in loaded.levers)
