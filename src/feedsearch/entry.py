"""The ``feedsearch`` command's entry point: the command line is imported here, inside the
handling of Ctrl-C and SIGTERM, so that an interrupt even while it loads is one line,
never a traceback."""

from __future__ import annotations

import os
import signal
import sys


def main() -> None:
    # SIGTERM before a build takes it over (interrupts.deferred): one line and 143, as for
    # Ctrl-C, not a silent death, even while the command line is still loading.
    signal.signal(signal.SIGTERM, lambda number, _frame: interrupted(128 + number))
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        interrupted(130)
    run()


def interrupted(code: int) -> None:
    """Say so and exit at once, with 128 + the signal's number: the interpreter's own
    shutdown could only meet a second Ctrl-C and end in a traceback."""
    try:
        sys.stdout.flush()
        sys.stderr.write("interrupted\n")
        sys.stderr.flush()
    finally:
        os._exit(code)
