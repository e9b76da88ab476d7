"""Benchmark of the Monte Carlo engine on the baseline scenario (a benchmark, not a test).

Prints, in one run:

1. throughput on the same N runs (the same seeds), the configurations interleaved and repeated:
   * the bare model loop in one process (build a `UnionModel`, run it; nothing stored);
   * `run_plan` (what `unionsim run` executes) with 1 worker and with all cores, time series
     stored, wall time including the pool start and the final merge;
   * `mesa.batch_run` with 1 and with all processes on the same model and seeds (it needs the
     model's DataCollector, so ``collect=True``; end-of-run rows only);
2. 10,000 runs with time series on all cores, wall time (the issue's one-minute target);
3. `unionsim run --no-timeseries` as a real command for 10,000 and 100,000 runs: wall time and
   the peak memory of the whole process tree (CLI, fork server, workers), sampled from /proc;
4. the ratios between them.

Usage (from the project root):

    .venv/bin/python benchmarks/bench_engine.py                 # about 20 minutes on 2 cores
    .venv/bin/python benchmarks/bench_engine.py --quick         # a 1-minute smoke run

Linux only (the memory sampler reads /proc).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- configurations

def bare_loop(plan) -> float:
    """Seconds for the model loop alone: build and run each planned model, keep nothing."""
    from unionsim.model.world import UnionModel

    start = time.perf_counter()
    for seed in plan.seeds:
        UnionModel(scenario=plan.scenario, params=plan.parameters, seed=seed, collect=False).run()
    return time.perf_counter() - start


def unionsim_run(plan, workers: int, out: Path, timeseries: bool = True) -> float:
    """Seconds for `run_plan` (the code path of `unionsim run`), pool start and merge included."""
    from unionsim.experiment.batch import run_plan

    start = time.perf_counter()
    run_plan(plan, out, force=True, executor="process", workers=workers, timeseries=timeseries)
    elapsed = time.perf_counter() - start
    shutil.rmtree(out)
    return elapsed


def mesa_batch_run(plan, processes: int) -> float:
    """Seconds for `mesa.batch_run` over the same seeds (seeding that works on Mesa 3.3 and 3.5:
    see /work/shared/mesa-examples/batch_portable.py)."""
    import mesa

    from unionsim.model.world import UnionModel

    seeds = list(plan.seeds)
    common = dict(number_processes=processes, data_collection_period=-1,
                  max_steps=plan.scenario.spec.horizon, display_progress=False)
    start = time.perf_counter()
    if tuple(int(x) for x in mesa.__version__.split(".")[:2]) >= (3, 4):
        rows = mesa.batch_run(UnionModel, parameters={"scenario": [plan.scenario]}, rng=seeds,
                              **common)
    else:  # 3.3: no rng= argument; seeds are a swept parameter, one iteration each
        rows = mesa.batch_run(UnionModel, parameters={"scenario": [plan.scenario], "rng": seeds},
                              iterations=1, **common)
    elapsed = time.perf_counter() - start
    assert len(rows) == len(seeds), (len(rows), len(seeds))
    return elapsed


# --------------------------------------------------------------------------- other load

class OtherLoad:
    """Cores kept busy by other processes while a measurement ran (the VM is shared): busy CPU
    time from /proc/stat minus the CPU time of this process tree (workers included)."""

    def __enter__(self):
        self.busy, self.own, self.wall = _busy_seconds(), tree_cpu_seconds(), time.monotonic()
        return self

    def __exit__(self, *exc):
        wall = time.monotonic() - self.wall
        other = (_busy_seconds() - self.busy) - (tree_cpu_seconds() - self.own)
        self.cores = max(0.0, other / wall) if wall > 0 else 0.0
        return False


def _busy_seconds() -> float:
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _process_tree() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    return children


def _descendants(root: int, children: dict[int, list[int]]) -> list[int]:
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def tree_cpu_seconds(root: int | None = None) -> float:
    """CPU seconds of a process and its descendants, live ones and those already reaped (a
    reaped child's time is in its parent's cutime/cstime; the fork server reaps the workers)."""
    total = 0
    for pid in _descendants(root or os.getpid(), _process_tree()):
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
        except (OSError, ValueError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- memory

def _tree_memory(root_pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes summed over ``root_pid`` and all its descendants."""
    rss = pss = 0
    for pid in _descendants(root_pid, _process_tree()):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
        except OSError:
            pass
    return rss, pss


def cli_with_memory(runs: int, out: Path, workers: int) -> dict:
    """Run `unionsim run --no-timeseries` and sample the process tree's memory every 0.2 s."""
    command = [sys.executable, "-m", "unionsim", "run", "baseline", "--runs", str(runs),
               "--seed", "1", "--out", str(out), "--force", "--no-timeseries",
               "--workers", str(workers)]
    start, busy, mine = time.perf_counter(), _busy_seconds(), os.times()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    peak = {"rss": 0, "pss": 0, "cpu": 0.0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss, pss = _tree_memory(proc.pid)
            peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
            # the command's fork server is not reaped by it, so its workers' CPU time is only
            # seen while it lives: keep the last reading
            peak["cpu"] = max(peak["cpu"], tree_cpu_seconds(proc.pid))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = proc.wait()
    done.set()
    sampler.join()
    elapsed = time.perf_counter() - start
    now = os.times()
    own = peak["cpu"] + (now.user - mine.user) + (now.system - mine.system)
    other_cores = max(0.0, (_busy_seconds() - busy - own) / elapsed)
    if code != 0:
        raise RuntimeError(f"unionsim run failed with exit code {code}")
    sizes = {p.name: p.stat().st_size for p in out.iterdir() if p.is_file()}
    shutil.rmtree(out)
    return {"runs": runs, "seconds": elapsed, "runs_per_s": runs / elapsed,
            "peak_rss_mb": peak["rss"] / 2**20, "peak_pss_mb": peak["pss"] / 2**20,
            "files_mb": sum(sizes.values()) / 2**20, "other_cores": other_cores}


# --------------------------------------------------------------------------- main

def machine() -> str:
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import mesa

    return (f"{os.cpu_count()} vCPU ({model}), Python {platform.python_version()}, "
            f"Mesa {mesa.__version__}, {platform.platform()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=2000, help="runs per throughput measurement")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved repetitions")
    parser.add_argument("--big", type=int, default=10_000, help="runs with time series, all cores")
    parser.add_argument("--memory-runs", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.repeat, args.big, args.memory_runs = 200, 1, 1000, [2000]

    from unionsim.config.scenario import load_scenario
    from unionsim.experiment.work import available_cores
    from unionsim.experiment.plan import make_plan

    cores = available_cores()
    scenario = load_scenario("baseline")
    # uncertainty off: the bare loop and mesa.batch_run take one parameter set, so every
    # configuration must run exactly the same runs (same seeds, same values)
    plan = make_plan(scenario, runs=args.runs, seed=1, uncertainty=False)
    tmp = Path(tempfile.mkdtemp(prefix="unionsim-bench-"))
    print(f"machine: {machine()}")
    print(f"baseline scenario, {scenario.spec.horizon} months; {args.runs} runs per measurement, "
          f"{args.repeat} interleaved repetitions; all cores = {cores}\n", flush=True)

    configs = {
        "bare model loop, 1 process": lambda: bare_loop(plan),
        "unionsim run, 1 worker": lambda: unionsim_run(plan, 1, tmp / "w1"),
        f"unionsim run, {cores} workers": lambda: unionsim_run(plan, cores, tmp / "wn"),
        "mesa.batch_run, 1 process": lambda: mesa_batch_run(plan, 1),
        f"mesa.batch_run, {cores} processes": lambda: mesa_batch_run(plan, cores),
    }
    unionsim_run(make_plan(scenario, runs=4 * cores, seed=99), cores, tmp / "warm")  # fork server
    if args.repeat > 0:
        throughput(configs, args.runs, args.repeat, cores)
    if args.big > 0:
        big(scenario, args.big, cores, tmp)
    if args.memory_runs:
        print("\noutcomes-only batches (`unionsim run --no-timeseries`, a real command):")
    for runs in args.memory_runs:
        m = cli_with_memory(runs, tmp / f"mem{runs}", cores)
        print(f"  {runs:7d} runs: {m['seconds']:6.1f} s ({m['runs_per_s']:.0f} runs/s), peak "
              f"memory of the process tree {m['peak_rss_mb']:.0f} MB RSS / "
              f"{m['peak_pss_mb']:.0f} MB PSS, files {m['files_mb']:.1f} MB (other processes "
              f"kept about {m['other_cores']:.2f} cores busy)", flush=True)
    shutil.rmtree(tmp, ignore_errors=True)


def throughput(configs: dict, runs: int, repeat: int, cores: int) -> None:
    """Interleaved repetitions of every configuration; medians, bests and ratios."""
    seconds: dict[str, list[float]] = {name: [] for name in configs}
    for rep in range(repeat):
        for name, measure in configs.items():
            with OtherLoad() as load:
                elapsed = measure()
            seconds[name].append(elapsed)
            print(f"  rep {rep + 1}: {name:32s} {runs / elapsed:7.1f} runs/s   (other "
                  f"processes kept {load.cores:.2f} cores busy)", flush=True)
    rate = {name: runs / statistics.median(s) for name, s in seconds.items()}
    best = {name: runs / min(s) for name, s in seconds.items()}
    print(f"\nthroughput, {runs} runs (median / best of {repeat}):")
    for name in configs:
        print(f"  {name:32s} {rate[name]:7.1f} / {best[name]:7.1f} runs/s")

    names = list(configs)
    for label, figures in (("medians", rate), ("bests", best)):
        bare, w1, wn, br1, brn = (figures[n] for n in names)
        print(f"\nratios ({label}):")
        print(f"  unionsim 1 worker / bare loop                     {w1 / bare:5.2f}")
        print(f"  unionsim {cores} workers / ({cores} x bare loop)             "
              f"{wn / (cores * bare):5.2f}   (target >= 0.85)")
        print(f"  unionsim {cores} workers / unionsim 1 worker              {wn / w1:5.2f}")
        print(f"  unionsim 1 worker / mesa.batch_run 1 process        {w1 / br1:5.2f}")
        print(f"  unionsim {cores} workers / mesa.batch_run {cores} processes    {wn / brn:5.2f}")
        print(f"  mesa.batch_run {cores} processes / bare loop            {brn / bare:5.2f}",
              flush=True)


def big(scenario, runs: int, cores: int, tmp: Path) -> None:
    """One large batch with time series on all cores (the issue's one-minute target)."""
    from unionsim.experiment.plan import make_plan

    plan = make_plan(scenario, runs=runs, seed=1)
    with OtherLoad() as load:
        elapsed = unionsim_run(plan, cores, tmp / "big")
    print(f"\n{runs} runs with time series, {cores} workers: {elapsed:.1f} s "
          f"({runs / elapsed:.0f} runs/s; target < 60 s for 10,000; other processes kept "
          f"{load.cores:.2f} cores busy)", flush=True)


if __name__ == "__main__":  # the process pool's fork server re-imports this module
    main()
