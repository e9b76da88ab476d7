"""The posterior ensemble as an input: a Parquet table of weighted parameter vectors and a JSON
manifest, read and drawn from like a parameter overlay that varies by run.

``params/posterior.parquet`` has one row per particle of the fit's last generation: ``particle``,
``weight`` (summing to 1), ``distance``, ``param.<name>`` for each fitted parameter and
``measure.<target>`` (the particle's value of every measured target, held-out ones included).
``params/posterior.json`` (same stem) is the fit's manifest: seed, settings, pyabc version, the
target files' digest, the model code fingerprint, the number of evaluations and runs, and each
generation's tolerance and acceptance rate. A posterior fitted by neural posterior estimation
(``method: npe``, `unionsim.calibration.npe`) holds independent draws with equal weights, and its
manifest adds the simulations, the draws, the effective sample size and each parameter's
contraction.

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


MAX_MANIFEST_BYTES = 16 * 1024 * 1024
_REFIT = "give a file written by `unionsim calibrate` (or run it again to write one)"


def load_posterior(path: str | Path | None = None) -> Posterior:
    """Read a posterior file (default: the shipped one) and check all of it before any draw.

    Every particle is checked, not only those a batch happens to draw (a bad particle must not
    pass with 2 runs and fail with 400): the ``param.*`` columns name documented parameters and
    hold finite numbers inside their documented ranges; the weights are finite, non-negative
    and not all zero. The manifest beside it (same name, ``.json``), when present, must be a
    JSON object whose fields have the types the fit writes and whose parameters are the file's.
    Anything else is one `UnionsimError` naming the file, the column or field, and the fix."""
    from unionsim.guard import user_path

    path = user_path(path, "--posterior") if path else default_posterior_path()
    if not path.exists():
        raise InputFileError("posterior file not found", file=path,
                             hint="run `unionsim calibrate` to make one, or give --posterior FILE")
    if not path.is_file():
        raise InputFileError("the posterior is not a regular file", file=path, hint=_REFIT)
    try:
        particles = pd.read_parquet(path)
    except MemoryError:
        raise
    except Exception as exc:  # a broken or foreign file: say so, without a traceback
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise InputFileError(f"cannot read the posterior: {reason}", file=path,
                             hint=_REFIT) from None
    if "weight" not in particles or not any(str(c).startswith("param.") for c in particles):
        raise ResultsError("not a posterior file: it needs a 'weight' column and 'param.*' "
                           "columns", file=path, hint="give a file written by unionsim calibrate")
    w = _numeric_column(particles, "weight", path)
    with np.errstate(over="ignore", invalid="ignore"):
        total = w.sum()
    if len(w) == 0 or not np.all(np.isfinite(w)) or (w < 0).any() or total <= 0 or \
            not np.isfinite(total):
        raise ResultsError("the posterior's weights must be finite, non-negative and not all "
                           "zero", file=path, field="weight", hint=_REFIT)
    _check_parameters(particles, path)
    manifest = _read_manifest(manifest_path(path), _names(particles))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return Posterior(path, particles, manifest, digest)


def _names(particles: pd.DataFrame) -> list[str]:
    return [str(c)[len("param."):] for c in particles.columns if str(c).startswith("param.")]


def _numeric_column(particles: pd.DataFrame, column: str, path: Path) -> np.ndarray:
    """A column as floats; text, booleans, nested values and numbers too large for a float are
    refused."""
    values = particles[column]
    if values.dtype == bool or not pd.api.types.is_numeric_dtype(values):
        raise ResultsError(f"column '{column}' must hold numbers (it holds {values.dtype})",
                           file=path, field=column, hint=_REFIT)
    with np.errstate(over="ignore", invalid="ignore"):
        try:
            out = values.to_numpy(dtype=float)
        except (OverflowError, TypeError, ValueError):
            raise ResultsError(f"column '{column}' holds values that are not numbers",
                               file=path, field=column, hint=_REFIT) from None
    return out


def _check_parameters(particles: pd.DataFrame, path: Path) -> None:
    """Every particle's every parameter: a documented name, a finite value inside its range."""
    from unionsim.config.params import default_parameters

    specs = default_parameters().specs
    for name in _names(particles):
        column = f"param.{name}"
        if name not in specs:
            raise ResultsError(f"column '{column}' names no documented parameter", file=path,
                               field=column, hint="`unionsim params` lists the parameters; "
                                                  + _REFIT)
        values = _numeric_column(particles, column, path)
        bad = np.flatnonzero(~np.isfinite(values))
        lo, hi = specs[name].range
        if not len(bad):
            bad = np.flatnonzero((values < lo) | (values > hi))
        if len(bad):
            i = int(bad[0])
            raise ResultsError(f"particle {i} (row {i + 1}) has {name} = {float(values[i])!r}, "
                               f"outside "
                               f"the documented range [{lo}, {hi}] ({len(bad)} of "
                               f"{len(values)} particles)", file=path, field=column,
                               hint=_REFIT)


# the fields of a posterior's manifest the commands read, and their types
_MANIFEST_FIELDS = {"seed": (int, type(None)), "targets": dict, "parameters": dict,
                    "settings": dict, "generations": list, "evaluations": int,
                    "model_runs": int, "particles": int, "scenarios": list,
                    "model_fingerprint": str, "library": dict, "status": str}


def _read_manifest(mpath: Path, names: list[str]) -> dict:
    """The posterior's manifest, checked (absent: an empty one)."""
    if not mpath.exists() and not mpath.is_symlink():
        return {}
    fix = ("the posterior's manifest is damaged: write the posterior again with `unionsim "
           "calibrate`, or move the .json away to use the particles without it")
    if mpath.is_symlink() or not mpath.is_file() or mpath.stat().st_size > MAX_MANIFEST_BYTES:
        raise ResultsError("the posterior's manifest is not a regular file of a sensible size",
                           file=mpath, hint=fix)
    try:
        data = json.loads(mpath.read_bytes().decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise ResultsError("the posterior's manifest is not UTF-8 text", file=mpath,
                           hint=fix) from None
    except json.JSONDecodeError as exc:
        raise ResultsError(f"the posterior's manifest is not valid JSON ({exc.msg})", file=mpath,
                           line=exc.lineno, hint=fix) from None
    except (ValueError, RecursionError) as exc:
        raise ResultsError(f"the posterior's manifest cannot be read ({exc})", file=mpath,
                           hint=fix) from None
    if not isinstance(data, dict):
        raise ResultsError(f"the posterior's manifest must be a JSON object, not a "
                           f"{type(data).__name__}", file=mpath, hint=fix)
    for key, kinds in _MANIFEST_FIELDS.items():
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, kinds):
                raise ResultsError(f"field '{key}' has the wrong type ({type(value).__name__})",
                                   file=mpath, field=key, hint=fix)
            if isinstance(value, int) and not 0 <= value < 2**63:
                raise ResultsError(f"field '{key}' is out of range ({value})", file=mpath,
                                   field=key, hint=fix)
    digest = data.get("targets", {}).get("digest")
    if digest is not None and not isinstance(digest, str):
        raise ResultsError("field 'targets.digest' must be text", file=mpath,
                           field="targets.digest", hint=fix)
    if "parameters" in data and sorted(data["parameters"]) != sorted(names):
        raise ResultsError(f"its parameters ({', '.join(sorted(data['parameters'])) or 'none'}) "
                           f"are not the posterior's columns ({', '.join(sorted(names))})",
                           file=mpath, field="parameters", hint=fix)
    return data


def _no_constant(name: str):
    raise ValueError(f"it holds {name}, which is not a number JSON allows")


def is_posterior_file(path: Path) -> bool:
    """Whether ``path`` is a posterior unionsim wrote (a Parquet file with a weight column and
    parameter columns): the only existing file `write_posterior` may replace."""
    try:
        import pyarrow.parquet as pq

        names = pq.read_schema(path).names
    except Exception:  # noqa: BLE001 - not Parquet, unreadable: not ours
        return False
    return "weight" in names and any(n.startswith("param.") for n in names)


def is_posterior_manifest(path: Path) -> bool:
    """Whether ``path`` is a posterior's manifest unionsim wrote (a JSON object with the fit's
    seed and targets)."""
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            return False
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and "seed" in data and "targets" in data


def draw_samples(posterior: Posterior, runs: int, seed: int) -> tuple[dict[str, list[float]],
                                                                      list[int]]:
    """Per-run values drawn by weight: ({name: values}, particle index per run)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, _POSTERIOR_STREAM]))
    w = posterior.weights
    chosen = rng.choice(len(w), size=runs, replace=True, p=w / w.sum())
    columns = {name: posterior.particles[f"param.{name}"].to_numpy(dtype=float)[chosen].tolist()
               for name in posterior.names}
    return columns, [int(i) for i in chosen]


def describe(posterior: Posterior, particles_drawn: list[int],
             fitted_to_other: list[str] | None = None) -> dict:
    """What a results manifest records about the posterior its runs were drawn from.

    ``particles_drawn`` is the particle of each run; ``distinct_draws`` counts the different
    parameter vectors the batch used, ``ess`` is the posterior's effective sample size;
    ``fitted_to_other`` what the posterior was fitted to that differs from what the batch runs
    (`unionsim.experiment.plan.posterior_fitted_to_other`), for `stale_warning`.
    """
    return {"file": str(posterior.path), "sha256": posterior.digest,
            "particles": int(len(posterior.particles)),
            "ess": round(posterior.ess, 2),
            "distinct_draws": len(set(particles_drawn)),
            "parameters": posterior.names,
            "fit_seed": posterior.manifest.get("seed"),
            "targets_digest": posterior.manifest.get("targets", {}).get("digest"),
            "fitted_to_other": list(fitted_to_other or []),
            "drawn_particles": particles_drawn}


def stale_warning(described: dict) -> str | None:
    """A warning when the posterior was fitted to other model code or other targets than the
    batch ran with (`fitted_to_other`, recorded when the batch was planned): its parameter
    vectors were chosen for a model or evidence that has since changed, so how well they fit
    the documents is not known for these runs. None when it matches or was not recorded."""
    differs = described.get("fitted_to_other") or []
    if not differs:
        return None
    return ("the posterior was fitted to " + " and ".join(differs) + ": its draws are not "
            "known to fit the documents with these runs' model; fit it again with `unionsim "
            "calibrate` (or run without --posterior)")


def batch_warnings(described: dict, draws: int) -> list[str]:
    """Every warning about the posterior a batch drew ``draws`` parameter vectors from
    (`describe`'s record): fitted to other code or targets (`stale_warning`), too few effective
    draws (`small_ess_warning`). Printed by `unionsim run`, the report and `unionsim search`."""
    return [w for w in (stale_warning(described), small_ess_warning(described, draws)) if w]


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
