"""Machine instructions per baseline run, counted by callgrind (independent of the machine's load).

    .venv/bin/python benchmarks/instructions_per_run.py [--runs 20] [--src PATH] [--repeat 1]

Runs this script under ``valgrind --tool=callgrind`` twice: once playing ``--runs`` bare baseline
runs (the engine's way: DataCollector off, uncertainty off, master seed 1, after one warm-up run)
and once with no runs (start-up, imports, the warm-up run). The difference divided by ``--runs``
is one run's instructions. ``--src`` measures another source tree (a checkout's ``src``) with
this interpreter; ``--repeat`` repeats the pair and prints every figure (callgrind counts vary
by a few tenths of a percent between processes: hash seeds, allocation).

Needs valgrind. A pair takes about two minutes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def play(runs: int) -> None:
    """One warm-up run, then ``runs`` bare baseline runs (what callgrind counts)."""
    from unionsim.config.scenario import load_scenario
    from unionsim.experiment.plan import make_plan
    from unionsim.model.world import UnionModel

    plan = make_plan(load_scenario("baseline"), runs=max(runs, 1), seed=1, uncertainty=False)
    UnionModel(scenario=plan.scenario, params=plan.parameters, seed=0, collect=False).run()
    for seed in plan.seeds[:runs]:
        UnionModel(scenario=plan.scenario, params=plan.parameters, seed=seed,
                   collect=False).run()


def count(src: Path, runs: int) -> int:
    """Instructions of this script playing ``runs`` runs under callgrind, from ``src``."""
    with tempfile.TemporaryDirectory() as out:
        # PYTHONHASHSEED fixed: string hashes decide dict layouts, which move the count a little
        environment = dict(os.environ, PYTHONPATH=str(src), PYTHONHASHSEED="0")
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}/cg",
                        sys.executable, str(Path(__file__).resolve()), "--play", str(runs)],
                       cwd=ROOT, env=environment, capture_output=True, check=True)
        with open(f"{out}/cg") as lines:
            totals = [line for line in lines if line.startswith("summary:")]
    return int(totals[0].split()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--play", type=int, help=argparse.SUPPRESS)  # the measured process
    args = parser.parse_args()
    if args.play is not None:
        play(args.play)
        return
    for _ in range(args.repeat):
        with_runs, without = count(args.src, args.runs), count(args.src, 0)
        print(f"{(with_runs - without) / args.runs / 1e6:.2f} M instructions per baseline run "
              f"({args.runs} runs: {with_runs:,} - {without:,}; source {args.src})", flush=True)


if __name__ == "__main__":
    main()
