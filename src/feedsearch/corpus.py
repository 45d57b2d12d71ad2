"""Walk an archive, read each file once with the reader for its format, report problems.

Nothing here writes anything. A file that cannot be read gives one warning naming the file
and the reason; the rest of the archive is still read.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from functools import partial
from pathlib import Path

from .exportfiles import ExportSettings, export_items, export_record, file_hash
from .model import Document
from .pipeline import ExportEnd, Pending, run_jobs
from .readers import ReadError, handles, holds_many, reader_for

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
RECENT_NS = 2_000_000_000
# Site generators' output and tooling folders: never essays of their own.
SKIPPED_FOLDERS = frozenset({"_site", "node_modules", "__pycache__"})


@dataclass
class FileWarning:
    """One problem with one file."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass
class CorpusRead:
    """What reading an archive gave: documents, and everything that was not one."""

    documents: list[Document] = field(default_factory=list)
    warnings: list[FileWarning] = field(default_factory=list)
    drafts: int = 0
    skipped: int = 0
    reused: int = 0
    notes: list[str] = field(default_factory=list)
    # Per export file: what a later build needs to reuse it without reading it again.
    exports: dict[str, dict] = field(default_factory=dict)
    # Per file read or reused: size, modification time (ns) and content hash.
    stats: dict[str, tuple[int, int, str]] = field(default_factory=dict)


def iter_source_files(root: Path, exclude: tuple[Path, ...] = ()) -> Iterator[Path]:
    """Every file under ``root`` that a reader handles, in a stable order.

    Hidden files and folders and generator output (``_site``) are left out, symlinked
    folders are not followed, and folders in ``exclude`` (the output and index folders) are
    never walked.
    """
    excluded = {p.resolve() for p in exclude}
    for folder, dirs, files in os.walk(root, followlinks=False):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs
                         if not d.startswith(".") and d not in SKIPPED_FOLDERS
                         and (here / d).resolve() not in excluded)
        for name in sorted(files):
            if not name.startswith(".") and handles(name):
                yield here / name


def relative_source(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_file(path: Path, relpath: str, default_tz: tzinfo = UTC,
              max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Document, list[str]]:
    """Read one file into a Document. Raises ReadError (with the reason) for a bad file."""
    return parse_bytes(_read_bytes(path, max_bytes), relpath, default_tz)


def parse_bytes(data: bytes, relpath: str,
                default_tz: tzinfo = UTC) -> tuple[Document, list[str]]:
    """Parse one file's bytes with the reader for its extension."""
    reader = reader_for(relpath)
    if reader is None:
        raise ReadError(f"no reader for {Path(relpath).suffix or 'files without an extension'}")
    warnings: list[str] = []
    document = reader.read(data, relpath, default_tz, warnings)
    document.content_hash = content_hash(data)
    document.warnings = warnings
    document.base_slug = document.slug
    return document, warnings


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ReadError(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
        return path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from exc


def read_corpus(
    root: Path,
    *,
    exclude: tuple[Path, ...] = (),
    default_tz: tzinfo = UTC,
    include_drafts: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    known: dict[str, Document] | None = None,
    paths: list[Path] | None = None,
    progress: Callable[[str], None] | None = None,
    include_pages: bool = False,
    known_exports: dict[str, dict] | None = None,
    workers: int = 0,
    on_document: Callable[[Document], None] | None = None,
    known_stats: dict[str, tuple[int, int, str]] | None = None,
) -> CorpusRead:
    """Read every essay under ``root``.

    ``known`` maps a source path to the Document read from it by an earlier build: a file
    whose content hash is unchanged is taken from there instead of being parsed again.
    ``known_exports`` is an earlier build's ``CorpusRead.exports``: an export file that did
    not change is not read again, and in one that did, unchanged posts are reused.
    ``paths`` (from :func:`iter_source_files`) saves a second walk when the caller has it.
    ``workers`` processes parse files meanwhile (0: all in this one); ``on_document`` is
    called with each essay, in file order, as soon as it is final. ``known_stats`` (an
    earlier build's ``CorpusRead.stats``) lets a file whose size and modification time are
    unchanged keep its content hash without being read.
    """
    result = CorpusRead()
    settings = ExportSettings(default_tz, include_drafts, include_pages)
    items = _items(root, paths if paths is not None else iter_source_files(root, exclude),
                   known or {}, known_exports or {}, settings, max_bytes, progress,
                   known_stats or {}, result.stats)
    slugs = _SlugAssigner()
    tallies: dict[str, _ExportTally] = {}
    for item in run_jobs(items, workers):
        tally = tallies.setdefault(item.source, _ExportTally()) if item.export else None
        if item.end is not None:
            _end_export(result, item.source, item.end, tallies.pop(item.source), settings)
            continue
        if item.error is not None or item.document is None:
            reason = item.label + (item.error or "not read")
            result.warnings.append(FileWarning(item.source, reason))
            result.skipped += 1
            if tally is not None:
                tally.skipped += 1
                tally.warnings.append(reason)
            continue
        document = item.document
        result.reused += item.reused
        result.warnings += [FileWarning(item.source, item.label + note)
                            for note in document.warnings]
        if document.draft and not include_drafts:
            result.drafts += 1
            if tally is not None:
                tally.drafts += 1
            continue
        if warning := slugs.assign(document):
            result.warnings.append(warning)
        result.documents.append(document)
        if tally is not None:
            tally.sources.append(document.source)
        if on_document is not None:
            on_document(document)
    return result


def _items(root: Path, paths: Iterable[Path], known: dict[str, Document],
           known_exports: dict[str, dict], settings: ExportSettings, max_bytes: int,
           progress: Callable[[str], None] | None, known_stats: dict[str, tuple[int, int, str]],
           stats: dict[str, tuple[int, int, str]]) -> Iterator[Pending]:
    """Each file's essays as parse jobs, or as the earlier build's when unchanged."""
    for path in paths:
        relpath = relative_source(path, root)
        if progress:
            progress(relpath)
        try:
            if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
                raise ReadError("a symbolic link to a file outside the archive; not read")
            before = _stat(path)  # before reading: a later change shows in the next build
            digest = _unchanged_hash(before, known_stats.get(relpath))
            if holds_many(path.name):
                digest = digest or file_hash(path)
                stats[relpath] = _recorded(before, digest)
                yield from export_items(path, relpath, settings, known,
                                        known_exports.get(relpath), digest)
                continue
            previous = known.get(relpath)
            if digest is None or previous is None or previous.content_hash != digest:
                data = _read_bytes(path, max_bytes)
                digest = content_hash(data)
                stats[relpath] = _recorded(before, digest)
                if previous is None or previous.content_hash != digest:
                    yield Pending(relpath, job=partial(_parse, data, relpath,
                                                       settings.default_tz))
                    continue
            stats[relpath] = _recorded(before, digest)
            yield Pending(relpath, document=previous, reused=True)
        except ReadError as exc:
            yield Pending(relpath, error=str(exc))


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
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


def _parse(data: bytes, relpath: str, default_tz: tzinfo) -> Document:
    return parse_bytes(data, relpath, default_tz)[0]


@dataclass
class _ExportTally:
    sources: list[str] = field(default_factory=list)
    drafts: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)


def _end_export(result: CorpusRead, relpath: str, end: ExportEnd, tally: _ExportTally,
                settings: ExportSettings) -> None:
    if end.previous is not None:  # the file is unchanged: report what it reported
        record = end.previous
        result.warnings += [FileWarning(relpath, w) for w in record["warnings"]]
        result.drafts += record["drafts"]
        result.skipped += record["skipped"]
    else:
        result.warnings += [FileWarning(relpath, w) for w in end.warnings]
        record = export_record(end, tally.sources, tally.drafts, tally.skipped,
                               tally.warnings + end.warnings, settings.include_pages)
    result.notes.append(f"{relpath}: {record['note']}")
    if end.complete:
        result.exports[relpath] = record


class _SlugAssigner:
    """Two essays with one slug are both kept; the one read later gets a suffix.

    Suffixes start again from each essay's own slug every time, so a reused essay loses its
    suffix once its namesake is gone, and an incremental build equals a fresh one.
    """

    def __init__(self) -> None:
        self.taken: dict[str, str] = {}

    def assign(self, document: Document) -> FileWarning | None:
        document.slug = base = document.base_slug or document.slug
        slug, n = base, 2
        while slug in self.taken:
            slug = f"{base}-{n}"
            n += 1
        self.taken[slug] = document.source
        if slug == base:
            return None
        document.slug = slug
        return FileWarning(document.source, f"slug {base!r} is already used by "
                           f"{self.taken[base]}; this essay gets {slug!r}")
