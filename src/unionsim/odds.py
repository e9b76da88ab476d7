"""Probabilities written for people: with the precision they need, and as odds when small.

A trace line that says an event happened at "0.0%" reads as a bug; a share rounded to whole
percent hides a hazard of 0.04% a month. `percent` keeps two significant digits where rounding
would hide them (below 10% and above 90%) and adds "1 in N" odds below 1%, so the smallest
hazards read as what they are.
"""

from __future__ import annotations

import math


def _significant(x: float, digits: int = 2) -> float:
    """``x`` rounded to ``digits`` significant digits."""
    if x == 0:
        return 0.0
    return round(x, digits - 1 - math.floor(math.log10(abs(x))))


def _decimals(x: float, digits: int = 2) -> int:
    """Decimals that show ``x`` (a percentage) with ``digits`` significant digits."""
    return max(0, digits - 1 - math.floor(math.log10(abs(x))))


def one_in(p: float) -> str:
    """``'1 in 2,500'`` for p = 0.0004 (N to two significant digits)."""
    return f"1 in {int(_significant(1.0 / p)):,}"


def percent(p: float, odds: bool = True) -> str:
    """A probability as a percentage with the precision it needs.

    >>> percent(0.45), percent(0.023), percent(0.0004), percent(0.9996), percent(0.0)
    ('45%', '2.3%', '0.04% (1 in 2,500)', '99.96%', '0%')

    Whole percent between 10% and 90%; two significant digits below 10% and one of the
    complement above 90%, never rounding a non-zero probability to 0% or a probability below
    one to 100%; ``odds`` adds "1 in N" below 1%.
    """
    if not math.isfinite(p):
        return str(p)
    if p <= 0:
        return "0%"
    if p >= 1:
        return "100%"
    pct = 100.0 * p
    if 10 <= pct <= 90:
        return f"{pct:.0f}%"
    if pct < 10:
        text = _trim(f"{pct:.{_decimals(pct)}f}") + "%"
        return f"{text} ({one_in(p)})" if odds and pct < 1 else text
    rest = 100.0 - pct
    return _trim(f"{pct:.{_decimals(rest, 1)}f}") + "%"


def _trim(number: str) -> str:
    """``'0.040'`` -> ``'0.04'``, ``'2.0'`` -> ``'2'``."""
    return number.rstrip("0").rstrip(".") if "." in number else number
