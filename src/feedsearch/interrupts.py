"""Ctrl-C and SIGTERM during a build, taken at safe points.

Python raises KeyboardInterrupt wherever the main thread happens to be, even inside an
import's clean-up, where it is printed and swallowed ("Exception ignored in ..."). Within
:func:`deferred`, the first SIGINT or SIGTERM is only noted, and :func:`check`, which the
build calls between files, blocks of related lists, stages and output files, raises it
there; a second one raises at once, for a build that does not reach a check soon enough.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_pending: int | None = None  # the signal noted and not yet raised
_thread = threading.local()  # .superseded: the event that gives up this thread's build


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised as Ctrl-C is, so that a terminated build stops as an interrupted one
    does, releasing its lock."""


def _raise(number: int) -> None:
    raise Terminated() if number == signal.SIGTERM else KeyboardInterrupt()


class Superseded(KeyboardInterrupt):
    """A build given up because a newer one is wanted (the preview, after another edit):
    stopped at a safe point, as an interrupted build is."""


def check() -> None:
    """Raise the interrupt noted since :func:`deferred` began, if any, or Superseded when
    this thread's build is to be given up (:func:`supersedable`)."""
    if _pending is not None:
        _raise(_pending)
    superseded = getattr(_thread, "superseded", None)
    if superseded is not None and superseded.is_set():
        raise Superseded()


@contextmanager
def supersedable(event: threading.Event) -> Iterator[None]:
    """Within, :func:`check` in this thread raises Superseded once ``event`` is set."""
    _thread.superseded = event
    try:
        yield
    finally:
        _thread.superseded = None


@contextmanager
def deferred() -> Iterator[None]:
    """Note SIGINT and SIGTERM for :func:`check` while inside (main thread only)."""
    global _pending

    def note(number: int, _frame) -> None:
        global _pending
        if _pending is not None:
            _raise(number)
        _pending = number

    previous = {number: signal.signal(number, note)
                for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        _pending = None
