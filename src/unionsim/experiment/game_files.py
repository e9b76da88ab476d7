"""A game's files: the saved log that replays it and the scenario it exports.

A saved game (`save_game`, `game_log`) names the scenario (a shipped scenario by its name, a
user's file by its full path) with a digest of it, the parameters that differ from the
scenario's, the seed, the seat and the player's choices; `load_game` replays it to where it was
saved, and a log that no longer fits its scenario is the project's error with the file, the
line, the field and the fix. An exported game (`export_game`, `game_scenario_yaml`) is a
scenario extending the game's with the choices as policies of the seat's decisions, one rule a
month: `unionsim trace` of it with the game's seed is the game's run. Both are written through
the write guard, only over files that `unionsim play` wrote.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from unionsim.config.scenario import load_scenario
from unionsim.config.schema import month_label
from unionsim.config.vocabulary import ACTORS
from unionsim.errors import InputFileError, UsageError
from unionsim.experiment.game import Choice, Game, scenario_digest

#: What a saved game's first line says (how `unionsim play --save` recognises its own files).
LOG_HEADING = "# unionsim game log"
LOG_VERSION = 1
#: What a game exported as a scenario opens with.
EXPORT_HEADING = "# written by unionsim play: a game exported as a scenario"


def game_log(game: Game) -> dict[str, Any]:
    """The saved game: enough to replay it identically (`game_from_log`)."""
    from importlib.metadata import version

    from unionsim.experiment.plan import model_fingerprint

    base = game.scenario.parameters().values
    overlay = {k: v for k, v in game.params.values.items() if base.get(k) != v}
    start = game.scenario.spec.start
    return {"game": LOG_VERSION, "unionsim": version("unionsim"),
            "model_fingerprint": model_fingerprint(),
            "scenario": {"ref": game.scenario_ref, "name": game.scenario.name,
                         "digest": scenario_digest(game.scenario)},
            "parameters": overlay, "seed": game.seed, "seat": game.seat,
            **({"decisions": list(game.only)} if game.only else {}),
            "choices": [{"month": month_label(c.month, start), "decision": c.key,
                         "option": c.option} for c in game.choices]}

def game_log_text(game: Game) -> str:
    """The saved game as YAML, headed by `LOG_HEADING`."""
    import yaml

    return (f"{LOG_HEADING}: replay it with `unionsim play --replay FILE`\n"
            + yaml.safe_dump(game_log(game), sort_keys=False, allow_unicode=True))

def game_from_log(data: Any, file: str | Path | None = None,
                  lines: Mapping[tuple, int] | None = None) -> Game:
    """The game a saved log describes; a damaged log or one that no longer fits its scenario
    is an `InputFileError` naming the file, the line (from ``lines``: key path -> line, as a
    `YamlDoc` holds them), the field and the fix."""
    from unionsim.config.schema import month_index
    from unionsim.errors import UnionsimError

    def bad(field_: str, what: str, hint: str = "save the game again, or start a new one"):
        loc = tuple(int(p) if p.isdigit() else p
                    for p in field_.replace("[", ".").replace("]", "").split("."))
        line = None
        while lines and loc and line is None:
            line, loc = lines.get(loc), loc[:-1]
        return InputFileError(what, file=file, line=line, field=field_, hint=hint)

    if not isinstance(data, dict) or "choices" not in data or "scenario" not in data:
        raise bad("game", "this is not a saved unionsim game (no scenario and choices)",
                  "give a file written by `unionsim play` (save FILE)")
    if data.get("game") != LOG_VERSION:
        raise bad("game", f"a saved game of version {data.get('game')!r}; this unionsim "
                          f"reads version {LOG_VERSION}")
    scenario = data["scenario"]
    try:
        ref, digest = str(scenario["ref"]), str(scenario["digest"])
        seed, seat = int(data["seed"]), str(data["seat"])
        overlay = {str(k): float(v) for k, v in dict(data.get("parameters") or {}).items()}
        only = data.get("decisions")
        raw_choices = list(data["choices"] or [])
    except (KeyError, TypeError, ValueError) as exc:
        raise bad(str(exc.args[0]) if isinstance(exc, KeyError) else "game",
                  f"the saved game is damaged ({type(exc).__name__}: {exc})") from None
    try:
        loaded = load_scenario(ref)
    except UnionsimError as exc:
        raise bad("scenario.ref", f"the game's scenario '{ref}' cannot be loaded: "
                                  f"{exc.detail}", exc.hint or "") from None
    from unionsim.experiment.plan import model_fingerprint

    if data.get("model_fingerprint") != model_fingerprint():
        import warnings

        from unionsim.errors import UnionsimWarning

        warnings.warn(UnionsimWarning(f"{file or 'the saved game'} was played with other "
                                      f"model code; the replay may differ"), stacklevel=2)
    if scenario_digest(loaded) != digest:
        raise bad("scenario.digest", f"the scenario '{ref}' has changed since the game was "
                                     f"saved (digest {scenario_digest(loaded)}, the game's "
                                     f"{digest}); the replay would differ",
                  "replay with the scenario as it was, or start a new game")
    try:
        params = loaded.parameters(overrides=overlay) if overlay else loaded.parameters()
    except UnionsimError as exc:
        raise bad("parameters", exc.detail, exc.hint) from None
    start = loaded.spec.start
    choices = []
    for i, raw in enumerate(raw_choices):
        try:
            month = raw["month"]
            month = month if isinstance(month, int) else month_index(str(month), start)
            choices.append(Choice(int(month), str(raw["decision"]), str(raw["option"])))
        except (KeyError, TypeError, ValueError) as exc:
            raise bad(f"choices[{i}]", f"choice {i + 1} is damaged ({type(exc).__name__}: "
                                       f"{exc}); a choice is {{month: YYYY-MM, decision: "
                                       f"ACTOR.DECISION, option: OPTION}}") from None
    try:
        game = Game(loaded, seat, seed=seed, params=params, choices=choices, only=only,
                   scenario_ref=ref)
        game.now()  # replays the choices: one that does not fit is reported here
    except UsageError as exc:
        raise bad(exc.field or "choices", exc.detail, exc.hint) from None
    return game

def game_scenario_yaml(game: Game, name: str | None = None) -> str:
    """The game as a scenario: the game's scenario (``extends``) with the parameters it was
    played with (``overrides``) and the player's choices as policies of the seat's
    decisions. `unionsim trace` of it with the game's seed is the game's run."""
    import yaml

    spec = game.scenario.spec
    name = name or f"{spec.name}_played_{game.seat}".replace(".", "_")
    path = game.scenario.path
    from unionsim.config.scenario import shipped_scenarios

    shipped = path is not None and any(path.resolve() == p.resolve()
                                       for p in shipped_scenarios())
    extends = spec.name if shipped or path is None else str(path.resolve())
    base = game.scenario.parameters().values
    overlay = {k: v for k, v in game.params.values.items() if base.get(k) != v}
    document = {
        "name": name,
        "title": f"{spec.title} - played as {game.seat} (seed {game.seed})",
        "description": (f"A game of {spec.name} with a player in the seat of {game.seat} "
                        f"({', '.join(ACTORS[a] for a in game.actors)}): the player's "
                        f"{len(game.choices)} choices are the policies below, one rule per "
                        f"month; every other decision is the model's own. `unionsim trace` "
                        f"of this scenario with --seed {game.seed} replays the game."),
        "extends": extends,
        **({"overrides": overlay} if overlay else {}),
        # a value the game fixed is no longer uncertain (a scenario may not do both)
        **({"uncertainty": {k: None for k in overlay if k in spec.uncertainty}}
           if set(overlay) & set(spec.uncertainty) else {}),
    }
    # one rule a line: "in this month, this option" (the policy's YAML, written compactly)
    lines = ["policies:"]
    for key, policy in game.policies().items():
        lines += [f"  {key}:", "    rules:"]
        lines += [f"      - {{when: {{month: '{rule.when.month}'}}, choose: {rule.choose}}}"
                  for rule in policy.rules or ()]
    return (EXPORT_HEADING + "\n"
            + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
            + "\n".join(lines) + "\n")


def load_game(path: str | Path) -> Game:
    """The game saved in ``path`` (`save_game`), replayed to its current decision point."""
    from unionsim.config.yamlio import read_yaml

    doc = read_yaml(path, what="saved game")
    return game_from_log(doc.data, file=path, lines=doc.lines)


def written_by_play(heading: str):
    """A check of a path for the write guard: True if `unionsim play` wrote the file there
    (its first line is ``heading``)."""
    def recognise(path: Path) -> bool:
        from unionsim.guard import written_by_unionsim

        return written_by_unionsim(path, heading)
    return recognise


def save_game(game: Game, path: str | Path, option: str = "--save") -> Path:
    """Write ``game``'s log to ``path`` through the write guard (a YAML file that is new or was
    written by `save_game`)."""
    from unionsim.guard import check_named_output, write_named

    path = check_named_output(path, option, what="a saved game", suffixes=(".yaml", ".yml"),
                              ours=written_by_play(LOG_HEADING))
    return write_named(path, game_log_text(game).encode("utf-8"))


def export_game(game: Game, path: str | Path, option: str = "--export",
                name: str | None = None) -> Path:
    """Write ``game`` as a scenario (`game_scenario_yaml`) to ``path`` through the write guard."""
    from unionsim.guard import check_named_output, write_named

    path = check_named_output(path, option, what="an exported game",
                              suffixes=(".yaml", ".yml"), ours=written_by_play(EXPORT_HEADING))
    return write_named(path, game_scenario_yaml(game, name).encode("utf-8"))
