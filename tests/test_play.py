"""Playing a side: a player's choices as one seat's policy, replayed, saved, exported, looked ahead
from, and played in the terminal (`unionsim.experiment.game`, `unionsim play`)."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from pydantic import ValidationError

from unionsim.config.scenario import load_scenario
from unionsim.config.schema import Policy
from unionsim.errors import InputFileError, ScenarioError, UsageError
from unionsim.experiment.game import Choice, DecisionPoint, Game, GameOver
from unionsim.experiment.game_files import export_game, load_game, save_game
from unionsim.model.world import UnionModel

ROOT = Path(__file__).resolve().parents[1]


def cli(*args, stdin: str = "", cwd: Path | None = None):
    return subprocess.run([sys.executable, "-m", "unionsim", *map(str, args)], input=stdin,
                          capture_output=True, text=True, cwd=cwd, timeout=300)


def play_out(game: Game, pick, limit: int = 1000) -> Game:
    """Play ``game`` to the end, ``pick(point)`` giving each answer."""
    for _ in range(limit):
        point = game.now()
        if isinstance(point, GameOver):
            return game
        game = game.choose(pick(point))
    raise AssertionError("the game did not end")


def random_picks(seed: int):
    rng = random.Random(seed)
    return lambda point: rng.choice(point.available)


def _plain(decisions):
    return [{k: v for k, v in d.items() if k != "policy"} for d in decisions]


# --------------------------------------------------------------------------- a rule's month

def test_a_policy_rule_may_name_its_month_and_holds_in_that_month_only():
    policy = Policy.model_validate({"rules": [{"when": {"month": "2019-03"}, "choose": "sign"},
                                              {"when": {"month": 5, "all": [
                                                  {"variable": "repression", "above": 0.5}]},
                                               "choose": "refuse"}]})
    when, both = policy.rules[0].when, policy.rules[1].when

    class State:
        repression = 0.6

    assert [when.holds(State(), m, "2019-01") for m in (2, 3, 4)] == [False, True, False]
    assert both.holds(State(), 5, "2019-01") and not both.holds(State(), 4, "2019-01")
    State.repression = 0.4
    assert not both.holds(State(), 5, "2019-01")
    assert policy.describe().startswith("when in 2019-03: sign; when in month 5 if repression")
    with pytest.raises(ValidationError, match="give a month"):
        Policy.model_validate({"rules": [{"when": {}, "choose": "sign"}]})
    with pytest.raises(ValidationError, match="is not a month"):
        Policy.model_validate({"rules": [{"when": {"month": "2019-13"}, "choose": "sign"}]})


def test_a_rules_month_outside_the_scenario_is_refused_with_its_line(tmp_path):
    path = tmp_path / "late.yaml"
    path.write_text(f"name: late\ntitle: a late rule\ndescription: a month after the end\n"
                    f"extends: {ROOT / 'scenarios' / 'baseline.yaml'}\npolicies:\n"
                    f"  west.policy:\n    rules:\n      - {{when: {{month: '2030-01'}}, "
                    f"choose: hold}}\n")
    with pytest.raises((ScenarioError, Exception)) as info:
        load_scenario(path)
    text = str(info.value)
    assert "late.yaml" in text and "2030-01 is outside the scenario" in text


# --------------------------------------------------------------------------- the engine

def test_a_game_the_model_plays_for_the_player_is_the_run_without_a_player(baseline):
    game = play_out(Game(baseline, "eu", seed=4), lambda point: "model")
    over = game.now()
    # letting the model take them all at once is the same game
    assert Game(baseline, "eu", seed=4).let_model(1000).choices == game.choices
    plain = UnionModel(scenario=baseline, seed=4, collect=False, record=True).run()
    assert len(game.choices) == sum(d["actor"] == "west" and d["kind"] == "policy"
                                    for d in plain.decisions) > 30
    assert _plain(over.model.decisions) == plain.decisions
    assert np.array_equal(over.model.series, plain.series, equal_nan=True)
    assert over.result == plain.result()


def test_a_players_choice_changes_only_the_seats_decisions_from_there_on(baseline):
    first = Game(baseline, "eu", seed=4)
    for _ in range(3):
        first = first.choose("model")
    point = first.now()
    # take at the fourth decision an option the model's EU finds least likely
    other = min(point.available, key=point.probabilities.get)
    game = play_out(first.choose(other), lambda p: "model")
    played = game.now().model.decisions
    plain = UnionModel(scenario=baseline, seed=4, collect=False, record=True).run().decisions
    where = next(i for i, d in enumerate(played)
                 if d["kind"] == "policy" and d["actor"] == "west" and d["month"] == point.month)
    assert played[where]["choice"] == other
    assert _plain(played[:where]) == plain[:where]
    # the player's seat decided every decision of its own, and no one else was touched
    assert {(d["actor"], d["kind"]) for d in played if "policy" in d} == {("west", "policy")}
    assert _plain(played) != plain


def test_a_decision_point_shows_the_options_the_models_odds_and_the_state(baseline):
    point = Game(baseline, "minsk", seed=3).now()
    assert isinstance(point, DecisionPoint)
    assert (point.key, point.date, point.number) == ("minsk.domestic", "2019-01", 0)
    assert point.options == ("tolerate", "co_opt", "repress")
    assert abs(sum(point.probabilities.values()) - 1) < 1e-12
    assert point.model_choice == "tolerate" and "protest" in point.why
    assert 0 < point.state["reserves"] and "sovereignty" in point.state
    # a closed option is shown but cannot be taken
    initiative = Game(baseline, "minsk", seed=3).choose("model").now()
    assert initiative.key == "minsk.initiative" and "request_loan" not in initiative.available
    with pytest.raises(UsageError, match="'request_loan' is not open"):
        Game(baseline, "minsk", seed=3).choose("model").choose("request_loan")
    with pytest.raises(UsageError, match="not an option.*did you mean 'tolerate'"):
        Game(baseline, "minsk", seed=3).choose("tolerat")


def test_only_some_decisions_and_the_scenarios_own_policies_are_not_asked():
    game = Game(load_scenario("baseline"), "minsk", seed=3, only=["initiative", "base_answer"])
    assert game.keys == ("minsk.base_answer", "minsk.initiative")
    assert game.now().key == "minsk.initiative"
    held = Game(load_scenario("eu_holds_until_release"), "eu", seed=1)
    assert held.scenario_keys == ("west.policy",) and held.keys == ()
    assert isinstance(held.now(), GameOver)
    with pytest.raises(UsageError, match="not a seat.*did you mean 'minsk'"):
        Game(load_scenario("baseline"), "minks")
    with pytest.raises(UsageError, match="not a decision of the seat"):
        Game(load_scenario("baseline"), "eu", only=["initiative"])


def test_a_saved_game_replays_identically(baseline, tmp_path):
    game = Game.new("baseline", "minsk", seed=3, sets={"minsk.sovereignty_weight": 0.8})
    pick = random_picks(1)
    for _ in range(25):
        game = game.choose(pick(game.now()))
    path = save_game(game, tmp_path / "game.yaml")
    assert path.read_text().startswith("# unionsim game log")
    again = load_game(path)
    assert again.choices == game.choices and again.params.values == game.params.values
    assert again.now() == game.now()
    # played on the same way, the two games end in the same run
    ends = [g.choose("open_west" if g.now().key == "minsk.initiative" else "model")
            .let_model(1000).now() for g in (game, again)]
    assert ends[0].result == ends[1].result
    assert np.array_equal(ends[0].model.series, ends[1].model.series, equal_nan=True)


def test_the_exported_game_validates_and_its_trace_is_the_game(baseline, tmp_path):
    game = play_out(Game.new("baseline", "minsk", seed=5,
                             sets={"minsk.sovereignty_weight": 0.8, "us.choice_temperature": 0.12}),
                    random_picks(3))
    over = game.now()
    path = export_game(game, tmp_path / "mine.yaml")
    done = cli("validate", path)
    assert done.returncode == 0, done.stderr
    exported = load_scenario(path)
    assert set(exported.spec.policies) <= set(game.keys)
    assert exported.spec.overrides["minsk.sovereignty_weight"] == 0.8  # no longer uncertain
    assert "minsk.sovereignty_weight" not in exported.spec.uncertainty
    rerun = UnionModel(scenario=exported, seed=5, collect=False, record=True).run()
    assert rerun.result() == over.result
    assert rerun.decisions == over.model.decisions
    # and it differs from the model's own run at that seed: the choices mattered
    assert UnionModel(scenario=baseline, seed=5, collect=False).run().result() != over.result


def test_looking_ahead_keeps_the_past_and_is_reproducible(baseline):
    game = Game(baseline, "minsk", seed=3)
    for _ in range(30):
        game = game.choose("model")
    point = game.now()
    outlook = game.ahead(6)
    assert outlook.outcomes["run"].tolist() == list(range(6))
    assert abs(sum(outlook.shares().values()) - 1) < 1e-12
    ts = outlook.timeseries
    before = ts[ts["month"] < point.month]
    per_run = [g.drop(columns="run").reset_index(drop=True) for _, g in before.groupby("run")]
    assert len(per_run) == 6 and len(per_run[0]) == point.month
    assert all(frame.equals(per_run[0]) for frame in per_run)  # the same past
    ends = ts[ts["month"] == baseline.spec.horizon]
    assert ends.drop(columns=["run", "month"]).drop_duplicates().shape[0] > 1  # fresh futures
    again = game.ahead(6)
    assert again.outcomes.equals(outlook.outcomes) and again.timeseries.equals(ts)
    fixed = game.ahead(2, option=point.available[-1])
    assert fixed.option == point.available[-1]
    with pytest.raises(UsageError, match="at least one run"):
        game.ahead(0)


# --------------------------------------------------------------------------- bad logs

def _saved(tmp_path, game=None) -> Path:
    game = game or Game.new("baseline", "eu", seed=2).choose("model").choose("hold")
    return save_game(game, tmp_path / "game.yaml")


@pytest.mark.parametrize("edit, message", [
    (lambda d: d.pop("seat"), "damaged"),
    (lambda d: d["choices"].append({"month": "2019-02", "decision": "west.policy"}),
     "choice 3 is damaged"),
    (lambda d: d["choices"].__setitem__(1, {**d["choices"][1], "option": "ease"}),
     "'ease' is not open"),
    (lambda d: d["choices"].append({"month": "2023-12", "decision": "west.policy",
                                    "option": "hold"}), "answers no decision"),
    (lambda d: d["choices"].__setitem__(0, {**d["choices"][0], "option": "surrender"}),
     "'surrender' is not an option of west.policy"),
    (lambda d: d["choices"].__setitem__(0, {**d["choices"][0], "decision": "us.policy"}),
     "not a decision the player takes"),
    (lambda d: d["scenario"].__setitem__("digest", "0" * 16), "has changed since"),
    (lambda d: d.__setitem__("seat", "minks"), "not a seat"),
])
def test_a_damaged_log_is_the_projects_error(tmp_path, edit, message):
    path = _saved(tmp_path)
    data = yaml.safe_load(path.read_text())
    edit(data)
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(InputFileError, match=message) as info:
        load_game(path)
    assert info.value.file == str(path) and info.value.hint


# --------------------------------------------------------------------------- the terminal

def test_play_baseline_as_minsk_to_the_end_from_the_terminal(tmp_path):
    answers = "help\n2\nescalate\nahead 3\nhistory\nmodel 1000\ntrace\n"
    done = cli("play", "baseline", "--as", "minsk", "--seed", 3, "--save", "game.yaml",
               "--export", "mine.yaml", stdin=answers, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "2019-01  minsk.domestic" in out and "<- most likely" in out
    assert "3 continuations from" in out and "the game is over" in out and "outcome:" in out
    assert "by policy rule" in out and "Outcome:" in out  # the trace after the end
    assert "Traceback" not in done.stderr
    game = load_game(tmp_path / "game.yaml")
    assert game.choices[:2] == (Choice(1, "minsk.domestic", "co_opt"),
                                Choice(1, "minsk.initiative", "escalate"))
    over = game.now()
    assert isinstance(over, GameOver) and f"outcome: {over.outcome}".replace("_", " ") in out
    # the saved game replays to its end without any answer, and says the same outcome
    replayed = cli("play", "--replay", "game.yaml", cwd=tmp_path)
    assert replayed.returncode == 0 and "the game is over" in replayed.stdout
    end = replayed.stdout.split("the game is over")[1]
    assert out.split("the game is over")[1].startswith(end.split("Now:")[0])
    assert "saved the game (151 choices) to game.yaml" in out
    trace = cli("trace", "mine.yaml", "--seed", 3, cwd=tmp_path)
    assert trace.returncode == 0 and "policy minsk.domestic" in trace.stdout


def test_answers_come_from_a_file_first(tmp_path):
    (tmp_path / "answers.txt").write_text("# my opening\nco_opt\nopen_west\nmodel 3\nquit\n")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "mine.yaml").write_text(
        f"name: mine\ntitle: my baseline\ndescription: the baseline as my own file\n"
        f"extends: {ROOT / 'scenarios' / 'baseline.yaml'}\n")
    done = cli("play", "mine/mine.yaml", "--as", "minsk", "--choices", "answers.txt",
               "--save", "game.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    game = load_game(tmp_path / "game.yaml")
    assert [c.option for c in game.choices] == ["co_opt", "open_west"] + ["model"] * 3
    # a user's scenario file is named by its full path: the game replays from anywhere
    assert Path(yaml.safe_load((tmp_path / "game.yaml").read_text())["scenario"]["ref"]) \
        == (tmp_path / "mine" / "mine.yaml").resolve()
    missing = cli("play", "baseline", "--as", "minsk", "--choices", "none.txt", cwd=tmp_path)
    assert missing.returncode == 2 and "answers file not found" in missing.stderr


@pytest.mark.parametrize("args, stdin, message", [
    (("play", "baseline", "--as", "kremln"), "", "'kremln' is not a seat"),
    (("play", "baseline"), "", "give a scenario and a seat"),
    (("play", "baseline", "--as", "minsk"), "sign\n", "'sign' is not an option"),
    (("play", "baseline", "--as", "minsk"), "9\n", "there is no option 9"),
    (("play", "--replay", "nowhere.yaml"), "", "saved game not found"),
    (("play", "baseline", "--as", "eu", "--save", "notes.yaml"), "", "not a saved game "
                                                                     "written by unionsim"),
    (("play", "baseline", "--as", "eu", "--save", "g.yaml", "--export", "g.yaml"), "",
     "would be the same file"),
    (("play", "baseline", "--as", "eu", "--export", "link.yaml"), "", "symbolic link"),
    (("play", "baseline", "--as", "eu"), "model 2\nsave notes.yaml\n", "not a saved game "
                                                                       "written by unionsim"),
])
def test_bad_input_ends_in_the_projects_error_without_a_traceback(tmp_path, args, stdin,
                                                                  message):
    (tmp_path / "notes.yaml").write_text("my own notes\n")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "notes.yaml")
    done = cli(*args, stdin=stdin, cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr and "fix:" in done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "notes.yaml").read_text() == "my own notes\n"
