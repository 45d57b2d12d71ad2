"""Readers: one per input format, chosen by file extension.

Importing this package registers the built-in readers.
"""

from . import exports, html, markdown, text  # noqa: F401  (registration)
from .base import Reader, SourceFile, known_extensions, reader_for, register
from .errors import ReadError

__all__ = ["ReadError", "Reader", "SourceFile", "known_extensions", "reader_for", "register"]
