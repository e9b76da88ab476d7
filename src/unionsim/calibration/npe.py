"""Neural posterior estimation (NPE) with sbi: the second calibration method of
``unionsim calibrate`` (``--method npe``), beside ABC-SMC (`unionsim.calibration.fit`).

Why: ABC-SMC's importance weights collapse when 30-60 parameters are fitted (the shipped pyabc
posterior has an effective sample size of 7.2 of its 200 particles), so a posterior batch replays
a handful of parameter vectors. NPE trains a conditional density estimator (sbi's default
masked autoregressive flow) on simulations drawn from the prior and then gives *independent*
draws from the posterior at the observed data: every draw counts.

The fit, every step reproducible from the fit's seed whatever runs the simulations:

1. **Prior draws**: ``simulations`` vectors of the model's parameters (the top N of the
   screening ranking and every parameter marked ``fit:``, a default once set by hand to match
   the history: `fit_parameters`) and the fitted poll offsets (`fitted_offsets`), each uniform
   over its documented range, drawn with numpy's Generator seeded from the fit's seed.
2. **Simulations**: each vector is one `SimulationModel` evaluation (``replicates`` runs of
   every scenario a *fitting* target reads), seeded from a SeedSequence of the fit's seed and the
   vector's index, so a serial map, a process pool and a dask cluster give the same numbers. The
   held-out targets are not measured here at all: nothing held out can reach the network.
   Finished chunks of ``chunk`` simulations are saved in the fit folder
   (``simulations-NNNN.npz``, written whole through the folder's guard), so ``--resume`` redoes
   only the chunks that were not finished.
3. **Data x**: each fitting target's error in tolerances, ``(measure - observed) / tolerance``
   on the target's side (`error_in_tolerances`; a poll scored with its measurement-model
   tolerance, `scoring_tolerances`), exactly the terms of ABC's distance. The observation is
   then x_o = 0 for every target. *Tolerance-as-measurement-error model*: a committed tolerance
   is read as one standard deviation of the error between the documents' figure and the
   quantity the model measures, so every simulated x gets independent N(0, 1) noise (in
   tolerance units) before training; the network learns p(theta | observed figure), not
   p(theta | exact model value), and a target missed by one tolerance is as likely as the
   measurement model says.
   The noisy errors are then clipped to +-``X_CLIP`` tolerances: a deterministic transform that
   is the identity near the observation (x_o = 0), so the posterior at x_o is unchanged, while
   a few simulations missing a target by hundreds of tolerances no longer dominate the
   network's z-scoring of that input.
   A measure that is undefined (NaN: no run met its condition) becomes ``UNDEFINED_ERROR``, one
   tolerance, as in ABC's distance: the simulation is kept (dropping it would bias the prior
   towards parameters under which the condition occurs), and it is neither rewarded nor
   excluded. A simulation whose runs all failed (an infinite measure) is dropped: it carries no
   data, as ABC never accepts it; the manifest counts them.
4. **Training**: sbi's NPE (``NPE_C``, maximum likelihood on prior simulations), torch seeded
   from the fit's seed and run on one thread, so the network and its draws are reproducible.
   The network learns the posterior of the vectors' *normal scores* (`normal_scores`: each
   quantity's place in its range through the standard normal quantile function), whose prior
   is exactly the flow's standard normal base: a quantity the targets do not inform keeps its
   prior, and a shift or narrowing is what the flow's affine steps represent best.
   **Later rounds** (``rounds`` above 1: truncated sequential NPE, Deistler et al. 2022, the
   scheme sbi's `get_density_thresholder` and `RestrictedPrior` implement): a network trained on
   the simulations so far gives the posterior at x_o; the prior is truncated to that
   posterior's highest-density region holding all but ``truncation`` of its mass, and
   ``round_simulations`` vectors drawn from it by rejection of prior candidates are simulated
   (`truncated_prior_draws`; chunks ``simulations-rR-NNNN.npz``). Inside the region the
   truncated prior is proportional to the prior, so the last network is trained on every
   round's simulations with NPE's own maximum-likelihood loss and still learns the posterior at
   x_o, with more of its simulations where the observation is. The calibration check holds back
   each round's share of rows (`held_back`), so it tests the network on the same mixture it
   was trained on.
5. **Draws**: ``draws`` independent posterior draws at x_o, mapped back into the ranges
   (`from_normal_scores`), from which each parameter's contraction
   ``1 - posterior variance / prior variance`` is reported. **Calibration check**: the last
   ``sbc`` simulations are held back from training; each one's true vector is ranked among
   ``sbc_draws`` posterior draws given its own x (simulation-based calibration, sbi's
   `run_sbc`). A calibrated network gives uniform ranks: the manifest records each
   parameter's Kolmogorov-Smirnov p-value and names those below 0.05 / (number of parameters),
   whose posterior is too narrow, too wide or shifted. **Information read-out**: the same
   held-back simulations score a least-squares line from x to each parameter fitted on the
   training rows (`linear_information`, an out-of-sample R^2): what the targets tell about each
   parameter on average, whatever the network makes of it.
6. **Posterior predictive**: the first ``predictive`` draws (an iid subset) are simulated with
   ``predictive_replicates`` runs per scenario and every measured target, fitting and held-out,
   so the report can score hits; they are written in the particles table of
   `unionsim.calibration.fit.last_population` with weight 1/N each and ABC's distance. The
   effective sample size 1/sum(w^2) of N equal weights is N: for independent draws it equals
   the draw count (ABC-SMC's is usually far smaller than its particle count).
"""

from __future__ import annotations

import contextlib
import io
import random
import time
import warnings
from functools import partial
from typing import Callable, Sequence

import numpy as np

from unionsim.calibration.fit import FitDistance, FitResult, FitSettings, SimulationModel, key
from unionsim.calibration.holdout import distance_targets
from unionsim.calibration.measures import UNDEFINED_ERROR
from unionsim.config.targets import LoadedTarget, TargetSet, scenario_spec
from unionsim.errors import ResultsError, UsageError

# independent random streams mixed into the fit's seed
_PRIOR_STREAM, _SIMULATION_STREAM, _NOISE_STREAM = 0x5B1_01, 0x5B1_02, 0x5B1_03
_TORCH_STREAM, _PREDICTIVE_STREAM = 0x5B1_04, 0x5B1_05
# a later round r's prior candidates and evaluation seeds: stream + r
_ROUND_PRIOR_STREAM, _ROUND_SIMULATION_STREAM = 0x5B1_100, 0x5B1_200
# posterior draws that place the truncation's density threshold (its `truncation` quantile)
TRUNCATION_DRAWS = 100_000
# prior candidates screened at a time, and at most in all, for one later round's draws
CANDIDATE_BATCH, MAX_CANDIDATES = 50_000, 20_000_000
MAX_CHUNK_BYTES = 512 * 1024 * 1024
# seconds of one model run of one scenario with its share of the tables and measures, per
# worker, measured on the project's 2-core machine (the full fit's first 8,000 one-run
# simulations of the six target scenarios, 48,000 runs, took 395 s on 2 workers, December
# 2026); only used to print an estimate before the first chunk gives a measured rate
SECONDS_PER_RUN = 0.017
# seconds of one training epoch per simulation (a flow of 5 transforms of 64 units over 51
# parameters and 78 targets, one thread: 2.5 s an epoch of 6,000 simulations, same machine)
SECONDS_PER_SIMULATION_EPOCH = 4.2e-4
# longest time sbi may spend drawing from the posterior before the fit gives up
MAX_SAMPLING_SECONDS = 600.0


def require_sbi():
    """sbi and torch, imported; a `UsageError` naming the extra to install when missing."""
    try:
        import sbi  # noqa: F401
        import torch
    except ImportError:
        raise UsageError("the npe calibration method needs the sbi and torch libraries",
                         field="method",
                         hint='pip install "unionsim[calibration]" (torch==2.13.0, the CPU '
                              'build), or use --method abc') from None
    return torch


def chunk_name(i: int, round_: int = 1) -> str:
    """The file of chunk ``i`` of round ``round_``; a later round's sort after the first's."""
    return f"simulations-{i:04d}.npz" if round_ == 1 else f"simulations-r{round_}-{i:04d}.npz"


def prior_box(manifest: dict, names: Sequence[str], offsets: Sequence[str]
              ) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper ends of every fitted quantity's uniform prior (parameters, then
    offsets), from the fit's manifest."""
    specs = {**manifest["parameters"], **manifest.get("poll_offsets", {})}
    low = np.array([specs[n]["range"][0] for n in [*names, *offsets]], dtype=float)
    high = np.array([specs[n]["range"][1] for n in [*names, *offsets]], dtype=float)
    return low, high


def prior_draws(seed: int, n: int, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """``n`` vectors drawn uniformly from the box, reproducibly from the fit's seed."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), _PRIOR_STREAM]))
    return rng.uniform(low, high, size=(n, len(low)))


def evaluation_seeds(seed: int, stream: int, n: int) -> np.ndarray:
    """One 32-bit seed per evaluation, from the fit's seed and a stream: evaluation i gets the
    same seed whoever runs it and in whatever order."""
    return np.random.SeedSequence([int(seed), int(stream)]).generate_state(n)


def _evaluate(model: SimulationModel, columns: tuple[str, ...], item) -> dict[str, float]:
    """One map element: the model's measures for one vector, numpy seeded first (the model
    draws its runs' seed from numpy's global generator)."""
    seed, row = item
    np.random.seed(int(seed))
    random.seed(int(seed))
    return model(dict(zip(columns, (float(v) for v in row))))


def _read_chunk(folder, name: str) -> dict:
    from unionsim.guard import read_entry_bytes

    path = folder.path / name
    raw = read_entry_bytes(folder.path, name, MAX_CHUNK_BYTES)   # no link, a sane size
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as data:
            chunk = {k: data[k] for k in data.files}
        missing = {"theta", "measures", "targets", "fit_id"} - set(chunk)
        if missing:
            raise ValueError(f"it lacks {', '.join(sorted(missing))}")
        return chunk
    except Exception as exc:  # noqa: BLE001 - zip, npy and pickle-refusal errors of many kinds
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise ResultsError(f"{name} is damaged: {reason}", file=path,
                           hint="delete it to simulate that chunk again, or add --force to "
                                "start the fit again") from None


def saved_simulations(path) -> tuple[np.ndarray, np.ndarray]:
    """Every simulation a fit folder holds, in order: (theta, measures), each chunk read and
    checked as `--resume` reads it (no link, a sane size, the expected arrays)."""
    from pathlib import Path
    from types import SimpleNamespace

    from unionsim.guard.folders import visible_entries

    folder = SimpleNamespace(path=Path(path))
    names = sorted(n for n in visible_entries(folder.path)
                   if n.startswith("simulations-") and n.endswith(".npz"))
    if not names:
        raise ResultsError("the folder holds no saved simulations", file=folder.path,
                           hint="give the folder of an NPE fit (unionsim calibrate --method "
                                "npe --out DIR)")
    chunks = [_read_chunk(folder, n) for n in names]
    return (np.vstack([c["theta"] for c in chunks]),
            np.vstack([c["measures"] for c in chunks]))


def simulate_prior(folder, model: SimulationModel, theta: np.ndarray, seeds: np.ndarray,
                   ids: Sequence[str], mapper, chunk: int, say: Callable[[str], None],
                   round_: int = 1) -> np.ndarray:
    """Each vector's fitting measures, shape (simulations, targets): chunks of round
    ``round_`` saved earlier are read back (checked against this fit), the others simulated
    and saved."""
    from unionsim.guard import write_bytes

    columns = tuple(key(n) for n in (*model.names, *model.offsets))
    measures = np.full((len(theta), len(ids)), np.nan)
    n_chunks = -(-len(theta) // chunk)
    started, simulated = time.perf_counter(), 0
    for c in range(n_chunks):
        lo, hi = c * chunk, min(len(theta), (c + 1) * chunk)
        name = chunk_name(c, round_)
        if (folder.path / name).exists():
            data = _read_chunk(folder, name)
            if (str(data["fit_id"]) != folder.fit_id
                    or list(map(str, data["targets"])) != list(ids)
                    or not np.array_equal(data["theta"], theta[lo:hi])
                    or data["measures"].shape != (hi - lo, len(ids))):
                raise ResultsError(f"{name} does not belong to this fit (another fit's id, "
                                   "targets or parameter draws)", file=folder.path / name,
                                   hint="add --force to start the fit again")
            measures[lo:hi] = data["measures"]
            continue
        results = list(mapper(partial(_evaluate, model, columns),
                              [(int(s), tuple(r)) for s, r in zip(seeds[lo:hi], theta[lo:hi])]))
        measures[lo:hi] = [[r[i] for i in ids] for r in results]
        buffer = io.BytesIO()
        np.savez(buffer, theta=theta[lo:hi], measures=measures[lo:hi],
                 targets=np.array(list(ids)), fit_id=np.array(folder.fit_id))
        write_bytes(folder.path, name, buffer.getvalue(), sync=True)
        simulated += hi - lo
        elapsed = time.perf_counter() - started
        left = elapsed / simulated * (len(theta) - hi)
        say(f"{'' if round_ == 1 else f'round {round_} '}simulations: {hi} of {len(theta)} "
            f"done ({elapsed:.0f} s this session, about "
            f"{left / 60:.0f} min to go at this rate)")
    return measures


X_CLIP = 10.0           # tolerances: beyond, a simulation is simply far from the observation


def standardised(measures: np.ndarray, targets: Sequence[LoadedTarget],
                 tolerances: dict[str, float]) -> np.ndarray:
    """Each fitting target's error in tolerances on its side (columns in ``targets``' order);
    NaN (an undefined measure) becomes ``UNDEFINED_ERROR``, an infinite measure stays
    infinite."""
    from unionsim.calibration.measures import error_in_tolerances

    z = np.empty_like(measures, dtype=float)
    for j, t in enumerate(targets):
        z[:, j] = error_in_tolerances(t.target, measures[:, j],
                                      scenario_spec(t.scenario).start, tolerances.get(t.id))
    z = np.where(np.isinf(measures), np.inf, z)
    return np.where(np.isnan(z), UNDEFINED_ERROR, z)


def usable(measures: np.ndarray) -> np.ndarray:
    """Which simulations carry data: not every run failed (no infinite measure)."""
    return ~np.isinf(measures).any(axis=1)


def training_data(theta: np.ndarray, measures: np.ndarray, targets: Sequence[LoadedTarget],
                  tolerances: dict[str, float], seed: int):
    """The network's training set: (theta, x) with x a table whose columns are the fitting
    targets' ids, each the standardised error plus N(0, 1) measurement noise, clipped to
    +-``X_CLIP``; simulations whose runs all failed (not `usable`) are dropped. Returns
    (theta, x, dropped)."""
    import pandas as pd

    z = standardised(measures, targets, tolerances)
    noise = np.random.default_rng(np.random.SeedSequence([int(seed), _NOISE_STREAM]))
    z = z + noise.standard_normal(z.shape)
    keep = usable(measures)
    x = pd.DataFrame(np.clip(z[keep], -X_CLIP, X_CLIP), columns=[t.id for t in targets])
    return theta[keep], x, int((~keep).sum())


def held_back(rounds: np.ndarray, sbc: int) -> np.ndarray:
    """Which rows the calibration check holds back, given each row's round: ``sbc`` in all,
    each round's share in proportion to its rows and taken from its end, so the held-back rows
    come from the same mixture of proposals as the training rows (with one round: the last
    ``sbc`` rows, unless `training_rows` keeps them all)."""
    n = len(rounds)
    held = np.zeros(n, dtype=bool)
    if training_rows(n, sbc) == n:
        return held
    labels = sorted(set(rounds.tolist()))
    shares = [sbc * int((rounds == r).sum()) // n for r in labels[1:]]
    for r, h in zip(labels, [sbc - sum(shares), *shares]):
        rows = np.flatnonzero(rounds == r)
        held[rows[len(rows) - min(h, len(rows)):]] = True
    return held


class _NoTracker:
    """sbi's training tracker, recording nothing: its default writes TensorBoard logs into
    ``sbi-logs/`` of the working directory, a folder the fit does not own (everything a fit
    writes goes to its fit folder; the epochs it trained are in the manifest)."""

    log_dir = None

    def log_metric(self, name, value, step=None) -> None:
        pass

    def log_metrics(self, metrics, step=None) -> None:
        pass

    def log_params(self, params) -> None:
        pass

    def add_figure(self, name, figure, step=None) -> None:
        pass

    def flush(self) -> None:
        pass


def training_rows(n: int, sbc: int) -> int:
    """How many of ``n`` simulations train the network: all but the last ``sbc``, held back
    for the calibration check, unless that would leave fewer than two."""
    return n - sbc if n - sbc >= 2 else n


def normal_scores(theta: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Each quantity's position in its range mapped through the standard normal quantile
    function: a vector drawn uniformly over the prior box becomes a standard normal vector."""
    from scipy.special import ndtri

    unit = (np.asarray(theta, dtype=float) - low) / (high - low)
    # a value on a bound would map to an infinity: keep it a float's width inside
    tiny = np.finfo(float).eps
    return ndtri(np.clip(unit, tiny, 1.0 - tiny))


def from_normal_scores(z: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The inverse of `normal_scores`: standard normal coordinates back into the ranges."""
    from scipy.special import ndtr

    return np.clip(low + (high - low) * ndtr(np.asarray(z, dtype=float)), low, high)


@contextlib.contextmanager
def _one_thread(torch):
    """Torch on one thread while the block runs: the same arithmetic whatever the machine, so
    the network and its draws are reproducible."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def _train_network(torch, scores: np.ndarray, x: np.ndarray, settings: FitSettings,
                   torch_seed: int):
    """sbi's NPE trained on (normal scores, x): the posterior and the epochs it took."""
    from sbi.inference import NPE
    from sbi.neural_nets import posterior_nn
    from torch.distributions import MultivariateNormal

    torch.manual_seed(torch_seed)
    dims = scores.shape[1]
    prior = MultivariateNormal(torch.zeros(dims), torch.eye(dims))
    # the normal scores are already standardised: no further z-scoring of theta
    estimator = posterior_nn(model="zuko_maf", hidden_features=settings.hidden,
                             num_transforms=settings.transforms, z_score_theta="none")
    inference = NPE(prior=prior, density_estimator=estimator, show_progress_bars=False,
                    tracker=_NoTracker())
    inference.append_simulations(torch.tensor(scores, dtype=torch.float32),
                                 torch.tensor(x, dtype=torch.float32))
    with warnings.catch_warnings():
        # reaching the epoch cap is reported through the epoch count instead
        warnings.filterwarnings("ignore", message="Maximum number of epochs")
        # sbi prints its own convergence line (no newline) whatever show_train_summary
        # says; the fit reports the epochs itself
        with contextlib.redirect_stdout(io.StringIO()):
            inference.train(max_num_epochs=settings.max_epochs, show_train_summary=False)
    epochs = int(inference._summary["epochs_trained"][-1]) \
        if getattr(inference, "_summary", None) else None
    return inference.build_posterior(), epochs


def _draw(torch, posterior, n: int, n_targets: int, torch_seed: int):
    """``n`` posterior draws (normal scores) at the observation x_o = 0."""
    torch.manual_seed(torch_seed)
    try:
        return posterior.sample((n,), x=torch.zeros(n_targets), show_progress_bars=False,
                                max_sampling_time=MAX_SAMPLING_SECONDS)
    except RuntimeError as exc:
        raise ResultsError(f"the trained network gives no usable draws ({str(exc)[:160]})",
                           field="draws",
                           hint="fit with more simulations (or fewer parameters)") from None


def train_and_draw(theta: np.ndarray, x: np.ndarray, low: np.ndarray, high: np.ndarray,
                   settings: FitSettings, seed: int, held: np.ndarray | None = None):
    """Train sbi's NPE on (theta, x) but the rows ``held`` back (default: the last
    ``settings.sbc``) and draw ``settings.draws`` independent vectors from the posterior at
    x_o = 0 (every target hit exactly); then rank each held-back row's vector among
    ``settings.sbc_draws`` draws given its x. Returns (draws, epochs, ranks or None).

    The network learns the posterior of the `normal_scores` of theta, whose prior is exactly
    the flow's own base distribution, a standard normal: where the targets say nothing about a
    quantity the flow has nothing to learn, and where they shift or narrow it a flow of affine
    steps represents that directly. (Mapping each range through a logit instead gives a
    logistic prior, which a flow of affine steps approximates by a normal: mapped back, that
    puts too much weight near both ends of a range, and the posterior of a quantity the targets
    do not inform came out 8 % wider than its prior.) The ranks are taken on the normal
    scores, which order each quantity as theta does.
    """
    torch = require_sbi()
    if held is None:
        held = held_back(np.ones(len(theta), dtype=int), settings.sbc)
    scores = normal_scores(theta, low, high)
    torch_seed = int(evaluation_seeds(seed, _TORCH_STREAM, 1)[0])
    with _one_thread(torch):
        posterior, epochs = _train_network(torch, scores[~held], x[~held], settings,
                                           torch_seed)
        draws = _draw(torch, posterior, settings.draws, x.shape[1], torch_seed + 1)
        ranks = None
        if held.any():
            from sbi.diagnostics import run_sbc

            torch.manual_seed(torch_seed + 2)
            with warnings.catch_warnings():
                # small checks (the CI fit's) are allowed: the manifest records their sizes
                warnings.filterwarnings("ignore", message="Number of .* should be on the order")
                # sbi lowers its sampling batch to spare memory: no change to the draws
                warnings.filterwarnings("ignore", message="Capping max_sampling_batch_size")
                ranks, _ = run_sbc(torch.tensor(scores[held], dtype=torch.float32),
                                   torch.tensor(x[held], dtype=torch.float32), posterior,
                                   num_posterior_samples=settings.sbc_draws,
                                   show_progress_bar=False)
            ranks = ranks.numpy()
    return from_normal_scores(draws.numpy().astype(float), low, high), epochs, ranks


def truncated_prior_draws(theta: np.ndarray, x: np.ndarray, held: np.ndarray,
                          low: np.ndarray, high: np.ndarray, settings: FitSettings, seed: int,
                          round_: int) -> tuple[np.ndarray, dict]:
    """Round ``round_``'s proposal (truncated sequential NPE, Deistler et al. 2022, as sbi's
    `get_density_thresholder` and `RestrictedPrior` build it): a network trained on the
    simulations so far (but the rows ``held`` back) gives the posterior at x_o; the prior is
    truncated to that posterior's highest-density region holding all but ``settings.
    truncation`` of its mass, and ``settings.round_simulations`` vectors are drawn from it by
    rejection of prior candidates. Within the region the truncated prior is proportional to
    the prior, so training on every round's simulations with NPE's own loss still learns the
    posterior at x_o (the region holds it) and needs no correction for the proposal.

    Candidates come from numpy's Generator and the network is trained and sampled on one torch
    thread from seeds of the fit's: a resumed fit draws the same vectors. Returns (vectors,
    a summary: candidates screened, acceptance rate, the log-density threshold)."""
    torch = require_sbi()
    n = settings.round_simulations
    torch_seed = int(evaluation_seeds(seed, _TORCH_STREAM, 1)[0]) + 10 * round_
    rng = np.random.default_rng(np.random.SeedSequence([int(seed),
                                                        _ROUND_PRIOR_STREAM + round_]))
    x_o = torch.zeros(x.shape[1])
    with _one_thread(torch):
        posterior, epochs = _train_network(torch, normal_scores(theta[~held], low, high),
                                           x[~held], settings, torch_seed)
        draws = _draw(torch, posterior, TRUNCATION_DRAWS, x.shape[1], torch_seed + 1)
        with torch.no_grad():
            log_p = posterior.log_prob(draws, x=x_o, norm_posterior=False).numpy()
        threshold = float(np.sort(log_p)[int(settings.truncation * TRUNCATION_DRAWS)])
        accepted, screened = [], 0
        while sum(len(a) for a in accepted) < n:
            if screened >= MAX_CANDIDATES:
                raise ResultsError(
                    f"round {round_}: only {sum(len(a) for a in accepted)} of {screened} prior "
                    f"vectors fall in the posterior's region, {n} were wanted",
                    field="round_simulations",
                    hint="fit with fewer rounds or a larger truncation quantile")
            candidates = rng.uniform(low, high, size=(CANDIDATE_BATCH, len(low)))
            scores = torch.tensor(normal_scores(candidates, low, high), dtype=torch.float32)
            with torch.no_grad():
                inside = posterior.log_prob(scores, x=x_o, norm_posterior=False).numpy()
            accepted.append(candidates[inside > threshold])
            screened += CANDIDATE_BATCH
    vectors = np.vstack(accepted)[:n]
    return vectors, {"round": round_, "simulations": int(n), "epochs": epochs,
                     "candidates": int(screened),
                     "acceptance": round(sum(len(a) for a in accepted) / screened, 5),
                     "log_density_threshold": round(threshold, 4)}


def sbc_summary(ranks: np.ndarray | None, n_draws: int, names: Sequence[str]) -> dict:
    """The calibration check as the manifest records it: each parameter's Kolmogorov-Smirnov
    p-value of its ranks against the uniform, and the parameters below 0.05 / (number of
    parameters) (a Bonferroni bound: with a calibrated network, one in twenty fits names
    one)."""
    if ranks is None or not len(ranks):
        return {"simulations": 0}
    from scipy.stats import kstest

    p = {n: round(float(kstest(ranks[:, j] / n_draws, "uniform").pvalue), 4)
         for j, n in enumerate(names)}
    bound = 0.05 / len(names)
    return {"simulations": int(len(ranks)), "posterior_draws": int(n_draws),
            "ks_pvalues": p, "bound": round(bound, 6),
            "not_calibrated": [n for n, v in p.items() if v < bound]}


def linear_information(theta: np.ndarray, x: np.ndarray, train: int) -> np.ndarray:
    """Per fitted quantity, the share of its variance that a least-squares line through the
    data x explains on rows the line was not fitted on: rows ``[:train]`` fit it, the rest
    (the calibration check's held-back simulations) score it, as an out-of-sample R^2.

    A read-out of how much the targets tell about each parameter *on average over the prior*,
    independent of the network: where a line explains a share R^2, a Gaussian posterior's
    contraction is R^2 too, so a network whose contraction stays far below it leaves
    information unused, and a contraction far above it at the observation is worth a second
    look. NaN when too few rows are left to score."""
    held = len(theta) - train
    if held < 2 or train <= x.shape[1] + 1:
        return np.full(theta.shape[1], np.nan)
    design = np.column_stack([np.ones(len(x)), x])
    coef, *_ = np.linalg.lstsq(design[:train], theta[:train], rcond=None)
    residual = theta[train:] - design[train:] @ coef
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1.0 - (residual ** 2).mean(axis=0) / theta[train:].var(axis=0)


def contraction(draws: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """1 - posterior variance / prior variance, per parameter: 0 where the data teach nothing,
    1 where they pin the parameter down."""
    prior_var = (high - low) ** 2 / 12.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(prior_var > 0, 1.0 - draws.var(axis=0, ddof=1) / prior_var, np.nan)


def particles_table(draws: np.ndarray, results: Sequence[dict], names: Sequence[str],
                    offsets: Sequence[str], targets: Sequence[LoadedTarget],
                    distance: FitDistance):
    """The predictive draws in the particles table of `last_population`, weight 1/N each."""
    import pandas as pd

    rows = []
    for i, (row, measured) in enumerate(zip(draws, results)):
        out = {"particle": i, "weight": 1.0 / len(draws),
               "distance": float(distance(measured, {}))}
        out.update({f"param.{n}": float(v) for n, v in zip(names, row)})
        out.update({f"offset.{n}": float(v) for n, v in zip(offsets, row[len(names):])})
        out.update({f"measure.{t.id}": float(measured[t.id]) for t in targets})
        out.update({f"latent.{t.id}": float(measured[f"latent.{t.id}"]) for t in targets
                    if f"latent.{t.id}" in measured})
        rows.append(out)
    return pd.DataFrame(rows)


def estimate_seconds(settings: FitSettings, n_scenarios: int, workers: int
                     ) -> tuple[float, float]:
    """The wall time of the simulations at `SECONDS_PER_RUN` on ``workers`` cores, and the
    longest training (every epoch the setting allows, `SECONDS_PER_SIMULATION_EPOCH`, for each
    round's network on the simulations it sees)."""
    later = settings.round_simulations * (settings.rounds - 1)
    runs = ((settings.simulations + later) * settings.replicates
            + settings.predictive * settings.predictive_replicates) * n_scenarios
    seen = sum(settings.simulations + settings.round_simulations * r
               for r in range(settings.rounds))
    return (runs * SECONDS_PER_RUN / max(1, workers),
            (settings.max_epochs + 1) * seen * SECONDS_PER_SIMULATION_EPOCH)


def later_rounds(settings: FitSettings) -> str:
    """The later rounds of a sequential fit, as the fit's first line names them."""
    if settings.rounds == 1:
        return ""
    return (f" and {settings.rounds - 1} later round(s) of {settings.round_simulations} from "
            f"the prior truncated to the posterior's region (all but {settings.truncation:g} "
            "of its mass)")


def npe_manifest(settings: FitSettings, seed: int, names: Sequence[str], targets: TargetSet,
                 offsets: Sequence[str]) -> dict:
    """What identifies an NPE fit (a resume must match it): `fit_manifest`'s identity with the
    method, the libraries and what the network sees."""
    from importlib.metadata import version

    from unionsim.calibration.fit import fit_manifest

    manifest = fit_manifest(settings, seed, names, targets, offsets)
    manifest["method"] = "npe"
    manifest["library"] = {"name": "sbi", "version": version("sbi"),
                           "torch": version("torch")}
    manifest["x"] = [t.id for t in distance_targets(targets)]
    return manifest


def run_npe(targets: TargetSet, out, *, settings: FitSettings, seed: int = 1,
            names: Sequence[str] | None = None, resume: bool = False, force: bool = False,
            executor: str = "process", workers: int | None = None,
            scheduler: str | None = None, notify: Callable[[str], None] | None = None,
            after_simulations: Callable[[], None] | None = None) -> FitResult:
    """Fit the top parameters, those marked ``fit:`` and the fitted poll offsets to the fitting
    targets with NPE;
    return the posterior predictive draws as a particles table.

    ``out`` holds ``fit.json`` and the saved simulations; ``resume`` continues a stopped fit
    there (refused if its settings, seed, targets or model code differ): the saved chunks are
    read back and checked, the missing ones simulated, and the network trained and sampled
    again (reproducibly: a finished fit resumed gives the same posterior). ``force`` replaces
    it.
    ``after_simulations`` is called once every simulation is saved (before training).
    """
    require_sbi()
    from unionsim.calibration.fit import _Mapper
    from unionsim.calibration.folder import check_fit_options, fit_folder
    from unionsim.calibration.polls import fitted_offsets, scoring_tolerances
    from unionsim.calibration.screening import fit_parameters
    from unionsim.experiment.store import now_iso

    if settings.method != "npe":
        raise UsageError(f"setting {settings.name!r} is not an NPE setting", field="method")
    say = notify or (lambda message: None)
    check_fit_options(seed=seed, executor=executor, workers=workers, scheduler=scheduler)
    names = list(names or fit_parameters(settings.n_parameters))
    fitting = distance_targets(targets)
    offsets = fitted_offsets(fitting)
    manifest = npe_manifest(settings, seed, names, targets, offsets)
    tolerances = scoring_tolerances(targets)
    low, high = prior_box(manifest, names, offsets)
    flat = [n for n, lo, hi in zip([*names, *offsets], low, high) if not hi > lo]
    if flat:
        raise UsageError(f"{flat[0]} has an empty range ({len(flat)} fitted quantities do): "
                         "the network cannot learn a posterior over a single value",
                         field="parameters", hint="fit only parameters with a range")
    with fit_folder(out, manifest, force=force, resume=resume, say=say) as folder:
        manifest = folder.manifest
        folder.write_manifest({**manifest, "status": "running", "started": now_iso()})
        started = time.perf_counter()
        theta = prior_draws(seed, settings.simulations, low, high)
        seeds = evaluation_seeds(seed, _SIMULATION_STREAM, settings.simulations)
        training_model = SimulationModel(names, fitting, settings.replicates, offsets)
        with _Mapper(executor, workers, scheduler) as mapper:
            n_scen = len(training_model.scenarios)
            simulating, training = estimate_seconds(settings, n_scen, mapper.workers or 1)
            say(f"fitting {len(names)} parameters and {len(offsets)} poll offsets to "
                f"{len(fitting)} targets by neural posterior estimation: {settings.simulations} "
                f"prior simulations{later_rounds(settings)} of "
                f"{settings.replicates * n_scen} model run(s) each, "
                f"{settings.draws} posterior draws, {settings.predictive} of them simulated "
                f"({settings.predictive_replicates} run(s) per scenario). Estimate: "
                f"{simulating / 60:.0f} min of simulation on {mapper.workers or 1} worker(s) at "
                f"{SECONDS_PER_RUN} s per run, and at most {training / 60:.0f} min of training")
            ids = [t.id for t in fitting]
            measures = simulate_prior(folder, training_model, theta, seeds, ids, mapper,
                                      settings.chunk, say)
            rounds = np.ones(len(theta), dtype=int)
            truncations = []
            for round_ in range(2, settings.rounds + 1):
                kept_theta, x, _ = training_data(theta, measures, fitting, tolerances, seed)
                held = held_back(rounds[usable(measures)], settings.sbc)
                say(f"round {round_}: training a network on {int((~held).sum())} simulations "
                    "to truncate the prior to its posterior's region")
                new_theta, summary = truncated_prior_draws(kept_theta, x.to_numpy(), held, low,
                                                           high, settings, seed, round_)
                say(f"round {round_}: {summary['acceptance']:.2%} of "
                    f"{summary['candidates']} prior vectors fall in the region; simulating "
                    f"{len(new_theta)} of them")
                new_seeds = evaluation_seeds(seed, _ROUND_SIMULATION_STREAM + round_,
                                             len(new_theta))
                new_measures = simulate_prior(folder, training_model, new_theta, new_seeds, ids,
                                              mapper, settings.chunk, say, round_)
                theta = np.vstack([theta, new_theta])
                measures = np.vstack([measures, new_measures])
                rounds = np.concatenate([rounds, np.full(len(new_theta), round_)])
                truncations.append(summary)
            if after_simulations:
                after_simulations()
            kept_theta, x, dropped = training_data(theta, measures, fitting, tolerances, seed)
            held = held_back(rounds[usable(measures)], settings.sbc)
            if len(x) < 2:
                raise ResultsError(f"{dropped} of {len(theta)} simulations failed in every run: "
                                   "nothing to train the network on", file=folder.path,
                                   hint="run `unionsim run` on a target scenario to see the "
                                        "runs' errors")
            say(f"training the network on {len(x) - settings.sbc} simulations of "
                f"{x.shape[1]} targets ({dropped} dropped because every run failed; "
                f"{settings.sbc} held back for the calibration check)")
            trained = time.perf_counter()
            draws, epochs, ranks = train_and_draw(kept_theta, x.to_numpy(), low, high,
                                                  settings, seed, held)
            training_seconds = time.perf_counter() - trained
            say(f"trained in {training_seconds:.0f} s ({epochs} epochs); simulating "
                f"{settings.predictive} posterior draws for the report")
            measured = targets.select()
            predictive_model = SimulationModel(names, measured, settings.predictive_replicates,
                                               offsets)
            chosen = draws[:settings.predictive]
            p_seeds = evaluation_seeds(seed, _PREDICTIVE_STREAM, len(chosen))
            columns = tuple(key(n) for n in (*names, *offsets))
            results = list(mapper(partial(_evaluate, predictive_model, columns),
                                  [(int(s), tuple(r)) for s, r in zip(p_seeds, chosen)]))
        particles = particles_table(chosen, results, names, offsets, measured,
                                    FitDistance(fitting, tolerances))
        from unionsim.config.posterior import effective_sample_size

        shrink = contraction(draws, low, high)
        order = np.concatenate([np.flatnonzero(~held), np.flatnonzero(held)])
        information = linear_information(kept_theta[order], x.to_numpy()[order],
                                         int((~held).sum()))
        runs = (len(theta) * settings.replicates * n_scen
                + len(chosen) * settings.predictive_replicates
                * len(predictive_model.scenarios))
        manifest.update({
            "status": "complete", "finished": now_iso(),
            "seconds_this_session": round(time.perf_counter() - started, 1),
            "seconds_training": round(training_seconds, 1),
            "executor": executor, "workers": mapper.workers,
            "simulations": int(len(theta)), "simulations_dropped": dropped,
            "epochs": epochs, "epoch_cap_reached": bool(epochs and epochs > settings.max_epochs),
            "draws": int(len(draws)),
            "evaluations": int(len(theta) + len(chosen)), "model_runs": int(runs),
            "generations": [],
            "particles": int(len(particles)),
            "ess": round(effective_sample_size(particles["weight"]), 2),
            "ess_note": "1/sum(w^2) of the predictive draws' equal weights: for independent "
                        "draws it equals their number",
            "contraction": {n: round(float(c), 4)
                            for n, c in zip([*names, *offsets], shrink)},
            "sbc": sbc_summary(ranks, settings.sbc_draws, [*names, *offsets]),
            **({"rounds": truncations} if truncations else {}),
            "linear_information": {n: (None if not np.isfinite(r) else round(float(r), 4))
                                   for n, r in zip([*names, *offsets], information)},
        })
        folder.write_manifest(manifest)
        return FitResult(folder.path, manifest, particles)

