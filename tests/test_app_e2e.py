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

import contextlib
import os
import shutil
import signal
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


def _env() -> dict[str, str]:
    """The environment of the app and CLI subprocesses: this checkout's sources first (no empty
    PYTHONPATH entry, which would put the working directory on the path)."""
    extra = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), *extra])}


#: How a person starts unionsim: the installed command (``python -m`` would put the working
#: directory on the path itself, which no user's ``unionsim app`` does).
_SCRIPT = Path(sys.executable).with_name("unionsim")
_UNIONSIM = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-P", "-m", "unionsim"]


class App:
    """``unionsim app`` started as a subprocess on a free port (batches under ``runs``)."""

    def __init__(self, tmp_path: Path, cwd: Path | None = None):
        self.port, self.runs = _free_port(), tmp_path / "runs"
        self.log_path = tmp_path / "server.log"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([*_UNIONSIM, "app", "--port", str(self.port),
                                      "--runs-dir", str(self.runs)],
                                     cwd=cwd or tmp_path, env=_env(), stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}/"

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(self.url, timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.proc.kill()
                pytest.fail("the app server did not start:\n"
                            + self.log_path.read_text(errors="replace"))
            time.sleep(0.3)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log.close()


@pytest.fixture
def server(tmp_path):
    """``unionsim app`` on a free port, batches under tmp_path/runs; yields the URL, the runs
    folder and a function that waits until the server answers (the browser starts meanwhile)."""
    _prerequisites()
    app = App(tmp_path)
    try:
        yield app.url, app.runs, app.wait_until_up
    finally:
        app.stop()


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
    status.filter(has_text="complete").wait_for(timeout=90_000)
    folder = max(_complete_folders(runs), key=lambda p: p.stat().st_mtime)
    assert str(folder) in status.inner_text()
    return folder


def _cli(*args: str, cwd: Path) -> subprocess.Popen:
    """Start a CLI command (the test reads it later: the commands run while the browser works)."""
    return subprocess.Popen([sys.executable, "-m", "unionsim", *args], cwd=cwd, env=_env(),
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


def _open_page(pw, url: str, wait_until_up, console_errors: list[str]):
    """Chromium on the explorer's page, once the server is up; the browser console's errors
    go into ``console_errors``. Returns (browser, page)."""
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console_errors.append(str(e)))
    page.set_default_timeout(90_000)
    wait_until_up()
    page.goto(url)
    page.get_by_text("unionsim explorer").first.wait_for()
    return browser, page


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
        browser, page = _open_page(pw, url, wait_until_up, console_errors)

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
        tweaks = page.locator(f"[data-testid=tweaks][data-{SLIDER.replace('.', '-')}]")
        tweaks.wait_for()
        moved = float(tweaks.get_attribute("data-" + SLIDER.replace(".", "-")))
        assert abs(moved - (low + 0.8 * (high - low))) < 0.1 * (high - low)
        assert tweaks.inner_text().count(" = ") == 1     # only this parameter moved

        # 2. run 50 runs and wait for the chart
        page.get_by_label("Runs").fill(str(RUNS))
        page.get_by_label("Seed", exact=True).fill(str(SEED))
        page.get_by_role("button", name="Run", exact=True).click()
        # the chart appears with the first finished runs, then with all of them
        page.locator("[data-testid=outcome-chart]").first.wait_for(state="attached")
        first = _wait_complete(page, runs, 1)
        page.locator("[data-testid=outcome-chart][data-partial=no]").wait_for(state="attached")
        page.get_by_test_id("figure-fan_charts").wait_for()    # drawn in the background
        page.screenshot(path=shots / "1-first-batch.png", full_page=True)
        # every flag on a row of its own: labels never overlap
        rows = page.locator("[data-testid=flag-chart] .us-row")
        boxes = [rows.nth(i).bounding_box() for i in range(rows.count())]
        assert len(boxes) >= 20
        for above, below in zip(boxes, boxes[1:]):
            assert above["y"] + above["height"] <= below["y"] + 0.5

        _mark('first batch shown')
        # 3. pin, change, run again, read the paired difference
        page.get_by_role("button", name="Pin as reference").click()
        page.get_by_test_id("reference").wait_for()
        # Enter in the Set box applies, as the button does
        page.get_by_label("Set name=value (as --set)").fill("minsk.sovereignty_weight=0.5")
        page.get_by_label("Set name=value (as --set)").press("Enter")
        page.get_by_test_id("tweaks").filter(has_text="minsk.sovereignty_weight").wait_for()
        # and a policy for one of Minsk's decisions, typed as --policy takes it
        page.get_by_text("Policies (0)").click()
        policy_box = page.get_by_label("Set a policy ACTOR.DECISION=POLICY (as --policy)")
        policy_box.fill("minsk.exercise_hosting=cap_and_observe")
        policy_box.press("Enter")
        page.get_by_test_id("policies").filter(has_text="cap_and_observe").wait_for()
        assert page.get_by_test_id("same-as").inner_text().endswith(
            " --policy minsk.exercise_hosting=cap_and_observe")
        page.get_by_role("button", name="Run", exact=True).click()
        page.get_by_test_id("batch-status").filter(has_text="running").wait_for()
        second = _wait_complete(page, runs, 2)
        table = page.get_by_test_id("paired-difference")
        table.wait_for()
        page.get_by_text("Pin as reference").scroll_into_view_if_needed()
        page.screenshot(path=shots / "2-paired-difference.png")
        assert table.get_attribute("data-pairs") == str(RUNS)
        page.get_by_test_id("comparison-figure").wait_for()   # drawn in the background
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
        # the banner wraps its text: nothing runs off to the right
        banner = page.get_by_test_id("error-banner").locator("pre")
        scroll, client = banner.evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert scroll <= client, (scroll, client)
        box = banner.bounding_box()
        assert box["x"] + box["width"] <= page.viewport_size["width"]
        broken = tmp_path / "broken.yaml"
        broken.write_text("name: broken\ntitle: Broken\nhorizon: [\n")
        page.get_by_label("...or a scenario file (.yaml)").fill(str(broken))
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
    from unionsim.config.scenario import load_scenario
    assert set(load_scenario(scenario_file).spec.policies) == {"minsk.exercise_hosting"}
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


def _history(page, choices: int) -> list[tuple[str, str, str, str]]:
    """The game's history as the page shows it once it lists ``choices`` choices: (month,
    decision, option taken, by whom). The browser receives the history's table and the decision
    point as separate widget updates, so the new point can show before the table catches up."""
    page.locator(f"[data-testid=play-history][data-choices='{choices}']").wait_for(
        state="attached")
    rows = page.locator("[data-testid=play-history] tr[data-key]")
    return [tuple(rows.nth(i).get_attribute(f"data-{a}") for a in ("month", "key", "option",
                                                                    "by"))
            for i in range(rows.count())]


def _decision(page, number: int):
    """The decision point on show once it is the player's ``number``-th (0 = the first)."""
    point = page.locator(f"[data-testid=play-point][data-number='{number}']")
    point.wait_for()
    return point.get_attribute("data-date"), point.get_attribute("data-key")


def _open_options(page, number: int) -> list[str]:
    """The options open at the player's ``number``-th decision, as the page lists them."""
    point = page.locator(f"[data-testid=play-point][data-number='{number}']")
    return point.get_attribute("data-available").split()


def _click_option(page, number: int, option: str) -> None:
    """Click ``option``'s button of the ``number``-th decision."""
    page.locator(f"[data-testid=option][data-number='{number}'][data-option='{option}'] "
                 f"button").click()


@pytest.mark.slow
def test_play_a_side_in_a_browser_and_replay_the_saved_game_in_the_cli(server, tmp_path):
    """A player takes Minsk's seat in the explorer: clicks an option, takes the model's choice,
    clicks another option, asks what happens from here, saves the game; the CLI replays the
    saved log to the same decision point with the same history."""
    from playwright.sync_api import sync_playwright

    from unionsim.experiment.game_files import load_game

    url, runs, wait_until_up = server
    console_errors: list[str] = []
    clicked = []
    with sync_playwright() as pw:
        browser, page = _open_page(pw, url, wait_until_up, console_errors)
        _mark("page loaded")
        page.get_by_role("button", name="Seat").click()
        _pick_option(page, "minsk")
        page.get_by_label("Game seed").fill(str(SEED))
        page.get_by_role("button", name="Start game").click()
        start = _decision(page, 0)
        assert page.get_by_test_id("play-same-as").inner_text() == (
            f"unionsim play baseline --as minsk --seed {SEED}")
        _mark("game started")

        # 1. an option other than the model's most likely, 2. the model's choice, 3. an option
        model = page.get_by_test_id("play-point").get_attribute("data-model")
        option = [o for o in _open_options(page, 0) if o != model][-1]
        clicked.append((start, option))
        _click_option(page, 0, option)
        second = _decision(page, 1)
        page.get_by_role("button", name="Take the model's choice").click()
        third = _decision(page, 2)
        option = _open_options(page, 2)[0]
        clicked.append((third, option))
        _click_option(page, 2, option)
        now = _decision(page, 3)
        _mark("three decisions taken")
        history = _history(page, 3)
        assert [(m, k, o, b) for m, k, o, b in history if b == "you"] == [
            (date, key, opt, "you") for (date, key), opt in clicked]
        assert [h[:2] for h in history] == [start, second, third]
        assert history[1][3] == "model"

        # a refused count: the error in the page, the button held back until it is corrected
        runs_box = page.get_by_label("Continuations")
        runs_box.fill("0")
        runs_box.press("Enter")
        page.get_by_test_id("play-error").filter(has_text="look ahead with 1 to").wait_for(
            state="attached")
        assert page.get_by_role("button", name="What happens from here").is_disabled()
        # what happens from here
        runs_box.fill("50")
        runs_box.press("Enter")
        page.get_by_test_id("play-error").wait_for(state="detached")
        page.get_by_role("button", name="What happens from here").click()
        chart = page.locator("[data-testid=ahead-chart]")
        chart.wait_for(state="attached")
        assert chart.get_attribute("data-runs") == "50"
        shares = [float(x) for x in chart.locator(".us-row").evaluate_all(
            "rows => rows.map(r => r.dataset.share)")]
        assert abs(sum(shares) - 1) < 1e-9
        page.get_by_test_id("ahead-figure").wait_for()   # drawn in the background
        _mark("looked ahead")
        assert _decision(page, 3) == now          # looking ahead takes no decision

        page.get_by_role("button", name="Save game").click()
        saved = Path(page.get_by_test_id("game-saved").inner_text())
        replay = page.get_by_test_id("game-saved-command").inner_text()
        page.screenshot(path=tmp_path / "play.png", full_page=True)
        browser.close()
    _mark("saved")
    assert not console_errors, console_errors
    assert saved.parent.parent == runs / "games" and replay == f"unionsim play --replay {saved}"

    # the CLI goes on with the saved game at the same point, with the same history
    done = subprocess.run([*_UNIONSIM, "play", "--replay", str(saved)], input="history\n",
                          capture_output=True, text=True, cwd=tmp_path, env=_env(), timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"no more answers: the game stops at {now[0]} ({now[1]})" in done.stdout
    expected = [f"{m} {k}: " + (o if b == "you" else f"model (the model's: {o})")
                for m, k, o, b in history]
    shown = [line.strip() for line in done.stdout.splitlines()
             if line.strip().startswith(tuple(f"{m} {k}:" for m, k, _, _ in history))]
    assert shown == expected, done.stdout
    game = load_game(saved)
    assert [(c.month, c.key, c.option) for c, _ in game.now().history] == [
        (c.month, c.key, c.option) for c in game.choices]
    assert [taken for _, taken in game.now().history] == [o for _, _, o, _ in history]
    assert (game.now().date, game.now().key) == now


def _descendants(pid: int) -> set[int]:
    """The processes started by ``pid``, their children and so on (from /proc; Linux)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc; Linux)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(stat.parent.name))
        except OSError:
            continue
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _shown_value(holder, expected: float, timeout: float = 90) -> float:
    """The value the slider's header shows once it reads ``expected`` (the header is redrawn
    with the slider, a moment after the Tweaks box under load), or what it still shows when
    ``timeout`` has passed."""
    deadline = time.monotonic() + timeout
    while True:
        shown = float(holder.get_by_test_id("value").inner_text())
        if shown == expected or time.monotonic() > deadline:
            return shown
        time.sleep(0.1)


def _type_runs(page, runs: int) -> None:
    """Replace the Runs box's content by typing, key by key, as a person does."""
    box = page.get_by_label("Runs")
    box.click()
    box.press("Control+a")
    page.keyboard.type(str(runs), delay=120)


@contextlib.contextmanager
def _cpu_load(processes: int = 2):
    """Busy processes that keep every core loaded while the test types and clicks."""
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
               for _ in range(processes)]
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


@pytest.mark.slow
def test_a_drag_tweaks_exactly_that_parameter_and_the_page_runs_what_it_shows(server, tmp_path):
    """The first drag of a session: the slider stays under the pointer, exactly the dragged
    parameter is tweaked, the left end gives the documented minimum exactly; then, with every
    core busy, the Runs box typed key by key runs exactly what the box and "Same as" show."""
    import json

    from playwright.sync_api import sync_playwright

    url, runs, wait_until_up = server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.set_default_timeout(90_000)
        wait_until_up()
        page.goto(url)
        sliders = page.locator("[data-param]")
        sliders.nth(2).wait_for()
        name = sliders.nth(2).get_attribute("data-param")
        holder = page.locator(f"[data-param='{name}']")
        track = holder.locator(".v-slider__track-container")
        track.scroll_into_view_if_needed()
        thumb = holder.get_by_role("slider")
        low, high = (float(thumb.get_attribute(f"aria-value{end}")) for end in ("min", "max"))
        before = track.bounding_box()
        y = before["y"] + before["height"] / 2
        # a person's drag: press at 30%, move to 70% over about a second, release
        page.mouse.move(before["x"] + 0.3 * before["width"], y)
        page.mouse.down()
        for k in range(1, 21):
            page.mouse.move(before["x"] + (0.3 + 0.4 * k / 20) * before["width"], y)
            page.wait_for_timeout(50)
        page.mouse.up()
        tweaks = page.locator(f"[data-testid=tweaks][data-{name.replace('.', '-')}]")
        tweaks.wait_for()
        assert track.bounding_box()["y"] == before["y"]      # nothing moved under the pointer
        assert tweaks.inner_text().count(" = ") == 1         # only the dragged parameter
        dragged = float(tweaks.get_attribute("data-" + name.replace(".", "-")))
        assert abs(dragged - (low + 0.7 * (high - low))) < 0.1 * (high - low)
        assert _shown_value(holder, dragged) == dragged                # as stored
        # the left end of the track is the documented minimum, exactly
        page.mouse.click(before["x"] + 1, y)
        page.locator(f"[data-testid=tweaks][data-{name.replace('.', '-')}='{low!r}']").wait_for()
        assert _shown_value(holder, low) == low

        batches = []
        with _cpu_load():
            for count, typed in enumerate((20, 12), start=1):
                _type_runs(page, typed)
                page.get_by_role("button", name="Run", exact=True).click()
                folder = _wait_complete(page, runs, count, timeout=300)
                batches.append((typed, folder, int(page.get_by_label("Runs").input_value()),
                                page.get_by_test_id("same-as").inner_text()))
        browser.close()
    for typed, folder, shown_runs, same_as in batches:
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["n_runs"] == shown_runs == typed, batches
        assert f"--runs {shown_runs} " in same_as and f"--set {name}={low:g}" in same_as
        assert manifest["sets"] == {name: low}     # the dragged parameter and no other


@pytest.mark.slow
def test_the_app_ignores_modules_in_its_folder_and_stops_at_once_with_its_workers(tmp_path):
    """Started in a folder holding numpy.py, random.py, solara.py and unionsim.py, the app serves
    its page; one SIGINT during a batch ends it and its worker processes (a bound on a hang,
    not a speed measurement)."""
    from playwright.sync_api import sync_playwright

    _prerequisites()
    cwd = tmp_path / "project"
    cwd.mkdir()
    for module in ("numpy", "random", "solara", "unionsim"):
        (cwd / f"{module}.py").write_text(f"raise SystemExit('the {module}.py of the working "
                                          f"directory was imported')\n")
    app = App(tmp_path, cwd=cwd)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.set_default_timeout(90_000)
            app.wait_until_up()
            page.goto(app.url)
            page.locator("[data-param]").first.wait_for()
            _type_runs(page, 5000)
            page.get_by_role("button", name="Run", exact=True).click()
            page.get_by_test_id("batch-status").filter(has_text="running").wait_for()
            page.locator("[data-testid=outcome-chart]").wait_for(state="attached")
            workers = _descendants(app.proc.pid)      # the fork server and its workers
            assert workers - set(_children(app.proc.pid)), "no worker process is running"
            app.proc.send_signal(signal.SIGINT)
            try:
                app.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pytest.fail("the app did not stop within 10 s of one SIGINT:\n"
                            + app.log_path.read_text(errors="replace"))
            browser.close()
        deadline = time.monotonic() + 10
        while alive := [pid for pid in workers if _alive(pid)]:
            assert time.monotonic() < deadline, f"worker processes left running: {alive}"
            time.sleep(0.2)
        log = app.log_path.read_text(errors="replace")
        assert "Traceback" not in log and "was imported" not in log, log
    finally:
        app.stop()
