"""Influence of the parameters on the headline outputs, in percentage points: main effects from
a random design, Morris measures under common random numbers, Sobol' indices of the top ones;
each parameter's largest effect, the ranking's stability between master seeds, and the classes
the fit and the parameter review read.

The inputs are designs (in the parameters' own units, or as shares of their ranges) and the
headline outputs (`unionsim.analysis.headline`) per run or per design point. Nothing here knows
of scenarios or folders (`unionsim.analysis.influence_study` runs the designs), so every measure
can be checked on constructed designs with known effects.

Why two designs. A run is stochastic: moving one parameter changes the ending of a share of the
runs, some for a reason and some by chance, so one elementary effect of a share estimated from a
few runs is mostly noise (a single run that ends otherwise moves a share of 4 runs by 25 pp).
Morris' mu*, a mean of absolute values, keeps that noise; a 5 pp effect would need hundreds of
runs per design point for each of 540 parameters. So:

* **Main effect** (the influence measure): a Latin hypercube over every parameter, each run with
  its own seed, every run informing every parameter; per output, a least-squares fit of the
  output on each parameter's first two Legendre polynomials over its range (plus one constant per
  scenario). A parameter's effect is the range of its fitted curve over the documented range, in
  pp: how far the share moves as the parameter crosses its range, averaged over everything else.
  Noise averages out as 1 / sqrt(runs); parameters the model never reads (``dummy`` columns,
  random numbers added to the fit) show how large an effect chance alone produces.
* **Morris** (SALib) with common random numbers: a parameter whose every elementary effect is
  zero changed the ending of no run, at any trajectory, in any scenario; ``mu_star`` (pp over
  the range) below 1 pp is how "moves nothing" is decided. Above that, mu* mixes effect and
  noise; ``signal`` is the part two independent halves of the repeats agree on
  (``sqrt(max(0, mean(EE_a * EE_b)))``), ``noise`` the mu* a parameter without effect would show
  (``sqrt(2 / pi) * sqrt(mean((EE_a - EE_b) ** 2) / 4)``); both need at least two repeats.
* **Sobol'** on the parameters with the largest main effects: ``sqrt(ST) * sd(output)``, the
  spread of the output the parameter accounts for with its interactions, in pp.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

#: A parameter whose largest effect reaches this many pp is influential: it must be
#: value-sourced or fitted.
INFLUENTIAL_PP = 5.0
#: A parameter whose largest Morris effect stays below this many pp moves nothing users read.
NEGLIGIBLE_PP = 1.0
#: Columns of random numbers added to the main-effects fit as parameters the model never reads.
DUMMIES = 4
MAIN_COLUMNS = ("group", "output", "parameter", "effect", "slope", "slope_se", "runs")

MORRIS_COLUMNS = ("group", "output", "parameter", "mu_star", "mu", "sigma", "mu_star_conf",
                  "cross", "diff2", "trajectories")


@dataclass(frozen=True)
class MorrisDesign:
    """What the effects computation needs of a Morris design."""

    names: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    x: np.ndarray                 # (trajectories * (k + 1), k), the points in the parameters' units
    num_levels: int = 4
    seed: int = 1

    @property
    def problem(self) -> dict:
        return {"num_vars": len(self.names), "names": list(self.names),
                "bounds": [list(b) for b in self.bounds]}

    @property
    def trajectories(self) -> int:
        return len(self.x) // (len(self.names) + 1)


def elementary_effects(design: MorrisDesign, y: np.ndarray) -> np.ndarray:
    """Elementary effects, shape (trajectories, parameters, outputs), in output units per range.

    ``y`` has one row per design point and one column per output. Each step of a trajectory
    moves one parameter; its effect is the change of the output divided by the step as a share
    of that parameter's documented range (SALib's definition).
    """
    k = len(design.names)
    lo, hi = np.array(design.bounds, dtype=float).T
    y = np.asarray(y, dtype=float)
    if y.ndim == 1:
        y = y[:, None]
    r = design.trajectories
    x = (design.x - lo) / (hi - lo)
    x = x.reshape(r, k + 1, k)
    y = y.reshape(r, k + 1, y.shape[1])
    dx = np.diff(x, axis=1)                                  # (r, k, k): one nonzero per step
    moved = np.abs(dx).argmax(axis=2)                        # (r, k): which parameter each step moved
    step = np.take_along_axis(dx, moved[:, :, None], axis=2)[:, :, 0]
    dy = np.diff(y, axis=1)                                  # (r, k, m)
    ee = np.zeros((r, k, y.shape[2]))
    rows = np.arange(r)[:, None]
    ee[rows, moved] = dy / step[:, :, None]
    return ee


def morris_effects(design: MorrisDesign, y: pd.DataFrame,
                   halves: tuple[pd.DataFrame, pd.DataFrame] | None = None,
                   *, group: str = "", confidence: float = 0.95,
                   resamples: int = 200) -> pd.DataFrame:
    """Morris measures of every parameter on every column of ``y`` (rows: design points).

    mu*, mu, sigma and the bootstrap interval of mu* come from SALib's ``morris.analyze``;
    ``halves`` (the same outputs from two disjoint halves of the repeats) give the noise-free
    ``cross`` term and the noise term ``diff2`` (see the module docstring), averaged over
    trajectories. An output constant over the design has every effect 0.
    """
    from SALib.analyze import morris

    names = list(design.names)
    ee_a = ee_b = None
    if halves is not None:
        ee_a = elementary_effects(design, halves[0][y.columns].to_numpy())
        ee_b = elementary_effects(design, halves[1][y.columns].to_numpy())
    values = y.to_numpy(dtype=float)
    k, m = len(names), len(y.columns)
    cols = {c: np.zeros((m, k)) for c in ("mu_star", "mu", "sigma", "mu_star_conf")}
    for j in range(m):
        col = values[:, j]
        if np.ptp(col) == 0:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            si = morris.analyze(design.problem, design.x, col, num_resamples=resamples,
                                conf_level=confidence, num_levels=design.num_levels,
                                seed=design.seed)
        for c in cols:
            cols[c][j] = np.nan_to_num(np.asarray(si[c], dtype=float))
    frame = pd.DataFrame({"group": group, "output": np.repeat(list(y.columns), k),
                          "parameter": np.tile(names, m),
                          **{c: v.ravel() for c, v in cols.items()}})
    if ee_a is not None:
        a, b = ee_a, ee_b                                   # (trajectories, k, m)
        frame["cross"] = (a * b).mean(axis=0).T.ravel()
        frame["diff2"] = ((a - b) ** 2).mean(axis=0).T.ravel()
    else:
        frame["cross"] = np.nan
        frame["diff2"] = np.nan
    frame["trajectories"] = design.trajectories
    return frame[list(MORRIS_COLUMNS)]


def pool_seeds(per_seed: Mapping[int, pd.DataFrame]) -> pd.DataFrame:
    """Morris measures pooled over master seeds (trajectory-weighted means), with each seed's
    mu* beside them (``mu_star_seed<S>``), ``signal`` and ``noise`` in pp."""
    keys = ["group", "output", "parameter"]
    seeds = sorted(per_seed)
    base = None
    for s in seeds:
        f = per_seed[s].set_index(keys)
        w = f["trajectories"].astype(float)
        part = pd.DataFrame({"w": w, "mu_star": f["mu_star"] * w, "mu": f["mu"] * w,
                             "cross": f["cross"] * w, "diff2": f["diff2"] * w,
                             f"mu_star_seed{s}": f["mu_star"]})
        base = part if base is None else base.add(part, fill_value=0.0)
    for c in ("mu_star", "mu", "cross", "diff2"):
        base[c] = base[c] / base["w"]
    base["signal"] = np.sqrt(base["cross"].clip(lower=0.0))
    base["noise"] = math.sqrt(2 / math.pi) * np.sqrt(base["diff2"].clip(lower=0.0) / 4)
    return base.drop(columns=["w"]).reset_index()


def largest_effects(effects: pd.DataFrame, column: str = "mu_star") -> pd.DataFrame:
    """Per parameter, the row of its largest ``column`` over groups and outputs (ties: the
    first output in headline order), indexed by parameter."""
    order = {name: i for i, name in enumerate(pd.unique(effects["output"]))}
    f = effects.assign(_o=effects["output"].map(order))
    f = f.sort_values(["parameter", column, "_o"], ascending=[True, False, True])
    return f.drop_duplicates("parameter").drop(columns="_o").set_index("parameter")


def ranking_stability(a: pd.Series, b: pd.Series, *, top: Sequence[int] = (10, 20, 50),
                      spearman_top: int = 50, influential: float = INFLUENTIAL_PP,
                      negligible: float = NEGLIGIBLE_PP) -> dict:
    """How far two seeds' largest effects (parameter -> pp) agree.

    Spearman's correlation over every parameter and over the union of each seed's top
    ``spearman_top``; how many of the top K they share; whether the sets of influential and of
    negligible parameters are the same, and which parameters differ.
    """
    a, b = a.align(b, join="inner")
    rank_a, rank_b = a.sort_values(ascending=False), b.sort_values(ascending=False)
    union = list(dict.fromkeys(list(rank_a.index[:spearman_top])
                               + list(rank_b.index[:spearman_top])))
    out = {"parameters": int(len(a)),
           "spearman_all": _spearman(a, b),
           f"spearman_top{spearman_top}": _spearman(a[union], b[union]),
           "spearman_top_n": spearman_top,
           "top_overlap": {int(k): int(len(set(rank_a.index[:k]) & set(rank_b.index[:k])))
                           for k in top}}
    for label, test in (("influential", lambda s: s >= influential),
                        ("negligible", lambda s: s < negligible)):
        set_a, set_b = set(a.index[test(a)]), set(b.index[test(b)])
        out[label] = {"seed_a": len(set_a), "seed_b": len(set_b), "both": len(set_a & set_b),
                      "same": set_a == set_b, "only_a": sorted(set_a - set_b),
                      "only_b": sorted(set_b - set_a)}
    return out


def _spearman(a: pd.Series, b: pd.Series) -> float:
    if len(a) < 3 or a.nunique() < 2 or b.nunique() < 2:
        return float("nan")
    return float(spearmanr(a.to_numpy(), b.to_numpy()).statistic)


def sobol_effects(problem: dict, y: pd.DataFrame, *, group: str = "", seed: int = 1,
                  confidence: float = 0.95) -> pd.DataFrame:
    """Sobol' first and total indices (SALib, Saltelli design without second order) of every
    column of ``y`` and the effect ``sqrt(ST) * sd(output)`` in the output's units."""
    from SALib.analyze import sobol

    frames = []
    for output in y.columns:
        col = y[output].to_numpy(dtype=float)
        frame = pd.DataFrame({"group": group, "output": output, "parameter": problem["names"]})
        if np.ptp(col) == 0:
            frame["S1"] = frame["ST"] = frame["ST_conf"] = frame["effect"] = 0.0
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                si = sobol.analyze(problem, col, calc_second_order=False, conf_level=confidence,
                                   seed=seed)
            st = np.clip(np.nan_to_num(np.asarray(si["ST"], dtype=float)), 0.0, None)
            frame["S1"] = np.nan_to_num(np.asarray(si["S1"], dtype=float))
            frame["ST"] = st
            frame["ST_conf"] = np.nan_to_num(np.asarray(si["ST_conf"], dtype=float))
            frame["effect"] = np.sqrt(st) * float(np.std(col))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def classify(effect: float, morris: float) -> str:
    """``influential`` (main effect >= 5 pp), ``negligible`` (Morris mu* < 1 pp on every output:
    it changed the ending of next to no run) or ``moderate``."""
    if effect >= INFLUENTIAL_PP:
        return "influential"
    if morris < NEGLIGIBLE_PP:
        return "negligible"
    return "moderate"


def legendre_features(u: np.ndarray) -> np.ndarray:
    """The first two shifted Legendre polynomials of each column of ``u`` (values in 0-1),
    ``2u - 1`` and ``6u^2 - 6u + 1``: uncorrelated under a uniform design, so adding the curve
    costs the slope nothing. Shape (runs, 2 * columns): all linear terms, then all quadratic."""
    u = np.asarray(u, dtype=float)
    return np.hstack([2 * u - 1, 6 * u * u - 6 * u + 1])


def curve_range(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Range over 0-1 of ``a * (2u - 1) + b * (6u^2 - 6u + 1)`` (elementwise)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    f0, f1 = -a + b, a + b
    with np.errstate(divide="ignore", invalid="ignore"):
        vertex = np.where(b != 0, 0.5 - a / (6 * b), -1.0)
    inside = (vertex > 0) & (vertex < 1)
    v = np.clip(vertex, 0, 1)
    fv = np.where(inside, a * (2 * v - 1) + b * (6 * v * v - 6 * v + 1), f0)
    stacked = np.stack([f0, f1, fv])
    return stacked.max(axis=0) - stacked.min(axis=0)


def main_effects(u: np.ndarray, y: pd.DataFrame, names: Sequence[str], *,
                 strata: np.ndarray | None = None, group: str = "", dummies: int = DUMMIES,
                 seed: int = 1) -> pd.DataFrame:
    """Main effect of every parameter (column of ``u``, its value as a share of its range) on
    every column of ``y`` (one row per run), in ``y``'s units over the whole range.

    ``strata`` (e.g. the scenario of each run) get a constant each. ``dummies`` columns of
    uniform random numbers (seeded) enter the fit as parameters named ``(dummy N)``: their
    effects are chance alone. Columns: ``effect`` (the range of the fitted curve), ``slope``
    (the linear part from the low to the high end of the range, signed) and its standard error.
    """
    u = np.asarray(u, dtype=float)
    runs = len(u)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0xD0]))
    names = list(names) + [f"(dummy {i + 1})" for i in range(dummies)]
    if dummies:
        u = np.hstack([u, rng.random((runs, dummies))])
    k = u.shape[1]
    strata = np.zeros(runs, dtype=int) if strata is None else np.asarray(strata)
    levels, codes = np.unique(strata, return_inverse=True)
    onehot = np.zeros((runs, len(levels)))
    onehot[np.arange(runs), codes] = 1.0
    x = np.hstack([legendre_features(u), onehot])
    if runs <= x.shape[1]:
        raise ValueError(f"{runs} runs cannot fit {x.shape[1]} terms")
    values = y.to_numpy(dtype=float)
    from scipy.linalg import cho_factor, cho_solve

    # normal equations: the terms are nearly orthogonal under a Latin hypercube, so this is
    # well conditioned and much cheaper than an SVD of a (runs x terms) matrix
    xtx = x.T @ x
    factor = cho_factor(xtx)
    coef = cho_solve(factor, x.T @ values)
    resid = values - x @ coef
    dof = runs - x.shape[1]
    sigma2 = (resid ** 2).sum(axis=0) / dof
    xtx_inv_diag = np.diag(cho_solve(factor, np.eye(x.shape[1])))[:k]
    a, b = coef[:k], coef[k:2 * k]
    effect = curve_range(a, b)
    slope = 2 * a
    slope_se = 2 * np.sqrt(np.outer(xtx_inv_diag, sigma2))
    m = len(y.columns)
    return pd.DataFrame({"group": group, "output": np.repeat(list(y.columns), k),
                         "parameter": np.tile(names, m), "effect": effect.T.ravel(),
                         "slope": slope.T.ravel(), "slope_se": slope_se.T.ravel(),
                         "runs": runs})[list(MAIN_COLUMNS)]
