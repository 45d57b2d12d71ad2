"""Parsing on the other cores while this one indexes.

Reading an archive is a stream of items in file order: essays already known from an earlier
build, parse jobs, and problems. Jobs run in worker processes and their results come back in
the order they were given, so a build is the same whatever the number of workers, and the
main process is free to feed Whoosh meanwhile.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field

from .model import Document
from .readers import ReadError

# A pool costs a process start; it pays once a build has this many files to parse.
POOL_AFTER = 16
WINDOW = 64  # jobs in flight: enough to keep workers busy, few enough to bound memory


@dataclass
class ExportEnd:
    """The end of an export file's items: what the file held besides its essays."""

    kind: str = ""
    digest: str = ""
    settings: list = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    previous: dict | None = None  # the earlier build's record, when nothing was read
    complete: bool = True  # False: the file broke off and only its first posts were read


@dataclass
class Pending:
    """One item of an archive, in file order. ``job`` parses it (in a worker); a known
    essay comes as ``document``; a problem as ``error``."""

    source: str
    job: Callable[[], Document] | None = None
    document: Document | None = None
    error: str | None = None
    label: str = ""  # "post 'slug': " for an essay inside an export file
    export: str | None = None  # the export file it came from
    end: ExportEnd | None = None
    reused: bool = False


def default_workers() -> int:
    """Processes for parsing: every core but the one that feeds Whoosh."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(0, min(cores - 1, 8))


def run_jobs(items: Iterable[Pending], workers: int) -> Iterator[Pending]:
    """``items`` with every job done (``document`` or ``error`` set), in the given order."""
    if workers <= 0:
        for item in items:
            yield _resolve(item, _call(item.job) if item.job else None)
        return
    pool: ProcessPoolExecutor | None = None
    queue: deque[tuple[Pending, Future | tuple | None]] = deque()
    seen_jobs = 0
    try:
        for item in items:
            outcome: Future | tuple | None = None
            if item.job is not None:
                seen_jobs += 1
                if pool is None and seen_jobs > POOL_AFTER:
                    pool = ProcessPoolExecutor(max_workers=workers)
                outcome = pool.submit(_call, item.job) if pool else _call(item.job)
            queue.append((item, outcome))
            while len(queue) > WINDOW or queue and _done(queue[0][1]):
                yield _finish(*queue.popleft())
        while queue:
            yield _finish(*queue.popleft())
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _done(outcome: Future | tuple | None) -> bool:
    return not isinstance(outcome, Future) or outcome.done()


def _finish(item: Pending, outcome: Future | tuple | None) -> Pending:
    return _resolve(item, outcome.result() if isinstance(outcome, Future) else outcome)


def _resolve(item: Pending, outcome: tuple | None) -> Pending:
    if outcome is not None:
        item.document, item.error = outcome
        item.job = None
    return item


def _call(job: Callable[[], Document]) -> tuple[Document | None, str | None]:
    """Run in a worker: a Document, or the reason there is none."""
    try:
        return job(), None
    except ReadError as exc:
        return None, str(exc)
    except RecursionError:
        return None, "nested too deeply to read"
    except Exception as exc:  # a file must never stop a build
        return None, f"could not be read ({type(exc).__name__}: {exc})"
