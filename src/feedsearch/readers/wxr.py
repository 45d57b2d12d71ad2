"""WordPress eXtended RSS (WXR): the export file of WordPress, Squarespace and other hosts.

Facts of the format this relies on: the channel lists ``wp:author`` entries (login ->
display name) before the items; each item's ``dc:creator`` is a login; ``wp:post_date_gmt``
is UTC and reads "0000-00-00 00:00:00" for a post never published, when ``wp:post_date`` (the
blog's local time) is all there is; ``wp:status`` and ``wp:post_type`` say what an item is;
categories and tags are ``<category domain="category|post_tag">``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, tzinfo
from functools import partial
from urllib.parse import unquote, urljoin
from xml.etree.ElementTree import Element

from ..urls import web_url
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
    unique_key,
    when,
)
from .meta import slugify
from .posthtml import base_url_of
from .registry import register
from .xmlstream import XmlHead, elements_after_root, text_of

DRAFT_STATUSES = frozenset({"draft", "pending", "auto-draft"})
PUBLISHED_STATUSES = frozenset({"publish"}) | DRAFT_STATUSES
DEFAULT_CATEGORIES = frozenset({"uncategorized"})
EXPORT_NAMESPACE = "wordpress.org/export/"  # after http:// or, from WordPress.com, https://


@register
class WxrReader(Reader):
    """A WordPress (WXR) export: an RSS file whose root declares WordPress's export
    namespace. Asked before the RSS reader, which would take it too."""

    extensions = (".xml", ".rss", ".atom")
    container = "xml"
    kind, label = "wxr", "WordPress export"

    @classmethod
    def accepts(cls, head: XmlHead) -> bool:
        return head.name == "rss" and any(is_export_namespace(uri)
                                          for uri in head.namespaces)

    def entries(self, file: InputFile) -> Iterator[ExportEntry]:
        return wxr_entries(elements_after_root(file.path), file.relpath,
                           file.settings.default_tz, file.settings.include_pages)


def is_export_namespace(uri: str) -> bool:
    """WXR 1.0 to 1.2, as self-hosted WordPress (http) and WordPress.com (https) write it."""
    return uri.partition("://")[2].startswith(EXPORT_NAMESPACE)


def wxr_entries(elements: Iterator[tuple[str, Element, dict]], relpath: str,
                default_tz: tzinfo = UTC, include_pages: bool = False,
                ) -> Iterator[ExportEntry]:
    """One entry per item of the channel, in file order."""
    authors: dict[str, str] = {}
    site: str | None = None
    taken: set[str] = set()
    for _, element, _ in elements:
        fields = children(element)
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "author" and "wp:author_login" in fields:
            login = first_text(fields, "wp:author_login")
            authors[login] = first_text(fields, "wp:author_display_name") or login
        elif tag in ("base_blog_url", "base_site_url", "link") and site is None:
            site = text_of(element) or None
        elif tag == "item":
            yield _entry(element, fields, relpath, default_tz, include_pages, authors,
                         site, taken)


def _entry(element: Element, fields: dict, relpath: str, default_tz: tzinfo,
           include_pages: bool, authors: dict[str, str], site: str | None,
           taken: set[str]) -> ExportEntry:
    kind = first_text(fields, "wp:post_type") or "post"
    status = first_text(fields, "wp:status") or "publish"
    if kind not in ("post", "page"):
        return ExportEntry(left_out=kind)
    if kind == "page" and not include_pages:
        return ExportEntry(left_out="page")
    if status == "future":  # scheduled, not yet published when the blog was exported
        return ExportEntry(left_out="scheduled post")
    if status not in PUBLISHED_STATUSES:
        return ExportEntry(left_out=status)
    if first_text(fields, "wp:post_password"):
        return ExportEntry(left_out="password")
    title = plain(first_text(fields, "title"))
    post_id = first_text(fields, "wp:post_id")
    slug = slugify(unquote(first_text(fields, "wp:post_name"))) or slugify(title) or \
        f"post-{post_id or len(taken) + 1}"
    link = _absolute(first_text(fields, "link"), site)
    post = Post(
        title=title,
        slug=slug,
        body=first_text(fields, "content:encoded"),
        base=base_url_of(link, site),
        date=when(first_text(fields, "wp:post_date_gmt"), UTC)
        or when(first_text(fields, "wp:post_date"), default_tz),
        updated=when(first_text(fields, "wp:post_modified_gmt"), UTC)
        or when(first_text(fields, "wp:post_modified"), default_tz),
        authors=[authors.get(login, login) for login in all_texts(fields, "dc:creator")],
        tags=[plain(text_of(c)) for c in fields.get("category", ())
              if c.get("domain", "category") in ("category", "post_tag")
              and text_of(c) and not _default_category(c)],
        excerpt=first_text(fields, "excerpt:encoded"),
        url=link,
        guid=first_text(fields, "guid") or None,
        draft=status in DRAFT_STATUSES,
    )
    key = unique_key(slug, taken)
    content_hash, size = fingerprint(element)
    return ExportEntry(key, content_hash,
                       partial(make_document, post, f"{relpath}#{key}", content_hash), size=size)


def _absolute(link: str, site: str | None) -> str | None:
    """A post's own address: Squarespace writes it as a path ("/journal/the-bench"), which
    is the site's address (the channel's link) joined with it."""
    if not link or web_url(link) or not site or not web_url(site):
        return link or None
    return urljoin(site, link)


def _default_category(category: Element) -> bool:
    return category.get("domain", "category") == "category" and (
        (category.get("nicename") or text_of(category)).casefold() in DEFAULT_CATEGORIES)

