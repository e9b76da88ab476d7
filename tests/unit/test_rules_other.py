"""Economy, elite, NATO and West rules."""

import pytest

from tests.conftest import with_values
from unionsim.model.choice import UNAVAILABLE, logit_probabilities
from unionsim.model.rules import economy as e
from unionsim.model.rules import elite as el
from unionsim.model.rules import nato as n
from unionsim.model.rules import west as w


def test_funding_balance_and_losses(p):
    base = e.funding_balance(3.0, 0.0, False, 0.0, p)
    assert base == pytest.approx(3.0 - p.economy.external_financing_need)
    assert e.funding_balance(3.0, 0.0, True, 2.0, p) == pytest.approx(
        base - p.economy.trade_war_loss - 2 * p.economy.sanctions_loss_per_level)


def test_growth_tracks_russia_and_support(p):
    # E23: Belarus's growth tracks Russia's, which tracks oil (E24)
    assert e.growth_rate(1.5, 3.0, 0, False, 0, p) > e.growth_rate(1.0, 3.0, 0, False, 0, p)
    assert e.growth_rate(1.0, 1.0, 0, False, 0, p) < e.growth_rate(1.0, 3.0, 0, False, 0, p)
    assert e.growth_rate(1.0, 3.0, 0, False, -50, p) == -20.0


def test_stress_rises_as_reserves_thin(p):
    assert e.economic_stress(10.0, 2.0, p) == 0.0
    assert e.economic_stress(2.0, 2.0, p) > e.economic_stress(6.0, 2.0, p) > 0
    assert e.economic_stress(0.0, -20.0, p) == 1.0


def test_outside_options_and_sovereignty(p):
    assert e.outside_options(1.0, True, 1.0, 0.0, p) > e.outside_options(0.0, False, 0.0, 0.0, p)
    assert e.outside_options(0.5, False, 0.0, 3.0, p) < e.outside_options(0.5, False, 0.0, 0.0, p)
    assert e.sovereignty_index(0, False, 0, 0, False, p) == 1.0
    assert e.sovereignty_index(0, True, 0, 0, False, p) < e.sovereignty_index(28, False, 0, 0,
                                                                               False, p)
    assert e.sovereignty_index(0, False, 0, 0, True, p) == 0.0
    # each roadmap in force costs a little sovereignty (SYS-03), by the rule's fixed size
    assert 0 < e.SOVEREIGNTY_PER_ROADMAP < 0.05
    assert e.sovereignty_index(10, False, 0, 0, False, p) == pytest.approx(
        1.0 - 10 * e.SOVEREIGNTY_PER_ROADMAP)


def test_presence_ladder():
    assert e.presence_level(0, 0, 0, False, False) == 0
    assert e.presence_level(3, 0, 0, False, False) == 1
    assert e.presence_level(3, 2.5, 0, False, False) == 2
    assert e.presence_level(0, 0, 1.0, False, False) == 3
    assert e.presence_level(0, 0, 0, False, True) == 4


def test_elite_cohesion_and_defection(p):
    calm = el.cohesion_target(0.0, 0.0, 0.25, 0, 0, 0.2, p)
    assert el.cohesion_target(0.9, 0.1, 0.25, 0, 0, 0.2, p) < calm        # ELI-11
    assert el.cohesion_target(0.0, 0.0, 0.25, 0, 1.0, 0.2, p) > calm      # E13, M47
    # no defection without a mass street (MIN-60); more with a divided elite (ELI-03)
    assert el.defection_hazard(0.0, 0.5, 0.2, 0.0, p) < 0.01
    assert el.defection_hazard(0.08, 0.3, 0.2, 0.0, p) > el.defection_hazard(0.08, 0.8, 0.2, 0.0, p)
    assert el.defection_hazard(0.08, 0.3, 0.2, 1.0, p) < el.defection_hazard(0.08, 0.3, 0.2, 0.0, p)


def test_army_loyalty_dispute_d4_matters(defaults):
    loyal = with_values(defaults, **{"elite.army_defection_risk": 0.0})
    wavering = with_values(defaults, **{"elite.army_defection_risk": 0.35})
    assert el.defection_hazard(0.08, 0.4, 0.2, 0, wavering) > el.defection_hazard(0.08, 0.4, 0.2,
                                                                                  0, loyal)


def test_nato_reinforces_under_threat_and_restrains_when_over_deployed(p):
    quiet = logit_probabilities(n.posture_utilities(n.threat_perception(0, 0, 0.3, False, p), 0.3,
                                                    p), p.nato.choice_temperature)
    tense = logit_probabilities(n.posture_utilities(n.threat_perception(3, 20, 0.9, True, p), 0.3,
                                                    p), p.nato.choice_temperature)
    assert tense[1] > quiet[1]
    assert quiet[0] > 0.8
    over = logit_probabilities(n.posture_utilities(0.1, 1.0, p), p.nato.choice_temperature)
    assert over[3] > quiet[3]
    assert n.posture_utilities(0.1, p.nato.minimum_posture, p)[3] == UNAVAILABLE


def test_west_sanctions_answer_repression_only(p):
    none = w.policy_utilities(0.0, 0, 0.5, 0.0, 0.0, 0.0, False, p)
    assert none[1] == UNAVAILABLE                                        # WES-06
    abused = logit_probabilities(w.policy_utilities(1.0, 0, 0.5, 0.0, 0.0, 0.0, False, p),
                                 p.west.choice_temperature)
    assert abused[1] > 0.9
    # each further package is harder to agree (NEI-03)
    third = logit_probabilities(w.policy_utilities(1.0, 2, 0.0, 0.0, 0.0, 0.0, False, p),
                                p.west.choice_temperature)
    assert third[1] < abused[1]
    # engagement follows Minsk's opening (WES-02); energy offers follow disputes (WES-08)
    courting = logit_probabilities(w.policy_utilities(0.0, 0, 0.3, 1.0, 0.0, 0.0, False, p),
                                   p.west.choice_temperature)
    assert courting[3] > 0.5
    assert w.policy_utilities(0.0, 0, 0.3, 0.0, 0.5, 0.0, True, p)[4] == UNAVAILABLE


def test_abuse_signal(p):
    assert w.abuse_signal(0.9, 0.0, 0.0, p) == 0.0
    assert w.abuse_signal(0.9, 0.06, 0.0, p) == 1.0


def test_tension_above_the_path_stays_in_its_domain():
    from unionsim.model.state import STATE_VARIABLES, shift_tension
    domain = STATE_VARIABLES["tension_excess"]
    assert shift_tension(0.2, 0.1) == pytest.approx(0.3)
    assert shift_tension(0.9, 0.5) == domain.hi
    assert shift_tension(-0.9, -0.5) == domain.lo   # restraint and easing may push it below the path
