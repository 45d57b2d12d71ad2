"""Which feeds a build writes and what each holds: the site feed, then one per tag and per
author, newest entries first. Rendering them is feeds.py's and jsonfeed.py's."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from . import __version__
from .model import Document
from .settings import FeedSite
from .strings import slugify


@dataclass
class FeedSpec:
    """One feed: its entries, and where it is published relative to the output folder."""

    title: str
    folder: str  # "" for the site feed, "tags/<slug>" or "authors/<slug>"
    entries: list[Document]

    def url(self, site: FeedSite, name: str) -> str:
        return site.base_url + (f"{self.folder}/" if self.folder else "") + name

    @property
    def anchor(self) -> str:
        """The id of this feed's part of the feeds page: "site", "tags-<slug>"..."""
        return self.folder.replace("/", "-") if self.folder else "site"

    def page_url(self, site: FeedSite) -> str | None:
        """Where the feeds page shows this feed (the page itself for the site's feeds), or
        None when the build writes no feeds page."""
        if site.page is None:
            return None
        return site.page + (f"#{self.anchor}" if self.folder else "")


def newest_first(documents: list[Document]) -> list[Document]:
    """Dated documents, newest first; ties broken by slug so the order never varies."""
    dated = sorted((d for d in documents if d.date is not None), key=lambda d: d.slug)
    return sorted(dated, key=lambda d: d.date, reverse=True)


def feed_specs(documents: list[Document], site: FeedSite) -> list[FeedSpec]:
    """The site feed, then one feed per tag and per author (as ``site`` asks), each limited
    to the newest ``site.limit`` entries."""
    ordered = newest_first(documents)
    specs = [FeedSpec(site.title, "", ordered[: site.limit])]
    groups = []
    if site.tag_feeds:
        groups.append(("tags", lambda d: d.tags))
    if site.author_feeds:
        groups.append(("authors", lambda d: d.authors))
    for folder, labels_of in groups:
        for key, (label, members) in sorted(_group(ordered, labels_of).items()):
            specs.append(FeedSpec(f"{site.title}: {label}", f"{folder}/{key}",
                                  members[: site.limit]))
    return specs


def _group(ordered: list[Document], labels_of) -> dict[str, tuple[str, list[Document]]]:
    groups: dict[str, tuple[str, list[Document]]] = {}
    slugs: dict[str, str] = {}  # a few labels, on many essays: each made a key once
    for document in ordered:
        keys: dict[str, str] = {}
        for label in labels_of(document):
            if (key := slugs.get(label)) is None:
                key = slugs[label] = slugify(label)
            keys.setdefault(key, label)  # "Work & Rest" and "work rest" are one
        for key, label in keys.items():
            if key:
                groups.setdefault(key, (label, []))[1].append(document)
    return groups


def spec_key(site: FeedSite, spec: FeedSpec) -> str:
    """What one feed is made from: the same key, the same bytes."""
    digest = hashlib.sha256(repr((__version__, site, spec.title, spec.folder)).encode())
    for d in spec.entries:
        digest.update(d.output_identity())
    return digest.hexdigest()
