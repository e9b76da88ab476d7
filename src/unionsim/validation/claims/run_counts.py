"""How many runs a claim's batches get: a pilot, and the power rule that turns it into a count.

A pilot (`RUNS` = 500 runs per batch, master seed 2026, on the shipped posterior; printed by
``python -m unionsim.validation.power``) gives each claim's value and 95% interval. The
interval's half-width shrinks as 1/sqrt(n) (Wilson and normal approximations for shares and
differences of shares, order statistics for quantiles), so with the pilot half-width h on the
side facing the threshold and the distance g from the pilot value to the threshold (for a window
the nearer edge; for a contrast, which must also be significant, the nearer of the threshold and
zero), the claim runs n = RUNS * (h / g)^2 times, at least `RUNS` and at most `MAX_CLAIM_RUNS`.
A batch shared by claims runs at the largest count among them. Alternatives run `ALT_RUNS` times
per batch: they are chosen to make their claim fail clearly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RUNS = 500  # the pilot's run count, and the least any claim runs
MAX_CLAIM_RUNS = 1000  # the cap of the power rule (what the CI budget affords on 2 cores)
ALT_RUNS = 200  # runs per batch of a claim's alternative: alternatives are chosen to fail clearly


@dataclass(frozen=True)
class Pilot:
    """A claim's value and 95% interval in the pilot (``runs`` runs per batch, master seed
    2026, parameters from the shipped posterior), from which its run count is chosen."""

    value: float
    low: float
    high: float
    runs: int = RUNS


def runs_for_power(pilot: Pilot, threshold: float, upper: float | None = None,
                   contrast: bool = False) -> int:
    """The run count at which the pilot's 95% interval would clear the threshold.

    The interval's half-width shrinks as 1/sqrt(n) (Wilson and normal approximations for
    shares and differences of shares, order statistics for quantiles), so with the pilot's
    half-width h on the side facing the threshold and the distance g from the value to the
    threshold, n = pilot runs * (h / g)^2, at least `RUNS` and at most `MAX_CLAIM_RUNS`. For a
    window the nearer edge counts; for a contrast (which must also be significant) the nearer of
    the threshold and zero."""
    v = pilot.value
    edges = [threshold] + ([upper] if upper is not None else []) + ([0.0] if contrast else [])
    gap = min(abs(v - e) for e in edges)
    # the half-width toward the nearest edge
    nearest = min(edges, key=lambda e: abs(v - e))
    half = (v - pilot.low) if nearest <= v else (pilot.high - v)
    if not np.isfinite(gap) or not np.isfinite(half):
        return MAX_CLAIM_RUNS
    if gap <= 0:
        return MAX_CLAIM_RUNS
    need = int(np.ceil(round(pilot.runs * (half / gap) ** 2, 6)))
    return int(min(max(need, RUNS), MAX_CLAIM_RUNS))
