"""Benchmark of *Play a side* in ``unionsim app`` (a benchmark, not a test): what a player waits for.

Drives the real page in headless Chromium (Playwright, Debian's /usr/bin/chromium), as
tests/test_app_e2e.py does, and prints:

* **decision**: seconds from a click on an option (or *Take the model's choice*) to the page
  showing the next decision point, for ``--decisions`` decisions (median and slowest), with the
  server's own share (the replay to the next point, as the page reports it);
* **what happens from here**: seconds from the click to the outcome shares of ``--ahead``
  continuations on the page, and to their fan charts (drawn in the background);
* **to the end**: seconds from *Let the model play on to the end* to the end of the game shown.

The machine's load average is printed: on a shared machine the figures are only comparable at a
similar load.

Usage (from the project root):

    .venv/bin/python benchmarks/bench_app_play.py                       # baseline as minsk
    .venv/bin/python benchmarks/bench_app_play.py --as eu --ahead 200 --decisions 6
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("UNIONSIM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _point(page, number: int):
    point = page.locator(f"[data-testid=play-point][data-number='{number}']")
    point.wait_for()
    return point


def play_round(args, folder: Path) -> dict:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    script = Path(sys.executable).with_name("unionsim")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with open(folder / "server.log", "wb") as log:
        server = subprocess.Popen([str(script), "app", "--port", str(port), "--runs-dir",
                                   str(folder / "runs")], cwd=folder, env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    figures: dict = {}
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the app did not start") from None
                time.sleep(0.3)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.set_default_timeout(120_000)
            page.goto(url)
            page.get_by_text("unionsim explorer").first.wait_for()
            if args.scenario != "baseline":
                page.get_by_label("...or a scenario file (.yaml)").fill(args.scenario)
                page.get_by_role("button", name="Load file").click()
            page.get_by_role("button", name="Seat").click()
            page.get_by_role("option", name=args.seat, exact=True).click()
            page.get_by_label("Game seed").fill(str(args.seed))
            started = time.perf_counter()
            page.get_by_role("button", name="Start game").click()
            _point(page, 0)
            figures["start"] = time.perf_counter() - started
            clicks, server_side = [], []
            for number in range(args.decisions):
                point = _point(page, number)
                started = time.perf_counter()
                if number % 2:
                    page.get_by_role("button", name="Take the model's choice").click()
                else:
                    option = point.get_attribute("data-available").split()[-1]
                    page.locator(f"[data-testid=option][data-number='{number}']"
                                 f"[data-option='{option}'] button").click()
                _point(page, number + 1)
                clicks.append(time.perf_counter() - started)
                step = page.get_by_test_id("play-step").inner_text().split()
                server_side.append(float(step[-2]) if len(step) >= 2 else float("nan"))
            figures["decision (median)"] = statistics.median(clicks)
            figures["decision (slowest)"] = max(clicks)
            figures["decision, server's replay (median)"] = statistics.median(server_side)
            page.get_by_label("Continuations").fill(str(args.ahead))
            started = time.perf_counter()
            page.get_by_role("button", name="What happens from here").click()
            page.locator("[data-testid=ahead-chart]").wait_for(state="attached")
            figures[f"ahead {args.ahead}: shares shown"] = time.perf_counter() - started
            page.get_by_test_id("ahead-figure").wait_for()
            figures[f"ahead {args.ahead}: fan charts shown"] = time.perf_counter() - started
            started = time.perf_counter()
            page.get_by_role("button", name="Let the model play on to the end").click()
            page.get_by_test_id("play-outcome").wait_for()
            figures["to the end"] = time.perf_counter() - started
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="baseline",
                        help="baseline, or a scenario file under the working directory")
    parser.add_argument("--as", dest="seat", default="minsk")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--decisions", type=int, default=8)
    parser.add_argument("--ahead", type=int, default=50)
    args = parser.parse_args()
    before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-play-") as tmp:
        figures = play_round(args, Path(tmp))
    print(f"{args.scenario} as {args.seat}, seed {args.seed} (load average before "
          f"{before:.1f}, after {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores):")
    for key, value in figures.items():
        print(f"  {key:<36} {value:7.2f} s")


if __name__ == "__main__":
    main()
