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
    """What a results manifest records about the posterior its runs were drawn from."""
    return {"file": str(posterior.path), "sha256": posterior.digest,
            "particles": int(len(posterior.particles)), "parameters": posterior.names,
            "fit_seed": posterior.manifest.get("seed"),
            "targets_digest": posterior.manifest.get("targets", {}).get("digest"),
            "drawn_particles": particles_drawn}
