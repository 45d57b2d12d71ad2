"""Whole blogs in one file: a WordPress (WXR) export, or a saved RSS or Atom feed.

What a file is comes from its root element, not its name: ``.xml`` is also what sitemaps
and configuration files are called. Each post becomes its own Document, whose source is
``FILE#slug``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from pathlib import Path

from ..model import Document
from .base import Reader, register
from .errors import ReadError
from .exportbase import ExportEntry
from .feedxml import ATOM, SummaryCount, atom_entries, rss_entries
from .wxr import wxr_entries
from .xmlstream import iter_elements, local_name, namespace

KIND_NAMES = {"wxr": "WordPress export", "rss": "RSS feed", "atom": "Atom feed"}


@dataclass
class ExportFile:
    """An export file being read: its kind, then its entries as they stream past.

    ``summary_only`` is filled in once the entries have all been read.
    """

    kind: str
    entries: Iterator[ExportEntry]
    summaries: SummaryCount = field(default_factory=SummaryCount)

    def warnings(self) -> list[str]:
        count = self.summaries
        if not count.summaries:
            return []
        return [f"the feed holds summaries only ({count.summaries} of {count.entries} "
                "entries have no full content): those essays are indexed and published "
                "from their summaries; the blog's full-content feed or export gives more"]


def open_export(path: Path, relpath: str, default_tz: tzinfo = UTC,
                include_pages: bool = False) -> ExportFile:
    """Detect what ``path`` is and start reading it. Raises ReadError for a file that is
    not an export or cannot be read safely; problems found later surface from the entries."""
    elements = iter_elements(path)
    event, root, namespaces = next(elements, (None, None, {}))
    if root is None:
        raise ReadError("an empty XML file; not read")
    name, uri = local_name(root.tag), namespace(root.tag)
    wordpress = any(u.startswith("http://wordpress.org/export/") for u in namespaces)
    if name == "rss" and wordpress:
        return ExportFile("wxr", wxr_entries(elements, relpath, default_tz, include_pages))
    if name == "rss":
        export = ExportFile("rss", iter(()))
        export.entries = rss_entries(elements, relpath, default_tz, export.summaries)
        return export
    if name == "feed" and uri == ATOM:
        export = ExportFile("atom", iter(()))
        export.entries = atom_entries(elements, relpath, default_tz, export.summaries)
        return export
    elements.close()
    raise ReadError(f"an XML file whose root element is <{name}>, not a WordPress export "
                    "(WXR) or an RSS or Atom feed; not read")


def make_post(entry: ExportEntry) -> Document:
    """The entry's Document; any failure is a ReadError naming what went wrong."""
    assert entry.make is not None
    try:
        return entry.make()
    except ReadError:
        raise
    except RecursionError as exc:
        raise ReadError("nested too deeply to read") from exc
    except Exception as exc:  # one post must never stop a build
        raise ReadError(f"could not be read ({type(exc).__name__}: {exc})") from exc


@dataclass
class ExportRead:
    """Everything in one export file, read at once (see :func:`read_export`)."""

    kind: str
    documents: list[Document] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)


def read_export(path: Path, relpath: str, *, default_tz: tzinfo = UTC,
                include_pages: bool = False) -> ExportRead:
    """Read every post of an export file. Drafts are included, marked ``draft``; items that
    are not essays (private and trashed posts, attachments, pages unless ``include_pages``)
    are counted in ``left_out`` by reason. A post that cannot be read gives a warning, and
    so does a file that breaks off part-way (a truncated download): the posts before the
    break are kept. Raises ReadError when the file cannot be read at all."""
    export = open_export(path, relpath, default_tz, include_pages)
    result = ExportRead(export.kind)
    left_out: Counter[str] = Counter()
    seen = 0
    try:
        for entry in export.entries:
            seen += 1
            if entry.make is None:
                left_out[entry.left_out or "other"] += 1
                continue
            try:
                result.documents.append(make_post(entry))
            except ReadError as exc:
                result.warnings.append(f"post {entry.key!r}: {exc}; not read")
    except ReadError as exc:  # the file breaks off: what came before it stands
        if not seen:
            raise
        result.warnings.append(f"{exc}; the {seen} items before it were read")
    result.warnings += export.warnings()
    result.left_out = dict(sorted(left_out.items()))
    return result


@register
class ExportReader(Reader):
    """Registered for the extensions export files have; :func:`open_export` reads them."""

    extensions = (".xml", ".rss", ".atom")
    many = True

    def parse(self, source):  # pragma: no cover - export files are read with open_export
        raise ReadError("an export file holds many essays; read it with open_export")
