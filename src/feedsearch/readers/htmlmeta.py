"""Metadata of a saved blog page: JSON-LD, OpenGraph, <meta> and the page's own markup.

Each field has a fixed precedence, first found wins:

- title: JSON-LD headline, og:title, the article's h1, <title> without the site-name suffix
- date: JSON-LD datePublished, article:published_time, <time datetime> (a "published" one
  first), then a /YYYY/MM/DD/ date in the canonical URL
- updated: JSON-LD dateModified, article:modified_time, <time class="updated">
- authors: JSON-LD author names, <meta name="author">, rel=author links
- tags: meta keywords, article:tag, JSON-LD keywords, rel=tag links, tag/category links
- summary: meta description, og:description (else the reader uses the first paragraph)
- url: <link rel="canonical">, og:url
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag

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


def page_meta(soup: BeautifulSoup, article: Tag | None) -> PageMeta:
    """Read every metadata field of a page by the precedence in this module's docstring."""
    ld = _json_ld_article(soup)
    metas = _meta_values(soup)
    scope = article or soup
    published_time = scope.find("time", class_=_PUBLISHED_CLASS, datetime=True) or next(
        (t for t in scope.find_all("time", datetime=True)
         if not _UPDATED_CLASS.search(" ".join(t.get("class") or []))), None)
    updated_time = scope.find("time", class_=_UPDATED_CLASS, datetime=True)
    url = _link_href(soup, "canonical") or _first(metas.get("og:url"))
    return PageMeta(
        title=_clean(_str(ld.get("headline")) or _first(metas.get("og:title"))
                     or _h1(article) or _page_title(soup, metas)),
        date=_str(ld.get("datePublished")) or _first(metas.get("article:published_time"))
        or (published_time.get("datetime") if published_time else None),
        updated=_str(ld.get("dateModified")) or _first(metas.get("article:modified_time"))
        or (updated_time.get("datetime") if updated_time else None),
        authors=unique(_ld_names(ld.get("author")) or as_list(_first(metas.get("author")))
                       or [_clean(a.get_text(" ")) for a in scope.select('a[rel~="author"]')]),
        tags=unique(_tags(soup, scope, metas, ld)),
        summary=_clean(_first(metas.get("description")) or _first(metas.get("og:description"))),
        url=url or None,
    )


def _json_ld_article(soup: BeautifulSoup) -> dict:
    for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
        try:
            data = json.loads(script.string or "")
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


def _meta_values(soup: BeautifulSoup) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for meta in soup.find_all("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        content = meta.get("content")
        if key and content and content.strip():
            values.setdefault(key.strip().lower(), []).append(content.strip())
    return values


def _tags(soup: BeautifulSoup, scope: Tag | BeautifulSoup, metas: dict, ld: dict) -> list[str]:
    tags = as_list(_first(metas.get("keywords")))
    tags += metas.get("article:tag", [])
    keywords = ld.get("keywords")
    tags += as_list(keywords) if isinstance(keywords, (str, list)) else []
    for link in scope.find_all("a", href=True):
        rel = " ".join(link.get("rel") or []).lower()
        if "tag" in rel.split() or _TAG_LINK.search(link["href"]):
            label = link.get_text(" ", strip=True).lstrip("#")
            if label and len(label) <= 50:
                tags.append(label)
    return [" ".join(tag.split()) for tag in tags if tag.strip()]


def _h1(article: Tag | None) -> str:
    heading = article.find("h1") if article is not None else None
    return heading.get_text(" ", strip=True) if heading else ""


def _page_title(soup: BeautifulSoup, metas: dict) -> str:
    if soup.title is None:
        return ""
    title = _clean(soup.title.get_text(" ", strip=True))
    site = _first(metas.get("og:site_name"))
    separators = list(_TITLE_SEPARATORS.finditer(title))
    if not separators:
        return title
    last = separators[-1]
    suffix = title[last.end():]
    if site is None or suffix == _clean(site):
        return title[: last.start()]
    return title


def _link_href(soup: BeautifulSoup, rel: str) -> str | None:
    link = soup.find("link", rel=lambda value: value and rel in value, href=True)
    return link["href"].strip() if link else None


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())
