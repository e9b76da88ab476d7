"""The calibration report's numbers: identification verdicts and hit probabilities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from unionsim.calibration.report import parameter_table, target_table, write_report
from unionsim.config.posterior import Posterior
from unionsim.config.targets import load_targets


def _posterior(tmp_path, n=400):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "particle": range(n), "weight": np.full(n, 1.0 / n), "distance": 1.0,
        # concentrated in a tenth of its range vs spread over all of it
        "param.putin.reactivity": rng.uniform(0.30, 0.33, n),
        "param.minsk.choice_temperature": rng.uniform(0.03, 0.12, n),
        # reserves: three quarters of the particles within 1.0 of the observed 7.0
        "measure.reserves_2019_12": np.r_[np.full(3 * n // 4, 7.5), np.full(n // 4, 9.0)],
    })
    manifest = {"parameters": {"putin.reactivity": {"range": [0.0, 0.6], "default": 0.3},
                               "minsk.choice_temperature": {"range": [0.03, 0.12],
                                                            "default": 0.06}},
                "settings": {"name": "test"}, "generations": [], "library": {"version": "x"}}
    return Posterior(tmp_path / "p.parquet", frame, manifest, "d")


def test_identification_verdicts_follow_the_sd_ratio(tmp_path):
    table = parameter_table(_posterior(tmp_path)).set_index("parameter")
    assert table.loc["putin.reactivity", "verdict"] == "identified"
    assert table.loc["putin.reactivity", "sd_ratio"] < 0.1
    assert table.loc["minsk.choice_temperature", "verdict"] == "at its prior"
    assert table.loc["minsk.choice_temperature", "sd_ratio"] == pytest.approx(1.0, abs=0.1)


def test_hit_probability_is_the_weight_within_one_tolerance(tmp_path):
    targets = [t for t in load_targets().select() if t.id == "reserves_2019_12"]
    table = target_table(_posterior(tmp_path), targets)
    assert table.loc[0, "hit_probability"] == pytest.approx(0.75)
    assert bool(table.loc[0, "hit"]) is True


def test_the_report_is_written_with_its_figures(tmp_path):
    out = write_report(_posterior(tmp_path), load_targets(), tmp_path / "docs" / "cal.md")
    text = out.read_text()
    assert "putin.reactivity" in text and "identified" in text
    assert "Targets the model cannot measure yet" in text and "gas_price_2021" in text
    assert (tmp_path / "docs" / "figures" / "calibration_parameters.png").stat().st_size > 1000


def test_the_report_lists_the_poll_offsets_and_scores_polls_with_the_measurement_model(
        tmp_path):
    from unionsim.calibration.polls import scoring_tolerances
    from unionsim.calibration.report import offset_table, poll_table

    posterior = _posterior(tmp_path)
    n = len(posterior.particles)
    particles = posterior.particles.assign(**{
        "offset.polls.house.academy_of_sciences": np.linspace(-0.05, -0.03, n),
        "latent.poll_two_states_2020_06": np.full(n, 0.70),
        "measure.poll_two_states_2020_06": np.linspace(0.68, 0.695, n)})
    fitted = Posterior(posterior.path, particles, posterior.manifest, "d")
    offsets = offset_table(fitted).set_index("offset")
    house = offsets.loc["polls.house.academy_of_sciences"]
    assert house["role"] == "fitted" and (house["low"], house["high"]) == (-0.05, 0.05)
    assert house["posterior_mean"] == pytest.approx(-0.04)
    assert house["sd_ratio"] < 0.3
    assert offsets.loc["polls.house.nmnby_series", "role"] == "reference (0)"
    assert offsets.loc["polls.house.baw", "role"] == "prior only"
    targets = load_targets()
    polls = poll_table(targets, fitted).set_index("target")
    row = polls.loc["poll_two_states_2020_06"]
    assert row["pollster"] == "academy_of_sciences" and row["n"] == 1000
    assert row["latent_mean"] == pytest.approx(0.70) and row["expected_mean"] == pytest.approx(0.6875)
    # a poll is hit within the measurement model's tolerance, narrower than the committed one:
    # 0.68-0.695 against 0.62 is within the committed 0.08 but not within about 0.057
    tolerances = scoring_tolerances(targets)
    poll = [t for t in targets.select() if t.id == "poll_two_states_2020_06"]
    assert tolerances[poll[0].id] < 0.06
    assert target_table(fitted, poll).loc[0, "hit_probability"] == pytest.approx(1.0)
    scored = target_table(fitted, poll, tolerances)
    assert scored.loc[0, "hit_probability"] < 0.5 and scored.loc[0, "tolerance"] < 0.06
    text = write_report(fitted, targets, tmp_path / "docs" / "cal.md").read_text()
    assert "## Polls: house and wording offsets" in text
    assert "| polls.house.academy_of_sciences | -0.05 | 0.05 | fitted | -0.04 |" in text
