"""How long does the shipped policy search take, and how much does it find?

Runs `unionsim search` on a spec (default: searches/west_deal_or_hold.yaml at its own
settings) into a temporary folder and prints the wall time, the candidates judged, the model
runs, runs/s, the Pareto set's size and the load average of the machine before and after (the
search shares the cores with whatever else runs). It also checks the figure the issue asks for:
the shipped example finishes within 15 minutes on 2 cores.

Not a test: it prints figures and asserts nothing.

    .venv/bin/python benchmarks/bench_search.py                     # the shipped spec, 3-8 min
    .venv/bin/python benchmarks/bench_search.py --generations 2 --population 6 --runs 20
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default=str(ROOT / "searches" / "west_deal_or_hold.yaml"))
    parser.add_argument("--runs", type=int)
    parser.add_argument("--generations", type=int)
    parser.add_argument("--population", type=int)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from unionsim.search.runner import run_search
    from unionsim.search.spec import load_search_spec

    spec = load_search_spec(args.spec)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        result = run_search(spec, Path(tmp) / "search", runs=args.runs,
                            generations=args.generations, population=args.population,
                            seed=args.seed, workers=args.workers,
                            notify=lambda line: print("  " + line, flush=True))
        seconds = time.perf_counter() - start
    m = result.manifest
    s = m["settings"]
    print(f"spec: {Path(args.spec).name} ({s['generations']} generations x {s['population']} "
          f"candidates, {s['runs']} runs each, {len(m['scenarios'])} scenario(s), "
          f"{s['workers']} workers, seed {s['seed']})")
    print(f"wall time: {seconds:.0f} s ({seconds / 60:.1f} min); within 15 min: "
          f"{'yes' if seconds <= 900 else 'NO'}")
    print(f"candidates judged: {m['evaluations']}; model runs: {m['model_runs']} "
          f"({m['model_runs'] / seconds:.0f} runs/s)")
    print(f"Pareto set: {len(m['pareto'])} policies")
    print(f"load average (1 min) before {load_before[0]:.1f}, after {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
