"""Uniforms fetched in blocks are the stream's own numbers, in order, whatever the block size."""

import numpy as np
import pytest

from unionsim.draws import BLOCK_SIZE, UniformDraws
from unionsim.model.choice import bernoulli, choose


@pytest.mark.parametrize("block_size", [1, 3, BLOCK_SIZE, 1000])
def test_blocks_give_the_numbers_one_at_a_time_would(block_size):
    one_by_one = np.random.default_rng(42)
    blocks = UniformDraws(np.random.default_rng(42), block_size)
    expected = [one_by_one.random() for _ in range(300)]
    assert [blocks.random() for _ in range(300)] == expected


def test_choices_drawn_through_blocks_match_the_plain_stream():
    utilities = [0.0, 0.4, float("-inf"), 0.2, 0.35]
    plain = np.random.default_rng(7)
    blocked = UniformDraws(np.random.default_rng(7))
    for _ in range(200):
        assert choose(blocked, utilities, 0.1) == choose(plain, utilities, 0.1)
        assert bernoulli(blocked, 0.3) == bernoulli(plain, 0.3)


def test_a_block_size_below_one_is_refused():
    with pytest.raises(ValueError):
        UniformDraws(np.random.default_rng(1), 0)


def test_restart_drops_the_numbers_fetched_and_draws_from_the_generator_as_it_is_now():
    generator = np.random.default_rng(3)
    draws = UniformDraws(generator, block_size=8)
    draws.random()  # a block fetched, seven numbers left in it
    generator.bit_generator.state = np.random.default_rng(5).bit_generator.state
    draws.restart()
    fresh = np.random.default_rng(5)
    assert [draws.random() for _ in range(20)] == [fresh.random() for _ in range(20)]
