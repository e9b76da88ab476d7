"""Uniform draws from a numpy stream, fetched in blocks.

Every stochastic choice of the model consumes one uniform number from its actor's stream. Asking
numpy for one number at a time costs about 30 times more than reading it from a block of numbers
fetched at once, and numpy's ``Generator.random(n)`` yields exactly the numbers that ``n`` calls of
``Generator.random()`` would, in the same order. So `UniformDraws` changes no result, only the cost
(the tests check the equality for several block sizes).

The block size lives here, outside the model, because it is not a modelling choice: any size gives
the same draws.
"""

from __future__ import annotations

import numpy as np

BLOCK_SIZE = 64  # about one run's draws for the busiest actor; any size gives the same numbers


class UniformDraws:
    """``random()`` like a numpy ``Generator``'s, served from blocks of ``block_size`` numbers.

    Use one `UniformDraws` per stream and draw uniforms only through it: the stream's other
    methods would skip the numbers already fetched into the block.
    """

    __slots__ = ("generator", "block_size", "_block")

    def __init__(self, generator: np.random.Generator, block_size: int = BLOCK_SIZE):
        if block_size < 1:
            raise ValueError("block_size must be at least 1")
        self.generator = generator
        self.block_size = block_size
        self._block: list[float] = []  # the fetched numbers not yet served, the next one last

    def random(self) -> float:
        """The stream's next uniform number on [0, 1)."""
        block = self._block
        if not block:
            block = self._block = self.generator.random(self.block_size).tolist()
            # kept last number first: served by `pop`, cheaper than an index kept by hand
            block.reverse()
        return block.pop()

    def restart(self) -> None:
        """Forget the numbers already fetched: the next one comes from the generator as it is
        now (after its state was replaced, `UnionModel.branch`)."""
        self._block = []
