"""Profile the model: where one baseline run spends its time (cProfile over many runs).

    .venv/bin/python benchmarks/profile_run.py [--runs 200] [--top 25]

Prints the time per run with and without the DataCollector, then the functions with the most
time of their own and the most cumulative time. For the model's authors: the engine runs the
model with ``collect=False`` and reads ``model.series``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()

    from unionsim.config.scenario import load_scenario
    from unionsim.experiment.plan import make_plan
    from unionsim.model.world import UnionModel

    plan = make_plan(load_scenario("baseline"), runs=args.runs, seed=1, uncertainty=False)

    def loop(collect: bool) -> float:
        start = time.perf_counter()
        for seed in plan.seeds:
            UnionModel(scenario=plan.scenario, params=plan.parameters, seed=seed,
                       collect=collect).run()
        return (time.perf_counter() - start) / args.runs * 1000

    loop(False)  # warm up
    print(f"ms per run: {loop(False):.2f} without the DataCollector, "
          f"{loop(True):.2f} with it (best of one pass each)")
    profiler = cProfile.Profile()
    profiler.enable()
    loop(False)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
