"""Intervals and tests for comparing batches (scipy does the distributions).

* `difference_interval`: Newcombe's hybrid score interval for p1 - p2 from independent samples
  (Newcombe 1998, Statistics in Medicine 17:873, method 10), built from two Wilson intervals.
* `paired_difference_interval`: Newcombe's interval for paired data (Newcombe 1998, Statistics
  in Medicine 17:2635, method 10), used when two batches share run seeds.
* `mcnemar_exact`: the exact conditional McNemar test (a binomial test on discordant pairs).
* `quantile_interval`: a quantile with a distribution-free interval (binomial order statistics).
"""

from __future__ import annotations

import math

from unionsim.analysis.summary import proportion_interval


def difference_interval(k1: int, n1: int, k2: int, n2: int, confidence: float = 0.95
                        ) -> tuple[float, float, float]:
    """(p1 - p2, low, high) for independent samples, Newcombe's method 10.

    >>> [round(v, 4) for v in difference_interval(56, 70, 48, 80)]  # Newcombe's example
    [0.2, 0.0524, 0.3339]
    """
    if n1 == 0 or n2 == 0:
        return (math.nan, math.nan, math.nan)
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = proportion_interval(k1, n1, confidence)
    l2, u2 = proportion_interval(k2, n2, confidence)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, max(-1.0, low), min(1.0, high)


def paired_difference_interval(both: int, only1: int, only2: int, neither: int,
                               confidence: float = 0.95) -> tuple[float, float, float]:
    """(p1 - p2, low, high) for paired binary data, Newcombe's method 10.

    ``both``: pairs where the event happened in both batches; ``only1``/``only2``: in one only;
    ``neither``: in none. p1 = (both + only1) / n, p2 = (both + only2) / n.
    """
    n = both + only1 + only2 + neither
    if n == 0:
        return (math.nan, math.nan, math.nan)
    r1, r2 = both + only1, both + only2          # row and column totals of "yes"
    p1, p2 = r1 / n, r2 / n
    l1, u1 = proportion_interval(r1, n, confidence)
    l2, u2 = proportion_interval(r2, n, confidence)
    phi = 0.0
    if min(r1, n - r1, r2, n - r2) > 0:
        a = both * neither - only1 * only2
        c = a - n / 2 if a > n / 2 else (a if a < 0 else 0.0)   # Newcombe's correction
        phi = c / math.sqrt(r1 * (n - r1) * r2 * (n - r2))
    d = p1 - p2
    low = d - math.sqrt(max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2))
    high = d + math.sqrt(max(0.0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2))
    return d, max(-1.0, low), min(1.0, high)


def mcnemar_exact(only1: int, only2: int) -> float:
    """Two-sided p-value of the exact McNemar test (1.0 when there are no discordant pairs)."""
    from scipy.stats import binomtest

    if only1 + only2 == 0:
        return 1.0
    return float(binomtest(only1, only1 + only2, 0.5).pvalue)


def fisher_exact(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided p-value of Fisher's exact test of equal proportions."""
    from scipy.stats import fisher_exact as fe

    if n1 == 0 or n2 == 0:
        return math.nan
    return float(fe([[k1, n1 - k1], [k2, n2 - k2]]).pvalue)


def quantile_interval(values, q: float, confidence: float = 0.95) -> tuple[float, float, float]:
    """A quantile with a distribution-free interval from binomial order statistics."""
    import numpy as np
    from scipy.stats import binom

    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    alpha = 1 - confidence
    lo_rank = int(binom.ppf(alpha / 2, n, q))
    hi_rank = int(binom.ppf(1 - alpha / 2, n, q))
    return (float(np.quantile(x, q)), float(x[max(lo_rank - 1, 0)]),
            float(x[min(hi_rank, n - 1)]))
