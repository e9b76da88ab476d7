"""Parameters of the public, NATO and the West that replaced numbers in the code: the rules read
them (changing one changes behaviour)."""

import pytest

from tests.conftest import with_values
from unionsim.model.rules import nato as nato_rules
from unionsim.model.rules import public as public_rules
from unionsim.model.rules import west as west_rules

def test_cohort_bounds_are_read_from_the_parameters(defaults):
    # with tight bounds every cohort's starting values sit on them
    p = with_values(defaults, **{"public.legitimacy_floor": 0.15, "public.legitimacy_ceiling": 0.85,
                                 "public.initial_legitimacy": 0.7, "public.west_ceiling": 0.7})
    cohorts = public_rules.make_cohorts(p)
    assert max(c.base_legitimacy for c in cohorts) == pytest.approx(0.85)
    p = with_values(defaults, **{"public.legitimacy_floor": 0.15, "public.initial_legitimacy": 0.4,
                                 "public.legitimacy_age_gradient": 0.15,
                                 "public.legitimacy_rural_bonus": 0.0})
    assert min(c.base_legitimacy for c in public_rules.make_cohorts(p)) == pytest.approx(0.25)
    p = with_values(defaults, **{"public.west_floor": 0.05, "public.west_orientation": 0.2,
                                 "public.west_youth_gradient": 0.5})
    assert min(c.base_west for c in public_rules.make_cohorts(p)) == pytest.approx(0.1)


def test_repression_backlash_gradients_order_the_cohorts(p):
    by_label = {c.label: c for c in public_rules.make_cohorts(p)}
    # young and urban lose the most legitimacy to repression, older and rural the least
    assert by_label["urban_young"].backlash_factor == pytest.approx(2.0)
    assert by_label["rural_older"].backlash_factor == pytest.approx(0.5)


def test_street_saturation_caps_the_street_term(defaults):
    p = with_values(defaults, **{"public.street_saturation": 1.0})
    mass = p.public.mass_protest_share
    at_mass = public_rules.radicalism_target(mass, 0.5, 0.5, 0.0, p)
    assert public_rules.radicalism_target(3 * mass, 0.5, 0.5, 0.0, p) == pytest.approx(at_mass)
    p2 = with_values(defaults, **{"public.street_saturation": 2.0})
    assert public_rules.radicalism_target(mass, 0.5, 0.5, 0.0, p2) == pytest.approx(at_mass / 2)


def test_nato_exercise_threat_saturates_at_its_parameter(defaults):
    p = with_values(defaults, **{"nato.exercise_full_threat_troops_k": 10.0})
    w = p.nato.exercise_weight
    assert nato_rules.threat_perception(0.0, 5.0, 0.0, False, p) == pytest.approx(w / 2)
    assert nato_rules.threat_perception(0.0, 30.0, 0.0, False, p) == pytest.approx(w)


def test_nato_exercise_utility_uses_its_shares(defaults):
    p = with_values(defaults, **{"nato.exercise_deterrence_share": 0.8,
                                 "nato.exercise_provocation_share": 0.3,
                                 "nato.exercise_cost_share": 0.4})
    n = p.nato
    exercise = nato_rules.posture_utilities(1.0, 0.5, p)[2]
    assert exercise == pytest.approx(0.8 * n.deterrence - 0.3 * n.provocation * 0.5
                                     - 0.4 * n.reinforce_cost)


def test_energy_offer_appeal_without_diversification(defaults):
    # a cut of Russian energy in force (energy_cut > 0): the offer answers it (E30, E31)
    p = with_values(defaults, **{"west.energy_offer_base_appeal": 0.0})
    offer = west_rules.policy_utilities(0.0, 0.0, 0.0, 0.0, 1.0, 0.0, False, p,
                                        energy_cut=0.35)[4]
    assert offer == pytest.approx(0.0)
    p = with_values(defaults, **{"west.energy_offer_base_appeal": 1.0})
    offer = west_rules.policy_utilities(0.0, 0.0, 0.0, 0.0, 1.0, 0.0, False, p,
                                        energy_cut=0.35)[4]
    assert offer == pytest.approx(p.west.energy_lever)
