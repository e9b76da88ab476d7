"""The one exception hierarchy of unionsim.

Every error a user can cause (a bad file, a wrong value, a wrong command-line option) is a
`UnionsimError`. Its message names the place (file and line where known), the field, the value
and what was expected, so the CLI can print it as is and exit without a traceback.
"""

from __future__ import annotations

from pathlib import Path


class UnionsimError(Exception):
    """Base class of every error unionsim raises on purpose."""

    exit_code = 2
    default_hint: str | None = None  # the fix shown when the raiser gives none

    def __init__(self, message: str, *, file: str | Path | None = None, line: int | None = None,
                 field: str | None = None, hint: str | None = None):
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        self.hint = hint if hint is not None else self.default_hint
        self.detail = message
        super().__init__(self._render())

    def _render(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "")
        parts = []
        if where:
            parts.append(where)
        if self.field:
            parts.append(f"field '{self.field}'")
        head = ": ".join(parts)
        text = f"{head}: {self.detail}" if head else self.detail
        if self.hint:
            text += f"\n  fix: {self.hint}"
        return text


class InputFileError(UnionsimError):
    """A file is missing, unreadable or not valid YAML."""

    default_hint = "check the file's path and its content"


class ConfigError(UnionsimError):
    """A YAML file parsed but its content breaks the schema (unknown key, wrong type, range)."""

    default_hint = ("`unionsim schema` prints what a scenario accepts; `unionsim params` lists "
                    "the parameters with their ranges")


class ParameterError(ConfigError):
    """A parameter name or value is wrong (unknown name, outside its range, no source)."""


class ScenarioError(ConfigError):
    """A scenario is inconsistent (event outside the horizon, unknown event type...)."""


class ProblemsError(ConfigError):
    """Several problems found in one input, each a `UnionsimError` with its own file, line,
    field and fix, reported together so that one round of edits can fix them all."""

    def __init__(self, problems):
        self.problems = list(problems)
        first = self.problems[0]
        super().__init__(f"{len(self.problems)} problems", file=first.file, line=first.line,
                         field=first.field, hint="")

    def _render(self) -> str:
        files = sorted({p.file for p in self.problems if p.file})
        where = f" in {', '.join(files)}" if files else ""
        lines = [f"{len(self.problems)} problems{where} (each with its line, field and the "
                 "fix):"]
        for i, problem in enumerate(self.problems, start=1):
            text = str(problem).replace("\n", "\n     ")
            lines.append(f"  {i}. {text}")
        return "\n".join(lines)


def raise_problems(problems) -> None:
    """Raise nothing for no problem, the problem itself for one, a `ProblemsError` for more
    (in file order, so the user can edit from top to bottom)."""
    problems = sorted(problems, key=lambda p: (p.file or "", p.line or 0))
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise ProblemsError(problems)


class ResultsError(UnionsimError):
    """A results folder is missing, incomplete or would be overwritten."""

    default_hint = "give a folder written by `unionsim run` (it holds manifest.json)"


class UsageError(UnionsimError):
    """A command-line option has a value that cannot work (e.g. a negative run count)."""

    default_hint = "`unionsim COMMAND --help` describes each option and the values it takes"


class ExecutionError(UnionsimError):
    """A batch could not go on: a worker process died, a cluster could not be reached."""

    default_hint = ("fix the cause, then repeat the command with --resume: finished runs are "
                    "kept")


class ModelError(UnionsimError):
    """The model reached a state it cannot continue from (a bug or an impossible input)."""

    exit_code = 3


class UnionsimWarning(UserWarning):
    """Something works but loses information the user may want (the CLI prints it as a notice)."""
