"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 from one list of entries.

feedgen writes RSS and Atom; it is wrapped here where it needs it: entries are appended in
our order (it prepends by default), every date is time-zone aware, the feed's update time
is the newest entry's (it defaults to now, which would change the file on every build),
XML-illegal characters are removed before it sees them (it raises on them), and the RSS
channel <link> is added last (feedgen uses whichever link came last). What feedgen cannot
write (xml:base, a WebSub hub link, the link to the feeds page, an XSL stylesheet) is added
to its output with lxml.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from pathlib import Path

from feedgen.feed import FeedGenerator
from lxml import etree

from . import __version__, faults, interrupts
from .feedplan import FeedSpec, feed_specs, newest_first, spec_key
from .jsonfeed import json_feed_bytes
from .model import Document
from .sanitize import clean_text, feed_html, feed_title
from .settings import STYLESHEET_NAME, FeedSite
from .urls import as_iri

# Also where feeds are planned, and JSON Feed: one import for users of the feed functions.
__all__ = ["FeedSite", "FeedSpec", "atom_bytes", "feed_files", "feed_specs", "json_feed_bytes",
           "newest_first", "render_feeds", "rss_bytes"]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ATOM_NS = "http://www.w3.org/2005/Atom"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


def _generator(site: FeedSite, spec: FeedSpec, self_url: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.id(spec.url(site, ""))
    fg.title(clean_text(spec.title))
    fg.description(clean_text(site.description or spec.title))
    fg.subtitle(clean_text(site.description or spec.title))
    fg.language(site.language)
    # Atom needs an author for every entry; the feed's covers entries that name none.
    fg.author({"name": clean_text(site.author or site.title)})
    fg.generator("feedsearch", __version__)
    fg.link(href=self_url, rel="self")
    fg.link(href=site.base_url, rel="alternate")  # last, so RSS's channel <link> is the site
    newest = max((d.updated or d.date for d in spec.entries), default=EPOCH)
    fg.updated(newest)
    fg.lastBuildDate(newest)
    for document in spec.entries:
        _add_entry(fg, document, site.full_content)
    return fg


def entry_identifier(document: Document) -> str:
    return clean_text(document.feed_id()) or document.url or ""


def _add_entry(fg: FeedGenerator, document: Document, full_content: bool) -> None:
    faults.inject("render", document.source)
    entry = fg.add_entry(order="append")
    url = document.url or ""
    identifier = entry_identifier(document)
    # Sets RSS's guid and Atom's id; _finish makes Atom's an IRI where it is not.
    entry.guid(identifier, permalink=identifier == url and url.startswith(("http:", "https:")))
    entry.title(feed_title(document))
    entry.link(href=url, rel="alternate")
    entry.published(document.date)
    entry.updated(document.updated or document.date)
    for author in document.authors:
        entry.author({"name": clean_text(author)})
        entry.dc.dc_creator(clean_text(author))
    for tag in document.tags:
        entry.category({"term": clean_text(tag)})
    # The summary is plain text; readers treat RSS <description> as HTML, so it goes in
    # escaped (the same string is Atom's summary, marked as HTML).
    entry.summary(escape(clean_text(document.summary), quote=False), type="html")
    if full_content:
        entry.content(feed_html(document.html, url), type="html")


def _finish(xml: bytes, site: FeedSite, atom: bool, spec: FeedSpec) -> bytes:
    """Add what feedgen cannot: Atom ids that are IRIs, xml:base on Atom content (the
    essay's URL), the link to the feeds page, a WebSub hub link, an XSL stylesheet."""
    entries = spec.entries
    page = spec.page_url(site)
    if not (atom or site.hub or site.stylesheet or page):
        return xml
    # Huge: an essay may hold a run of text longer than libxml2's default cap (10 MB).
    root = etree.fromstring(xml, etree.XMLParser(huge_tree=True))
    if atom:
        for element, document in zip(root.iterfind(f"{{{ATOM_NS}}}entry"), entries, strict=True):
            element.find(f"{{{ATOM_NS}}}id").text = as_iri(entry_identifier(document))
            content = element.find(f"{{{ATOM_NS}}}content")
            if content is not None and document.url:
                content.set(XML_BASE, document.url)
    parent = root if atom else root.find("channel")
    if page:
        _link_page(parent, page, site)
    if site.hub:
        hub = etree.Element(f"{{{ATOM_NS}}}link", rel="hub", href=site.hub)
        first_entry = parent.find(f"{{{ATOM_NS}}}entry" if atom else "item")
        if first_entry is not None:
            first_entry.addprevious(hub)
        else:
            parent.append(hub)
    etree.indent(root, space="  ")
    head = b"<?xml version='1.0' encoding='UTF-8'?>\n"
    if site.stylesheet:
        stylesheet = etree.ProcessingInstruction(
            "xml-stylesheet", f'type="text/xsl" href="{site.stylesheet}"')
        head += etree.tostring(stylesheet, encoding="UTF-8") + b"\n"
    return head + etree.tostring(root, encoding="UTF-8", xml_declaration=False) + b"\n"


def _link_page(parent: etree._Element, page: str, site: FeedSite) -> None:
    """Link a feed to the feeds page (the part of it that shows this feed), with an
    ``atom:link rel="related" type="text/html"`` after the feed's own links: in Atom, and
    in RSS's channel.

    Not ``rel="alternate"``, though the page is an HTML view of the feeds. Atom (RFC 4287,
    4.1.1) allows a feed at most one alternate link per type and hreflang, and the feed's
    alternate is the site itself (RSS 2.0's channel ``<link>``, "the URL of the HTML
    website corresponding to the channel", is the same link); its type is not written,
    and readers take it for text/html. A second alternate would be a duplicate, and
    readers that keep one take the later: feedparser then gives the feeds page as the
    site's address, in Atom and in RSS alike. ``related`` (4.2.7.2) is any number of
    resources related to the feed; RSS 2.0 allows elements of other namespaces, and its
    feeds already carry ``atom:link`` (rel="self"). JSON Feed 1.1 has no field for a
    related page: its ``user_comment``, which is for people reading the JSON, names the
    page instead (jsonfeed.py)."""
    link = etree.Element(f"{{{ATOM_NS}}}link", rel="related", type="text/html", href=page,
                         title=f"All feeds of {clean_text(site.title)}")
    own = parent.findall(f"{{{ATOM_NS}}}link")
    if own:
        own[-1].addnext(link)
    else:
        parent.insert(0, link)


def rss_bytes(site: FeedSite, spec: FeedSpec) -> bytes:
    xml = _generator(site, spec, spec.url(site, "feed.xml")).rss_str(pretty=True)
    return _finish(xml, site, atom=False, spec=spec)


def atom_bytes(site: FeedSite, spec: FeedSpec) -> bytes:
    xml = _generator(site, spec, spec.url(site, "atom.xml")).atom_str(pretty=True)
    return _finish(xml, site, atom=True, spec=spec)


def render_feeds(documents: list[Document], site: FeedSite) -> dict[str, bytes]:
    """Every feed file of a build, by its path relative to the output folder."""
    files, _keys = feed_files(documents, site)
    return files


def feed_files(documents: list[Document], site: FeedSite, previous: dict[str, str] | None = None,
               present=lambda name: False, bodies=None,
               ) -> tuple[dict[str, bytes | None], dict[str, str]]:
    """Every feed file by its path relative to the output folder, and each feed's key.

    A feed whose key is in ``previous`` and whose files are all ``present`` is not
    rendered again: its files map to None, meaning "keep as it is". ``bodies``, if given,
    is called with a feed's entries before it is rendered, to load their html.
    """
    files: dict[str, bytes | None] = {}
    keys: dict[str, str] = {}
    for spec in feed_specs(documents, site):
        interrupts.check()
        prefix = f"{spec.folder}/" if spec.folder else ""
        names = [prefix + "feed.xml", prefix + "atom.xml"] + ([] if spec.folder else
                                                              ["feed.json"])
        keys[spec.folder] = key = spec_key(site, spec)
        if previous and previous.get(spec.folder) == key and all(map(present, names)):
            files.update(dict.fromkeys(names))
            continue
        if bodies is not None:
            bodies(spec.entries)
        files[names[0]] = rss_bytes(site, spec)
        files[names[1]] = atom_bytes(site, spec)
        if not spec.folder:
            files["feed.json"] = json_feed_bytes(site, spec)
    if site.stylesheet and site.stylesheet == site.base_url + STYLESHEET_NAME:
        files[STYLESHEET_NAME] = stylesheet_bytes()
    return files, keys


def stylesheet_bytes() -> bytes:
    """The XSL stylesheet that makes a feed opened in a browser read as a page."""
    return (Path(__file__).parent / "data" / STYLESHEET_NAME).read_bytes()
