"""End to end: the explorer driven in headless Chromium by Playwright.

Starts ``unionsim app`` on a free localhost port, then, as an analyst would: chooses a scenario,
moves a parameter, runs 50 runs, waits for the chart, pins the batch, changes a parameter, runs
again, reads the paired difference, tries bad input, exports, and checks that the exported
scenario reproduces the batch through the CLI (same outcomes.parquet content for the same seed).
Screenshots go to the test's tmp folder; the browser console must stay free of errors.

Needs the ``app`` extra and Playwright (``pip install -e ".[test,app]"``) and Chromium at
/usr/bin/chromium (Debian's package; Playwright's own browser download is not used). It does not
skip: a machine without them fails here, and `.ci/run` installs them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

CHROMIUM = os.environ.get("UNIONSIM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCENARIO = "zapad_2017"          # 24 months: the shortest shipped scenario with sampled parameters
SLIDER = "putin.reactivity"      # sampled per run in that scenario: the export must fix it
RUNS, SEED = 50, 7
ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prerequisites() -> None:
    missing = []
    for module in ("solara", "playwright"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: install the extras with "
                    f"pip install -e \".[test,app]\" (.ci/run does)", pytrace=False)
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (.ci/run does)",
                    pytrace=False)


@pytest.fixture
def server(tmp_path):
    """``unionsim app`` on a free port, batches under tmp_path/runs; yields the URL, the runs
    folder and a function that waits until the server answers (the browser starts meanwhile)."""
    _prerequisites()
    port, runs = _free_port(), tmp_path / "runs"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep
           + os.environ.get("PYTHONPATH", "")}
    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "unionsim", "app", "--port", str(port),
                             "--runs-dir", str(runs)], cwd=tmp_path, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"

    def wait_until_up() -> None:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("the app server did not start:\n"
                            + (tmp_path / "server.log").read_text(errors="replace"))
            time.sleep(0.3)

    try:
        yield url, runs, wait_until_up
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _complete_folders(runs: Path) -> list[Path]:
    import json

    out = []
    for f in sorted(runs.glob("*/manifest.json")):
        if json.loads(f.read_text()).get("status") == "complete":
            out.append(f.parent)
    return out


def _wait_complete(page, runs: Path, count: int, timeout: float = 90) -> Path:
    """Wait until ``count`` batches are complete and shown; return the newest folder."""
    deadline = time.monotonic() + timeout
    while len(_complete_folders(runs)) < count:
        assert time.monotonic() < deadline, "the batch did not finish in time"
        time.sleep(0.3)
    status = page.get_by_test_id("batch-status")
    status.filter(has_text="complete").wait_for(timeout=30_000)
    folder = max(_complete_folders(runs), key=lambda p: p.stat().st_mtime)
    assert str(folder) in status.inner_text()
    return folder


def _cli(*args: str, cwd: Path) -> subprocess.Popen:
    """Start a CLI command (the test reads it later: the commands run while the browser works)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep
           + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen([sys.executable, "-m", "unionsim", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen) -> tuple[int, str]:
    """The exit code and stderr of a command started with `_cli`."""
    _, err = proc.communicate(timeout=300)
    return proc.returncode, err


def _mark(label: str, t0: float = time.monotonic()) -> None:
    print(f"[{time.monotonic() - t0:6.1f} s] {label}", flush=True)


def _pick_option(page, name: str) -> None:
    """Click an option of the open drop-down, scrolling its menu as a user would: Vuetify renders
    a long list's items only as the menu scrolls down."""
    option = page.get_by_role("option", name=name, exact=True)
    menu = page.locator(".menuable__content__active")
    for _ in range(20):
        if option.count():
            break
        menu.evaluate("el => { el.scrollTop = el.scrollHeight; }")
        page.wait_for_timeout(200)
    option.click()


@pytest.mark.slow
def test_explore_compare_export_in_a_browser(server, tmp_path):
    from playwright.sync_api import sync_playwright

    from unionsim.analysis.compare import compare_results
    from unionsim.experiment.store import load_results

    url, runs, wait_until_up = server
    # the CLI's own text for an out-of-range value, to compare with the page's
    cli_error = _cli("run", SCENARIO, "--runs", "1", "--set", f"{SLIDER}=7", cwd=tmp_path)
    shots = tmp_path / "screenshots"
    shots.mkdir()
    console_errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error"
                else None)
        page.on("pageerror", lambda e: console_errors.append(str(e)))
        page.set_default_timeout(30_000)
        wait_until_up()
        page.goto(url)
        page.get_by_text("unionsim explorer").first.wait_for()

        _mark('page loaded')
        # 1. pick a scenario and move a parameter
        page.get_by_role("button", name="Shipped scenario").click()
        _pick_option(page, SCENARIO)
        page.get_by_text("Zapad 2017").first.wait_for()
        page.get_by_role("button", name="Actor").click()
        page.get_by_role("option", name="putin", exact=True).click()
        slider = page.locator(f"[data-param='{SLIDER}'] .v-slider")
        low, high = (float(slider.get_by_role("slider").get_attribute(f"aria-value{end}"))
                     for end in ("min", "max"))
        box = slider.bounding_box()
        slider.click(position={"x": box["width"] * 0.8, "y": box["height"] / 2})
        tweaks = page.get_by_test_id("tweaks")
        tweaks.wait_for()
        moved = float(tweaks.get_attribute("data-" + SLIDER.replace(".", "-")))
        assert abs(moved - (low + 0.8 * (high - low))) < 0.1 * (high - low)
        assert tweaks.inner_text().count(" = ") == 1     # only this parameter moved

        # 2. run 50 runs and wait for the chart
        page.get_by_label("Runs").fill(str(RUNS))
        page.get_by_label("Seed").fill(str(SEED))
        page.get_by_role("button", name="Run", exact=True).click()
        # the chart appears with the first finished runs, then with all of them
        page.locator("[data-testid=outcome-chart]").first.wait_for(state="attached")
        first = _wait_complete(page, runs, 1)
        page.locator("[data-testid=outcome-chart][data-partial=no]").wait_for(state="attached")
        page.screenshot(path=shots / "1-first-batch.png", full_page=True)

        _mark('first batch shown')
        # 3. pin, change, run again, read the paired difference
        page.get_by_role("button", name="Pin as reference").click()
        page.get_by_test_id("reference").wait_for()
        page.get_by_label("Set name=value (as --set)").fill("minsk.sovereignty_weight=0.5")
        page.get_by_role("button", name="Set", exact=True).click()
        page.get_by_test_id("tweaks").filter(has_text="minsk.sovereignty_weight").wait_for()
        page.get_by_role("button", name="Run", exact=True).click()
        page.get_by_test_id("batch-status").filter(has_text="running").wait_for()
        second = _wait_complete(page, runs, 2)
        table = page.get_by_test_id("paired-difference")
        table.wait_for()
        page.get_by_text("Pin as reference").scroll_into_view_if_needed()
        page.screenshot(path=shots / "2-paired-difference.png")
        assert table.get_attribute("data-pairs") == str(RUNS)
        expected = compare_results(load_results(first), load_results(second)).table
        for row in expected.itertuples():
            cell = table.locator(f"tr[data-event='{row.outcome}'] td.diff")
            assert cell.inner_text() == f"{row.diff * 100:+.1f} pp"

        _mark('second batch and paired difference shown')
        # 4. bad input shows the CLI's error text in the page
        page.get_by_label("Set name=value (as --set)").fill(f"{SLIDER}=7")
        page.get_by_role("button", name="Set", exact=True).click()
        error = page.get_by_test_id("error")
        error.wait_for(state="attached")
        code, stderr = _finish(cli_error)
        assert code == 2 and "Traceback" not in stderr
        assert " ".join(error.text_content().split()) == " ".join(stderr.split())
        broken = tmp_path / "broken.yaml"
        broken.write_text("name: broken\ntitle: Broken\nhorizon: [\n")
        page.get_by_label("...or a scenario file (path)").fill(str(broken))
        page.get_by_role("button", name="Load file").click()
        page.get_by_test_id("error").filter(has_text="broken.yaml").wait_for(state="attached")
        page.screenshot(path=shots / "3-error.png", full_page=True)

        _mark('errors shown')
        # 5. export, and reproduce the second batch through the CLI
        page.get_by_role("button", name="Export YAML").click()
        scenario_file = Path(page.get_by_test_id("export-scenario").inner_text())
        overlay_file = Path(page.get_by_test_id("export-overlay").inner_text())
        page.screenshot(path=shots / "4-export.png", full_page=True)
        browser.close()

    _mark('exported')
    assert not console_errors, console_errors
    assert scenario_file.parent == second and overlay_file.parent == second
    check = _cli("validate", str(scenario_file), str(overlay_file), cwd=tmp_path)
    again = _cli("run", str(scenario_file), "--runs", str(RUNS), "--seed", str(SEED),
                 "--out", str(tmp_path / "cli"), cwd=tmp_path)
    code, stderr = _finish(check)
    assert code == 0, stderr
    code, stderr = _finish(again)
    assert code == 0, stderr
    app_rows = pd.read_parquet(second / "outcomes.parquet")
    cli_rows = pd.read_parquet(tmp_path / "cli" / "outcomes.parquet")
    pd.testing.assert_frame_equal(app_rows, cli_rows)
    # tweaked parameters are fixed, not drawn per run, in the app and through the exported file
    assert "param.minsk.sovereignty_weight" in pd.read_parquet(first / "outcomes.parquet")
    assert not {"param.putin.reactivity", "param.minsk.sovereignty_weight"} & set(app_rows)
    assert load_results(second).manifest["parameters"][SLIDER] == moved
    if os.environ.get("UNIONSIM_APP_SCREENSHOT"):
        shutil.copy(shots / "2-paired-difference.png", os.environ["UNIONSIM_APP_SCREENSHOT"])
