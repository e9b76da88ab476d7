"""The ``app`` command: the interactive explorer in the browser (needs the ``app`` extra)."""

from __future__ import annotations

from pathlib import Path

import typer

from unionsim.cli.common import app


@app.command("app")
def app_command(
    port: int = typer.Option(8765, "--port", "-p", metavar="PORT", help="Port to serve on."),
    host: str = typer.Option("127.0.0.1", "--host", metavar="HOST",
                             help="Address to listen on (default: this machine only). Any "
                                  "other address prints a warning: the page has no "
                                  "authentication."),
    runs_dir: Path = typer.Option(Path("runs/app"), "--runs-dir", metavar="DIR",
                                  help="Where the app's batches are written (one results "
                                       "folder per batch, as `unionsim run` writes); a folder "
                                       "of its own, not '.', '/', '~' or a file."),
    open_browser: bool = typer.Option(False, "--open", help="Open a browser tab."),
) -> None:
    """Explore in the browser: tweak parameters, run batches, compare with a pinned
    reference, export the tweaks as YAML.

    Needs the app extra: pip install "unionsim[app]". Batches run in the background through
    the same engine as `unionsim run` and are written under --runs-dir. One Ctrl-C stops the
    app and its batch.

    Example: unionsim app --port 8765   (then open http://127.0.0.1:8765)
    """
    from unionsim.app.server import serve

    raise typer.Exit(code=serve(host, port, runs_dir, open_browser=open_browser))
