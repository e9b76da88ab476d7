"""Benchmark of a played game (`unionsim play`; a benchmark, not a test).

Prints, for one scenario and seat:

1. a plain recorded run (what `unionsim trace` costs), the reference;
2. the first decision point of a new game (one replay);
3. a whole game played one decision at a time (every decision point one replay), with the
   number of decision points and the months between them;
4. the model taking every decision left in one replay (`model N` at the prompt);
5. "what happens from here" with N continuations at the game's middle decision.

Usage (from the project root):

    .venv/bin/python benchmarks/bench_play.py                       # baseline as minsk
    .venv/bin/python benchmarks/bench_play.py --scenario baseline --as eu --ahead 200
"""

from __future__ import annotations

import argparse
import random
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--as", dest="seat", default="minsk")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ahead", type=int, default=100, help="continuations to look ahead")
    args = parser.parse_args()

    from unionsim.experiment.game import Game, GameOver
    from unionsim.model.world import UnionModel

    game = Game.new(args.scenario, args.seat, seed=args.seed)
    UnionModel(scenario=game.scenario, seed=args.seed, collect=False).run()  # warm the imports
    times = []
    for _ in range(5):
        t = time.perf_counter()
        UnionModel(scenario=game.scenario, seed=args.seed, collect=False, record=True).run()
        times.append(time.perf_counter() - t)
    print(f"{args.scenario}, seat {args.seat}, seed {args.seed}")
    print(f"plain recorded run:               {1000 * statistics.median(times):7.1f} ms "
          f"(median of 5)")

    t = time.perf_counter()
    point = Game.new(args.scenario, args.seat, seed=args.seed).now()
    print(f"first decision point:             {1000 * (time.perf_counter() - t):7.1f} ms "
          f"({point.key}, {point.date})")

    pick = random.Random(0)
    steps, months = [], []
    t0 = time.perf_counter()
    while True:
        t = time.perf_counter()
        point = game.now()
        steps.append(time.perf_counter() - t)
        if isinstance(point, GameOver):
            break
        months.append(point.months_since)
        game = game.choose(pick.choice(point.available))
    total = time.perf_counter() - t0
    print(f"a whole game, one point at a time: {total:6.2f} s for {len(months)} decision points"
          f" ({1000 * statistics.median(steps):.1f} ms median per point, "
          f"{1000 * max(steps):.1f} ms slowest); months between points: median "
          f"{statistics.median(months):g}, longest {max(months)}, "
          f"{sum(m == 0 for m in months)} in the same month as the one before")
    print(f"  outcome with random choices: {point.outcome}")

    t = time.perf_counter()
    done = Game.new(args.scenario, args.seat, seed=args.seed).let_model(10_000)
    done.now()
    print(f"the model takes every decision:   {1000 * (time.perf_counter() - t):7.1f} ms "
          f"({len(done.choices)} decisions, two replays)")

    middle = Game.new(args.scenario, args.seat, seed=args.seed).let_model(len(months) // 2)
    t = time.perf_counter()
    outlook = middle.ahead(args.ahead)
    took = time.perf_counter() - t
    shares = ", ".join(f"{k} {v:.0%}" for k, v in list(outlook.shares().items())[:4])
    print(f"ahead {args.ahead} from {middle.now().date}:        {took:7.2f} s "
          f"({1000 * took / args.ahead:.1f} ms a continuation); {shares}")


if __name__ == "__main__":
    main()
