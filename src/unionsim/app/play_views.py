"""The explorer's "Play a side" part, drawn with Solara: the seat and seed of a game, the
decision the player faces with the model's own odds and reasons, what happens from here, the
game's history and its files. Every choice comes from a button and goes to the page's
`unionsim.app.game_session.GameSession`."""

from __future__ import annotations

from html import escape
from pathlib import Path

import solara

from unionsim.app.game_session import (GameSession, happened_since, history_rows, seats,
                                       since_text, state_cells)
from unionsim.app.session import Session
from unionsim.app.widgets import (CommitBox, ErrorBanner, figure_image, markup,
                                  share_bars_html, tagged)
from unionsim.experiment.game import GameOver


@solara.component
def PlayView(session: Session, play: GameSession, version: int):
    """Play a side: the seat and seed of a game of the sidebar's scenario (with its tweaks), the
    decision the player faces, the game's history and its files. Every choice of the game comes
    from a button here (`GameSession`)."""
    with solara.Row():
        solara.Select("Seat", values=seats(), value=play.seat, on_value=play.set_seat)
        CommitBox("Game seed", str(play.seed), play.set_seed, play.refused.get("seed", ""))
        solara.Button("Start game", on_click=play.start, disabled="seed" in play.refused,
                      color="primary")
    what = ("the game on show" if play.game is not None
            else "the sidebar's scenario and tweaks, in this seat")
    markup(f"<small>Plays {what}. Same as: <code data-testid='play-same-as'>"
           f"{escape(play.command_line())}</code></small>")
    if play.error:
        ErrorBanner(play.error, "play-error")
    game = play.game
    if game is None:
        return
    from unionsim.config.vocabulary import ACTORS

    spec = game.scenario.spec
    taken = (f"; taken by the scenario's policies (not asked): "
             f"{escape(', '.join(game.scenario_keys))}" if game.scenario_keys else "")
    markup(f"<small><b>{escape(spec.title)}</b>, seed {game.seed}, {spec.start} + {spec.horizon} "
           f"months; you play {escape(game.seat)} ("
           f"{escape(', '.join(ACTORS[a] for a in game.actors))}); your decisions: "
           f"{escape(', '.join(game.keys))}{taken}</small>")
    point = game.now()
    if isinstance(point, GameOver):
        GameOverView(play, point)
    else:
        DecisionView(play, point, version)
    HistoryView(play, len(game.choices))
    GameFilesView(play, version)


def _state_table(state: dict) -> str:
    cells = [f"<td data-state='{escape(name)}' data-value='{value!r}' style='padding:1px 10px "
             f"1px 0'>{escape(text)}</td>" for name, text, value in state_cells(state)]
    rows = ["<tr>" + "".join(cells[i:i + 4]) + "</tr>" for i in range(0, len(cells), 4)]
    return f"<table style='font-size:12.5px'>{''.join(rows)}</table>"


@solara.component
def DecisionView(play: GameSession, point, version: int):
    """One decision point: when, what happened since, the state, the options as buttons (those
    not open this month disabled) with the model's own odds and reasons, and the look ahead."""
    start = play.game.scenario.spec.start
    with solara.v.Html(tag="div", attributes={"data-testid": "play-point",
                                              "data-key": point.key, "data-date": point.date,
                                              "data-number": str(point.number),
                                              "data-available": " ".join(point.available),
                                              "data-model": point.model_choice}):
        markup(f"<h4>{escape(point.date)}: <code>{escape(point.key)}</code> <small>(decision "
               f"{point.number + 1}; {escape(since_text(point))})</small></h4>")
    lines = happened_since(point, start)
    markup("<b>Since then</b>" + ("<ul style='font-size:12.5px;margin:0'>" + "".join(
        f"<li>{escape(line)}</li>" for line in lines) + "</ul>" if lines
        else " <small>nothing of note</small>"))
    markup("<b>State</b>" + _state_table(point.state))
    markup("<b>Options</b> <small>(the model's own actor's odds; greyed: not open this month)"
           "</small>")
    likely = point.model_choice
    at = point.number    # a click answers the decision it was shown with, never a later one
    with solara.Column(gap="2px", style={"padding": "0"}):  # one child: the views below stay
        for option in point.options:
            open_ = option in point.available
            with solara.v.Html(tag="div", attributes={"data-testid": "option",
                                                      "data-option": option,
                                                      "data-number": str(at)},
                               style_="display:flex;align-items:center;gap:12px"):
                solara.Button(option, on_click=lambda o=option: play.choose(o, at=at),
                              disabled=not open_, outlined=True,
                              style={"min-width": "14em", "text-transform": "none"})
                odds = (f"{point.probabilities[option]:.1%}"
                        + (" <b>&larr; the model's most likely</b>" if option == likely else "")
                        if open_ else "not open")
                markup(f"<small>{odds}</small>")
    markup(f"<small><b>The model's reasons:</b> {escape(point.why or 'none given')}</small>")
    with solara.Row():
        solara.Button("Take the model's choice", on_click=lambda: play.take_model(at=at),
                      color="primary")
        solara.Button("Let the model play on to the end", on_click=play.let_model_finish,
                      text=True)
    tagged(f"this point reached in {play.step_seconds:.2f} s" if play.step_seconds is not None
           else "", "play-step", style="color:#777;font-size:11px")
    AheadView(play, point, version)


@solara.component
def AheadView(play: GameSession, point, version: int):
    """What happens from here: N continuations from this point, drawn in the background."""
    running = play.outlook_state == "running"
    model = "(none: the model's actor decides)"
    with solara.Row():
        CommitBox("Continuations", str(play.ahead_runs), play.set_ahead_runs,
                  play.refused.get("ahead", ""))
        solara.Select("If you take", values=[model, *point.available],
                      value=play.ahead_option or model,
                      on_value=lambda o: play.set_ahead_option(None if o == model else o))
        solara.Button("What happens from here",
                      on_click=lambda: play.look_ahead(at=point.number),
                      disabled=running or "ahead" in play.refused)
    if running:
        tagged(f"looking ahead from {play.outlook_from} ({play.ahead_runs} continuations)...",
               "ahead-pending", style="color:#777")
        return
    table = play.outlook_table()
    if table is None:
        return
    outlook = play.current_outlook()
    runs = len(outlook.outcomes)
    what = (f"if you take {outlook.option}, then the model's actors deciding" if outlook.option
            else "the model's actors deciding")
    markup(f"<h4>What happens from here <small>({runs} continuations from {escape(point.date)}, "
           f"{escape(what)}, in {play.outlook_seconds:.1f} s; bars: share of "
           f"continuations, lines: 95% Wilson interval)</small></h4>")
    markup(share_bars_html(table, "outcome", "ahead-chart", runs, partial=False))
    figure_image(play.outlook_png(), "ahead-figure")


@solara.component
def GameOverView(play: GameSession, over):
    """The end of the game: its outcome, end state in each dimension and flags."""
    from unionsim.analysis.labels import words

    flags = [words(k) for k, v in over.result.items() if isinstance(v, bool) and v]
    rows = "".join(f"<tr data-dimension='{escape(k)}'><td>{escape(words(k))}</td>"
                   f"<td>{escape(words(v))}</td></tr>" for k, v in over.end_states.items())
    markup(f"<h4>The game is over: <span data-testid='play-outcome' data-outcome="
           f"'{escape(over.outcome)}'>{escape(words(over.outcome))}</span></h4>"
           f"<table style='font-size:12.5px' data-testid='play-end-states'>{rows}</table>"
           f"<small>flags: {escape(', '.join(flags) or 'none')}</small>")
    told, set_told = solara.use_state(False)
    solara.Button("Tell the whole run month by month", on_click=lambda: set_told(True),
                  text=True, disabled=told)
    if told:
        from unionsim.analysis import trace

        solara.Preformatted("\n".join(trace.render(over.model)))


@solara.component
def HistoryView(play: GameSession, choices: int):
    """The player's choices so far (``model``: the model's own draw, with what it drew)."""
    rows = history_rows(play.game)
    body = "".join(f"<tr data-month='{escape(month)}' data-key='{escape(key)}' data-option="
                   f"'{escape(taken)}' data-by='{'model' if who != 'you' else 'you'}'>"
                   f"<td>{escape(month)}</td><td>{escape(key)}</td>"
                   f"<td>{escape(taken)}</td><td>{escape(who)}</td></tr>"
                   for month, key, taken, who in rows)
    with solara.Details(f"Your choices ({len(rows)})", expand=bool(rows)):
        solara.HTML(tag="div", attributes={"data-testid": "play-history",
                                           "data-choices": str(len(rows))},
                    style="max-height:22em;overflow-y:auto",
                    unsafe_innerHTML=(
                        "<table style='font-size:12.5px'><tr><th>month</th><th>decision</th>"
                        "<th>option</th><th>by</th></tr>" + body + "</table>" if rows
                        else "No choices yet."))


@solara.component
def GameFilesView(play: GameSession, version: int):
    """Save the game (a log ``unionsim play --replay`` goes on with) and export it as a scenario
    (``unionsim trace`` replays it), both into the runs folder, with downloads."""
    with solara.Row():
        solara.Button("Save game", on_click=play.save)
        solara.Button("Export as scenario", on_click=play.export)
    for path, count, command, what, testid in (
            (play.saved, play.saved_choices, play.replay_command(), "saved game", "game-saved"),
            (play.exported, play.exported_choices, play.trace_command(), "game as a scenario",
             "game-exported")):
        if path is None:
            continue
        markup(f"<b>{what}</b> <small>({count} choices)</small>")
        tagged(str(path), testid)
        markup(f"<small>Replay: <code data-testid='{testid}-command'>{escape(command)}</code>"
               f"</small>")
        solara.FileDownload(lambda p=path: Path(p).read_bytes(), filename=Path(path).name,
                            label=f"Download {Path(path).name}")
