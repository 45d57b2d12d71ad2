"""Readers: one per input format, chosen by file extension.

The built-in readers are imported when a file of their format is first read
(:func:`reader_for`), so that work which reads nothing does not load their libraries.
"""

from .base import Reader, SourceFile, handles, holds_many, known_extensions, reader_for, register
from .errors import ReadError

__all__ = ["ReadError", "Reader", "SourceFile", "handles", "holds_many", "known_extensions",
           "reader_for", "register"]
