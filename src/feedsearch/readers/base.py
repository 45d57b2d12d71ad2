"""The reader contract: what a reader is given (one file) and what it gives back (entries,
each of which makes one essay).

A reader yields the entries of a file: one for a Markdown, HTML or text file, many for an
export or a saved feed. An entry is cheap (a key and a hash of the post's content); the
Document, the costly part, is made by ``entry.make()``, which a rebuild skips for an entry
whose hash it knows, and which may run in another process (so it must pickle).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

from .. import faults
from ..model import Document
from .decode import decode
from .errors import ReadError, reading
from .limits import MAX_FILE_BYTES, bound
from .meta import slugify, split_dated_name


@dataclass(frozen=True)
class ReadSettings:
    """What decides how a file's dates are read and which of its items are essays."""

    default_tz: tzinfo = UTC
    include_drafts: bool = False
    include_pages: bool = False  # pages in WordPress exports are essays too
    max_bytes: int = MAX_FILE_BYTES  # a file of one essay, or one post of an export
    language: str = "en"  # the archive's language: which words a text copy's dates use

    def key(self) -> list:
        """The settings as a record keeps them: a file read with other settings is read
        again."""
        return [str(self.default_tz), self.include_drafts, self.include_pages, self.max_bytes,
                self.language]


@dataclass
class InputFile:
    """One file of an archive, as a reader gets it."""

    path: Path
    relpath: str  # relative to the archive root, with forward slashes: the essays' source
    settings: ReadSettings = field(default_factory=ReadSettings)
    data: bytes | None = None  # a one-essay file's bytes; files of many essays are streamed
    digest: str = ""  # SHA-256 of the file's bytes
    warnings: list[str] = field(default_factory=list)  # about the file as a whole


@dataclass
class Entry:
    """One item of a file. ``key`` is "" for a file of one essay, whose source is the file's
    path; in a file of many it is unique within the file (the post's slug, with a suffix if
    two posts share one) and the essay's source is ``FILE#key``. An item that is not an
    essay (an attachment, a page, a comment) has ``left_out``, the reason, instead of
    ``make``."""

    key: str = ""
    content_hash: str = ""
    make: Callable[[], Document] | None = None
    left_out: str | None = None
    size: int = 0  # bytes of the item as read, which the file size limit bounds


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# A folder's own page: index.md, or index.en.md (a translation of it, as Hugo names them).
_INDEX = re.compile(r"index(?:\.[a-z]{2}(?:-[a-z]{2,4})?)?", re.IGNORECASE)


@dataclass
class SourceFile:
    """One file's decoded text plus what a reader needs to know about where it came from."""

    relpath: str
    text: str
    default_tz: tzinfo = UTC
    warnings: list[str] = field(default_factory=list)
    language: str = "en"

    @property
    def stem(self) -> str:
        """The file's name without extension; for ``index.md`` (a page bundle, a post kept
        in a folder with its images) the folder's name, which is the page's name."""
        path = PurePosixPath(self.relpath)
        if _INDEX.fullmatch(path.stem) and len(path.parts) > 1:
            return path.parent.name
        return path.stem

    def name_date_and_slug(self) -> tuple:
        """The date in a ``YYYY-MM-DD-slug`` file name (or None) and the slug the name gives."""
        day, rest = split_dated_name(self.stem)
        return day, slugify(rest) or slugify(self.stem) or "essay"

    def warn(self, reason: str) -> None:
        self.warnings.append(reason)


class Reader:
    """One input format.

    A reader of one essay per file sets ``extensions`` and implements :meth:`parse`. A
    reader of files that hold many essays (XML exports, saved feeds, ZIP archives) sets
    ``container`` (the kind of file it reads, which says how to look inside: "xml"),
    ``kind``, ``label``, :meth:`accepts` and :meth:`entries`; the registry asks each reader
    of a container, in order, whether it takes a file.
    """

    extensions: ClassVar[tuple[str, ...]] = ()
    container: ClassVar[str | None] = None
    kind: ClassVar[str] = ""  # "wxr", "rss", "atom": what ``inspect`` and tests call it
    label: ClassVar[str] = ""  # "WordPress export": what the build's notes call such a file

    @property
    def many(self) -> bool:
        return self.container is not None

    @classmethod
    def accepts(cls, head: Any) -> bool:
        """For a container's readers: is the file whose beginning is ``head`` one of ours?"""
        return False

    def entries(self, file: InputFile) -> Iterator[Entry]:
        """The file's entries, in file order. Problems with the file as a whole go to
        ``file.warnings``; a ReadError part-way ends the file (the entries before it stand).
        This default is for one essay per file, parsed from ``file.data`` when made."""
        assert file.data is not None
        yield Entry("", file.digest, partial(self.read_document, file.data, file.relpath,
                                             file.settings.default_tz,
                                             language=file.settings.language),
                    size=len(file.data))

    def decode(self, data: bytes) -> str:
        return decode(data)

    def parse(self, source: SourceFile) -> Document:
        raise NotImplementedError(f"{type(self).__name__} reads files of many essays")

    def read(self, data: bytes, relpath: str, default_tz: tzinfo = UTC,
             warnings: list[str] | None = None, language: str = "en") -> Document:
        """Bytes of one file -> a Document; non-fatal problems are appended to ``warnings``."""
        source = SourceFile(relpath, self.decode(data), default_tz, language=language)
        with reading():
            document = self.parse(source)
        if not document.title.strip():
            raise ReadError("no title")
        if warnings is not None:
            warnings.extend(source.warnings)
        return document

    def read_document(self, data: bytes, relpath: str, default_tz: tzinfo = UTC,
                      language: str = "en") -> Document:
        """:meth:`read`, with what a build keeps of the file: its hash, its warnings (a
        rebuild that reuses the essay reports them again) and the slug the reader gave."""
        warnings: list[str] = []
        document = self.read(data, relpath, default_tz, warnings, language)
        document.content_hash = content_hash(data)
        document.warnings = warnings + bound(document)
        document.base_slug = document.slug
        return document


def make(entry: Entry) -> Document:
    """The entry's Document; any failure is a ReadError naming what went wrong."""
    assert entry.make is not None
    with reading():
        document = entry.make()
        faults.inject("read", document.source)
    document.warnings = document.warnings + bound(document)
    return document
