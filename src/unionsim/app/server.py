"""Start the explorer: a Solara server (uvicorn) serving `unionsim.app.views`.

``unionsim app`` checks its options, then replaces itself (exec) with
``python -P -m unionsim.app.server``: ``-P`` keeps the working directory off the import path, so
a ``numpy.py``, ``random.py``, ``solara.py`` or ``unionsim.py`` lying there cannot replace the
real module. This module runs uvicorn itself (not ``python -m solara run``, which puts the
working directory on the path and asks PyPI for a newer Solara) and stops at the first Ctrl-C or
SIGTERM: the running batches' worker processes are ended, open pages are not waited for.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from unionsim.errors import UsageError

#: Solara settings for a local, offline-friendly app: no usage statistics sent out, no font
#: fetched from a CDN (the page does not use it), production mode (no reloader).
SOLARA_ENV = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_ASSETS_FONTAWESOME_ENABLED": "False",
    "SOLARA_MODE": "production",
    "SOLARA_APP": "unionsim.app.views",
}
#: Seconds the server waits for open pages to let go when it stops; then it closes them.
GRACEFUL_SECONDS = 1.0
#: Seconds after a stop signal after which the process ends whatever still runs.
STOP_DEADLINE_SECONDS = 6.0


def check_installed() -> None:
    """Refuse clearly when the ``app`` extra is missing."""
    try:
        import solara  # noqa: F401
    except ImportError:
        raise UsageError("the app needs Solara, which is not installed",
                         hint='pip install "unionsim[app]"') from None


def is_local(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only (a loopback address or name)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, port: int) -> str:
    """What the user must know before the page listens beyond this machine."""
    return (f"warning: --host {host} makes the explorer reachable from other machines at port "
            f"{port}. It has no authentication: anyone who can reach it can run batches on this "
            f"machine, read their results and write files into the runs folder. Use the default "
            f"--host 127.0.0.1 unless this network is yours alone.")


def server_command(host: str, port: int, *, open_browser: bool = False) -> list[str]:
    """The command line that starts the server (``-P``: the working directory is not put on the
    import path)."""
    return [sys.executable, "-P", "-m", "unionsim.app.server", "--host", host,
            "--port", str(port), *(["--open"] if open_browser else [])]


def _safe_pythonpath(value: str, cwd: str) -> str:
    """PYTHONPATH without empty entries and without the working directory (an empty entry, as a
    trailing ``:`` makes, means the working directory)."""
    keep = [p for p in value.split(os.pathsep) if p and os.path.abspath(p) != cwd]
    return os.pathsep.join(keep)


def server_env(runs_dir: Path) -> dict[str, str]:
    """The environment of the server: where batches go, Solara's settings, a safe import path."""
    from unionsim.app.session import RUNS_DIR_ENV

    env = {**os.environ, **SOLARA_ENV, RUNS_DIR_ENV: str(Path(runs_dir).absolute()),
           "PYTHONSAFEPATH": "1"}
    if "PYTHONPATH" in env:
        env["PYTHONPATH"] = _safe_pythonpath(env["PYTHONPATH"], os.path.abspath(os.getcwd()))
    return env


def serve(host: str = "127.0.0.1", port: int = 8765, runs_dir: Path = Path("runs/app"), *,
          open_browser: bool = False) -> int:
    """Check the options, then run the server until it is stopped.

    This process becomes the server (exec), so stopping it stops the server and nothing is left
    running; where exec is not available the server runs as a child and its exit code returns.
    """
    from unionsim.app.folders import check_runs_dir

    check_installed()
    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535 (got {port})", field="port",
                         hint="e.g. --port 8765")
    runs_dir = check_runs_dir(runs_dir)
    if not is_local(host):
        print(exposure_warning(host, port), file=sys.stderr, flush=True)
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


def _stop_soon(deadline: float) -> None:
    """Stop the batches now; end the process if it is still alive ``deadline`` seconds later (a
    thread that does not stop must not keep the app running after Ctrl-C)."""
    from unionsim.app.batches import stop_all_batches

    def watchdog() -> None:
        import time

        time.sleep(deadline)
        sys.stderr.flush()
        os._exit(0)

    threading.Thread(target=watchdog, name="stop deadline", daemon=True).start()
    threading.Thread(target=stop_all_batches, name="stop batches", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    """Run the server (what `serve` execs): ``python -P -m unionsim.app.server``."""
    parser = argparse.ArgumentParser(prog="python -m unionsim.app.server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--open", action="store_true")
    args = parser.parse_args(argv)
    for key, value in SOLARA_ENV.items():
        os.environ.setdefault(key, value)
    os.environ["SERVER_NAME"], os.environ["SERVER_PORT"] = args.host, str(args.port)

    import warnings

    import uvicorn

    # Solara warns on every page load that cookies cannot be SameSite=None over plain http on
    # 127.0.0.1; it falls back to "lax", which is what a local page needs
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame) -> None:
            if not self.should_exit:
                _stop_soon(STOP_DEADLINE_SECONDS)
            super().handle_exit(sig, frame)

        @contextlib.contextmanager
        def capture_signals(self):
            # as uvicorn's, without raising the signal again afterwards: the stop was asked
            # for, so the process ends normally (exit handlers run, temporary files go)
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            stops = (signal.SIGINT, signal.SIGTERM)
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in stops}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    config = uvicorn.Config("solara.server.starlette:app", host=args.host, port=args.port,
                            log_level="warning", timeout_graceful_shutdown=GRACEFUL_SECONDS)
    server = Server(config)
    if args.open:
        import webbrowser

        threading.Timer(2.0, webbrowser.open, args=(f"http://{args.host}:{args.port}",)).start()
    server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
