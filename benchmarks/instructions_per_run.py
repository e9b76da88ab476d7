"""Machine instructions per baseline run, counted by callgrind (independent of the machine's load).

    .venv/bin/python benchmarks/instructions_per_run.py [--runs 20] [--src PATH] [--repeat 1]

Runs this script under ``valgrind --tool=callgrind`` twice: once playing ``--runs`` bare baseline
runs (the engine's way: DataCollector off, uncertainty off, master seed 1, after one warm-up run)
and once with no runs (start-up, imports, the warm-up run). The difference divided by ``--runs``
is one run's instructions. ``--src`` measures another source tree (a checkout's ``src``) with
this interpreter; ``--repeat`` repeats the pair and prints every figure (callgrind counts vary
by a few tenths of a percent between processes: hash seeds, allocation).

``--runs-only`` counts the runs alone instead, in one process: callgrind starts with
instrumentation off, and the played script switches it on just before the runs and off after
them through callgrind's client requests (a five-line C library compiled into a temporary
folder with the machine's C compiler and valgrind's header). No subtraction of two processes,
so the figure moves by hundredths of a percent between repeats instead of about a million
instructions: the count to compare one change with the next.

Needs valgrind (and, for ``--runs-only``, a C compiler and ``valgrind/callgrind.h``). A pair
takes about two minutes, ``--runs-only`` about one.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


# callgrind's client requests, as a library Python can call: zero the counts and start
# counting; dump the counts and stop
TOGGLE_C = """#include <valgrind/callgrind.h>
void counting_on(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; }
void counting_off(void) { CALLGRIND_DUMP_STATS; CALLGRIND_STOP_INSTRUMENTATION; }
"""


def play(runs: int, toggle: str | None = None) -> None:
    """One warm-up run, then ``runs`` bare baseline runs (what callgrind counts); with
    ``toggle`` (the client-request library) counting is switched on for those runs only."""
    from unionsim.config.scenario import load_scenario
    from unionsim.experiment.plan import make_plan
    from unionsim.model.world import UnionModel

    plan = make_plan(load_scenario("baseline"), runs=max(runs, 1), seed=1, uncertainty=False)
    UnionModel(scenario=plan.scenario, params=plan.parameters, seed=0, collect=False).run()
    switch = None
    if toggle:
        import ctypes

        switch = ctypes.CDLL(toggle)
        switch.counting_on()
    for seed in plan.seeds[:runs]:
        UnionModel(scenario=plan.scenario, params=plan.parameters, seed=seed,
                   collect=False).run()
    if switch:
        switch.counting_off()


def count_runs_only(src: Path, runs: int) -> int:
    """Instructions of ``runs`` runs alone, counted in one process under callgrind with
    instrumentation switched on around them."""
    with tempfile.TemporaryDirectory() as out:
        library = f"{out}/toggle.so"
        Path(f"{out}/toggle.c").write_text(TOGGLE_C)
        subprocess.run(["cc", "-shared", "-fPIC", "-O1", "-o", library, f"{out}/toggle.c"],
                       check=True, capture_output=True)
        environment = dict(os.environ, PYTHONPATH=str(src), PYTHONHASHSEED="0")
        subprocess.run(["valgrind", "--tool=callgrind", "--instr-atstart=no",
                        f"--callgrind-out-file={out}/cg", sys.executable,
                        str(Path(__file__).resolve()), "--play", str(runs), "--toggle", library],
                       cwd=ROOT, env=environment, capture_output=True, check=True)
        # the dump at `counting_off` holds the runs; callgrind numbers it (cg.1). The final
        # dump at exit (cg) holds nothing of use: its summary is not a count after the zeroing
        with open(f"{out}/cg.1") as lines:
            return next(int(line.split()[1]) for line in lines if line.startswith("summary:"))


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
    parser.add_argument("--runs-only", action="store_true",
                        help="count the runs alone in one process (instrumentation switched on "
                             "around them): steadier figures for comparing changes")
    parser.add_argument("--play", type=int, help=argparse.SUPPRESS)  # the measured process
    parser.add_argument("--toggle", help=argparse.SUPPRESS)          # its client-request library
    args = parser.parse_args()
    if args.play is not None:
        play(args.play, args.toggle)
        return
    for _ in range(args.repeat):
        if args.runs_only:
            total = count_runs_only(args.src, args.runs)
            print(f"{total / args.runs / 1e6:.2f} M instructions per baseline run, the runs "
                  f"alone ({args.runs} runs: {total:,}; source {args.src})", flush=True)
            continue
        with_runs, without = count(args.src, args.runs), count(args.src, 0)
        print(f"{(with_runs - without) / args.runs / 1e6:.2f} M instructions per baseline run "
              f"({args.runs} runs: {with_runs:,} - {without:,}; source {args.src})", flush=True)


if __name__ == "__main__":
    main()
