import math

import numpy as np
import pytest

from unionsim.model.choice import (UNAVAILABLE, bernoulli, choose, choose_index, draw,
                                   logit_probabilities)


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


class _Fixed:
    """A stream that returns the given uniform every time."""

    def __init__(self, value):
        self.value = value

    def random(self):
        return self.value


def test_choose_index_picks_the_first_option_whose_running_sum_exceeds_the_uniform():
    # weights exp(0)=1, 0 (unavailable), exp(0)=1, exp(-inf)=0: running sums 1, 1, 2, 2
    utilities = [0.0, UNAVAILABLE, 0.0, UNAVAILABLE]
    assert choose_index(_Fixed(0.0), utilities, 0.1) == 0
    assert choose_index(_Fixed(0.49), utilities, 0.1) == 0
    assert choose_index(_Fixed(0.5), utilities, 0.1) == 2  # 0.5 * 2 is not below the sum 1
    # a uniform that rounds onto the total falls back to the last available option, never an
    # unavailable one after it
    assert choose_index(_Fixed(1.0), utilities, 0.1) == 2


def test_choose_and_choose_index_draw_the_same_option_from_the_same_stream():
    a, b = np.random.default_rng(11), np.random.default_rng(11)
    utilities = [0.3, UNAVAILABLE, -0.1, 0.2, 0.0]
    for _ in range(300):
        index, weights = choose(a, utilities, 0.2)
        assert index == choose_index(b, utilities, 0.2)
        assert weights[1] == 0.0 and weights[0] == pytest.approx(math.exp(0.0))


def test_the_model_sums_floats_left_to_right_on_every_python():
    """Python 3.12's builtin sum compensates rounding; the model's fold gives 3.11's sums."""
    import ast
    from pathlib import Path

    from unionsim.model.state import fold_sum

    assert fold_sum([1e16, 1.0, -1e16]) == 0.0          # compensated: 1.0
    assert fold_sum([0.1] * 10) == 0.9999999999999999   # compensated: 1.0
    assert fold_sum([]) == 0.0
    model = Path(__import__("unionsim.model").model.__file__).parent
    calls = [f"{path.relative_to(model)}:{node.lineno}"
             for path in model.rglob("*.py")
             for node in ast.walk(ast.parse(path.read_text()))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
             and node.func.id in ("sum", "fsum")]
    assert calls == [], f"builtin sum in the model (use fold_sum): {calls}"
