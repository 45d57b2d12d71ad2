"""An export file as part of an archive: read as one unit, its posts reused one by one.

A build reads an export file only when its bytes changed (or the settings that decide which
of its posts are essays did); then each post whose own content is unchanged is taken from
the earlier build, so editing one post in a 10,000-post export re-extracts one post.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path

from .model import Document
from .readers import ReadError
from .readers.exports import KIND_NAMES, make_post, open_export

_CHUNK = 1 << 20


@dataclass(frozen=True)
class ExportSettings:
    default_tz: tzinfo
    include_drafts: bool
    include_pages: bool

    def key(self) -> list:
        return [str(self.default_tz), self.include_drafts, self.include_pages]


@dataclass
class ExportFileRead:
    """What one export file gave. ``record`` is kept by the build for the next one."""

    documents: list[Document] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    drafts: int = 0
    skipped: int = 0
    reused: int = 0
    note: str = ""
    record: dict | None = None


def file_hash(path: Path) -> str:
    """SHA-256 of a file, read in pieces: exports can be hundreds of megabytes."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from exc
    return digest.hexdigest()


def read_export_file(path: Path, relpath: str, settings: ExportSettings,
                     known: dict[str, Document], previous: dict | None) -> ExportFileRead:
    """Read one export file's essays. Raises ReadError when the file cannot be read at all
    (not XML, unsafe XML, not an export); a bad post is a warning and the rest are read."""
    digest = file_hash(path)
    reused = _unchanged(digest, settings, known, previous)
    if reused is not None:
        assert previous is not None
        return ExportFileRead(reused, list(previous["warnings"]), previous["drafts"],
                              previous["skipped"], len(reused), previous["note"], previous)

    result = ExportFileRead()
    left_out: Counter[str] = Counter()
    export = open_export(path, relpath, settings.default_tz, settings.include_pages)
    for entry in export.entries:
        if entry.make is None:
            left_out[entry.left_out or "other"] += 1
            continue
        source = f"{relpath}#{entry.key}"
        earlier = known.get(source)
        if earlier is not None and earlier.content_hash == entry.content_hash:
            document = earlier
            result.reused += 1
        else:
            try:
                document = make_post(entry)
            except ReadError as exc:
                result.warnings.append(f"post {entry.key!r}: {exc}; not read")
                result.skipped += 1
                continue
        result.warnings += [f"post {entry.key!r}: {w}" for w in document.warnings]
        if document.draft and not settings.include_drafts:
            result.drafts += 1
            continue
        result.documents.append(document)
    result.warnings += export.warnings()
    result.note = _note(export.kind, len(result.documents), result.drafts, left_out,
                        settings.include_pages)
    result.record = {
        "hash": digest, "settings": settings.key(), "sources": [d.source for d in
                                                                result.documents],
        "warnings": result.warnings, "drafts": result.drafts, "skipped": result.skipped,
        "note": result.note,
    }
    return result


def _unchanged(digest: str, settings: ExportSettings, known: dict[str, Document],
               previous: dict | None) -> list[Document] | None:
    """The earlier build's essays from this file, when the file and settings are the same
    and every one of them is still stored; else None."""
    if not previous or previous.get("hash") != digest or \
            previous.get("settings") != settings.key():
        return None
    documents = [known.get(source) for source in previous.get("sources", ())]
    if any(document is None for document in documents):
        return None
    return documents  # type: ignore[return-value]


def _note(kind: str, essays: int, drafts: int, left_out: Counter[str],
          include_pages: bool) -> str:
    """"WordPress export: 12 essays; left out 2 drafts, 1 private, 40 attachment"."""
    parts = [f"{drafts} draft{'s' * (drafts != 1)}"] if drafts else []
    parts += [f"{n} {reason}" for reason, n in sorted(left_out.items())]
    note = f"{KIND_NAMES[kind]}: {essays} essay{'s' * (essays != 1)}"
    if parts:
        note += "; left out " + ", ".join(parts)
        if left_out.get("page") and not include_pages:
            note += " (--pages includes pages)"
    return note
