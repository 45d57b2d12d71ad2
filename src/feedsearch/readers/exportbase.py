"""What the export readers (WordPress WXR, saved RSS and Atom feeds) share: one entry per
post, a fingerprint of it, and the Document made from its fields."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from html import escape
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

from ..model import Document
from ..urls import web_url
from .base import Entry
from .htmltext import first_paragraph, html_to_text
from .meta import shorten, slugify, to_datetime, undated_warning, unique
from .posthtml import post_body
from .xmlstream import local_name, namespace, text_of

_PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://www.w3.org/2005/Atom": "",
}


ExportEntry = Entry  # an entry of a file of many essays
_MEDIA = re.compile(r"<(img|video|audio|iframe|picture)\b", re.I)


@dataclass
class Post:
    """A post's fields, as strings taken from the export, before any HTML work."""

    title: str
    slug: str
    body: str
    base: str | None = None
    date: datetime | None = None
    updated: datetime | None = None
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    excerpt: str = ""
    url: str | None = None
    guid: str | None = None
    draft: bool = False
    body_is_text: bool = False


def xml_key(tag: str) -> str:
    """``content:encoded``, ``dc:creator``, ``wp:post_name``, ``excerpt:encoded`` or a
    plain name, whatever prefixes the file itself uses."""
    uri = namespace(tag)
    name = local_name(tag)
    if not uri:
        return name
    if uri.partition("://")[2].startswith("wordpress.org/export/"):  # http, or https
        return ("excerpt:" if uri.rstrip("/").endswith("excerpt") else "wp:") + name
    prefix = _PREFIXES.get(uri, uri)
    return f"{prefix}:{name}" if prefix else name


def children(element: Element) -> dict[str, list[Element]]:
    found: dict[str, list[Element]] = {}
    for child in element:
        found.setdefault(xml_key(child.tag), []).append(child)
    return found


def first_text(fields: dict[str, list[Element]], key: str) -> str:
    found = fields.get(key)
    return text_of(found[0]) if found else ""


def all_texts(fields: dict[str, list[Element]], key: str) -> list[str]:
    return [value for value in (text_of(e) for e in fields.get(key, ())) if value]


def fingerprint(element: Element) -> tuple[str, int]:
    """A hash of everything in an item (equal hashes, equal essays) and its size in bytes,
    which the file size limit bounds."""
    digest = hashlib.sha256()
    size = 0
    for node in element.iter():
        # The item's own tail (the space after it) is not part of it, and a streaming
        # parser may or may not have read it yet.
        tail = node.tail if node is not element else None
        data = (f"{node.tag}\0{sorted(node.attrib.items())}\0{node.text or ''}\0"
                f"{tail or ''}\x01").encode("utf-8", "surrogatepass")
        digest.update(data)
        size += len(data)
    return digest.hexdigest(), size


def unique_key(slug: str, taken: set[str]) -> str:
    key, n = slug, 2
    while key in taken:
        key = f"{slug}-{n}"
        n += 1
    taken.add(key)
    return key


def slug_from(url: str | None, title: str, fallback: str) -> str:
    """The last segment of a post's URL path, else its title, slugified."""
    if url:
        try:
            path = urlsplit(url).path.rstrip("/")
        except ValueError:  # "http://[::1": no path to take a slug from
            path = ""
        last = unquote(path.rsplit("/", 1)[-1])
        for suffix in (".html", ".htm", ".php"):
            last = last.removesuffix(suffix)
        if slugify(last) and not last.isdigit():
            return slugify(last)
    return slugify(title) or fallback


def plain(value: str) -> str:
    """Text that may hold markup or entities (feed titles often do) as plain words."""
    if "<" in value or "&" in value:
        return " ".join(html_to_text(value).split())
    return " ".join(value.split())


def when(value: str, default_tz: tzinfo = UTC) -> datetime | None:
    """A date from an export; WordPress's "0000-00-00 00:00:00" (no date yet) is None."""
    value = value.strip()
    if not value or value.startswith("0000-00-00"):
        return None
    try:
        return to_datetime(value, default_tz)
    except ValueError:
        return None


def make_document(post: Post, source: str, content_hash: str) -> Document:
    """The Document for a post: its body cleaned as every HTML essay is."""
    if post.body_is_text:
        text = post.body.strip()
        html = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n") if p.strip())
    else:
        html, text = post_body(post.body, post.title, post.base)
    warnings = [] if post.date or post.draft else [undated_warning(
        "no date in the post (or one that is not a date)",
        "give it a date on the platform and export again")]
    if not text.strip() and not _MEDIA.search(html):  # a picture or video alone is a post
        warnings.append("no text in the post; published with its title only")
    summary = plain(post.excerpt) if post.excerpt else ""
    return Document(
        slug=post.slug,
        title=post.title,
        source=source,
        html=html,
        text=text,
        date=post.date,
        updated=post.updated,
        authors=unique(post.authors),
        tags=unique(post.tags),
        summary=shorten(summary or first_paragraph(text)),
        url=web_url(post.url),
        guid=post.guid or None,
        draft=post.draft,
        content_hash=content_hash,
        base_slug=post.slug,
        warnings=warnings,
    )
