"""What Minsk's choices do to the world is set by named parameters (issue 10): each acts as
documented in params/default.yaml."""

import math

import pytest

from unionsim.model.actors.minsk import Minsk
from unionsim.model.world import UnionModel

EFFECTS = {"minsk.refusal_trust_loss": 0.2, "minsk.refusal_dispute": 0.3,
           "minsk.base_trust_gain": 0.3, "minsk.rotation_trust_gain": 0.1,
           "minsk.nato_exercise_threat": 0.7, "elite.new_regime_west_factor": 3.0}


@pytest.fixture
def minsk(baseline):
    model = UnionModel(scenario=baseline, seed=5, overrides=EFFECTS)
    agent = model.agents_by_type[Minsk][0]
    agent.state.kremlin_trust = 0.5
    agent.state.dispute = 0.2
    return agent


def test_refusing_a_base_costs_trust_and_inflames_the_dispute_by_its_parameters(minsk):
    minsk.apply_base_answer("refuse")
    assert math.isclose(minsk.state.kremlin_trust, 0.5 - 0.2)
    assert math.isclose(minsk.state.dispute, 0.2 + 0.3)


@pytest.mark.parametrize("choice, gain", [("accept", 0.3), ("rotation", 0.1)])
def test_a_base_or_a_rotation_raises_trust_by_its_parameter(minsk, choice, gain):
    minsk.apply_base_answer(choice)
    assert math.isclose(minsk.state.kremlin_trust, 0.5 + gain)
    assert minsk.state.dispute == 0.2


def test_a_nato_exercise_adds_its_parameter_to_the_threat_minsk_sees(minsk):
    minsk.state.nato_exercise_months = 0.0
    calm = minsk.view().nato_threat
    minsk.state.nato_exercise_months = 2.0
    assert math.isclose(minsk.view().nato_threat - calm, 0.7)


def test_a_regime_born_of_protest_values_the_west_by_its_factor(minsk):
    before = minsk.weights.minsk.west_value
    minsk.become_successor(new_regime=True)
    assert math.isclose(minsk.weights.minsk.west_value, 3.0 * before)
