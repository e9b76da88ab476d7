"""Draw per-run values of a scenario's uncertain parameters, before any run starts.

Each distribution is sampled by its inverse CDF from uniforms on [0, 1): plain Monte Carlo
uniforms (``mc``) or a Latin hypercube (``lhs``: each parameter's column is a one-dimensional
Latin hypercube, scipy's `qmc.LatinHypercube`), which covers every parameter's range evenly with
fewer runs. Every parameter draws from a stream of its own, keyed by the master seed, the
sampling stream and a stable hash of the parameter's name: so sampling never shifts the runs'
own seeds, and fixing one parameter (``--set``, ``--params``) leaves every other parameter's
draws of every run unchanged (common random numbers survive a fixed parameter). Columns drawn
independently per parameter still form a Latin hypercube: its definition is per dimension.
"""

from __future__ import annotations

import hashlib
from typing import Mapping

import numpy as np

from unionsim.config.schema import (Beta, Choice, Documented, Normal, Triangular, Uniform)

SAMPLERS = ("mc", "lhs")
_SAMPLING_STREAM = 0x5A4D  # mixed into the master seed: a stream of its own


def name_key(name: str) -> list[int]:
    """A stable key of a parameter's name for seeding (two 32-bit words of its SHA-256).

    Python's own ``hash`` of a string changes from one process to the next; this does not.
    """
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return [int.from_bytes(digest[0:4], "little"), int.from_bytes(digest[4:8], "little")]


def parameter_stream(name: str, seed: int) -> np.random.Generator:
    """The generator of one parameter's draws: the master seed, the sampling stream, the name."""
    return np.random.default_rng(np.random.SeedSequence([seed, _SAMPLING_STREAM,
                                                         *name_key(name)]))


def uniforms(name: str, n_draws: int, seed: int, sampler: str) -> np.ndarray:
    """``n_draws`` uniforms on [0, 1) for parameter ``name`` from its own stream."""
    if sampler not in SAMPLERS:
        raise ValueError(f"unknown sampler '{sampler}'; expected one of {SAMPLERS}")
    rng = parameter_stream(name, seed)
    if sampler == "mc":
        return rng.random(n_draws)
    from scipy.stats import qmc

    lhs = qmc.LatinHypercube(d=1, rng=rng) if _lhs_takes_rng() else \
        qmc.LatinHypercube(d=1, seed=rng)
    return lhs.random(n_draws)[:, 0]


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
    """``n_runs`` values of every uncertain parameter, each from its own stream.

    A parameter's values depend only on its name, its distribution, the master seed, the sampler
    and ``n_runs``, never on which other parameters are sampled. Values are kept inside each
    parameter's documented range.
    """
    out = {}
    for name in sorted(uncertainty):
        lo, hi = documented[name]
        u = uniforms(name, n_runs, seed, sampler)
        values = np.clip(inverse_cdf(uncertainty[name], u, (lo, hi)), lo, hi)
        out[name] = [float(x) for x in values]
    return out
