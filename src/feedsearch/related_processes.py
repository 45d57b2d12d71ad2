"""The related map of a large archive in several processes, one per core: each essay's
neighbours and its list depend only on the prepared vectors (and the neighbours), so the
rows are split into parts, each part is done in a worker forked from the build, which
sees the prepared archive without copying it, and the parts are put back in order. The
result is the same whatever the number of processes.

Workers are the build's own kind (pipeline.start_pool): they ignore Ctrl-C, which the
build handles, never hold the build's lock, and die with the build.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from .settings import default_workers

if TYPE_CHECKING:
    from .related_lists import Prepared

PARALLEL_FROM = 20_000  # essays: below, the build's own process does it all
PARTS_PER_PROCESS = 4  # parts per process, so that an interrupted build waits for little
R = TypeVar("R")

_PREPARED: Prepared | None = None  # in a worker: the archive its build prepared
_WORKER_STATE: dict = {}  # in a worker: what its parts share (related_lists)


def processes_for(essays: int) -> int:
    """Processes for an archive of ``essays``: one per core when it is large."""
    return default_workers() + 1 if essays >= PARALLEL_FROM else 1


def in_parts(prepared: Prepared, rows: np.ndarray,
             work: Callable[[Prepared, np.ndarray], R]) -> list[R]:
    """``work(prepared, part)`` for consecutive parts of ``rows``, in order: in worker
    processes when ``prepared.processes`` asks for them, else here."""
    processes = prepared.processes
    if processes < 2 or len(rows) < 2 * processes:
        return [work(prepared, rows)]
    from . import pipeline

    global _PREPARED
    _PREPARED = prepared  # the workers are forked below and see it
    # The build's objects are left out of the workers' garbage collection: a collection
    # touches every object it scans, and in a forked worker that copies the memory
    # holding them, page after page (twice the time at 100,000 essays).
    gc.freeze()
    try:
        pool = pipeline.start_pool(processes)
    finally:
        gc.unfreeze()
    try:
        parts = np.array_split(rows, processes * PARTS_PER_PROCESS)
        futures = [pool.submit(_run, work, part) for part in parts]
        return [future.result() for future in futures]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _PREPARED = None


def in_worker() -> bool:
    return _PREPARED is not None and bool(_WORKER_STATE.get("worker"))


def _run(work: Callable[[Prepared, np.ndarray], R], part: np.ndarray) -> R:
    _WORKER_STATE["worker"] = True
    assert _PREPARED is not None
    return work(_PREPARED, part)
