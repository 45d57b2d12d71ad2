"""One build at a time per index: an advisory file lock, waited for a bounded time."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: Whoosh's own write lock still guards the index
    fcntl = None

LOCK_NAME = "build.lock"


class LockTimeout(Exception):
    """Another process held the lock for longer than we were willing to wait."""

    def __init__(self, path: Path, waited: float) -> None:
        super().__init__(f"another build is using this index: the lock {path} was held for "
                         f"{waited:g} s; try again when that build has finished")
        self.path = path


def held(path: Path) -> bool:
    """Is a build holding the lock at ``path`` now? (Asked without waiting, and without
    writing: an INDEX may be read-only.)"""
    if fcntl is None:
        return False
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(handle)
    return False


@contextmanager
def exclusive(path: Path, timeout: float) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if absent), waiting up to ``timeout`` s.

    The operating system releases the lock when the process dies, so a killed build never
    leaves a stale lock behind.
    """
    if fcntl is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(path, timeout) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)
