"""Metadata of a saved blog page: JSON-LD, OpenGraph, <meta> and the page's own markup.

Each field has a fixed precedence, first found wins:

- title: JSON-LD headline, og:title, the article's h1, <title> without the site-name suffix
- date: JSON-LD datePublished, article:published_time, <time datetime> (a "published" one
  first) or <abbr class="published" title> (classic Blogger), then a /YYYY/MM/DD/ date in
  the canonical URL
- updated: JSON-LD dateModified, article:modified_time, <time class="updated">
- authors: JSON-LD author names, <meta name="author">, rel=author links
- tags: meta keywords, article:tag, JSON-LD keywords, rel=tag links, tag/category links
  (links and rel=author are read inside the article element only: article, main,
  role=main, .hentry, .post, .post-outer, so sidebars do not count)
- summary: meta description, og:description (else the reader uses the first paragraph)
- url: <link rel="canonical">, og:url
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from .meta import as_list, unique

_ARTICLE_TYPES = {"article", "blogposting", "newsarticle", "posting", "socialmediaposting",
                  "techarticle", "report", "scholarlyarticle"}
_TITLE_SEPARATORS = re.compile(r"\s+[|—–·•:-]\s+")
_PUBLISHED_CLASS = re.compile(r"published|entry-date|post-date|dt-published|date--published",
                              re.I)
_UPDATED_CLASS = re.compile(r"updated|modified", re.I)
_TAG_LINK = re.compile(r"(/tags?/|/category/|/categories/|[?&](tag|category)=)", re.I)


@dataclass
class PageMeta:
    title: str = ""
    date: str | None = None
    updated: str | None = None
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    summary: str = ""
    url: str | None = None


_ARTICLE_XPATHS = (
    "//article", "//main", "//*[@role='main']",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' hentry ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' post ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' post-outer ')]",
)


def article_element(root: HtmlElement) -> HtmlElement | None:
    """The element holding the essay and its own metadata, so that a sidebar's category
    list or author widget is not read as the essay's."""
    for xpath in _ARTICLE_XPATHS:
        found = root.xpath(xpath)
        if found:
            return found[0]
    return None


def page_meta(root: HtmlElement, article: HtmlElement | None) -> PageMeta:
    """Read every metadata field of a page by the precedence in this module's docstring."""
    ld = _json_ld_article(root)
    metas = _meta_values(root)
    scope = article if article is not None else root
    times = scope.xpath(".//time[@datetime]")
    # Older platforms (classic Blogger) date posts with <abbr class="published" title=...>.
    times += [element for element in scope.xpath(".//abbr[@title]")
              if _PUBLISHED_CLASS.search(element.get("class", ""))
              or element.get("itemprop") == "datePublished"]
    published_time = next((t for t in times if _PUBLISHED_CLASS.search(t.get("class", ""))),
                          None)
    if published_time is None:  # (elements are never tested for truth: childless is false)
        published_time = next(
            (t for t in times if not _UPDATED_CLASS.search(t.get("class", ""))), None)
    updated_time = next((t for t in times if _UPDATED_CLASS.search(t.get("class", ""))), None)
    url = _link_href(root, "canonical") or _first(metas.get("og:url"))
    return PageMeta(
        title=_clean(_str(ld.get("headline")) or _first(metas.get("og:title"))
                     or _h1(article) or _page_title(root, metas)),
        date=_str(ld.get("datePublished")) or _first(metas.get("article:published_time"))
        or (_when(published_time) if published_time is not None else None),
        updated=_str(ld.get("dateModified")) or _first(metas.get("article:modified_time"))
        or (_when(updated_time) if updated_time is not None else None),
        authors=unique(_ld_names(ld.get("author")) or as_list(_first(metas.get("author")))
                       or [_clean(a.text_content()) for a in scope.iter("a")
                           if "author" in (a.get("rel") or "").lower().split()]),
        tags=unique(_tags(scope, metas, ld)),
        summary=_clean(_first(metas.get("description")) or _first(metas.get("og:description"))),
        url=url or None,
    )


def _when(element: HtmlElement) -> str | None:
    return element.get("datetime") or element.get("title")


def _json_ld_article(root: HtmlElement) -> dict:
    for script in root.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (json.JSONDecodeError, TypeError):
            continue
        for node in _ld_nodes(data):
            types = node.get("@type")
            types = types if isinstance(types, list) else [types]
            if any(str(t).lower() in _ARTICLE_TYPES for t in types):
                return node
    return {}


def _ld_nodes(data: object):
    if isinstance(data, list):
        for item in data:
            yield from _ld_nodes(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _ld_nodes(data["@graph"])


def _ld_names(value: object) -> list[str]:
    if isinstance(value, list):
        return [name for item in value for name in _ld_names(item)]
    if isinstance(value, dict):
        return [_clean(_str(value.get("name")))] if value.get("name") else []
    if isinstance(value, str) and value.strip():
        return [_clean(value)]
    return []


def _meta_values(root: HtmlElement) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for meta in root.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        content = meta.get("content")
        if key and content and content.strip():
            values.setdefault(key.strip().lower(), []).append(content.strip())
    return values


def _tags(scope: HtmlElement, metas: dict, ld: dict) -> list[str]:
    tags = as_list(_first(metas.get("keywords")))
    tags += metas.get("article:tag", [])
    keywords = ld.get("keywords")
    tags += as_list(keywords) if isinstance(keywords, (str, list)) else []
    for link in scope.iter("a"):
        href = link.get("href")
        if href is None:
            continue
        rel = (link.get("rel") or "").lower().split()
        if "tag" in rel or _TAG_LINK.search(href):
            label = " ".join(link.text_content().split()).lstrip("#")
            if label and len(label) <= 50:
                tags.append(label)
    return [" ".join(tag.split()) for tag in tags if tag.strip()]


def _h1(article: HtmlElement | None) -> str:
    heading = next(article.iter("h1"), None) if article is not None else None
    return " ".join(heading.text_content().split()) if heading is not None else ""


def _page_title(root: HtmlElement, metas: dict) -> str:
    element = next(root.iter("title"), None)
    if element is None:
        return ""
    title = _clean(element.text_content())
    site = _first(metas.get("og:site_name"))
    separators = list(_TITLE_SEPARATORS.finditer(title))
    if not separators:
        return title
    last = separators[-1]
    suffix = title[last.end():]
    if site is None or suffix == _clean(site):
        return title[: last.start()]
    return title


def _link_href(root: HtmlElement, rel: str) -> str | None:
    for link in root.iter("link"):
        if rel in (link.get("rel") or "").lower().split() and link.get("href"):
            return link.get("href").strip()
    return None


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())
