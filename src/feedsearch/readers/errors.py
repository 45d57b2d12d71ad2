"""The one error a reader raises for a file it cannot turn into a Document, and the one
place where anything else a reader raises becomes that error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class ReadError(Exception):
    """A file that cannot be read as an essay; the message is the reason, for a warning."""


def as_read_error(exc: BaseException) -> ReadError:
    """Any failure while reading, as the ReadError that says what went wrong: a file must
    never stop a build, and its warning must say why."""
    if isinstance(exc, ReadError):
        return exc
    if isinstance(exc, RecursionError):
        return ReadError("nested too deeply to read")
    return ReadError(f"could not be read ({type(exc).__name__}: {exc})")


@contextmanager
def reading() -> Iterator[None]:
    """Run a reader's code; whatever it raises (but KeyboardInterrupt and the like) comes
    out as a ReadError."""
    try:
        yield
    except ReadError:
        raise
    except Exception as exc:
        raise as_read_error(exc) from exc
