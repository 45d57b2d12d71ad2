"""OUT/feeds/index.html (``--feeds-page``, on by default): the site's feeds, for people.

A feed opened in a browser is a screen of XML, and the XSL stylesheet that once made it a
page (``--xsl``) works in fewer browsers each year, as they remove XSLT. This page needs
nothing but HTML: it lists every feed the build writes (the site's RSS, Atom and JSON Feed,
then each tag's and each author's feeds, with the number of essays each draws on), each
with its whole address in a read-only field to select and copy into a feed reader, and the
newest essays, the entries of the site's feeds. Its head carries the autodiscovery links
of the site's feeds, and the feeds link back to it (feeds.py, ``_link_page``).

The feeds are planned as the feeds output plans them (``feed_specs``), so the page lists
exactly the feeds written. It is rendered from the templates' Jinja2 environment
(autoescaped: a title or tag holding markup is shown as text) with its style inline.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from ..model import Document
from ..settings import FEEDS_PAGE_NAME, BuildOptions, FeedSite
from . import Output, OutputContext, Rendered, register

TEMPLATE = "feeds.html"
# Each format's name on the page, its file and its media type (autodiscovery's ``type``).
FORMATS = {
    "rss": ("RSS", "feed.xml", "application/rss+xml"),
    "atom": ("Atom", "atom.xml", "application/atom+xml"),
    "json": ("JSON Feed", "feed.json", "application/feed+json"),
}
GROUPS = (("tags", "Tags", "tag"), ("authors", "Authors", "author"))  # folder, heading, noun


@dataclass(frozen=True)
class FeedLink:
    """One feed file as the page shows it."""

    format: str  # "RSS", "Atom", "JSON Feed"
    url: str  # absolute: what a reader subscribes to
    type: str  # its media type
    id: str  # the id of its field on the page


@dataclass(frozen=True)
class FeedGroup:
    """A feed in its formats: the site's, a tag's or an author's."""

    label: str
    anchor: str
    count: int  # the essays it draws on (it carries the newest of them)
    links: list[FeedLink]


@dataclass(frozen=True)
class Newest:
    title: str
    url: str | None  # None: not a web address, shown unlinked
    date: str  # YYYY-MM-DD
    datetime: str  # ISO 8601, for <time>


def page_plan(documents: list[Document], site: FeedSite):
    """The feeds the build writes, grouped (the site's first, then tags and authors), and
    the newest entries, the site feed's."""
    from ..feedplan import feed_specs

    # Every member of each feed, to count them; the feeds carry the newest site.limit.
    specs = feed_specs(documents, replace(site, limit=max(1, len(documents))))
    site_spec, others = specs[0], specs[1:]
    site_group = _group(site, site_spec, "All essays", ("rss", "atom", "json"))
    groups: dict[str, list[FeedGroup]] = {folder: [] for folder, _, _ in GROUPS}
    for spec in others:
        folder = spec.folder.split("/", 1)[0]
        label = spec.title.removeprefix(f"{site.title}: ")
        groups[folder].append(_group(site, spec, label, ("rss", "atom")))
    newest = [_newest(document) for document in site_spec.entries[: site.limit]]
    return site_group, [(folder, title, noun, groups[folder]) for folder, title, noun in GROUPS
                        if groups[folder]], newest


def _group(site: FeedSite, spec, label: str, formats: tuple[str, ...]) -> FeedGroup:
    links = [FeedLink(FORMATS[key][0], spec.url(site, FORMATS[key][1]), FORMATS[key][2],
                      f"{spec.anchor}-{key}") for key in formats]
    return FeedGroup(label, spec.anchor, len(spec.entries), links)


def _newest(document: Document) -> Newest:
    from ..sanitize import feed_title
    from ..urls import is_web_address

    url = document.url if document.url and is_web_address(document.url) else None
    assert document.date is not None  # feeds hold dated essays only
    return Newest(feed_title(document), url, document.date.strftime("%Y-%m-%d"),
                  document.date.isoformat())


def feeds_page_bytes(documents: list[Document], site: FeedSite) -> bytes:
    from ..pages import render
    from ..strings import counted

    site_group, groups, newest = page_plan(documents, site)
    html = render(TEMPLATE, inline_css=True, language=site.language, site_title=site.title,
                  description=site.description, home=site.base_url, site_feeds=site_group,
                  groups=groups, newest=newest, counted=counted)
    return html.encode("utf-8")


def _template_digest() -> str:
    """The template, the layout and the style sheet the page is made with: a changed one
    makes the page again, though the essays and settings are the same."""
    folder = resources.files("feedsearch").joinpath("templates")
    digest = hashlib.sha256()
    for name in (TEMPLATE, "base.html", "style.css"):
        digest.update(folder.joinpath(name).read_bytes())
    return digest.hexdigest()


@register
class FeedsPage(Output):
    name = "feeds-page"

    def enabled(self, options: BuildOptions) -> bool:
        return options.feeds_page

    def settings(self, options: BuildOptions, base_url: str) -> object:
        return options.feed_site(base_url), _template_digest()

    def render(self, context: OutputContext, previous: object) -> Rendered:
        site = context.options.feed_site(context.base_url)
        return Rendered({FEEDS_PAGE_NAME: feeds_page_bytes(context.documents, site)})

    def summary(self, out: Path, names: list[str]) -> list[str]:
        return [f"         {out / FEEDS_PAGE_NAME} (every feed, to subscribe)"]
