"""`run_search`: what ``unionsim search`` runs, from a spec to a written search folder."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from unionsim.errors import UsageError
from unionsim.search import folder as layout
from unionsim.search.evaluation import Evaluations, WorkMap, make_plans
from unionsim.search.spec import LoadedSearch


@dataclass
class SearchResult:
    """A finished search: its folder, manifest and tables."""

    folder: Path
    manifest: dict
    candidates: "object"   # pandas DataFrames
    pareto: "object"
    regret: "object"


def check_settings(*, runs: int, generations: int, population: int, seed: int) -> None:
    """Refuse settings that cannot work, naming the option."""
    for name, value, low in (("runs", runs, 1), ("generations", generations, 1),
                             ("population", population, 2), ("seed", seed, 0)):
        if value < low:
            raise UsageError(f"--{name} must be at least {low} (got {value})", field=name)


def _extends(scenario) -> str:
    """How an exported scenario names the one it plays: a shipped scenario by its name, any
    other by its absolute path."""
    from unionsim.config.scenario import shipped_scenarios

    path = Path(scenario.path).resolve()
    shipped = {p.resolve(): p.stem for p in shipped_scenarios()}
    return shipped.get(path, str(path))


def _with_evaluation(search: LoadedSearch, *, posterior, replicates) -> LoadedSearch:
    """The search with the command line's evaluation settings in place of the spec's."""
    import dataclasses

    update: dict = {}
    if posterior is not None:
        # a file the user names is read from where the command runs, not beside the spec
        update["posterior"] = posterior if isinstance(posterior, bool) else \
            str(Path(posterior).expanduser().resolve())
    if replicates is not None:
        if replicates < 1:
            raise UsageError(f"--replicates must be at least 1 (got {replicates})",
                             field="replicates")
        update["replicates"] = replicates
    if not update:
        return search
    evaluation = search.spec.evaluation.model_copy(update=update)
    return dataclasses.replace(search, spec=search.spec.model_copy(
        update={"evaluation": evaluation}))


def run_search(search: LoadedSearch, out: str | Path, *, runs: int | None = None,
               generations: int | None = None, population: int | None = None, seed: int = 1,
               executor: str = "process", workers: int | None = None, resume: bool = False,
               force: bool = False, posterior: bool | str | Path | None = None,
               replicates: int | None = None, notify: Callable[[str], None] = lambda _: None
               ) -> SearchResult:
    """Search the spec's levers with NSGA-II and write the search folder ``out``.

    ``runs``, ``generations``, ``population``, ``posterior`` (True: the shipped posterior, or
    a file) and ``replicates`` default to the spec's. The same spec,
    settings and seed give the same folder contents (timings aside), whatever ``executor`` and
    ``workers``; a stopped search continues with ``resume`` from the evaluations it kept.
    """
    from unionsim.experiment.plan import model_fingerprint
    from unionsim.guard import folder_lock
    from unionsim.search.optimiser import require_pymoo

    require_pymoo()
    search = _with_evaluation(search, posterior=posterior, replicates=replicates)
    spec = search.spec
    runs = runs if runs is not None else spec.evaluation.runs
    generations = generations if generations is not None else spec.search.generations
    population = population if population is not None else spec.search.population
    check_settings(runs=runs, generations=generations, population=population, seed=seed)
    if runs % spec.evaluation.replicates:
        raise UsageError(f"--runs {runs} is not a multiple of the replicates "
                         f"{spec.evaluation.replicates}", field="runs",
                         hint="every parameter draw is played by the same number of runs")
    run_map = WorkMap(executor, workers)
    plans = make_plans(search, runs, seed)
    settings = {"runs": runs, "generations": generations, "population": population,
                "seed": seed}
    fingerprint = hashlib.sha256(json.dumps(
        {"spec": spec.model_dump(mode="json"), "settings": settings,
         "plans": [p.fingerprint() for p in plans], "model": model_fingerprint()},
        sort_keys=True).encode()).hexdigest()[:16]
    # a user's folder or a folder of another kind is refused before anything is written there;
    # then the folder is claimed and written under its lock (a second writer is refused)
    folder = layout.check(out)
    with folder_lock(folder):
        return _search(search, folder, plans, run_map, settings, fingerprint, resume=resume,
                       force=force, notify=notify)


def posterior_warnings(plans) -> list[str]:
    """What `unionsim run` warns of the posterior its runs draw from (`batch_warnings`), once
    per warning for all the search's scenarios."""
    from unionsim.config.posterior import batch_warnings

    found = [warning for plan in plans if plan.posterior
             for warning in batch_warnings(plan.posterior, plan.parameter_draws)]
    return list(dict.fromkeys(found))


def _search(search: LoadedSearch, out: Path, plans, run_map: WorkMap, settings: dict,
            fingerprint: str, *, resume: bool, force: bool, notify) -> SearchResult:
    from importlib.metadata import version

    from unionsim.analysis.outputs import png_bytes
    from unionsim.experiment.plan import model_fingerprint
    from unionsim.experiment.store import environment, now_iso
    from unionsim.search.figure import pareto_figure
    from unionsim.search.optimiser import optimise
    from unionsim.search.tables import candidates_table, pareto_table, regret_table

    spec = search.spec
    runs, generations, population, seed = (settings[k] for k in ("runs", "generations",
                                                                  "population", "seed"))
    executor = run_map.executor
    folder, previous = layout.claim(out, resume=resume, force=force, fingerprint=fingerprint)
    outputs = tuple(o.output for o in spec.objectives)
    evaluations = Evaluations(len(plans), runs, outputs)
    if previous is not None:
        kept = layout.read_evaluations(folder)
        if kept is not None:
            evaluations.load_table(kept)
            notify(f"resuming: {len(evaluations.values)} candidates already judged")
    manifest = {
        "kind": "search", "status": "running", "fingerprint": fingerprint,
        "started": (previous or {}).get("started", now_iso()),
        "spec": {"name": spec.name, "title": spec.title, "path": str(search.path),
                 "digest": search.digest, "content": spec.model_dump(mode="json")},
        "settings": {**settings, "executor": executor, "workers": run_map.workers,
                     "optimiser": "NSGA-II (pymoo)", "pymoo": version("pymoo")},
        "scenarios": [{"name": p.scenario.name, "title": p.scenario.spec.title,
                       "extends": _extends(p.scenario), "plan_fingerprint": p.fingerprint(),
                       "plan": p.describe()} for p in plans],
        "model_fingerprint": model_fingerprint(),
        "environment": environment(),
    }
    layout.write_manifest(folder, manifest)
    notify(f"searching {len(spec.levers)} levers for {len(outputs)} objectives: "
           f"{generations} generations of {population} candidates, {runs} runs each in "
           f"{len(plans)} scenario(s), on {run_map.workers} worker(s)")
    for warning in posterior_warnings(plans):
        notify("warning: " + warning)

    def keep(generation: int) -> None:
        layout.write_evaluations(folder, evaluations.to_table())

    started = time.perf_counter()
    with run_map.open(search, plans, outputs):
        account = optimise(search, evaluations, run_map, generations=generations,
                           population=population, seed=seed, notify=notify,
                           after_generation=keep)
    # the Pareto policies numbered in order of the first objective (best first)
    first = spec.objectives[0]
    pareto = sorted(account.pareto, key=lambda k: first.sign * evaluations.mean(k)[0])
    candidates = candidates_table(search, evaluations, pareto)
    regret = regret_table(search, evaluations, pareto)
    table = pareto_table(search, candidates, regret)
    figure = pareto_figure(candidates, spec.objectives,
                           f"{spec.title}\n{len(evaluations.values)} candidates judged on "
                           f"{runs} runs x {len(plans)} scenario(s), seed {seed}")
    layout.write_outputs(folder, candidates, table, regret, png_bytes(figure))
    manifest.update({
        "status": "complete", "finished": now_iso(),
        "seconds": round(time.perf_counter() - started, 1),
        "generations": account.generations,
        "evaluations": len(evaluations.values),
        "model_runs": len(evaluations.values) * len(plans) * runs,
        "pareto": [{"policy": i, "levers": json.loads(key),
                    "objectives": dict(zip(outputs, map(float, evaluations.mean(key)))),
                    "policies": {k: p.model_dump(mode="json", exclude_none=True)
                                 for k, p in search.policies(json.loads(key)).items()}}
                   for i, key in enumerate(pareto, start=1)],
    })
    layout.write_manifest(folder, manifest)
    return SearchResult(folder=folder, manifest=manifest, candidates=candidates, pareto=table,
                        regret=regret)
