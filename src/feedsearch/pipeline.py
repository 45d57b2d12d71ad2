"""Parsing on the other cores while this one indexes.

Reading an archive is a stream of items in file order: essays already known from an earlier
build, parse jobs, and problems. Jobs run in worker processes and their results come back in
the order they were given, so a build is the same whatever the number of workers, and the
main process is free to feed Whoosh meanwhile.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from .model import Document
from .readers.errors import as_read_error
from .settings import default_workers

__all__ = ["POOL_AFTER", "WINDOW", "Pending", "default_workers", "run_jobs"]

# A pool costs a process start; it pays once a build has this many files to parse.
POOL_AFTER = 16
WINDOW = 64  # jobs in flight: enough to keep workers busy, few enough to bound memory


@dataclass
class Pending:
    """One item of an archive, in file order. ``job`` parses it (in a worker); a known
    essay comes as ``document``; a problem as ``error``."""

    source: str
    job: Callable[[], Document] | None = None
    document: Document | None = None
    error: str | None = None
    reused: bool = False


P = TypeVar("P", bound=Pending)


def run_jobs(items: Iterable[P], workers: int) -> Iterator[P]:
    """``items`` with every job done (``document`` or ``error`` set), in the given order."""
    if workers <= 0:
        for item in items:
            yield _resolve(item, _call(item.job) if item.job else None)
        return
    pool: ProcessPoolExecutor | None = None
    queue: deque[tuple[P, Future | tuple | None]] = deque()
    seen_jobs = 0
    try:
        for item in items:
            outcome: Future | tuple | None = None
            if item.job is not None:
                seen_jobs += 1
                if pool is None and seen_jobs > POOL_AFTER:
                    pool = _start_pool(workers)
                outcome = pool.submit(_call, item.job) if pool else _call(item.job)
            queue.append((item, outcome))
            while len(queue) > WINDOW or queue and _done(queue[0][1]):
                yield _finish(*queue.popleft())
        while queue:
            yield _finish(*queue.popleft())
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _start_pool(workers: int) -> ProcessPoolExecutor:
    """A pool whose workers are forked with SIGINT and SIGTERM ignored, so that not even a
    Ctrl-C in the instant after the fork reaches one (the build stops them itself)."""
    handlers = {number: signal.signal(number, signal.SIG_IGN)
                for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_started,
                                   initargs=(os.getpid(),))
        pool.submit(int).result()  # the workers are forked at the first job
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    return pool


def _worker_started(parent: int) -> None:
    """In each worker: interrupts are the build's to handle (Ctrl-C reaches the whole
    process group; the build stops its workers itself, each after its current file), and
    a worker whose build is gone, even killed outright, exits instead of living on."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with(parent)


def _die_with(parent: int) -> None:
    """Ask Linux to kill this process when its parent dies (prctl PR_SET_PDEATHSIG);
    elsewhere, watch the parent from a thread."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0:  # PR_SET_PDEATHSIG
            if os.getppid() != parent:  # it died before the request was made
                os._exit(1)
            return
    except (OSError, AttributeError):
        pass
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _done(outcome: Future | tuple | None) -> bool:
    return not isinstance(outcome, Future) or outcome.done()


def _finish(item: P, outcome: Future | tuple | None) -> P:
    return _resolve(item, outcome.result() if isinstance(outcome, Future) else outcome)


def _resolve(item: P, outcome: tuple | None) -> P:
    if outcome is not None:
        item.document, item.error = outcome
        item.job = None
    return item


def _call(job: Callable[[], Document]) -> tuple[Document | None, str | None]:
    """Run in a worker: a Document, or the reason there is none (a file must never stop a
    build)."""
    try:
        return job(), None
    except Exception as exc:
        return None, str(as_read_error(exc))
