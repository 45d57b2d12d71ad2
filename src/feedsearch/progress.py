"""How a build says where it is while it runs: the stage, and how far into it.

The build calls :meth:`BuildProgress.stage` as it enters each stage (reading, writing the
search index, related posts, feeds and files, saving, publishing) and
:meth:`BuildProgress.advance` as it gets through the stage's items. This base class says
nothing; the command line shows it on a terminal (``cli/building.py``). A plain callable,
``progress(total)`` returning a callback called with each file's path as it is reached
(the form ``build`` took before stages), still works.
"""

from __future__ import annotations

from collections.abc import Callable

READING = "reading"


class BuildProgress:
    def stage(self, name: str, total: int | None = None, unit: str = "essays") -> None:
        """A stage begins; ``total`` items of ``unit`` (None: a stage without steps)."""

    def advance(self, item: str = "") -> None:
        """One more item of the stage is done (``item`` names it: a file's path)."""

    def close(self) -> None:
        """The build is over, whatever its end."""


class _PerFile(BuildProgress):
    """The older form: ``progress(total)`` gives a callback called once per file read."""

    def __init__(self, factory: Callable[[int], Callable[[str], None] | None]) -> None:
        self.factory = factory
        self.callback: Callable[[str], None] | None = None

    def stage(self, name: str, total: int | None = None, unit: str = "essays") -> None:
        self.callback = self.factory(total or 0) if name == READING else None

    def advance(self, item: str = "") -> None:
        if self.callback is not None:
            self.callback(item)


def as_progress(progress) -> BuildProgress:
    """``progress`` as a BuildProgress: itself, the older per-file form adapted, or one
    that says nothing (None)."""
    if progress is None:
        return BuildProgress()
    if isinstance(progress, BuildProgress):
        return progress
    return _PerFile(progress)
