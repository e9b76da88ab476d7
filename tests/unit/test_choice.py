import math

import numpy as np
import pytest

from unionsim.model.choice import UNAVAILABLE, bernoulli, choose, draw, logit_probabilities


def test_logit_probabilities_match_the_formula():
    probs = logit_probabilities([0.0, 0.1, -0.2], 0.1)
    expected = [math.exp(u / 0.1) for u in (0.0, 0.1, -0.2)]
    total = sum(expected)
    assert probs == pytest.approx([e / total for e in expected])


def test_lower_temperature_concentrates_on_the_best_option():
    hot = logit_probabilities([0.0, 0.1], 1.0)
    cold = logit_probabilities([0.0, 0.1], 0.01)
    assert hot[1] < 0.6 < 0.99 < cold[1]


def test_unavailable_options_get_zero_and_are_never_drawn():
    rng = np.random.default_rng(0)
    utilities = [UNAVAILABLE, 0.0, UNAVAILABLE, 0.0]
    assert logit_probabilities(utilities, 0.1)[0] == 0.0
    drawn = {choose(rng, utilities, 0.1)[0] for _ in range(500)}
    assert drawn == {1, 3}


def test_no_available_option_is_an_error():
    with pytest.raises(ValueError):
        logit_probabilities([UNAVAILABLE, UNAVAILABLE], 0.1)
    with pytest.raises(ValueError):
        logit_probabilities([0.0], 0.0)


def test_draw_frequencies_follow_the_probabilities():
    rng = np.random.default_rng(42)
    probs = [0.2, 0.5, 0.3]
    counts = np.bincount([draw(rng, probs) for _ in range(20000)], minlength=3) / 20000
    assert counts == pytest.approx(probs, abs=0.015)


def test_choose_uses_exactly_one_uniform_per_draw():
    a, b = np.random.default_rng(7), np.random.default_rng(7)
    choose(a, [0.0, 0.2, 0.1], 0.05)
    b.random()
    assert a.random() == b.random()


def test_bernoulli_rate():
    rng = np.random.default_rng(3)
    hits = sum(bernoulli(rng, 0.25) for _ in range(20000)) / 20000
    assert hits == pytest.approx(0.25, abs=0.01)
