"""Calibration targets and measures: the target files, the schema's errors, each measure kind."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from unionsim.calibration.measures import compute_measure, distance, normalised_errors
from unionsim.config.schema import TargetMeasure, month_index
from unionsim.config.targets import load_targets
from unionsim.errors import ConfigError


@pytest.fixture(scope="module")
def targets():
    return load_targets()


def _last_month(t) -> str | None:
    m = t.target.measure
    return m.to or m.month


def test_at_least_thirty_targets_are_measurable_and_the_rest_say_why(targets):
    measured = targets.select()
    assert len(measured) >= 30
    assert len(targets.select("fit")) >= 30
    assert targets.select("test"), "the 2021 observations must be held out"
    for t in targets.targets:
        if not t.measured:
            assert t.target.reason and len(t.target.reason) > 20, t.id


def test_fitting_targets_end_by_2020_and_test_targets_lie_in_2021(targets):
    for t in targets.select("fit"):
        last = _last_month(t)
        assert last is not None and month_index(last, "2021-01") < 1, (t.id, last)
    for t in targets.select("test"):
        last = _last_month(t)
        if last is not None:
            assert month_index(last, "2021-01") >= 1, (t.id, last)
        if isinstance(t.target.observed, str):
            assert t.target.observed.startswith("2021"), t.id


def test_targets_cite_facts_from_the_rows_the_issue_names(targets):
    for t in targets.targets:
        facts = [f for s in t.target.sources for f in s.facts]
        assert facts, t.id
        assert any(f[0] in "EUMPRL" or f.startswith(("MIN", "KRE")) for f in facts), t.id


def _write(tmp_path, body: str):
    path = tmp_path / "t.yaml"
    path.write_text("title: a test file\nscenario: calibration_2019_2021\ntargets:\n" + body)
    return path


GOOD = """  - id: reserves
    description: reserves were about seven billion
    measure: {kind: value_at, indicator: reserves, month: 2019-12}
    observed: 7.0
    tolerance: 1.0
    period: 2019-12
    sources: [{doc: westwary2019, facts: [E17]}]
    use: fit
"""


def test_an_unknown_indicator_is_named_with_its_file_and_line(tmp_path):
    path = _write(tmp_path, GOOD.replace("indicator: reserves", "indicator: reservez"))
    with pytest.raises(ConfigError) as err:
        load_targets([path])
    text = str(err.value)
    assert "reservez" in text and "t.yaml:4" in text and "reserves" in text


def test_a_month_outside_the_scenario_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="outside scenario"):
        load_targets([_write(tmp_path, GOOD.replace("month: 2019-12", "month: 2023-01"))])


def test_no_measure_needs_a_reason_and_a_measured_target_needs_a_tolerance(tmp_path):
    no_reason = GOOD.replace("    use: fit\n", "    use: fit\n    status: no_measure\n")
    with pytest.raises(ConfigError, match="reason"):
        load_targets([_write(tmp_path, no_reason)])
    with pytest.raises(ConfigError, match="tolerance"):
        load_targets([_write(tmp_path, GOOD.replace("    tolerance: 1.0\n", ""))])


def test_duplicate_ids_are_refused(tmp_path):
    with pytest.raises(ConfigError, match="used twice"):
        load_targets([_write(tmp_path, GOOD + GOOD)])


# ------------------------------------------------------------------ measures on hand-made runs

@pytest.fixture
def runs():
    """Three runs, months 0..4: x rises by run; y crosses 1 in month 2, 4 and never."""
    rows = []
    for run, cross in ((0, 2), (1, 4), (2, None)):
        for month in range(5):
            rows.append({"run": run, "month": month, "x": float(run + month),
                         "y": 1.0 if cross is not None and month >= cross else 0.0})
    series = pd.DataFrame(rows)
    outcomes = pd.DataFrame({"run": [0, 1, 2], "status": ["ok"] * 3,
                             "default": [True, False, False]})
    return outcomes, series


def m(**kw):
    return TargetMeasure.model_validate(kw)


def test_value_mean_max_at_and_over_months(runs):
    outcomes, series = runs
    start = "2019-01"
    assert compute_measure(m(kind="value_at", indicator="x", month=3), outcomes, series, start,
                           4) == pytest.approx(4.0)          # 3, 4, 5
    assert compute_measure(m(kind="value_at", indicator="x", month="2019-02",
                             statistic="median"), outcomes, series, start, 4) == 3.0
    assert compute_measure(m(kind="mean_over", indicator="x", **{"from": 1}, to=2), outcomes,
                           series, start, 4) == pytest.approx(2.5)
    assert compute_measure(m(kind="max_over", indicator="x", **{"from": 1}, to=2), outcomes,
                           series, start, 4) == pytest.approx(3.0)


def test_share_by_and_event_month_with_censoring(runs):
    outcomes, series = runs
    start = "2019-01"
    by3 = m(kind="share_by", indicator="y", op=">=", threshold=1, to=3)
    assert compute_measure(by3, outcomes, series, start, 4) == pytest.approx(1 / 3)
    by4 = m(kind="share_by", indicator="y", op=">=", threshold=1, to=4)
    assert compute_measure(by4, outcomes, series, start, 4) == pytest.approx(2 / 3)
    first = m(kind="event_month", indicator="y", op=">=", threshold=1)
    # months 2, 4 and never (counted as horizon + 1 = 5): the median is 4
    assert compute_measure(first, outcomes, series, start, 4) == 4.0
    # within months 1..3 only run 0's crossing counts; the others are censored at month 4
    first_by3 = m(kind="event_month", indicator="y", op=">=", threshold=1, to=3)
    assert compute_measure(first_by3, outcomes, series, start, 4) == 4.0
    first_by2 = m(kind="event_month", indicator="y", op=">=", threshold=1, to=2)
    assert compute_measure(first_by2, outcomes, series, start, 4) == 3.0
    assert compute_measure(m(kind="flag_share", flag="default"), outcomes, series, start,
                           4) == pytest.approx(1 / 3)


def test_failed_runs_are_left_out_of_every_measure(runs):
    outcomes, series = runs
    outcomes = outcomes.assign(status=["ok", "ok", "failed"])
    by4 = m(kind="share_by", indicator="y", op=">=", threshold=1, to=4)
    assert compute_measure(by4, outcomes, series, "2019-01", 4) == 1.0


def test_distance_is_the_rms_of_errors_in_tolerances(targets):
    chosen = [t for t in targets.select("fit") if t.id in ("reserves_2019_12", "debt_2019_12")]
    values = {"reserves_2019_12": 8.0, "debt_2019_12": 28.0 + 2 * 2.0}   # 1 and 2 tolerances
    z = normalised_errors(chosen, values)
    assert z == {"reserves_2019_12": pytest.approx(1.0), "debt_2019_12": pytest.approx(2.0)}
    assert distance(chosen, values) == pytest.approx(np.sqrt((1 + 4) / 2))


def test_unionsim_validate_checks_target_files():
    from unionsim.config.validate import validate_file
    from unionsim.config.targets import shipped_targets_dir

    for path in sorted(shipped_targets_dir().glob("*.yaml")):
        assert validate_file(path) == "targets file"


def test_the_screening_ranks_judgement_parameters_and_the_fit_takes_its_head(tmp_path):
    from unionsim.calibration.screening import (candidates, influence_table, screening_file,
                                                top_parameters)
    from unionsim.config.params import default_parameters
    from unionsim.errors import InputFileError

    specs = default_parameters().specs
    space = candidates()
    assert space and all(specs[name].support in ("direction", "assumption")
                         and bounds == tuple(specs[name].range) and bounds[0] < bounds[1]
                         for name, bounds in space.items())
    ranking = pd.read_csv(screening_file())
    assert list(ranking["rank"]) == list(range(1, len(ranking) + 1))
    # every candidate is ranked, with the range it is fitted over
    assert sorted(ranking["parameter"]) == sorted(space)
    for row in ranking.itertuples():
        assert (row.low, row.high) == space[row.parameter], row.parameter
    # what users read first: every must-fit parameter of the influence table, by its effect,
    # then the others by their score on the fitting targets
    influence = influence_table()
    must = set() if influence is None else set(influence.query("must_fit")["parameter"])
    assert set(ranking[ranking["must_fit"]]["parameter"]) == must
    head = ranking.head(len(must))
    assert head["must_fit"].all() and head["headline_pp"].is_monotonic_decreasing
    assert ranking.iloc[len(must):]["target_score"].is_monotonic_decreasing
    assert top_parameters(3) == ranking["parameter"].head(3).tolist()
    with pytest.raises(InputFileError, match="no screening ranking found"):
        top_parameters(3, tmp_path / "none.csv")


def test_a_parameter_that_moves_what_users_read_is_fitted_before_target_favourites():
    from unionsim.calibration.screening import candidates, rank_for_fit

    names = list(candidates())
    war, favourite, quiet = names[:3]
    scores = pd.DataFrame({"parameter": names, "target_score": 0.0})
    scores.loc[scores["parameter"] == favourite, "target_score"] = 30.0
    scores.loc[scores["parameter"] == quiet, "target_score"] = 1.0
    influence = pd.DataFrame({"parameter": names, "must_fit": False, "effect_pp": 1.0,
                              "output": "", "group": ""})
    influence.loc[influence["parameter"] == war, ["must_fit", "effect_pp", "output", "group"]] = \
        [True, 8.0, "end_war_role:full", "war"]
    ranking = rank_for_fit(scores, influence)
    assert ranking["parameter"].head(3).tolist() == [war, favourite, quiet]
    assert ranking.loc[0, "headline_output"] == "end_war_role:full"
    # before any influence study the target screening alone decides
    alone = rank_for_fit(scores, None)
    assert alone["parameter"].head(2).tolist() == [favourite, quiet]
    assert not alone["must_fit"].any()
