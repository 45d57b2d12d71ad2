"""Markdown essays, with or without front matter (YAML, TOML or JSON)."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from ..model import Document
from ..urls import web_url
from .base import Reader, SourceFile
from .errors import ReadError
from .frontmatter import split_front_matter
from .htmltext import first_paragraph, html_to_text
from .meta import (
    as_list,
    dated_name_fix,
    first_of,
    shorten,
    slugify,
    to_datetime,
    undated_warning,
    unique,
)
from .registry import register
from .templates import strip_templates

_RENDERER = MarkdownIt("commonmark", {"html": True}).enable("table").use(footnote_plugin)
# The heading's line whole; its closing #s are stripped after (a pattern that leaves them
# out takes time growing with the square of the line's length).
_ATX_TITLE = re.compile(r"\A\s*#[ \t]+([^\n]+)")
_UPDATED_KEYS = ("updated", "lastmod", "modified", "last_modified_at")
_MORE = re.compile(r"<!--\s*more\s*-->", re.I)


# Obsidian's wiki links: [[Page]] reads "Page", [[Page|label]] reads "label".
_WIKI_LINK = re.compile(r"\[\[([^\[\]|]+)(?:\|([^\[\]]+))?\]\]")


def render_markdown(body: str) -> str:
    return _RENDERER.render(_WIKI_LINK.sub(lambda m: (m.group(2) or m.group(1)).strip(), body))


@register
class MarkdownReader(Reader):
    extensions = (".md", ".markdown", ".mdown", ".mkd")

    def parse(self, source: SourceFile) -> Document:
        meta, body = split_front_matter(source.text)
        body = strip_templates(body)
        meta = _lift_zola_tables(meta)
        name_date, name_slug = source.name_date_and_slug()

        title = _text(first_of(meta, "title"))
        if not title:
            heading = _ATX_TITLE.match(body)
            if heading:
                title = heading.group(1).rstrip(" \t#").strip()
                body = body[heading.end():]
        if not title:
            title = source.stem
            source.warn("no title; using the file name")

        excerpt_md = None
        more = _MORE.search(body)
        if more:
            excerpt_md = body[: more.start()]
            body = body[: more.start()] + body[more.end():]

        html = render_markdown(body)
        text = html_to_text(html)
        if not text:
            raise ReadError("no text after the front matter")

        summary = _text(first_of(meta, "summary", "description", "excerpt"))
        if not summary:
            summary = html_to_text(render_markdown(excerpt_md)) if excerpt_md else ""
            summary = shorten(summary or first_paragraph(text))

        date = self._date(source, meta, ("date", "published", "pubdate"))
        if date is None and name_date is not None:
            date = to_datetime(name_date, source.default_tz)
        if date is None:
            source.warn(undated_warning("no date in front matter or file name",
                                        "add date: YYYY-MM-DD to its front matter "
                                        + dated_name_fix(source.relpath)))

        return Document(
            slug=slugify(_text(meta.get("slug"))) or name_slug,
            title=title,
            source=source.relpath,
            html=html,
            text=text,
            date=date,
            updated=self._date(source, meta, _UPDATED_KEYS),
            authors=unique(as_list(first_of(meta, "authors", "author"))),
            tags=unique(as_list(meta.get("tags")) + as_list(meta.get("categories"))
                        + as_list(meta.get("keywords"))),
            summary=summary,
            url=self._canonical(source, meta),
            guid=_text(first_of(meta, "guid", "id")) or None,
            draft=meta.get("draft") is True or str(meta.get("published", "")).lower() == "false",
            url_fields=url_fields(meta),
            **_related_choices(source, meta.get("related")),
        )

    @staticmethod
    def _canonical(source: SourceFile, meta: dict) -> str | None:
        given = _text(first_of(meta, "canonical_url", "canonical"))
        url = web_url(given)
        if given and url is None:
            source.warn(f"canonical URL {given!r} is not an absolute http(s) URL; ignored")
        return url

    @staticmethod
    def _date(source: SourceFile, meta: dict, keys: tuple[str, ...]):
        value = first_of(meta, *keys)
        if isinstance(value, bool):
            return None
        try:
            return to_datetime(value, source.default_tz)
        except ValueError as exc:
            source.warn(f"{exc}; ignored")
            return None


URL_KEYS = ("url", "permalink", "slug", "category", "categories")


def url_fields(meta: dict) -> dict:
    """The front matter that decides a page's URL on a site (permalinks.py), kept as text
    and lists of text; ``permalink: false`` (Eleventy's "no page") as False."""
    kept: dict = {}
    for key in URL_KEYS:
        value = meta.get(key)
        if value is False and key == "permalink":
            kept[key] = False
        elif key == "permalink" and isinstance(value, dict) and \
                isinstance(value.get("build"), str):
            kept[key] = {"build": value["build"]}  # Eleventy's permalink: {build: ...}
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            kept[key] = str(value)
        elif isinstance(value, list):
            kept[key] = [str(item) for item in value
                         if isinstance(item, str | int | float) and not isinstance(item, bool)]
    return kept


def _lift_zola_tables(meta: dict) -> dict:
    """Zola keeps tags in [taxonomies] and the author in [extra]; read them like the rest."""
    taxonomies = meta.get("taxonomies")
    extra = meta.get("extra")
    if not isinstance(taxonomies, dict) and not isinstance(extra, dict):
        return meta
    meta = dict(meta)
    if isinstance(taxonomies, dict):
        for key in ("tags", "categories"):
            meta[key] = as_list(meta.get(key)) + as_list(taxonomies.get(key))
    if isinstance(extra, dict):
        for key in ("author", "authors"):
            if key in extra and key not in meta:
                meta[key] = extra[key]
    return meta


def _related_choices(source: SourceFile, value: object) -> dict[str, list[str]]:
    """``related: [slugs]`` pins essays; ``related: {pin: [...], exclude: [...]}`` also
    keeps some out."""
    if value is None:
        return {}
    if isinstance(value, (list, str)):
        value = {"pin": value}
    if not isinstance(value, dict):
        source.warn("related: should be a list of slugs or {pin: [...], exclude: [...]}; "
                    "ignored")
        return {}
    return {"related_pins": [slugify(s) for s in as_list(value.get("pin"))],
            "related_exclude": [slugify(s) for s in as_list(value.get("exclude"))]}


def _text(value: object) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return " ".join(str(value).split())
