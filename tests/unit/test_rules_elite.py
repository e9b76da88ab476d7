"""The shapes of the elite rules are parameters (issue 10): each one acts as documented."""

import math

from tests.conftest import with_values
from unionsim.model.rules import elite as el


def test_unchecked_protest_erodes_cohesion_only_up_to_its_cap(p, monkeypatch):
    mass = p.public.mass_protest_share
    args = (0.0, 10 * mass, 0.0, 0, 0, 0.0)  # protest ten times the mass level, unrepressed
    half = (0.0, 0.5 * mass, 0.0, 0, 0, 0.0)
    monkeypatch.setattr(el, "UNCHECKED_PROTEST_EROSION_CAP", 1.0)
    low, low_half = el.cohesion_target(*args, p), el.cohesion_target(*half, p)
    monkeypatch.setattr(el, "UNCHECKED_PROTEST_EROSION_CAP", 4.0)
    high, high_half = el.cohesion_target(*args, p), el.cohesion_target(*half, p)
    assert math.isclose(low - high, 3.0 * p.elite.protest_erosion)
    # below both caps the cap does not matter
    assert low_half == high_half


def test_sanctions_bind_the_elite_by_their_fixed_size(p, monkeypatch):
    from unionsim.model.state import MAX_SANCTIONS

    calm = (0.0, 0.0, 0.0, 0, 0.0, 0.0)
    full = (0.0, 0.0, 0.0, MAX_SANCTIONS, 0.0, 0.0)
    assert el.SANCTIONS_BINDING_COHESION > 0
    assert math.isclose(el.cohesion_target(*full, p) - el.cohesion_target(*calm, p),
                        el.SANCTIONS_BINDING_COHESION)
    monkeypatch.setattr(el, "SANCTIONS_BINDING_COHESION", 0.0)
    assert el.cohesion_target(*full, p) == el.cohesion_target(*calm, p)


def test_the_defection_hazard_grows_with_disloyalty_to_the_power_of_its_exponent(defaults):
    linear = with_values(defaults, **{"elite.disloyalty_exponent": 1.0})
    square = with_values(defaults, **{"elite.disloyalty_exponent": 2.0})
    mass = linear.public.mass_protest_share
    cohesion = 0.6
    ratio = (el.defection_hazard(2 * mass, cohesion, 0.0, 0.0, square)
             / el.defection_hazard(2 * mass, cohesion, 0.0, 0.0, linear))
    assert math.isclose(ratio, 1.0 - cohesion)


def test_full_repression_removes_its_share_of_the_defection_hazard(defaults):
    none = with_values(defaults, **{"elite.repression_restraint": 0.0})
    half = with_values(defaults, **{"elite.repression_restraint": 0.5})
    mass = none.public.mass_protest_share
    unrestrained = el.defection_hazard(2 * mass, 0.5, 1.0, 0.0, none)
    assert math.isclose(el.defection_hazard(2 * mass, 0.5, 1.0, 0.0, half), 0.5 * unrestrained)


def test_a_narrower_street_curve_means_less_pressure_below_the_mass_level(defaults):
    sharp = with_values(defaults, **{"elite.street_width_share": 0.1})
    soft = with_values(defaults, **{"elite.street_width_share": 0.5})
    below = 0.5 * sharp.public.mass_protest_share
    assert el.defection_hazard(below, 0.3, 0.0, 0.0, sharp) \
        < el.defection_hazard(below, 0.3, 0.0, 0.0, soft)
