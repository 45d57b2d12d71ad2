"""One file of an archive as the items a build reads from it.

Every file goes through one loop (:func:`entry_items`): its reader's entries become parse
jobs, except those an earlier build already made (same source, same content hash), which
are reused. Before that, a file whose bytes (and reading settings) did not change is not
read at all: its essays are the earlier build's. A file of many essays ends with a
:class:`FileEnd` item that says what it held besides its essays, for the build's note.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from functools import partial
from pathlib import Path

from . import faults
from .model import Document
from .pipeline import Pending, run_jobs
from .readers import InputFile, Reader, ReadError, ReadSettings, holds_many, reader_for_file
from .readers.base import content_hash, make
from .readers.errors import as_read_error
from .readers.limits import MAX_FILE_BYTES

DEFAULT_MAX_BYTES = MAX_FILE_BYTES
RECENT_NS = 2_000_000_000
_CHUNK = 1 << 20
# WordPress's names for what is left out of an export, as a person reads them; nouns take
# an "s" when there are several.
READABLE = {"nav_menu_item": "menu item", "password": "password-protected",
            "trash": "trashed", "wp_block": "reusable block", "wp_navigation": "menu",
            "wp_template": "template", "wp_template_part": "template part",
            "wp_global_styles": "style setting", "custom_css": "custom CSS"}
_NOT_NOUNS = frozenset({"private", "password-protected", "trashed", "pending", "custom CSS"})


@dataclass
class Earlier:
    """What an earlier build knows: its essays by source, a record of each file of many
    essays (see :func:`file_record`), and each file's size, modification time (ns) and
    content hash."""

    documents: dict[str, Document] = field(default_factory=dict)
    records: dict[str, dict] = field(default_factory=dict)
    stats: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    # Files this build has already looked at (unchanged.py), before reading any: their
    # stat, taken once.
    seen: dict[str, os.stat_result] = field(default_factory=dict)


@dataclass
class FileEnd:
    """The end of a file of many essays: what it held besides its essays."""

    kind: str = ""
    label: str = ""
    digest: str = ""
    settings: list = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    previous: dict | None = None  # the earlier build's record, when nothing was read
    complete: bool = True  # False: the file broke off and only its first posts were read
    error: str | None = None  # why it broke off
    items: int = 0  # items read before the end or the break


@dataclass
class Item(Pending):
    """A Pending parse job with where it came from: a file of many essays labels each
    post's warnings with the post, and ends with a FileEnd."""

    label: str = ""  # "post 'slug': " for an essay inside a file of many
    many: bool = False
    end: FileEnd | None = None


def file_items(location: str | Path, relpath: str, settings: ReadSettings, earlier: Earlier,
               stats: dict[str, tuple[int, int, str]]) -> Iterator[Item]:
    """The items of one file, reusing what ``earlier`` knows; the file's size, time and
    hash go to ``stats``. Raises ReadError for a file that cannot be read at all."""
    faults.inject("read", relpath)  # the file as a whole (its essays' sources are later)
    before = earlier.seen.get(relpath)  # before reading: a later change shows next build
    if before is None:
        before = _stat(location)
    if before is not None and (kind := not_regular(before.st_mode)) is not None:
        raise ReadError(f"{kind}, not a file; skipped, never read")
    max_bytes = settings.max_bytes
    many = holds_many(os.path.basename(location))
    if before is not None and before.st_size > max_bytes and not many:
        raise ReadError(too_large("file", before.st_size, max_bytes))  # even if read before
    digest = _unchanged_hash(before, earlier.stats.get(relpath))
    if many:
        path = Path(location)
        digest = digest or file_hash(path)
        stats[relpath] = _recorded(before, digest)
        yield from _many_items(path, relpath, settings, earlier, digest)
        return
    previous = earlier.documents.get(relpath)
    if digest is None or previous is None or previous.content_hash != digest:
        path = Path(location)  # made only for a file to read: a path object costs more
        data = read_bytes(path, max_bytes)
        digest = content_hash(data)
        if previous is None or previous.content_hash != digest:
            stats[relpath] = _recorded(before, digest)
            file = InputFile(path, relpath, settings, data, digest)
            yield from entry_items(file, reader_for_file(path, relpath), earlier.documents)
            return
    stats[relpath] = _recorded(before, digest)
    yield Item(relpath, document=previous, reused=True)


def _many_items(path: Path, relpath: str, settings: ReadSettings, earlier: Earlier,
                digest: str) -> Iterator[Item]:
    record = earlier.records.get(relpath)
    reused = _unchanged(digest, settings, earlier.documents, record)
    if reused is None:
        file = InputFile(path, relpath, settings, None, digest)
        yield from entry_items(file, reader_for_file(path, relpath), earlier.documents)
        return
    for document in reused:
        yield Item(relpath, document=document, reused=True, many=True,
                   label=_label(document.source.rsplit("#", 1)[-1]))
    yield Item(relpath, many=True, end=FileEnd(previous=record))


def entry_items(file: InputFile, reader: Reader, known: dict[str, Document]) -> Iterator[Item]:
    """The one loop over a reader's entries: each a parse job, or the essay ``known`` has
    for its source when its content hash is unchanged. A file of many essays ends with a
    FileEnd; one that breaks off part-way keeps the posts before the break."""
    end = FileEnd(reader.kind, reader.label, file.digest, file.settings.key())
    left_out: Counter[str] = Counter()
    seen = 0
    try:
        for entry in reader.entries(file):
            seen += 1
            if entry.make is None:
                left_out[entry.left_out or "other"] += 1
                continue
            source = f"{file.relpath}#{entry.key}" if entry.key else file.relpath
            label = _label(entry.key) if reader.many else ""
            earlier = known.get(source)
            if entry.size > file.settings.max_bytes:  # the limit as it is now, even if reused
                yield Item(file.relpath, error=too_large("post", entry.size,
                                                         file.settings.max_bytes),
                           label=label, many=reader.many)
            elif earlier is not None and earlier.content_hash == entry.content_hash:
                yield Item(file.relpath, document=earlier, reused=True, label=label,
                           many=reader.many)
            else:
                yield Item(file.relpath, job=partial(make, entry), label=label,
                           many=reader.many)
    except Exception as failure:  # whatever a reader raises is a ReadError (errors.py)
        exc = as_read_error(failure)
        if not reader.many:
            raise exc from failure if exc is not failure else None
        end.error, end.complete, end.items = str(exc), False, seen
        end.warnings.append(f"{exc}; the {seen} items before it were read" if seen
                            else f"{exc}; not read")
    if reader.many:
        end.warnings += file.warnings
        end.left_out = dict(sorted(left_out.items()))
        yield Item(file.relpath, many=True, end=end)


def too_large(what: str, size: int, limit: int) -> str:
    """Why a file or an export's post is not read: "file is 12,000,000 bytes, over the
    10,485,760-byte limit (--max-file-size)"."""
    return f"{what} is {size:,} bytes, over the {limit:,}-byte limit (--max-file-size)"


def _label(key: str) -> str:
    return f"post {key!r}: "


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """A regular file's bytes, at most ``max_bytes`` of them. A FIFO, a device or a socket
    is never read (opening one can wait for ever, or read without end)."""
    try:
        with _open_regular(path) as stream:
            size = os.fstat(stream.fileno()).st_size
            if size > max_bytes:
                raise ReadError(too_large("file", size, max_bytes))
            return stream.read(max_bytes + 1)[:max_bytes]
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from exc


def file_hash(path: Path) -> str:
    """SHA-256 of a regular file, read in pieces: exports can be hundreds of megabytes."""
    digest = hashlib.sha256()
    try:
        with _open_regular(path) as stream:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from exc
    return digest.hexdigest()


_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def not_regular(mode: int) -> str | None:
    """What a file that is not a regular file is ("a FIFO"), or None for a regular one."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _open_regular(path: Path):
    """``path`` open for reading in binary, if it is a regular file. Opened without
    blocking, so that a FIFO put in the file's place after a check cannot hang the build,
    and checked again once open."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    kind = not_regular(os.fstat(fd).st_mode)
    if kind is not None:
        os.close(fd)
        raise ReadError(f"{kind}, not a file; skipped, never read")
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def _stat(path: str | Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _unchanged_hash(now: os.stat_result | None, stat: tuple[int, int, str] | None) -> str | None:
    """The stored hash of a file whose size and modification time are as stored."""
    if now is None or stat is None or stat[1] < 0:
        return None
    return stat[2] if (now.st_size, now.st_mtime_ns) == tuple(stat[:2]) else None


def _recorded(before: os.stat_result | None, digest: str) -> tuple[int, int, str]:
    """What to keep of a file's stat. A file changed in the last two seconds could change
    again within its file system's clock tick without its time changing: its time is not
    kept, so the next build reads it again."""
    if before is None:
        return -1, -1, digest
    recent = time.time_ns() - before.st_mtime_ns < RECENT_NS
    return before.st_size, -1 if recent else before.st_mtime_ns, digest


def _unchanged(digest: str, settings: ReadSettings, known: dict[str, Document],
               record: dict | None) -> list[Document] | None:
    """The earlier build's essays from a file of many, when the file and settings are the
    same and every one of them is still stored; else None."""
    if not record or record.get("hash") != digest or record.get("settings") != settings.key():
        return None
    documents = [known.get(source) for source in record.get("sources", ())]
    if any(document is None for document in documents):
        return None
    return documents  # type: ignore[return-value]


def file_record(end: FileEnd, sources: list[str], drafts: int, skipped: int,
                warnings: list[str], include_pages: bool) -> dict:
    """What a later build needs to reuse a file of many essays without reading it: its
    hash and settings, its essays' sources in order, and what it reported."""
    return {"hash": end.digest, "settings": end.settings, "sources": sources,
            "warnings": warnings, "drafts": drafts, "skipped": skipped,
            "note": note(end.label, len(sources), drafts, end.left_out, include_pages)}


def note(label: str, essays: int, drafts: int, left_out: dict[str, int],
         include_pages: bool) -> str:
    """"WordPress export: 12 essays; left out 2 drafts, 1 private, 40 attachments"."""
    parts = [f"{drafts} draft{'s' * (drafts != 1)}"] if drafts else []
    parts += [_count(n, READABLE.get(reason, reason)) for reason, n in sorted(left_out.items())]
    text = f"{label}: {essays} essay{'s' * (essays != 1)}"
    if parts:
        text += "; left out " + ", ".join(parts)
        if left_out.get("page") and not include_pages:
            text += " (--pages includes pages)"
    return text


def _count(n: int, name: str) -> str:
    return f"{n} {name}{'s' if n != 1 and name not in _NOT_NOUNS else ''}"


@dataclass
class ExportRead:
    """Everything in one file of many essays, read at once (see :func:`read_export`)."""

    kind: str
    documents: list[Document] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)


def read_export(path: Path, relpath: str, *, default_tz: tzinfo = UTC,
                include_pages: bool = False) -> ExportRead:
    """Read every post of a file of many essays (an export, a saved feed), as ``inspect``
    shows them. Drafts are included, marked ``draft``; items that are not essays are
    counted in ``left_out`` by reason. A post that cannot be read gives a warning, and so
    does a file that breaks off part-way (the posts before the break are kept). Raises
    ReadError when the file cannot be read at all."""
    reader = reader_for_file(path, relpath)
    file = InputFile(path, relpath, ReadSettings(default_tz, True, include_pages))
    result = ExportRead(reader.kind)
    for item in run_jobs(entry_items(file, reader, {}), workers=0):
        if item.end is not None:
            if not item.end.complete and not item.end.items:
                raise ReadError(item.end.error)
            result.warnings += item.end.warnings
            result.left_out = item.end.left_out
        elif item.document is None:
            result.warnings.append(f"{item.label}{item.error}; not read")
        else:
            result.documents.append(item.document)
    return result
