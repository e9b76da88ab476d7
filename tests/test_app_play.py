"""Play a side in the explorer without a browser: the game controller (`unionsim.app.game_session`)
and the page's "Play a side" part rendered by Solara. The page in a real browser, with the saved
game replayed by the CLI, is test_app_e2e.py."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import ipyvuetify as v
import pytest
import solara
from solara.widgets import HTML

from unionsim.app import play_views
from unionsim.app.batches import error_text
from unionsim.app.game_session import (EXPORT_NAME, GAMES_DIR, LOG_NAME, GameSession,
                                       happened_since, history_rows, outlook_figure)
from unionsim.app.session import Session
from unionsim.config.validate import validate_file
from unionsim.errors import UsageError
from unionsim.experiment.game import Game, GameOver
from unionsim.experiment.game_files import game_log, load_game

SCENARIO = "zapad_2017"     # 24 months: the shortest shipped scenario
TWEAK = ("minsk.economy_weight", 0.7)
ROOT = Path(__file__).resolve().parents[1]


def _game_session(tmp_path: Path, scenario: str = SCENARIO) -> GameSession:
    session = Session(runs_dir=tmp_path / "runs")
    assert session.choose_scenario(scenario)
    return GameSession(session)


def test_a_game_started_in_the_page_is_the_game_of_the_same_arguments(tmp_path):
    play = _game_session(tmp_path)
    assert play.session.set_value(*TWEAK)
    assert play.set_seat("kremlin") and play.set_seed("5")
    assert play.command_line() == (f"unionsim play {SCENARIO} --as kremlin --seed 5 "
                                   f"--set {TWEAK[0]}={TWEAK[1]:g}")
    game = play.start()
    assert game is not None, play.error
    same = Game.new(SCENARIO, "kremlin", seed=5, sets=dict([TWEAK]))
    assert game_log(game) == game_log(same)
    assert game.params.values == same.params.values
    assert game.now() == same.now()
    # a tweak made after the start changes the next game, not this one
    assert play.session.set_value(TWEAK[0], 0.5), play.session.error
    assert play.command_line().endswith(f"--set {TWEAK[0]}={TWEAK[1]:g}")
    assert play.game is game


def test_the_buttons_choices_are_the_games_choices_and_refused_input_changes_nothing(tmp_path):
    play = _game_session(tmp_path)
    assert play.start() is not None
    first = play.now()
    option = [o for o in first.available if o != first.model_choice][0]
    assert play.choose(option, at=0)
    assert play.take_model(at=1)
    expected = Game.new(SCENARIO, "minsk", seed=1).choose(option).choose("model")
    assert play.game.choices == expected.choices and play.now() == expected.now()
    assert play.step_seconds is not None
    rows = history_rows(play.game)
    assert [(r[2], r[3]) for r in rows][0] == (option, "you") and rows[1][3] == "the model's draw"
    assert all(isinstance(line, str) for line in happened_since(play.now(), "2017-01"))

    # a late click (the page showed decision 1, the game is at 3) takes nothing
    before = play.game
    assert not play.choose(option, at=0)
    assert play.game is before and "nothing was taken" in play.error
    # an option that is not open: the CLI's own error text
    point = play.now()
    closed = next((o for o in point.options if o not in point.available), "no_such_option")
    assert not play.choose(closed, at=point.number)
    with pytest.raises(UsageError) as cli_error:
        before.choose(closed)
    assert play.error == error_text(cli_error.value) and play.game is before
    # a bad seat and a bad seed: refused as the CLI refuses them, the boxes stay as they were
    assert not play.set_seat("minks")
    assert "did you mean 'minsk'" in play.error and play.seat == "minsk"
    assert not play.set_seed("-3")
    assert "--seed must be zero or positive" in play.error and play.seed == 1
    assert play.start() is None and "refused" in play.error and play.game is before
    assert play.set_seed("2") and play.start() is not None and play.game.seed == 2
    # policies added in the page would not be played: refused, not dropped
    assert play.session.set_policy_from_text("minsk.exercise_hosting=cap_and_observe")
    assert play.start() is None and "policies" in play.error


def test_what_happens_from_here_is_the_games_outlook_at_the_point_shown(tmp_path):
    play = _game_session(tmp_path)
    play.start()
    assert play.set_ahead_runs("12")
    assert not play.set_ahead_runs("0") and play.ahead_runs == 12
    assert not play.look_ahead() and "refused" in play.error
    assert play.set_ahead_runs(12)
    assert play.look_ahead(at=0)
    assert play.wait_ahead(300) and play.outlook_state == "done", play.error
    outlook = play.current_outlook()
    assert outlook.shares() == play.game.ahead(12).shares()
    table = play.outlook_table()
    assert table["runs"].sum() == 12 and abs(table["share"].sum() - 1) < 1e-9
    figure = outlook_figure(play.game, outlook)
    assert len([ax for ax in figure.axes if ax.get_visible()]) == 6
    deadline = time.monotonic() + 120
    while (png := play.outlook_png()) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert isinstance(png, bytes) and png.startswith(b"\x89PNG"), png
    # looking ahead took no decision; as if the player took an option: that option's outlook
    assert play.game.choices == ()
    point = play.now()
    closed = next((o for o in point.options if o not in point.available), "no_such_option")
    assert not play.set_ahead_option(closed) and "is not open" in play.error
    option = point.available[-1]
    assert play.set_ahead_option(option) and play.look_ahead(at=0)
    assert play.wait_ahead(300) and play.outlook_state == "done", play.error
    assert play.current_outlook().option == option
    assert play.current_outlook().shares() == play.game.ahead(12, option).shares()
    assert play.game.choices == ()
    # moving on leaves the outlook (and the option looked at) behind
    assert play.take_model(at=0)
    assert play.current_outlook() is None and play.outlook_table() is None
    assert play.ahead_option is None


def test_save_and_export_go_through_the_guard_and_replay_in_the_cli(tmp_path):
    play = _game_session(tmp_path)
    play.start()
    play.choose(play.now().available[-1])
    play.take_model()
    saved, exported = play.save(), play.export()
    assert saved is not None and exported is not None, play.error
    folder = saved.parent
    assert folder.parent == tmp_path / "runs" / GAMES_DIR
    assert (saved.name, exported.name) == (LOG_NAME, EXPORT_NAME) and exported.parent == folder
    assert validate_file(exported) == "scenario"
    assert play.replay_command() == f"unionsim play --replay {saved}"
    assert play.trace_command() == f"unionsim trace {exported} --seed 1"
    again = load_game(saved)
    assert again.choices == play.game.choices and again.now() == play.now()
    # the CLI goes on with the page's game at the same point, with the same history
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-m", "unionsim", "play", "--replay", str(saved)],
                          input="history\n", capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    point = play.now()
    assert f"no more answers: the game stops at {point.date} ({point.key})" in done.stdout
    for month, key, taken, who in history_rows(play.game):
        line = f"{month} {key}: " + (taken if who == "you" else f"model (the model's: {taken})")
        assert line in done.stdout, (line, done.stdout)
    # played to the end, saved again in the same folder
    assert play.let_model_finish() and isinstance(play.now(), GameOver)
    assert play.save() == saved and isinstance(load_game(saved).now(), GameOver)


def test_a_link_planted_in_the_runs_folder_does_not_lead_a_save_elsewhere(tmp_path):
    play = _game_session(tmp_path)
    play.start()
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "runs").mkdir(exist_ok=True)
    (tmp_path / "runs" / GAMES_DIR).symlink_to(outside, target_is_directory=True)
    assert play.save() is None and play.error.startswith("error: ")
    assert play.export() is None
    assert list(outside.iterdir()) == [] and play.saved is None


def _tagged(rc, testid: str) -> list:
    return [x.widget for x in rc.find(HTML) if x.widget.attributes.get("data-testid") == testid]


def test_the_play_view_plays_only_what_its_buttons_say(tmp_path):
    play = _game_session(tmp_path)
    box, rc = solara.render(play_views.PlayView(play.session, play, 0), handle_error=False)
    rc.find(v.Btn, children=["Start game"]).widget.click()
    assert play.game is not None, play.error
    box, rc = solara.render(play_views.PlayView(play.session, play, 1), handle_error=False)
    point = play.now()
    buttons = {b.widget.children[0]: b.widget for b in rc.find(v.Btn)
               if b.widget.children and b.widget.children[0] in point.options}
    assert set(buttons) == set(point.options)
    assert {o for o, b in buttons.items() if not b.disabled} == set(point.available)
    option = point.available[-1]
    buttons[option].click()
    assert play.game.choices[-1].option == option and play.now().number == 1
    # a button of the page drawn before that click answers the decision it showed: nothing
    before = play.game
    rc.find(v.Btn, children=["Take the model's choice"]).widget.click()
    assert play.game is before and "nothing was taken" in play.error
    box, rc = solara.render(play_views.PlayView(play.session, play, 2), handle_error=False)
    rc.find(v.Btn, children=["Take the model's choice"]).widget.click()
    assert [c.option for c in play.game.choices] == [option, "model"]
    box, rc = solara.render(play_views.PlayView(play.session, play, 3), handle_error=False)
    history = _tagged(rc, "play-history")[0]
    assert history.attributes["data-choices"] == "2"
    rc.find(v.Btn, children=["Save game"]).widget.click()
    box, rc = solara.render(play_views.PlayView(play.session, play, 4), handle_error=False)
    assert _tagged(rc, "game-saved")[0].unsafe_innerHTML == str(play.saved)
    # played to the end: the outcome, and the whole run told as `unionsim trace` tells it
    assert play.let_model_finish()
    box, rc = solara.render(play_views.PlayView(play.session, play, 5), handle_error=False)
    over = play.now()
    assert f"data-outcome='{over.outcome}'" in "".join(
        x.widget.unsafe_innerHTML for x in rc.find(HTML))
    rc.find(v.Btn, children=["Tell the whole run month by month"]).widget.click()
    from unionsim.analysis import trace

    told = "\n".join(trace.render(over.model))
    assert [w.children for w in rc.find(v.Html, tag="pre").widgets] == [[told]]
