"""Readers: one per input format, found through the registry (registry.py).

The built-in readers are imported when a file of their format is first read, so that work
which reads nothing does not load their libraries.
"""

from .base import Entry, InputFile, Reader, ReadSettings, SourceFile
from .errors import ReadError
from .registry import (
    handles,
    holds_many,
    known_extensions,
    read_essay,
    reader_for,
    reader_for_file,
    register,
)

__all__ = ["Entry", "InputFile", "ReadError", "ReadSettings", "Reader", "SourceFile",
           "handles", "holds_many", "known_extensions", "read_essay", "reader_for",
           "reader_for_file", "register"]
