"""Running a command on a pseudo-terminal, as a person runs it, and reading what it drew:
for the tests of what a terminal shows, and bench/progress_terminal.py."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import time


def on_a_terminal(command: list[str], env: dict[str, str] | None = None,
                  cwd: str | os.PathLike | None = None, timeout: float = 600,
                  answers: list[tuple[str, str]] = ()) -> tuple[int, str,
                                                              list[tuple[float, str]]]:
    """Run ``command`` on a pseudo-terminal, answering each prompt that ends the screen
    and holds the text of the next of ``answers`` with its line. Returns the exit status,
    everything the terminal showed, and each line it drew (split at carriage returns and
    line breaks, the erase-line code removed) with the seconds since it started."""
    main, child = pty.openpty()
    began = time.monotonic()
    process = subprocess.Popen(command, stdin=child, stdout=child, stderr=child, env=env,
                               cwd=cwd, close_fds=True)
    os.close(child)
    shown, pending = "", list(answers)
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
            shown += chunk
            arrived = time.monotonic() - began
            frames += [(arrived, piece.replace("\x1b[K", "").strip())
                       for piece in re.split(r"[\r\n]", chunk) if piece.strip()]
        if pending and shown.rstrip().endswith(":") and pending[0][0] in shown.splitlines()[-1]:
            os.write(main, (pending.pop(0)[1] + "\n").encode())
        if process.poll() is not None and not ready:
            break
    process.wait(timeout=10)
    os.close(main)
    return process.returncode, shown, frames


def terminal_frames(command: list[str], env: dict[str, str] | None = None,
                    timeout: float = 600) -> tuple[int, list[tuple[float, str]]]:
    """The command's exit status and each line it drew, with when (see on_a_terminal)."""
    status, _shown, frames = on_a_terminal(command, env, timeout=timeout)
    return status, frames
