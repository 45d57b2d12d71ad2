"""One build at a time per index: an advisory file lock, waited for a bounded time."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
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


# The descriptors of the locks this process holds: a process forked from it (a parse
# worker) closes its copies (see :func:`forget_inherited`), so that only the build holds
# its lock, and a worker left behind can never keep the next build out.
_HELD: set[int] = set()


@dataclass
class Lock:
    """A lock held. ``taken_over`` names the process that held it last and died without
    letting go (killed, or its machine stopped): the note a build gives about it."""

    path: Path
    taken_over: int | None = None

    def note(self) -> str | None:
        if self.taken_over is None:
            return None
        return (f"the last build of this index (process {self.taken_over}) was stopped "
                "before it finished; its lock is taken over and its work checked")


@contextmanager
def exclusive(path: Path, timeout: float) -> Iterator[Lock]:
    """Hold an exclusive lock on ``path`` (created if absent), waiting up to ``timeout`` s.

    The operating system releases the lock when the process dies, so a killed build never
    leaves a stale lock behind. The holder's process id is written in the file while it
    holds it, and removed when it lets go: one found there names a build that died.
    """
    if fcntl is None:
        yield Lock(path)
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
        _HELD.add(handle)
        lock = Lock(path, _dead_holder(handle))
        _write(handle, str(os.getpid()).encode())
        try:
            yield lock
        finally:
            _write(handle, b"")
            _HELD.discard(handle)
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


def forget_inherited() -> None:
    """In a forked process: close the copies of the locks its parent holds (the parent
    keeps them: a lock is let go when its last descriptor closes)."""
    for handle in list(_HELD):
        with suppress(OSError):
            os.close(handle)
    _HELD.clear()


def _dead_holder(handle: int) -> int | None:
    """The process id left in the lock file by a holder that is gone, if any."""
    try:
        os.lseek(handle, 0, os.SEEK_SET)
        pid = int(os.read(handle, 32).decode("ascii").strip() or "0")
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if pid <= 0 or pid == os.getpid():
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return pid
    except OSError:  # alive, another user's
        return None
    return None  # alive: it let go without clearing (cannot happen), or pid reused


def _write(handle: int, data: bytes) -> None:
    try:
        os.ftruncate(handle, 0)
        os.pwrite(handle, data, 0)
    except OSError:
        pass  # the pid is a courtesy for the next build's note, never needed
