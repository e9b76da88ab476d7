"""Start the explorer: a Solara server serving `unionsim.app.views` on localhost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from unionsim.errors import UsageError

#: Solara settings for a local, offline-friendly app: no usage statistics sent out, no font
#: fetched from a CDN (the page does not use it).
SOLARA_ENV = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_ASSETS_FONTAWESOME_ENABLED": "False",
}


def check_installed() -> None:
    """Refuse clearly when the ``app`` extra is missing."""
    try:
        import solara  # noqa: F401
    except ImportError:
        raise UsageError("the app needs Solara, which is not installed",
                         hint='pip install "unionsim[app]"') from None


def server_command(host: str, port: int, *, open_browser: bool = False) -> list[str]:
    """The command line that starts the Solara server for the explorer."""
    return [sys.executable, "-m", "solara", "run", "unionsim.app.views", "--host", host,
            "--port", str(port), "--production", "--open" if open_browser else "--no-open",
            "--log-level", "warning"]


def server_env(runs_dir: Path) -> dict[str, str]:
    """The environment of the server: where batches go, Solara's settings."""
    from unionsim.app.session import RUNS_DIR_ENV

    return {**os.environ, **SOLARA_ENV, RUNS_DIR_ENV: str(runs_dir)}


def serve(host: str = "127.0.0.1", port: int = 8765, runs_dir: Path = Path("runs/app"), *,
          open_browser: bool = False) -> int:
    """Run the server until it is stopped.

    This process becomes the server (exec), so stopping it stops the server and nothing is left
    running; where exec is not available the server runs as a child and its exit code returns.
    """
    check_installed()
    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535 (got {port})", field="port")
    print(f"unionsim app: http://{host}:{port}  (batches go to {runs_dir}; Ctrl-C stops it)",
          file=sys.stderr, flush=True)
    command, env = server_command(host, port, open_browser=open_browser), server_env(runs_dir)
    sys.stderr.flush()
    sys.stdout.flush()
    if os.name == "posix":
        os.execve(command[0], command, env)
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0
