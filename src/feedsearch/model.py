"""The one data model that flows through readers -> index -> feeds -> related."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime


@dataclass
class Document:
    """One essay, as read from one source file.

    ``url`` is the essay's canonical URL when the file names one; the build fills in the
    rest from the base URL and the slug. ``source`` is the file's path relative to the
    archive root, with forward slashes.
    """

    slug: str
    title: str
    source: str
    html: str = ""
    text: str = ""
    date: datetime | None = None
    updated: datetime | None = None
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    summary: str = ""
    url: str | None = None
    guid: str | None = None
    draft: bool = False
    content_hash: str = ""
    # Front matter's related: {pin: [...], exclude: [...]} (slugs).
    related_pins: list[str] = field(default_factory=list)
    related_exclude: list[str] = field(default_factory=list)
    # The slug the reader gave, before a suffix that tells two essays with one slug apart.
    base_slug: str = ""
    # True when ``url`` is BASE_URL/<slug>/, made by the build (no canonical URL): a reused
    # essay whose slug changed (a namesake came or went) gets it made again.
    url_from_slug: bool = False
    # True when the essay had no date and the build dated it by its file's modification
    # time (--undated mtime).
    dated_by_mtime: bool = False
    # The front matter a site's URL rules read (url, permalink, slug, categories), as given.
    url_fields: dict = field(default_factory=dict)
    # Problems the reader found that did not stop it, kept so that a rebuild that reuses
    # this document reports them again.
    warnings: list[str] = field(default_factory=list)

    def feed_id(self) -> str:
        """The entry id in feeds: a front-matter id or guid wins (a moved site keeps its
        ids); else the URL, which comes from the slug and so survives edits to the text,
        title and date."""
        return self.guid or self.url or ""

    def output_identity(self) -> bytes:
        """What feeds and related posts take from this document besides its content:
        equal identities (with equal settings) give equal outputs."""
        return f"{self.source}\0{self.content_hash}\0{self.slug}\0{self.url}\n".encode()

    def record(self) -> dict:
        """The public JSON shape used by ``export`` and ``inspect``."""
        return {
            "slug": self.slug,
            "title": self.title,
            "url": self.url,
            "date": iso(self.date),
            "updated": iso(self.updated),
            "authors": list(self.authors),
            "tags": list(self.tags),
            "summary": self.summary,
            "source": self.source,
            "text": self.text,
        }

    def to_dict(self) -> dict:
        """Everything, JSON-ready, for the document store."""
        data = asdict(self)
        data["date"] = iso(self.date)
        data["updated"] = iso(self.updated)
        return data

    @classmethod
    def from_dict(cls, data: dict, *, own: bool = False) -> Document:
        """The Document :meth:`to_dict` gave ``data`` for; ``own``: ``data`` is the
        caller's to give away (a rebuild makes 100,000 of these: a copy each counts)."""
        if not own:
            data = dict(data)
        for key in ("date", "updated"):
            if data.get(key):
                data[key] = datetime.fromisoformat(data[key])
        return cls(**data)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with a time zone, or None."""
    return moment.isoformat() if moment is not None else None
