"""ABC-SMC calibration with pyabc, run on the project's engine.

Why pyabc (pyabc.readthedocs.io): a maintained ABC-SMC library (ICB-DCM, releases through 2026)
with adaptive tolerance schedules, a SQL database of every generation that lets a stopped run be
loaded and continued (``ABCSMC.load``), and pluggable samplers for local processes or a dask
cluster. It is pure Python on Python 3.11 and pulls no deep-learning stack (``sbi`` needs torch:
it is the second method, `unionsim.calibration.npe`, for fits of many parameters, where ABC-SMC's
weights collapse);
history matching with an emulator would need us to choose and validate an emulator for 30+
outputs, a project of its own.

How it is wired:

* **Parameters**: the top N of the screening ranking (`unionsim.calibration.screening`), each
  with a uniform prior over its documented range; every other parameter keeps its documented
  value.
* **Polls**: a poll is an observation of the latent opinion (`unionsim.calibration.polls`): its
  expected value adds the pollster's house offset and the question's wording offset, parameters
  of ``params/poll_offsets.yaml`` fitted with the model's (uniform over their ranges; only the
  offsets a fitting poll reads, `fitted_offsets`). They never reach the model's runs.
* **Model**: one particle = ``replicates`` runs per target scenario with the particle's values,
  built as a `Plan` and run by the engine's `run_one`; the summary statistics are the measures of
  every measured target, fitting and held-out alike (a poll's as the expected poll, its latent
  value beside it as ``latent.<id>``), so the held-out ones are stored with the posterior
  without ever entering the distance.
* **Distance**: root mean square of the fitting targets' errors in tolerances
  (`unionsim.calibration.measures.distance`; a poll's tolerance is the measurement model's,
  `unionsim.calibration.polls.poll_tolerance`). Only the fitting targets' observed values are
  given to pyabc; a held-out target's measure is computed for every particle (so the report can
  score it) but neither its observation nor its error reaches the fit (``docs/holdout.md``).
* **Sampler**: `SeededMappingSampler`, pyabc's MappingSampler with one seed per map element drawn
  from the fit's seed and the generation, so a fit is reproducible whatever runs the map: the
  built-in map (serial), a local process pool, or a dask cluster.
* **Resume**: the pyabc database in the fit folder; ``resume`` loads it and runs the remaining
  generations within the same budget.
* **Posterior**: the last generation's particles (`last_population`), written by
  `write_posterior` as the ensemble that `unionsim run --posterior` reads
  (`unionsim.config.posterior`).
"""

from __future__ import annotations

import dataclasses
import json
import random
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from unionsim.calibration.holdout import distance_targets
from unionsim.calibration.measures import distance, measure_targets
from unionsim.config.targets import LoadedTarget, TargetSet, observed_value, scenario_spec
from unionsim.errors import ResultsError, UsageError


@dataclass(frozen=True)
class FitSettings:
    """The size of a fit. ``max_simulations`` counts particle evaluations (each is
    ``replicates`` runs in every target scenario).

    ``method`` is ``"abc"`` (ABC-SMC, this module) or ``"npe"`` (neural posterior estimation,
    `unionsim.calibration.npe`), whose own sizes are: ``simulations`` prior simulations of
    ``replicates`` runs per scenario, saved in chunks of ``chunk``; a masked autoregressive flow
    of ``transforms`` layers of ``hidden`` units trained for at most ``max_epochs`` epochs;
    ``draws`` posterior draws, of which ``predictive`` are simulated with
    ``predictive_replicates`` runs per scenario for the report and the posterior file; ``sbc``
    of the simulations are held back from training for simulation-based calibration, each
    ranked among ``sbc_draws`` posterior draws. With ``rounds`` above 1 the fit is truncated
    sequential NPE: each later round simulates ``round_simulations`` vectors drawn from the prior
    truncated to the current posterior's region holding all but ``truncation`` of its mass."""

    name: str
    population: int
    replicates: int
    n_parameters: int
    max_populations: int
    max_simulations: int
    min_epsilon: float = 1.0
    min_acceptance_rate: float = 0.01
    method: str = "abc"
    simulations: int = 0
    chunk: int = 0
    hidden: int = 0
    transforms: int = 0
    max_epochs: int = 0
    draws: int = 0
    predictive: int = 0
    predictive_replicates: int = 0
    sbc: int = 0
    sbc_draws: int = 0
    rounds: int = 1
    round_simulations: int = 0
    truncation: float = 0.0

    def runs_per_evaluation(self, n_scenarios: int) -> int:
        return self.replicates * n_scenarios

    def record(self) -> dict:
        """The settings as the fit's manifest stores them (an ABC fit's without the NPE
        fields, so fits started before NPE existed still resume)."""
        data = dataclasses.asdict(self)
        if self.method == "abc":
            for name in _NPE_FIELDS:
                data.pop(name)
        if self.rounds == 1:
            for name in _ROUND_FIELDS:
                data.pop(name, None)
        return data


_NPE_FIELDS = ("method", "simulations", "chunk", "hidden", "transforms", "max_epochs", "draws",
               "predictive", "predictive_replicates", "sbc", "sbc_draws")
# an NPE fit's later rounds (recorded only when there are any, so one-round fits keep the
# manifest they always had)
_ROUND_FIELDS = ("rounds", "round_simulations", "truncation")


PRESETS = {
    # CI: a handful of particles, two generations, seconds of work
    "quick": FitSettings("quick", population=10, replicates=1, n_parameters=3,
                         max_populations=2, max_simulations=40),
    # a first look on a busy machine: ~1,500 evaluations x 2 replicates x 2 scenarios
    "medium": FitSettings("medium", population=200, replicates=2, n_parameters=8,
                          max_populations=4, max_simulations=1500),
    # the full fit: ~4,000 evaluations (plus pyabc's 200-particle prior sample) x 4 replicates
    # x 2 scenarios. The budget is checked between generations, so the last one overshoots:
    # measured on 2 shared cores, 7,402 evaluations = 59,216 runs in 21 minutes of sampling
    "default": FitSettings("default", population=200, replicates=4, n_parameters=12,
                           max_populations=8, max_simulations=4000),
    # NPE for CI: 3 parameters (and the fitted poll offsets), 20 simulations and a second
    # round of 10 as the full fit has, a small network trained for a few epochs, 6 predictive
    # draws: seconds of work
    "npe-quick": FitSettings("npe-quick", population=0, replicates=1, n_parameters=3,
                             max_populations=0, max_simulations=30, method="npe",
                             simulations=20, chunk=10, hidden=16, transforms=2, max_epochs=10,
                             draws=100, predictive=6, predictive_replicates=1, sbc=4,
                             sbc_draws=20, rounds=2, round_simulations=10, truncation=1e-4),
    # the full NPE fit: 40 parameters, those marked `fit:` outside them and the poll offsets.
    # Each simulation is 4 runs of each of the six target scenarios, as ABC's evaluations and the
    # report's predictive draws are: a target stated as a share of runs ("in most runs", an
    # event the one history had) is then measured as a share, not as one run's yes or no, so the
    # network conditions on the statistic the report scores (fitting targets hit: 58 of 78 with
    # one run per simulation, 60 with four at fit seeds 1 and 2).
    # 6,000 simulations from the prior, then a second round of 3,000 from the prior truncated to
    # the first network's posterior region (all but 1e-4 of its mass); 300 held back for the
    # calibration check; 1,000 draws of which 600 are simulated x 4 runs. Measured on 2 idle
    # cores: 1,089 s in all (78 s of it the last training), within the 45 minutes the fit may
    # take; 29 minutes with other work on the cores
    "npe": FitSettings("npe", population=0, replicates=4, n_parameters=40, max_populations=0,
                       max_simulations=9000, method="npe", simulations=6000, chunk=250,
                       hidden=64, transforms=5, max_epochs=200, draws=1000, predictive=600,
                       predictive_replicates=4, sbc=300, sbc_draws=200, rounds=2,
                       round_simulations=3000, truncation=1e-4),
}

FIT_MANIFEST = "fit.json"
DATABASE = "abc.db"


def key(name: str) -> str:
    """A pyabc-safe parameter key for a dotted parameter name."""
    return name.replace(".", "__")


# --------------------------------------------------------------------------- the model

@lru_cache(maxsize=None)
def _base_plan(scenario: str):
    from unionsim.config.scenario import load_scenario
    from unionsim.experiment.plan import make_plan

    return make_plan(load_scenario(scenario), runs=1, seed=0, uncertainty=False)


def simulate(scenario: str, values: dict[str, float], replicates: int, seed: int):
    """``replicates`` runs of ``scenario`` with ``values`` set: (outcomes, series) frames.

    The runs go through the engine (a `Plan` with per-run samples, `run_one`, the results
    tables), so a particle's runs are exactly what ``unionsim run`` would store.
    """
    from unionsim.config.params import check_in_range
    from unionsim.experiment.parts import outcomes_table, series_table
    from unionsim.experiment.plan import run_seeds
    from unionsim.experiment.runner import run_one
    from unionsim.model.state import INDICATORS

    base = _base_plan(scenario)
    for name, value in values.items():
        check_in_range(name, value, base.parameters.specs[name], origin="calibration")
    plan = dataclasses.replace(base, n_runs=replicates, master_seed=seed,
                               seeds=tuple(run_seeds(seed, replicates)),
                               samples={k: (float(v),) * replicates for k, v in values.items()},
                               sampler="calibration")
    results = [run_one(task, plan.scenario, specs=plan.parameters.specs)
               for task in plan.tasks()]
    ok = [r for r in results if r.status == "ok"]
    outcomes = outcomes_table(results).to_pandas()
    series = series_table(ok, INDICATORS, plan.scenario.spec.start).to_pandas() if ok else None
    return outcomes, series


class SimulationModel:
    """pyabc's model: parameter values in, every measured target's value out (a poll's as the
    poll the measurement model expects, with its latent value as ``latent.<id>``)."""

    def __init__(self, names: Sequence[str], targets: Sequence[LoadedTarget], replicates: int,
                 offsets: Sequence[str] = ()):
        from unionsim.calibration.polls import offset_specs

        self.names = tuple(names)
        self.offsets = tuple(offsets)
        self.targets = tuple(targets)
        self.scenarios = tuple(dict.fromkeys(s for t in targets for s in t.scenarios))
        self.replicates = replicates
        self.offset_specs = offset_specs()

    def __call__(self, pars) -> dict[str, float]:
        from unionsim.calibration.polls import expected_poll, is_poll

        # the sampler seeds numpy per map element, so this draw is reproducible
        seed = int(np.random.randint(0, 2**31 - 1))
        values = {name: float(pars[key(name)]) for name in self.names}
        offsets = {name: float(pars[key(name)]) for name in self.offsets}
        batches = {s: simulate(s, values, self.replicates, seed) for s in self.scenarios}
        try:
            measured = measure_targets(self.targets, batches)
        except (ValueError, KeyError):  # every run of a scenario failed: no measure at all
            measured = {t.id: float("inf") for t in self.targets}
        for t in self.targets:
            if is_poll(t):
                latent = measured[t.id]
                measured[f"latent.{t.id}"] = latent
                measured[t.id] = float(expected_poll(latent, t, offsets, self.offset_specs))
        return measured


class FitDistance:
    """pyabc's distance: RMS of the fitting targets' errors in tolerances (infinite when the
    particle's runs all failed)."""

    def __init__(self, fit_targets: Sequence[LoadedTarget],
                 tolerances: dict[str, float] | None = None):
        self.fit_targets = tuple(fit_targets)
        self.tolerances = dict(tolerances or {})

    def __call__(self, x: dict, x_0: dict) -> float:
        d = distance(self.fit_targets, x, self.tolerances)
        return float("inf") if np.isnan(d) else d


# --------------------------------------------------------------------------- the sampler

def _until_accepted(payload: bytes, seed: int):
    """One map element: propose and simulate particles until one is accepted.

    Seeded with ``seed`` (drawn in the parent from the fit's seed and the generation), so the
    element's particles do not depend on which worker runs it.
    """
    import cloudpickle

    simulate_one, sample_factory = cloudpickle.loads(payload)
    np.random.seed(int(seed))
    random.seed(int(seed))
    sample = sample_factory()
    evaluations = 0
    while True:
        particle = simulate_one()
        evaluations += 1
        sample.append(particle)
        if particle.accepted:
            return sample, evaluations


def _sampler_class():
    from pyabc.sampler import MappingSampler

    class SeededMappingSampler(MappingSampler):
        """pyabc's MappingSampler with reproducible randomness.

        pyabc's own MappingSampler reseeds every map element from the operating system; here
        element i of generation t is seeded from (fit seed, t, i), so the same fit gives the
        same particles whether the map runs serially, in a process pool or on a dask cluster.
        """

        def __init__(self, map_, seed: int, progress: "FitProgress | None" = None):
            super().__init__(map_=map_)
            self.seed = int(seed)
            self.progress = progress

        def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf,
                                    all_accepted=False, ana_vars=None):
            import functools

            import cloudpickle

            seeds = np.random.SeedSequence([self.seed, int(t) + 1000]).generate_state(n)
            payload = cloudpickle.dumps((simulate_one, self.sample_factory))
            mapped = functools.partial(_until_accepted, payload)
            results = []
            if self.progress:
                self.progress.generation_started(int(t), n)
            for result in self.map_(mapped, [int(s) for s in seeds]):
                results.append(result)
                if self.progress:
                    self.progress.accepted(len(results), n, sum(r[1] for r in results))
            samples, evaluations = zip(*results)
            self.nr_evaluations_ = int(sum(evaluations))
            sample = self._create_empty_sample()
            for s in samples:
                sample += s
            return sample

    return SeededMappingSampler


class _Mapper:
    """An order-preserving map over the project's executors: serial, process pool or dask.

    The process pool is the engine's (`unionsim.experiment.executors.local_pool`): its workers
    start without the working directory on their import path, end when this process is killed,
    and leave Ctrl-C to this process; the dask client is the engine's dask executor's."""

    def __init__(self, executor: str, workers: int | None, scheduler: str | None):
        self.executor, self.workers, self.scheduler = executor, workers, scheduler
        self._pool = self._client = None
        self._stack = None

    def __enter__(self):
        import contextlib

        from unionsim.experiment.executors import local_pool, make_executor

        engine = make_executor(self.executor, workers=self.workers, scheduler=self.scheduler)
        self.workers = engine.workers
        self._stack = contextlib.ExitStack()
        if self.executor == "process":
            self._pool = local_pool(self.workers)
        elif self.executor == "dask":
            self._client = self._stack.enter_context(engine.prepare())
        return self

    def __call__(self, fn, items):
        """``fn`` over ``items``, yielding the results in the items' order as they arrive (so
        the caller can show progress)."""
        items = list(items)
        if self._pool is not None:
            from unionsim.experiment.work import starting_workers

            chunk = max(1, len(items) // (4 * (self.workers or 1)))
            with starting_workers():   # the first map starts the workers; submission is eager
                results = self._pool.map(fn, items, chunksize=chunk)
            return results             # results are read lazily, as they arrive
        if self._client is not None:
            return (future.result() for future in self._client.map(fn, items, pure=False))
        return map(fn, items)

    def __exit__(self, kind, *exc):
        if self._pool is not None:
            if kind is None:
                self._pool.shutdown(wait=True, cancel_futures=True)
            else:  # an error or Ctrl-C: do not wait for the running map elements
                from unionsim.experiment.executors import stop_now

                stop_now(self._pool)
        self._stack.close()


class FitProgress:
    """Progress lines for a fit: one when each generation starts, one when it ends, and in
    between the particles accepted so far at most every ``every`` seconds."""

    def __init__(self, say: Callable[[str], None], generations: int, *, every: float = 10.0):
        self.say, self.generations, self.every = say, generations, every
        self.started = time.perf_counter()
        self._generation_start = self._last = self.started
        self._label = ""

    def _elapsed(self) -> str:
        return f"{time.perf_counter() - self.started:.0f} s elapsed"

    def generation_started(self, t: int, n: int) -> None:
        # pyabc samples the prior once (t = -1) to set the first tolerance
        self._label = ("prior sample" if t < 0
                       else f"generation {t + 1} of at most {self.generations}")
        self._generation_start = self._last = time.perf_counter()
        self.say(f"{self._label}: sampling {n} particles ({self._elapsed()})")

    def accepted(self, done: int, n: int, evaluations: int) -> None:
        now = time.perf_counter()
        if done == n:
            self.say(f"{self._label}: {n} particles accepted of {evaluations} evaluations in "
                     f"{now - self._generation_start:.0f} s ({self._elapsed()})")
        elif now - self._last >= self.every:
            self._last = now
            self.say(f"{self._label}: {done} of {n} particles, {evaluations} evaluations so far "
                     f"({self._elapsed()})")


# --------------------------------------------------------------------------- the fit

@dataclass
class FitResult:
    """A finished fit: where it lives and what it holds."""

    folder: Path
    manifest: dict
    particles: "object"   # pandas DataFrame: particle, weight, distance, param.*, measure.*


def fit_manifest(settings: FitSettings, seed: int, names: Sequence[str],
                 targets: TargetSet, offsets: Sequence[str] = ()) -> dict:
    """What identifies a fit: a resume must match it."""
    from importlib.metadata import version

    from unionsim.calibration.polls import offset_specs
    from unionsim.config.params import default_parameters
    from unionsim.experiment.plan import model_fingerprint

    specs = default_parameters().specs
    measurement = offset_specs()
    return {
        "settings": settings.record(),
        "seed": int(seed),
        "library": {"name": "pyabc", "version": version("pyabc")},
        "targets": {"files": [Path(f).name for f in targets.files], "digest": targets.digest,
                    "fit": [t.id for t in targets.select("fit")],
                    "test": [t.id for t in targets.select("test")],
                    "no_measure": [t.id for t in targets.targets if not t.measured]},
        "scenarios": targets.scenarios(),
        "model_fingerprint": model_fingerprint(),
        "parameters": {n: {"range": list(specs[n].range), "default": specs[n].value,
                           "support": specs[n].support} for n in names},
        "poll_offsets": {n: {"range": list(measurement[n].range),
                             "default": measurement[n].value,
                             "support": measurement[n].support} for n in offsets},
    }


def run_fit(targets: TargetSet, out: str | Path, *, settings: FitSettings, seed: int = 1,
            names: Sequence[str] | None = None, resume: bool = False, force: bool = False,
            executor: str = "process", workers: int | None = None,
            scheduler: str | None = None, notify: Callable[[str], None] | None = None
            ) -> FitResult:
    """Fit the top parameters to the fitting targets with ABC-SMC; return the last population.

    ``out`` holds the pyabc database and ``fit.json``; ``resume`` continues a stopped fit there
    (refused if its settings, seed, targets or model code differ), ``force`` replaces it.
    """
    try:
        import pyabc  # noqa: F401
    except ImportError:
        raise UsageError("calibration needs the pyabc library", field="calibrate",
                         hint='pip install "unionsim[calibration]"') from None

    from unionsim.calibration.folder import check_fit_options, fit_folder
    from unionsim.calibration.screening import top_parameters

    if settings.method != "abc":
        raise UsageError(f"setting {settings.name!r} is not an ABC-SMC setting",
                         field="method", hint="unionsim.calibration.npe.run_npe runs it")
    say = notify or (lambda message: None)
    check_fit_options(seed=seed, executor=executor, workers=workers, scheduler=scheduler)
    from unionsim.calibration.polls import fitted_offsets

    names = list(names or top_parameters(settings.n_parameters))
    offsets = fitted_offsets(distance_targets(targets))
    manifest = fit_manifest(settings, seed, names, targets, offsets)
    with fit_folder(out, manifest, force=force, resume=resume, say=say) as folder:
        return _fit(folder, folder.manifest, targets, settings=settings, seed=seed, names=names,
                    offsets=offsets, executor=executor, workers=workers, scheduler=scheduler,
                    say=say)


def _fit(folder, manifest: dict, targets: TargetSet, *, settings: FitSettings, seed: int,
         names: Sequence[str], executor: str, workers: int | None, scheduler: str | None,
         say: Callable[[str], None], offsets: Sequence[str] = ()) -> FitResult:
    """`run_fit` in a claimed and locked fit folder."""
    import logging

    import pandas as pd
    import pyabc

    from unionsim.experiment.store import now_iso

    out, db_path, resume = folder.path, folder.database, folder.resuming
    folder.write_manifest({**manifest, "status": "running", "started": now_iso()})
    logging.getLogger("ABC").setLevel(logging.WARNING)

    from unionsim.calibration.polls import scoring_tolerances

    measured = targets.select()
    specs = {**manifest["parameters"], **manifest.get("poll_offsets", {})}
    prior = pyabc.Distribution(**{key(n): pyabc.RV("uniform", specs[n]["range"][0],
                                                   specs[n]["range"][1] - specs[n]["range"][0])
                                  for n in [*names, *offsets]})
    # pyabc keeps the observed data in its database: only the fitting targets' observations go
    # there, so nothing held out is ever given to the fit (the held-out measures are computed
    # for each particle, for the report, and never enter the distance)
    observed = {t.id: observed_value(t.target, scenario_spec(t.scenario).start)
                for t in distance_targets(targets)}
    np.random.seed(seed)
    random.seed(seed)
    started = time.perf_counter()
    runs = settings.runs_per_evaluation(len(manifest["scenarios"]))
    say(f"fitting {len(names)} parameters and {len(offsets)} poll offsets to "
        f"{len(targets.select('fit'))} targets: "
        f"{settings.population} particles a generation, at most {settings.max_populations} "
        f"generations and about {settings.max_simulations} evaluations of {runs} model run"
        f"{'s' if runs != 1 else ''} each")
    progress = FitProgress(say, settings.max_populations)
    with _Mapper(executor, workers, scheduler) as mapper:
        abc = pyabc.ABCSMC(SimulationModel(names, measured, settings.replicates, offsets), prior,
                           FitDistance(distance_targets(targets), scoring_tolerances(targets)),
                           population_size=settings.population,
                           sampler=_sampler_class()(mapper, seed, progress))
        db = f"sqlite:///{db_path.resolve()}"
        if resume:
            history = _load_history(abc, db, db_path)
            done = history.max_t + 1
            say(f"resuming {out}: {done} generation(s), "
                f"{history.total_nr_simulations} evaluations already done")
        else:
            abc.new(db, observed, meta_info={"fit_id": folder.fit_id})
            done = 0
        remaining = settings.max_populations - done
        spent = abc.history.total_nr_simulations if done else 0
        if remaining > 0 and spent < settings.max_simulations:
            abc.run(minimum_epsilon=settings.min_epsilon, max_nr_populations=remaining,
                    max_total_nr_simulations=settings.max_simulations,
                    min_acceptance_rate=settings.min_acceptance_rate)
        history = abc.history
    particles = last_population(history, names, measured, offsets)
    all_populations = history.get_all_populations()
    # pyabc stores each generation's wall time (the prior sample's too): their sum is the fit's
    # sampling time across every session that worked on it
    sampling_seconds = float(pd.to_numeric(all_populations["wall_time"],
                                           errors="coerce").fillna(0).sum())
    generations = all_populations[all_populations["t"] >= 0]
    evaluations = int(history.total_nr_simulations)
    n_scen = len(manifest["scenarios"])
    manifest.update({
        "status": "complete", "finished": now_iso(),
        "seconds_this_session": round(time.perf_counter() - started, 1),
        "seconds_sampling": round(sampling_seconds, 1),
        "executor": executor, "workers": workers or manifest.get("workers"),
        "evaluations": evaluations,
        "model_runs": evaluations * settings.runs_per_evaluation(n_scen),
        "generations": [{"t": int(r.t), "epsilon": float(r.epsilon), "evaluations": int(r.samples),
                         "accepted": int(r.particles),
                         "acceptance_rate": round(int(r.particles) / max(1, int(r.samples)), 4)}
                        for r in generations.itertuples()],
        "particles": int(len(particles)),
    })
    folder.write_manifest(manifest)
    return FitResult(out, manifest, particles)


def _load_history(abc, db: str, path: Path):
    """pyabc's history of a stopped fit; a database damaged inside (its fit id still readable)
    is a `ResultsError`."""
    try:
        history = abc.load(db, 1)
        history.max_t, history.total_nr_simulations  # noqa: B018 - reading checks the tables
        return history
    except Exception as exc:  # noqa: BLE001 - SQLAlchemy and sqlite raise many kinds
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise ResultsError(f"abc.db is damaged: pyabc cannot continue from it ({reason})",
                           file=path, hint="add --force to start the fit again in this folder, "
                                           "or choose another --out") from None


def last_population(history, names: Sequence[str], targets: Sequence[LoadedTarget],
                    offsets: Sequence[str] = ()):
    """The final generation as a table: particle, weight, distance, param.* (the model's
    parameters), offset.* (the polls' fitted offsets), measure.* (a poll's expected value) and
    latent.* (a poll's latent opinion)."""
    import pandas as pd

    population = history.get_population(t=history.max_t)
    rows = []
    for i, p in enumerate(population.particles):
        row = {"particle": i, "weight": float(p.weight), "distance": float(p.distance)}
        row.update({f"param.{n}": float(p.parameter[key(n)]) for n in names})
        row.update({f"offset.{n}": float(p.parameter[key(n)]) for n in offsets})
        row.update({f"measure.{t.id}": float(p.sum_stat[t.id]) for t in targets})
        row.update({f"latent.{t.id}": float(p.sum_stat[f"latent.{t.id}"]) for t in targets
                    if f"latent.{t.id}" in p.sum_stat})
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["weight"] = frame["weight"] / frame["weight"].sum()
    return frame


def write_posterior(particles, manifest: dict, path: str | Path) -> Path:
    """Write the ensemble and its manifest next to each other (the layout is described in
    `unionsim.config.posterior`); returns the Parquet path. Both are checked as
    `unionsim.calibration.folder.check_posterior_path` checks, and written whole."""
    import io

    from unionsim.calibration.folder import check_posterior_path
    from unionsim.guard import write_named

    path, manifest_file = check_posterior_path(path)
    buffer = io.BytesIO()
    particles.to_parquet(buffer, index=False)
    write_named(path, buffer.getvalue())
    write_named(manifest_file, (json.dumps(manifest, indent=2) + "\n").encode("utf-8"))
    return path
