"""The validation suite: verdict logic against known values, and the full check on 500-run
batches (marker `validation`; it runs in CI, a few minutes on two cores)."""

import numpy as np
import pandas as pd
import pytest

from unionsim.validation.claims import (CLAIMS, HISTORY, KNOWN_FAILURES, Batch, Claim, Data,
                                        flag)
from unionsim.validation.report import markdown
from unionsim.validation.runner import evaluate, run_checks


def data(outcomes, flags=None, **indicators):
    rows = {"run": range(len(outcomes)), "outcome": outcomes}
    rows.update(flags or {})
    rows.update(indicators)
    return Data(pd.DataFrame(rows), None, None)


A, B = Batch("a"), Batch("b")


def test_a_proportion_claim_uses_the_wilson_interval():
    d = data(["x"] * 30 + ["y"] * 70)
    claim = Claim("T1", "t", ("KRE-16",), "proportion", A, flag("x"), "<=", 0.35)
    r = evaluate(claim, {A: d})
    assert r.value == pytest.approx(0.30)
    assert (r.low, r.high) == pytest.approx((0.2189, 0.3958), abs=1e-4)  # Wilson, 30/100
    assert r.passed
    assert not evaluate(Claim("T2", "t", (), "proportion", A, flag("x"), "<=", 0.25),
                        {A: d}).passed


def test_a_contrast_must_be_large_and_significant():
    strong = {A: data(["x"] * 60 + ["y"] * 40), B: data(["x"] * 30 + ["y"] * 70)}
    claim = Claim("T3", "t", (), "difference", A, flag("x"), ">=", 0.2, other=B)
    r = evaluate(claim, strong)
    assert r.value == pytest.approx(0.30) and r.low > 0 and r.passed
    # the same point difference on tiny samples is not significant: it fails
    weak = {A: data(["x"] * 6 + ["y"] * 4), B: data(["x"] * 3 + ["y"] * 7)}
    r = evaluate(claim, weak)
    assert r.value == pytest.approx(0.30) and r.low < 0 and not r.passed


def test_quantile_and_median_claims():
    d = data(["x"] * 100, support=np.linspace(0, 0.099, 100))
    q95 = Claim("T4", "t", (), "quantile", A, lambda d: d.outcomes["support"].to_numpy(), "<",
                0.10, q=0.95)
    r = evaluate(q95, {A: d})
    assert r.value == pytest.approx(0.09405, abs=1e-4) and r.passed
    other = data(["x"] * 100, support=np.linspace(0.01, 0.109, 100))
    med = Claim("T5", "t", (), "median_difference", A,
                lambda d: d.outcomes["support"].to_numpy(), "<", 0.0, other=B)
    r = evaluate(med, {A: d, B: other})
    assert r.value == pytest.approx(-0.01) and r.passed


def test_the_catalogue_is_complete_and_grounded():
    from unionsim.bibliography import fact_index

    assert len(CLAIMS) >= 15
    assert len({c.id for c in CLAIMS}) == len(CLAIMS)
    index = fact_index()
    for c in CLAIMS:
        assert c.facts and all(f in index for f in c.facts), c.id
        assert c.op in ("<=", "<", ">=", ">")
        assert (c.other is None) == (c.kind not in ("difference", "median_difference")), c.id
    disputes = {c.dispute for c in CLAIMS if c.dispute}
    assert {"D1", "D5", "D6"} <= disputes
    assert all(f in index for h in HISTORY for f in h.facts)
    assert set(KNOWN_FAILURES) <= {c.id for c in CLAIMS}


@pytest.mark.validation
def test_the_documents_claims_hold_or_are_listed_as_known_failures(tmp_path_factory):
    report = run_checks(cache=tmp_path_factory.mktemp("checks"))
    failed = {r.claim.id for r in report.failed}
    verdicts = "\n".join(r.verdict for r in report.results)
    assert failed == set(KNOWN_FAILURES), verdicts
    h = report.history
    assert len(h.facts) == len(HISTORY) and 0.0 < h.joint[0] <= min(f[1] for f in h.facts)
    text = markdown(report, KNOWN_FAILURES)
    assert text.count("\n| V") == len(CLAIMS) and "History check" in text
