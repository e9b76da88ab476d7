"""The explorer's page without a browser (`unionsim.app.views`): Solara renders the components
into widgets and the test reads and clicks them as a user would; and the server's command line
(`unionsim.app.server`). The whole page in a real browser, with batches run from it, is
test_app_e2e.py."""

from __future__ import annotations

import sys
import time

import ipyvuetify as v
import pytest
import solara
from solara.widgets import HTML

from unionsim.app import server, views, widgets
from unionsim.app.session import RUNS_DIR_ENV, Session
from unionsim.config.validate import validate_file
from unionsim.errors import UsageError


def _tagged(rc, testid: str) -> list:
    return [x.widget for x in rc.find(HTML) if x.widget.attributes.get("data-testid") == testid]


def _eventually(find, seconds: float = 30.0):
    """What ``find`` returns once it is not empty: the page redraws in the background."""
    deadline = time.monotonic() + seconds
    while not (found := find()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def _text(rc) -> str:
    return "\n".join(x.widget.unsafe_innerHTML for x in rc.find(HTML))


def test_the_page_opens_on_the_baseline_with_nothing_to_pin_and_exports_it(tmp_path,
                                                                           monkeypatch):
    monkeypatch.setenv(RUNS_DIR_ENV, str(tmp_path / "runs"))
    monkeypatch.setattr(views, "warm_up_workers", lambda: None)   # no batch runs here
    box, rc = solara.render(views.Page(), handle_error=False)
    assert ("Same as: <code data-testid='same-as'>unionsim run baseline --runs 200 --seed 1"
            "</code>") in _text(rc)
    assert rc.find(v.Btn, children=["Pin as reference"]).widget.disabled
    assert rc.find(v.Btn, children=["HTML report"]).widget.disabled
    assert not rc.find(v.Btn, children=["Run"]).widget.disabled
    assert rc.find(v.Btn, children=["Cancel"]).widget.disabled

    rc.find(v.Btn, children=["Export YAML"]).widget.click()
    exported = _eventually(lambda: _tagged(rc, "export-scenario"))[0].unsafe_innerHTML
    assert validate_file(exported) == "scenario"
    assert not _tagged(rc, "export-overlay")               # no tweaks, no overlay


def test_the_sidebar_picks_a_scenario_and_tweaks_a_parameter(tmp_path):
    session = Session(runs_dir=tmp_path)
    session.choose_scenario("baseline")
    box, rc = solara.render(views.ScenarioPicker(session, 0), handle_error=False)
    rc.find(v.Select, label="Shipped scenario").widget.v_model = "zapad_2017"
    assert session.scenario_ref == "zapad_2017"
    box, rc = solara.render(views.ScenarioPicker(session, 1), handle_error=False)
    assert session.loaded.spec.title in _text(rc) and "Scheduled events" in str(
        [d.widget for d in rc.find(v.ExpansionPanelHeader)])

    box, rc = solara.render(views.ParameterControls(session, 0),
                            handle_error=False)
    assert rc.find(v.Select, label="Actor").widget.v_model == "minsk"
    # what the browser sends when a person types and leaves the box
    rc.find(v.TextField, label="Set name=value (as --set)").widget.fire_event(
        "change", "minsk.economy_weight=0.5")
    rc.find(v.Btn, children=["Set"]).widget.click()
    assert session.tweaks == {"minsk.economy_weight": 0.5}
    # the page redraws its controls with the session's next version
    box, rc = solara.render(views.ParameterControls(session, 1), handle_error=False)
    assert _tagged(rc, "tweaks")[0].attributes["data-minsk-economy_weight"] == "0.5"


def test_the_comparison_view_pairs_the_runs_of_two_batches(tmp_path):
    session = Session(runs_dir=tmp_path)
    assert session.choose_scenario("zapad_2017")
    first = session.start_batch(10, 5, executor="serial")
    assert first.wait(300) and first.status == "complete", first.error
    assert session.pin()
    again = session.start_batch(10, 5, executor="serial")     # the same seed: the same runs
    assert again.wait(300) and again.status == "complete", again.error
    assert views._batch_status(again).startswith(
        "zapad_2017 (seed 5, 10 runs): 10/10 runs - complete in ")

    def compared():
        # the comparison is computed in the background; the page redraws when it is ready
        compared.version += 1
        box, rc = solara.render(views.CompareView(session, compared.version),
                                handle_error=False)
        assert _tagged(rc, "reference")[0].unsafe_innerHTML.startswith(
            "reference: zapad_2017 (seed 5")
        return _tagged(rc, "paired-difference")

    compared.version = 0
    table = _eventually(compared)[0]
    assert table.attributes["data-pairs"] == "10"
    cells = table.unsafe_innerHTML.split("class='diff'>")[1:]
    assert len(cells) > 3 and all(c.startswith("+0.0 pp") for c in cells)
    outcomes, flags, n_ok = again.summary()
    bars = widgets.share_bars_html(outcomes, "outcome", "outcome-chart", n_ok, partial=False)
    assert n_ok == 10 and "data-runs='10' data-partial='no'" in bars
    shares = [float(x.split("'")[0]) for x in bars.split("data-share='")[1:]]
    assert len(shares) == len(outcomes) and abs(sum(shares) - 1.0) < 1e-9


def test_the_server_command_is_local_offline_and_refuses_a_bad_port(tmp_path):
    command = server.server_command("127.0.0.1", 8800)
    # -P: the working directory's modules never shadow the app's
    assert command[:4] == [sys.executable, "-P", "-m", "unionsim.app.server"]
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--port") + 1] == "8800" and "--open" not in command
    assert "--open" in server.server_command("127.0.0.1", 8800, open_browser=True)
    env = server.server_env(tmp_path)
    assert env[RUNS_DIR_ENV] == str(tmp_path)
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    server.check_installed()
    with pytest.raises(UsageError, match="--port must be between 0 and 65535"):
        server.serve(port=70000, runs_dir=tmp_path)
