"""Blogger's export, in both its shapes: the classic Atom file of Blogger's "Back up
content" (entries told apart by a kind category, drafts by <app:draft>) and Google
Takeout's feed.atom (<blogger:type>, <blogger:status>, <blogger:filename>).

Exactly the published posts become essays; drafts are essays marked ``draft``; pages are
left out unless asked for; comments, settings, the template, trashed, deleted and empty
posts are left out and counted in the build's note. Each essay's guid is the entry's Atom
id, so readers of the old Blogger feed do not see its posts again.

The fixtures in tests/fixtures/exports/blogger/ copy the shapes Blogger writes (root
namespaces, kind terms, ids, links, date formats, the editor's markup); the prose is
invented.
"""

from __future__ import annotations

import calendar
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import lxml.html
import pytest
from click.testing import CliRunner

import feedsearch.readers.blogger  # noqa: F401  (registers the reader, as the registry will)
from feedsearch.build import build
from feedsearch.cli import cli
from feedsearch.model import Document
from feedsearch.readers.blogger import BloggerReader
from feedsearch.readers.registry import container_readers, reader_for_file
from feedsearch.readers.xmlstream import sniff
from feedsearch.sources import ExportRead, read_export
from tests.conftest import build_options

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "exports"
BLOGGER = FIXTURES / "blogger"
CLASSIC = "blogger-classic.xml"
TAKEOUT = "blogger-takeout.atom"
COMMENTS_ONLY = "blogger-comments-only.atom"
ATOM = "atom-blog.xml"  # an ordinary Atom feed (Jekyll's), which the Atom reader keeps

CLASSIC_BLOG = "tag:blogger.com,1999:blog-4815162342001"
CLASSIC_SITE = "https://tidetables.blogspot.com"
# slug: title, date (UTC), updated (UTC), tags, URL, guid
CLASSIC_POSTS = {
    "low-water-at-porthleven": (
        "Low Water at Porthleven",
        datetime(2019, 3, 15, 5, 40, tzinfo=UTC),  # 2019-03-14T22:40-07:00: the 15th in UTC
        datetime(2019, 3, 16, 18, 2, 37, 551000, tzinfo=UTC),
        ["harbour", "walking", "spring tides"],
        f"{CLASSIC_SITE}/2019/03/low-water-at-porthleven.html",
        f"{CLASSIC_BLOG}.post-1122334455667788990"),
    "the-lifeboat-house": (
        "The Lifeboat House",
        datetime(2019, 4, 2, 8, 15, tzinfo=UTC),  # 09:15+01:00
        datetime(2019, 4, 3, 16, 20, 45, 2000, tzinfo=UTC),
        ["harbour", "photographs"],
        f"{CLASSIC_SITE}/2019/04/the-lifeboat-house.html",
        f"{CLASSIC_BLOG}.post-9988776655443322110"),
    # Blogger names a post whose title has no ASCII letters "blog-post_DD.html": the slug
    # comes from the title, the URL stays the post's address.
    "ημέρες-της-παλίρροιας": (
        "Ημέρες της παλίρροιας",
        datetime(2019, 6, 22, 2, 30, tzinfo=UTC),  # 2019-06-21T19:30-07:00
        datetime(2019, 6, 22, 15, 15, 3, 406000, tzinfo=UTC),
        ["Ελληνικά", "travel"],
        f"{CLASSIC_SITE}/2019/06/blog-post_21.html",
        f"{CLASSIC_BLOG}.post-2233445566778899001"),
}
CLASSIC_DRAFT = "what-the-harbourmaster-keeps-in-his-drawer"  # no link: slug from its title
CLASSIC_LEFT_OUT = {"template": 1, "setting": 2, "comment": 2, "page": 1, "empty post": 1}

TAKEOUT_BLOG = "tag:blogger.com,1999:blog-2718281828459045"
# slug: title, date (UTC), updated (UTC), tags, guid
TAKEOUT_POSTS = {
    "broad-beans-in-cold-spring": (
        "Broad Beans in a Cold Spring",
        datetime(2021, 4, 10, 23, 30, tzinfo=UTC),  # <published>, not <blogger:created>
        datetime(2021, 4, 12, 8, 5, 17, 240000, tzinfo=UTC),
        ["beans", "frost", "Plot 14"],
        f"{TAKEOUT_BLOG}.post-1000000000000000001"),
    "zurek-pierogi-and-first-frost": (
        "Żurek, Pierogi and the First Frost",
        datetime(2020, 11, 15, 0, 20, tzinfo=UTC),
        datetime(2020, 11, 15, 0, 21, 43, 902000, tzinfo=UTC),
        ["kitchen"],
        f"{TAKEOUT_BLOG}.post-1000000000000000002"),
    "shed-before-and-after": (
        "The Shed, Before and After",
        datetime(2021, 6, 20, 9, 0, tzinfo=UTC),
        datetime(2021, 6, 20, 9, 0, tzinfo=UTC),
        ["shed"],
        f"{TAKEOUT_BLOG}.post-1000000000000000003"),
}
TAKEOUT_SCHEDULED = "letter-to-next-years-gardener"  # status SCHEDULED, dated 2099
TAKEOUT_DRAFT = "slugs-a-truce"
TAKEOUT_LEFT_OUT = {"comment": 2, "page": 1, "empty post": 1, "trash": 1, "deleted post": 1}

# Words only in entries that are not essays: comments, settings, the template, pages,
# trashed and deleted posts, and (in a build without --drafts) drafts.
LEFT_OUT_WORDS = ("watson", "blame", "mackerel", "georgia", "estuary",
                  "Aquadulce", "parsnip", "uploader", "damson", "tennis", "regatta", "hedgehog")


# --- helpers --------------------------------------------------------------------------------

def read(name: str, **options) -> ExportRead:
    folder = BLOGGER if name.startswith("blogger-") else FIXTURES
    return read_export(folder / name, name, **options)


def by_slug(result: ExportRead) -> dict[str, Document]:
    documents = {document.slug: document for document in result.documents}
    assert len(documents) == len(result.documents), "two documents with one slug"
    return documents


def published(result: ExportRead) -> dict[str, Document]:
    return {slug: d for slug, d in by_slug(result).items() if not d.draft}


def counted(left_out: dict[str, int]) -> dict[str, int]:
    return {reason: n for reason, n in left_out.items() if n}


def fragment(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(html, create_parent="div")


def invoke(*args: str | Path):
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def search_sources(index: Path, query: str) -> list[str]:
    result = invoke("search", query, "--index", index, "--json")
    assert result.exit_code == 0, result.output
    return [hit["source"] for hit in json.loads(result.stdout)["results"]]


def variant(tmp_path: Path, name: str, text: str) -> ExportRead:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_export(path, name)


@pytest.fixture(scope="module")
def classic() -> ExportRead:
    return read(CLASSIC)


@pytest.fixture(scope="module")
def takeout() -> ExportRead:
    return read(TAKEOUT)


# --- which reader ---------------------------------------------------------------------------

def test_the_blogger_reader_is_asked_before_the_atom_reader() -> None:
    """Fails until registry.py lists "blogger" before "feedxml" for the xml container."""
    kinds = [reader.kind for reader in container_readers("xml")]
    assert kinds.index("blogger") < kinds.index("atom"), kinds


@pytest.mark.parametrize("name", [CLASSIC, TAKEOUT, COMMENTS_ONLY])
def test_both_shapes_are_blogger_exports(name: str) -> None:
    assert BloggerReader.accepts(sniff(BLOGGER / name))
    assert reader_for_file(BLOGGER / name, name).kind == "blogger"
    assert read(name).kind == "blogger"


def test_an_ordinary_atom_feed_is_still_the_atom_readers() -> None:
    assert not BloggerReader.accepts(sniff(FIXTURES / ATOM))
    result = read(ATOM)
    assert result.kind == "atom"
    assert {d.slug for d in result.documents} == {
        "on-rereading-old-letters", "the-library-book-i-never-returned",
        "learning-the-names-of-trees"}


# --- the classic export ---------------------------------------------------------------------

def test_classic_essays_are_exactly_the_published_posts_and_the_draft(classic) -> None:
    assert set(published(classic)) == set(CLASSIC_POSTS)
    drafts = {slug for slug, d in by_slug(classic).items() if d.draft}
    assert drafts == {CLASSIC_DRAFT}
    assert classic.warnings == []


def test_classic_left_out_entries_are_counted_by_kind(classic) -> None:
    assert counted(classic.left_out) == CLASSIC_LEFT_OUT


def test_classic_metadata(classic) -> None:
    documents = by_slug(classic)
    for slug, (title, date, updated, tags, url, guid) in CLASSIC_POSTS.items():
        document = documents[slug]
        assert document.title == title
        assert document.date == date and document.date.utcoffset().total_seconds() == 0
        assert document.updated == updated
        assert document.tags == tags
        assert document.url == url
        assert document.guid == guid
        assert document.authors == ["Isla Penhallow"]
        assert document.source == f"{CLASSIC}#{slug}"


def test_classic_draft_has_no_address_but_its_id(classic) -> None:
    draft = by_slug(classic)[CLASSIC_DRAFT]
    assert draft.title == "What the Harbourmaster Keeps in His Drawer"
    assert draft.url is None
    assert draft.guid == f"{CLASSIC_BLOG}.post-7301928374650192837"
    assert draft.tags == ["boats"]


@pytest.mark.parametrize("app", ["http://www.w3.org/2007/app", "http://purl.org/atom/app#"])
def test_classic_draft_marker_in_either_app_namespace(tmp_path: Path, app: str) -> None:
    text = (BLOGGER / CLASSIC).read_text(encoding="utf-8").replace(
        "xmlns:app='http://purl.org/atom/app#'", f"xmlns:app='{app}'")
    documents = by_slug(variant(tmp_path, "blog-03-01-2020.xml", text))
    assert documents[CLASSIC_DRAFT].draft
    assert not any(documents[slug].draft for slug in CLASSIC_POSTS)


def test_classic_text_paragraphs_and_entities(classic) -> None:
    low_water = by_slug(classic)["low-water-at-porthleven"]
    assert low_water.text.split("\n\n")[0] == (
        "At a spring low the harbour empties almost to the wall, and the boats lie over on "
        "their sides like cattle in a field.")
    assert "it never hurries." in low_water.text
    assert low_water.summary.startswith("At a spring low the harbour empties")
    lifeboat = by_slug(classic)["the-lifeboat-house"]
    assert "a dunnock's egg" in lifeboat.text and "&#39;" not in lifeboat.text


def test_images_keep_absolute_urls(classic, takeout) -> None:
    for document in (by_slug(classic)["the-lifeboat-house"],
                     by_slug(takeout)["shed-before-and-after"]):
        sources = [img.get("src") for img in fragment(document.html).iter("img")]
        links = [a.get("href") for a in fragment(document.html).iter("a")]
        assert len(sources) == 2, document.html
        for url in sources + links:
            assert url.startswith("https://"), url
    lifeboat = by_slug(classic)["the-lifeboat-house"]
    assert [img.get("src") for img in fragment(lifeboat.html).iter("img")] == [
        "https://blogger.googleusercontent.com/img/b/R29vZ2xl/AVvXsEh-lifeboat/s320/"
        "lifeboat-house.jpg",
        "https://1.bp.blogspot.com/-Xy7Qv2/XKOa/AAAAAAAAB3c/slipway/s320/slipway.jpg"]
    assert "The slipway at half tide." in lifeboat.text


def test_classic_page_when_asked_for() -> None:
    result = read(CLASSIC, include_pages=True)
    about = by_slug(result)["about"]
    assert about.title == "About Tide Tables"
    assert about.url == f"{CLASSIC_SITE}/p/about.html"
    assert about.guid == f"{CLASSIC_BLOG}.page-3141592653589793238"
    assert "page" not in counted(result.left_out)
    assert set(published(result)) == set(CLASSIC_POSTS) | {"about"}


# --- Google Takeout's feed.atom -------------------------------------------------------------

def test_takeout_essays_are_the_live_and_scheduled_posts_and_the_draft(takeout) -> None:
    assert set(published(takeout)) == set(TAKEOUT_POSTS) | {TAKEOUT_SCHEDULED}
    assert {slug for slug, d in by_slug(takeout).items() if d.draft} == {TAKEOUT_DRAFT}
    scheduled = by_slug(takeout)[TAKEOUT_SCHEDULED]
    assert scheduled.date == datetime(2099, 3, 1, 8, 0, tzinfo=UTC)  # the build holds it
    assert takeout.warnings == []


def test_takeout_left_out_entries_are_counted_by_type_and_status(takeout) -> None:
    assert counted(takeout.left_out) == TAKEOUT_LEFT_OUT


def test_takeout_metadata(takeout) -> None:
    documents = by_slug(takeout)
    for slug, (title, date, updated, tags, guid) in TAKEOUT_POSTS.items():
        document = documents[slug]
        assert document.title == title
        assert document.date == date and document.date.utcoffset().total_seconds() == 0
        assert document.updated == updated
        assert document.tags == tags
        assert document.guid == guid
        assert document.authors == ["Tomasz Wren"]
        assert document.url is None  # Takeout's file does not say the blog's address
    beans = documents["broad-beans-in-cold-spring"]
    assert beans.summary == "Sowing broad beans too early, and the ones that survived the frost."
    assert "smell of honey" in beans.text


def test_takeout_filename_is_joined_to_the_blogs_address_when_the_file_gives_it(
        tmp_path: Path) -> None:
    text = (BLOGGER / TAKEOUT).read_text(encoding="utf-8").replace(
        "<title>Allotment Letters</title>",
        "<title>Allotment Letters</title>\n  <link rel='alternate' type='text/html' "
        "href='https://allotmentletters.blogspot.com/'/>", 1)
    documents = by_slug(variant(tmp_path, "feed.atom", text))
    assert documents["broad-beans-in-cold-spring"].url == \
        "https://allotmentletters.blogspot.com/2021/04/broad-beans-in-cold-spring.html"
    assert documents[TAKEOUT_DRAFT].url is None  # a draft has no filename


def test_takeout_page_when_asked_for() -> None:
    result = read(TAKEOUT, include_pages=True)
    page = by_slug(result)["about-plot-fourteen"]
    assert page.title == "About Plot Fourteen" and not page.draft
    assert page.guid == f"{TAKEOUT_BLOG}.post-1000000000000000009"


def test_an_entry_type_blogger_may_add_is_left_out_by_its_name(tmp_path: Path) -> None:
    text = (BLOGGER / TAKEOUT).read_text(encoding="utf-8").replace(
        "<blogger:type>PAGE</blogger:type>", "<blogger:type>NEWSLETTER</blogger:type>")
    result = variant(tmp_path, "feed.atom", text)
    expected = {**TAKEOUT_LEFT_OUT, "newsletter": 1}
    del expected["page"]
    assert counted(result.left_out) == expected


# --- a file of comments only ----------------------------------------------------------------

def test_a_file_of_comments_only_gives_no_essays_and_one_warning() -> None:
    result = read(COMMENTS_ONLY)
    assert result.documents == []
    assert counted(result.left_out) == {"comment": 3}
    assert len(result.warnings) == 1, result.warnings
    assert "3 comments and no posts" in result.warnings[0]


# --- a Blogger feed as readers get it (/feeds/posts/default) --------------------------------

PUBLIC_FEED = """<?xml version='1.0' encoding='UTF-8'?><feed xmlns='http://www.w3.org/2005/Atom'
 xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/'
 xmlns:blogger='http://schemas.google.com/blogger/2008' xmlns:georss='http://www.georss.org/georss'
 xmlns:gd='http://schemas.google.com/g/2005' xmlns:thr='http://purl.org/syndication/thread/1.0'>
<id>tag:blogger.com,1999:blog-77</id><updated>2020-01-02T10:00:00.000+01:00</updated>
<title type='text'>Kiln Notes</title>
<link rel='alternate' type='text/html' href='https://kilnnotes.blogspot.com/'/>
<author><name>Ada Fenwick</name></author>
<generator version='7.00' uri='http://www.blogger.com'>Blogger</generator>
<entry><id>tag:blogger.com,1999:blog-77.post-1</id>
<published>2020-01-02T09:00:00.000+01:00</published><updated>2020-01-02T09:30:00.000+01:00</updated>
<category scheme='http://www.blogger.com/atom/ns#' term='glaze'/>
<title type='text'>Celadon Again</title>
<content type='html'>Third firing of the celadon, and the crackle finally came.</content>
<link rel='alternate' type='text/html' href='https://kilnnotes.blogspot.com/2020/01/celadon-again.html'
 title='Celadon Again'/>
<author><name>Ada Fenwick</name></author><thr:total>1</thr:total></entry>
<entry><id>tag:blogger.com,1999:blog-77.post-2</id>
<published>2020-01-03T09:00:00.000+01:00</published><updated>2020-01-03T09:00:00.000+01:00</updated>
<title type='text'>Lovely crackle</title><content type='html'>Lovely crackle!</content>
<author><name>A reader</name></author>
<thr:in-reply-to href='https://kilnnotes.blogspot.com/2020/01/celadon-again.html'
 ref='tag:blogger.com,1999:blog-77.post-1' type='text/html'/></entry>
</feed>
"""


def test_a_saved_blogger_feed_is_read_as_its_posts(tmp_path: Path) -> None:
    result = variant(tmp_path, "kiln.xml", PUBLIC_FEED)
    assert result.kind == "blogger"
    documents = by_slug(result)
    assert set(documents) == {"celadon-again"}
    celadon = documents["celadon-again"]
    assert celadon.url == "https://kilnnotes.blogspot.com/2020/01/celadon-again.html"
    assert celadon.guid == "tag:blogger.com,1999:blog-77.post-1"
    assert celadon.tags == ["glaze"] and celadon.authors == ["Ada Fenwick"]
    assert counted(result.left_out) == {"comment": 1}


# --- a whole build --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def blogger_build(tmp_path_factory):
    """Both exports, the file of comments only and an ordinary Atom feed, built once."""
    root = tmp_path_factory.mktemp("blogger-build")
    archive = root / "archive"
    archive.mkdir()
    for name in (CLASSIC, TAKEOUT, COMMENTS_ONLY):
        shutil.copy(BLOGGER / name, archive / name)
    shutil.copy(FIXTURES / ATOM, archive / ATOM)
    options = build_options(archive, root)
    return build(options), options


ATOM_TITLES = {"On Rereading Old Letters", "The Library Book I Never Returned",
               "Learning the Names of Trees"}
PUBLISHED_TITLES = ({post[0] for post in CLASSIC_POSTS.values()}
                    | {post[0] for post in TAKEOUT_POSTS.values()})


def test_build_counts_essays_drafts_and_the_scheduled_post(blogger_build) -> None:
    report, _ = blogger_build
    assert report.documents == len(CLASSIC_POSTS) + len(TAKEOUT_POSTS) + len(ATOM_TITLES)
    assert report.drafts == 2
    assert report.future == 1
    assert report.skipped == 0


def test_build_notes_say_what_each_export_left_out(blogger_build) -> None:
    report, _ = blogger_build
    assert f"{CLASSIC}: Blogger export: 3 essays; left out 1 draft, 2 comments, 1 empty post, " \
        "1 page, 2 settings, 1 template (--pages includes pages)" in report.notes, report.notes
    assert f"{TAKEOUT}: Blogger export: 4 essays; left out 1 draft, 2 comments, " \
        "1 deleted post, 1 empty post, 1 page, 1 trashed (--pages includes pages)" \
        in report.notes, report.notes
    assert f"{COMMENTS_ONLY}: Blogger export: 0 essays; left out 3 comments" in report.notes
    assert f"{ATOM}: Atom feed: 3 essays" in report.notes


def test_build_warns_once_about_the_file_of_comments_only(blogger_build) -> None:
    report, _ = blogger_build
    about = [w for w in report.warnings if w.source == COMMENTS_ONLY]
    assert len(about) == 1 and "no posts" in about[0].reason, report.warnings
    assert [w for w in report.warnings if w.source != COMMENTS_ONLY] == [], report.warnings


def test_feeds_hold_exactly_the_published_posts(blogger_build) -> None:
    _, options = blogger_build
    classic_ids = {post[0]: (post[4], post[5], post[1]) for post in CLASSIC_POSTS.values()}
    takeout_ids = {post[0]: (post[4], post[1]) for post in TAKEOUT_POSTS.values()}
    for name in ("feed.xml", "atom.xml"):
        parsed = feedparser.parse((Path(options.out) / name).read_bytes())
        assert parsed.bozo == 0, (name, parsed.get("bozo_exception"))
        entries = {entry.title: entry for entry in parsed.entries}
        assert set(entries) == PUBLISHED_TITLES | ATOM_TITLES, name
        for title, (url, guid, date) in classic_ids.items():
            assert entries[title].link == url, (name, title)
            assert entries[title].id == guid, (name, title)
            day = entries[title].published_parsed or entries[title].updated_parsed
            assert datetime.fromtimestamp(calendar.timegm(day), UTC) == date, (name, title)
        for title, (guid, date) in takeout_ids.items():
            assert entries[title].id == guid, (name, title)
            assert entries[title].link.startswith(str(options.base_url)), (name, title)
            day = entries[title].published_parsed or entries[title].updated_parsed
            assert datetime.fromtimestamp(calendar.timegm(day), UTC) == date, (name, title)


def test_search_finds_posts_and_never_what_was_left_out(blogger_build) -> None:
    _, options = blogger_build
    assert search_sources(options.index, "dunnock") == [f"{CLASSIC}#the-lifeboat-house"]
    assert search_sources(options.index, "pierogi") == [
        f"{TAKEOUT}#zurek-pierogi-and-first-frost"]
    for word in LEFT_OUT_WORDS:
        assert search_sources(options.index, word) == [], word
