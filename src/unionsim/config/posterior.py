"""The posterior ensemble as an input: a Parquet table of weighted parameter vectors and a JSON
manifest, read and drawn from like a parameter overlay that varies by run.

``params/posterior.parquet`` has one row per particle of the fit's last generation: ``particle``,
``weight`` (summing to 1), ``distance``, ``param.<name>`` for each fitted parameter and
``measure.<target>`` (the particle's value of every measured target, held-out ones included).
``params/posterior.json`` (same stem) is the fit's manifest: seed, settings, pyabc version, the
target files' digest, the model code fingerprint, the number of evaluations and runs, and each
generation's tolerance and acceptance rate.

`draw_samples` turns the ensemble into per-run parameter values for `make_plan`: runs draw
particles by weight, with a generator of their own seeded from the master seed, so the same
file and seed give the same draws. The calibration writes the file
(`unionsim.calibration.fit.write_posterior`); everything else only reads it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from unionsim.errors import InputFileError, ResultsError

DEFAULT_POSTERIOR = "posterior.parquet"
_POSTERIOR_STREAM = 0x9057  # mixed into the master seed: the draws never shift the run seeds


def default_posterior_path() -> Path:
    """The shipped posterior, ``params/posterior.parquet``."""
    from unionsim.config.params import shipped_dir

    return shipped_dir("params") / DEFAULT_POSTERIOR


def manifest_path(path: str | Path) -> Path:
    """The manifest of a posterior file: the same name with ``.json``."""
    return Path(path).with_suffix(".json")


@dataclass(frozen=True)
class Posterior:
    """A loaded posterior ensemble."""

    path: Path
    particles: pd.DataFrame
    manifest: dict
    digest: str

    @property
    def names(self) -> list[str]:
        return [c[len("param."):] for c in self.particles.columns if c.startswith("param.")]

    @property
    def weights(self) -> np.ndarray:
        return self.particles["weight"].to_numpy(dtype=float)

    @property
    def ess(self) -> float:
        """The effective sample size of the particles (`effective_sample_size`)."""
        return effective_sample_size(self.weights)


def effective_sample_size(weights) -> float:
    """Kish's effective sample size 1 / sum(w^2) of the normalised weights: how many equally
    weighted, independent draws the weighted particles are worth (at most their number)."""
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    return float(1.0 / np.sum(w ** 2))


def load_posterior(path: str | Path | None = None) -> Posterior:
    """Read a posterior file (default: the shipped one) and check it is usable."""
    path = Path(path) if path else default_posterior_path()
    if not path.exists():
        raise InputFileError("posterior file not found", file=path,
                             hint="run `unionsim calibrate` to make one, or give --posterior FILE")
    try:
        particles = pd.read_parquet(path)
    except Exception as exc:  # a broken or foreign file: say so, without a traceback
        raise InputFileError(f"cannot read the posterior: {exc}", file=path) from None
    if "weight" not in particles or not any(c.startswith("param.") for c in particles):
        raise ResultsError("not a posterior file: it needs a 'weight' column and 'param.*' "
                           "columns", file=path, hint="give a file written by unionsim calibrate")
    w = particles["weight"].to_numpy(dtype=float)
    if len(w) == 0 or not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
        raise ResultsError("the posterior's weights must be finite, non-negative and not all "
                           "zero", file=path, field="weight")
    mpath = manifest_path(path)
    manifest = json.loads(mpath.read_text()) if mpath.exists() else {}
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return Posterior(path, particles, manifest, digest)


def draw_samples(posterior: Posterior, runs: int, seed: int) -> tuple[dict[str, list[float]],
                                                                      list[int]]:
    """Per-run values drawn by weight: ({name: values}, particle index per run)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, _POSTERIOR_STREAM]))
    w = posterior.weights
    chosen = rng.choice(len(w), size=runs, replace=True, p=w / w.sum())
    columns = {name: posterior.particles[f"param.{name}"].to_numpy(dtype=float)[chosen].tolist()
               for name in posterior.names}
    return columns, [int(i) for i in chosen]


def describe(posterior: Posterior, particles_drawn: list[int]) -> dict:
    """What a results manifest records about the posterior its runs were drawn from.

    ``particles_drawn`` is the particle of each run; ``distinct_draws`` counts the different
    parameter vectors the batch used, ``ess`` is the posterior's effective sample size.
    """
    return {"file": str(posterior.path), "sha256": posterior.digest,
            "particles": int(len(posterior.particles)),
            "ess": round(posterior.ess, 2),
            "distinct_draws": len(set(particles_drawn)),
            "parameters": posterior.names,
            "fit_seed": posterior.manifest.get("seed"),
            "targets_digest": posterior.manifest.get("targets", {}).get("digest"),
            "drawn_particles": particles_drawn}


def summary_line(described: dict, runs: int | None = None, draws: int | None = None) -> str:
    """One line naming a batch's posterior: its file and digest, effective sample size,
    particle count, and how many distinct particles the batch's draws used (from `describe`'s
    record; ``draws`` when each draw is played by several runs)."""
    ess = described.get("ess")
    drawn = described.get("drawn_particles") or []
    distinct = described.get("distinct_draws", len(set(drawn)) if drawn else None)
    runs = runs if runs is not None else len(drawn) or None
    text = (f"posterior {described.get('file')} (sha256 {described.get('sha256')}): "
            f"{described.get('particles')} particles, effective sample size "
            + (f"{ess:.1f}" if isinstance(ess, (int, float)) else "not recorded"))
    if distinct is not None:
        text += f"; the batch used {distinct} distinct particles"
        if draws and runs and draws != runs:
            text += f" in {draws} draws ({runs} runs)"
        elif runs:
            text += f" in {runs} runs"
    return text


def small_ess_warning(described: dict, draws: int) -> str | None:
    """A warning when the posterior has fewer effective draws than the batch draws parameter
    vectors: its runs then repeat a few vectors, and intervals that count runs as independent
    understate the parameter uncertainty. None when the posterior is large enough."""
    ess = described.get("ess")
    if not isinstance(ess, (int, float)) or ess >= draws:
        return None
    return (f"the posterior's effective sample size is {ess:.1f} ({described.get('particles')} "
            f"particles) for {draws} parameter draws: the draws share "
            f"{described.get('distinct_draws')} distinct particles, so intervals that "
            "count runs as independent understate the parameter uncertainty (see 'Where the "
            "spread comes from' with --replicates)")
