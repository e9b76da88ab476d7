"""``unionsim play``: a person takes one actor's decisions in the terminal (`experiment.game`)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, List, Optional

import typer

from unionsim.cli.common import PARAMS_HELP, SET_HELP, _console, _print_error, app
from unionsim.errors import InputFileError, UnionsimError, UsageError

COMMANDS = """\
  an option's name or number   take it
  model                        let the model's own actor decide (its own draw)
  model N                      let it decide this and the next N-1 decisions
  ahead N [OPTION]             what happens from here: N continuations on fresh random numbers
                               (with OPTION: if you take it), outcome shares and bands
  history                      your choices so far
  trace                        at the end: the whole run told month by month
  save FILE                    save the game (replay it with unionsim play --replay FILE)
  export FILE                  write the game as a scenario (your choices as a policy)
  help                         this list
  quit                         stop (a --save file is written first)"""

# the indicators `ahead` shows by year: name -> (column label, scale)
_AHEAD_INDICATORS = {"sovereignty": ("sovereignty", 1), "energy_support": ("support $bn/yr", 1),
                     "reserves": ("reserves $bn", 1), "protest_share": ("protest %", 100),
                     "sanctions_level": ("sanctions", 1)}


@app.command()
def play(
    scenario: Optional[str] = typer.Argument(None, metavar="[SCENARIO]",
                                             help="Scenario file, or the name of a shipped "
                                                  "scenario (not with --replay)."),
    seat: Optional[str] = typer.Option(None, "--as", metavar="ACTOR",
                                       help="The seat you take: minsk (all of Minsk's "
                                            "decisions), kremlin (Putin's), eu, us, nato, army, "
                                            "or any actor that decides (putin, west, "
                                            "levers.minsk, ...)."),
    seed: int = typer.Option(1, "--seed", "-s", metavar="SEED", help="The game's seed."),
    set_: List[str] = typer.Option([], "--set", metavar="NAME=VALUE", help=SET_HELP),
    params: List[Path] = typer.Option([], "--params", metavar="FILE", help=PARAMS_HELP),
    decisions: Optional[str] = typer.Option(None, "--decisions", metavar="D1,D2,..",
                                            help="Take only these of the seat's decisions "
                                                 "(e.g. initiative,base_answer); the model "
                                                 "takes the others."),
    replay: Optional[Path] = typer.Option(None, "--replay", metavar="LOG",
                                          help="Go on with a saved game (save FILE): it "
                                               "replays exactly to where it was saved."),
    choices: Optional[Path] = typer.Option(None, "--choices", metavar="FILE",
                                           help="Read the answers from FILE, one a line (as "
                                                "typed at the prompt), then from the "
                                                "terminal."),
    save: Optional[Path] = typer.Option(None, "--save", metavar="FILE",
                                        help="Save the game to FILE when it ends or you quit."),
    export: Optional[Path] = typer.Option(None, "--export", metavar="FILE",
                                          help="Write the game as a scenario to FILE when it "
                                               "ends or you quit."),
    verbose: bool = typer.Option(False, "--verbose", "-v",
                                 help="Also show routine choices (holding course) between your "
                                      "decisions."),
) -> None:
    """Play one actor's decisions while the model plays everyone else.

    At each of your decisions you see the date, the state, what happened since your last one,
    the options open, and what the model's own actor would do with its probabilities and
    reasons. The rest of the cast answers as the model does, on the same random numbers as a
    run without you, so a saved game replays exactly and exports as a scenario whose policy is
    your choices (`unionsim trace EXPORTED --seed SEED` is your game). Answers come from the
    terminal, from --choices FILE, or from standard input (one a line).

    Example: unionsim play baseline --as minsk
    Example: unionsim play baseline --as eu --seed 7 --save game.yaml
    Example: unionsim play --replay game.yaml --export my_policy.yaml
    """
    import sys

    from unionsim.experiment.game import Game
    from unionsim.experiment.game_files import load_game

    console = _console()
    if replay is not None:
        if scenario is not None or seat is not None or set_ or params or decisions:
            raise UsageError("--replay goes on with a saved game as it was: give no scenario, "
                             "--as, --set, --params or --decisions with it", field="replay")
        game = load_game(replay)
    else:
        if scenario is None or seat is None:
            raise UsageError("give a scenario and a seat (e.g. unionsim play baseline --as "
                             "minsk), or --replay LOG", field="scenario" if scenario is None
                             else "as")
        from unionsim.config.params import parse_set_options

        only = [d.strip() for d in decisions.split(",") if d.strip()] if decisions else None
        game = Game.new(scenario, seat, seed=seed, sets=parse_set_options(set_),
                        param_files=params, only=only)
    outputs = {label: path for label, path in (("--save", save), ("--export", export)) if path}
    if outputs:
        from unionsim.experiment.game_files import EXPORT_HEADING, LOG_HEADING, written_by_play
        from unionsim.guard import check_named_output, distinct_outputs

        # refuse a bad output before the game, not after it
        checked = {"--save": check_named_output(save, "--save", what="a saved game",
                                                suffixes=(".yaml", ".yml"),
                                                ours=written_by_play(LOG_HEADING)) if save else None,
                   "--export": check_named_output(export, "--export", what="an exported game",
                                                  suffixes=(".yaml", ".yml"),
                                                  ours=written_by_play(EXPORT_HEADING)) if export
                   else None}
        distinct_outputs({k: v for k, v in checked.items() if v is not None})
    answers = _answers(choices, interactive=sys.stdin.isatty())
    _introduce(console, game)
    played = [game]
    try:
        _loop(console, played, answers, verbose)
    except KeyboardInterrupt as exc:
        if type(exc) is not KeyboardInterrupt:  # SIGTERM: the command's own way out
            raise
        # Ctrl-C at the prompt or while looking ahead: the game so far is kept
        console.print(f"\ninterrupted after {len(played[0].choices)} choices", markup=False)
    game = played[0]
    for label, path in outputs.items():
        _write(console, game, label, path)


def _answers(choices: Optional[Path], interactive: bool) -> Iterator[tuple[str, bool]]:
    """The player's answers, each with whether it was typed at a terminal: the lines of
    ``choices`` first, then the terminal or standard input."""
    if choices is not None:
        try:
            text = choices.read_text("utf-8")
        except FileNotFoundError:
            raise InputFileError("answers file not found", file=choices,
                                 hint="check the path of --choices") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputFileError(f"cannot read the answers ({exc})", file=choices,
                                 hint="give a UTF-8 text file, one answer a line") from None
        for line in text.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                yield line.strip(), False
    while True:
        try:
            line = input("> " if interactive else "")
        except EOFError:
            return
        if line.strip():
            yield line.strip(), interactive


def _introduce(console, game) -> None:
    from unionsim.config.vocabulary import ACTORS

    spec = game.scenario.spec
    console.print(f"[bold]{spec.title}[/bold]")
    console.print(f"scenario {spec.name}, seed {game.seed}, {spec.start} + {spec.horizon} months; "
                  f"you play {game.seat} ({', '.join(ACTORS[a] for a in game.actors)})")
    console.print("your decisions: " + ", ".join(game.keys), markup=False)
    if game.scenario_keys:
        console.print("taken by the scenario's policies (not asked): "
                      + ", ".join(game.scenario_keys), markup=False)
    if game.choices:
        console.print(f"replayed {len(game.choices)} saved choices", markup=False)
    console.print("type help for the commands\n")


def _loop(console, played: list, answers: Iterator[tuple[str, bool]], verbose: bool) -> None:
    """Ask until the game ends, the answers run out or the player quits; ``played[0]`` is the
    game as it stands (kept there so that an interrupted game is not lost)."""
    from unionsim.experiment.game import GameOver

    shown = None
    while True:
        game = played[0]
        point = game.now()
        over = isinstance(point, GameOver)
        if shown is not point:
            if over:
                _show_end(console, game, point)
            else:
                _show_point(console, point, game, verbose)
            shown = point
        given = next(answers, None)
        if given is None:
            if not over:
                console.print(f"no more answers: the game stops at {point.date} "
                              f"({point.key})", markup=False)
            return
        answer, typed = given
        word, _, rest = answer.partition(" ")
        rest = rest.strip()
        try:
            if word == "quit":
                if not over:
                    console.print(f"you stop at {point.date} ({point.key})", markup=False)
                return
            if word == "help":
                console.print(COMMANDS, markup=False)
            elif word == "history":
                _show_history(console, game, point.history)
            elif word == "trace":
                _show_trace(console, game, verbose)
            elif word in ("save", "export"):
                if not rest:
                    raise UsageError(f"{word} needs a file name, e.g. {word} game.yaml",
                                     field=word)
                _write(console, game, word, Path(rest))
            elif over:
                raise UsageError(f"the game is over: '{answer}' has nothing left to act on",
                                 field="choice", hint="save FILE, export FILE, trace, history "
                                                      "or quit")
            elif word == "ahead":
                _ahead(console, game, rest)
            elif word == "model" and rest:
                played[0] = game.let_model(_count(rest, "model"))
            else:
                played[0] = game.choose(_option(answer, point))
        except UnionsimError as exc:
            if not typed:  # a script's or a file's answer: its error ends the game
                raise
            _print_error(console, exc)  # a typo at the prompt: say so and ask again


def _show_trace(console, game, verbose: bool) -> None:
    """The run so far told month by month (`unionsim trace`), up to the pending decision."""
    from unionsim.analysis import trace as tr
    from unionsim.experiment.game import GameOver

    point = game.now()
    if not isinstance(point, GameOver):
        raise UsageError("trace tells a finished game; before the end, history lists your "
                         "choices and each decision point what happened since the last",
                         field="trace", hint="finish the game (model N lets the model "
                                             "play on), then trace")
    for line in tr.render(point.model, verbose=verbose):
        console.print(line, markup=False)


def _count(text: str, word: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise UsageError(f"{word} N needs a whole number of at least 1 (got '{text}')",
                         field=word, hint=f"e.g. {word} 10")
    return n


def _option(answer: str, point) -> str:
    """An option typed by name or by its number in the list shown (1 = the first)."""
    if answer.isdigit():
        number = int(answer)
        if not 1 <= number <= len(point.options):
            raise UsageError(f"there is no option {number}; the options are numbered 1 to "
                             f"{len(point.options)}", field="choice",
                             hint="type an option's number or name")
        return point.options[number - 1]
    return answer


def _show_point(console, point, game, verbose: bool) -> None:
    from rich.table import Table

    from unionsim.analysis.trace import WATCH, _fmt, happenings
    from unionsim.odds import percent

    since = ("at the start" if point.number == 0 else "the same month as your last"
             if point.months_since == 0 else
             f"{point.months_since} month{'s' if point.months_since != 1 else ''} after your "
             f"last")
    console.rule(f"{point.date}  {point.key}  (decision {point.number + 1}, {since})")
    happened = [f"  {who}: {what}" for _, who, what in happenings(point.since, verbose)]
    if happened:
        console.print("since then:", markup=False)
        for line in happened[-12:]:
            console.print(line, markup=False)
    console.print("state: " + ", ".join(_fmt(name, template, point.state[name])
                                        for name, template, _ in WATCH), markup=False)
    table = Table(box=None, show_header=True, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("option")
    table.add_column("the model's own choice", justify="right")
    table.add_column("")
    likely = point.model_choice
    for i, option in enumerate(point.options, start=1):
        if option not in point.available:
            table.add_row(str(i), f"[dim]{option}[/dim]", "[dim]not open[/dim]", "")
            continue
        table.add_row(str(i), option, percent(point.probabilities[option], odds=False),
                      "<- most likely" if option == likely else "")
    console.print(table)
    if point.why:
        console.print(f"the model's reasons: {point.why}", markup=False)


def _show_history(console, game, history) -> None:
    if not history:
        console.print("no choices yet", markup=False)
    from unionsim.config.schema import month_label

    for choice, taken in history:
        by = f" (the model's: {taken})" if choice.option == "model" else ""
        console.print(f"  {month_label(choice.month, game.scenario.spec.start)} {choice.key}: "
                      f"{taken if not by else 'model'}{by}", markup=False)


def _ahead(console, game, rest: str) -> None:
    import time

    from rich.table import Table

    from unionsim.analysis.labels import words
    from unionsim.analysis.series import fan_bands
    from unionsim.analysis.summary import outcome_table
    from unionsim.config.schema import month_label

    parts = rest.split()
    runs = _count(parts[0], "ahead") if parts else 50
    option = None
    if len(parts) > 1:
        option = _option(parts[1], game.now())
    started = time.perf_counter()
    outlook = game.ahead(runs, option)
    took = time.perf_counter() - started
    what = f"if you take {option}" if option else "if the model's actors decide from here"
    console.print(f"{runs} continuations from {game.now().date}, {what} ({took:.1f} s):",
                  markup=False)
    table = Table(box=None, pad_edge=False)
    for column in ("outcome", "share", "95% interval"):
        table.add_column(column, justify="left" if column == "outcome" else "right")
    for row in outcome_table(outlook.outcomes).itertuples():
        if row.share > 0:
            table.add_row(words(row.outcome), f"{row.share:.0%}",
                          f"{row.ci_low:.0%} - {row.ci_high:.0%}")
    console.print(table)
    spec = game.scenario.spec
    # a year on, halfway to the end, and the end
    months = sorted({min(outlook.month + 12, spec.horizon),
                     (outlook.month + spec.horizon + 1) // 2, spec.horizon})
    table = Table(box=None, pad_edge=False,
                  title="median (the middle 50% of continuations)")
    table.add_column("")
    for m in months:
        table.add_column(month_label(m, spec.start), justify="right")
    for name, (label, scale) in _AHEAD_INDICATORS.items():
        bands = fan_bands(outlook.timeseries, name) * scale
        table.add_row(label, *(f"{bands.loc[m, 0.5]:.2f} ({bands.loc[m, 0.25]:.2f}-"
                               f"{bands.loc[m, 0.75]:.2f})" for m in months))
    console.print(table)


def _show_end(console, game, over) -> None:
    from unionsim.analysis.labels import words

    console.rule("the game is over")
    console.print(f"outcome: {words(over.outcome)}", markup=False)
    console.print("end states: " + ", ".join(f"{words(k)} {words(v)}"
                                             for k, v in over.end_states.items()), markup=False)
    flags = [words(k) for k, v in over.result.items() if isinstance(v, bool) and v]
    console.print("flags: " + (", ".join(flags) if flags else "none"), markup=False)
    console.print(f"your choices: {len(game.choices)}. Now: trace (the whole run told month "
                  f"by month), save FILE, export FILE, or quit", markup=False)


def _write(console, game, label: str, path: Path) -> None:
    from unionsim.experiment.game_files import export_game, save_game

    if label.endswith("save"):
        written = save_game(game, path, label)
        console.print(f"saved the game ({len(game.choices)} choices) to {written}", markup=False)
    else:
        written = export_game(game, path, label)
        console.print(f"wrote the game as a scenario to {written}", markup=False)
