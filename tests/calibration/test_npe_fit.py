"""Neural posterior estimation (``unionsim calibrate --method npe``): what the network sees, the
fit's reproducibility across executors and interruptions, and the command end to end."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from unionsim.calibration.fit import FitSettings
from unionsim.calibration.npe import run_npe

ROOT = Path(__file__).resolve().parents[2]
NAMES = ["putin.reactivity", "minsk.choice_temperature"]
TINY = FitSettings("tiny-npe", population=0, replicates=1, n_parameters=2, max_populations=0,
                   max_simulations=12, method="npe", simulations=12, chunk=6, hidden=8,
                   transforms=1, max_epochs=4, draws=60, predictive=3,
                   predictive_replicates=1, sbc=3, sbc_draws=10)


def _main_targets():
    """The targets measured in the 2019-2021 history (one scenario: a fast fit), with the polls'
    registers; fitting and held-out ones."""
    from unionsim.config.targets import TargetSet, load_targets

    full = load_targets()
    main = tuple(t for t in full.targets if t.scenario == "calibration_2019_2021")
    return TargetSet(main, full.files, full.digest, full.pollsters, full.questions)


def _fit(folder, executor="serial", workers=None, **options):
    return run_npe(_main_targets(), folder, settings=TINY, seed=4, names=NAMES,
                   executor=executor, workers=workers, **options)


def _bytes(particles: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    particles.to_parquet(buffer, index=False)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def serial_fit(tmp_path_factory):
    """A tiny fit run from an empty working directory, which it must leave as it was (sbi's
    default training tracker would write its logs there)."""
    here = tmp_path_factory.mktemp("npe")
    cwd = os.getcwd()
    os.chdir(here)
    try:
        result = _fit(here / "serial")
    finally:
        os.chdir(cwd)
    assert sorted(p.name for p in here.iterdir()) == ["serial"]
    return result


def test_the_network_sees_the_fitting_targets_only(serial_fit):
    from unionsim.calibration.holdout import distance_targets

    targets = _main_targets()
    fitting = [t.id for t in distance_targets(targets)]
    held_out = [t.id for t in targets.select("test")]
    assert held_out, "the 2019-2021 history has held-out targets"
    m = serial_fit.manifest
    assert m["x"] == fitting
    # what was simulated for training, as saved: the fitting targets' measures, nothing else
    for name in ("simulations-0000.npz", "simulations-0001.npz"):
        with np.load(serial_fit.folder / name) as chunk:
            assert list(chunk["targets"]) == fitting
            assert chunk["measures"].shape == (TINY.chunk, len(fitting))
            assert not set(map(str, chunk["targets"])) & set(held_out)
    # the report still scores the held-out targets: the predictive draws measure them
    assert all(f"measure.{t}" in serial_fit.particles for t in held_out)


def test_the_saved_simulations_read_back_whole_and_in_order(serial_fit, tmp_path):
    from unionsim.calibration.npe import prior_box, prior_draws, saved_simulations
    from unionsim.errors import ResultsError

    m = serial_fit.manifest
    theta, measures = saved_simulations(serial_fit.folder)
    low, high = prior_box(m, list(m["parameters"]), list(m["poll_offsets"]))
    assert np.array_equal(theta, prior_draws(m["seed"], TINY.simulations, low, high))
    assert measures.shape == (TINY.simulations, len(m["x"]))
    with pytest.raises(ResultsError, match="holds no saved simulations"):
        saved_simulations(tmp_path)


def test_training_data_are_errors_in_tolerances_with_unit_noise():
    from unionsim.calibration.npe import X_CLIP, UNDEFINED_ERROR, standardised, training_data
    from unionsim.calibration.polls import scoring_tolerances
    from unionsim.config.targets import observed_value, scenario_spec

    targets = _main_targets()
    fitting = [t for t in targets.select("fit") if not isinstance(t.target.observed, str)
               and t.target.sided not in ("at_least", "at_most")][:3]
    tolerances = scoring_tolerances(targets)
    observed = np.array([observed_value(t.target, scenario_spec(t.scenario).start)
                         for t in fitting])
    tol = np.array([tolerances.get(t.id, t.target.tolerance) for t in fitting])
    measures = np.tile(observed, (4000, 1)) + tol * 2.0      # every target two tolerances off
    measures[0, 1] = np.nan                                   # an undefined measure
    measures[1, 2] = np.inf                                   # a simulation whose runs failed
    measures[2, 0] = observed[0] + 1000 * tol[0]              # far off: clipped
    z = standardised(measures, fitting, tolerances)
    assert np.allclose(z[3:], 2.0) and z[0, 1] == UNDEFINED_ERROR and np.isinf(z[1, 2])
    assert z[2, 0] == pytest.approx(1000)
    theta = np.arange(4000.0)[:, None]
    kept, x, dropped = training_data(theta, measures, fitting, tolerances, seed=3)
    assert dropped == 1 and len(x) == len(kept) == 3999 and 1.0 not in kept[:, 0]
    assert list(x.columns) == [t.id for t in fitting]
    assert x.iloc[1, 0] == X_CLIP    # row 2 of the simulations, after the dropped row 1
    noise = x.to_numpy()[2:] - 2.0
    assert abs(noise.mean()) < 0.05 and abs(noise.std() - 1.0) < 0.05
    again = training_data(theta, measures, fitting, tolerances, seed=3)[1]
    pd.testing.assert_frame_equal(x, again)


def test_linear_information_is_the_held_back_share_of_variance_a_line_through_x_explains():
    from unionsim.calibration.npe import linear_information

    rng = np.random.default_rng(0)
    theta = rng.uniform(size=(2000, 3))
    # x sees the first parameter exactly, the second through noise of equal variance, the
    # third not at all
    x = np.column_stack([theta[:, 0], theta[:, 1] + rng.normal(0, theta[:, 1].std(), 2000),
                         rng.normal(size=2000)])
    r2 = linear_information(theta, x, train=1500)
    assert r2[0] == pytest.approx(1.0, abs=1e-9)
    assert r2[1] == pytest.approx(0.5, abs=0.07) and abs(r2[2]) < 0.02
    # scored only on rows the line never saw: a line through 3 columns fitted on 4 rows
    # cannot be scored, and no held-back row leaves nothing to score
    assert np.isnan(linear_information(theta[:10], x[:10], train=4)).all()
    assert np.isnan(linear_information(theta, x, train=2000)).all()


def test_normal_scores_make_the_uniform_prior_a_standard_normal_and_map_back():
    from unionsim.calibration.npe import from_normal_scores, normal_scores

    rng = np.random.default_rng(1)
    low, high = np.array([0.0, 2.0]), np.array([1.0, 10.0])
    theta = rng.uniform(low, high, size=(20000, 2))
    z = normal_scores(theta, low, high)
    assert np.abs(z.mean(axis=0)).max() < 0.03 and np.abs(z.std(axis=0) - 1.0).max() < 0.02
    assert np.allclose(from_normal_scores(z, low, high), theta, rtol=0, atol=1e-9)
    edges = normal_scores(np.array([low, high]), low, high)
    assert np.isfinite(edges).all() and (edges[0] < -8).all() and (edges[1] > 8).all()
    assert np.array_equal(from_normal_scores(np.array([[-np.inf, np.inf]]), low, high),
                          [[0.0, 10.0]])


def test_a_quantity_the_data_do_not_inform_keeps_its_prior_spread_and_one_they_do_narrows():
    """Data that see the first quantity through noise of equal variance and the second not at
    all: the posterior of the second keeps its prior variance (the same flow trained on the
    ranges' logits made it 14 % wider), the first narrows by about what a line through x
    tells."""
    import dataclasses

    from unionsim.calibration.npe import contraction, linear_information, train_and_draw

    rng = np.random.default_rng(2)
    low, high = np.zeros(2), np.ones(2)
    theta = rng.uniform(size=(3000, 2))
    x = np.column_stack([theta[:, 0] + rng.normal(0, theta[:, 0].std(), 3000),
                         rng.normal(size=3000)])
    settings = dataclasses.replace(TINY, hidden=16, transforms=1, max_epochs=100, draws=4000,
                                   sbc=0)
    draws, _, ranks = train_and_draw(theta, x, low, high, settings, seed=5)
    assert ranks is None and ((draws >= low) & (draws <= high)).all()
    # at x = 0 the first quantity sits at the low end of its range: its narrowing there differs
    # from the average one (about 0.5), so ask for a clear narrowing only
    shrink = contraction(draws, low, high)
    assert shrink[0] > 0.4
    assert abs(shrink[1]) < 0.05
    assert linear_information(theta, x, train=2500)[0] == pytest.approx(0.5, abs=0.07)


def test_the_posterior_holds_independent_equally_weighted_draws_in_the_ranges(serial_fit):
    from unionsim.calibration.fit import FitDistance
    from unionsim.calibration.polls import fitted_offsets, scoring_tolerances

    particles, m = serial_fit.particles, serial_fit.manifest
    targets = _main_targets()
    offsets = fitted_offsets(targets.select("fit"))
    assert m["method"] == "npe" and m["library"]["name"] == "sbi" and m["status"] == "complete"
    assert len(particles) == m["particles"] == TINY.predictive and m["draws"] == TINY.draws
    assert np.allclose(particles["weight"], 1 / TINY.predictive)
    assert m["ess"] == pytest.approx(TINY.predictive)   # 1/sum(w^2) of equal weights
    assert list(m["contraction"]) == [*NAMES, *offsets]
    assert all(c <= 1.0 for c in m["contraction"].values())
    assert list(m["linear_information"]) == [*NAMES, *offsets]
    # the calibration check ranks the held-back simulations' vectors among posterior draws
    sbc = m["sbc"]
    assert sbc["simulations"] == TINY.sbc and sbc["posterior_draws"] == TINY.sbc_draws
    assert list(sbc["ks_pvalues"]) == [*NAMES, *offsets]
    assert all(0 <= p <= 1 for p in sbc["ks_pvalues"].values())
    assert sbc["not_calibrated"] == [n for n, p in sbc["ks_pvalues"].items()
                                     if p < 0.05 / len(sbc["ks_pvalues"])]
    for name, spec in {**m["parameters"], **m["poll_offsets"]}.items():
        column = f"param.{name}" if name in NAMES else f"offset.{name}"
        assert particles[column].between(*spec["range"]).all(), name
    distance = FitDistance(targets.select("fit"), scoring_tolerances(targets))
    row = particles.iloc[0]
    measured = {c[len("measure."):]: row[c] for c in particles if c.startswith("measure.")}
    assert row["distance"] == pytest.approx(distance(measured, {}))
    # runs: the prior simulations and the predictive draws, one scenario each
    assert m["model_runs"] == m["evaluations"] == TINY.simulations + TINY.predictive


@pytest.mark.slow
def test_the_fit_is_the_same_serially_and_in_a_process_pool(serial_fit, tmp_path):
    pooled = _fit(tmp_path / "pool", executor="process", workers=2)
    assert _bytes(pooled.particles) == _bytes(serial_fit.particles)
    assert pooled.manifest["contraction"] == serial_fit.manifest["contraction"]


def test_a_fit_stopped_after_its_simulations_resumes_to_the_same_posterior(serial_fit,
                                                                          tmp_path):
    from unionsim.errors import ResultsError

    def stop():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _fit(tmp_path / "fit", after_simulations=stop)
    assert json.loads((tmp_path / "fit" / "fit.json").read_text())["status"] == "running"
    # without --resume or --force the stopped fit is not replaced
    with pytest.raises(ResultsError, match="already exists"):
        _fit(tmp_path / "fit")
    said = []
    resumed = _fit(tmp_path / "fit", resume=True, notify=said.append)
    assert not any(line.startswith("simulations:") for line in said), said   # none redone
    assert _bytes(resumed.particles) == _bytes(serial_fit.particles)
    # another fit's simulations are refused, not trained on
    other = tmp_path / "fit" / "simulations-0001.npz"
    with np.load(other) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["theta"] = arrays["theta"] + 1e-9
    np.savez(other, **arrays)
    with pytest.raises(ResultsError, match="does not belong to this fit"):
        _fit(tmp_path / "fit", resume=True)
    other.write_bytes(b"not a chunk")
    with pytest.raises(ResultsError, match="simulations-0001.npz is damaged"):
        _fit(tmp_path / "fit", resume=True)
    # an ABC-SMC resume in an NPE fit's folder is refused before anything is read
    from unionsim.calibration.fit import FitSettings as Settings, run_fit

    abc = Settings("tiny", population=2, replicates=1, n_parameters=2, max_populations=1,
                   max_simulations=4)
    with pytest.raises(ResultsError, match="holds an NPE fit"):
        run_fit(_main_targets(), tmp_path / "fit", settings=abc, seed=4, names=NAMES,
                executor="serial", resume=True)


def test_the_calibration_check_holds_back_each_rounds_share_from_its_end():
    from unionsim.calibration.npe import held_back

    one = held_back(np.ones(10, dtype=int), 3)
    assert np.flatnonzero(one).tolist() == [7, 8, 9]
    assert not held_back(np.ones(4, dtype=int), 3).any()   # too few rows: all train
    rounds = np.array([1] * 80 + [2] * 20)
    held = held_back(rounds, 10)
    assert held.sum() == 10
    assert np.flatnonzero(held).tolist() == [72, 73, 74, 75, 76, 77, 78, 79, 98, 99]


def test_a_later_round_draws_from_the_prior_truncated_to_the_posteriors_region():
    """x sees the first quantity sharply and the second not at all: at x_o = 0 the posterior
    sits at the first's low end, so the truncated prior keeps the first near 0 and the second
    over its whole range; the draws repeat exactly from the same seed."""
    import dataclasses

    from unionsim.calibration.npe import held_back, truncated_prior_draws

    rng = np.random.default_rng(3)
    low, high = np.zeros(2), np.ones(2)
    theta = rng.uniform(size=(2000, 2))
    x = np.column_stack([(theta[:, 0] + rng.normal(0, 0.02, 2000)) / 0.05,
                         rng.normal(size=2000)])
    settings = dataclasses.replace(TINY, hidden=16, transforms=2, max_epochs=60, sbc=100,
                                   rounds=2, round_simulations=500, truncation=1e-3)
    held = held_back(np.ones(2000, dtype=int), settings.sbc)
    vectors, summary = truncated_prior_draws(theta, x, held, low, high, settings, 7, 2)
    assert vectors.shape == (500, 2) and ((vectors >= low) & (vectors <= high)).all()
    assert vectors[:, 0].max() < 0.3 and np.median(vectors[:, 0]) < 0.15
    assert vectors[:, 1].min() < 0.1 and vectors[:, 1].max() > 0.9
    assert 0.02 < summary["acceptance"] < 0.4 and summary["round"] == 2
    again, _ = truncated_prior_draws(theta, x, held, low, high, settings, 7, 2)
    assert np.array_equal(vectors, again)


def test_a_sequential_fit_simulates_its_later_round_in_the_region_and_resumes_alike(
        serial_fit, tmp_path):
    import dataclasses

    from unionsim.calibration import npe

    settings = dataclasses.replace(TINY, rounds=2, round_simulations=6, truncation=0.05)

    def fit(**options):
        return run_npe(_main_targets(), tmp_path / "fit", settings=settings, seed=4,
                       names=NAMES, executor="serial", **options)

    def stop():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fit(after_simulations=stop)
    said = []
    result = fit(resume=True, notify=said.append)
    m = result.manifest
    assert not any("simulations:" in line for line in said), said   # no round redone
    names = sorted(p.name for p in result.folder.glob("simulations-*.npz"))
    assert names == ["simulations-0000.npz", "simulations-0001.npz", "simulations-r2-0000.npz"]
    assert m["simulations"] == 18 and m["settings"]["rounds"] == 2
    [round_two] = m["rounds"]
    assert round_two["round"] == 2 and round_two["simulations"] == 6
    assert 0 < round_two["acceptance"] <= 1
    # the first round is the one-round fit's own simulations, the second new vectors
    theta, _ = npe.saved_simulations(result.folder)
    first, _ = npe.saved_simulations(serial_fit.folder)
    assert np.array_equal(theta[:12], first) and not np.isin(theta[12:], first).any()
    # a one-round fit's manifest has no round fields (fits started before rounds resume)
    assert "rounds" not in serial_fit.manifest["settings"] and "rounds" not in serial_fit.manifest
    # a resumed sequential fit gives the same posterior
    (result.folder / "simulations-r2-0000.npz").unlink()
    again = fit(resume=True)
    assert _bytes(again.particles) == _bytes(result.particles)


def test_without_sbi_the_npe_method_is_a_usage_error_naming_the_extra(monkeypatch, capsys,
                                                                      tmp_path):
    from unionsim.cli import main

    monkeypatch.setitem(sys.modules, "sbi", None)   # `import sbi` raises ImportError
    out = tmp_path / "fit"
    monkeypatch.setattr(sys, "argv", ["unionsim", "calibrate", "--method", "npe", "--quick",
                                      "--out", str(out)])
    with pytest.raises(SystemExit) as info:
        main()
    err = capsys.readouterr().err
    assert info.value.code == 2 and "Traceback" not in err
    assert "needs the sbi and torch libraries" in err and "unionsim[calibration]" in err
    assert not out.exists()


def test_npe_settings_are_checked_by_the_command(monkeypatch, capsys):
    from unionsim.cli import main

    for args, message in ((["--method", "npe", "--medium"], "--medium is an ABC-SMC setting"),
                          (["--method", "smc"], "unknown calibration method 'smc'")):
        monkeypatch.setattr(sys, "argv", ["unionsim", "calibrate", *args])
        with pytest.raises(SystemExit) as info:
            main()
        err = capsys.readouterr().err
        assert info.value.code == 2 and message in err and "Traceback" not in err


def cli(*args):
    env = {**os.environ, "PYTHONWARNINGS": "error::FutureWarning"}
    return subprocess.run([sys.executable, "-m", "unionsim", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)


@pytest.mark.slow
def test_calibrate_npe_quick_then_run_with_its_posterior(tmp_path):
    fit = tmp_path / "fit"
    # the 2019-2021 history and the polls only: one scenario, so the test takes seconds
    r = cli("calibrate", "--method", "npe", "--quick", "--out", fit, "--seed", 2,
            "--workers", 2, "--targets", ROOT / "targets" / "history_2019_2021.yaml",
            "--targets", ROOT / "targets" / "polls.yaml")
    assert r.returncode == 0, r.stderr
    assert "effective sample size 6" in r.stdout
    posterior, manifest = fit / "posterior.parquet", fit / "posterior.json"
    for path in (posterior, manifest, fit / "calibration.md", fit / "simulations-0000.npz",
                 fit / "figures" / "calibration_parameters.png"):
        assert path.is_file(), path
    m = json.loads(manifest.read_text())
    assert m["method"] == "npe" and m["seed"] == 2 and m["settings"]["name"] == "npe-quick"
    # the screening's top 3 and every default once set by hand (marked `fit:`)
    from unionsim.calibration.screening import fit_parameters
    from unionsim.config.params import fit_candidates

    assert list(m["parameters"]) == fit_parameters(3)
    assert set(fit_candidates()) <= set(m["parameters"]) and len(m["parameters"]) > 3
    assert m["targets"]["test"] and m["ess"] == 6
    frame = pd.read_parquet(posterior)
    assert len(frame) == 6 and frame["weight"].sum() == pytest.approx(1.0)
    assert all(f"measure.{t}" in frame for t in m["targets"]["test"])
    text = (fit / "calibration.md").read_text()
    assert "neural posterior estimation" in text and "held-out 2021 targets" in text
    assert "contraction" in text and "calibration check (simulation-based calibration)" in text
    assert "| parameter | contraction | linear information | SBC p-value |" in text
    # the second round, as the full fit has one: simulated, and said in the report
    assert (fit / "simulations-r2-0000.npz").is_file() and m["simulations"] == 30
    assert "round 2 (truncated sequential NPE)" in text

    out = tmp_path / "run"
    run = cli("run", "baseline", "--posterior", posterior, "--runs", 20, "--out", out,
              "--workers", 1)
    assert run.returncode == 0, run.stderr
    recorded = json.loads((out / "manifest.json").read_text())["posterior"]
    assert recorded["ess"] == 6 and recorded["fit_seed"] == 2
    rows = pd.read_parquet(out / "outcomes.parquet")
    for name in m["parameters"]:
        drawn = frame[f"param.{name}"].to_numpy()[recorded["drawn_particles"]]
        assert np.allclose(rows[f"param.{name}"].to_numpy(), drawn), name
