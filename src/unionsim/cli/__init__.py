"""The ``unionsim`` command line: each subcommand parses, calls one library function, reports.

Heavy libraries (mesa, numpy, pandas, pyarrow) are imported inside the commands that need them,
so ``unionsim --help`` and ``unionsim params`` start quickly.
"""

from __future__ import annotations

import errno
import sys

# importing the command modules registers their commands, in this order in --help
from unionsim.cli import batch, play, inputs, analyse, catalogue, calibrate, app_cmd  # noqa: F401,E402,I001
from unionsim.cli import search_cmd  # noqa: F401,E402
from unionsim.cli.common import _console, _print_error, app, show_warnings_as_notices
from unionsim.errors import UnionsimError

__all__ = ["app", "main"]


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so that a batch stops its workers on the way out (as
    for Ctrl-C) instead of dying and leaving them running."""


def _stop_on_sigterm():
    """Handle SIGTERM as `Terminated`; returns the handler it replaced."""
    import signal

    def handler(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends at once
        raise Terminated()

    return signal.signal(signal.SIGTERM, handler)


def main() -> None:
    """Entry point: run the app; user errors print one message and exit non-zero."""
    import signal

    show_warnings_as_notices()
    previous = _stop_on_sigterm()
    from unionsim.cli.batch import fill_optional_values

    try:
        app(args=fill_optional_values(sys.argv[1:]))
    except UnionsimError as exc:
        _print_error(_console(stderr=True), exc)
        sys.exit(exc.exit_code)
    except OSError as exc:
        # a file the user named cannot be written or read (a folder given for a file, no
        # permission, a full disk): one message, no traceback
        error = os_error(exc)
        _print_error(_console(stderr=True), error)
        sys.exit(error.exit_code)
    except KeyboardInterrupt as exc:
        _stopped(exc)
    except SystemExit as exc:
        # typer turns Ctrl-C and SIGTERM (a KeyboardInterrupt) into a silent exit 130; the
        # interrupt is still behind that exit, and it gets the project's message and code
        interrupt = _interrupt_behind(exc)
        if interrupt is None:
            raise
        _stopped(interrupt)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt_behind(exc: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl-C or SIGTERM that caused ``exc`` (through its causes and contexts), if any."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _stopped(interrupt: KeyboardInterrupt) -> None:
    """Say how the command was stopped, and exit with the shell's code for the signal."""
    why = "stopped (SIGTERM)" if isinstance(interrupt, Terminated) else "interrupted"
    print(f"{why}; finished runs are kept in the results folder: repeat the command "
          "with --resume to finish the batch", file=sys.stderr)
    sys.exit(143 if isinstance(interrupt, Terminated) else 130)


def os_error(exc: OSError) -> UnionsimError:
    """An `OSError` that reached the command line, as a `UnionsimError` with a fix."""
    hints = {
        errno.ENOSPC: "free some disk space; an interrupted batch continues with --resume",
        errno.EISDIR: "give a file name, not a folder",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.EACCES: "choose a place you may write to, or check the file's permissions",
        errno.EROFS: "choose a place on a writable disk",
        errno.ENAMETOOLONG: "use a shorter path",
    }
    reason = exc.strerror or str(exc) or type(exc).__name__
    return UnionsimError(reason, file=exc.filename,
                         hint=hints.get(exc.errno, "check the path and try again"))


if __name__ == "__main__":  # pragma: no cover
    main()
