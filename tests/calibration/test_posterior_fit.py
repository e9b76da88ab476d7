"""The posterior file, runs drawn from it, the fit's reproducibility, and the command end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from unionsim.calibration.fit import write_posterior
from unionsim.config.posterior import draw_samples, load_posterior
from unionsim.config.scenario import load_scenario
from unionsim.errors import InputFileError, ResultsError
from unionsim.experiment.plan import make_plan

ROOT = Path(__file__).resolve().parents[2]
pytest.importorskip("pyabc")


def _posterior(tmp_path, weights=(0.5, 0.5, 0.0), values=(0.2, 0.4, 0.6)) -> Path:
    frame = pd.DataFrame({"particle": range(len(weights)), "weight": weights,
                          "distance": [1.0] * len(weights),
                          "param.putin.reactivity": values})
    return write_posterior(frame, {"seed": 5, "targets": {"digest": "abc"}},
                           tmp_path / "posterior.parquet")


def test_draws_follow_the_weights_and_the_seed(tmp_path):
    post = load_posterior(_posterior(tmp_path))
    a, chosen = draw_samples(post, 400, seed=3)
    b, _ = draw_samples(post, 400, seed=3)
    c, _ = draw_samples(post, 400, seed=4)
    assert a == b and a != c
    values = np.array(a["putin.reactivity"])
    assert set(values) <= {0.2, 0.4}, "a particle of weight 0 is never drawn"
    assert 0.4 < np.mean(values == 0.2) < 0.6
    assert all(values[i] == [0.2, 0.4, 0.6][k] for i, k in enumerate(chosen))


def test_a_plan_draws_its_runs_from_the_posterior_and_records_it(tmp_path):
    path = _posterior(tmp_path)
    scenario = load_scenario("calibration_2019_2021")
    plan = make_plan(scenario, runs=6, seed=2, posterior=path)
    expected, chosen = draw_samples(load_posterior(path), 6, 2)
    assert list(plan.samples["putin.reactivity"]) == expected["putin.reactivity"]
    described = plan.describe()
    assert described["posterior"]["drawn_particles"] == chosen
    assert described["posterior"]["fit_seed"] == 5
    assert plan.sampler.endswith("posterior")
    # the posterior's parameter is no longer drawn from the scenario's own uncertainty
    assert make_plan(scenario, runs=6, seed=2).samples["putin.reactivity"] != \
        plan.samples["putin.reactivity"]
    # a value the user fixes wins over the posterior
    fixed = make_plan(scenario, runs=6, seed=2, posterior=path, sets={"putin.reactivity": 0.3})
    assert "putin.reactivity" not in fixed.samples
    assert fixed.parameters.values["putin.reactivity"] == 0.3


def test_bad_posterior_files_are_user_errors(tmp_path):
    with pytest.raises(InputFileError, match="not found"):
        load_posterior(tmp_path / "missing.parquet")
    with pytest.raises(ResultsError, match="weights"):
        load_posterior(_posterior(tmp_path, weights=(0.0, 0.0, 0.0)))
    pd.DataFrame({"x": [1]}).to_parquet(tmp_path / "other.parquet")
    with pytest.raises(ResultsError, match="not a posterior"):
        load_posterior(tmp_path / "other.parquet")


def _main_targets():
    """The targets measured in the 2019-2021 history, with the polls' registers."""
    from unionsim.config.targets import TargetSet, load_targets

    full = load_targets()
    main = tuple(t for t in full.targets if t.scenario == "calibration_2019_2021")
    return TargetSet(main, full.files, full.digest, full.pollsters, full.questions)


def _tiny_fit(tmp_path, name, executor, workers=None, notify=None):
    from unionsim.calibration.fit import FitSettings, run_fit

    targets = _main_targets()
    tiny = FitSettings("tiny", population=4, replicates=1, n_parameters=2, max_populations=1,
                       max_simulations=12)
    names = ["putin.reactivity", "minsk.choice_temperature"]
    return run_fit(targets, tmp_path / name, settings=tiny, seed=9, names=names,
                   executor=executor, workers=workers, notify=notify)


def test_a_tiny_fit_accepts_weighted_particles_inside_the_ranges_and_records_itself(tmp_path):
    said = []
    result = _tiny_fit(tmp_path, "a", "serial", notify=said.append)
    particles, m = result.particles, result.manifest
    # the fit says what it will do and how far it is after every generation
    from unionsim.calibration.polls import fitted_offsets, is_poll, offset_names

    targets = _main_targets()
    offsets = fitted_offsets(targets.select("fit"))
    assert said[0].startswith(f"fitting 2 parameters and {len(offsets)} poll offsets to ") \
        and "4 particles a generation" in said[0]
    assert any(line.startswith("prior sample: sampling 4 particles") for line in said), said
    assert any(line.startswith("generation 1 of at most 1: sampling 4 particles")
               for line in said), said
    finished = [line for line in said if "particles accepted of" in line]
    assert len(finished) == 2, said
    assert finished[-1].startswith(f"generation 1 of at most 1: 4 particles accepted of "
                                   f"{m['generations'][-1]['evaluations']} evaluations"), said
    assert len(particles) == 4 and particles["weight"].sum() == pytest.approx(1.0)
    assert list(m["parameters"]) == ["putin.reactivity", "minsk.choice_temperature"]
    for name, spec in m["parameters"].items():
        low, high = spec["range"]
        assert particles[f"param.{name}"].between(low, high).all(), name
    assert m["status"] == "complete" and m["seed"] == 9 and m["library"]["name"] == "pyabc"
    # one replicate of one scenario per evaluation; every evaluation is accounted for: pyabc's
    # prior sample (one population) plus each generation's (the budget is checked between
    # generations, so a generation's own count depends on its acceptance rate, not on the budget)
    assert m["model_runs"] == m["evaluations"] == 4 + sum(g["evaluations"]
                                                          for g in m["generations"])
    # accepted particles lie within the generation's tolerance on the fit's distance
    assert (particles["distance"] <= m["generations"][-1]["epsilon"]).all()
    # the polls' offsets are sampled within their ranges, stored apart from the model's
    # parameters (a posterior batch never sets them), and each poll keeps its latent value
    assert list(m["poll_offsets"]) == offsets and len(offsets) >= 5
    for name, spec in m["poll_offsets"].items():
        low, high = spec["range"]
        assert low < high and particles[f"offset.{name}"].between(low, high).all(), name
    for t in targets.select():
        if is_poll(t):
            expected = particles[f"latent.{t.id}"] + sum(
                particles.get(f"offset.{n}", 0.0) for n in offset_names(t))
            assert np.allclose(particles[f"measure.{t.id}"], expected), t.id
    again = load_posterior(write_posterior(particles, m, tmp_path / "posterior.parquet"))
    assert again.names == list(m["parameters"])


def test_calibrate_refuses_contradicting_settings(monkeypatch, capsys):
    from unionsim.cli import main

    for args, message in ((["--quick", "--medium"], "--quick and --medium contradict"),
                          (["--force", "--resume"], "--force and --resume contradict")):
        monkeypatch.setattr(sys, "argv", ["unionsim", "calibrate", *args])
        with pytest.raises(SystemExit) as info:
            main()
        err = capsys.readouterr().err
        assert info.value.code == 2 and message in err and "Traceback" not in err


@pytest.mark.slow
def test_the_fit_is_the_same_serially_and_in_a_process_pool(tmp_path):
    a = _tiny_fit(tmp_path, "a", "serial")
    b = _tiny_fit(tmp_path, "b", "process", workers=2)
    pd.testing.assert_frame_equal(a.particles, b.particles)
    assert a.manifest["evaluations"] == b.manifest["evaluations"]
    assert set(a.particles.columns) >= {"weight", "param.putin.reactivity",
                                        "measure.poll_eu_choice_2019_12",
                                        "measure.sectoral_sanctions_june_2021"}


@pytest.mark.slow
def test_the_fit_is_the_same_on_a_dask_cluster(tmp_path):
    pytest.importorskip("distributed")
    a = _tiny_fit(tmp_path, "a", "serial")
    b = _tiny_fit(tmp_path, "b", "dask", workers=2)
    pd.testing.assert_frame_equal(a.particles, b.particles)


def test_a_fit_is_not_overwritten_by_accident(tmp_path):
    from unionsim.errors import ResultsError as Refused

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "abc.db").write_bytes(b"")
    (tmp_path / "a" / "fit.json").write_text('{"settings": {}, "seed": 9}')
    with pytest.raises(Refused, match="already exists"):
        _tiny_fit(tmp_path, "a", "serial")
    # a database nobody can tell unionsim wrote (no fit.json, no marker) is a user's file
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "abc.db").write_bytes(b"my own pyabc work")
    with pytest.raises(Refused, match="did not write"):
        _tiny_fit(tmp_path, "b", "serial")
    assert (tmp_path / "b" / "abc.db").read_bytes() == b"my own pyabc work"


def cli(*args):
    env = {**os.environ, "PYTHONWARNINGS": "error::FutureWarning"}
    return subprocess.run([sys.executable, "-m", "unionsim", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)


@pytest.mark.slow
def test_calibrate_quick_then_run_with_its_posterior(tmp_path):
    fit = tmp_path / "fit"
    r = cli("calibrate", "--quick", "--out", fit, "--seed", 2, "--workers", 2)
    assert r.returncode == 0, r.stderr
    posterior, manifest = fit / "posterior.parquet", fit / "posterior.json"
    report = fit / "calibration.md"
    for path in (posterior, manifest, report, fit / "figures" / "calibration_parameters.png",
                 fit / "figures" / "calibration_targets.png", fit / "abc.db"):
        assert path.is_file(), path
    m = json.loads(manifest.read_text())
    assert m["seed"] == 2 and m["library"]["name"] == "pyabc"
    # each evaluation plays every fitting scenario once (the quick preset's one replicate)
    assert m["evaluations"] > 0 and m["model_runs"] == m["evaluations"] * len(m["scenarios"])
    assert len(m["scenarios"]) >= 2
    assert len(m["parameters"]) == 3 and m["targets"]["test"]
    frame = pd.read_parquet(posterior)
    assert frame["weight"].sum() == pytest.approx(1.0)
    text = report.read_text()
    assert "fitting targets hit" in text and "held-out 2021 targets" in text
    # the held-out targets are measured for every particle but never enter the distance
    assert all(f"measure.{t}" in frame for t in m["targets"]["test"])

    # a resumed, already finished fit runs nothing new and keeps the posterior
    again = cli("calibrate", "--quick", "--out", fit, "--seed", 2, "--resume")
    assert again.returncode == 0, again.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(posterior), frame)

    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        run = cli("run", "calibration_2019_2021", "--runs", 4, "--seed", 1, "--out", out,
                  "--posterior", posterior, "--workers", 1)
        assert run.returncode == 0, run.stderr
        outs.append(out)
    a, b = ((o / "outcomes.parquet").read_bytes() for o in outs)
    assert a == b, "the same posterior and seed give byte-identical results"
    recorded = json.loads((outs[0] / "manifest.json").read_text())["posterior"]
    rows = pd.read_parquet(outs[0] / "outcomes.parquet")
    for name in m["parameters"]:
        drawn = frame[f"param.{name}"].to_numpy()[recorded["drawn_particles"]]
        assert np.allclose(rows[f"param.{name}"].to_numpy(), drawn), name


def test_a_missing_posterior_is_a_clean_user_error(tmp_path):
    r = cli("run", "baseline", "--runs", 2, "--posterior", tmp_path / "none.parquet",
            "--out", tmp_path / "x")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "posterior file not found" in r.stderr


def test_a_bare_posterior_option_means_the_shipped_file():
    from unionsim.cli.batch import POSTERIOR_DEFAULT, fill_optional_values

    assert fill_optional_values(["run", "baseline", "--posterior", "--runs", "200"]) == \
        ["run", "baseline", "--posterior", POSTERIOR_DEFAULT, "--runs", "200"]
    assert fill_optional_values(["run", "baseline", "--posterior"])[-1] == POSTERIOR_DEFAULT
    assert fill_optional_values(["run", "baseline", "--posterior", "p.parquet"]) == \
        ["run", "baseline", "--posterior", "p.parquet"]
    assert fill_optional_values(["calibrate", "--posterior"]) == ["calibrate", "--posterior"]


def test_fit_progress_reports_each_generation_and_at_most_every_interval(monkeypatch):
    from unionsim.calibration import fit

    clock = iter([0.0, 0.0, 1.0, 2.0, 12.0, 13.0, 30.0, 30.0])
    monkeypatch.setattr(fit.time, "perf_counter", lambda: next(clock))
    said = []
    progress = fit.FitProgress(said.append, 3, every=10.0)   # the fit starts at 0 s
    progress.generation_started(0, 3)                        # the generation at 0 s
    progress.accepted(1, 3, 5)                               # 2 s: too soon, silent
    progress.accepted(2, 3, 9)                               # 12 s: a line
    assert said == ["generation 1 of at most 3: sampling 3 particles (1 s elapsed)",
                    "generation 1 of at most 3: 2 of 3 particles, 9 evaluations so far "
                    "(13 s elapsed)"]
    progress.accepted(3, 3, 11)                              # 30 s: the generation's end
    assert said[-1] == ("generation 1 of at most 3: 3 particles accepted of 11 evaluations in "
                        "30 s (30 s elapsed)")
