"""Walk an archive, read each file once with the reader for its format, report problems.

Nothing here writes anything. A file that cannot be read gives one warning naming the file
and the reason; the rest of the archive is still read.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from pathlib import Path

from .exportfiles import ExportFileRead, ExportSettings, read_export_file
from .model import Document
from .readers import ReadError, reader_for

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
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
            if not name.startswith(".") and reader_for(name) is not None:
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
) -> CorpusRead:
    """Read every essay under ``root``.

    ``known`` maps a source path to the Document read from it by an earlier build: a file
    whose content hash is unchanged is taken from there instead of being parsed again.
    ``known_exports`` is an earlier build's ``CorpusRead.exports``: an export file that did
    not change is not read again, and in one that did, unchanged posts are reused.
    ``paths`` (from :func:`iter_source_files`) saves a second walk when the caller has it.
    """
    result = CorpusRead()
    known = known or {}
    for path in paths if paths is not None else iter_source_files(root, exclude):
        relpath = relative_source(path, root)
        if progress:
            progress(relpath)
        try:
            if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
                raise ReadError("a symbolic link to a file outside the archive; not read")
            reader = reader_for(path.name)
            if reader is not None and reader.many:
                settings = ExportSettings(default_tz, include_drafts, include_pages)
                _add_export(result, relpath, read_export_file(
                    path, relpath, settings, known, (known_exports or {}).get(relpath)))
                continue
            data = _read_bytes(path, max_bytes)
            previous = known.get(relpath)
            if previous is not None and previous.content_hash == content_hash(data):
                document = previous
                result.reused += 1
            else:
                document, _ = parse_bytes(data, relpath, default_tz)
            result.warnings += [FileWarning(relpath, note) for note in document.warnings]
        except ReadError as exc:
            result.warnings.append(FileWarning(relpath, str(exc)))
            result.skipped += 1
            continue
        if document.draft and not include_drafts:
            result.drafts += 1
            continue
        result.documents.append(document)
    _dedupe_slugs(result)
    return result


def _add_export(result: CorpusRead, relpath: str, export: ExportFileRead) -> None:
    result.documents += export.documents
    result.warnings += [FileWarning(relpath, reason) for reason in export.warnings]
    result.drafts += export.drafts
    result.skipped += export.skipped
    result.reused += export.reused
    if export.note:
        result.notes.append(f"{relpath}: {export.note}")
    if export.record is not None:
        result.exports[relpath] = export.record


def _dedupe_slugs(result: CorpusRead) -> None:
    """Two essays with one slug are both kept; the one read later gets a suffix.

    Suffixes start again from each essay's own slug every time, so a reused essay loses its
    suffix once its namesake is gone, and an incremental build equals a fresh one.
    """
    taken: dict[str, str] = {}
    for document in result.documents:
        document.slug = base = document.base_slug or document.slug
        slug = base
        n = 2
        while slug in taken:
            slug = f"{base}-{n}"
            n += 1
        if slug != base:
            result.warnings.append(FileWarning(
                document.source, f"slug {base!r} is already used by {taken[base]}; "
                f"this essay gets {slug!r}"))
            document.slug = slug
        taken[slug] = document.source
