"""The public's rules: Epstein's threshold in closed form, legitimacy, attitudes."""

import numpy as np
import pytest

from tests.conftest import with_values
from unionsim.model.rules import public as r


@pytest.mark.parametrize("g,n,t", [(0.6, 1.5, 0.15), (0.8, 0.2, 0.1), (0.3, 2.0, 0.2),
                                   (1.0, 0.05, 0.0), (0.1, 1.0, 0.15), (0.5, 0.0, 0.1)])
def test_active_share_equals_the_rule_applied_to_a_uniform_population(g, n, t):
    rng = np.random.default_rng(1)
    h, risk = rng.random(400_000), rng.random(400_000)
    sampled = np.mean(h * g - risk * n > t)
    assert r.active_share(g, n, t) == pytest.approx(sampled, abs=0.003)


def test_nobody_protests_without_grievance_above_threshold():
    assert r.active_share(0.1, 1.0, 0.15) == 0.0


def test_safety_in_numbers(p):
    # Epstein: arrest probability falls as more people are on the street
    assert r.arrest_probability(0.5, 0.2, p) < r.arrest_probability(0.5, 0.0, p) <= 1.0


def cohort(p, legitimacy=0.3):
    c = r.make_cohorts(p)[0]
    c.legitimacy = legitimacy
    return c


def test_protest_rises_with_hardship_and_falls_with_repression(p):
    c = cohort(p)
    low, _ = r.protest(c, 0.4, 0.25, p)
    high, _ = r.protest(c, 0.9, 0.25, p)
    harsh, _ = r.protest(c, 0.9, 0.9, p)
    assert harsh < high and low < high


def test_below_the_threshold_nobody_protests_and_the_detained_are_released_as_usual(p):
    q = p.public
    c = cohort(p, legitimacy=0.9)
    c.detained, c.active = 0.05, 0.2
    calm = 0.5 * q.protest_threshold / (1.0 - c.legitimacy)  # net grievance half the threshold
    active, detained = r.protest(c, calm, 0.8, p)
    assert active == 0.0
    assert detained == c.detained * (1.0 - 1.0 / q.detention_months)
    # above it people protest, and some of them are arrested
    active, more_detained = r.protest(c, calm * 3.0, 0.8, p)
    assert active > 0.0 and more_detained > detained


def test_detention_takes_protesters_off_the_street(p):
    c = cohort(p, legitimacy=0.2)
    active, detained = r.protest(c, 0.9, 0.8, p)
    assert detained > 0
    c.detained, c.active = detained, active
    again, _ = r.protest(c, 0.9, 0.8, p)
    assert again < active


def test_cohorts_match_the_polls(p):
    cs = r.make_cohorts(p)
    assert sum(c.weight for c in cs) == pytest.approx(1.0)
    assert sum(c.weight for c in cs if c.urban) == pytest.approx(p.public.urban_share)  # P20
    assert sum(c.weight * c.incorporation for c in cs) < 0.1                      # P3, P8, P15
    young = [c for c in cs if c.age < 0]
    assert min(c.west for c in young) > max(c.west for c in cs if c.age >= 0)      # P11
    for c in cs:
        assert c.incorporation + c.union + c.independence == pytest.approx(1.0)


def test_the_fixed_age_gradients_order_the_cohorts(p, monkeypatch):
    by_label = {c.label: c for c in r.make_cohorts(p)}
    middle, older = by_label["urban_middle"], by_label["urban_older"]
    # older cohorts watch more Russian television and lose more of the EU choice to an
    # information campaign, each by its fixed gradient per age step
    assert older.media / middle.media == pytest.approx(1 + r.RUSSIAN_MEDIA_AGE_GRADIENT)
    assert older.media_age_factor == pytest.approx(1 + r.INFO_CAMPAIGN_AGE_GRADIENT)
    for name in ("RUSSIAN_MEDIA_AGE_GRADIENT", "INFO_CAMPAIGN_AGE_GRADIENT"):
        monkeypatch.setattr(r, name, 0.0)
    flat = {c.label: c for c in r.make_cohorts(p)}
    assert flat["urban_young"].media == flat["urban_older"].media
    assert flat["urban_older"].media_age_factor == 1.0
    # the cap on joining Russia binds only if lowered under every cohort's start
    monkeypatch.setattr(r, "INCORPORATION_SUPPORT_CAP", 0.01)
    assert max(c.incorporation for c in r.make_cohorts(p)) == pytest.approx(0.01)


def test_legitimacy_target_moves_with_documented_causes(p):
    young_urban, older_rural = r.make_cohorts(p)[0], r.make_cohorts(p)[5]
    for c in (young_urban, older_rural):
        base = r.legitimacy_target(c, 0.0, 0.25, 0.0, 0.0, False, 0.0, p)
        assert r.legitimacy_target(c, 0.8, 0.25, 0.0, 0.0, False, 0.0, p) < base  # BYP-18
        assert r.legitimacy_target(c, 0.0, 0.25, 0.7, 0.0, False, 0.0, p) < base  # MIN-49
        assert r.legitimacy_target(c, 0.0, 0.25, 0.0, 1.0, False, 0.0, p) > base  # BYP-17

    def loss(c):
        return (r.legitimacy_target(c, 0.0, 0.25, 0.0, 0.0, False, 0.0, p)
                - r.legitimacy_target(c, 0.0, 0.9, 0.0, 0.0, False, 0.0, p))
    assert loss(young_urban) > loss(older_rural)                 # repression hurts the young


def test_attitude_flows_conserve_shares_and_follow_pressures(p):
    c = r.make_cohorts(p)[2]
    args = (c.incorporation, c.union, c.independence, c.media)
    quiet = r.attitude_flows(*args, 0.0, 0.0, 0.0, p)
    assert sum(quiet) == pytest.approx(1.0)
    campaign = r.attitude_flows(*args, 1.0, 0.0, 0.0, p)
    coerced = r.attitude_flows(*args, 0.0, 1.0, 0.0, p)
    # HYB-04: an information campaign pulls toward union; BYP-17: coercion pushes away
    assert campaign[r.UNION] > quiet[r.UNION]
    assert coerced[r.INDEPENDENCE] > quiet[r.INDEPENDENCE]


def test_pressed_integration_talks_count_as_pressure_on_sovereignty(p):
    # SC4, BYP-19, P9, P10: talks under a deadline push opinion away from Russia like coercion
    assert r.sovereignty_pressure(0.2, False, p) == pytest.approx(0.2)
    assert r.sovereignty_pressure(0.2, True, p) == pytest.approx(0.2 + p.public.round_pressure)
    c = r.make_cohorts(p)[2]
    args = (c.incorporation, c.union, c.independence, c.media, 0.0)
    calm = r.attitude_flows(*args, r.sovereignty_pressure(0.0, False, p), 0.0, p)
    talks = r.attitude_flows(*args, r.sovereignty_pressure(0.0, True, p), 0.0, p)
    assert talks[r.INDEPENDENCE] > calm[r.INDEPENDENCE] and talks[r.UNION] < calm[r.UNION]
    assert r.west_target(c, r.sovereignty_pressure(0.0, True, p), 0.0, 0.0, p) > \
        r.west_target(c, 0.0, 0.0, 0.0, p)


def test_russian_backing_of_the_regime_turns_its_opponents_from_russia(p):
    # E13, M47, KRE-17: while Moscow backs the regime, those who reject it turn from Moscow
    assert r.cohort_push(0.1, 0.3, 0.0, p) == pytest.approx(0.1)
    assert r.cohort_push(0.1, 0.3, 1.0, p) == pytest.approx(0.1 + p.public.backing_pressure * 0.7)
    assert r.cohort_push(0.1, 1.0, 1.0, p) == pytest.approx(0.1)   # loyal cohorts: no shift
    c = r.make_cohorts(p)[0]
    args = (c.incorporation, c.union, c.independence, c.media, 0.0)
    alone = r.attitude_flows(*args, r.cohort_push(0.0, 0.3, 0.0, p), 0.0, p)
    backed = r.attitude_flows(*args, r.cohort_push(0.0, 0.3, 1.0, p), 0.0, p)
    assert backed[r.INDEPENDENCE] > alone[r.INDEPENDENCE]
    assert r.west_target(c, r.cohort_push(0.0, 0.3, 1.0, p), 0.0, 0.0, p) > \
        r.west_target(c, 0.0, 0.0, 0.0, p)


def test_economic_hardship_loosens_the_tie_to_russia(p):
    # E24 (our reading): prosperity tied to Russia held the country close
    assert r.hardship_push(0.0, p) == 0.0
    assert r.hardship_push(0.5, p) == pytest.approx(0.5 * p.public.hardship_pressure)
    c = r.make_cohorts(p)[4]
    args = (c.incorporation, c.union, c.independence, c.media, 0.0)
    easy = r.attitude_flows(*args, r.hardship_push(0.0, p), 0.0, p)
    hard = r.attitude_flows(*args, r.hardship_push(1.0, p), 0.0, p)
    assert hard[r.INDEPENDENCE] > easy[r.INDEPENDENCE]
    assert r.west_target(c, r.hardship_push(1.0, p), 0.0, 0.0, p) > \
        r.west_target(c, 0.0, 0.0, 0.0, p)


def test_the_eu_choice_follows_what_the_west_offers(p):
    # WES-03, E21: engagement brings visas, trade and energy deals; sanctions cut it (WES-06)
    c = r.make_cohorts(p)[0]
    base = r.west_target(c, 0.0, 0.0, 0.0, p)
    assert r.west_target(c, 0.0, 0.0, 0.0, p, engagement_shift=0.0) == base
    assert r.west_target(c, 0.0, 0.0, 0.0, p, engagement_shift=0.3) == pytest.approx(
        base + 0.3 * p.public.west_engagement_gain)
    assert r.west_target(c, 0.0, 0.0, 0.0, p, engagement_shift=-0.4) < base


def test_the_eu_choice_rises_under_russian_pressure(p):
    c = r.make_cohorts(p)[0]
    assert r.west_target(c, 1.0, 0.0, 0.0, p) > r.west_target(c, 0.0, 0.0, 0.0, p)   # P9, P10
    assert r.west_target(c, 0.0, 1.0, 0.0, p) < r.west_target(c, 0.0, 0.0, 0.0, p)   # HYB-04


def test_radicalism_needs_a_large_street(p):
    assert r.radicalism_target(0.0, 0.9, 0.5, 0.5, p) == 0.0
    assert r.radicalism_target(0.06, 0.9, 0.5, 0.5, p) > r.radicalism_target(0.03, 0.9, 0.5, 0.5, p)


def test_hardship_is_bounded_and_moves_with_stress(p):
    assert 0.0 <= r.hardship(1.0, 1.0, 3.0, p, extra=1.0) <= 1.0
    assert r.hardship(0.8, 0.0, 0.0, p) > r.hardship(0.0, 0.0, 0.0, p)


def test_an_elections_strength_follows_its_count_of_serious_challengers(defaults):
    # L7, MIN-49, BYP-12: a managed vote mobilises little; MIN-52: each serious challenger adds
    p = with_values(defaults, **{"events.managed_vote_strength": 0.2,
                                 "events.challenger_mobilisation": 0.5})
    assert r.campaign_strength(0, p) == pytest.approx(0.2)
    assert r.campaign_strength(1, p) == pytest.approx(0.6)
    assert r.campaign_strength(2, p) == pytest.approx(0.8)
    assert r.campaign_strength(0, p) < r.campaign_strength(1, p) < r.campaign_strength(5, p) < 1.0


def test_a_wave_of_unrest_takes_the_sizes_of_its_kind(p):
    grievance, militancy = r.unrest_wave("economic", p)
    assert grievance == p.events.unrest.economic.grievance and militancy == 0.0   # BYP-09
    assert r.unrest_wave("ukraine_like", p) == (p.events.unrest.ukraine_like.grievance,
                                                 p.events.unrest.ukraine_like.militancy)
    with pytest.raises(ValueError):
        r.unrest_wave("riot", p)
