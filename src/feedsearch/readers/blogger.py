"""Blogger's export: one Atom feed in which posts, pages, comments, the blog's settings and
its template are all entries.

Two shapes of it exist, and both are read:

- The classic one (Settings > "Back up content", once "Export blog"; ``blog-MM-DD-YYYY.xml``):
  the root declares Google Data's namespace (``xmlns:gd``, with ``thr``, ``georss`` and
  ``openSearch``) and the generator is "Blogger". What an entry is says a category in the
  kind scheme (``http://schemas.google.com/g/2005#kind``) whose term is
  ``http://schemas.google.com/blogger/2008/kind#post``, ``#page``, ``#comment``,
  ``#settings`` or ``#template``; a draft holds ``<app:control><app:draft>yes</app:draft>``
  (the app namespace declared on the element); a comment points at its post with
  ``thr:in-reply-to``; labels are categories in the scheme ``http://www.blogger.com/atom/ns#``;
  a published post's address is its ``<link rel="alternate">`` (a draft has none), and the
  blog's own is the feed's.
- Google Takeout's ``feed.atom`` (namespace ``http://schemas.google.com/blogger/2018``):
  ``<blogger:type>`` says POST, PAGE or COMMENT, ``<blogger:status>`` LIVE, DRAFT,
  SCHEDULED, SOFT_TRASHED or DELETED; ``<blogger:filename>`` is the post's path on the blog
  (``/2021/03/slug.html``), ``<blogger:parent>`` a comment's post, ``<blogger:created>``
  when the post was begun and ``<blogger:metaDescription>`` its search description. There
  are no links: the blog's address is not in the file, so a post's URL is its path joined
  to the blog's address only when the file gives one.

Either way an entry's ``<id>`` (``tag:blogger.com,1999:blog-NNN.post-NNN``) is the essay's
guid, so that readers who followed the Blogger feed do not see its posts again.

A Blogger feed saved as readers get it (``/feeds/posts/default``) declares the same
namespaces; its entries have no kind category and are posts (comments when they reply to
one), as the Atom reader would have read them.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from urllib.parse import urljoin
from xml.etree.ElementTree import Element

from ..urls import web_url
from .base import InputFile, Reader, ReadSettings
from .exportbase import (
    ExportEntry,
    Post,
    children,
    fingerprint,
    first_text,
    make_document,
    plain,
    slug_from,
    unique_key,
    when,
)
from .feedxml import ATOM, _alternate, _atom_text, _is_text
from .posthtml import base_url_of
from .registry import register
from .xmlstream import XmlHead, elements_after_root, local_name, text_of

BLOGGER_2018 = "http://schemas.google.com/blogger/2018"  # Takeout's feed.atom
BLOGGER_2008 = "http://schemas.google.com/blogger/2008"  # Blogger's own feeds
GDATA = "http://schemas.google.com/g/2005"  # the classic export (and Blogger's feeds)
BLOGGER_NAMESPACES = frozenset({BLOGGER_2018, BLOGGER_2008, GDATA})
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
KIND_PREFIX = "http://schemas.google.com/blogger/2008/kind#"
THREAD = "http://purl.org/syndication/thread/1.0"

# What an entry that is not an essay is called in the build's note ("3 comments, 61
# settings, 1 template"): names that read as nouns when an "s" is added.
_LEFT_OUT = {"comment": "comment", "settings": "setting", "template": "template",
             "layout": "template"}
_ESSAY_KINDS = frozenset({"post", "page"})
_PUBLISHED = frozenset({"", "LIVE", "SCHEDULED"})  # scheduled: the build holds it to its date
_PLACEHOLDER_NAME = re.compile(r"/blog-post(?:_\d+)?\.html?$", re.I)
_TAG = re.compile(r"<[^>]*>")
_MEDIA = re.compile(r"<(?:img|iframe|video|audio|object|embed)\b", re.I)
# src="//1.bp.blogspot.com/...": Blogger's images, which are served over https.
_SCHEME_RELATIVE = re.compile(r"""(\s(?:src|href|srcset)\s*=\s*["']?)//(?=[^/\s])""", re.I)


@register
class BloggerReader(Reader):
    """A Blogger export (classic or Takeout): an Atom feed whose root declares Google
    Data's or Blogger's namespace. Asked before the Atom reader, which would take it too
    and make essays of its comments, settings and template."""

    extensions = (".xml", ".atom")
    container = "xml"
    kind, label = "blogger", "Blogger export"

    @classmethod
    def accepts(cls, head: XmlHead) -> bool:
        return head.name == "feed" and head.uri == ATOM and \
            any(uri in BLOGGER_NAMESPACES for uri in head.namespaces)

    def entries(self, file: InputFile) -> Iterator[ExportEntry]:
        count = _Count()
        yield from blogger_entries(elements_after_root(file.path), file.relpath,
                                   file.settings, count)
        file.warnings += count.warnings()


@dataclass
class _Count:
    """What the file held, for the one warning a file of comments only gets."""

    posts: int = 0  # posts and pages, whatever their status
    comments: int = 0

    def warnings(self) -> list[str]:
        if self.posts or not self.comments:
            return []
        return [f"the file holds {self.comments} comment{'s' * (self.comments != 1)} and "
                "no posts, so no essays: comments are never essays (the blog's posts are "
                "in its export from Blogger's settings, or in Google Takeout's feed.atom)"]


def blogger_entries(elements: Iterator[tuple[str, Element, dict]], relpath: str,
                    settings: ReadSettings | None = None, count: _Count | None = None,
                    ) -> Iterator[ExportEntry]:
    """One entry per entry of the feed, in file order."""
    settings = settings if settings is not None else ReadSettings()
    count = count if count is not None else _Count()
    site: str | None = None
    feed_authors: list[str] = []
    taken: set[str] = set()
    for _, element, _ in elements:
        tag = element.tag
        if tag == f"{{{ATOM}}}author":
            feed_authors += [text_of(n) for n in children(element).get("name", ())]
        elif tag == f"{{{ATOM}}}link" and element.get("rel", "alternate") == "alternate":
            site = site or web_url(element.get("href"))
        elif tag == f"{{{ATOM}}}entry":
            yield _entry(element, relpath, settings, site, feed_authors, taken, count)


def _entry(element: Element, relpath: str, settings: ReadSettings, site: str | None,
           feed_authors: list[str], taken: set[str], count: _Count) -> ExportEntry:
    fields = children(element)
    kind = _kind(fields)
    if kind == "comment":
        count.comments += 1
    if kind not in _ESSAY_KINDS:
        return ExportEntry(left_out=_LEFT_OUT.get(kind, kind))
    count.posts += 1
    if kind == "page" and not settings.include_pages:
        return ExportEntry(left_out="page")
    status = _field(fields, "status").upper()
    if status == "DELETED":
        return ExportEntry(left_out=f"deleted {kind}")
    if status == "SOFT_TRASHED":
        return ExportEntry(left_out="trash")
    if status not in _PUBLISHED and status != "DRAFT":
        return ExportEntry(left_out=status.lower().replace("_", " "))
    content, summary = _atom_text(fields.get("content")), _atom_text(fields.get("summary"))
    body = content or summary
    if _empty(body):
        return ExportEntry(left_out=f"empty {kind}")
    title = plain(_atom_text(fields.get("title")))
    guid = first_text(fields, "id")
    filename = _field(fields, "filename")
    link = _alternate(fields.get("link", ()))
    if link is None and filename and site:
        link = urljoin(site, filename)
    post = Post(
        title=title,
        slug=_slug(link or filename, title, _fallback_slug(kind, guid, taken)),
        body=_SCHEME_RELATIVE.sub(r"\1https://", body),
        base=base_url_of(link, site),
        date=_utc(when(first_text(fields, "published"), settings.default_tz)
                  or when(_field(fields, "created"), settings.default_tz)),
        updated=_utc(when(first_text(fields, "updated"), settings.default_tz)),
        authors=[a for a in (text_of(children(author).get("name", [None])[0])
                             for author in fields.get("author", ())) if a]
        or [a for a in feed_authors if a],
        tags=_labels(fields),
        excerpt=_field(fields, "metaDescription") or (summary if content else ""),
        url=link,
        guid=guid or None,
        draft=status == "DRAFT" or _app_draft(element),
        body_is_text=_is_text(fields.get("content") or fields.get("summary")),
    )
    key = unique_key(post.slug, taken)
    content_hash, size = fingerprint(element)
    return ExportEntry(key, content_hash,
                       partial(make_document, post, f"{relpath}#{key}", content_hash), size=size)


def _field(fields: dict[str, list[Element]], name: str) -> str:
    """A field of Takeout's namespace: ``_field(fields, "status")`` is <blogger:status>."""
    return first_text(fields, f"{BLOGGER_2018}:{name}")


def _kind(fields: dict[str, list[Element]]) -> str:
    """"post", "page", "comment", "settings", "template"... from <blogger:type> (Takeout)
    or the kind category (classic). An entry with neither is from a feed of Blogger's as
    readers get it: a comment when it replies to something, else a post or a page."""
    declared = _field(fields, "type")
    if declared:
        return declared.lower()
    for category in fields.get("category", ()):
        term = category.get("term", "")
        if category.get("scheme") == KIND_SCHEME and term.startswith(KIND_PREFIX):
            return term[len(KIND_PREFIX):].lower() or "post"
    if f"{THREAD}:in-reply-to" in fields or _field(fields, "parent"):
        return "comment"
    return "page" if ".page-" in first_text(fields, "id") else "post"


def _labels(fields: dict[str, list[Element]]) -> list[str]:
    """Every category but the kind: labels are in the scheme http://www.blogger.com/atom/ns#
    in the classic export and the blog's own tag in Takeout's."""
    return [plain(c.get("term", "")) for c in fields.get("category", ())
            if c.get("scheme") != KIND_SCHEME and c.get("term", "").strip()]


def _app_draft(element: Element) -> bool:
    """<app:control><app:draft>yes</app:draft></app:control>, in whichever version of the
    Atom Publishing Protocol's namespace the file uses."""
    return any(local_name(control.tag) == "control" and
               any(local_name(d.tag) == "draft" and text_of(d).lower() == "yes"
                   for d in control)
               for control in element)


def _empty(body: str) -> bool:
    """A body with no words and no pictures (Blogger keeps posts whose text was never
    written, and the wrappers its editor adds)."""
    if _MEDIA.search(body):
        return False
    return not htmllib.unescape(_TAG.sub(" ", body)).strip()


def _slug(address: str | None, title: str, fallback: str) -> str:
    """The post's name in its address, as on the blog; but Blogger names a post whose
    title has no ASCII letters (Greek, Japanese...) "blog-post.html" or "blog-post_21.html"
    (its day), and then the title makes a better one."""
    if address and _PLACEHOLDER_NAME.search(address):
        address = None
    return slug_from(address, title, fallback)


def _fallback_slug(kind: str, guid: str, taken: set[str]) -> str:
    """"post-1858599377741856733" from the entry's id, for a post with neither address nor
    title."""
    number = re.search(r"(\d+)\s*$", guid)
    return f"{kind}-{number.group(1) if number else len(taken) + 1}"


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None
