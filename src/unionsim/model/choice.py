"""Stochastic choice: every actor picks an option by a logit over its utilities.

A temperature of 0 would make actors deterministic maximisers; the documents describe actors who
bargain under uncertainty and misread each other (KRE-40: 'asymmetric expectations'; SYS-06: the
'sinusoidal' course of relations), so each actor's temperature is a documented parameter.
Options that are not available this month carry utility ``-inf`` and are never drawn.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from typing import TYPE_CHECKING, Sequence

import numpy as np

from unionsim.model.state import fold_sum

if TYPE_CHECKING:
    from unionsim.draws import UniformDraws

UNAVAILABLE = float("-inf")


def logit_probabilities(utilities: Sequence[float], temperature: float) -> list[float]:
    """Choice probabilities ``exp(u/T) / sum exp(u/T)``; unavailable options get 0.

    >>> [round(x, 3) for x in logit_probabilities([0.0, 1.0, float('-inf')], 1.0)]
    [0.269, 0.731, 0.0]
    """
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    top = max(utilities)
    if top == UNAVAILABLE:
        raise ValueError("no option is available")
    weights = [math.exp((u - top) / temperature) if u != UNAVAILABLE else 0.0 for u in utilities]
    total = fold_sum(weights)
    return [w / total for w in weights]


def draw(rng: "np.random.Generator | UniformDraws", probabilities: Sequence[float]) -> int:
    """Index drawn with the given probabilities (one uniform from ``rng``)."""
    r = rng.random()
    cumulative = 0.0
    last = 0
    for i, prob in enumerate(probabilities):
        if prob <= 0.0:
            continue
        cumulative += prob
        last = i
        if r < cumulative:
            return i
    return last  # rounding left r just above the sum


def choose_index(rng: "np.random.Generator | UniformDraws", utilities: Sequence[float],
                 temperature: float) -> int:
    """Draw one option by a logit over ``utilities`` and return its index (one uniform is drawn
    from ``rng``).

    An unavailable option (``-inf``) gets the weight ``exp(-inf) == 0.0`` and is never drawn.
    The index drawn is the first whose running sum of weights, added left to right, exceeds the
    uniform times their total.
    """
    # plain loops, measured cheaper here than `max`, a comprehension or `accumulate`
    top = utilities[0]  # max(utilities), written out
    for u in utilities:
        if u > top:
            top = u
    if top == UNAVAILABLE:
        raise ValueError("no option is available")
    inv = 1.0 / temperature
    exp = math.exp
    total = 0.0
    cumulative: list[float] = []
    append = cumulative.append
    for u in utilities:
        if u != UNAVAILABLE:  # its weight exp(-inf) is 0.0: adding it leaves the sum as it is
            total += exp((u - top) * inv)
        append(total)
    index = bisect_right(cumulative, rng.random() * total)
    if index < len(cumulative):
        return index
    # rounding left the target at the total: the last option with a positive weight
    index -= 1
    while not exp((utilities[index] - top) * inv) > 0.0:
        index -= 1
    return index


def choose(rng: "np.random.Generator | UniformDraws", utilities: Sequence[float],
           temperature: float) -> tuple[int, list[float]]:
    """Draw one option like `choose_index`; returns its index and the unnormalised logit weights
    it was drawn with (divide by their sum for probabilities)."""
    index = choose_index(rng, utilities, temperature)
    top = max(utilities)
    inv = 1.0 / temperature
    exp = math.exp
    return index, [exp((u - top) * inv) for u in utilities]


def bernoulli(rng: "np.random.Generator | UniformDraws", probability: float) -> bool:
    """One draw of an event with the given monthly probability."""
    return rng.random() < probability
