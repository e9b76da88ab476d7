"""Draw per-run values of a scenario's uncertain parameters, before any run starts.

Each distribution is sampled by its inverse CDF from uniforms on [0, 1): plain Monte Carlo
uniforms (``mc``) or a Latin hypercube (``lhs``, scipy's `qmc.LatinHypercube`), which covers
every parameter's range evenly with fewer runs. The uniforms come from their own stream of the
master seed, so sampling never shifts the runs' own seeds.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from unionsim.config.schema import (Beta, Choice, Documented, Normal, Triangular, Uniform)

SAMPLERS = ("mc", "lhs")
_SAMPLING_STREAM = 0x5A4D  # mixed into the master seed: a stream of its own


def uniforms(n_runs: int, n_dims: int, seed: int, sampler: str) -> np.ndarray:
    """An (n_runs, n_dims) array of uniforms for the given sampler."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, _SAMPLING_STREAM]))
    if sampler == "mc":
        return rng.random((n_runs, n_dims))
    if sampler == "lhs":
        from scipy.stats import qmc

        return qmc.LatinHypercube(d=n_dims, rng=rng).random(n_runs) if _lhs_takes_rng() else \
            qmc.LatinHypercube(d=n_dims, seed=rng).random(n_runs)
    raise ValueError(f"unknown sampler '{sampler}'; expected one of {SAMPLERS}")


def _lhs_takes_rng() -> bool:
    import inspect

    from scipy.stats import qmc

    return "rng" in inspect.signature(qmc.LatinHypercube).parameters


def inverse_cdf(dist, u: np.ndarray, documented: tuple[float, float]) -> np.ndarray:
    """Values of a distribution at probabilities ``u`` (its quantile function)."""
    from scipy import stats

    lo_doc, hi_doc = documented
    if isinstance(dist, Documented):
        return lo_doc + u * (hi_doc - lo_doc)
    if isinstance(dist, Uniform):
        return dist.low + u * (dist.high - dist.low)
    if isinstance(dist, Normal):
        lo = max(dist.low if dist.low is not None else -np.inf, lo_doc)
        hi = min(dist.high if dist.high is not None else np.inf, hi_doc)
        a, b = (lo - dist.mean) / dist.sd, (hi - dist.mean) / dist.sd
        return stats.truncnorm.ppf(u, a, b, loc=dist.mean, scale=dist.sd)
    if isinstance(dist, Triangular):
        width = dist.high - dist.low
        return stats.triang.ppf(u, (dist.mode - dist.low) / width, loc=dist.low, scale=width)
    if isinstance(dist, Beta):
        return stats.beta.ppf(u, dist.a, dist.b, loc=dist.low, scale=dist.high - dist.low)
    if isinstance(dist, Choice):
        weights = np.asarray(dist.weights if dist.weights is not None else
                             [1.0] * len(dist.values), dtype=float)
        cumulative = np.cumsum(weights) / weights.sum()
        index = np.searchsorted(cumulative, u, side="right")
        return np.asarray(dist.values, dtype=float)[np.minimum(index, len(dist.values) - 1)]
    raise TypeError(f"unknown distribution {type(dist).__name__}")


def sample_uncertainty(uncertainty: Mapping, documented: Mapping[str, tuple[float, float]],
                       n_runs: int, seed: int, sampler: str) -> dict[str, list[float]]:
    """Per-run values of every uncertain parameter (columns in sorted name order).

    Values are kept inside each parameter's documented range.
    """
    names = sorted(uncertainty)
    if not names:
        return {}
    u = uniforms(n_runs, len(names), seed, sampler)
    out = {}
    for j, name in enumerate(names):
        lo, hi = documented[name]
        values = np.clip(inverse_cdf(uncertainty[name], u[:, j], (lo, hi)), lo, hi)
        out[name] = [float(x) for x in values]
    return out
