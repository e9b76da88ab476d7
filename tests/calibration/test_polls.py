"""The polls' measurement model (unionsim.calibration.polls): the expected poll is the latent
opinion plus the pollster's and the wording's offsets, a pollster's offset moves only its own
polls, the sampling error follows the sample size and never widens a committed tolerance, the
offsets are documented parameters with a reference for identification, and nothing held out
informs them."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from unionsim.calibration.holdout import forbidden_facts, parameter_citations
from unionsim.calibration.measures import distance
from unionsim.calibration.polls import (DESIGN_EFFECT, expected_poll, fitted_offsets,
                                        house_name, is_poll, offset_names, offset_specs,
                                        poll_row, poll_tolerance, register_problems,
                                        sampling_sd, scoring_tolerances, wording_name)
from unionsim.config.targets import load_targets


@pytest.fixture(scope="module")
def targets():
    return load_targets()


@pytest.fixture(scope="module")
def polls(targets):
    return [t for t in targets.select() if is_poll(t)]


def _by_id(polls, target_id):
    return next(t for t in polls if t.id == target_id)


def test_the_expected_poll_is_the_latent_opinion_plus_the_house_and_wording_offsets(polls):
    t = _by_id(polls, "poll_two_states_2020_06")
    assert offset_names(t) == ("polls.house.academy_of_sciences",
                               "polls.wording.two_independent_states")
    values = {"polls.house.academy_of_sciences": -0.04,
              "polls.wording.two_independent_states": -0.03}
    assert expected_poll(0.80, t, values) == pytest.approx(0.73)
    latent = np.array([0.70, 0.80, 0.90])
    assert np.allclose(expected_poll(latent, t, values), latent - 0.07)
    # without values: the documented offsets (0, the prior's centre) - the latent opinion itself
    assert expected_poll(0.80, t) == pytest.approx(0.80)
    # offsets of other pollsters and wordings do not enter
    assert expected_poll(0.80, t, {"polls.house.baw": 0.05,
                                   "polls.wording.current_level": 0.05}) == pytest.approx(0.80)


def test_a_pollsters_offset_moves_only_its_own_polls(polls):
    latent = {t.id: 0.5 for t in polls}
    moved = {"polls.house.carnegie_unnamed": 0.04}
    changed = {t.id for t in polls
               if expected_poll(latent[t.id], t, moved) != expected_poll(latent[t.id], t)}
    own = {t.id for t in polls if t.target.measure.pollster == "carnegie_unnamed"}
    assert changed == own and len(own) == 3
    # and a wording offset moves only the polls that asked that question, whoever asked it
    worded = {"polls.wording.current_level": -0.02}
    changed = {t.id for t in polls
               if expected_poll(latent[t.id], t, worded) != expected_poll(latent[t.id], t)}
    assert changed == {"poll_current_level_2019_01", "poll_current_stage_2019"}


def test_the_sampling_error_follows_the_sample_size():
    assert sampling_sd(0.5, 1000) == pytest.approx(math.sqrt(DESIGN_EFFECT * 0.25 / 1000))
    assert sampling_sd(0.5, 4000) == pytest.approx(sampling_sd(0.5, 1000) / 2)
    assert sampling_sd(0.1, 1000) < sampling_sd(0.5, 1000)
    assert sampling_sd(0.0, 1000) == 0.0
    # the scoring tolerance narrows as the sample grows, and is never wider than committed
    small, large = poll_tolerance(0.08, 0.62, 500), poll_tolerance(0.08, 0.62, 5000)
    assert large < small <= 0.08
    # a committed tolerance that is all sampling error is kept as it is
    twice = 2 * sampling_sd(0.3, 1000)
    assert poll_tolerance(twice, 0.3, 1000) == pytest.approx(twice)
    # the sampling part and the rest add in quadrature: 2 x 0.0217 and 0.0357 -> 0.0562
    assert poll_tolerance(0.08, 0.79, 1000) == pytest.approx(
        math.hypot(2 * sampling_sd(0.79, 1000), 0.08 - 2 * sampling_sd(0.79, 1000)))


def test_a_poll_given_its_sample_size_is_scored_with_it(targets, polls):
    t = _by_id(polls, "poll_current_stage_2019")
    row = poll_row(targets, t)
    assert row["n"] == 2000 and row["n_basis"] == "given in the document"
    assert row["sampling_sd"] == pytest.approx(sampling_sd(0.755, 2000))
    other = _by_id(polls, "poll_two_states_2020_06")
    assert poll_row(targets, other)["n"] == targets.pollsters["academy_of_sciences"].sample_size


def test_no_committed_tolerance_is_widened_and_each_holds_its_sampling_error(targets, polls):
    tolerances = scoring_tolerances(targets)
    assert set(tolerances) == {t.id for t in polls} and len(polls) >= 14
    for t in polls:
        n, _ = targets.sample_size(t)
        assert tolerances[t.id] <= t.target.tolerance, t.id
        # the committed tolerance (rule 3) already holds twice the sampling sd
        assert t.target.tolerance >= 2 * sampling_sd(t.target.observed, n) - 1e-9, t.id
        assert tolerances[t.id] >= 2 * sampling_sd(t.target.observed, n) - 1e-9, t.id


def test_the_distance_scores_a_poll_with_its_offsets_and_tolerance(targets, polls):
    t = _by_id(polls, "poll_two_states_2020_06")
    tolerance = scoring_tolerances(targets)[t.id]
    latent = 0.80   # the model's static opinion: 0.18 above the poll
    values = {"polls.house.academy_of_sciences": -0.05,
              "polls.wording.two_independent_states": -0.05}
    far = distance([t], {t.id: expected_poll(latent, t)}, {t.id: tolerance})
    near = distance([t], {t.id: expected_poll(latent, t, values)}, {t.id: tolerance})
    assert far == pytest.approx(0.18 / tolerance)
    assert near == pytest.approx(0.08 / tolerance) and near < far
    # scored with the measurement model's tolerance, not the committed one
    assert distance([t], {t.id: latent}) == pytest.approx(0.18 / t.target.tolerance)


def test_the_offsets_are_documented_parameters_with_a_reference(targets):
    specs = offset_specs()
    assert register_problems(targets, specs) == []
    assert set(specs) == {house_name(p) for p in targets.pollsters} | \
        {wording_name(q) for q in targets.questions}
    for name, spec in specs.items():
        assert spec.unit and len(spec.meaning) > 20, name
        assert spec.sources, f"{name} cites no source"
        lo, hi = spec.range
        assert spec.value == 0.0 and lo <= 0.0 <= hi and hi - lo <= 0.10, name
        assert (spec.fit is not None) == (lo < hi), name
    references = [p for p in targets.pollsters if specs[house_name(p)].range == (0.0, 0.0)]
    assert references == ["nmnby_series"]
    # a broken register is caught: a second reference pollster, an offset nobody registered
    zero = specs["polls.house.baw"].model_copy(update={"range": (0.0, 0.0), "fit": None})
    assert any("exactly one reference pollster" in p
               for p in register_problems(targets, {**specs, "polls.house.baw": zero}))
    stray = {**specs, "polls.house.gallup": specs["polls.house.baw"]}
    assert register_problems(targets, stray) == [
        "polls.house.gallup is not a registered pollster or question"]
    missing = {k: v for k, v in specs.items() if k != "polls.wording.one_state"}
    assert register_problems(targets, missing) == [
        "polls.wording.one_state has no parameter in params/poll_offsets.yaml"]


def test_offsets_are_fitted_from_fitting_polls_only(targets, polls):
    fit = targets.select("fit")
    names = fitted_offsets(fit)
    assert "polls.house.zois" in names and "polls.house.nmnby_series" not in names
    # the ZOiS polls held out: its house effect and its own wordings are no longer fitted
    zois = {t.id for t in polls if t.target.measure.pollster == "zois"}
    held = [dataclasses.replace(t, target=t.target.model_copy(update={"use": "test"}))
            if t.id in zois else t for t in targets.targets]
    refit = fitted_offsets([t for t in held if t.target.use == "fit" and t.measured])
    assert set(names) - set(refit) == {"polls.house.zois", "polls.wording.one_state",
                                       "polls.wording.closer_union"}


def test_no_offset_cites_a_held_out_fact(targets):
    forbidden = forbidden_facts(targets)
    for name, spec in offset_specs().items():
        assert not parameter_citations(spec) & forbidden, name


def test_unionsim_targets_shows_each_polls_pollster_wording_sample_and_sampling_error():
    import json

    from typer.testing import CliRunner

    from unionsim.cli import app

    result = CliRunner().invoke(app, ["targets", "--polls", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in json.loads(result.output)}
    assert len(rows) >= 14 and all(r["measure"] == "poll" for r in rows.values())
    row = rows["poll_current_stage_2019"]
    assert (row["pollster"], row["question"], row["n"]) == ("baw", "current_level", 2000)
    assert row["sampling_sd"] == pytest.approx(sampling_sd(0.755, 2000))
    assert row["scoring_tolerance"] < row["tolerance"] == 0.07
    assert row["offsets"] == ["polls.house.baw", "polls.wording.current_level"]
    text = CliRunner().invoke(app, ["targets", "--polls"]).output
    assert "pollster baw, question current_level" in text and "n = 2000" in text


def test_unionsim_params_shows_the_offsets_only_when_asked():
    import json

    from typer.testing import CliRunner

    from unionsim.cli import app
    from unionsim.config.params import default_parameters

    result = CliRunner().invoke(app, ["params", "polls", "--json"])
    assert result.exit_code == 0, result.output
    assert {r["name"] for r in json.loads(result.output)} == set(offset_specs())
    listed = json.loads(CliRunner().invoke(app, ["params", "--json"]).output)
    assert len(listed) == len(default_parameters().specs)
    assert not any(r["name"].startswith("polls.") for r in listed)
