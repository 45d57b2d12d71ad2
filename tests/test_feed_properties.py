"""Property tests for the feeds: any text in an essay's fields gives RSS, Atom and JSON Feed
that parse back cleanly, list the same entries in the same order, and carry no script."""

from __future__ import annotations

import contextlib
import json
import re
from datetime import UTC, datetime, timedelta, timezone

import feedparser
import lxml.html
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from feedsearch.feeds import FeedSite, render_feeds
from feedsearch.model import Document
from feedsearch.readers.meta import slugify
from feedsearch.sanitize import clean_text

BASE = "https://prop.example/"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ZONES = [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8)),
         timezone(timedelta(hours=14))]
XML_ILLEGAL = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\ufffe", "\uffff"]
# Pieces that break naive XML/HTML/JSON writers, or that a sanitiser must neutralise.
NASTY = [
    "]]>", "<![CDATA[", "<!--", "-->", "<script>", "</script>", "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt src=x>", "&", "<", ">", '"', "'", "&amp;", "&lt;", "&#0;", "&#x3c;", "&nbsp;",
    "\ufffe", "\uffff", "\t", "\r", "\n", "\r\n", "\x85", "\xa0", "\u2028", "\u3000", "𝄞",
    "<p>", "</p>", "<b>", "</b>", "<a href=\"", "<img src=\"", "<video poster=\"",
    "<source srcset=\"", "\">", "\" onerror=\"alert(1)", "</a>", "javascript:", "JaVaScRiPt:",
    "java\tscript:", "alert(1)", "<svg onload=alert(1)>", "<iframe src=javascript:alert(1)>",
    "<a href=javascript:alert(1)>x</a>", "<math><mi xlink:href=\"javascript:alert(1)\">",
    *XML_ILLEGAL,
]
# Windows-1252 reading of C1 bytes, which feedparser applies to every value it returns.
CP1252 = {}
for _code in range(0x80, 0xA0):
    with contextlib.suppress(UnicodeDecodeError):  # five C1 bytes are not in cp1252
        CP1252[_code] = bytes([_code]).decode("cp1252")

nasty_text = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=6)),
                      max_size=12).map("".join)
any_text = st.one_of(st.text(), nasty_text)
# A URL attribute whose value is a script URL behind characters that a browser, a URL
# parser or Python's str.strip() may each skip or not.
hostile_link = st.builds(
    lambda tag_attr, before, scheme: '<{0} {1}="{2}{3}alert(1)">x</{0}>'.format(
        *tag_attr, before, scheme),
    st.sampled_from([("a", "href"), ("img", "src"), ("img", "srcset"), ("video", "poster"),
                     ("source", "srcset"), ("blockquote", "cite"), ("area", "href")]),
    st.text(alphabet=st.sampled_from([" ", "\t", "\n", "\x01", "\x0b", "\x0c", "\xa0",
                                      "\u3000", "\u2028", "\x85", "\u200b", "\ufeff"]),
            max_size=3),
    st.sampled_from(["javascript:", "JaVaScRiPt:", "java\tscript:", "java\nscript:",
                     "vbscript:", "javascript&#58;", "&#x6A;avascript:"]),
)
html_bodies = st.one_of(any_text, st.lists(st.one_of(hostile_link, any_text), min_size=1,
                                           max_size=4).map("".join))
# Readers never give a blank title. One that is blank only once its XML-illegal characters
# are gone (the readers let "\x01" through) is tested on its own below, so that it cannot
# hide the other properties.
titles = any_text.filter(lambda t: clean_text(t).strip() != "")
blank_once_cleaned = st.text(alphabet=st.sampled_from([*XML_ILLEGAL, " ", "\t", "\n"]),
                             min_size=1).filter(lambda t: t.strip() != "")
moments = st.one_of(
    st.sampled_from([datetime(2021, 3, 1, tzinfo=UTC),
                     datetime(2021, 3, 1, 5, 30, tzinfo=ZONES[1])]),  # the same instant
    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2100, 1, 1),
                 timezones=st.sampled_from(ZONES)),
)
SETTINGS = settings(max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


NO_GUID = st.none()


@st.composite
def essays(draw, title=titles, guid=NO_GUID):
    """0-6 essays in shuffled order, most dated, with any text in every text field."""
    count = draw(st.integers(0, 6))
    docs = []
    for i in draw(st.permutations(range(count))):
        slug = f"essay-{i}"
        docs.append(Document(
            slug=slug,
            title=draw(title),
            source=f"{slug}.md",
            html=draw(html_bodies),
            date=draw(st.one_of(moments, moments, moments, st.none())),
            authors=draw(st.lists(any_text, max_size=3)),
            tags=draw(st.lists(any_text, max_size=3)),
            summary=draw(any_text),
            url=f"{BASE}{slug}/",
            guid=draw(guid),
        ))
    return docs


def site(limit: int = 20) -> FeedSite:
    return FeedSite("Props", BASE, "Property feeds", author="Prop Author", limit=limit)


def parse(data: bytes):
    """What the feed really carries: no feedparser URL resolving or HTML sanitising."""
    return feedparser.parse(data, resolve_relative_uris=False, sanitize_html=False)


def expected_order(docs: list[Document]) -> list[Document]:
    """Dated essays, newest instant first, equal instants by slug."""
    return sorted((d for d in docs if d.date is not None), key=lambda d: (EPOCH - d.date, d.slug))


def as_feedparser_returns(text: str) -> str:
    """A text value as feedparser hands it back from well-formed XML: stripped of outer
    whitespace, text that reads as UTF-8 mis-decoded as Latin-1 repaired, C1 characters read
    as Windows-1252. Anything else feedparser must return unchanged."""
    text = text.strip()
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        text = text.encode("iso-8859-1").decode("utf-8")
    return text.translate(CP1252)


def xml_feeds(files: dict[str, bytes]) -> dict[str, object]:
    parsed = {name: parse(data) for name, data in files.items() if name.endswith(".xml")}
    for name, feed in parsed.items():
        assert feed.bozo == 0, (name, feed.get("bozo_exception"), files[name][:2000])
    return parsed


def ids(feed) -> list[str]:
    return [entry.id for entry in feed.entries]


_BROWSER_TRIM = "".join(chr(c) for c in range(0x21))
_ASCII_SPACE = " \t\n\r\f"


def srcset_urls(srcset: str) -> list[str]:
    """The candidate URLs of a srcset as HTML parses it: a URL runs to the next ASCII
    whitespace; its descriptors run to the next comma outside parentheses."""
    urls, position, length = [], 0, len(srcset)
    while True:
        while position < length and srcset[position] in _ASCII_SPACE + ",":
            position += 1
        if position >= length:
            return urls
        start = position
        while position < length and srcset[position] not in _ASCII_SPACE:
            position += 1
        url = srcset[start:position]
        urls.append(url.rstrip(","))
        if url.endswith(","):
            continue
        in_parens = False
        while position < length:
            char = srcset[position]
            position += 1
            if char == "(":
                in_parens = True
            elif char == ")":
                in_parens = False
            elif char == "," and not in_parens:
                break


def script_url(name: str, value: str) -> bool:
    """Whether ``value`` (in a srcset, any candidate URL) is a script URL as a browser
    reads it: leading and trailing C0 controls and spaces, and tabs and newlines anywhere,
    do not count."""
    urls = srcset_urls(value) if name.lower() == "srcset" else [value]
    for url in urls:
        scheme = re.sub(r"[\t\n\r]", "", url.strip(_BROWSER_TRIM)).lower()
        if scheme.startswith(("javascript:", "vbscript:")):
            return True
    return False


def assert_no_script(html: str, where: str) -> None:
    assert "<script" not in html.lower(), (where, html)
    if not html.strip():
        return
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # a comment or processing instruction
        assert element.tag.lower() != "script", (where, html)
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (where, name, html)
            assert not script_url(name, value), (where, name, value, html)


UNICODE_SPACE_LINK = Document(
    slug="essay-0", title="Links", source="essay-0.md", summary="Links.",
    html='<p><a href="\u3000javascript:alert(1)">x</a></p>',
    date=datetime(2021, 3, 1, tzinfo=UTC), url=f"{BASE}essay-0/")
SRCSET_SCRIPT = Document(
    slug="essay-0", title="Pictures", source="essay-0.md", summary="Pictures.",
    html='<p><img alt="a" srcset="javascript:alert(1) 1x, b.jpg 2x"></p>',
    date=datetime(2021, 3, 1, tzinfo=UTC), url=f"{BASE}essay-0/")
CITE_SCRIPT = Document(
    slug="essay-0", title="Quotes", source="essay-0.md", summary="Quotes.",
    html='<blockquote cite="javascript:alert(1)"><p>Quoted.</p></blockquote>',
    date=datetime(2021, 3, 1, tzinfo=UTC), url=f"{BASE}essay-0/")
MARKUP_SUMMARY = Document(
    slug="essay-0", title="About tags", source="essay-0.md", html="<p>About tags.</p>",
    summary="Never paste a <script>alert(1)</script> tag.",
    date=datetime(2021, 3, 1, tzinfo=UTC), url=f"{BASE}essay-0/")


@pytest.mark.slow  # 60 sets of essays, each rendered into every feed and parsed back
@SETTINGS
@given(docs=essays(), limit=st.integers(1, 8))
def test_every_feed_parses_and_lists_the_dated_essays_newest_first(docs, limit):
    files = render_feeds(docs, site(limit))
    expected = [d.feed_id() for d in expected_order(docs)][:limit]

    parsed = xml_feeds(files)
    assert ids(parsed["feed.xml"]) == expected
    assert ids(parsed["atom.xml"]) == expected
    assert parsed["feed.xml"].version == "rss20"
    assert parsed["atom.xml"].version == "atom10"
    items = json.loads(files["feed.json"].decode("utf-8"))["items"]
    assert [item["id"] for item in items] == expected

    # One RSS and one Atom feed per tag that has a slug, with that tag's dated essays.
    groups: dict[str, list[str]] = {}
    for document in expected_order(docs):
        for key in dict.fromkeys(slugify(tag) for tag in document.tags):
            if key:
                groups.setdefault(key, []).append(document.feed_id())
    tag_files = {name for name in files if name.startswith("tags/")}
    assert tag_files == {f"tags/{key}/{name}" for key in groups
                         for name in ("feed.xml", "atom.xml")}
    for key, members in groups.items():
        assert ids(parsed[f"tags/{key}/feed.xml"]) == members[:limit]
        assert ids(parsed[f"tags/{key}/atom.xml"]) == members[:limit]


@pytest.mark.slow  # 60 sets of essays, each rendered into every feed and parsed back
@SETTINGS
@given(docs=essays())
def test_titles_round_trip_through_every_format(docs):
    files = render_feeds(docs, site())
    parsed = xml_feeds(files)
    items = json.loads(files["feed.json"])["items"]
    ordered = expected_order(docs)
    for name in ("feed.xml", "atom.xml"):
        got = [entry.title for entry in parsed[name].entries]
        assert got == [as_feedparser_returns(clean_text(d.title)) for d in ordered], name
    assert [item["title"] for item in items] == [clean_text(d.title) for d in ordered]


@SETTINGS
@given(docs=essays())
@example(docs=[UNICODE_SPACE_LINK])
@example(docs=[SRCSET_SCRIPT])
@example(docs=[CITE_SCRIPT])
def test_no_script_survives_in_any_content(docs):
    files = render_feeds(docs, site())
    parsed = xml_feeds(files)
    for name in ("feed.xml", "atom.xml"):
        for entry in parsed[name].entries:
            for content in entry.get("content", []):  # none for an empty body
                assert content.type == "text/html"
                assert_no_script(content.value, f"{name} {entry.id}")
    for item in json.loads(files["feed.json"])["items"]:
        assert_no_script(item.get("content_html", ""), f"feed.json {item['id']}")


@pytest.mark.slow  # 60 sets of essays, each rendered into every feed and parsed back
@SETTINGS
@given(docs=essays())
@example(docs=[MARKUP_SUMMARY])
def test_rss_description_carries_no_script(docs):
    """RSS <description> is HTML to a feed reader (feedparser reports it as text/html), so
    a plain-text summary must reach it escaped: text that looks like a tag stays text."""
    parsed = xml_feeds(render_feeds(docs, site()))
    entries = parsed["feed.xml"].entries
    for document, entry in zip(expected_order(docs), entries, strict=True):
        if clean_text(document.summary).strip():  # else there is no <description>
            assert entry.summary_detail.type == "text/html"
            assert_no_script(entry.summary, f"feed.xml description of {entry.id}")


ILLEGAL_TITLE = Document(
    slug="essay-0", title="\x01", source="essay-0.md", html="<p>Body.</p>", summary="Body.",
    date=datetime(2021, 3, 1, tzinfo=UTC), url=f"{BASE}essay-0/")


@pytest.mark.slow  # 60 sets of essays, each rendered into every feed and parsed back
@SETTINGS
@given(docs=essays(title=blank_once_cleaned))
@example(docs=[ILLEGAL_TITLE])
def test_a_title_of_xml_illegal_characters_only_does_not_break_the_feeds(docs):
    """Such a title passes the readers' "no title" check (``"\\x01".strip()`` is not empty)
    and reaches the feeds from front matter like ``title: "\\x01"``."""
    files = render_feeds(docs, site())
    expected = [d.feed_id() for d in expected_order(docs)]
    parsed = xml_feeds(files)
    assert ids(parsed["feed.xml"]) == expected
    assert ids(parsed["atom.xml"]) == expected
    assert [item["id"] for item in json.loads(files["feed.json"])["items"]] == expected


# A front-matter id as the Markdown reader gives it: whitespace collapsed, never empty.
ABSOLUTE_IDS = ["urn:uuid:5f1c9a7e-2b1d-4c3e-9f00-0a1b2c3d4e5f", "tag:prop.example,2020:essay",
                "https://old.example/2019/05/essay/"]
guids = st.one_of(st.sampled_from(ABSOLUTE_IDS),
                  any_text.map(lambda t: " ".join(t.split())).filter(bool))


ILLEGAL_ID = Document(
    slug="essay-0", title="Ids", source="essay-0.md", html="<p>Body.</p>", summary="Body.",
    date=datetime(2021, 3, 1, tzinfo=UTC), url=f"{BASE}essay-0/", guid="urn:x:\x01")


@pytest.mark.slow  # 60 sets of essays, each rendered into every feed and parsed back
@SETTINGS
@given(docs=essays(guid=st.one_of(st.none(), guids)))
@example(docs=[ILLEGAL_ID])
def test_any_front_matter_id_gives_feeds_that_parse(docs):
    files = render_feeds(docs, site())
    parsed = xml_feeds(files)
    ordered = expected_order(docs)
    items = json.loads(files["feed.json"])["items"]
    for name in ("feed.xml", "atom.xml"):
        assert len(parsed[name].entries) == len(ordered)
    assert len(items) == len(ordered)
    for position, document in enumerate(ordered):
        identifier = document.feed_id()
        if clean_text(identifier) != identifier:
            continue  # what becomes of XML-illegal characters is not prescribed
        assert items[position]["id"] == identifier
        # An RSS guid that is no permalink is taken as it is; an Atom id is an IRI, which
        # feedparser resolves against the xml:base in scope, so only absolute ones are kept.
        assert parsed["feed.xml"].entries[position].id == as_feedparser_returns(identifier)
        if identifier in ABSOLUTE_IDS or identifier == document.url:
            assert parsed["atom.xml"].entries[position].id == identifier
