"""Benchmark of ``unionsim app`` (a benchmark, not a test): what a person waits for.

``--mode page`` (the default) drives the real page in headless Chromium (Playwright, Debian's
/usr/bin/chromium), as in tests/test_app_e2e.py, for each of ``--load 0`` (whatever else runs on
the machine) and ``--load 2`` (two extra processes that keep both cores busy):

* **final results**: seconds from the engine finishing (the results folder's manifest written
  "complete") to the page showing the outcome shares of all the runs (target: 2 s idle);
* the fan charts (drawn in the background) and the paired comparison, from the same moment;
* **report**: seconds from a click on *HTML report* to the page naming the written file, for
  the pinned reference and the current batch (``--runs`` runs each).

``--mode controller`` is the older comparison of a batch run through the app's controller
(`unionsim.app.session.Session.start_batch`, what the Run button calls) with ``unionsim run``:
wall time, the batch's own seconds and the time to the first partial results.

The machine's load average is printed with each figure: on a shared machine they are only
comparable at a similar load.

Usage (from the project root):

    .venv/bin/python benchmarks/bench_app.py                       # page: 200 runs, load 0 and 2
    .venv/bin/python benchmarks/bench_app.py --runs 100 --load 2   # one load only
    .venv/bin/python benchmarks/bench_app.py --mode controller --runs 100 --repeat 2
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


def controller_main(args) -> None:
    """The app's controller against ``unionsim run`` (``--mode controller``)."""
    import pandas as pd

    from unionsim.app.batches import warm_up_workers

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


# --------------------------------------------------------------------------- the page

CHROMIUM = os.environ.get("UNIONSIM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _complete(runs_dir: Path, count: int, timeout: float) -> Path:
    """Wait until ``count`` batches are complete on disk; the newest folder."""
    deadline = time.monotonic() + timeout
    while True:
        done = [f.parent for f in runs_dir.glob("*/manifest.json")
                if json.loads(f.read_text() or "{}").get("status") == "complete"]
        if len(done) >= count:
            return max(done, key=lambda f: (f / "manifest.json").stat().st_mtime)
        if time.monotonic() > deadline:
            raise TimeoutError("the batch did not finish in time")
        time.sleep(0.05)


def _since(folder: Path) -> float:
    """Seconds since the engine wrote the folder's manifest "complete"."""
    return time.time() - (folder / "manifest.json").stat().st_mtime


def _wait(page, selector: str, timeout: float) -> bool:
    try:
        page.locator(selector).first.wait_for(state="attached", timeout=timeout * 1000)
        return True
    except Exception:   # noqa: BLE001 - an older page may lack the element: n/a
        return False


def _type_box(page, label: str, text: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.click()
    box.press("Control+a")
    page.keyboard.type(text)
    box.press("Tab")


def page_round(runs: int, seed: int, load: int) -> dict:
    """One session in the browser: a batch, a pinned reference, a tweaked batch, the report."""
    import contextlib
    import urllib.request

    from playwright.sync_api import sync_playwright

    out: dict[str, float | None] = {}
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        tmp = Path(tmp)
        runs_dir, port = tmp / "runs", _free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        log = stack.enter_context(open(tmp / "server.log", "wb"))
        script = Path(sys.executable).with_name("unionsim")
        command = [str(script)] if script.exists() else [sys.executable, "-P", "-m", "unionsim"]
        server = subprocess.Popen([*command, "app", "--port", str(port), "--runs-dir",
                                   str(runs_dir)], cwd=tmp, env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
        stack.callback(lambda: (server.terminate(), server.wait(30)))
        url = f"http://127.0.0.1:{port}/"
        for _ in range(600):
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.set_default_timeout(600_000)
        page.goto(url)
        page.get_by_text("unionsim explorer").first.wait_for()
        burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
                   for _ in range(load)]
        stack.callback(lambda: [(b.kill(), b.wait()) for b in burners])
        _type_box(page, "Runs", str(runs))
        _type_box(page, "Seed", str(seed))
        page.locator("code", has_text=f"--runs {runs} ").first.wait_for()

        def batch(count: int, key: str) -> None:
            page.get_by_role("button", name="Run", exact=True).click()
            folder = _complete(runs_dir, count, 1800)
            page.locator("[data-testid=outcome-chart][data-partial=no]").first.wait_for(
                state="attached")
            out[f"{key} final results"] = _since(folder)
            status = page.get_by_test_id("batch-status").filter(has_text="complete")
            status.first.wait_for()
            # a page without background figures (an older version) has neither element
            drawn = _wait(page, "[data-testid=figure-fan_charts], "
                                "[data-testid=figure-fan_charts-pending]", 10)
            out[f"{key} fan charts"] = (_since(folder) if drawn and _wait(
                page, "[data-testid=figure-fan_charts]", 300) else None)
            if count > 1:
                page.get_by_test_id("paired-difference").first.wait_for(state="attached")
                out[f"{key} paired comparison"] = _since(folder)

        def say(key: str) -> None:
            value = out.get(key)
            print(f"    {key}: " + (f"{value:.1f} s" if value is not None else "n/a"),
                  flush=True)

        batch(1, "batch 1:")
        for key in list(out):
            say(key)
        page.get_by_role("button", name="Pin as reference").click()
        page.get_by_test_id("reference").wait_for()
        page.get_by_label("Set name=value (as --set)").fill("minsk.sovereignty_weight=0.5")
        page.get_by_role("button", name="Set", exact=True).click()
        page.get_by_test_id("tweaks").filter(has_text="minsk.sovereignty_weight").wait_for()
        batch(2, "batch 2:")
        for key in [k for k in out if k.startswith("batch 2")]:
            say(key)
        started = time.monotonic()
        page.get_by_role("button", name="HTML report").click()
        out["report (both batches)"] = (time.monotonic() - started if _wait(
            page, "[data-testid=report-path]", 600) else None)
        say("report (both batches)")
    return out


def page_main(args) -> None:
    """The page's waits, at each load (``--mode page``)."""
    loads = [args.load] if args.load is not None else [0, 2]
    for load in loads:
        rounds = []
        for i in range(args.repeat):
            before = os.getloadavg()
            figures = page_round(args.runs, args.seed, load)
            rounds.append(figures)
            print(f"load {load}, round {i + 1} (load average before {before[0]:.1f}, after "
                  f"{os.getloadavg()[0]:.1f}, {os.cpu_count()} cores): "
                  + ", ".join(f"{k} {v:.1f} s" if v is not None else f"{k} n/a"
                              for k, v in figures.items()), flush=True)
        print(f"\n{args.runs} runs of baseline per batch, {load} extra busy process(es), "
              f"medians over {args.repeat} round(s):")
        for key in rounds[0]:
            values = [r[key] for r in rounds if r.get(key) is not None]
            shown = f"{statistics.median(values):7.1f} s" if values else "    n/a"
            target = "   (target <= 2 s idle)" if key.endswith("final results") else ""
            print(f"  {key:<32} {shown}{target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["page", "controller"], default="page")
    parser.add_argument("--runs", type=int, default=None,
                        help="runs per batch (default: 200 for page, 500 for controller)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--load", type=int, default=None,
                        help="extra busy processes (page mode; default: 0, then 2)")
    args = parser.parse_args()
    if args.mode == "page":
        args.runs = args.runs or 200
        page_main(args)
    else:
        args.runs = args.runs or 500
        controller_main(args)


if __name__ == "__main__":
    main()
