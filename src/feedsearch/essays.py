"""Reading a built archive from Python: what ``list``, ``show``, ``related``, ``export``,
``stats`` and ``inspect`` print, as values.

Each command of the command line is a thin layer over one function here (or over
:func:`feedsearch.build.build`, :func:`feedsearch.search.search` and
:func:`feedsearch.corpus.read_corpus`), so a script can do all the command line does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import store
from .model import Document
from .query_dates import span


class NotFound(LookupError):
    """What a reading command was asked for is not there; the message says what."""


class NoIndex(NotFound):
    """No build has written an index in this folder yet."""

    def __init__(self, index_dir: Path) -> None:
        super().__init__(f"no index at {index_dir}: run feedsearch build first")


class NoSuchEssay(NotFound):
    """No essay of the archive has this slug."""

    def __init__(self, slug: str, index_dir: Path) -> None:
        super().__init__(f"no essay with slug {slug!r} in {index_dir}")


def require_index(index_dir: Path) -> None:
    """Raise NoIndex unless a build has written an index in ``index_dir``."""
    if not store.store_path(index_dir).exists():
        raise NoIndex(index_dir)


def list_essays(index_dir: Path, tag: str | None = None, since: str | None = None,
                until: str | None = None, limit: int | None = None) -> list[Document]:
    """The archive's essays, newest first (undated last), then by slug; only those with
    ``tag`` (in any case) when it is given, and dated from ``since`` to ``until`` (YYYY,
    YYYY-MM or YYYY-MM-DD, as search takes them; undated essays are then left out); the
    first ``limit`` of them. Raises QueryError for a date that is not one."""
    require_index(index_dir)
    wanted = tag.casefold() if tag is not None else None
    window = span(since, until) if since or until else None
    found = []
    for document in store.iter_documents(index_dir):
        if wanted is not None and wanted not in {t.casefold() for t in document.tags}:
            continue
        if window is not None and not _within(document, window):
            continue
        found.append(document)
        if limit is not None and len(found) >= limit:
            break
    return found


def _within(document: Document, window: tuple[datetime, datetime]) -> bool:
    if document.date is None:
        return False
    moment = document.date.astimezone(UTC).replace(tzinfo=None)
    return window[0] <= moment <= window[1]


def get_essay(index_dir: Path, slug: str) -> Document:
    """One essay by slug, with its text. Raises NoSuchEssay."""
    require_index(index_dir)
    document = store.get_document(index_dir, slug)
    if document is None:
        raise NoSuchEssay(slug, index_dir)
    return document


def related_essays(index_dir: Path, slug: str) -> list[dict]:
    """The essays related to ``slug``, best first, as related.json lists them. Raises
    NoSuchEssay."""
    require_index(index_dir)
    items = store.get_related(index_dir, slug)
    if items is None:
        raise NoSuchEssay(slug, index_dir)
    return items


def export_records(index_dir: Path) -> Iterator[dict]:
    """Every essay as a JSON-ready record (``Document.record``), newest first."""
    require_index(index_dir)
    return (document.record() for document in store.iter_documents(index_dir))


def archive_stats(index_dir: Path) -> dict:
    """Essays per year and per tag, the index's size and the last build."""
    require_index(index_dir)
    years: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    total = 0
    for document in store.iter_documents(index_dir):
        total += 1
        years[str(document.date.year) if document.date else "undated"] += 1
        tags.update(tag.lower() for tag in document.tags)
    meta = store.get_meta(index_dir)
    size = sum(p.stat().st_size for p in Path(index_dir).rglob("*") if p.is_file())
    return {
        "essays": total,
        "per_year": dict(sorted(years.items())),
        "per_tag": dict(sorted(tags.items(), key=lambda item: (-item[1], item[0]))),
        "index_bytes": size,
        "last_build": meta.get("built_at"),
        "base_url": meta.get("base_url"),
    }


@dataclass
class Inspection:
    """What feedsearch makes of one file: its essays (one, or each post of a file of many),
    and the problems it found on the way."""

    documents: list[Document]
    warnings: list[str] = field(default_factory=list)
    many: bool = False


def inspect_file(path: Path) -> Inspection:
    """Read one file as a build would (pages of exports included). Raises ReadError for a
    file that cannot be read."""
    from .corpus import read_file
    from .readers import holds_many
    from .sources import read_export

    name = path.as_posix()
    if holds_many(path.name):
        export = read_export(path, name, include_pages=True)
        return Inspection(export.documents, export.warnings, many=True)
    document, warnings = read_file(path, name)
    return Inspection([document], warnings)
