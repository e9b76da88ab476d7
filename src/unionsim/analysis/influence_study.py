"""The influence study: at each of two master seeds, a Latin hypercube and a Morris design over
every parameter with a range, run in every shipped scenario and read as the headline outputs of
scenario groups; then Sobol' indices of the parameters with the largest main effects.

Scenarios are grouped by era and by what can happen in them (`SCENARIO_GROUPS`), so each
parameter's effect is measured where it can act: a war role only where a war breaks out, a US
deal only where the US makes an offer. A group's main effects are fitted to the runs of all its
scenarios together (one constant per scenario); a group's Morris output at a design point is the
mean over its scenarios.

* Latin hypercube (SALib ``latin``): ``runs_per_group`` runs per group and seed, shared equally
  by the group's scenarios, each scenario with its own sample and each run with its own seed.
* Morris (SALib): ``trajectories`` trajectories, ``repeats`` runs per point with common random
  numbers (repeat r uses the same run seed at every point, in every scenario), so an elementary
  effect compares runs that differ only in the parameter moved.
* Sobol' (SALib, Saltelli's scheme): the ``sobol_parameters`` largest by main effect, the others
  at their values, common random numbers as for Morris.

Parameters a scenario sets itself (its ``overrides``) keep that value in that scenario. Every
design is an ordinary batch run by the engine into a results folder under the study's folder,
whose name is a fingerprint of the model code, the parameters, the scenarios and the settings:
an interrupted study resumes where it stopped, a changed model starts afresh. Effects are cached
beside the folders.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Mapping

import numpy as np
import pandas as pd

from unionsim.analysis.headline import OUTPUTS, point_outputs, run_outputs
from unionsim.analysis.influence import (MorrisDesign, largest_effects, main_effects,
                                         morris_effects, pool_seeds, ranking_stability,
                                         sobol_effects)
from unionsim.config.vocabulary import FLAGS
from unionsim.errors import ResultsError, UsageError
from unionsim.model.outcomes import DIMENSIONS, TIMINGS

#: Scenario groups: era and what can happen in it. Every shipped scenario is in one group.
SCENARIO_GROUPS: dict[str, tuple[str, ...]] = {
    # 2017: the Zapad exercise, with observers, and under a NATO build-up
    "zapad_2017": ("zapad_2017", "zapad_nato_buildup"),
    # 2015: the presidential election in a recession
    "election_2015": ("election_2015",),
    # 2019 on: Moscow's economic pressure (ultimatum, subsidy and tax cuts, oil disputes) and
    # Minsk's answers (diversification)
    "pressure_2019": ("baseline", "ultimatum_2019", "subsidy_cuts", "tax_manoeuvre_dispute",
                      "energy_diversification"),
    # 2019 on: security pressure (an airbase, a hybrid campaign), and Minsk refusing a base
    "security_2019": ("airbase_pressure", "hybrid_campaign", "minsk_refuses_base"),
    # January 2019 to mid-2021 (and its calibration run to August 2021) as the documents tell it
    "history_2019_2021": ("history_2019_2021", "calibration_2019_2021"),
    # 2020: the election, protests, repression, sanctions and their sequels
    "election_2020": ("election_2020", "army_split_2020", "colour_revolution", "roadmaps_2021"),
    # 2021: isolation, the roadmap round and the US track
    "isolation_us_2021": ("isolation_2021", "us_deal_eu_holds", "us_deal_eu_holds_quarrel",
                          "eu_holds_until_release", "us_offers_deal"),
    # a war next door: what Minsk lets Russia do
    "war": ("war_next_door", "war_in_isolation", "exercise_in_crisis"),
    # strategic systems and the Suwalki gap under a NATO build-up
    "strategic": ("strategic_guarantees", "suwalki_crisis"),
    # the leader leaves
    "succession": ("succession",),
}

STUDY_FILE = "study.json"
EFFECTS = "effects"
_OUTCOME_COLUMNS = ("run", "status", "outcome", *DIMENSIONS, "implemented_share", *TIMINGS,
                    *FLAGS)


@dataclass(frozen=True)
class StudySettings:
    """The size of an influence study."""

    runs_per_group: int = 10_000
    trajectories: int = 5
    repeats: int = 1
    seeds: tuple[int, ...] = (1, 2)
    num_levels: int = 4
    sobol_parameters: int = 12
    sobol_n: int = 32
    sobol_repeats: int = 2
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(SCENARIO_GROUPS))
    parameters: tuple[str, ...] = ()      # empty: every parameter with a range

    def __post_init__(self):
        checks = (("runs_per_group", self.runs_per_group, 2), ("trajectories", self.trajectories, 2),
                  ("repeats", self.repeats, 1), ("sobol_repeats", self.sobol_repeats, 1),
                  ("num_levels", self.num_levels, 2))
        for name, value, least in checks:
            if value < least:
                raise UsageError(f"--{name.replace('_', '-')} must be at least {least} (got "
                                 f"{value})", field=name)
        if len(self.seeds) < 1 or len(set(self.seeds)) != len(self.seeds):
            raise UsageError(f"--seeds must be distinct (got {self.seeds})", field="seeds")
        if self.sobol_parameters and self.sobol_n & (self.sobol_n - 1):
            raise UsageError(f"--sobol-n must be a power of 2 (got {self.sobol_n})",
                             field="sobol_n")

    def describe(self) -> dict:
        d = asdict(self)
        d["groups"] = {g: list(s) for g, s in self.groups.items()}
        d["seeds"] = list(self.seeds)
        d["parameters"] = list(self.parameters)
        return d

    def runs_per_scenario(self, group: str) -> int:
        """Latin-hypercube runs of each scenario of ``group`` at one seed."""
        return math.ceil(self.runs_per_group / len(self.groups[group]))


def studied_parameters(names=()) -> dict[str, tuple[float, float]]:
    """Every parameter with a range (or the ones named), with its documented range."""
    from unionsim.config.params import default_parameters, unknown_parameter

    specs = default_parameters().specs
    for name in names:
        if name not in specs:
            raise unknown_parameter(name, specs, origin="--param")
    chosen = names or tuple(specs)
    return {n: (float(specs[n].range[0]), float(specs[n].range[1])) for n in chosen
            if specs[n].range[1] > specs[n].range[0]}


def study_fingerprint(settings: StudySettings) -> str:
    """A hash of what determines the study's results: model code, parameters, scenarios and
    settings."""
    from unionsim.config.params import default_parameters
    from unionsim.config.scenario import load_scenario
    from unionsim.experiment.plan import model_fingerprint

    specs = default_parameters().specs
    scenarios = {name: load_scenario(name).spec.model_dump(mode="json")
                 for names in settings.groups.values() for name in names}
    key = json.dumps({"model": model_fingerprint(), "settings": settings.describe(),
                      "parameters": {n: [s.value, *s.range] for n, s in specs.items()},
                      "scenarios": scenarios}, sort_keys=True, default=str)
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def scenario_seed(seed: int, scenario: str) -> int:
    """The master seed of one scenario's Latin hypercube (its sample and its runs' seeds)."""
    state = np.random.SeedSequence([seed, zlib.crc32(scenario.encode())]).generate_state(1)
    return int(state[0] >> 1)


@dataclass(frozen=True)
class LatinDesign:
    """A seeded Latin hypercube over named parameters (SALib ``latin``), one run per point."""

    names: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    n: int
    seed: int

    @property
    def problem(self) -> dict:
        return {"num_vars": len(self.names), "names": list(self.names),
                "bounds": [list(b) for b in self.bounds]}

    def points(self) -> np.ndarray:
        from SALib.sample import latin

        x = latin.sample(self.problem, self.n, seed=self.seed)
        lo, hi = np.array(self.bounds).T
        return np.clip(x, lo, hi)

    def shares(self) -> np.ndarray:
        """The points as shares of each parameter's range (0-1)."""
        lo, hi = np.array(self.bounds).T
        return (self.points() - lo) / (hi - lo)


def latin_design(settings: StudySettings, seed: int, group: str, scenario: str) -> LatinDesign:
    space = studied_parameters(settings.parameters)
    return LatinDesign(names=tuple(space), bounds=tuple(space.values()),
                       n=settings.runs_per_scenario(group), seed=scenario_seed(seed, scenario))


def morris_design(settings: StudySettings, seed: int):
    from unionsim.analysis.sensitivity import Design

    space = studied_parameters(settings.parameters)
    return Design(method="morris", names=tuple(space), bounds=tuple(space.values()),
                  n=settings.trajectories, seed=seed, repeats=settings.repeats,
                  num_levels=settings.num_levels)


def sobol_design(settings: StudySettings, names, seed: int):
    from unionsim.analysis.sensitivity import Design

    space = studied_parameters(tuple(names))
    return Design(method="sobol", names=tuple(space), bounds=tuple(space.values()),
                  n=settings.sobol_n, seed=seed, repeats=settings.sobol_repeats)


@dataclass
class InfluenceStudy:
    """The results of a study: main effects (per seed and pooled), Morris measures (per seed and
    pooled), Sobol' effects, the ranking's stability and the cost."""

    settings: StudySettings
    folder: Path
    main: dict[int, pd.DataFrame]
    main_pooled: pd.DataFrame
    morris: dict[int, pd.DataFrame]
    morris_pooled: pd.DataFrame
    sobol: pd.DataFrame | None
    sobol_names: tuple[str, ...]
    stability: dict
    cost: dict


def run_study(out: str | Path, settings: StudySettings, *, workers: int | None = None,
              executor: str = "process", notify: Callable[[str], None] | None = None,
              progress=None) -> InfluenceStudy:
    """Run (or resume) the study under ``out/<fingerprint>`` and analyse it."""
    from unionsim.config.scenario import load_scenario

    say = notify or (lambda message: None)
    folder = Path(out) / study_fingerprint(settings)
    folder.mkdir(parents=True, exist_ok=True)
    loaded = {name: load_scenario(name) for names in settings.groups.values() for name in names}
    engine = {"workers": workers, "executor": executor, "say": say, "progress": progress}
    started = time.perf_counter()
    runs = 0
    main, morris = {}, {}
    for seed in settings.seeds:
        runs += _run_latin(settings, seed, loaded, folder / f"main-seed{seed}", **engine)
        main[seed] = _cached(folder / EFFECTS / f"main-seed{seed}.parquet",
                             lambda: _main_effects(settings, loaded, folder, (seed,)))
        design = morris_design(settings, seed)
        runs += _run_design(design, loaded, folder / f"morris-seed{seed}", **engine)
        morris[seed] = _cached(folder / EFFECTS / f"morris-seed{seed}.parquet",
                               lambda: _morris_effects(design, settings, loaded,
                                                       folder / f"morris-seed{seed}"))
    main_pooled = main[settings.seeds[0]] if len(settings.seeds) == 1 else _cached(
        folder / EFFECTS / "main-pooled.parquet",
        lambda: _main_effects(settings, loaded, folder, settings.seeds))
    morris_pooled = pool_seeds(morris)
    real = main_pooled[~main_pooled["parameter"].str.startswith("(dummy")]
    largest = largest_effects(real, "effect")
    names = tuple(largest.sort_values("effect", ascending=False).index
                  [:settings.sobol_parameters])
    sobol = None
    if names:
        design = sobol_design(settings, names, settings.seeds[0])
        names = design.names
        runs += _run_design(design, loaded, folder / "sobol", **engine)
        sobol = _cached(folder / EFFECTS / "sobol.parquet",
                        lambda: _sobol_effects(design, settings, loaded, folder / "sobol"))
    stability = study_stability(settings, main, morris)
    cost = _cost(folder, settings, seconds=time.perf_counter() - started, runs=runs)
    return InfluenceStudy(settings=settings, folder=folder, main=main, main_pooled=main_pooled,
                          morris=morris, morris_pooled=morris_pooled, sobol=sobol,
                          sobol_names=tuple(names), stability=stability, cost=cost)


def study_stability(settings: StudySettings, main: dict, morris: dict) -> dict:
    """The two first seeds' agreement: on the main effects (ranking, top-K, influential set) and
    on Morris (the set that moves nothing)."""
    from unionsim.analysis.influence import INFLUENTIAL_PP, NEGLIGIBLE_PP

    if len(settings.seeds) < 2:
        return {}
    a, b = settings.seeds[:2]

    def largest(frame, column):
        frame = frame[~frame["parameter"].str.startswith("(dummy")]
        return largest_effects(frame, column)[column]

    out = ranking_stability(largest(main[a], "effect"), largest(main[b], "effect"))
    out.pop("negligible")
    mor = ranking_stability(largest(morris[a], "mu_star"), largest(morris[b], "mu_star"))
    out["negligible"] = mor["negligible"]
    out["morris"] = {k: mor[k] for k in ("spearman_all", "top_overlap")}
    out["seeds"] = [a, b]
    out["thresholds"] = {"influential": INFLUENTIAL_PP, "negligible": NEGLIGIBLE_PP}
    return out


def _cached(path: Path, compute) -> pd.DataFrame:
    if path.exists():
        return pd.read_parquet(path)
    frame = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    frame.to_parquet(tmp, index=False)
    tmp.replace(path)
    return frame


def _complete(folder: Path) -> bool:
    from unionsim.experiment.store import MANIFEST, read_manifest

    return (folder / MANIFEST).exists() and read_manifest(folder).get("status") == "complete"


def _run_latin(settings: StudySettings, seed: int, loaded: dict, folder: Path, *, workers,
               executor, say, progress) -> int:
    """Run each scenario's Latin hypercube (resuming what is there); the runs made now."""
    from unionsim.experiment.batch import run_plan
    from unionsim.experiment.plan import make_plan

    made = 0
    for group, names in settings.groups.items():
        for name in names:
            target = folder / name
            if _complete(target):
                continue
            design = latin_design(settings, seed, group, name)
            fixed = set(loaded[name].spec.overrides)
            x = design.points()
            samples = {n: x[:, j] for j, n in enumerate(design.names) if n not in fixed}
            say(f"{folder.name}/{name}: {design.n:,} runs")
            plan = make_plan(loaded[name], runs=design.n, seed=design.seed, samples=samples,
                             sampler="salib-latin", uncertainty=False)
            run_plan(plan, target, resume=True, workers=workers, executor=executor,
                     timeseries=False, progress=progress, notify=say)
            made += design.n
    return made


def _run_design(design, loaded: dict, folder: Path, *, workers, executor, say, progress) -> int:
    """Run a Morris or Sobol' design in every scenario (resuming what is there)."""
    from unionsim.analysis.sensitivity import run_design

    made = 0
    total = len(design.points()) * design.repeats
    for name, scenario in loaded.items():
        target = folder / name
        if _complete(target):
            continue
        say(f"{folder.name}/{name}: {total:,} runs")
        run_design(scenario, design, target, resume=True, fixed=tuple(scenario.spec.overrides),
                   workers=workers, executor=executor, timeseries=False, progress=progress,
                   notify=say)
        made += total
    return made


def _outcomes(folder: Path) -> pd.DataFrame:
    from unionsim.experiment.store import OUTCOMES

    if not _complete(folder):
        raise ResultsError("this design's batch is not complete", file=folder,
                           hint="run the study again: it resumes where it stopped")
    outcomes = pd.read_parquet(folder / OUTCOMES, columns=list(_OUTCOME_COLUMNS))
    if (outcomes["status"] != "ok").any():
        bad = outcomes.loc[outcomes["status"] != "ok", "run"].tolist()
        raise ResultsError(f"{len(bad)} runs failed (first: {bad[:5]}); the study needs every "
                           "design point", file=folder / OUTCOMES,
                           hint="see the error column of outcomes.parquet")
    return outcomes


def _main_effects(settings: StudySettings, loaded: dict, folder: Path, seeds) -> pd.DataFrame:
    """Main effects of each group, fitted to the Latin-hypercube runs of ``seeds``."""
    frames = []
    for gi, (group, names) in enumerate(settings.groups.items()):
        u, y, strata = [], [], []
        for si, name in enumerate(names):
            for seed in seeds:
                design = latin_design(settings, seed, group, name)
                outcomes = _outcomes(folder / f"main-seed{seed}" / name)
                y.append(run_outputs(outcomes, loaded[name].spec.horizon) * 100.0)
                u.append(design.shares())
                strata.append(np.full(design.n, si))
        frames.append(main_effects(np.vstack(u), pd.concat(y, ignore_index=True),
                                   studied_parameters(settings.parameters),
                                   strata=np.concatenate(strata), group=group,
                                   seed=1000 * gi + seeds[0]))
    return pd.concat(frames, ignore_index=True)


def group_points(folder: Path, group: tuple[str, ...], loaded: dict, repeats: int,
                 halves: bool = False):
    """A group's headline outputs per design point: the mean over its scenarios (and, with
    ``halves``, the same from the even and from the odd repeats)."""
    full, half_a, half_b = [], [], []
    for name in group:
        outcomes = _outcomes(folder / name)
        horizon = loaded[name].spec.horizon
        full.append(point_outputs(outcomes, horizon, repeats))
        if halves:
            half_a.append(point_outputs(outcomes, horizon, repeats, range(0, repeats, 2)))
            half_b.append(point_outputs(outcomes, horizon, repeats, range(1, repeats, 2)))
    mean = sum(full) / len(full)
    if not halves:
        return mean
    return mean, sum(half_a) / len(half_a), sum(half_b) / len(half_b)


def _morris_effects(design, settings: StudySettings, loaded: dict, folder: Path) -> pd.DataFrame:
    md = MorrisDesign(names=design.names, bounds=design.bounds, x=design.points(),
                      num_levels=design.num_levels, seed=design.seed)
    halves = design.repeats >= 2
    frames = []
    for group, names in settings.groups.items():
        if halves:
            full, half_a, half_b = group_points(folder, names, loaded, design.repeats, True)
            frames.append(morris_effects(md, full, (half_a, half_b), group=group))
        else:
            full = group_points(folder, names, loaded, design.repeats)
            frames.append(morris_effects(md, full, group=group))
    return pd.concat(frames, ignore_index=True)


def _sobol_effects(design, settings: StudySettings, loaded: dict, folder: Path) -> pd.DataFrame:
    frames = []
    for group, names in settings.groups.items():
        y = group_points(folder, names, loaded, design.repeats)
        frames.append(sobol_effects(design.problem, y, group=group, seed=design.seed))
    return pd.concat(frames, ignore_index=True)


def _cost(folder: Path, settings: StudySettings, *, seconds: float, runs: int) -> dict:
    """The study's cost so far: runs in its folders and wall seconds summed over the sessions
    that ran them (kept in ``study.json`` with the settings)."""
    from unionsim.experiment.store import write_json

    path = folder / STUDY_FILE
    sessions = json.loads(path.read_text("utf-8")).get("sessions", []) if path.exists() else []
    if runs:
        sessions.append({"runs": runs, "seconds": round(seconds, 1)})
    cost = {"runs": sum(s["runs"] for s in sessions),
            "seconds": round(sum(s["seconds"] for s in sessions), 1),
            "sessions": len(sessions), "planned": design_runs(settings)}
    write_json(path, {"settings": settings.describe(), "outputs": len(OUTPUTS),
                      "sessions": sessions, "cost": cost})
    return cost


def design_runs(settings: StudySettings) -> dict[str, int]:
    """How many runs the study makes: per seed (Latin hypercube, Morris) and for Sobol'."""
    k = len(studied_parameters(settings.parameters))
    scenarios = sum(len(g) for g in settings.groups.values())
    latin = sum(settings.runs_per_scenario(g) * len(n) for g, n in settings.groups.items())
    morris = settings.trajectories * (k + 1) * settings.repeats * scenarios
    n_sobol = min(settings.sobol_parameters, k)
    sobol = settings.sobol_n * (n_sobol + 2) * settings.sobol_repeats * scenarios \
        if n_sobol else 0
    per_seed = latin + morris
    return {"latin_per_seed": latin, "morris_per_seed": morris, "sobol": sobol,
            "total": per_seed * len(settings.seeds) + sobol, "parameters": k,
            "scenarios": scenarios}
