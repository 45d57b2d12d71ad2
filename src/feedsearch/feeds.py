"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 from one list of entries.

feedgen writes RSS and Atom; it is wrapped here where it needs it: entries are appended in
our order (it prepends by default), every date is time-zone aware, the feed's update time
is the newest entry's (it defaults to now, which would change the file on every build), and
XML-illegal characters are removed before it sees them (it raises on them).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from feedgen.feed import FeedGenerator

from . import __version__
from .model import Document
from .readers.meta import slugify
from .urls import absolutize_html

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class FeedSite:
    """What a feed says about the site it belongs to."""

    title: str
    base_url: str
    description: str = ""
    language: str = "en-us"
    author: str | None = None
    limit: int = 20


@dataclass
class FeedSpec:
    """One feed: its entries, and where it is published relative to the output folder."""

    title: str
    folder: str  # "" for the site feed, "tags/<tag-slug>" for a tag
    entries: list[Document]


def clean(text: str | None) -> str:
    """``text`` without the control characters that XML 1.0 forbids."""
    return _XML_ILLEGAL.sub("", text or "")


def newest_first(documents: list[Document]) -> list[Document]:
    """Dated documents, newest first; ties broken by slug so the order never varies."""
    dated = sorted((d for d in documents if d.date is not None), key=lambda d: d.slug)
    return sorted(dated, key=lambda d: d.date, reverse=True)


def feed_specs(documents: list[Document], site: FeedSite) -> list[FeedSpec]:
    """The site feed and one feed per tag, each limited to the newest ``site.limit``."""
    ordered = newest_first(documents)
    specs = [FeedSpec(site.title, "", ordered[: site.limit])]
    by_tag: dict[str, tuple[str, list[Document]]] = {}
    for document in ordered:
        keys: dict[str, str] = {}
        for tag in document.tags:
            keys.setdefault(slugify(tag), tag)  # "Work & Rest" and "work rest" are one feed
        for key, tag in keys.items():
            if key:
                by_tag.setdefault(key, (tag, []))[1].append(document)
    for key in sorted(by_tag):
        label, tagged = by_tag[key]
        specs.append(FeedSpec(f"{site.title}: {label}", f"tags/{key}", tagged[: site.limit]))
    return specs


def _url(site: FeedSite, folder: str, name: str) -> str:
    return site.base_url + (f"{folder}/" if folder else "") + name


def _generator(site: FeedSite, spec: FeedSpec, self_url: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.id(_url(site, spec.folder, ""))
    fg.title(clean(spec.title))
    fg.description(clean(site.description or spec.title))
    fg.subtitle(clean(site.description or spec.title))
    fg.language(site.language)
    if site.author:
        fg.author({"name": clean(site.author)})
    fg.generator("feedsearch", __version__)
    fg.link(href=self_url, rel="self")
    fg.link(href=site.base_url, rel="alternate")  # RSS's channel <link> is the last one added
    newest = max((d.updated or d.date for d in spec.entries), default=EPOCH)
    fg.updated(newest)
    fg.lastBuildDate(newest)
    for document in spec.entries:
        _add_entry(fg, document)
    return fg


def _add_entry(fg: FeedGenerator, document: Document) -> None:
    entry = fg.add_entry(order="append")
    url = document.url or ""
    entry.id(document.guid or url)
    if document.guid is None:
        entry.guid(url, permalink=True)
    else:
        entry.guid(document.guid, permalink=document.guid.startswith(("http://", "https://")))
    entry.title(clean(document.title))
    entry.link(href=url, rel="alternate")
    entry.published(document.date)
    entry.updated(document.updated or document.date)
    for author in document.authors:
        entry.author({"name": clean(author)})
        entry.dc.dc_creator(clean(author))
    for tag in document.tags:
        entry.category({"term": clean(tag)})
    entry.summary(clean(document.summary))
    entry.description(clean(document.summary))
    entry.content(absolutize_html(clean(document.html), url), type="html")


def rss_bytes(site: FeedSite, spec: FeedSpec) -> bytes:
    return _generator(site, spec, _url(site, spec.folder, "feed.xml")).rss_str(pretty=True)


def atom_bytes(site: FeedSite, spec: FeedSpec) -> bytes:
    return _generator(site, spec, _url(site, spec.folder, "atom.xml")).atom_str(pretty=True)


def json_feed_bytes(site: FeedSite, spec: FeedSpec) -> bytes:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1); feedgen does not write it."""
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": spec.title,
        "home_page_url": site.base_url,
        "feed_url": _url(site, spec.folder, "feed.json"),
        "description": site.description or spec.title,
        "language": site.language,
        "authors": [{"name": site.author}] if site.author else [],
        "items": [_json_item(document) for document in spec.entries],
    }
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_item(document: Document) -> dict:
    item = {
        "id": document.guid or document.url,
        "url": document.url,
        "title": clean(document.title),
        "content_html": absolutize_html(clean(document.html), document.url or ""),
        "summary": clean(document.summary),
        "date_published": document.date.isoformat() if document.date else None,
        "date_modified": (document.updated or document.date).isoformat()
        if document.date else None,
        "authors": [{"name": clean(author)} for author in document.authors],
        "tags": [clean(tag) for tag in document.tags],
    }
    return {key: value for key, value in item.items() if value not in (None, [], "")}


def render_feeds(documents: list[Document], site: FeedSite) -> dict[str, bytes]:
    """Every feed file of a build, by its path relative to the output folder."""
    files: dict[str, bytes] = {}
    for spec in feed_specs(documents, site):
        prefix = f"{spec.folder}/" if spec.folder else ""
        files[prefix + "feed.xml"] = rss_bytes(site, spec)
        files[prefix + "atom.xml"] = atom_bytes(site, spec)
        if not spec.folder:
            files["feed.json"] = json_feed_bytes(site, spec)
    return files


def feed_paths(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    return [Path(out_dir) / name for name in files]
