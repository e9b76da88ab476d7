"""Calibration targets and measures: the target files, the schema's errors, each measure kind."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from unionsim.calibration.measures import (compute_measure, distance, normalised_errors,
                                           per_run_values)
from unionsim.config.schema import TargetMeasure, month_index
from unionsim.config.targets import load_targets
from unionsim.errors import ConfigError


@pytest.fixture(scope="module")
def targets():
    return load_targets()


CUTOFF = "2021-08"  # the month the latest document was written (docs/holdout.md)


def _months_read(t) -> list[str]:
    """Every calendar month a target's measure reads up to: its explicit months, and the last
    month of the scenario for a part with no end (a final flag, an open window)."""
    from unionsim.config.schema import month_label
    from unionsim.config.targets import scenario_spec

    out = []
    for part in t.target.measure.nested():
        spec = scenario_spec(part.scenario or t.scenario)
        refs = [ref for _, ref in part.month_refs()]
        if part.kind in ("difference_of", "ratio_of"):
            continue  # read through its nested parts
        if part.kind in ("share_of_runs_with", "conditional_share"):
            open_ended = any(c.flag or c.to is None for c in part.conditions())
        else:
            open_ended = part.kind == "flag_share" or (part.month is None and part.to is None)
        if open_ended:
            refs.append(spec.horizon)
        out += [month_label(month_index(r, spec.start), spec.start) for r in refs]
    return out


def test_at_least_eighty_targets_are_measurable_and_the_rest_say_why(targets):
    assert len(targets.targets) >= 80
    assert len(targets.select()) >= 80
    assert targets.select("test"), "some 2021 observations must be held out"
    for t in targets.targets:
        if not t.measured:
            assert t.target.reason and len(t.target.reason) > 20, t.id
        else:
            assert t.target.tolerance_reason, f"{t.id}: a tolerance needs its reason"


def test_no_target_reads_past_the_documents_and_held_out_ones_lie_in_2021(targets):
    for t in targets.select():
        months = _months_read(t)
        assert months and max(months) <= CUTOFF, (t.id, max(months))
        if isinstance(t.target.observed, str):
            assert t.target.observed <= CUTOFF, t.id
    for t in targets.select("test"):
        assert max(_months_read(t)) >= "2021-01", t.id


def test_targets_cite_facts(targets):
    for t in targets.targets:
        assert t.target.facts, t.id


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
    # an undefined measure (no run met its condition) counts as one tolerance; a failed particle
    # (every run failed) is infinitely far
    assert distance(chosen, {**values, "reserves_2019_12": float("nan")}) == \
        pytest.approx(np.sqrt((1 + 4) / 2))
    assert distance(chosen, {**values, "debt_2019_12": float("inf")}) == float("inf")
    one_sided = [t for t in targets.select("fit") if t.target.sided != "both"][:1]
    assert one_sided, "the shipped fitting targets include a one-sided target"
    assert distance(one_sided, {one_sided[0].id: float("inf")}) == float("inf")


def test_unionsim_validate_checks_target_files():
    from unionsim.config.validate import validate_file
    from unionsim.config.targets import shipped_targets_dir

    for path in sorted(shipped_targets_dir().glob("*.yaml")):
        assert validate_file(path) == "targets file"


def test_the_screening_ranks_judgement_parameters_and_the_fit_takes_its_head(tmp_path):
    from unionsim.calibration.screening import (candidates, fit_parameters, influence_table,
                                                screening_file, top_parameters)
    from unionsim.config.params import default_parameters, fit_candidates
    from unionsim.errors import InputFileError

    specs = default_parameters().specs
    space = candidates()
    assert space and all((specs[name].support in ("direction", "assumption") or specs[name].fit)
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
    # and every parameter marked `fit:` (a default once set by hand to match the history)
    influence = influence_table()
    must = set() if influence is None else set(influence.query("must_fit")["parameter"])
    must |= set(fit_candidates())
    assert set(ranking[ranking["must_fit"]]["parameter"]) == must
    assert set(ranking[ranking["marked_fit"]]["parameter"]) == set(fit_candidates())
    head = ranking.head(len(must))
    assert head["must_fit"].all()
    assert head["headline_pp"].fillna(0.0).is_monotonic_decreasing
    assert ranking.iloc[len(must):]["target_score"].is_monotonic_decreasing
    assert top_parameters(3) == ranking["parameter"].head(3).tolist()
    # a fit takes the head and every parameter once set by hand, whatever its rank
    fitted = fit_parameters(3)
    assert fitted[:3] == top_parameters(3) and set(fit_candidates()) <= set(fitted)
    assert len(fitted) == len(set(fitted)) == len(set(top_parameters(3)) | set(fit_candidates()))
    assert fit_parameters(len(ranking)) == ranking["parameter"].tolist()
    with pytest.raises(InputFileError, match="no screening ranking found"):
        top_parameters(3, tmp_path / "none.csv")


def test_a_parameter_that_moves_what_users_read_is_fitted_before_target_favourites():
    from unionsim.calibration.screening import candidates, rank_for_fit
    from unionsim.config.params import fit_candidates

    marked = list(fit_candidates())
    names = list(candidates())
    assert set(marked) <= set(names)
    war, favourite, quiet = [n for n in names if n not in marked][:3]
    scores = pd.DataFrame({"parameter": names, "target_score": 0.0})
    scores.loc[scores["parameter"] == favourite, "target_score"] = 30.0
    scores.loc[scores["parameter"] == quiet, "target_score"] = 1.0
    influence = pd.DataFrame({"parameter": names, "must_fit": False, "effect_pp": 1.0,
                              "output": "", "group": ""})
    influence.loc[influence["parameter"] == war, ["must_fit", "effect_pp", "output", "group"]] = \
        [True, 8.0, "end_war_role:full", "war"]
    ranking = rank_for_fit(scores, influence)
    # the war parameter (8 pp) first, then the marked ones (1 pp each), then by target score
    assert ranking["parameter"].head(1).tolist() == [war]
    assert set(ranking["parameter"].iloc[1:1 + len(marked)]) == set(marked)
    assert ranking["parameter"].iloc[1 + len(marked):3 + len(marked)].tolist() == [favourite,
                                                                                    quiet]
    assert ranking.loc[0, "headline_output"] == "end_war_role:full"
    assert ranking["must_fit"].sum() == 1 + len(marked)
    assert ranking["marked_fit"].sum() == len(marked)
    # before any influence study the marks, then the target screening decide
    alone = rank_for_fit(scores, None)
    assert set(alone["parameter"].head(len(marked))) == set(marked)
    assert alone["parameter"].iloc[len(marked):len(marked) + 2].tolist() == [favourite, quiet]
    assert alone["must_fit"].sum() == len(marked)


def test_measures_on_run_grids_equal_grouping_the_rows_by_run_to_the_last_bit():
    """Measures read a batch as run x month grids; on float32 series (as the engine stores them)
    with months missing from some runs, runs missing from the series and a failed run, every
    kind gives exactly the numbers of grouping the table's rows by run."""
    rng = np.random.default_rng(7)
    rows = [{"run": run, "month": month, "x": rng.random(), "y": rng.random()}
            for run in range(6) for month in range(25)]
    series = pd.DataFrame(rows).astype({"x": "float32", "y": "float32"})
    series = series[rng.random(len(series)) > 0.15]          # months missing here and there
    series = series[series["run"] != 4]                       # a run with no series at all
    outcomes = pd.DataFrame({"run": range(6), "status": ["ok"] * 5 + ["failed"],
                             "default": [True, False, True, False, False, True]})
    ok = [0, 1, 2, 3, 4]
    window = series[(series["month"] >= 3) & (series["month"] <= 20)]
    grouped = window[window["run"].isin(ok)].groupby("run")
    start = "2019-01"

    def per_run(**kw):
        return per_run_values(m(**kw), outcomes, series, start, 24)

    mean = per_run(kind="mean_over", indicator="x", **{"from": 3}, to=20)
    expected = grouped["x"].mean().reindex(ok).astype(float)
    assert mean.index.tolist() == ok
    assert np.array_equal(mean.to_numpy(), expected.to_numpy(), equal_nan=True)
    top = per_run(kind="max_over", indicator="y", **{"from": 3}, to=20)
    assert np.array_equal(top.to_numpy(), grouped["y"].max().reindex(ok).astype(float)
                          .to_numpy(), equal_nan=True)
    poll = per_run(kind="poll", indicators=["x", "y"], pollster="IISEPS",
                   question="independence_or_union", **{"from": 3}, to=20)
    summed = window.assign(s=window[["x", "y"]].sum(axis=1, min_count=2))
    expected = summed[summed["run"].isin(ok)].groupby("run")["s"].mean().reindex(ok)
    assert np.array_equal(poll.to_numpy(), expected.astype(float).to_numpy(), equal_nan=True)
    # a threshold compared in the series' own float type: float32(0.3) is not above 0.3 there
    at = series[series["month"] == 5].set_index("run")["x"]
    share = per_run(kind="share_by", indicator="x", op=">", threshold=float(at.iloc[0]),
                    **{"from": 5}, to=5)
    assert share.iloc[0] == 0.0
    first = per_run(kind="event_month", indicator="y", op=">=", threshold=0.9, to=20)
    held = series[(series["month"] >= 1) & (series["month"] <= 20) & (series["y"] >= 0.9)]
    expected = held.groupby("run")["month"].min().reindex(ok).fillna(21).astype(float)
    assert np.array_equal(first.to_numpy(), expected.to_numpy())
    assert np.isnan(mean.loc[4]) and first.loc[4] == 21.0      # the run without a series
