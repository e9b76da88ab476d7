"""The public's rules: Epstein's threshold in closed form, legitimacy, attitudes."""

import numpy as np
import pytest

from unionsim.model.rules import public as r


@pytest.mark.parametrize("g,n,t", [(0.6, 1.5, 0.15), (0.8, 0.2, 0.1), (0.3, 2.0, 0.2),
                                   (1.0, 0.05, 0.0), (0.1, 1.0, 0.15)])
def test_active_share_equals_the_rule_applied_to_a_uniform_population(g, n, t):
    rng = np.random.default_rng(1)
    h, risk = rng.random(400_000), rng.random(400_000)
    sampled = np.mean(h * g - risk * n > t)
    exact = r.active_share(np.array([g]), np.array([n]), t)[0]
    assert exact == pytest.approx(sampled, abs=0.003)


def test_nobody_protests_without_grievance_above_threshold():
    assert r.active_share(np.array([0.1]), np.array([1.0]), 0.15)[0] == 0.0


def test_safety_in_numbers(p):
    # Epstein: arrest probability falls as more people are on the street
    few, many = r.arrest_probability(0.5, np.array([0.0, 0.2]), p)
    assert many < few <= 1.0


def test_protest_rises_with_hardship_and_falls_with_repression(p):
    c = r.make_cohorts(p)
    c.legitimacy = np.full(6, 0.3)
    low, _ = r.protest(c, np.full(6, 0.4), 0.25, p)
    high, _ = r.protest(c, np.full(6, 0.9), 0.25, p)
    assert high.sum() > low.sum()
    harsh, _ = r.protest(c, np.full(6, 0.9), 0.9, p)
    assert harsh.sum() < high.sum()


def test_detention_takes_protesters_off_the_street(p):
    c = r.make_cohorts(p)
    c.legitimacy = np.full(6, 0.2)
    active, detained = r.protest(c, np.full(6, 0.9), 0.8, p)
    assert (detained > 0).all()
    c.detained = detained
    again, _ = r.protest(c, np.full(6, 0.9), 0.8, p)
    assert (again < active).all()


def test_cohorts_match_the_polls(p):
    c = r.make_cohorts(p)
    assert c.weight.sum() == pytest.approx(1.0)
    urban = c.weight[c.urban > 0].sum()
    assert urban == pytest.approx(p.public.urban_share)          # P20
    inc = c.weight @ c.attitudes[:, r.INCORPORATION]
    assert inc < 0.1                                            # P3, P8, P15: single digits
    young = c.age < 0
    assert (c.west[young] > c.west[~young].max()).all()          # P11
    assert (c.attitudes.sum(axis=1) == pytest.approx(1.0))


def test_legitimacy_target_moves_with_documented_causes(p):
    c = r.make_cohorts(p)
    base = r.legitimacy_target(c, 0.0, 0.25, 0.0, 0.0, False, 0.0, p)
    assert (r.legitimacy_target(c, 0.8, 0.25, 0.0, 0.0, False, 0.0, p) < base).all()  # BYP-18
    assert (r.legitimacy_target(c, 0.0, 0.25, 0.7, 0.0, False, 0.0, p) < base).all()  # MIN-49
    assert (r.legitimacy_target(c, 0.0, 0.25, 0.0, 1.0, False, 0.0, p) > base).all()  # BYP-17
    harsh = r.legitimacy_target(c, 0.0, 0.9, 0.0, 0.0, False, 0.0, p)
    loss = base - harsh
    young_urban = 0
    older_rural = 5
    assert loss[young_urban] > loss[older_rural]                 # repression hurts the young


def test_attitude_flows_conserve_shares_and_follow_pressures(p):
    c = r.make_cohorts(p)
    quiet = r.attitude_flows(c.attitudes, c.media_susceptibility, 0.0, 0.0, 0.0, p)
    assert quiet.sum(axis=1) == pytest.approx(1.0)
    campaign = r.attitude_flows(c.attitudes, c.media_susceptibility, 1.0, 0.0, 0.0, p)
    coerced = r.attitude_flows(c.attitudes, c.media_susceptibility, 0.0, 1.0, 0.0, p)
    # HYB-04: an information campaign pulls toward union; BYP-17: coercion pushes away
    assert (campaign[:, r.UNION] > quiet[:, r.UNION]).all()
    assert (coerced[:, r.INDEPENDENCE] > quiet[:, r.INDEPENDENCE]).all()


def test_radicalism_needs_a_large_street(p):
    assert r.radicalism_target(0.0, 0.9, 0.5, 0.5, p) == 0.0
    assert r.radicalism_target(0.06, 0.9, 0.5, 0.5, p) > r.radicalism_target(0.03, 0.9, 0.5, 0.5, p)
