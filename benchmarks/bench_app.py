"""Benchmark of ``unionsim app``'s batches against the CLI (a benchmark, not a test).

Runs the same batch (baseline, N runs, the same seed, all cores) twice, interleaved ``--repeat``
times:

* ``unionsim run`` as a real command: wall time of the whole command (start-up, batch, summary)
  and the batch's own seconds from its manifest;
* through the app's controller (`unionsim.app.session.Session.start_batch`, what the page's Run
  button calls) in this process, with the worker fork server warmed as the page does when it
  opens: wall time from the click to the complete results folder, the batch's seconds, and the
  time until the first partial results reach the page.

Prints each figure's median, the ratio app / CLI (the issue's target: at most 1.2) and whether the
two folders hold the same outcomes (they must). The machine's load average is printed too: on a
shared machine the ratio is only meaningful when the load is steady.

Usage (from the project root):

    .venv/bin/python benchmarks/bench_app.py                  # 500 runs, once: a few minutes
    .venv/bin/python benchmarks/bench_app.py --runs 100 --repeat 2
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cli_batch(out: Path, runs: int, seed: int) -> dict:
    """``unionsim run baseline`` as a subprocess; wall time and the manifest's batch seconds."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "unionsim", "run", "baseline", "--runs", str(runs),
                    "--seed", str(seed), "--out", str(out)], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    manifest = json.loads((out / "manifest.json").read_text())
    return {"wall": wall, "batch": manifest["seconds"], "first_partial": None}


def app_batch(runs_dir: Path, runs: int, seed: int) -> tuple[dict, Path]:
    """A batch started through the app's controller; wall time, batch seconds, first partial."""
    from unionsim.app.session import Session

    session = Session(runs_dir=runs_dir)
    assert session.choose_scenario("baseline"), session.error
    first_partial: list[float] = []
    started = time.perf_counter()

    def on_change(batch) -> None:
        if batch.partial is not None and not first_partial:
            first_partial.append(time.perf_counter() - started)

    session.on_change = on_change
    batch = session.start_batch(runs, seed)
    assert batch is not None, session.error
    batch.wait()
    wall = time.perf_counter() - started
    assert batch.status == "complete", batch.error
    manifest = json.loads((batch.folder / "manifest.json").read_text())
    return ({"wall": wall, "batch": manifest["seconds"], "first_partial": first_partial[0]},
            batch.folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    import pandas as pd

    from unionsim.app.session import warm_up_workers

    # the page does this when it opens, seconds before anyone can press Run
    warm_up_workers().join()
    time.sleep(2)
    print(f"load average before: {os.getloadavg()}; cores: {os.cpu_count()}")
    results: dict[str, list[dict]] = {"cli": [], "app": []}
    same = True
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            cli_out = Path(tmp) / f"cli-{i}"
            results["cli"].append(cli_batch(cli_out, args.runs, args.seed))
            figures, app_out = app_batch(Path(tmp) / "app", args.runs, args.seed)
            results["app"].append(figures)
            same &= pd.read_parquet(cli_out / "outcomes.parquet").equals(
                pd.read_parquet(app_out / "outcomes.parquet"))
            print(f"round {i + 1}: cli {results['cli'][-1]}, app {results['app'][-1]}",
                  flush=True)
    print(f"load average after: {os.getloadavg()}")

    def median(kind: str, key: str) -> float:
        return statistics.median(r[key] for r in results[kind])

    print(f"\n{args.runs} runs of baseline, seed {args.seed}, {args.repeat} round(s), medians:")
    print(f"  CLI command, wall:            {median('cli', 'wall'):7.1f} s "
          f"(batch {median('cli', 'batch'):.1f} s)")
    print(f"  app controller, wall:         {median('app', 'wall'):7.1f} s "
          f"(batch {median('app', 'batch'):.1f} s)")
    print(f"  ratio app / CLI, wall:        {median('app', 'wall') / median('cli', 'wall'):7.2f}"
          "   (target <= 1.2)")
    print(f"  ratio app / CLI, batch only:  {median('app', 'batch') / median('cli', 'batch'):7.2f}")
    print(f"  first partial results (app):  {median('app', 'first_partial'):7.1f} s"
          "   (target <= 3 s)")
    print(f"  same outcomes.parquet content: {same}")


if __name__ == "__main__":
    main()
