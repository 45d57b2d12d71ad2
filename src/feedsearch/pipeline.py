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
from functools import partial
from typing import TypeVar

from . import locking
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
TIMED_OUT = "(--read-timeout)"  # in the warning of a file still being read when stopped


def run_jobs(items: Iterable[P], workers: int, seconds: float | None = None) -> Iterator[P]:
    """``items`` with every job done (``document`` or ``error`` set), in the given order.
    A job still running after ``seconds`` is stopped, and its error says so."""
    call = partial(_call, seconds=seconds)
    if workers <= 0:
        for item in items:
            yield _resolve(item, call(item.job) if item.job else None)
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
                    pool = start_pool(workers)
                outcome = pool.submit(call, item.job) if pool else call(item.job)
            queue.append((item, outcome))
            while len(queue) > WINDOW or queue and _done(queue[0][1]):
                yield _finish(*queue.popleft())
        while queue:
            yield _finish(*queue.popleft())
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def start_pool(workers: int) -> ProcessPoolExecutor:
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
    locking.forget_inherited()  # the build's lock is the build's, never a worker's
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


def _call(job: Callable[[], Document],
          seconds: float | None = None) -> tuple[Document | None, str | None]:
    """Run in a worker: a Document, or the reason there is none (a file must never stop a
    build, nor keep it busy for ever)."""
    try:
        return _limited(job, seconds), None
    except TimeUp:
        return None, (f"still being read after {seconds:g} s {TIMED_OUT}; skipped, "
                      "the rest is built")
    except Exception as exc:
        return None, str(as_read_error(exc))


class TimeUp(BaseException):
    """A job ran past its time. Not an Exception: a parser's own ``except Exception``
    must not swallow it and go on."""


def _limited(job: Callable[[], Document], seconds: float | None) -> Document:
    """``job()``, stopped with TimeUp once ``seconds`` have passed (SIGALRM; only in a main
    thread, where the job of a worker or of a build without workers runs). Parsers in
    Python (Markdown, YAML, HTML cleaning) stop there; C code (lxml, regular expressions)
    only once it returns, and its inputs are bounded by size and depth instead.

    The alarm rings again every 50 ms until TimeUp gets through: raised inside a
    finaliser that the garbage collector runs, it is only printed and ignored."""
    if not seconds or not hasattr(signal, "setitimer") or \
            threading.current_thread() is not threading.main_thread():
        return job()
    rang = []

    def time_up(_number, _frame):
        rang.append(True)
        raise TimeUp

    previous = signal.signal(signal.SIGALRM, time_up)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
        document = job()
    finally:
        _disarm(previous)
    if rang:  # a TimeUp was swallowed, and the job went on to the end: still too long
        raise TimeUp
    return document


def _disarm(previous) -> None:
    """Stop the alarm and put back the handler, even if an alarm already due rings now."""
    while True:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            return
        except TimeUp:
            continue
