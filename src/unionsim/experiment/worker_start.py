"""Quiet worker starts when the command stops: imported by the fork server only (see `PRELOAD`).

A new worker is a fork of the fork server that then reads its start-up data (the process
object, its locks, the pool's initializer and the plan) from the command. When the command is
stopped while a worker is starting (Ctrl-C, SIGTERM, a closed terminal), the worker finds the
data cut short or the command's locks already removed, and Python would print a traceback of
its own start-up code under the command's one-line "stopped" message. The command reports the
stop itself, so an error in a worker whose command has gone ends silently; while the command
lives, every error prints in full.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

COMMAND = os.getppid()
"""The fork server's parent: the command it starts workers for."""

GRACE_SECONDS = 2.0
"""How long an erring worker waits for a stopping command to finish exiting before it decides
the error is its own and prints it."""

_print_in_full = sys.excepthook


def command_is_gone(pid: int) -> bool:
    """True once ``pid`` has exited (on Linux an exited process not yet reaped counts as gone)."""
    stat = Path(f"/proc/{pid}/stat")
    if Path("/proc/self/stat").exists():
        try:
            return stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"
        except (OSError, IndexError):
            return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def quiet_when_command_gone(kind, value, traceback) -> None:
    """`sys.excepthook` of the fork server and its workers: silent once the command has gone."""
    deadline = time.monotonic() + GRACE_SECONDS
    while not command_is_gone(COMMAND):
        if time.monotonic() >= deadline:
            _print_in_full(kind, value, traceback)
            return
        time.sleep(0.05)


sys.excepthook = quiet_when_command_gone
