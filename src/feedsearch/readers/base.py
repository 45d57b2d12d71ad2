"""What every reader is given and what it gives back, and the registry that picks one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from importlib import import_module
from pathlib import PurePosixPath
from typing import ClassVar

from ..model import Document
from .decode import decode
from .errors import ReadError
from .meta import slugify, split_dated_name


@dataclass
class SourceFile:
    """One file's decoded text plus what a reader needs to know about where it came from."""

    relpath: str
    text: str
    default_tz: tzinfo = UTC
    warnings: list[str] = field(default_factory=list)

    @property
    def stem(self) -> str:
        return PurePosixPath(self.relpath).stem

    def name_date_and_slug(self) -> tuple:
        """The date in a ``YYYY-MM-DD-slug`` file name (or None) and the slug the name gives."""
        day, rest = split_dated_name(self.stem)
        return day, slugify(rest) or slugify(self.stem) or "essay"

    def warn(self, reason: str) -> None:
        self.warnings.append(reason)


class Reader:
    """One input format. Subclasses set ``extensions`` and implement :meth:`parse`."""

    extensions: ClassVar[tuple[str, ...]] = ()
    many: ClassVar[bool] = False  # one file holds many essays (an export, a saved feed)

    def decode(self, data: bytes) -> str:
        return decode(data)

    def parse(self, source: SourceFile) -> Document:
        raise NotImplementedError

    def read(self, data: bytes, relpath: str, default_tz: tzinfo = UTC,
             warnings: list[str] | None = None) -> Document:
        """Bytes of one file -> a Document; non-fatal problems are appended to ``warnings``."""
        source = SourceFile(relpath, self.decode(data), default_tz)
        try:
            document = self.parse(source)
        except ReadError:
            raise
        except RecursionError as exc:
            raise ReadError("nested too deeply to read") from exc
        except Exception as exc:  # a file must never stop a build; say what went wrong
            raise ReadError(f"could not be read ({type(exc).__name__}: {exc})") from exc
        if not document.title.strip():
            raise ReadError("no title")
        if warnings is not None:
            warnings.extend(source.warnings)
        return document


_REGISTRY: dict[str, Reader] = {}
# The built-in readers by extension, imported on first use: a build that finds nothing
# changed never loads the HTML, Markdown or XML stacks.
_BUILT_IN = {
    ".md": "markdown", ".markdown": "markdown", ".mdown": "markdown", ".mkd": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".txt": "text", ".text": "text",
    ".xml": "exports", ".rss": "exports", ".atom": "exports",
}
# Extensions whose files hold many essays (export files, saved feeds).
MANY_EXTENSIONS = frozenset({".xml", ".rss", ".atom"})


def register(cls: type[Reader]) -> type[Reader]:
    """Class decorator: make ``cls`` the reader for each of its extensions."""
    instance = cls()
    for extension in cls.extensions:
        _REGISTRY[extension.lower()] = instance
    return cls


def handles(name: str) -> bool:
    """Is there a reader for this file name's extension? (Without loading it.)"""
    suffix = PurePosixPath(name).suffix.lower()
    return suffix in _REGISTRY or suffix in _BUILT_IN


def holds_many(name: str) -> bool:
    """Does a file of this name hold many essays (an export file, a saved feed)?"""
    suffix = PurePosixPath(name).suffix.lower()
    reader = _REGISTRY.get(suffix)
    return reader.many if reader is not None else suffix in MANY_EXTENSIONS


def reader_for(name: str) -> Reader | None:
    """The reader registered for a file name's extension, or None."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in _REGISTRY and suffix in _BUILT_IN:
        import_module(f"{__package__}.{_BUILT_IN[suffix]}")  # registers its reader
    return _REGISTRY.get(suffix)


def known_extensions() -> list[str]:
    return sorted(set(_REGISTRY) | set(_BUILT_IN))
