"""The shapes of the elite rules are parameters (issue 10): each one acts as documented."""

import math

from tests.conftest import with_values
from unionsim.model.rules import elite as el


def test_unchecked_protest_erodes_cohesion_only_up_to_its_cap(defaults):
    low = with_values(defaults, **{"elite.protest_erosion_cap": 1.0})
    high = with_values(defaults, **{"elite.protest_erosion_cap": 4.0})
    mass = low.public.mass_protest_share
    args = (0.0, 10 * mass, 0.0, 0, 0, 0.0)  # protest ten times the mass level, unrepressed
    assert math.isclose(el.cohesion_target(*args, low) - el.cohesion_target(*args, high),
                        3.0 * low.elite.protest_erosion)
    # below both caps the cap does not matter
    half = (0.0, 0.5 * mass, 0.0, 0, 0, 0.0)
    assert el.cohesion_target(*half, low) == el.cohesion_target(*half, high)


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
