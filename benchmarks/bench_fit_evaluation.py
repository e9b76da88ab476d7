"""What one evaluation of the fit costs, and where it goes: model runs, results tables, measures.

    .venv/bin/python benchmarks/bench_fit_evaluation.py [--parameters 40] [--replicates 1] [--repeat 10]

An evaluation is what ABC-SMC does per particle and NPE per simulation: ``replicates`` runs of
every target scenario with one parameter vector (the screening's top ``--parameters`` at their
defaults, the poll offsets at 0), the results tables the engine writes, and every measured
target's value (`unionsim.calibration.fit.SimulationModel`). One process, no pool: the figure
per core. Prints the median over ``--repeat`` evaluations of each part, and the machine's load.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parameters", type=int, default=40)
    parser.add_argument("--replicates", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    from unionsim.calibration.fit import SimulationModel, _base_plan, key
    from unionsim.calibration.holdout import distance_targets
    from unionsim.calibration.measures import measure_targets
    from unionsim.calibration.polls import fitted_offsets
    from unionsim.calibration.screening import top_parameters
    from unionsim.config.params import default_parameters
    from unionsim.config.targets import load_targets
    from unionsim.experiment.parts import outcomes_table, series_table
    from unionsim.experiment.plan import run_seeds
    from unionsim.experiment.runner import run_one
    from unionsim.model.state import INDICATORS

    targets = load_targets()
    names = top_parameters(args.parameters)
    specs = default_parameters().specs
    model = SimulationModel(names, targets.select(), args.replicates,
                            fitted_offsets(distance_targets(targets)))
    values = {n: specs[n].value for n in names}
    model({**{key(n): v for n, v in values.items()}, **{key(n): 0.0 for n in model.offsets}})

    parts = {"model runs": [], "results tables": [], "measures": []}
    for i in range(args.repeat):
        runs = tables = 0.0
        batches = {}
        for scenario in model.scenarios:
            base = _base_plan(scenario)
            plan = dataclasses.replace(
                base, n_runs=args.replicates, master_seed=i + 1,
                seeds=tuple(run_seeds(i + 1, args.replicates)),
                samples={k: (float(v),) * args.replicates for k, v in values.items()},
                sampler="calibration")
            start = time.perf_counter()
            results = [run_one(task, plan.scenario, specs=plan.parameters.specs)
                       for task in plan.tasks()]
            runs += time.perf_counter() - start
            start = time.perf_counter()
            ok = [r for r in results if r.status == "ok"]
            batches[scenario] = (outcomes_table(results).to_pandas(),
                                 series_table(ok, INDICATORS, plan.scenario.spec.start)
                                 .to_pandas())
            tables += time.perf_counter() - start
        start = time.perf_counter()
        measure_targets(model.targets, batches)
        parts["measures"].append(time.perf_counter() - start)
        parts["model runs"].append(runs)
        parts["results tables"].append(tables)

    total = sum(statistics.median(v) for v in parts.values())
    print(f"one evaluation: {args.replicates} replicate(s) x {len(model.scenarios)} scenarios, "
          f"{len(model.targets)} targets, {len(names)} parameters; median of {args.repeat}")
    for name, times in parts.items():
        median = statistics.median(times)
        print(f"  {name:16s} {median * 1000:7.1f} ms  ({median / total:5.1%})")
    print(f"  {'total':16s} {total * 1000:7.1f} ms  -> {1 / total:.1f} evaluations/s per core")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
