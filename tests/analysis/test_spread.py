"""Where the spread comes from: batches that play each parameter draw with several seeds, the
split of each output's variance into parameter uncertainty and chance, and the posterior named
(with its effective sample size) wherever a batch drew from one."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from unionsim.analysis.spread import folder_spread, split_variance, spread_table
from unionsim.config.posterior import (effective_sample_size, load_posterior, small_ess_warning,
                                       stale_warning, summary_line)
from unionsim.config.scenario import load_scenario
from unionsim.errors import UsageError
from unionsim.experiment.plan import make_plan, posterior_fitted_to_other


# ------------------------------------------------------------------ the estimator, known answers

def _outcomes(y_by_run: np.ndarray, extra: dict | None = None) -> pd.DataFrame:
    n = len(y_by_run)
    frame = pd.DataFrame({"run": np.arange(n), "status": "ok",
                          "outcome": np.where(y_by_run > 0.5, "regime_change", "status_quo"),
                          "reserves": y_by_run.astype(float)})
    for k, v in (extra or {}).items():
        frame[k] = v
    return frame


def test_an_outcome_a_parameter_decides_is_all_parameter_uncertainty():
    rng = np.random.default_rng(1)
    draws, replicates = 400, 5
    theta = np.repeat(rng.random(draws), replicates)         # one value per draw, R runs each
    table = spread_table(_outcomes((theta > 0.5).astype(float)), replicates, ["reserves"])
    row = table.set_index("output").loc["regime_change"]
    assert row["chance_var"] == 0.0
    assert row["parameter_share"] == pytest.approx(1.0)


def test_an_outcome_of_pure_chance_is_all_chance():
    rng = np.random.default_rng(2)
    draws, replicates = 400, 5
    y = (rng.random(draws * replicates) < 0.3).astype(float)   # independent of the draw
    row = spread_table(_outcomes(y), replicates, ["reserves"]).set_index("output").loc[
        "regime_change"]
    assert row["parameter_share"] < 0.03
    assert row["chance_var"] == pytest.approx(0.3 * 0.7, abs=0.01)


def test_a_known_mixture_splits_by_the_law_of_total_variance():
    rng = np.random.default_rng(3)
    draws, replicates = 3000, 4
    level = np.repeat(rng.normal(0, 2.0, draws), replicates)   # parameter variance 4
    y = level + rng.normal(0, 1.0, draws * replicates)          # chance variance 1
    parameter, chance = split_variance(y, np.arange(len(y)) // replicates)
    assert parameter == pytest.approx(4.0, rel=0.06)
    assert chance == pytest.approx(1.0, rel=0.03)
    # without the correction the between-draw variance would count a quarter of the chance
    means = y.reshape(draws, replicates).mean(axis=1)
    assert np.var(means, ddof=1) == pytest.approx(parameter + chance / replicates, rel=1e-9)


def test_a_folder_says_why_it_cannot_split():
    outcomes = _outcomes(np.zeros(8))
    assert "all of the spread is chance" in folder_spread(
        {"n_runs": 8, "replicates": 4, "sampled_parameters": []}, outcomes).reason
    single = folder_spread({"n_runs": 8, "sampled_parameters": ["putin.reactivity"]}, outcomes)
    assert not single.available and "--replicates" in single.reason
    assert folder_spread({"n_runs": 8, "replicates": 4,
                          "sampled_parameters": ["putin.reactivity"]}, outcomes).available


# ------------------------------------------------------------------ plans with replicates

def test_replicates_play_each_draw_with_several_seeds():
    loaded = load_scenario("election_2020")
    plan = make_plan(loaded, runs=12, seed=5, replicates=3)
    assert plan.parameter_draws == 4 and len(set(plan.seeds)) == 12
    for name, column in plan.samples.items():
        groups = [column[k * 3:(k + 1) * 3] for k in range(4)]
        assert all(len(set(g)) == 1 for g in groups), name      # run i plays draw i // 3
        assert len({g[0] for g in groups}) == 4, name
    described = plan.describe()
    assert described["replicates"] == 3 and described["parameter_draws"] == 4
    assert plan.fingerprint() != make_plan(loaded, runs=12, seed=5).fingerprint()
    # the same command gives the same plan (reproducible, resumable)
    assert plan.fingerprint() == make_plan(loaded, runs=12, seed=5, replicates=3).fingerprint()
    # one replicate is the plain batch
    assert make_plan(loaded, runs=12, seed=5, replicates=1).samples == \
        make_plan(loaded, runs=12, seed=5).samples


def test_replicates_must_divide_the_runs():
    loaded = load_scenario("election_2020")
    with pytest.raises(UsageError, match="not a multiple of --replicates 4"):
        make_plan(loaded, runs=10, seed=1, replicates=4)
    with pytest.raises(UsageError, match="at least 1"):
        make_plan(loaded, runs=10, seed=1, replicates=0)


def test_posterior_draws_do_not_depend_on_other_parameters_or_replicates():
    loaded = load_scenario("election_2020")
    base = make_plan(loaded, runs=40, seed=2, posterior=True)
    fixed = make_plan(loaded, runs=40, seed=2, posterior=True,
                      sets={"public.militancy": 0.3, "putin.reactivity": 0.3})
    assert base.posterior["drawn_particles"] == fixed.posterior["drawn_particles"]
    for name in set(base.samples) & set(fixed.samples):
        assert base.samples[name] == fixed.samples[name], name
    replicated = make_plan(loaded, runs=40, seed=2, posterior=True, replicates=4)
    particles = replicated.posterior["drawn_particles"]
    assert particles == [p for p in base.posterior["drawn_particles"][:10] for _ in range(4)]


# ------------------------------------------------------------------ the posterior named

def test_the_posterior_is_named_with_its_effective_sample_size():
    assert effective_sample_size([1, 1, 1, 1]) == pytest.approx(4)
    assert effective_sample_size([1, 0, 0, 0]) == pytest.approx(1)
    assert effective_sample_size([0.5, 0.25, 0.25]) == pytest.approx(1 / 0.375)
    post = load_posterior()
    plan = make_plan(load_scenario("election_2020"), runs=30, seed=1, posterior=True)
    d = plan.describe()["posterior"]
    assert d["ess"] == pytest.approx(post.ess, abs=0.01) and d["particles"] == 200
    assert d["distinct_draws"] == len(set(d["drawn_particles"]))
    line = summary_line(d, 30)
    assert post.digest in line and f"effective sample size {post.ess:.1f}" in line
    assert f"{d['distinct_draws']} distinct particles in 30 runs" in line
    assert small_ess_warning({**d, "ess": 7.2}, 30) is not None   # the shipped fit's ESS
    assert small_ess_warning({**d, "ess": 500.0}, 30) is None


def _posterior_copy(folder, **manifest_changes):
    """The shipped posterior copied into ``folder`` with its manifest's fields changed."""
    import shutil

    from unionsim.config.posterior import default_posterior_path, manifest_path

    shipped = default_posterior_path()
    copy = folder / "posterior.parquet"
    shutil.copyfile(shipped, copy)
    manifest = json.loads(manifest_path(shipped).read_text())
    manifest.update(manifest_changes)
    manifest_path(copy).write_text(json.dumps(manifest))
    return copy


def test_a_posterior_fitted_to_other_model_code_or_targets_is_flagged(tmp_path):
    """A batch records what its posterior was fitted to that differs from the code and the
    shipped targets it runs with; the warning names both values, and is absent when they
    match."""
    from unionsim.config.targets import load_targets
    from unionsim.experiment.plan import model_fingerprint

    current = {"model_fingerprint": model_fingerprint(),
               "targets": {"digest": load_targets().digest}}
    loaded = load_scenario("election_2020")
    fresh = make_plan(loaded, runs=4, seed=1,
                      posterior=_posterior_copy(tmp_path, **current)).posterior
    assert fresh["fitted_to_other"] == [] and stale_warning(fresh) is None
    (tmp_path / "other").mkdir()
    other = _posterior_copy(tmp_path / "other", model_fingerprint="0123456789abcdef",
                            targets={"digest": "fedcba9876543210"})
    stale = make_plan(loaded, runs=4, seed=1, posterior=other).posterior
    warning = stale_warning(stale)
    assert (f"other model code (fingerprint 0123456789abcdef; this code: "
            f"{model_fingerprint()})") in warning
    assert (f"other target files (digest fedcba9876543210; the shipped targets now: "
            f"{load_targets().digest})") in warning
    assert warning.endswith("fit it again with `unionsim calibrate` (or run without "
                            "--posterior)")
    # the same draws either way: the record warns, it changes no run
    assert stale["drawn_particles"] == fresh["drawn_particles"]


def test_run_warns_when_its_posterior_was_fitted_to_other_code(tmp_path):
    from unionsim.cli import app
    from unionsim.experiment.plan import model_fingerprint

    other = _posterior_copy(tmp_path, model_fingerprint="0123456789abcdef")
    result = CliRunner().invoke(app, ["run", "election_2020", "--posterior", str(other),
                                      "--runs", "2", "--seed", "3", "--executor", "serial",
                                      "--no-timeseries", "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert ("warning: the posterior was fitted to other model code (fingerprint "
            f"0123456789abcdef; this code: {model_fingerprint()})") in text
    m = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert m["posterior"]["fitted_to_other"][0].startswith("other model code")


@pytest.fixture(scope="module")
def replicated(tmp_path_factory):
    from unionsim.cli import app

    out = tmp_path_factory.mktemp("spread") / "rep"
    result = CliRunner().invoke(app, ["run", "election_2020", "--posterior", ":shipped:",
                                      "--runs", "20", "--replicates", "2", "--seed", "3",
                                      "--executor", "serial", "--no-timeseries",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, " ".join(result.output.split())


@pytest.mark.slow
def test_run_names_the_posterior_and_splits_the_spread(replicated):
    out, text = replicated
    post = load_posterior()
    assert f"parameters drawn from the posterior {post.path} (sha256 {post.digest})" in text
    assert f"effective sample size {post.ess:.1f}" in text
    warned = "warning: the posterior's effective sample size is" in text
    assert warned == (post.ess < 10)            # fewer effective draws than the batch's 10
    assert "10 parameter draws x 2 runs each" in text
    assert "Where the spread comes from" in text and "parameters" in text
    m = json.loads((out / "manifest.json").read_text())
    assert m["replicates"] == 2 and m["parameter_draws"] == 10
    assert m["posterior"]["ess"] == pytest.approx(post.ess, abs=0.01)


@pytest.mark.slow
def test_the_report_shows_the_posterior_the_spread_and_drawn_values(replicated, tmp_path):
    from unionsim.analysis.report import build_report

    out, _ = replicated
    html = build_report([out], tmp_path / "r.html").read_text()
    assert "effective sample size" in html and "Where the spread comes from" in html
    assert "Values drawn for each run" in html
    # a value drawn per run is not listed as a value that differs from its default
    assert "Values that differ from the documented defaults" not in html
    # a document the scenario cites in two entries is listed once
    assert html.count("The Union State of Belarus and Russia (Ana") == 1


def test_run_without_replicates_says_why_it_cannot_split(tmp_path):
    from unionsim.cli import app

    result = CliRunner().invoke(app, ["run", "election_2020", "--runs", "2", "--seed", "3",
                                      "--executor", "serial", "--no-timeseries",
                                      "--out", str(tmp_path / "one")])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Where the spread comes from: every run has a parameter draw of its own" in text
    assert "posterior" not in text


def test_check_names_the_posterior_and_its_effective_sample_size():
    from unionsim.validation.runner import posterior_source

    post = load_posterior()
    text, warning = posterior_source(True, [])
    assert text.startswith(f"shipped posterior {post.path} (sha256 {post.digest}): "
                           f"{len(post.particles)} particles, effective sample size "
                           f"{post.ess:.1f}")
    # no batch, so nothing drawn yet: only a posterior fitted to other code or targets warns
    stale = stale_warning({"fitted_to_other": posterior_fitted_to_other(post.manifest)})
    assert warning == (stale or "")


@pytest.mark.slow
def test_check_counts_the_distinct_particles_its_batches_used(replicated):
    from unionsim.validation.runner import posterior_source

    out, _ = replicated
    m = json.loads((out / "manifest.json").read_text())
    distinct = len(set(m["posterior"]["drawn_particles"]))
    text, warning = posterior_source(True, [out])
    assert f"its batch used {distinct} distinct particles in 10 parameter draws" in text
    post = load_posterior()
    stale = stale_warning({"fitted_to_other": posterior_fitted_to_other(post.manifest)})
    assert ("effective sample size" in warning) == (post.ess < 10)
    assert (stale or "") in warning and bool(warning) == bool(stale or post.ess < 10)
