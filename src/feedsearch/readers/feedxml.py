"""Saved RSS 2.0 and Atom 1.0 feeds: one essay per item or entry.

Substack, Ghost, Medium and most hosted blogs publish the whole text of each post in their
feed (RSS ``content:encoded``, Atom ``content``); some publish only a summary, which is then
all there is to index, and the file gets one warning saying so.
"""

from __future__ import annotations

from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass
from datetime import UTC, tzinfo
from functools import partial
from xml.etree.ElementTree import Element, tostring

from .base import InputFile, Reader
from .exportbase import (
    ExportEntry,
    Post,
    all_texts,
    children,
    fingerprint,
    first_text,
    make_document,
    plain,
    slug_from,
    unique_key,
    when,
)
from .posthtml import base_url_of
from .registry import register
from .xmlstream import XmlHead, elements_after_root, local_name, text_of

ATOM = "http://www.w3.org/2005/Atom"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


@dataclass
class SummaryCount:
    """How many entries had only a summary, for the file's one warning."""

    summaries: int = 0
    entries: int = 0

    def warnings(self) -> list[str]:
        if not self.summaries:
            return []
        return [f"the feed holds summaries only ({self.summaries} of {self.entries} "
                "entries have no full content): those essays are indexed and published "
                "from their summaries; the blog's full-content feed or export gives more"]


class _FeedReader(Reader):
    """A saved feed: one essay per item or entry."""

    extensions = (".xml", ".rss", ".atom")
    container = "xml"

    def entries(self, file: InputFile) -> Iterator[ExportEntry]:
        count = SummaryCount()
        yield from self.read_entries(elements_after_root(file.path), file, count)
        file.warnings += count.warnings()

    def read_entries(self, elements, file: InputFile, count: SummaryCount):
        raise NotImplementedError


@register
class RssReader(_FeedReader):
    kind, label = "rss", "RSS feed"

    @classmethod
    def accepts(cls, head: XmlHead) -> bool:
        return head.name == "rss"

    def read_entries(self, elements, file: InputFile, count: SummaryCount):
        return rss_entries(elements, file.relpath, file.settings.default_tz, count)


@register
class AtomReader(_FeedReader):
    kind, label = "atom", "Atom feed"

    @classmethod
    def accepts(cls, head: XmlHead) -> bool:
        return head.name == "feed" and head.uri == ATOM

    def read_entries(self, elements, file: InputFile, count: SummaryCount):
        return atom_entries(elements, file.relpath, file.settings.default_tz, count)


def rss_entries(elements: Iterator[tuple[str, Element, dict]], relpath: str,
                default_tz: tzinfo = UTC, count: SummaryCount | None = None,
                ) -> Iterator[ExportEntry]:
    count = count if count is not None else SummaryCount()
    site: str | None = None
    taken: set[str] = set()
    for _, element, _ in elements:
        tag = element.tag
        if tag == "link" and site is None:
            site = text_of(element) or None
        if tag != "item":
            continue
        fields = children(element)
        full = first_text(fields, "content:encoded")
        count.entries += 1
        count.summaries += not full
        title = plain(first_text(fields, "title"))
        link = first_text(fields, "link") or None
        guid = first_text(fields, "guid") or None
        post = Post(
            title=title,
            slug=slug_from(link or _web(guid), title, f"entry-{count.entries}"),
            body=full or first_text(fields, "description"),
            base=base_url_of(link, site),
            date=when(first_text(fields, "pubDate") or first_text(fields, "dc:date"), default_tz),
            authors=[plain(a) for key in ("dc:creator", "author")
                     for a in all_texts(fields, key)],
            tags=[plain(c) for c in all_texts(fields, "category")],
            excerpt=first_text(fields, "description") if full else "",
            url=link,
            guid=guid,
        )
        yield _entry(post, element, relpath, taken)


def atom_entries(elements: Iterator[tuple[str, Element, dict]], relpath: str,
                 default_tz: tzinfo = UTC, count: SummaryCount | None = None,
                 ) -> Iterator[ExportEntry]:
    count = count if count is not None else SummaryCount()
    site: str | None = None
    feed_authors: list[str] = []  # an entry without authors has the feed's
    taken: set[str] = set()
    for _, element, _ in elements:
        if element.tag == f"{{{ATOM}}}author":
            feed_authors += [text_of(n) for n in children(element).get("name", ())]
        if element.tag == f"{{{ATOM}}}link" and element.get("rel", "alternate") == "alternate":
            site = site or element.get("href")
        if element.tag != f"{{{ATOM}}}entry":
            continue
        fields = children(element)
        content, summary = _atom_text(fields.get("content")), _atom_text(fields.get("summary"))
        count.entries += 1
        count.summaries += not content
        title = plain(_atom_text(fields.get("title")))
        link = _alternate(fields.get("link", ()))
        post = Post(
            title=title,
            slug=slug_from(link, title, f"entry-{count.entries}"),
            body=content or summary,
            base=base_url_of(link, element.get(XML_BASE) or site),
            date=when(first_text(fields, "published") or first_text(fields, "updated"), default_tz),
            updated=when(first_text(fields, "updated"), default_tz),
            authors=[text_of(children(a).get("name", [None])[0])
                     for a in fields.get("author", ())],
            tags=[c.get("label") or c.get("term") or "" for c in fields.get("category", ())],
            excerpt=summary if content else "",
            url=link,
            guid=first_text(fields, "id") or None,
            body_is_text=_is_text(fields.get("content") or fields.get("summary")),
        )
        post.tags = [t for t in post.tags if t.strip()]
        post.authors = [a for a in post.authors if a] or [a for a in feed_authors if a]
        yield _entry(post, element, relpath, taken)


def _entry(post: Post, element: Element, relpath: str, taken: set[str]) -> ExportEntry:
    key = unique_key(post.slug, taken)
    content_hash, size = fingerprint(element)
    return ExportEntry(key, content_hash,
                       partial(make_document, post, f"{relpath}#{key}", content_hash), size=size)


def _atom_text(found: list[Element] | None) -> str:
    """An Atom text construct as HTML (or as text when its type is text)."""
    if not found:
        return ""
    element = found[0]
    if element.get("type") == "xhtml":
        return _as_html(element)
    return text_of(element)


def _as_html(element: Element) -> str:
    """The markup inside an Atom xhtml construct as HTML, which has no namespaces: the
    XHTML div may be declared (as the spec asks), undeclared inside a feed whose own
    namespace is prefixed, or hold elements with ``xmlns=""``; all read the same."""
    copy = deepcopy(element)
    for node in copy.iter():
        if isinstance(node.tag, str):
            node.tag = local_name(node.tag)
        for name in [name for name in node.attrib if name.startswith("{")]:
            node.attrib[local_name(name)] = node.attrib.pop(name)
    return "".join(tostring(child, encoding="unicode") for child in copy).strip()


def _is_text(found: list[Element] | None) -> bool:
    return bool(found) and found[0].get("type", "text") == "text" and \
        "<" not in text_of(found[0])


def _alternate(links: list[Element]) -> str | None:
    for link in links:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href")
    return None


def _web(value: str | None) -> str | None:
    return value if value and value.startswith(("http://", "https://")) else None

