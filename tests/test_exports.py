"""Whole-blog export files: WordPress's WXR (and Squarespace's WXR), RSS 2.0 and Atom 1.0.

Each post becomes one Document whose source is ``<file>#<slug>``; items that are not posts
(attachments, menu items, private, trashed and password-protected posts, pages unless asked
for) are left out and counted; drafts are Documents marked ``draft``. Files that declare
entities or an external DTD are refused, and a build with them in it still succeeds.

The fixtures in tests/fixtures/exports/ copy the shapes the platforms write (elements,
namespaces, CDATA, date formats, block markup); the prose in them is invented.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import feedparser
import lxml.html
import pytest
from click.testing import CliRunner

from feedsearch.cli import cli
from feedsearch.corpus import FileWarning, read_corpus
from feedsearch.model import Document
from feedsearch.readers import ReadError
from feedsearch.sources import ExportRead, read_export

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "exports"
SCRIPT = Path(sys.executable).parent / "feedsearch"
BASE_URL = "https://exports.example/"
CET = timezone(timedelta(hours=1), "CET")  # the WordPress site's zone: local = GMT + 1 hour

# --- what the fixtures hold -----------------------------------------------------------------

CLASSIC = "wordpress-classic.xml"
CLASSIC_POSTS = {
    "the-kettle-that-stayed": "The Kettle That Stayed",
    "a-window-seat-in-february": "A Window Seat in February",
    "walking-the-long-way-in-winter": "Walking the Long Way in Winter",
}
CLASSIC_DRAFTS = {  # the draft has no post_name: its slug comes from its title
    "notes-toward-an-essay-on-waiting-rooms": "Notes Toward an Essay on Waiting Rooms",
    "what-the-lodger-left": "What the Lodger Left",  # status pending
}
CLASSIC_LEFT_OUT = {"private": 1, "trash": 1, "attachment": 2, "page": 1,
                    "nav_menu_item": 1, "password": 1}
# Words that occur only in items that must be left out (with include_pages, "about" is in).
LEFT_OUT_TEXT = ("too quiet since the move", "Boxes everywhere", "stairwell mural",
                 "I write about small rooms")
KETTLE_IMAGE = "https://ninalarkin.example/wp-content/uploads/2024/01/kettle.jpg"
KETTLE_CAPTION = "The kettle on its third stove, in the flat above the bakery."
SHORTCODE_LEFTOVERS = ("[caption", "[/caption]", "[gallery", "[embed", "[/embed]",
                       "wp:", "<!--", 'ids="34,35"')

SQUARESPACE = "squarespace.xml"
SQUARESPACE_TEXT = {
    "the-bench-by-the-canal": [
        "Every morning before the kiln is loaded I walk down to the bench by the canal and "
        "drink my coffee there.",
        "The bench has a brass plate for someone called Edith who \"loved this view\". I have "
        "started to feel that I know her.",
        "Some days a heron stands on the far bank and we ignore each other politely until one "
        "of us has to go to work.",
    ],
    "glazing-in-the-cold-months": [
        "From November on, the studio never gets properly warm, and the glazes notice before "
        "I do.",
        "A celadon that pours like cream in August turns thick and lumpy in January. I keep "
        "the buckets on a heated mat now and stir them twice before every session.",
        "The test tiles on the windowsill are my weather report.",
    ],
}
SQUARESPACE_IMAGES = {"the-bench-by-the-canal": "canal-bench.jpg",
                      "glazing-in-the-cold-months": "test-tiles.jpg"}
SQUARESPACE_CDN = "https://images.squarespace-cdn.com/content/v1/5f1a2b3c4d5e6f7a8b9c0d1e/"

GHOST = "ghost-feed.xml"
GHOST_POSTS = {  # slug: title, url, guid, date, authors, tags
    "learning-to-fold-dumplings": (
        "Learning to Fold Dumplings at Forty",
        "https://harbourkitchen.example/learning-to-fold-dumplings/",
        "65f0c1a2e4b0a1001d3c9a11", datetime(2024, 3, 12, 18, 30, tzinfo=UTC),
        ["Mei Tanaka-Ross"], ["Cooking", "Family"]),
    "a-samovar-in-the-spare-room": (
        "A Samovar in the Spare Room",
        "https://harbourkitchen.example/a-samovar-in-the-spare-room/",
        "65dafe01e4b0a1001d3c98f0", datetime(2024, 2, 25, 9, 5, tzinfo=UTC),
        ["Oleg Brandt"], ["Objects"]),
    "soup-for-the-whole-building": (
        "Soup for the Whole Building",
        "https://harbourkitchen.example/soup-for-the-whole-building/",
        "65bcb7f2e4b0a1001d3c97c4", datetime(2024, 2, 2, 12, 0, tzinfo=UTC),
        ["Mei Tanaka-Ross"], ["Cooking", "Neighbours"]),
}

ATOM = "atom-blog.xml"
ATOM_ENTRIES = {  # slug: title, date, updated, authors, tags
    "on-rereading-old-letters": (
        "On Rereading Old Letters", datetime(2024, 2, 20, 7, 30, tzinfo=UTC),
        datetime(2024, 2, 21, 9, 0, tzinfo=UTC), ["Ruth Abernathy"], ["letters", "memory"]),
    "the-library-book-i-never-returned": (  # only <updated>: it is the date too
        "The Library Book I Never Returned", datetime(2024, 1, 14, 19, 45, tzinfo=UTC),
        datetime(2024, 1, 14, 19, 45, tzinfo=UTC), ["Ruth Abernathy"], ["books"]),
    "learning-the-names-of-trees": (
        "Learning the Names of Trees", datetime(2023, 11, 3, 11, 0, tzinfo=UTC),
        datetime(2023, 11, 3, 11, 0, tzinfo=UTC), ["Sam Oduya"], ["walking", "trees"]),
}
ATOM_SITE = "https://seconddraft.example"

SUMMARY_ONLY = "summary-only.xml"
SUMMARY_ONLY_ITEMS = {  # slug: title, date, text
    "bell-ringers-supper": (
        "The Bell Ringers' Supper", datetime(2024, 3, 4, 8, 0, tzinfo=UTC),
        "Eight ringers, one trestle table and a shepherd's pie the size of a tea tray."),
    "mending-the-lychgate": (
        "Mending the Lychgate", datetime(2024, 2, 17, 14, 30, tzinfo=UTC),
        "The oak beam over the lychgate has been replaced, and the old one is now a bench "
        "by the yew."),
}

ENTITY_FILES = ("xxe.xml", "billion-laughs.xml")
UNSAFE_FILES = (*ENTITY_FILES, "external-dtd.xml")
BAD_FILES = (*UNSAFE_FILES, "sitemap.xml", "broken.xml")

ESSAY_NAME = "quince-jelly.md"
ESSAY = ("---\ntitle: Quince Jelly in a Cold Kitchen\ndate: 2024-01-20\ntags: [kitchen]\n---\n\n"
         "Quince jelly sets best in a cold kitchen. The fruit is hard and smells of honey, and "
         "the quincewood spoon my uncle carved is the only one I use to stir it.\n")


# --- helpers --------------------------------------------------------------------------------

def read(name: str, **options) -> ExportRead:
    return read_export(FIXTURES / name, name, **options)


def by_slug(result: ExportRead) -> dict[str, Document]:
    documents = {document.slug: document for document in result.documents}
    assert len(documents) == len(result.documents), "two documents with one slug"
    return documents


def counted(left_out: dict[str, int]) -> dict[str, int]:
    """The reasons that left something out (a zero count may or may not be listed)."""
    return {reason: n for reason, n in left_out.items() if n}


def fragment(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(html, create_parent="div")


def squeezed(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def urls_in(html: str) -> list[str]:
    root = fragment(html)
    return [value for element in root.iter() for name, value in element.items()
            if name in ("src", "href")]


def without_item(xml: str, post_name: str) -> str:
    """The WXR text with the whole <item> of one post cut out."""
    at = xml.index(f"<wp:post_name><![CDATA[{post_name}]]></wp:post_name>")
    start = xml.rindex("<item>", 0, at)
    end = xml.index("</item>", at) + len("</item>")
    return xml[:start] + xml[end:]


def make_archive(root: Path, *names: str, essay: bool = False) -> Path:
    archive = root / "archive"
    archive.mkdir(parents=True)
    for name in names:
        shutil.copy(FIXTURES / name, archive / name)
    if essay:
        (archive / ESSAY_NAME).write_text(ESSAY, encoding="utf-8")
    return archive


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def build_json(archive: Path, work: Path, *extra: str) -> dict:
    result = invoke("build", archive, "--out", work / "public", "--index", work / "index",
                    "--base-url", BASE_URL, "--json", *extra)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def exported(index: Path) -> dict[str, dict]:
    result = invoke("export", "--index", index)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    by_source = {record["source"]: record for record in records}
    assert len(by_source) == len(records), "one source exported twice"
    return by_source


def search_sources(index: Path, query: str) -> list[str]:
    result = invoke("search", query, "--index", index, "--json")
    assert result.exit_code == 0, result.output
    return [hit["source"] for hit in json.loads(result.stdout)["results"]]


def warning_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("warning: ")]


def named(lines: list[str], relpath: str) -> list[str]:
    return [line for line in lines if line.startswith(f"warning: {relpath}: ")]


@pytest.fixture(scope="module")
def classic() -> ExportRead:
    return read(CLASSIC)


@pytest.fixture(scope="module")
def squarespace() -> ExportRead:
    return read(SQUARESPACE)


@pytest.fixture(scope="module")
def ghost() -> ExportRead:
    return read(GHOST)


@pytest.fixture(scope="module")
def atom() -> ExportRead:
    return read(ATOM)


# --- WordPress (classic editor and Gutenberg) -----------------------------------------------

def test_wxr_posts_and_drafts_are_read(classic: ExportRead) -> None:
    assert classic.kind == "wxr"
    documents = by_slug(classic)
    assert {slug: d.title for slug, d in documents.items()} == CLASSIC_POSTS | CLASSIC_DRAFTS
    assert {slug for slug, d in documents.items() if d.draft} == set(CLASSIC_DRAFTS)


def test_wxr_sources_name_the_file_and_the_post(classic: ExportRead) -> None:
    for slug, document in by_slug(classic).items():
        assert document.source == f"{CLASSIC}#{slug}"
    nested = read_export(FIXTURES / CLASSIC, "blogs/old/wordpress-classic.xml")
    assert {d.source for d in nested.documents} == {
        f"blogs/old/wordpress-classic.xml#{slug}" for slug in CLASSIC_POSTS | CLASSIC_DRAFTS}


def test_wxr_left_out_items_are_counted_by_reason(classic: ExportRead) -> None:
    assert counted(classic.left_out) == CLASSIC_LEFT_OUT


def test_wxr_left_out_items_give_no_document(classic: ExportRead) -> None:
    for document in classic.documents:
        for words in LEFT_OUT_TEXT:
            assert words not in document.text, (document.slug, words)
    slugs = {d.slug for d in classic.documents}
    assert not slugs & {"about", "kettle", "window-seat", "95", "for-the-writing-group",
                        "things-i-am-not-ready-to-say", "old-announcement-we-are-moving"}


def test_wxr_pages_are_documents_when_asked_for() -> None:
    result = read(CLASSIC, include_pages=True)
    documents = by_slug(result)
    assert set(documents) == set(CLASSIC_POSTS) | set(CLASSIC_DRAFTS) | {"about"}
    about = documents["about"]
    assert about.title == "About" and not about.draft
    assert about.source == f"{CLASSIC}#about"
    assert "I write about small rooms" in about.text
    assert about.date == datetime(2023, 6, 1, 8, 0, tzinfo=UTC)
    assert counted(result.left_out) == {k: v for k, v in CLASSIC_LEFT_OUT.items() if k != "page"}


@pytest.mark.parametrize("default_tz", [UTC, CET], ids=["utc", "cet"])
def test_wxr_dates_come_from_the_gmt_fields(default_tz) -> None:
    documents = by_slug(read(CLASSIC, default_tz=default_tz))
    expected = {  # slug: (post_date_gmt, post_modified_gmt); the local fields are an hour on
        "the-kettle-that-stayed": (datetime(2024, 1, 5, 9, 30), datetime(2024, 1, 6, 7, 12, 40)),
        "a-window-seat-in-february": (datetime(2024, 2, 11, 20, 15),
                                      datetime(2024, 2, 12, 6, 40)),
        "walking-the-long-way-in-winter": (datetime(2024, 3, 3, 7, 0),
                                           datetime(2024, 3, 4, 17, 20)),
    }
    for slug, (date, updated) in expected.items():
        document = documents[slug]
        assert document.date is not None and document.date.utcoffset() is not None, slug
        assert document.date == date.replace(tzinfo=UTC), (slug, document.date)
        assert document.updated == updated.replace(tzinfo=UTC), (slug, document.updated)


def test_wxr_unset_gmt_date_is_the_local_date_in_the_builds_zone() -> None:
    in_utc = by_slug(read(CLASSIC))
    in_cet = by_slug(read(CLASSIC, default_tz=CET))
    draft = "notes-toward-an-essay-on-waiting-rooms"
    # post_date_gmt is 0000-00-00 00:00:00: post_date (16:45) is read in the build's zone.
    assert in_utc[draft].date == datetime(2024, 3, 20, 16, 45, tzinfo=UTC)
    assert in_cet[draft].date == datetime(2024, 3, 20, 15, 45, tzinfo=UTC)
    assert in_cet[draft].date.utcoffset() is not None
    assert in_cet["what-the-lodger-left"].date == datetime(2024, 3, 25, 10, 0, tzinfo=UTC)
    # post_modified_gmt is set: it wins whatever the zone.
    for documents in (in_utc, in_cet):
        assert documents[draft].updated == datetime(2024, 3, 21, 8, 5, tzinfo=UTC)


def test_wxr_authors_are_display_names(classic: ExportRead) -> None:
    documents = by_slug(classic)
    assert documents["the-kettle-that-stayed"].authors == ["Nina Larkin"]
    assert documents["a-window-seat-in-february"].authors == ["Tom Okafor"]
    assert documents["walking-the-long-way-in-winter"].authors == ["Nina Larkin"]
    assert documents["notes-toward-an-essay-on-waiting-rooms"].authors == ["Nina Larkin"]
    # No <wp:author> has this login: the login itself.
    assert documents["what-the-lodger-left"].authors == ["guestwriter"]


def test_wxr_tags_are_categories_and_tags_without_uncategorized(classic: ExportRead) -> None:
    documents = by_slug(classic)
    assert documents["the-kettle-that-stayed"].tags == ["Home", "objects", "moving"]
    assert documents["a-window-seat-in-february"].tags == ["Home", "seasons", "light"]
    assert documents["walking-the-long-way-in-winter"].tags == ["Walking", "winter", "habits"]
    assert documents["notes-toward-an-essay-on-waiting-rooms"].tags == []
    for document in classic.documents:
        assert "Uncategorized" not in document.tags


def test_wxr_summary_is_the_excerpt_when_there_is_one(classic: ExportRead) -> None:
    window = by_slug(classic)["a-window-seat-in-february"]
    assert window.summary == ("Why the coldest seat in the flat is the one everybody wants "
                              "in February.")


def test_wxr_summary_is_else_from_the_first_paragraph(classic: ExportRead) -> None:
    documents = by_slug(classic)
    kettle = documents["the-kettle-that-stayed"].summary
    assert kettle.startswith("We have moved house four times in nine years")
    for later in ("third stove", "[caption", "Other things were given away", "objects earn"):
        assert later not in kettle, later
    walking = documents["walking-the-long-way-in-winter"].summary
    assert walking.startswith("There is a short way to the station")
    assert "[gallery" not in walking and "eleven minutes" not in walking


def test_wxr_url_and_guid(classic: ExportRead) -> None:
    documents = by_slug(classic)
    kettle = documents["the-kettle-that-stayed"]
    assert kettle.url == "https://ninalarkin.example/2024/01/05/the-kettle-that-stayed/"
    assert kettle.guid == "https://ninalarkin.example/?p=14"
    window = documents["a-window-seat-in-february"]
    assert window.url == "https://ninalarkin.example/2024/02/11/a-window-seat-in-february/"
    assert window.guid == "https://ninalarkin.example/?p=22"


def test_wxr_paragraph_less_body_becomes_paragraphs(classic: ExportRead) -> None:
    kettle = by_slug(classic)["the-kettle-that-stayed"]
    assert "<p>" in kettle.html
    paragraphs = list(fragment(kettle.html).iter("p"))
    texts = [squeezed(p) for p in paragraphs]
    # A blank line starts a new paragraph ...
    first = [t for t in texts if t.startswith("We have moved house four times")]
    assert len(first) == 1 and "Other things" not in first[0], texts
    assert any(t.startswith("I think objects earn their place") for t in texts), texts
    # ... a single newline is a <br> inside one.
    with_break = [p for p in paragraphs if "bread machine we used twice" in squeezed(p)]
    assert len(with_break) == 1, texts
    assert "The kettle was never even discussed." in squeezed(with_break[0])
    assert with_break[0].find(".//br") is not None
    blocks = kettle.text.split("\n\n")
    assert not [b for b in blocks if "We have moved house" in b and "Other things" in b]


def test_wxr_caption_becomes_a_figure(classic: ExportRead) -> None:
    kettle = by_slug(classic)["the-kettle-that-stayed"]
    figures = list(fragment(kettle.html).iter("figure"))
    assert len(figures) == 1, kettle.html
    figure = figures[0]
    assert [img.get("src") for img in figure.iter("img")] == [KETTLE_IMAGE]
    captions = [squeezed(c) for c in figure.iter("figcaption")]
    assert captions == [KETTLE_CAPTION]
    assert KETTLE_CAPTION in kettle.text
    for leftover in ("[caption", "[/caption]", "caption]", "attachment_31", "aligncenter"):
        assert leftover not in kettle.text, leftover
    assert "[caption" not in kettle.html and "[/caption]" not in kettle.html


def test_wxr_relative_urls_are_made_absolute_against_the_posts_link(
        classic: ExportRead) -> None:
    kettle = by_slug(classic)["the-kettle-that-stayed"]
    urls = urls_in(kettle.html)
    assert KETTLE_IMAGE in urls
    assert "https://ninalarkin.example/2019/03/02/first-morning/" in urls
    for document in classic.documents:
        for url in urls_in(document.html):
            assert url.startswith(("https://", "http://")), (document.slug, url)


def test_wxr_comments_are_not_part_of_the_post(classic: ExportRead) -> None:
    kettle = by_slug(classic)["the-kettle-that-stayed"]
    for words in ("grandmother", "outlived two toasters", "Priya"):
        assert words not in kettle.text and words not in kettle.html


def test_wxr_gutenberg_block_comments_are_gone(classic: ExportRead) -> None:
    window = by_slug(classic)["a-window-seat-in-february"]
    assert "<!--" not in window.html and "wp:" not in window.html and "wp:" not in window.text
    order = ["The window seat in the front room is the coldest place in the flat",
             "What the seat has instead is light",
             "you can watch the whole street come home",
             "I am no longer sure we want it fixed."]
    positions = [window.text.find(words) for words in order]
    assert -1 not in positions and positions == sorted(positions), positions
    assert "<blockquote" in window.html
    images = [u for u in urls_in(window.html) if u.endswith("window-seat.jpg")]
    assert images == ["https://ninalarkin.example/wp-content/uploads/2024/02/window-seat.jpg"]


def test_wxr_shortcodes_do_not_leak(classic: ExportRead) -> None:
    for document in classic.documents:
        for leftover in SHORTCODE_LEFTOVERS:
            assert leftover not in document.text, (document.slug, leftover)
            assert leftover not in document.html, (document.slug, leftover)
    walking = by_slug(classic)["walking-the-long-way-in-winter"]
    for words in ("through the allotments and over the footbridge",
                  "It adds eleven minutes.", "The walk is better in person."):
        assert words in walking.text, words
    assert "columns=" not in walking.text and "q1w2e3r4t5y[" not in walking.text


# --- Squarespace's WXR ----------------------------------------------------------------------

def test_squarespace_posts_are_read(squarespace: ExportRead) -> None:
    assert squarespace.kind == "wxr"
    documents = by_slug(squarespace)
    assert {slug: d.title for slug, d in documents.items()} == {
        "the-bench-by-the-canal": "The Bench by the Canal",
        "glazing-in-the-cold-months": "Glazing in the Cold Months"}
    assert not any(d.draft for d in squarespace.documents)
    assert counted(squarespace.left_out) == {"page": 1, "attachment": 1}
    for slug, document in documents.items():
        assert document.source == f"{SQUARESPACE}#{slug}"


def test_squarespace_metadata(squarespace: ExportRead) -> None:
    documents = by_slug(squarespace)
    bench, glazing = documents["the-bench-by-the-canal"], documents["glazing-in-the-cold-months"]
    assert bench.authors == glazing.authors == ["Juniper Vale"]
    assert bench.tags == ["benches", "canal walks", "Journal"]
    assert glazing.tags == ["glazes", "winter", "Studio"]
    assert bench.date == datetime(2023, 9, 14, 7, 20, 11, tzinfo=UTC)
    assert glazing.date == datetime(2023, 12, 2, 16, 5, 43, tzinfo=UTC)
    # The excerpt is HTML: the summary is its text.
    assert glazing.summary == ("How cold studio air changes the way a glaze settles, and what "
                               "I do about it.")
    # Squarespace's <link> is a path; a URL, when given, must be absolute (not spelled out in
    # the specification: the channel's link is the only base there is).
    # Old links keep working: the path is joined to the site's address.
    for slug, document in documents.items():
        assert document.url == f"https://juniperlane.example/journal/{slug}", document.url


def test_squarespace_text_is_the_writers_paragraphs_only(squarespace: ExportRead) -> None:
    documents = by_slug(squarespace)
    for slug, paragraphs in SQUARESPACE_TEXT.items():
        assert documents[slug].text == "\n\n".join(paragraphs), slug


def test_squarespace_each_image_once_with_a_real_src(squarespace: ExportRead) -> None:
    for slug, name in SQUARESPACE_IMAGES.items():
        html = by_slug(squarespace)[slug].html
        images = list(fragment(html).iter("img"))
        assert len(images) == 1, (slug, html)
        src = images[0].get("src") or ""
        assert src.startswith(SQUARESPACE_CDN) and src.split("?")[0].endswith("/" + name), src
        assert "<noscript" not in html.lower()


def test_squarespace_code_block_scripts_and_styles_are_gone(squarespace: ExportRead) -> None:
    bench = by_slug(squarespace)["the-bench-by-the-canal"]
    assert "<script" not in bench.html.lower() and "<style" not in bench.html.lower()
    for leftover in ("StudioSignup", "kiln-letters", "border:1px", "embed.js", "studio-signup"):
        assert leftover not in bench.text and leftover not in bench.html, leftover


def test_squarespace_page_when_asked_for() -> None:
    result = read(SQUARESPACE, include_pages=True)
    about = by_slug(result)["about"]
    assert about.title == "About the Studio" and not about.draft
    assert about.text == ("Juniper Lane is a one-room pottery studio behind a bicycle shop. "
                          "Classes run on Tuesday and Thursday evenings.")
    assert counted(result.left_out) == {"attachment": 1}


# --- RSS 2.0 (Ghost) ------------------------------------------------------------------------

def test_ghost_feed_mapping(ghost: ExportRead) -> None:
    assert ghost.kind == "rss"
    documents = by_slug(ghost)
    assert set(documents) == set(GHOST_POSTS)  # slugs: the link's last path segment
    for slug, (title, url, guid, date, authors, tags) in GHOST_POSTS.items():
        document = documents[slug]
        assert document.title == title
        assert document.url == url
        assert document.guid == guid
        assert document.date == date and document.date.utcoffset() is not None
        assert document.authors == authors
        assert document.tags == tags
        assert document.source == f"{GHOST}#{slug}"
        assert not document.draft
    assert ghost.warnings == []
    assert counted(ghost.left_out) == {}


def test_ghost_body_is_the_full_content(ghost: ExportRead) -> None:
    documents = by_slug(ghost)
    dumplings = documents["learning-to-fold-dumplings"]
    # The full post, not the <description> (which is only its first paragraph).
    assert "The trick is to stop looking at your hands." in dumplings.text
    assert "the pile on the board slowly stops looking like mine" in dumplings.text
    figures = list(fragment(dumplings.html).iter("figure"))
    assert [squeezed(c) for f in figures for c in f.iter("figcaption")] == [
        "The first batch. We ate them anyway."]
    assert "https://harbourkitchen.example/content/images/2024/03/first-batch.jpg" in \
        urls_in(dumplings.html)
    assert "Nobody has complained." in documents["a-samovar-in-the-spare-room"].text
    soup = documents["soup-for-the-whole-building"].text
    assert "What came back" in soup and "again next week?" in soup


# --- Atom 1.0 (jekyll-feed) -----------------------------------------------------------------

def test_atom_feed_mapping(atom: ExportRead) -> None:
    assert atom.kind == "atom"
    documents = by_slug(atom)
    assert set(documents) == set(ATOM_ENTRIES)
    for slug, (title, date, updated, authors, tags) in ATOM_ENTRIES.items():
        document = documents[slug]
        path = date.strftime("%Y/%m/%d")
        assert document.title == title
        assert document.url == f"{ATOM_SITE}/{path}/{slug}/"
        assert document.guid == f"{ATOM_SITE}/{path}/{slug}"  # <id>
        assert document.date == date and document.date.utcoffset() is not None
        assert document.updated == updated
        assert document.authors == authors
        assert document.tags == tags
        assert document.source == f"{ATOM}#{slug}"
    assert atom.warnings == []


def test_atom_summary_comes_from_the_summary_element(atom: ExportRead) -> None:
    documents = by_slug(atom)
    assert documents["on-rereading-old-letters"].summary == (
        "A shoebox of letters from university, and the homesickness I did not know I was "
        "reporting.")
    assert documents["learning-the-names-of-trees"].summary == (
        "A guest post about the trees on one street.")


def test_atom_html_content_is_unescaped_once(atom: ExportRead) -> None:
    letters = by_slug(atom)["on-rereading-old-letters"]
    assert len(list(fragment(letters.html).iter("p"))) == 3
    assert "Ruth, 1994–1997" in letters.text
    assert "homesickness hiding behind the rain" in letters.text
    assert "&lt;" not in letters.text and "<p>" not in letters.text
    assert "&lt;" not in letters.html
    library = by_slug(atom)["the-library-book-i-never-returned"]  # content in CDATA
    assert "identifies mosses" in library.text and "<p>" not in library.text


ATOM_VARIANTS = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Variants</title>
  <id>urn:uuid:4a1d6f0e-0c55-4f0c-9f43-6a2f0d7b8e11</id>
  <updated>2024-03-01T12:00:00Z</updated>
  <entry>
    <title>An XHTML Entry</title>
    <link rel="edit" href="https://variants.example/api/posts/1"/>
    <link href="https://variants.example/posts/an-xhtml-entry/"/>
    <id>urn:uuid:0f0e0d0c-0001-4000-8000-000000000001</id>
    <published>2024-03-01T09:00:00Z</published>
    <updated>2024-03-01T09:00:00Z</updated>
    <author><name>Ines Marlow</name></author>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Paragraph one of
      the xhtml entry.</p><p>Paragraph <em>two</em> follows.</p></div></content>
  </entry>
  <entry>
    <title>A Plain Text Entry</title>
    <link rel="alternate" type="text/html" href="https://variants.example/posts/plain-text/"/>
    <id>urn:uuid:0f0e0d0c-0002-4000-8000-000000000002</id>
    <published>2024-02-20T09:00:00Z</published>
    <updated>2024-02-20T09:00:00Z</updated>
    <author><name>Ines Marlow</name></author>
    <content type="text">Plain words: fish &amp; chips, and x &lt; y in a sentence.</content>
  </entry>
  <entry>
    <title>Only a Summary</title>
    <link rel="alternate" href="https://variants.example/posts/only-a-summary/"/>
    <id>urn:uuid:0f0e0d0c-0003-4000-8000-000000000003</id>
    <updated>2024-02-10T09:00:00Z</updated>
    <author><name>Ines Marlow</name></author>
    <summary>The summary is all this feed gives of the entry.</summary>
  </entry>
</feed>
"""


def test_atom_content_types_links_and_a_summary_only_entry(tmp_path: Path) -> None:
    path = tmp_path / "variants.atom"
    path.write_text(ATOM_VARIANTS, encoding="utf-8")
    result = read_export(path, "variants.atom")
    assert result.kind == "atom"
    documents = by_slug(result)
    assert set(documents) == {"an-xhtml-entry", "plain-text", "only-a-summary"}
    xhtml = documents["an-xhtml-entry"]
    assert xhtml.url == "https://variants.example/posts/an-xhtml-entry/"  # the link with no rel
    assert "Paragraph one of the xhtml entry." in xhtml.text
    assert "Paragraph two follows." in xhtml.text
    assert len(list(fragment(xhtml.html).iter("p"))) == 2
    assert xhtml.guid == "urn:uuid:0f0e0d0c-0001-4000-8000-000000000001"
    plain = documents["plain-text"]
    assert "Plain words: fish & chips, and x < y in a sentence." in plain.text
    assert "<y" not in plain.html.replace(" ", "")  # text content is escaped, not markup
    summary = documents["only-a-summary"]
    assert summary.text == "The summary is all this feed gives of the entry."
    assert summary.date == datetime(2024, 2, 10, 9, 0, tzinfo=UTC)
    assert len([w for w in result.warnings if "summaries only" in w]) == 1, result.warnings


# --- a feed of summaries --------------------------------------------------------------------

def test_summary_only_feed_is_read_with_one_warning() -> None:
    result = read(SUMMARY_ONLY)
    assert result.kind == "rss"
    documents = by_slug(result)
    assert set(documents) == set(SUMMARY_ONLY_ITEMS)
    for slug, (title, date, text) in SUMMARY_ONLY_ITEMS.items():
        document = documents[slug]
        assert document.title == title
        assert document.date == date
        assert document.text == text
        assert document.url == f"https://parishnotes.example/notes/{slug}/"
        assert document.guid == document.url
    assert len([w for w in result.warnings if "summaries only" in w]) == 1, result.warnings


def test_summary_only_warning_in_the_corpus_names_the_file(tmp_path: Path) -> None:
    archive = make_archive(tmp_path, SUMMARY_ONLY)
    corpus = read_corpus(archive)
    assert len(corpus.documents) == 2
    about = [w for w in corpus.warnings if "summaries only" in w.reason]
    assert len(about) == 1 and about[0].source == SUMMARY_ONLY, corpus.warnings


# --- which files are exports ----------------------------------------------------------------

@pytest.mark.parametrize(("fixture", "name", "kind"), [
    (GHOST, "posts.atom", "rss"),
    (ATOM, "feed.rss", "atom"),
    (CLASSIC, "export.rss", "wxr"),
    (SQUARESPACE, "site.atom", "wxr"),
    (ATOM, "feed.xml", "atom"),
])
def test_the_kind_comes_from_the_root_element_not_the_extension(
        tmp_path: Path, fixture: str, name: str, kind: str) -> None:
    path = tmp_path / name
    shutil.copy(FIXTURES / fixture, path)
    result = read_export(path, name)
    assert result.kind == kind
    assert result.documents
    assert all(d.source.startswith(f"{name}#") for d in result.documents)


def test_rss_and_atom_extensions_are_read_in_an_archive(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copy(FIXTURES / GHOST, archive / "kitchen.rss")
    shutil.copy(FIXTURES / ATOM, archive / "second-draft.atom")
    corpus = read_corpus(archive)
    assert {d.source for d in corpus.documents} == (
        {f"kitchen.rss#{slug}" for slug in GHOST_POSTS}
        | {f"second-draft.atom#{slug}" for slug in ATOM_ENTRIES})


def test_an_xml_file_that_is_not_an_export_is_refused_by_name() -> None:
    with pytest.raises(ReadError) as raised:
        read("sitemap.xml")
    assert "urlset" in str(raised.value)


def test_a_truncated_export_keeps_the_posts_before_the_break() -> None:
    export = read("broken.xml")
    assert [d.source for d in export.documents] == ["broken.xml#a-complete-post"]
    assert len(export.warnings) == 1
    assert "not well-formed" in export.warnings[0]


# --- hostile XML ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ENTITY_FILES)
def test_entity_declarations_are_refused(name: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ReadError) as raised:
        read(name)
    assert "entit" in str(raised.value).lower(), str(raised.value)
    assert "root:" not in str(raised.value) and "lollol" not in str(raised.value)
    assert time.perf_counter() - started < 5


def test_an_external_dtd_is_refused() -> None:
    started = time.perf_counter()
    with pytest.raises(ReadError):
        read("external-dtd.xml")
    assert time.perf_counter() - started < 5


class Listener:
    """A TCP port on 127.0.0.1 that counts the connections made to it."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.1)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.socket.close()


def test_an_external_dtd_is_never_fetched(tmp_path: Path) -> None:
    listener = Listener()
    try:
        path = tmp_path / "external-dtd.xml"
        text = (FIXTURES / "external-dtd.xml").read_text(encoding="utf-8")
        path.write_text(text.replace("127.0.0.1:9", f"127.0.0.1:{listener.port}"),
                        encoding="utf-8")
        with pytest.raises(ReadError):
            read_export(path, "external-dtd.xml")
        time.sleep(0.3)  # a fetch in flight would have connected by now
    finally:
        listener.close()
    assert listener.connections == 0


def test_an_external_dtd_on_disk_is_refused_too(tmp_path: Path) -> None:
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY remote "WORDS-FROM-THE-DTD">\n', encoding="utf-8")
    path = tmp_path / "external-dtd.xml"
    text = (FIXTURES / "external-dtd.xml").read_text(encoding="utf-8")
    path.write_text(text.replace("http://127.0.0.1:9/evil.dtd", dtd.as_uri()), encoding="utf-8")
    with pytest.raises(ReadError):
        read_export(path, "external-dtd.xml")


def test_the_corpus_warns_once_per_bad_file_and_reads_the_rest(tmp_path: Path) -> None:
    archive = make_archive(tmp_path, *BAD_FILES, GHOST, essay=True)
    corpus = read_corpus(archive)
    per_file = Counter(w.source for w in corpus.warnings)
    assert all(isinstance(w, FileWarning) for w in corpus.warnings)
    assert {name: per_file[name] for name in BAD_FILES} == dict.fromkeys(BAD_FILES, 1), \
        corpus.warnings
    assert per_file[ESSAY_NAME] == 0 and per_file[GHOST] == 0
    assert {d.source for d in corpus.documents} == (
        {ESSAY_NAME, "broken.xml#a-complete-post"} | {f"{GHOST}#{slug}" for slug in GHOST_POSTS})
    sitemap = [w.reason for w in corpus.warnings if w.source == "sitemap.xml"]
    assert "urlset" in sitemap[0]


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    """The installed script builds an archive of every bad file plus one Markdown essay."""
    root = tmp_path_factory.mktemp("hostile-exports")
    archive = make_archive(root, *BAD_FILES, essay=True)
    out, index = root / "public", root / "index"
    done = subprocess.run(
        [str(SCRIPT), "build", str(archive), "--out", str(out), "--index", str(index),
         "--base-url", BASE_URL], capture_output=True, text=True, timeout=120)
    return done, out, index


def test_a_build_with_hostile_exports_succeeds(hostile_build) -> None:
    done, out, _ = hostile_build
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert (out / "feed.xml").is_file()


def test_each_hostile_export_gets_exactly_one_warning(hostile_build) -> None:
    done, _, _ = hostile_build
    lines = warning_lines(done.stderr)
    for name in BAD_FILES:
        assert len(named(lines, name)) == 1, (name, done.stderr)
    for name in ENTITY_FILES:
        assert "entit" in named(lines, name)[0].lower(), named(lines, name)
    assert "urlset" in named(lines, "sitemap.xml")[0]
    assert not named(lines, ESSAY_NAME)


def test_the_essay_beside_hostile_exports_is_searchable(hostile_build) -> None:
    _, _, index = hostile_build
    assert search_sources(index, "quincewood") == [ESSAY_NAME]
    # A truncated export keeps the post that came before the break; nothing else is read.
    assert set(exported(index)) == {ESSAY_NAME, "broken.xml#a-complete-post"}


def test_no_output_holds_passwd_lines_or_laughs(hostile_build) -> None:
    _, out, index = hostile_build
    assert b"lol" not in ESSAY.encode() and b"root:" not in ESSAY.encode()
    files = [p for p in out.rglob("*") if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        assert b"root:" not in data and b"lol" not in data, path
    # Index files are partly binary: a stray "lol" could be chance, an expansion could not.
    for path in (p for p in index.rglob("*") if p.is_file()):
        data = path.read_bytes()
        assert b"root:" not in data and b"lollol" not in data, path
    text = json.dumps(exported(index))
    assert "root:" not in text and "lol" not in text


# --- a whole build of two exports -----------------------------------------------------------

@pytest.fixture(scope="module")
def export_build(tmp_path_factory):
    """wordpress-classic.xml (under exports/) and ghost-feed.xml built with CliRunner."""
    root = tmp_path_factory.mktemp("export-build")
    archive = root / "archive"
    (archive / "exports").mkdir(parents=True)
    shutil.copy(FIXTURES / CLASSIC, archive / "exports" / CLASSIC)
    shutil.copy(FIXTURES / GHOST, archive / GHOST)
    report = build_json(archive, root)
    return report, root / "public", root / "index"


def test_build_report_counts_posts_and_drafts(export_build) -> None:
    report, _, _ = export_build
    assert report["documents"] == len(CLASSIC_POSTS) + len(GHOST_POSTS)
    assert report["added"] == report["documents"]
    assert report["drafts"] == len(CLASSIC_DRAFTS)


def test_export_lists_each_post_by_file_and_slug(export_build) -> None:
    _, _, index = export_build
    records = exported(index)
    assert set(records) == ({f"exports/{CLASSIC}#{slug}" for slug in CLASSIC_POSTS}
                            | {f"{GHOST}#{slug}" for slug in GHOST_POSTS})
    kettle = records[f"exports/{CLASSIC}#the-kettle-that-stayed"]
    assert kettle["slug"] == "the-kettle-that-stayed"
    assert kettle["title"] == "The Kettle That Stayed"
    assert kettle["url"] == "https://ninalarkin.example/2024/01/05/the-kettle-that-stayed/"
    assert datetime.fromisoformat(kettle["date"]) == datetime(2024, 1, 5, 9, 30, tzinfo=UTC)
    assert kettle["authors"] == ["Nina Larkin"] and kettle["tags"] == ["Home", "objects",
                                                                      "moving"]
    assert KETTLE_CAPTION in kettle["text"]
    samovar = records[f"{GHOST}#a-samovar-in-the-spare-room"]
    assert samovar["authors"] == ["Oleg Brandt"] and samovar["tags"] == ["Objects"]


def test_search_finds_a_post_inside_an_export(export_build) -> None:
    _, _, index = export_build
    assert search_sources(index, "allotments") == [
        f"exports/{CLASSIC}#walking-the-long-way-in-winter"]
    assert search_sources(index, "samovar") == [f"{GHOST}#a-samovar-in-the-spare-room"]
    # Words only in left-out items and drafts are not in the index.
    for word in ("mural", "magazines", "lemons", "October", "grandmother"):
        assert search_sources(index, word) == [], word


def test_feeds_hold_the_published_posts_only(export_build) -> None:
    _, out, _ = export_build
    published = set(CLASSIC_POSTS.values()) | {post[0] for post in GHOST_POSTS.values()}
    for name in ("feed.xml", "atom.xml"):
        parsed = feedparser.parse((out / name).read_bytes())
        assert parsed.bozo == 0, (name, parsed.get("bozo_exception"))
        assert {entry.title for entry in parsed.entries} == published, name
        links = {entry.title: entry.link for entry in parsed.entries}
        assert links["The Kettle That Stayed"] == \
            "https://ninalarkin.example/2024/01/05/the-kettle-that-stayed/"
        assert links["A Samovar in the Spare Room"] == \
            "https://harbourkitchen.example/a-samovar-in-the-spare-room/"


def test_pages_and_drafts_options_build_them_too(tmp_path: Path) -> None:
    archive = make_archive(tmp_path, CLASSIC)
    report = build_json(archive, tmp_path, "--pages", "--drafts")
    assert report["documents"] == len(CLASSIC_POSTS) + len(CLASSIC_DRAFTS) + 1
    assert set(exported(tmp_path / "index")) == {
        f"{CLASSIC}#{slug}" for slug in (*CLASSIC_POSTS, *CLASSIC_DRAFTS, "about")}


# --- incremental builds ---------------------------------------------------------------------

def test_incremental_builds_follow_posts_inside_an_export(tmp_path: Path) -> None:
    archive = make_archive(tmp_path, CLASSIC, GHOST)
    wxr = archive / CLASSIC
    total = len(CLASSIC_POSTS) + len(GHOST_POSTS)

    def counts(report: dict) -> tuple[int, int, int, int]:
        return report["added"], report["updated"], report["removed"], report["unchanged"]

    assert counts(build_json(archive, tmp_path)) == (total, 0, 0, 0)
    assert counts(build_json(archive, tmp_path)) == (0, 0, 0, total)

    original = wxr.read_text(encoding="utf-8")
    edited = original.replace("It adds eleven minutes.",
                              "It adds eleven minutes and, once, a kingfisher.")
    assert edited != original
    wxr.write_text(edited, encoding="utf-8")
    assert counts(build_json(archive, tmp_path)) == (0, 1, 0, total - 1)
    assert search_sources(tmp_path / "index", "kingfisher") == [
        f"{CLASSIC}#walking-the-long-way-in-winter"]

    wxr.write_text(without_item(edited, "the-kettle-that-stayed"), encoding="utf-8")
    report = build_json(archive, tmp_path)
    assert counts(report) == (0, 0, 1, total - 1)
    assert report["documents"] == total - 1
    assert f"{CLASSIC}#the-kettle-that-stayed" not in exported(tmp_path / "index")
    assert search_sources(tmp_path / "index", "stairwell") == []


# --- a large export -------------------------------------------------------------------------

LARGE_HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Ten Years of Notes</title>
	<link>https://tenyears.example</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[rowan]]></wp:author_login>
		<wp:author_display_name><![CDATA[Rowan Achterberg]]></wp:author_display_name></wp:author>
"""
LARGE_ITEM = """	<item>
		<title><![CDATA[Note {n} on the Garden]]></title>
		<link>https://tenyears.example/{y}/{m:02d}/{d:02d}/note-{n}/</link>
		<pubDate>Mon, 01 Jan 2018 08:00:00 +0000</pubDate>
		<dc:creator><![CDATA[rowan]]></dc:creator>
		<guid isPermaLink="false">https://tenyears.example/?p={n}</guid>
		<description></description>
		<content:encoded><![CDATA[{body}]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>{n}</wp:post_id>
		<wp:post_date><![CDATA[{y}-{m:02d}-{d:02d} 09:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[{y}-{m:02d}-{d:02d} 08:00:00]]></wp:post_date_gmt>
		<wp:post_modified><![CDATA[{y}-{m:02d}-{d:02d} 09:00:00]]></wp:post_modified>
		<wp:post_modified_gmt><![CDATA[{y}-{m:02d}-{d:02d} 08:00:00]]></wp:post_modified_gmt>
		<wp:comment_status><![CDATA[open]]></wp:comment_status>
		<wp:ping_status><![CDATA[open]]></wp:ping_status>
		<wp:post_name><![CDATA[note-{n}]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:post_password><![CDATA[]]></wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
		<category domain="category" nicename="garden"><![CDATA[Garden]]></category>
		<category domain="post_tag" nicename="diary"><![CDATA[diary]]></category>
		<wp:postmeta>
		<wp:meta_key><![CDATA[_edit_last]]></wp:meta_key>
		<wp:meta_value><![CDATA[1]]></wp:meta_value>
		</wp:postmeta>
	</item>
"""
LARGE_BODY = (  # paragraph-less, as the classic editor stores it
    "Note {n}: the garden in the morning, before the street wakes up. The beans have reached "
    "the top of the canes again and the sparrows have found the lettuces.\n\n"
    "The compost heap is warm when you put a hand into it, which still surprises me every "
    "single time. Marker word: notemarker{n}.\n"
    "Second line of the same paragraph, about the water butt and the rain.\n\n"
    '<a href="/{y}/{m:02d}/{d:02d}/note-{n}/#more">Read on</a> or go back to the '
    '<a href="/">front page</a>. Nothing much else happened today, and that is the point '
    "of a garden diary.")
LARGE_COUNT = 3000


def write_large_export(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(LARGE_HEAD)
        for n in range(1, count + 1):
            y, m, d = 2014 + n % 10, 1 + n % 12, 1 + n % 28
            body = LARGE_BODY.format(n=n, y=y, m=m, d=d)
            out.write(LARGE_ITEM.format(n=n, y=y, m=m, d=d, body=body))
        out.write("</channel>\n</rss>\n")


@pytest.mark.slow  # a 5 to 10 MB export
def test_a_large_export_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "ten-years.xml"
    write_large_export(path, LARGE_COUNT)
    assert 5 * 1024 * 1024 <= path.stat().st_size < 10 * 1024 * 1024
    started = time.perf_counter()
    result = read_export(path, "ten-years.xml")
    seconds = time.perf_counter() - started
    assert result.kind == "wxr"
    assert len(result.documents) == LARGE_COUNT
    documents = by_slug(result)
    assert set(documents) == {f"note-{n}" for n in range(1, LARGE_COUNT + 1)}
    last = documents[f"note-{LARGE_COUNT}"]
    assert last.title == f"Note {LARGE_COUNT} on the Garden"
    assert f"notemarker{LARGE_COUNT}" in last.text
    assert last.authors == ["Rowan Achterberg"] and last.tags == ["Garden", "diary"]
    assert seconds < 20, f"reading {LARGE_COUNT} posts took {seconds:.1f}s"


def test_a_posts_hash_ignores_the_space_after_it(tmp_path: Path) -> None:
    """A streaming parser may or may not have read the whitespace after an item when it
    hands the item over: that whitespace must not make an unchanged post look changed."""
    text = (FIXTURES / GHOST).read_text(encoding="utf-8")
    spaced = tmp_path / "spaced.xml"
    spaced.write_text(text.replace("</item>", "</item>\n\n\t\t   \n"), encoding="utf-8")
    tight = tmp_path / "tight.xml"
    tight.write_text(text.replace("</item>\n", "</item>"), encoding="utf-8")
    hashes = [{d.slug: d.content_hash for d in read_export(path, "feed.xml").documents}
              for path in (FIXTURES / GHOST, spaced, tight)]
    assert hashes[0] == hashes[1] == hashes[2]
    assert len(hashes[0]) == 3


@pytest.mark.parametrize("namespace", [
    "https://wordpress.org/export/1.2/",  # WordPress.com writes https
    "http://wordpress.org/export/1.1/",
    "http://wordpress.org/export/1.0/",
])
def test_every_wxr_version_and_scheme_is_a_wordpress_export(tmp_path, namespace) -> None:
    classic = (FIXTURES / CLASSIC).read_text(encoding="utf-8")
    text = classic.replace("http://wordpress.org/export/1.2/", namespace)
    (tmp_path / "export.xml").write_text(text, encoding="utf-8")
    result = read_export(tmp_path / "export.xml", "export.xml")
    expected = read(CLASSIC)
    assert result.kind == "wxr"
    assert counted(result.left_out) == counted(expected.left_out)  # pages, attachments...
    assert [(d.slug, d.title, d.date, d.tags, d.summary) for d in result.documents] == \
        [(d.slug, d.title, d.date, d.tags, d.summary) for d in expected.documents]


def test_a_picture_alone_or_an_empty_post_is_still_a_published_post(tmp_path) -> None:
    # WordPress's theme unit test export has both ("Post Format: Image", "Edge Case: No
    # Content"): each is one of the blog's published posts, so each is an essay.
    classic = (FIXTURES / CLASSIC).read_text(encoding="utf-8")
    item = classic[classic.index("<item>"):classic.index("</item>") + len("</item>")]
    body = item[item.index("<content:encoded>"):item.index("</content:encoded>")]

    def post(title: str, slug: str, html: str) -> str:
        changed = item.replace(body, f"<content:encoded><![CDATA[{html}]]>")
        changed = re.sub(r"<title>.*?</title>", f"<title>{title}</title>", changed, count=1)
        return re.sub(r"<wp:post_name>.*?</wp:post_name>",
                      f"<wp:post_name><![CDATA[{slug}]]></wp:post_name>", changed, count=1)

    items = (post("A Picture", "a-picture", '<img src="https://x.example/p.jpg" alt="">')
             + post("Nothing Yet", "nothing-yet", ""))
    (tmp_path / "export.xml").write_text(classic.replace(item, items), encoding="utf-8")
    result = read_export(tmp_path / "export.xml", "export.xml")
    documents = by_slug(result)
    assert set(documents) >= {"a-picture", "nothing-yet"}
    assert '<img src="https://x.example/p.jpg"' in documents["a-picture"].html
    assert documents["a-picture"].warnings == []
    assert documents["nothing-yet"].warnings == [
        "no text in the post; published with its title only"]


def test_a_scheduled_post_is_left_out_and_counted(tmp_path) -> None:
    classic = (FIXTURES / CLASSIC).read_text(encoding="utf-8")
    item = classic[classic.index("<item>"):classic.index("</item>") + len("</item>")]
    scheduled = re.sub(r"<wp:status>.*?</wp:status>",
                       "<wp:status><![CDATA[future]]></wp:status>", item, count=1)
    (tmp_path / "export.xml").write_text(classic.replace(item, scheduled), encoding="utf-8")
    before, after = read(CLASSIC), read_export(tmp_path / "export.xml", "export.xml")
    assert len(after.documents) == len(before.documents) - 1
    assert after.left_out.get("scheduled post") == 1
