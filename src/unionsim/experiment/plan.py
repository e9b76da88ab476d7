"""The plan of a batch: every run's seed and parameters, fixed from the master seed before any work
is handed out, so the same plan gives the same rows whatever executes it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np

from unionsim.config.params import ParameterSet, check_in_range, unknown_parameter
from unionsim.config.scenario import LoadedScenario
from unionsim.errors import UsageError


@lru_cache(maxsize=1)
def model_fingerprint() -> str:
    """A hash of the code that determines results (model, rules, events, schema, sampling).

    Stored in every manifest and part of the plan's fingerprint, so that results made by other
    code are never reused or resumed as if they were the same.
    """
    root = Path(__file__).resolve().parents[1]
    files = sorted(list((root / "model").rglob("*.py")) + list((root / "config").rglob("*.py"))
                   + [root / "experiment" / "sampling.py", root / "experiment" / "runner.py"])
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.relative_to(root).as_posix().encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


def posterior_fitted_to_other(manifest: dict) -> list[str]:
    """What a posterior (its manifest) was fitted to that differs from what runs now: the model
    code (its fingerprint) and the shipped target files (their digest), each as a phrase naming
    both values; empty when both match (or the manifest does not record them)."""
    from unionsim.config.targets import targets_digest

    differs = []
    fitted_model = manifest.get("model_fingerprint")
    if fitted_model and fitted_model != model_fingerprint():
        differs.append(f"other model code (fingerprint {fitted_model}; this code: "
                       f"{model_fingerprint()})")
    fitted_targets = manifest.get("targets", {}).get("digest")
    current = targets_digest()
    if fitted_targets and current and fitted_targets != current:
        differs.append(f"other target files (digest {fitted_targets}; the shipped targets now: "
                       f"{current})")
    return differs


def run_seeds(master_seed: int, n_runs: int) -> list[int]:
    """One independent 63-bit seed per run, spawned from the master seed.

    Run i's seed depends only on (master_seed, i): a plan for more runs extends a smaller one.
    """
    children = np.random.SeedSequence(master_seed).spawn(n_runs)
    return [int(c.generate_state(2, np.uint32).view(np.uint64)[0] >> np.uint64(1))
            for c in children]


@dataclass(frozen=True)
class RunTask:
    """Everything one run needs (picklable: it crosses process and cluster boundaries).

    ``values`` are all parameter values in force for this run; ``sampled`` the ones drawn for
    this run alone (they are also in ``values`` and are stored with the run's outcome row).
    """

    run: int
    seed: int
    values: dict[str, float]
    sampled: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    """A batch: a scenario, the parameters in force, the master seed and the runs."""

    scenario: LoadedScenario
    parameters: ParameterSet
    master_seed: int
    n_runs: int
    param_files: tuple[str, ...] = ()
    sets: dict[str, float] = field(default_factory=dict)
    seeds: tuple[int, ...] = ()
    samples: dict[str, tuple[float, ...]] = field(default_factory=dict)
    sampler: str = "none"
    posterior: dict[str, Any] = field(default_factory=dict)  # where posterior draws came from
    replicates: int = 1  # runs (seeds) per parameter draw: run i plays draw i // replicates

    @property
    def parameter_draws(self) -> int:
        """How many parameter vectors the batch draws (each played by ``replicates`` runs)."""
        return self.n_runs // self.replicates

    def tasks(self, runs: Iterable[int] | None = None) -> Iterator[RunTask]:
        """The run tasks, all of them or only those listed in ``runs``."""
        base = dict(self.parameters.values)
        for i in (range(self.n_runs) if runs is None else runs):
            sampled = {name: float(column[i]) for name, column in self.samples.items()}
            values = {**base, **sampled} if sampled else base
            yield RunTask(run=i, seed=self.seeds[i], values=values, sampled=sampled)

    def describe(self) -> dict[str, Any]:
        """What the manifest records to make the batch reproducible."""
        described = {
            "scenario": {"name": self.scenario.name, "title": self.scenario.spec.title,
                         "path": str(self.scenario.path) if self.scenario.path else None,
                         "spec": _spec_record(self.scenario.spec)},
            "master_seed": self.master_seed,
            "n_runs": self.n_runs,
            "param_files": list(self.param_files),
            "sets": dict(self.sets),
            "parameters": dict(self.parameters.values),
            "changed_parameters": {k: {"value": v, "from": self.parameters.origin.get(k, "")}
                                   for k, v in self.parameters.changed().items()},
            "sampler": self.sampler,
            "sampled_parameters": sorted(self.samples),
            "replicates": self.replicates,
            "parameter_draws": self.parameter_draws,
            "model_fingerprint": model_fingerprint(),
        }
        if self.posterior:
            described["posterior"] = dict(self.posterior)
        if self.scenario.spec.policies:  # in the spec too; here in words, for readers
            described["policies"] = {key: policy.describe()
                                     for key, policy in self.scenario.spec.policies.items()}
        return described

    def fingerprint(self) -> str:
        """A hash of what determines the results (scenario, parameters, seeds)."""
        d = self.describe()
        samples = {k: list(v) for k, v in sorted(self.samples.items())}
        key = json.dumps({"spec": d["scenario"]["spec"], "parameters": d["parameters"],
                          "master_seed": d["master_seed"], "n_runs": d["n_runs"],
                          "sampler": self.sampler, "samples": samples,
                          "model": d["model_fingerprint"],
                          **({"replicates": self.replicates} if self.replicates > 1 else {})},
                         sort_keys=True)
        return hashlib.sha256(key.encode()).hexdigest()[:16]


def _spec_record(spec) -> dict[str, Any]:
    """The scenario as the manifest records it; a scenario without policies is recorded (and
    fingerprinted) exactly as before policies existed."""
    record = spec.model_dump(mode="json")
    if spec.policies:  # only the keys each policy uses
        record["policies"] = {key: policy.model_dump(mode="json", exclude_none=True)
                              for key, policy in spec.policies.items()}
    else:
        record.pop("policies", None)
    return record


MAX_RUNS = 1_000_000
"""Runs in one batch at most: a million runs' seeds and outcome rows already take gigabytes in
the parent; larger studies are several batches (different --seed, different --out) or a dask
cluster working through batches of this size."""


def check_run_count(runs: int) -> None:
    """Refuse a run count below 1 or above `MAX_RUNS` (with how to run more)."""
    if runs < 1:
        raise UsageError(f"--runs must be at least 1 (got {runs})", field="runs")
    if runs > MAX_RUNS:
        raise UsageError(f"--runs {runs:,} is more than one batch may hold ({MAX_RUNS:,})",
                         field="runs",
                         hint=f"run several batches of at most {MAX_RUNS:,} runs, each with its "
                              f"own --seed and --out, and analyse them together (e.g. unionsim "
                              f"compare); spread each batch over a cluster with --executor dask")


def check_replicates(replicates: int, runs: int) -> None:
    """Refuse a replicate count below 1 or one that does not divide the runs."""
    if replicates < 1:
        raise UsageError(f"--replicates must be at least 1 (got {replicates})",
                         field="replicates")
    if runs % replicates:
        lower = max(replicates, runs - runs % replicates)
        raise UsageError(f"--runs {runs} is not a multiple of --replicates {replicates}: every "
                         "parameter draw is played by the same number of runs",
                         field="replicates",
                         hint=f"e.g. --runs {lower} or --runs {lower + replicates}")


def make_plan(scenario: LoadedScenario, *, runs: int, seed: int, param_files=(), sets=None,
              samples: dict[str, Iterable[float]] | None = None, sampler: str | None = None,
              uncertainty: bool = True, posterior=None, replicates: int = 1) -> Plan:
    """Resolve the parameters, draw the uncertain ones for every run, and every run's seed.

    The scenario's ``uncertainty`` is sampled with ``sampler`` (``mc`` or ``lhs``; default: the
    scenario's own ``sampler``) unless ``uncertainty`` is False. A parameter the user fixes with
    ``--set`` or ``--params`` is not sampled. ``samples`` gives per-run values directly (one
    column of ``runs`` values per name, e.g. a sensitivity design); each value is checked
    against the parameter's documented range. ``posterior`` (a calibration posterior file, or
    True for the shipped one) draws each run's values of the fitted parameters from it by
    weight (`unionsim.config.posterior.draw_samples`); those parameters are then not
    sampled from the scenario's uncertainty, and a value the user fixes still wins.

    ``replicates`` R > 1 draws ``runs / R`` parameter vectors (posterior and uncertainty alike)
    and plays each with R runs of their own seeds: run i plays draw i // R, so the spread of an
    output splits into parameter uncertainty (between draws) and chance (within a draw). With
    R = 1 every run has a draw of its own. Each draw depends only on the master seed, the
    parameter and the number of draws, never on which other parameters are drawn.
    """
    from unionsim.experiment.sampling import SAMPLERS, sample_uncertainty

    check_run_count(runs)
    check_replicates(replicates, runs)
    if seed < 0:
        raise UsageError(f"--seed must be zero or positive (got {seed})", field="seed")
    draws = runs // replicates
    sets = dict(sets or {})
    parameters = scenario.parameters(param_files=param_files, sets=sets)
    user_fixed = {k for k, origin in parameters.origin.items() if origin != "scenario overrides"}
    samples = dict(samples or {})
    drawn: dict[str, Any] = {}
    if posterior is not None and posterior is not False:
        from unionsim.config.posterior import describe, draw_samples, load_posterior

        loaded_posterior = load_posterior(None if posterior is True else posterior)
        columns, particles = draw_samples(loaded_posterior, draws, seed)
        for name, column in columns.items():
            if name not in user_fixed and name not in samples:
                samples[name] = _repeat(column, replicates)
        drawn = describe(loaded_posterior, _repeat(particles, replicates),
                         posterior_fitted_to_other(loaded_posterior.manifest))
    uncertain = {k: v for k, v in scenario.spec.uncertainty.items()
                 if uncertainty and k not in user_fixed and k not in samples}
    sampler = sampler or (scenario.spec.sampler if uncertain else "none")
    if uncertain:
        if sampler not in SAMPLERS:
            raise UsageError(f"--sampler must be one of {', '.join(SAMPLERS)} (got {sampler})",
                             field="sampler")
        bounds = {name: tuple(parameters.specs[name].range) for name in uncertain}
        drawn_values = sample_uncertainty(uncertain, bounds, draws, seed, sampler)
        samples.update({k: _repeat(v, replicates) for k, v in drawn_values.items()})
    columns = {}
    for name, column in (samples or {}).items():
        column = tuple(float(x) for x in column)
        if len(column) != runs:
            raise ValueError(f"samples for {name} have {len(column)} values, expected {runs}")
        spec = parameters.specs.get(name)
        if spec is None:
            raise unknown_parameter(name, parameters.specs, origin="samples")
        for value in column:
            check_in_range(name, value, spec, origin="samples")
        columns[name] = column
    if drawn:
        sampler = "posterior" if sampler in (None, "none") else f"{sampler}+posterior"
    return Plan(scenario=scenario, parameters=parameters, master_seed=seed, n_runs=runs,
                param_files=tuple(str(p) for p in param_files), sets=sets,
                seeds=tuple(run_seeds(seed, runs)), samples=columns,
                sampler=sampler if columns else "none", posterior=drawn, replicates=replicates)


def _repeat(values, times: int) -> list:
    """Each value ``times`` times in a row: draw k becomes runs k*times .. k*times + times-1."""
    return [v for v in values for _ in range(times)]
