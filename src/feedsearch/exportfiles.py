"""An export file as part of an archive: read as one unit, its posts reused one by one.

A build reads an export file only when its bytes changed (or the settings that decide which
of its posts are essays did); then each post whose own content is unchanged is taken from
the earlier build, so editing one post in a 10,000-post export re-extracts one post.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import tzinfo
from functools import partial
from pathlib import Path

from .model import Document
from .pipeline import ExportEnd, Pending
from .readers import ReadError

_CHUNK = 1 << 20
# WordPress's names for what is left out of an export, as a person reads them; nouns take
# an "s" when there are several.
READABLE = {"nav_menu_item": "menu item", "password": "password-protected",
            "trash": "trashed", "wp_block": "reusable block", "wp_navigation": "menu",
            "wp_template": "template", "wp_template_part": "template part",
            "wp_global_styles": "style setting", "custom_css": "custom CSS"}
_NOT_NOUNS = frozenset({"private", "password-protected", "trashed", "pending", "custom CSS"})


@dataclass(frozen=True)
class ExportSettings:
    default_tz: tzinfo
    include_drafts: bool
    include_pages: bool

    def key(self) -> list:
        return [str(self.default_tz), self.include_drafts, self.include_pages]


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


def export_items(path: Path, relpath: str, settings: ExportSettings,
                 known: dict[str, Document], previous: dict | None,
                 digest: str | None = None) -> Iterator[Pending]:
    """One item per post of an export file, then one that ends the file. The file is read
    only if it changed; then a post whose content is unchanged is the earlier build's.
    Raises ReadError when the file cannot be read at all (not XML, unsafe XML, not an
    export); a file that breaks off part-way ends with a warning after the posts before it."""
    digest = digest or file_hash(path)
    reused = _unchanged(digest, settings, known, previous)
    if reused is not None:
        for document in reused:
            yield Pending(relpath, document=document, export=relpath, reused=True,
                          label=_label(document.source))
        yield Pending(relpath, export=relpath, end=ExportEnd(previous=previous))
        return

    from .readers.exports import make_post, open_export  # the XML stack, only when needed

    left_out: Counter[str] = Counter()
    export = open_export(path, relpath, settings.default_tz, settings.include_pages)
    end = ExportEnd(export.kind, digest, settings.key())
    posts = 0
    try:
        for entry in export.entries:
            posts += 1
            if entry.make is None:
                left_out[entry.left_out or "other"] += 1
                continue
            source = f"{relpath}#{entry.key}"
            earlier = known.get(source)
            label = f"post {entry.key!r}: "
            if earlier is not None and earlier.content_hash == entry.content_hash:
                yield Pending(relpath, document=earlier, export=relpath, label=label,
                              reused=True)
            else:
                yield Pending(relpath, job=partial(make_post, entry), export=relpath,
                              label=label)
    except ReadError as exc:
        end.warnings.append(f"{exc}; the {posts} items before it were read" if posts
                            else f"{exc}; not read")
        end.complete = False
    end.warnings += export.warnings()
    end.left_out = dict(sorted(left_out.items()))
    yield Pending(relpath, export=relpath, end=end)


def _label(source: str) -> str:
    return f"post {source.rsplit('#', 1)[-1]!r}: "


def export_record(end: ExportEnd, sources: list[str], drafts: int, skipped: int,
                  warnings: list[str], include_pages: bool) -> dict:
    """What a later build needs to reuse this file without reading it: its hash and
    settings, its essays' sources in order, and what it reported."""
    return {"hash": end.digest, "settings": end.settings, "sources": sources,
            "warnings": warnings, "drafts": drafts, "skipped": skipped,
            "note": note(end.kind, len(sources), drafts, end.left_out, include_pages)}


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


def note(kind: str, essays: int, drafts: int, left_out: dict[str, int],
          include_pages: bool) -> str:
    """"WordPress export: 12 essays; left out 2 drafts, 1 private, 40 attachment"."""
    from .readers.exports import KIND_NAMES

    parts = [f"{drafts} draft{'s' * (drafts != 1)}"] if drafts else []
    parts += [_count(n, READABLE.get(reason, reason)) for reason, n in sorted(left_out.items())]
    note = f"{KIND_NAMES[kind]}: {essays} essay{'s' * (essays != 1)}"
    if parts:
        note += "; left out " + ", ".join(parts)
        if left_out.get("page") and not include_pages:
            note += " (--pages includes pages)"
    return note


def _count(n: int, name: str) -> str:
    return f"{n} {name}{'s' if n != 1 and name not in _NOT_NOUNS else ''}"
