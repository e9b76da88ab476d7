"""The pattern and poll measure kinds on hand-made runs, the error's sides, and the schema's and the
loader's errors for bad pattern and poll targets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from unionsim.calibration.measures import (compute_measure, error_in_tolerances, is_hit,
                                           per_run_values)
from unionsim.config.schema import Target, TargetMeasure
from unionsim.config.targets import load_targets
from unionsim.errors import ConfigError

START = "2019-01"
HORIZON = 6


def m(**kw) -> TargetMeasure:
    return TargetMeasure.model_validate(kw)


@pytest.fixture
def runs():
    """Four runs, months 0..6.

    x (the 'cause') first reaches 1 in month 2, 4, never, 1; y (the 'effect') first reaches 1 in
    month 3, 3, 5, never; z rises by run (run + month / 10); u and v are opinion shares; run 2 ends
    with the flag 'fell'.
    """
    x_first = {0: 2, 1: 4, 2: None, 3: 1}
    y_first = {0: 3, 1: 3, 2: 5, 3: None}
    rows = []
    for run in range(4):
        for month in range(HORIZON + 1):
            rows.append({"run": run, "month": month,
                         "x": float(x_first[run] is not None and month >= x_first[run]),
                         "y": float(y_first[run] is not None and month >= y_first[run]),
                         "z": run + month / 10, "u": 0.05 + 0.01 * run, "v": 0.15})
    series = pd.DataFrame(rows)
    outcomes = pd.DataFrame({"run": range(4), "status": ["ok"] * 4,
                             "fell": [False, False, True, False]})
    return outcomes, series


def value(measure, runs, **kw):
    outcomes, series = runs
    return compute_measure(measure, outcomes, series, START, HORIZON, **kw)


def test_first_month_between_is_a_share_of_runs_with_the_first_crossing_inside(runs):
    # y first holds in months 3, 3, 5, never: inside months 3..4 for two runs of four
    assert value(m(kind="first_month_between", indicator="y", op=">=", threshold=1,
                   within=[3, 4]), runs) == pytest.approx(0.5)
    # months as YYYY-MM; a run where it never happens is a miss, not a censored month
    assert value(m(kind="first_month_between", indicator="y", op=">=", threshold=1,
                   within=["2019-03", "2019-05"]), runs) == pytest.approx(0.75)
    # the search window starts at 'from': a crossing before it is not the first one seen
    assert value(m(kind="first_month_between", indicator="x", op=">=", threshold=1,
                   within=[2, 2], **{"from": 2}), runs) == pytest.approx(0.5)


def test_order_of_events_counts_runs_where_the_effect_came_strictly_after_the_cause(runs):
    order = m(kind="order_of_events", first={"indicator": "x", "op": ">=", "threshold": 1},
              then={"indicator": "y", "op": ">=", "threshold": 1})
    outcomes, series = runs
    per_run = per_run_values(order, outcomes, series, START, HORIZON)
    # run 0: x 2 < y 3 yes; run 1: x 4 > y 3 no; run 2: x never, y 5 no; run 3: y never -> NaN
    assert per_run.tolist()[:3] == [1.0, 0.0, 0.0] and np.isnan(per_run.iloc[3])
    assert value(order, runs) == pytest.approx(1 / 3)
    # the window: up to month 3 run 2's y (month 5) is not seen, so it leaves the denominator
    assert value(order.model_copy(update={"to": 3}), runs) == pytest.approx(0.5)
    # never 'then' in any run: undefined
    never = m(kind="order_of_events", first={"indicator": "x", "op": ">=", "threshold": 1},
              then={"indicator": "y", "op": ">=", "threshold": 9})
    assert np.isnan(value(never, runs))


def test_share_of_runs_with_all_any_and_change_conditions(runs):
    # x held in some month (runs 0, 1, 3) and never a flag 'fell': three of four
    both = m(kind="share_of_runs_with",
             all_of=[{"indicator": "x", "op": ">=", "threshold": 1},
                     {"flag": "fell", "op": "<", "threshold": 1}])
    assert value(both, runs) == pytest.approx(0.75)
    # 'all': x held in every month 4..6 (runs 0, 1, 3)
    every = m(kind="share_of_runs_with",
              all_of=[{"indicator": "x", "op": ">=", "threshold": 1, "from": 4, "to": 6,
                       "when": "all"}])
    assert value(every, runs) == pytest.approx(0.75)
    # any_of: x by month 2 (runs 0, 3) or y by month 3 (runs 0, 1) -> runs 0, 1, 3
    either = m(kind="share_of_runs_with",
               any_of=[{"indicator": "x", "op": ">=", "threshold": 1, "to": 2},
                       {"indicator": "y", "op": ">=", "threshold": 1, "to": 3}])
    assert value(either, runs) == pytest.approx(0.75)
    # change from month 0 (the start) to month 6: z rose by 0.6 in every run
    rose = m(kind="share_of_runs_with",
             all_of=[{"indicator": "z", "op": ">", "threshold": 0.5, "when": "change"}])
    assert value(rose, runs) == 1.0
    fell = m(kind="share_of_runs_with",
             all_of=[{"indicator": "z", "op": "<", "threshold": 0, "when": "change",
                      "from": 2, "to": 4}])
    assert value(fell, runs) == 0.0


def test_conditional_share_is_undefined_without_a_run_meeting_the_condition(runs):
    # given x held (runs 0, 1, 3), share where y held too (runs 0, 1)
    cond = m(kind="conditional_share", given=[{"indicator": "x", "op": ">=", "threshold": 1}],
             all_of=[{"indicator": "y", "op": ">=", "threshold": 1}])
    assert value(cond, runs) == pytest.approx(2 / 3)
    none = m(kind="conditional_share", given=[{"flag": "fell", "op": ">=", "threshold": 2}],
             all_of=[{"indicator": "y", "op": ">=", "threshold": 1}])
    assert np.isnan(value(none, runs))


def test_poll_reads_the_indicator_or_the_sum_of_indicators_at_fieldwork(runs):
    one = m(kind="poll", indicator="u", month="2019-03", pollster="p", question="q")
    assert value(one, runs) == pytest.approx(0.065)        # 0.05, 0.06, 0.07, 0.08
    total = m(kind="poll", indicators=["u", "v"], month=3, pollster="p", question="q")
    assert value(total, runs) == pytest.approx(0.215)
    spread = m(kind="poll", indicator="z", pollster="p", question="q", **{"from": 1, "to": 3})
    assert value(spread, runs) == pytest.approx(1.5 + 0.2)   # mean of runs' means over months 1-3


def test_difference_and_ratio_of_two_measures_in_one_or_two_scenarios(runs):
    outcomes, series = runs
    x_by_6 = {"kind": "share_by", "indicator": "x", "op": ">=", "threshold": 1, "to": 6}
    y_by_6 = {"kind": "share_by", "indicator": "y", "op": ">=", "threshold": 1, "to": 6}
    assert value(m(kind="difference_of", left=x_by_6, right=y_by_6), runs) == pytest.approx(0.0)
    z_at = {"kind": "value_at", "indicator": "z", "month": 6}
    z_at_0 = {"kind": "value_at", "indicator": "z", "month": 1}
    assert value(m(kind="ratio_of", left=z_at, right=z_at_0), runs) == pytest.approx(2.1 / 1.6)
    # a contrast with another scenario: its batch, with z higher by 1 in every run
    other = (outcomes, series.assign(z=series["z"] + 1), START, HORIZON)
    contrast = m(kind="difference_of", left={**z_at, "scenario": "other"}, right=z_at)
    assert value(contrast, runs, others={"other": other}) == pytest.approx(1.0)
    per_run = per_run_values(contrast, outcomes, series, START, HORIZON, {"other": other})
    assert per_run.tolist() == pytest.approx([1.0] * 4)
    with pytest.raises(ValueError, match="give its batch"):
        value(contrast, runs)
    zero = m(kind="ratio_of", left=z_at, right={"kind": "share_by", "indicator": "y", "op": ">",
                                                 "threshold": 5, "to": 6})
    assert np.isnan(value(zero, runs))


def _target(**kw) -> Target:
    base = {"id": "t", "description": "a test target", "period": "2019",
            "sources": [{"doc": "westwary2019", "facts": ["E17"]}], "use": "fit",
            "measure": {"kind": "value_at", "indicator": "reserves", "month": 2},
            "observed": 0.5, "tolerance": 0.1}
    return Target.model_validate({**base, **kw})


def test_sided_targets_count_only_the_error_on_their_side():
    both, least, most = (_target(sided=s) for s in ("both", "at_least", "at_most"))
    assert error_in_tolerances(both, 0.7, START) == pytest.approx(2.0)
    assert error_in_tolerances(least, 0.7, START) == 0.0          # more than asked: fine
    assert error_in_tolerances(least, 0.35, START) == pytest.approx(-1.5)
    assert error_in_tolerances(most, 0.35, START) == 0.0
    assert error_in_tolerances(most, 0.65, START) == pytest.approx(1.5)
    assert is_hit(least, 0.41, START) and not is_hit(least, 0.39, START)
    assert list(is_hit(both, np.array([0.45, 0.61, np.nan]), START)) == [True, False, False]


@pytest.mark.parametrize("measure, message", [
    ({"kind": "first_month_between", "indicator": "x", "op": ">=", "threshold": 1},
     "needs 'within'"),
    ({"kind": "order_of_events", "first": {"indicator": "x", "op": ">=", "threshold": 1}},
     "needs 'then'"),
    ({"kind": "share_of_runs_with"}, "needs 'all_of' or 'any_of'"),
    ({"kind": "conditional_share", "all_of": [{"indicator": "x", "op": ">=", "threshold": 1}]},
     "needs 'given'"),
    ({"kind": "difference_of", "left": {"kind": "value_at", "indicator": "x", "month": 1}},
     "needs 'right'"),
    ({"kind": "poll", "indicator": "x", "month": 1, "question": "q"}, "needs 'pollster'"),
    ({"kind": "poll", "indicator": "x", "indicators": ["y"], "month": 1, "pollster": "p",
      "question": "q"}, "exactly one"),
    ({"kind": "poll", "indicator": "x", "pollster": "p", "question": "q"}, "fieldwork"),
    ({"kind": "share_of_runs_with", "all_of": [{"indicator": "x", "flag": "f", "op": ">=",
                                                "threshold": 1}]}, "exactly one"),
    ({"kind": "share_of_runs_with", "all_of": [{"flag": "f", "op": ">=", "threshold": 1,
                                                "when": "all"}]}, "takes no"),
    ({"kind": "order_of_events", "first": {"indicator": "x", "op": ">=", "threshold": 1,
                                           "when": "all"},
      "then": {"indicator": "y", "op": ">=", "threshold": 1}}, "indicator, op and threshold"),
    ({"kind": "first_month_between", "indicator": "x", "op": ">=", "threshold": 1,
      "within": [3]}, "pair of months"),
])
def test_bad_pattern_measures_are_refused_with_the_field(measure, message):
    with pytest.raises(ValueError, match=message):
        TargetMeasure.model_validate(measure)


def _write(tmp_path, body: str, head: str = ""):
    path = tmp_path / "t.yaml"
    path.write_text("title: a test file\nscenario: calibration_2019_2021\n" + head
                    + "targets:\n" + body)
    return path


REGISTER = """pollsters:
  acad:
    name: An academy
    mode: face-to-face
    frame: adults nationwide
    sample_size: 1000
    sample_size_basis: no document gives it
questions:
  join:
    wording: should Belarus join Russia
    indicators: [support_incorporation]
"""

POLL = """  - id: joining
    description: a poll on joining Russia
    measure: {kind: poll, indicator: support_incorporation, month: 2020-06, pollster: acad,
              question: join}
    observed: 0.07
    tolerance: 0.05
    period: 2020-06
    sources: [{doc: shraibman2021a, facts: [P15]}]
    use: fit
"""


def test_a_poll_names_a_registered_pollster_and_question_and_reads_what_the_question_asks(
        tmp_path):
    loaded = load_targets([_write(tmp_path, POLL, REGISTER)])
    t = loaded.select()[0]
    assert loaded.sample_size(t) == (1000, "no document gives it")
    with pytest.raises(ConfigError, match="pollster 'bcad' is not registered"):
        load_targets([_write(tmp_path, POLL.replace("pollster: acad", "pollster: bcad"),
                             REGISTER)])
    with pytest.raises(ConfigError, match="question 'jion' is not registered"):
        load_targets([_write(tmp_path, POLL.replace("question: join", "question: jion"),
                             REGISTER)])
    with pytest.raises(ConfigError, match="measures \\['support_incorporation'\\]"):
        load_targets([_write(tmp_path, POLL.replace("indicator: support_incorporation",
                                                    "indicator: support_union"), REGISTER)])
    with pytest.raises(ConfigError, match="not a recorded indicator"):
        load_targets([_write(tmp_path, POLL, REGISTER.replace("[support_incorporation]",
                                                              "[support_joining]"))])


CONTRAST = """  - id: contrast
    description: a contrast between two scenarios
    scenario: zapad_nato_buildup
    measure:
      kind: difference_of
      left: {kind: flag_share, flag: temporary_deployment}
      right: {kind: flag_share, flag: temporary_deployment, scenario: zapad_2017}
    observed: 0.1
    tolerance: 0.05
    sided: at_least
    period: 2017-09..2018-12
    sources: [{doc: marin2020, facts: [NAT-04]}]
    use: fit
"""


def test_nested_measures_are_checked_and_their_scenarios_are_read(tmp_path):
    loaded = load_targets([_write(tmp_path, CONTRAST)])
    assert loaded.select()[0].scenarios == ["zapad_nato_buildup", "zapad_2017"]
    assert loaded.scenarios() == ["zapad_nato_buildup", "zapad_2017"]
    with pytest.raises(ConfigError, match="'temporary_deploy' is not an outcome flag") as err:
        load_targets([_write(tmp_path, CONTRAST.replace("deployment, scenario",
                                                        "deploy, scenario"))])
    assert "measure.right" in str(err.value)
    with pytest.raises(ConfigError, match="does not load"):
        load_targets([_write(tmp_path, CONTRAST.replace("scenario: zapad_2017",
                                                        "scenario: zapad_2071"))])
    condition = CONTRAST.replace(
        "left: {kind: flag_share, flag: temporary_deployment}",
        "left: {kind: share_of_runs_with, all_of: [{indicator: presense, op: '>=', "
        "threshold: 1}]}")
    with pytest.raises(ConfigError, match="'presense' is not a recorded indicator"):
        load_targets([_write(tmp_path, condition)])
    late = CONTRAST.replace(
        "left: {kind: flag_share, flag: temporary_deployment}",
        "left: {kind: share_of_runs_with, all_of: [{indicator: presence, op: '>=', "
        "threshold: 1, to: 2019-06}]}")
    with pytest.raises(ConfigError, match="outside scenario 'zapad_nato_buildup'"):
        load_targets([_write(tmp_path, late)])
    with pytest.raises(ConfigError, match="not on the pair"):
        load_targets([_write(tmp_path, CONTRAST.replace(
            "kind: difference_of", "kind: difference_of\n      scenario: zapad_2017"))])
    with pytest.raises(ConfigError, match="give 'scenario' on the target"):
        load_targets([_write(tmp_path, POLL.replace("pollster: acad,", "pollster: acad, "
                                                    "scenario: zapad_2017,"), REGISTER)])
