"""The ``unionsim`` command line: each subcommand parses, calls one library function, reports.

Heavy libraries (mesa, numpy, pandas, pyarrow) are imported inside the commands that need them,
so ``unionsim --help`` and ``unionsim params`` start quickly.
"""

from __future__ import annotations

import sys

# importing the command modules registers their commands, in this order in --help
from unionsim.cli import batch, inputs, analyse, calibrate  # noqa: F401,E402,I001
from unionsim.cli.common import _console, _print_error, app
from unionsim.errors import UnionsimError

__all__ = ["app", "main"]


def main() -> None:
    """Entry point: run the app; user errors print one message and exit non-zero."""
    from unionsim.cli.batch import fill_optional_values

    try:
        app(args=fill_optional_values(sys.argv[1:]))
    except UnionsimError as exc:
        _print_error(_console(stderr=True), exc)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("interrupted; finished runs are kept in the results folder: repeat the command "
              "with --resume to finish the batch", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
