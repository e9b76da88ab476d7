"""Months in input files: ``YYYY-MM`` or a month number counted from the scenario's start."""

from __future__ import annotations

import re
from typing import Union

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")

MonthRef = Union[int, str]


def parse_month(ref: str) -> tuple[int, int]:
    """'2019-08' -> (2019, 8); raises ValueError with the expected form."""
    m = _MONTH_RE.match(ref.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"'{ref}' is not a month; write YYYY-MM, e.g. 2020-08, or a month number "
                         f"counted from the start (1 = first month)")
    return int(m.group(1)), int(m.group(2))


def month_index(ref: MonthRef, start: str) -> int:
    """Month number (1 = the start month) of a reference given as YYYY-MM or as a number."""
    if isinstance(ref, int):
        return ref
    y0, m0 = parse_month(start)
    y, m = parse_month(ref)
    return (y - y0) * 12 + (m - m0) + 1


def month_label(index: int, start: str) -> str:
    """Inverse of `month_index`: month number -> 'YYYY-MM'."""
    y0, m0 = parse_month(start)
    total = y0 * 12 + (m0 - 1) + (index - 1)
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def check_month_ref(v):
    """A month reference as the input models accept it: ``YYYY-MM`` or a month number >= 1."""
    if isinstance(v, bool):
        raise ValueError("expected a month (YYYY-MM or a month number), not true/false")
    if isinstance(v, int):
        if v < 1:
            raise ValueError(f"month number {v} must be 1 or more (1 = the start month)")
        return v
    if isinstance(v, str):
        parse_month(v)
        return v.strip()
    raise ValueError("expected a month: YYYY-MM (e.g. 2020-08) or a month number")
