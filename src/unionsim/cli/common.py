"""What every command shares: the Typer app, option help texts, consoles, progress, errors."""

from __future__ import annotations

import sys

import typer

app = typer.Typer(
    name="unionsim",
    help="Scenario wargame simulator of the Union State of Belarus and Russia.\n\n"
         "Example: unionsim run scenarios/baseline.yaml --runs 200 --seed 1",
    add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

SET_HELP = ("Change one parameter for this command: --set name=value (repeatable), e.g. "
            "--set minsk.sovereignty_weight=0.8. Values are checked against the documented "
            "range; `unionsim params` lists the names.")
POLICY_HELP = ("Take one decision out of the actor's logit for this command: --policy "
               "ACTOR.DECISION=POLICY (repeatable), the policy written as in a scenario's "
               "policies:, e.g. --policy minsk.base_answer=refuse or --policy "
               "'west.policy={avoid: [ease]}'. Every other decision, and every random number, "
               "stays as without it.")
PARAMS_HELP = ("A parameter overlay file layered over the defaults (repeatable), e.g. "
               "--params params/sovereignty_tradable.yaml.")


def _console(stderr: bool = False):
    """A rich console on stdout (or stderr)."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def _print_error(console, exc: Exception) -> None:
    console.print("error: ", style="bold red", end="")
    console.print(str(exc), markup=False, soft_wrap=True)


def _notice(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def show_warnings_as_notices() -> None:
    """Print unionsim's own warnings as one 'warning: ...' line, without Python's source echo."""
    import warnings

    from unionsim.errors import UnionsimWarning

    default = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, UnionsimWarning):
            _notice(f"warning: {message}")
        else:
            default(message, category, filename, lineno, file, line)

    warnings.showwarning = show


class _PlainProgress:
    """``progress: k/N runs (r runs/s, about t left)`` lines, about every tenth of the batch
    and at least every 30 seconds (for logs and cluster job output)."""

    def __init__(self, total: int, stream=None, clock=None):
        import time

        self.total, self.done, self.start_done = total, 0, 0
        self.stream = stream or sys.stderr
        self.clock = clock or time.monotonic
        self.started = self.last_line = self.clock()
        self.next = max(1, total // 10)

    def start(self, total: int, done: int) -> None:
        self.total, self.done, self.start_done = total, done, done
        self.started = self.last_line = self.clock()
        self.next = done + max(1, total // 10)

    def __call__(self, n: int) -> None:
        self.done += n
        now = self.clock()
        if self.done >= self.next or self.done >= self.total or now - self.last_line >= 30:
            print(self.line(now), file=self.stream, flush=True)
            self.last_line = now
            while self.next <= self.done:
                self.next += max(1, self.total // 10)

    def line(self, now: float) -> str:
        text = f"progress: {self.done}/{self.total} runs"
        elapsed, ran = now - self.started, self.done - self.start_done
        if elapsed > 0 and ran > 0:
            rate = ran / elapsed
            text += f" ({rate:.0f} runs/s, about {_duration((self.total - self.done) / rate)} left)"
        return text


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _progress(total: int):
    """A progress bar with runs/s and time left on a terminal, plain progress lines otherwise.

    Yields a callable taking the number of runs just finished, with a ``start(total, done)``
    method that a resumed batch calls first.
    """
    import contextlib

    @contextlib.contextmanager
    def bar():
        if sys.stderr.isatty():
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn,
                                       TextColumn, TimeRemainingColumn)
            from rich.text import Text

            class RateColumn(ProgressColumn):
                def render(self, task):
                    return Text(f"{task.speed:.0f} runs/s" if task.speed else "")

            with Progress(TextColumn("running"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                          TimeRemainingColumn(), console=_console(stderr=True),
                          transient=True) as progress:
                task = progress.add_task("runs", total=total)

                class Advance:
                    def start(self, total: int, done: int) -> None:
                        # runs done before a resume fill the bar but do not count towards speed
                        progress.reset(task, total=total, completed=done)

                    def __call__(self, n: int) -> None:
                        progress.advance(task, n)

                yield Advance()
        else:
            yield _PlainProgress(total)

    return bar()
