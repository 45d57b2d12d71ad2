"""Running a command on a pseudo-terminal, as a person runs it, and reading what it drew:
for the tests of what a terminal shows, and bench/progress_terminal.py."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import time


def terminal_frames(command: list[str], env: dict[str, str] | None = None,
                    timeout: float = 600) -> tuple[int, list[tuple[float, str]]]:
    """The command's exit status, and each line it drew (split at carriage returns and
    line breaks, the erase-line code removed) with the seconds since it started."""
    main, child = pty.openpty()
    began = time.monotonic()
    process = subprocess.Popen(command, stdin=child, stdout=child, stderr=child, env=env,
                               close_fds=True)
    os.close(child)
    frames: list[tuple[float, str]] = []
    while time.monotonic() - began < timeout:
        ready, _, _ = select.select([main], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(main, 65536).decode("utf-8", "replace")
            except OSError:  # the command closed the terminal
                break
            if not chunk:
                break
            arrived = time.monotonic() - began
            frames += [(arrived, piece.replace("\x1b[K", "").strip())
                       for piece in re.split(r"[\r\n]", chunk) if piece.strip()]
        elif process.poll() is not None:
            break
    process.wait(timeout=10)
    os.close(main)
    return process.returncode, frames
