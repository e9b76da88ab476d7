"""Intervals and tests against published values, and the comparison tables built from them."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from unionsim.analysis import stats
from unionsim.analysis.compare import (compare_indicators, compare_proportions,
                                       paired_indicators, paired_proportions)
from unionsim.analysis.summary import outcome_table, proportion_interval


def test_wilson_interval_of_30_in_100():
    # Wilson (1927) score interval; the same bounds as R's prop.test(correct=FALSE)
    assert proportion_interval(30, 100) == pytest.approx((0.218949, 0.395849), abs=1e-6)


def test_outcome_table_reports_wilson_bounds_for_a_known_binomial_case():
    outcomes = pd.DataFrame({"run": range(100), "status": "ok",
                             "outcome": ["status_quo"] * 30 + ["symbolic_integration"] * 70})
    t = outcome_table(outcomes).set_index("outcome")
    assert t.loc["status_quo", "runs"] == 30 and t.loc["status_quo", "share"] == 0.3
    assert (t.loc["status_quo", "ci_low"], t.loc["status_quo", "ci_high"]) == \
        pytest.approx((0.218949, 0.395849), abs=1e-6)
    z2 = 1.959963984540054 ** 2              # 0 of 100: the upper Wilson bound is z^2/(n+z^2)
    assert t.loc["absorption", "ci_low"] == 0
    assert t.loc["absorption", "ci_high"] == pytest.approx(z2 / (100 + z2), rel=1e-9)


def test_newcombe_interval_for_independent_proportions():
    # Newcombe (1998), Stat Med 17:873, example (a): 56/70 vs 48/80, method 10
    d, lo, hi = stats.difference_interval(56, 70, 48, 80)
    assert d == pytest.approx(0.2)
    assert (lo, hi) == pytest.approx((0.0524, 0.3339), abs=5e-5)


def test_newcombe_paired_interval_and_mcnemar_exact_on_a_published_table():
    # Fagerland, Lydersen and Laake, "Statistical Analysis of Contingency Tables" (2017),
    # Cavo et al. (2012) paired table [[59, 6], [16, 80]]: Newcombe square-and-add interval
    # -0.0621 (-0.1186 to -0.0046), exact conditional McNemar P = 0.052479
    d, lo, hi = stats.paired_difference_interval(59, 6, 16, 80)
    assert (d, lo, hi) == pytest.approx((-0.0621, -0.1186, -0.0046), abs=5e-5)
    assert stats.mcnemar_exact(6, 16) == pytest.approx(0.052479, abs=1e-6)
    assert stats.mcnemar_exact(0, 0) == 1.0


def test_fisher_exact_is_one_for_equal_shares():
    assert stats.fisher_exact(10, 50, 10, 50) == pytest.approx(1.0)
    assert stats.fisher_exact(0, 30, 30, 30) < 1e-10


def _events(flags: list[bool], seeds) -> pd.DataFrame:
    return pd.DataFrame({"x": np.array(flags, dtype=bool)}, index=pd.Index(seeds, name="seed"))


def test_compare_proportions_uses_newcombe_and_fisher():
    a = _events([True] * 30 + [False] * 70, range(100))
    b = _events([True] * 45 + [False] * 55, range(100, 200))
    row = compare_proportions(a, b, ["x"]).iloc[0]
    assert row["share_a"] == 0.30 and row["share_b"] == 0.45 and row["diff"] == pytest.approx(0.15)
    _, lo, hi = stats.difference_interval(45, 100, 30, 100)
    assert (row["ci_low"], row["ci_high"]) == (lo, hi)
    assert row["test"] == "Fisher exact"
    assert row["p_value"] == pytest.approx(stats.fisher_exact(30, 100, 45, 100))


def test_paired_proportions_count_discordant_pairs_on_shared_seeds():
    # 10 pairs: x in both for seeds 0-1, only in B for 2-5, only in A for 6, in neither 7-9
    a = _events([1, 1, 0, 0, 0, 0, 1, 0, 0, 0], range(10))
    b = _events([1, 1, 1, 1, 1, 1, 0, 0, 0, 0], range(10))
    extra = _events([True], [99])                     # a seed only one side has is ignored
    row = paired_proportions(pd.concat([a, extra]), b, ["x"]).iloc[0]
    assert row["pairs"] == 10 and row["only_b"] == 4 and row["only_a"] == 1
    assert row["diff"] == pytest.approx(0.3)
    assert row["p_value"] == pytest.approx(binomtest(4, 5, 0.5).pvalue)
    assert row["test"] == "McNemar exact"
    assert row["ci_low"] < 0.3 < row["ci_high"]


def _outcomes(values, seeds) -> pd.DataFrame:
    return pd.DataFrame({"run": range(len(values)), "seed": seeds, "status": "ok",
                         "reserves": values})


def test_indicator_comparisons_report_shift_and_tests():
    rng = np.random.default_rng(1)
    x = rng.normal(5, 1, 200)
    a, b = _outcomes(x, range(200)), _outcomes(x + 1.0, range(200))
    ind = compare_indicators(a, b, ["reserves"]).iloc[0]
    assert ind["mean_diff"] == pytest.approx(1.0)
    assert ind["ci_low"] < 1.0 < ind["ci_high"] and ind["p_value"] < 1e-6
    assert ind["test"] == "Mann-Whitney U"
    paired = paired_indicators(a, b, ["reserves"]).iloc[0]
    assert paired["pairs"] == 200 and paired["mean_diff"] == pytest.approx(1.0)
    assert paired["ci_low"] == pytest.approx(1.0) and paired["ci_high"] == pytest.approx(1.0)
    assert paired["test"] == "Wilcoxon signed-rank" and paired["p_value"] < 1e-6
    same = compare_indicators(a, a, ["reserves"]).iloc[0]
    assert same["mean_diff"] == 0 and same["p_value"] == pytest.approx(1.0)
    assert paired_indicators(a, a, ["reserves"]).iloc[0]["p_value"] == 1.0
