"""Failures made on purpose, to show that one essay's failure stays its own.

Every stage that handles essays one at a time calls :func:`inject` with the essay's source
(its path in the archive, ``FILE#post`` inside an export). When the environment variable
``FEEDSEARCH_FAULTS`` names that stage and source (``index:essays/a.md``, several
separated by commas), the call raises :class:`InjectedFault`, as a bug or a strange input
would there; the build must turn it into one warning naming the essay and build the rest.
The test suite sets it; nothing else should.
"""

from __future__ import annotations

import os

STAGES = ("read", "index", "store", "related", "render")
_VARIABLE = "FEEDSEARCH_FAULTS"


class InjectedFault(RuntimeError):
    """A failure asked for by FEEDSEARCH_FAULTS."""


def arm() -> None:
    """Read FEEDSEARCH_FAULTS again (each build does, as it starts): looking it up in the
    environment for every essay cost half a second at 100,000 essays."""
    global _wanted
    _wanted = frozenset(os.environ.get(_VARIABLE, "").split(",")) - {""}


_wanted: frozenset[str] = frozenset()
arm()


def inject(stage: str, source: str) -> None:
    """Raise InjectedFault if FEEDSEARCH_FAULTS named ``stage:source`` when last read."""
    if _wanted and f"{stage}:{source}" in _wanted:
        raise InjectedFault(f"a failure injected into the {stage} stage")
