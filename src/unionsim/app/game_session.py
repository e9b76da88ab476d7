"""A game in the explorer: a person takes one seat's decisions while the model plays everyone
else (`unionsim.experiment.game`), the browser's half of ``unionsim play``.

No web code here: the page's "Play a side" part (`unionsim.app.play_views.PlayView`) reads a
`GameSession` and calls its methods; tests drive it directly. A game is started from what the
page shows: the scenario chosen in the sidebar with the session's tweaks as ``--set`` values, the
seat and the seed of the game's own boxes, so the game is the one ``unionsim play SCENARIO --as
SEAT --seed S --set ...`` (`GameSession.command_line`) would play. The game's choices come only
from the page's buttons (`GameSession.choose`, `take_model`, `let_model_finish`); "what happens
from here" runs in a background thread and is shown only with the decision point it was asked
at. Saved games and exported scenarios go into the runs folder (``games/`` inside it) through
the page's write guard (`unionsim.app.folders.check_inside`, `unionsim.app.export.write_text_in`).

Every user error is kept as the text the CLI would print (``error: ...``), as `Session` does.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from unionsim.app.batches import error_text
from unionsim.app.session import Session, _notifies, _whole_number, commit_box, seed_from_box
from unionsim.errors import UsageError
from unionsim.experiment.game import SEATS, Game, GameOver, Outlook
from unionsim.experiment.game_files import game_log_text, game_scenario_yaml

#: Where the explorer's games go, inside its runs folder.
GAMES_DIR = "games"
#: The saved game and the exported scenario in a game's folder.
LOG_NAME = "game.yaml"
EXPORT_NAME = "scenario.yaml"
#: What the "runs ahead" box holds at first, and the most it takes (a look ahead holds every
#: continuation's monthly series in memory).
DEFAULT_AHEAD = 50
MAX_AHEAD = 2000
#: The indicators of the look ahead's fan charts (those ``unionsim play``'s ``ahead`` tabulates,
#: and legitimacy): few panels, so the figure is drawn in seconds.
AHEAD_INDICATORS = ("sovereignty", "energy_support", "reserves", "protest_share", "legitimacy",
                    "sanctions_level")
#: Decisions "let the model play on" hands to the model: more than any game has left.
ALL_DECISIONS = 1_000_000


def seats() -> list[str]:
    """The seats a player may take (`unionsim.experiment.game.SEATS`)."""
    return list(SEATS)


@dataclass
class GameSession:
    """One game in one explorer session: the seat and seed boxes, the game as it stands, the
    last look ahead and the files written."""

    session: Session
    seat: str = "minsk"
    seed: int = 1
    ahead_runs: int = DEFAULT_AHEAD
    ahead_option: str | None = None        # look ahead as if the player took it (None: the model)
    game: Game | None = None
    tweaks: dict[str, float] = field(default_factory=dict)   # the --set values the game plays
    error: str = ""
    refused: dict[str, str] = field(default_factory=dict)   # box -> text it refused
    saved: Path | None = None
    exported: Path | None = None
    saved_choices: int = 0                 # the game's choices when it was saved / exported
    exported_choices: int = 0
    step_seconds: float | None = None      # how long the last choice took to reach the next point
    outlook: Outlook | None = None
    outlook_state: str = ""                # "", "running", "done" or "failed"
    outlook_from: str = ""                 # the date and decision of the last look ahead
    outlook_seconds: float | None = None

    def __post_init__(self) -> None:
        self._outlook_game: Game | None = None
        self._outlook_number = 0
        self._folder: Path | None = None
        self._ahead_done = threading.Event()
        self._ahead_done.set()

    def changed(self) -> None:
        """Something the page shows changed (the session redraws the page)."""
        self.session.changed()

    # -- the boxes
    @_notifies
    def set_seat(self, seat: str | None) -> bool:
        """Commit the Seat choice (one of `seats`)."""
        from unionsim.experiment.game import seat_actors

        try:
            seat_actors(str(seat or "").strip())
        except Exception as exc:
            self.error = error_text(exc)
            return False
        self.seat, self.error = str(seat).strip(), ""
        return True

    @_notifies
    def set_seed(self, seed: int | str | None) -> bool:
        """Commit the game's Seed box (a whole number, zero or positive, as ``--seed``)."""
        value = commit_box(self, "seed", seed, seed_from_box)
        if value is None:
            return False
        self.seed = value
        return True

    @_notifies
    def set_ahead_runs(self, runs: int | str | None) -> bool:
        """Commit the "runs ahead" box (a whole number from 1 to `MAX_AHEAD`)."""
        def parse(text) -> int:
            value = _whole_number(text, "runs")
            if not 1 <= value <= MAX_AHEAD:
                raise UsageError(f"look ahead with 1 to {MAX_AHEAD} runs (got {value})",
                                 field="runs", hint="e.g. 50; more runs give narrower "
                                                    "intervals and take longer")
            return value

        value = commit_box(self, "ahead", runs, parse)
        if value is None:
            return False
        self.ahead_runs = value
        return True

    def command_line(self) -> str:
        """The ``unionsim play`` command of the game on show (before one starts: of the game
        Start would begin)."""
        if self.game is not None:
            ref, seat, seed, tweaks = (self.game.scenario_ref, self.game.seat, self.game.seed,
                                       self.tweaks)
        else:
            ref, seat, seed, tweaks = (self.session.scenario_ref, self.seat, self.seed,
                                       self.session.tweaks)
        sets = "".join(f" --set {k}={v:g}" for k, v in tweaks.items())
        return f"unionsim play {ref} --as {seat} --seed {seed}{sets}"

    # -- playing
    @_notifies
    def start(self) -> Game | None:
        """A new game of the sidebar's scenario with the session's tweaks, in the committed seat
        and seed; None (with ``error`` set) if it cannot start."""
        session = self.session
        if self.refused:
            box, text = next(iter(self.refused.items()))
            self.error = (f"error: field '{box}': the game's {box} box holds '{text[:40]}', "
                          f"which was refused; the game would not be the one shown\n"
                          f"  fix: correct the box (Enter takes it), then press Start")
            return None
        if session.policies:
            self.error = ("error: field 'policies': the policies added in the page ("
                          + ", ".join(session.policies) + ") would not be played: a game plays "
                          "its scenario as written, the player in one seat\n  fix: clear the "
                          "policies added here, or export them (Export YAML) and load the "
                          "exported scenario file")
            return None
        if session.loaded is None and not session.choose_scenario(session.scenario_ref):
            self.error = session.error
            return None
        started = time.perf_counter()
        try:
            game = Game.new(session.scenario_ref, self.seat, seed=self.seed,
                            sets=dict(session.tweaks))
            game.now()     # the first decision point (a replay), before the page shows it
        except Exception as exc:
            self.error = error_text(exc)
            return None
        self.step_seconds = time.perf_counter() - started
        self.game, self.tweaks, self.error = game, dict(session.tweaks), ""
        self.saved = self.exported = self._folder = None
        self._drop_outlook()
        return game

    def now(self):
        """The decision point the player faces, the `GameOver`, or None before a game."""
        return None if self.game is None else self.game.now()

    @_notifies
    def choose(self, option: str, at: int | None = None) -> bool:
        """Take ``option`` at the current decision point (``model``: the model's own draw).
        ``at``: the number of the decision the page showed with the button; a click that
        arrives after the game moved on (a double click) takes nothing."""
        if not self._shown(at):
            return False
        return self._step(lambda game: game.choose(option))

    def take_model(self, at: int | None = None) -> bool:
        """Let the model's own actor take this decision (its own draw, as ``model`` does)."""
        return self.choose("model", at=at)

    def _shown(self, at: int | None) -> bool:
        """Whether the decision ``at`` (as the page numbered it) is the one the game faces."""
        point = self.now()
        if at is None or point is None or isinstance(point, GameOver) or point.number == at:
            return True
        self.error = (f"error: that click answered decision {at + 1}, but the game is at "
                      f"decision {point.number + 1} ({point.key}, {point.date}); nothing was "
                      f"taken\n  fix: choose again on the decision now shown")
        return False

    @_notifies
    def let_model_finish(self) -> bool:
        """Let the model's own actor take every decision left (``model N`` for all of them)."""
        return self._step(lambda game: game.let_model(ALL_DECISIONS))

    def _step(self, move) -> bool:
        if self.game is None:
            self.error = "error: start a game first (choose a seat and press Start)"
            return False
        started = time.perf_counter()
        try:
            game = move(self.game)
            game.now()
        except Exception as exc:
            self.error = error_text(exc)
            return False
        self.step_seconds = time.perf_counter() - started
        self.game, self.error, self.ahead_option = game, "", None
        return True

    # -- looking ahead
    @_notifies
    def set_ahead_option(self, option: str | None) -> bool:
        """Look ahead as if the player took ``option`` at this point (None or empty: the model's
        actor decides, as in the other continuations); an option not open here is refused."""
        option = (option or "").strip() or None
        point = self.now()
        if option is not None and (point is None or isinstance(point, GameOver)
                                   or option not in point.available):
            open_ = ", ".join(point.available) if point is not None and not isinstance(
                point, GameOver) else "none"
            self.error = (f"error: field 'option': '{option}' is not open at this decision; "
                          f"open: {open_}\n  fix: choose one of them, or none")
            return False
        self.ahead_option, self.error = option, ""
        return True

    @_notifies
    def look_ahead(self, runs: int | str | None = None, at: int | None = None) -> bool:
        """Start ``game.ahead`` of the committed runs in the background (``runs`` commits the
        box first); the outlook shows with the decision point it was asked at (``at``, as in
        `choose`)."""
        if not self._shown(at):
            return False
        if runs is not None and not self.set_ahead_runs(runs):
            return False
        if "ahead" in self.refused:
            self.error = (f"error: field 'runs': the runs ahead box holds "
                          f"'{self.refused['ahead'][:40]}', which was refused\n  fix: correct "
                          f"the box (Enter takes it), then ask again")
            return False
        if self.game is None or isinstance(self.game.now(), GameOver):
            self.error = ("error: " + ("start a game first" if self.game is None else
                                       "the game is over; nothing happens from here"))
            return False
        if self.outlook_state == "running":
            self.error = "error: already looking ahead: wait for it"
            return False
        game, runs, option = self.game, self.ahead_runs, self.ahead_option
        point = game.now()
        self.outlook, self.outlook_state, self.error = None, "running", ""
        self.outlook_from = f"{point.date} ({point.key})"
        self._outlook_game = game
        done = self._ahead_done = threading.Event()

        def work() -> None:
            started = time.perf_counter()
            try:
                outlook, error = game.ahead(runs, option), ""
            except Exception as exc:
                outlook, error = None, error_text(exc)
            if self._outlook_game is game:
                self.outlook, self.outlook_seconds = outlook, time.perf_counter() - started
                self.outlook_state = "done" if outlook is not None else "failed"
                self._outlook_number += 1
                if error:
                    self.error = error
            done.set()
            self.changed()

        threading.Thread(target=work, name="look ahead", daemon=True).start()
        return True

    def wait_ahead(self, timeout: float | None = None) -> bool:
        """Wait for the look ahead in progress (for tests and the benchmark)."""
        return self._ahead_done.wait(timeout)

    def current_outlook(self) -> Outlook | None:
        """The last outlook, if it was asked at the decision point on show."""
        if self.outlook is not None and self._outlook_game is self.game:
            return self.outlook
        return None

    def outlook_table(self):
        """The current outlook's outcome shares with 95% Wilson intervals
        (`analysis.summary.outcome_table`), the outcomes that happened only; None without one."""
        from unionsim.analysis.summary import outcome_table

        outlook = self.current_outlook()
        if outlook is None:
            return None
        table = outcome_table(outlook.outcomes)
        return table[table["runs"] > 0].reset_index(drop=True)

    def _drop_outlook(self) -> None:
        self.outlook, self.outlook_state, self._outlook_game = None, "", None

    def outlook_png(self) -> bytes | str | None:
        """The fan chart of the current outlook, drawn in the background (`Session.figures`):
        None until it is ready (or without an outlook), then the PNG (or the error text)."""
        from unionsim.analysis.outputs import png_bytes

        outlook, game = self.current_outlook(), self.game
        if outlook is None:
            return None
        return self.session.figures.get(("outlook", id(self), self._outlook_number),
                                        lambda: png_bytes(outlook_figure(game, outlook)))

    # -- saving and exporting
    def folder(self) -> Path:
        """The game's folder in the runs folder (``games/<scenario>-<seat>-s<seed>-<time>``),
        checked by the page's write guard; the same folder for every file of one game."""
        from unionsim.app.folders import check_inside, check_runs_dir

        if self._folder is None:
            root = check_runs_dir(self.session.runs_dir) / GAMES_DIR
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            base = root / (f"{self.game.scenario.name}-{self.game.seat}-s{self.game.seed}-"
                           f"{stamp}").replace("/", "_")
            folder, k = base, 1
            while folder.exists():
                k += 1
                folder = base.with_name(f"{base.name}-{k}")
            self._folder = folder
        return check_inside(self._folder, self.session.runs_dir)

    @_notifies
    def save(self) -> Path | None:
        """Write the game's log (``game.yaml``, replayed by ``unionsim play --replay``)."""
        from unionsim.app.export import write_text_in

        if self.game is None:
            self.error = "error: start a game first"
            return None
        try:
            self.saved = write_text_in(self.folder(), LOG_NAME, game_log_text(self.game))
            self.saved_choices = len(self.game.choices)
        except Exception as exc:
            self.error = error_text(exc)
            return None
        self.error = ""
        return self.saved

    @_notifies
    def export(self) -> Path | None:
        """Write the game as a scenario (``scenario.yaml``: the choices as the seat's policy),
        checked as ``unionsim validate`` checks it."""
        from unionsim.app.export import write_text_in
        from unionsim.config.validate import validate_file

        if self.game is None:
            self.error = "error: start a game first"
            return None
        try:
            path = write_text_in(self.folder(), EXPORT_NAME, game_scenario_yaml(self.game))
            validate_file(path)
        except Exception as exc:
            self.error = error_text(exc)
            return None
        self.exported, self.exported_choices, self.error = path, len(self.game.choices), ""
        return path

    def replay_command(self) -> str:
        return f"unionsim play --replay {self.saved}" if self.saved else ""

    def trace_command(self) -> str:
        return (f"unionsim trace {self.exported} --seed {self.game.seed}"
                if self.exported and self.game is not None else "")


# --------------------------------------------------------------------------- what the page says

def happened_since(point, start: str, verbose: bool = False, last: int = 12) -> list[str]:
    """What happened since the player's last decision, in words, as ``unionsim play`` tells it
    (routine choices left out unless ``verbose``; the ``last`` lines), dated from the
    scenario's ``start`` month."""
    from unionsim.analysis.trace import happenings
    from unionsim.config.schema import month_label

    lines = [f"{month_label(month, start)} {who}: {what}"
             for month, who, what in happenings(point.since, verbose)]
    return lines[-last:]


def since_text(point) -> str:
    """How long since the player's last decision."""
    if point.number == 0:
        return "the game's first decision"
    if point.months_since == 0:
        return "the same month as your last decision"
    s = "s" if point.months_since != 1 else ""
    return f"{point.months_since} month{s} since your last decision"


def state_cells(state: dict[str, float]) -> list[tuple[str, str, float]]:
    """The state the terminal game shows, as (name, text, value) cells (`analysis.trace.WATCH`)."""
    from unionsim.analysis.trace import WATCH, _fmt

    return [(name, _fmt(name, template, state[name]), state[name])
            for name, template, _ in WATCH if name in state]


def history_rows(game: Game) -> list[tuple[str, str, str, str]]:
    """The player's choices so far: (month, decision, option taken, who chose it)."""
    from unionsim.config.schema import month_label

    point = game.now()
    start = game.scenario.spec.start
    return [(month_label(choice.month, start), choice.key, taken,
             "the model's draw" if choice.option == "model" else "you")
            for choice, taken in point.history]


def outlook_figure(game: Game, outlook: Outlook):
    """Fan charts of `AHEAD_INDICATORS` over the continuations of ``outlook`` (median, 50% and
    90% of runs), the decision point marked: `analysis.figures.indicator_panel` on the outlook's
    monthly series, as ``unionsim plot`` draws a batch."""
    from matplotlib.figure import Figure

    from unionsim.analysis.figures import indicator_panel
    from unionsim.config.schema import month_label

    spec = game.scenario.spec
    ts = outlook.timeseries
    indicators = [i for i in AHEAD_INDICATORS if i in ts]
    dates = [month_label(m, spec.start) for m in range(spec.horizon + 1)]
    cols = 2
    rows = -(-len(indicators) // cols)
    fig = Figure(figsize=(6.0 * cols, 2.6 * rows + 0.8), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax in axes[len(indicators):]:
        ax.set_visible(False)
    marks = [(outlook.month, "now")]
    for ax, name in zip(axes, indicators):
        indicator_panel(ts, name, ax, dates=dates, events=marks)
    if indicators:
        axes[0].legend(fontsize=7, loc="best")
    what = f"if you take {outlook.option}" if outlook.option else "the model's actors deciding"
    fig.suptitle(f"{spec.name}, seed {game.seed}: {len(outlook.outcomes)} continuations from "
                 f"{month_label(outlook.month, spec.start)} ({outlook.key}), {what}; median, "
                 f"50% and 90% of runs", fontsize=10)
    return fig
