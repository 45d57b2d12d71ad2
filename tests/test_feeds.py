"""feedsearch.feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1, parsed back with feedparser."""

from __future__ import annotations

import calendar
import json
import re
from datetime import UTC, datetime, timedelta, timezone

import feedparser
import lxml.html
import pytest

from feedsearch.feeds import (
    FeedSite,
    atom_bytes,
    feed_specs,
    json_feed_bytes,
    newest_first,
    render_feeds,
    rss_bytes,
)
from feedsearch.model import Document
from feedsearch.sanitize import clean_text as clean
from feedsearch.urls import as_iri

BASE = "https://site.example/"
JSON_VERSION = "https://jsonfeed.org/version/1.1"
PLUS_TWO = timezone(timedelta(hours=2))


def make_doc(slug: str, date: datetime | None, **fields) -> Document:
    fields.setdefault("title", f"Title of {slug}")
    fields.setdefault("html", f"<p>Body of {slug}.</p>")
    fields.setdefault("text", f"Body of {slug}.")
    fields.setdefault("summary", f"Summary of {slug}.")
    fields.setdefault("url", f"{BASE}{slug}/")
    return Document(slug=slug, source=f"{slug}.md", date=date, **fields)


def sample_docs() -> list[Document]:
    """Three dated essays (two on the same day) and one undated, in no particular order."""
    return [
        make_doc("gardening", datetime(2020, 5, 17, 9, 0, tzinfo=PLUS_TWO),
                 tags=["garden", "Work & Rest"], authors=["Ann Author"],
                 html='<p>Roses.</p><p><img src="/x.jpg" alt="x"> <a href="notes/">n</a></p>'),
        make_doc("sailing", datetime(2021, 3, 1, tzinfo=UTC), tags=["sea"],
                 authors=["Bo Writer", "Cy Writer"]),
        make_doc("anchoring", datetime(2021, 3, 1, tzinfo=UTC), tags=["sea", "garden"]),
        make_doc("undated", None, tags=["garden"]),
    ]


SITE = FeedSite("Essays", BASE, "Essays on things", author="Site Owner")


def parse(data: bytes):
    """feedparser's reading, without its own URL resolving or HTML sanitizing (which would
    hide what the feed really carries, e.g. drop ``srcset``)."""
    return feedparser.parse(data, resolve_relative_uris=False, sanitize_html=False)


def rss(docs, site=SITE):
    return parse(render_feeds(docs, site)["feed.xml"])


def atom(docs, site=SITE):
    return parse(render_feeds(docs, site)["atom.xml"])


def jsonfeed(docs, site=SITE):
    return json.loads(render_feeds(docs, site)["feed.json"])


def utc_seconds(struct) -> int:
    return calendar.timegm(struct)


def link_of(links, rel: str) -> list[str]:
    return [link["href"] for link in links if link.get("rel") == rel]


def visible_text(html: str) -> str:
    return lxml.html.fragment_fromstring(html, create_parent="div").text_content()


# --- formats ---------------------------------------------------------------------------------


def test_rss_is_well_formed_rss20():
    parsed = rss(sample_docs())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert len(parsed.entries) == 3


def test_atom_is_well_formed_atom10():
    parsed = atom(sample_docs())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert len(parsed.entries) == 3


def test_json_feed_is_version_1_1():
    feed = jsonfeed(sample_docs())
    assert feed["version"] == JSON_VERSION
    assert feed["title"] == "Essays"
    assert feed["description"] == "Essays on things"
    assert feed["authors"] == [{"name": "Site Owner"}]
    assert len(feed["items"]) == 3


def test_render_feeds_writes_the_site_feeds():
    files = render_feeds(sample_docs(), SITE)
    assert {"feed.xml", "atom.xml", "feed.json"} <= set(files)
    assert all(isinstance(data, bytes) for data in files.values())


def test_single_feed_functions_match_render_feeds():
    docs = sample_docs()
    spec = feed_specs(docs, SITE)[0]
    files = render_feeds(docs, SITE)
    assert rss_bytes(SITE, spec) == files["feed.xml"]
    assert atom_bytes(SITE, spec) == files["atom.xml"]
    assert json_feed_bytes(SITE, spec) == files["feed.json"]


# --- order -----------------------------------------------------------------------------------


EXPECTED_ORDER = [f"{BASE}anchoring/", f"{BASE}sailing/", f"{BASE}gardening/"]


def test_newest_first_breaks_same_date_ties_by_slug_and_drops_undated():
    ordered = newest_first(sample_docs())
    assert [d.slug for d in ordered] == ["anchoring", "sailing", "gardening"]
    assert [d.slug for d in newest_first(list(reversed(sample_docs())))] == [
        "anchoring", "sailing", "gardening"]


def test_same_entries_in_same_order_in_all_three_formats():
    docs = sample_docs()
    assert [e.id for e in rss(docs).entries] == EXPECTED_ORDER
    assert [e.id for e in atom(docs).entries] == EXPECTED_ORDER
    assert [item["id"] for item in jsonfeed(docs)["items"]] == EXPECTED_ORDER


def test_order_does_not_depend_on_input_order():
    docs = sample_docs()
    assert render_feeds(docs, SITE) == render_feeds(list(reversed(sample_docs())), SITE)


def test_order_compares_instants_across_time_zones():
    # 01:00 at +02:00 is 23:00 UTC the day before: earlier than 00:30 UTC on the 2nd.
    docs = [make_doc("late-utc", datetime(2022, 1, 2, 0, 30, tzinfo=UTC)),
            make_doc("early-plus-two", datetime(2022, 1, 2, 1, 0, tzinfo=PLUS_TWO))]
    assert [e.id for e in rss(docs).entries] == [f"{BASE}late-utc/", f"{BASE}early-plus-two/"]


def test_undated_documents_are_left_out_of_every_feed():
    files = render_feeds(sample_docs(), SITE)
    for name, data in files.items():
        assert b"undated" not in data, name
    assert "undated" not in {d.slug for d in newest_first(sample_docs())}


# --- entry fields ----------------------------------------------------------------------------


def _by_id(entries):
    return {entry.id: entry for entry in entries}


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_xml_entry_fields(fmt):
    parsed = rss(sample_docs()) if fmt == "rss" else atom(sample_docs())
    entry = _by_id(parsed.entries)[f"{BASE}gardening/"]
    assert entry.title == "Title of gardening"
    assert entry.link == f"{BASE}gardening/"
    assert entry.summary == "Summary of gardening."
    published = datetime(2020, 5, 17, 9, 0, tzinfo=PLUS_TWO)
    assert utc_seconds(entry.published_parsed) == int(published.timestamp())
    assert [a["name"] for a in entry.authors] == ["Ann Author"]
    assert [t.term for t in entry.tags] == ["garden", "Work & Rest"]
    content = entry.content[0].value
    assert "Roses." in content
    assert 'src="https://site.example/x.jpg"' in content


def test_rss_guid_is_the_url_and_a_permalink():
    entry = _by_id(rss(sample_docs()).entries)[f"{BASE}sailing/"]
    assert entry.id == f"{BASE}sailing/"
    assert entry.link == f"{BASE}sailing/"
    raw = render_feeds(sample_docs(), SITE)["feed.xml"].decode()
    assert f'<guid isPermaLink="true">{BASE}sailing/</guid>' in raw


def test_rss_content_encoded_has_the_full_html():
    raw = render_feeds(sample_docs(), SITE)["feed.xml"]
    assert b"<content:encoded>" in raw
    entry = _by_id(rss(sample_docs()).entries)[f"{BASE}gardening/"]
    content = entry.content[0].value
    assert "<p>Roses.</p>" in content
    assert 'href="https://site.example/gardening/notes/"' in content
    assert entry.summary == "Summary of gardening."  # <description> is the summary


def test_atom_content_is_html_with_the_full_body():
    entry = _by_id(atom(sample_docs()).entries)[f"{BASE}gardening/"]
    assert entry.content[0].type == "text/html"
    assert "<p>Roses.</p>" in entry.content[0].value
    assert entry.summary == "Summary of gardening."


def test_several_authors_are_all_listed():
    docs = sample_docs()
    for parsed in (rss(docs), atom(docs)):
        entry = _by_id(parsed.entries)[f"{BASE}sailing/"]
        assert [a["name"] for a in entry.authors] == ["Bo Writer", "Cy Writer"]
    item = next(i for i in jsonfeed(docs)["items"] if i["id"] == f"{BASE}sailing/")
    assert item["authors"] == [{"name": "Bo Writer"}, {"name": "Cy Writer"}]


def test_json_item_fields():
    item = next(i for i in jsonfeed(sample_docs())["items"] if i["id"] == f"{BASE}gardening/")
    assert item["url"] == f"{BASE}gardening/"
    assert item["title"] == "Title of gardening"
    assert item["summary"] == "Summary of gardening."
    published = datetime.fromisoformat(item["date_published"])
    assert published == datetime(2020, 5, 17, 9, 0, tzinfo=PLUS_TWO)
    assert published.utcoffset() == timedelta(hours=2)
    assert item["authors"] == [{"name": "Ann Author"}]
    assert item["tags"] == ["garden", "Work & Rest"]
    assert "<p>Roses.</p>" in item["content_html"]
    assert 'src="https://site.example/x.jpg"' in item["content_html"]


def test_document_guid_is_used_as_id_in_all_formats():
    docs = [make_doc("a", datetime(2020, 1, 1, tzinfo=UTC), guid="urn:uuid:1234-abcd"),
            make_doc("b", datetime(2019, 1, 1, tzinfo=UTC), guid="https://old.example/?p=7")]
    for parsed in (rss(docs), atom(docs)):
        assert [e.id for e in parsed.entries] == ["urn:uuid:1234-abcd", "https://old.example/?p=7"]
        assert [e.link for e in parsed.entries] == [f"{BASE}a/", f"{BASE}b/"]
    assert [i["id"] for i in jsonfeed(docs)["items"]] == [
        "urn:uuid:1234-abcd", "https://old.example/?p=7"]
    raw = render_feeds(docs, SITE)["feed.xml"].decode()
    assert '<guid isPermaLink="false">urn:uuid:1234-abcd</guid>' in raw
    # A kept guid that is not the entry's link (an old WordPress ?p= id) is not a permalink,
    # as WordPress itself marks it.
    assert '<guid isPermaLink="false">https://old.example/?p=7</guid>' in raw


def test_ids_are_stable_between_renders():
    first = [e.id for e in rss(sample_docs()).entries]
    second = [e.id for e in rss(sample_docs()).entries]
    assert first == second == EXPECTED_ORDER


def test_entry_updated_uses_the_documents_updated_date():
    updated = datetime(2021, 6, 1, 12, 0, tzinfo=UTC)
    docs = [make_doc("a", datetime(2021, 1, 1, tzinfo=UTC), updated=updated)]
    entry = atom(docs).entries[0]
    assert utc_seconds(entry.updated_parsed) == int(updated.timestamp())
    assert utc_seconds(entry.published_parsed) == int(
        datetime(2021, 1, 1, tzinfo=UTC).timestamp())
    item = jsonfeed(docs)["items"][0]
    assert datetime.fromisoformat(item["date_modified"]) == updated


# --- relative URLs in content ----------------------------------------------------------------


def test_relative_urls_in_content_become_absolute_in_every_format():
    docs = [make_doc("a", datetime(2020, 1, 1, tzinfo=UTC), url="https://site.example/a/",
                     html='<p><img src="/x.jpg"> <a href="more/">more</a> '
                          '<img srcset="/s.jpg 300w, l.jpg 900w"></p>')]
    contents = [rss(docs).entries[0].content[0].value,
                atom(docs).entries[0].content[0].value,
                jsonfeed(docs)["items"][0]["content_html"]]
    for content in contents:
        assert 'src="https://site.example/x.jpg"' in content
        assert 'href="https://site.example/a/more/"' in content
        assert "https://site.example/s.jpg 300w, https://site.example/a/l.jpg 900w" in content
        assert 'src="/' not in content
        assert 'href="more/' not in content


def test_content_urls_resolve_against_a_canonical_url():
    docs = [make_doc("a", datetime(2020, 1, 1, tzinfo=UTC),
                     url="https://site.example/2020/01/01/a/", html='<img src="pic.jpg">')]
    content = rss(docs).entries[0].content[0].value
    assert 'src="https://site.example/2020/01/01/a/pic.jpg"' in content


# --- feed-level data -------------------------------------------------------------------------


def test_feed_updated_is_the_newest_entry_date_not_now():
    newest = datetime(2021, 3, 1, tzinfo=UTC)
    parsed_rss = rss(sample_docs())
    parsed_atom = atom(sample_docs())
    assert utc_seconds(parsed_rss.feed.updated_parsed) == int(newest.timestamp())
    assert utc_seconds(parsed_atom.feed.updated_parsed) == int(newest.timestamp())
    raw = render_feeds(sample_docs(), SITE)["feed.xml"].decode()
    assert "<lastBuildDate>Mon, 01 Mar 2021 00:00:00 +0000</lastBuildDate>" in raw


def test_feed_updated_counts_an_entry_update():
    docs = sample_docs()
    docs[0].updated = datetime(2024, 2, 2, tzinfo=UTC)  # gardening, edited later
    assert utc_seconds(atom(docs).feed.updated_parsed) == int(
        datetime(2024, 2, 2, tzinfo=UTC).timestamp())


def test_rendering_twice_is_byte_identical():
    first = render_feeds(sample_docs(), SITE)
    second = render_feeds(sample_docs(), SITE)
    assert first == second
    assert first["feed.xml"] == second["feed.xml"]
    assert first["atom.xml"] == second["atom.xml"]
    assert first["feed.json"] == second["feed.json"]


def test_rss_channel_link_and_self_link():
    parsed = rss(sample_docs())
    assert parsed.feed.link == BASE
    assert link_of(parsed.feed.links, "self") == [f"{BASE}feed.xml"]
    assert parsed.feed.title == "Essays"
    assert parsed.feed.subtitle == "Essays on things"
    assert parsed.feed.language == "en-us"


def test_atom_alternate_and_self_link():
    parsed = atom(sample_docs())
    assert link_of(parsed.feed.links, "alternate") == [BASE]
    assert link_of(parsed.feed.links, "self") == [f"{BASE}atom.xml"]
    assert parsed.feed.id == BASE
    assert parsed.feed.author == "Site Owner"


def test_json_feed_home_and_feed_url():
    feed = jsonfeed(sample_docs())
    assert feed["home_page_url"] == BASE
    assert feed["feed_url"] == f"{BASE}feed.json"


def test_site_without_author_or_description_still_parses():
    site = FeedSite("Bare", BASE)
    files = render_feeds(sample_docs(), site)
    for name in ("feed.xml", "atom.xml"):
        parsed = parse(files[name])
        assert parsed.bozo == 0, name
        assert parsed.feed.title == "Bare"
    assert json.loads(files["feed.json"])["description"] == "Bare"


def test_limit_keeps_the_newest():
    site = FeedSite("Essays", BASE, limit=2)
    newest_two = EXPECTED_ORDER[:2]
    assert [e.id for e in rss(sample_docs(), site).entries] == newest_two
    assert [e.id for e in atom(sample_docs(), site).entries] == newest_two
    assert [i["id"] for i in jsonfeed(sample_docs(), site)["items"]] == newest_two


def test_limit_applies_to_tag_feeds():
    site = FeedSite("Essays", BASE, limit=1)
    files = render_feeds(sample_docs(), site)
    garden = parse(files["tags/garden/feed.xml"])
    assert [e.id for e in garden.entries] == [f"{BASE}anchoring/"]


def test_feed_with_only_undated_documents_is_empty_but_valid():
    files = render_feeds([make_doc("undated", None)], SITE)
    for name in ("feed.xml", "atom.xml"):
        parsed = parse(files[name])
        assert parsed.bozo == 0
        assert parsed.entries == []
    assert json.loads(files["feed.json"])["items"] == []
    assert not any(name.startswith("tags/") for name in files)


# --- awkward characters ----------------------------------------------------------------------


def _control_doc() -> Document:
    return make_doc("ctl", datetime(2020, 1, 1, tzinfo=UTC),
                    title="Ti\x00tle\x0b here\x1f",
                    summary="Sum\x0bmary\x00",
                    html="<p>Bo\x00dy\x0b te\x1fxt</p>",
                    tags=["t\x00ag", "ok\x1f"],
                    authors=["Au\x0bthor"])


def test_clean_removes_xml_illegal_characters():
    assert clean("a\x00b\x08c\x0bd\x0ce\x1ff\ufffeg") == "abcdefg"
    assert clean("tab\tnew\nline\rok") == "tab\tnew\nline\rok"
    assert clean(None) == ""


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_control_characters_do_not_break_xml_feeds(name):
    data = render_feeds([_control_doc()], SITE)[name]
    for char in (b"\x00", b"\x0b", b"\x1f"):
        assert char not in data
    parsed = parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    entry = parsed.entries[0]
    assert entry.title == "Title here"
    assert entry.summary == "Summary"
    assert [t.term for t in entry.tags] == ["tag", "ok"]
    assert [a["name"] for a in entry.authors] == ["Author"]
    content = entry.content[0].value
    assert "text</p>" in content
    assert not any(char in content for char in "\x00\x0b\x1f")


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_control_characters_in_html_are_removed_like_elsewhere(name):
    # clean() drops them from titles, summaries, tags and authors; the body must lose them
    # the same way, not show a replacement character (U+FFFD) in their place.
    entry = parse(render_feeds([_control_doc()], SITE)[name]).entries[0]
    assert visible_text(entry.content[0].value) == "Body text"


def test_cdata_terminator_in_content_survives():
    docs = [make_doc("cdata", datetime(2020, 1, 1, tzinfo=UTC),
                     title="A ]]> title", summary="x ]]> y",
                     html="<p>Before ]]> after <![CDATA[ inner ]]></p>"
                          "<pre>if (a[b[0]]>1) {}</pre>")]
    files = render_feeds(docs, SITE)
    for name in ("feed.xml", "atom.xml"):
        parsed = parse(files[name])
        assert parsed.bozo == 0, name
        entry = parsed.entries[0]
        assert entry.title == "A ]]> title"
        assert visible_text(entry.summary) == "x ]]> y"  # the summary is marked as HTML
        text = visible_text(entry.content[0].value)
        assert "Before ]]> after" in text
        assert "if (a[b[0]]>1) {}" in text
    item = json.loads(files["feed.json"])["items"][0]
    assert "if (a[b[0]]>1) {}" in visible_text(item["content_html"])


def test_markup_in_titles_is_text():
    docs = [make_doc("amp", datetime(2020, 1, 1, tzinfo=UTC), title="Rest & <b>Work</b>")]
    for name in ("feed.xml", "atom.xml"):
        parsed = parse(render_feeds(docs, SITE)[name])
        assert parsed.bozo == 0
        assert "Rest &" in parsed.entries[0].title


# --- tag feeds -------------------------------------------------------------------------------


def test_tag_feeds_exist_for_every_tag_slug():
    files = render_feeds(sample_docs(), SITE)
    tag_names = {name for name in files if name.startswith("tags/")}
    assert tag_names == {
        f"tags/{slug}/{kind}"
        for slug in ("garden", "sea", "work-rest")
        for kind in ("feed.xml", "atom.xml")
    }


def test_tag_feed_holds_only_essays_with_that_tag():
    files = render_feeds(sample_docs(), SITE)
    sea = parse(files["tags/sea/feed.xml"])
    assert sea.bozo == 0
    assert [e.id for e in sea.entries] == [f"{BASE}anchoring/", f"{BASE}sailing/"]
    garden = parse(files["tags/garden/atom.xml"])
    assert garden.bozo == 0
    # the undated essay is tagged "garden" too, and still stays out
    assert [e.id for e in garden.entries] == [f"{BASE}anchoring/", f"{BASE}gardening/"]


def test_tag_with_punctuation_gets_a_slug_folder():
    files = render_feeds(sample_docs(), SITE)
    parsed = parse(files["tags/work-rest/feed.xml"])
    assert parsed.bozo == 0
    assert [e.id for e in parsed.entries] == [f"{BASE}gardening/"]
    assert parsed.feed.title == "Essays: Work & Rest"


def test_tag_feed_links_point_at_the_tag_folder():
    files = render_feeds(sample_docs(), SITE)
    parsed_rss = parse(files["tags/sea/feed.xml"])
    parsed_atom = parse(files["tags/sea/atom.xml"])
    assert link_of(parsed_rss.feed.links, "self") == [f"{BASE}tags/sea/feed.xml"]
    assert link_of(parsed_atom.feed.links, "self") == [f"{BASE}tags/sea/atom.xml"]
    assert parsed_rss.feed.link == BASE


def test_tag_feed_updated_is_its_own_newest_entry():
    files = render_feeds(sample_docs(), SITE)
    parsed = parse(files["tags/work-rest/atom.xml"])
    expected = datetime(2020, 5, 17, 9, 0, tzinfo=PLUS_TWO)
    assert utc_seconds(parsed.feed.updated_parsed) == int(expected.timestamp())


def test_tags_differing_in_case_share_one_feed():
    docs = [make_doc("a", datetime(2020, 1, 1, tzinfo=UTC), tags=["Grief"]),
            make_doc("b", datetime(2021, 1, 1, tzinfo=UTC), tags=["grief"])]
    files = render_feeds(docs, SITE)
    assert sorted(n for n in files if n.startswith("tags/")) == [
        "tags/grief/atom.xml", "tags/grief/feed.xml"]
    assert [e.id for e in parse(files["tags/grief/feed.xml"]).entries] == [
        f"{BASE}b/", f"{BASE}a/"]


def test_two_tags_of_one_essay_with_the_same_slug_list_it_once():
    # "Work & Rest" and "work rest" both slugify to "work-rest": one folder, one entry.
    docs = [make_doc("a", datetime(2020, 1, 1, tzinfo=UTC), tags=["Work & Rest", "work rest"])]
    files = render_feeds(docs, SITE)
    for name in ("tags/work-rest/feed.xml", "tags/work-rest/atom.xml"):
        ids = [e.id for e in parse(files[name]).entries]
        assert ids == [f"{BASE}a/"], name


def test_tag_without_slug_characters_gets_no_feed():
    docs = [make_doc("a", datetime(2020, 1, 1, tzinfo=UTC), tags=["!!!", "ok"])]
    files = render_feeds(docs, SITE)
    assert sorted(n for n in files if n.startswith("tags/")) == [
        "tags/ok/atom.xml", "tags/ok/feed.xml"]


# --- the built sample archive ----------------------------------------------------------------


def _built_feeds(built):
    out = built.out
    return (parse((out / "feed.xml").read_bytes()),
            parse((out / "atom.xml").read_bytes()),
            json.loads((out / "feed.json").read_bytes()))


def test_built_feeds_have_all_dated_essays(built):
    parsed_rss, parsed_atom, feed = _built_feeds(built)
    assert parsed_rss.bozo == 0 and parsed_rss.version == "rss20"
    assert parsed_atom.bozo == 0 and parsed_atom.version == "atom10"
    assert feed["version"] == JSON_VERSION
    # 22 dated essays; the feeds hold the newest 20, the default feed limit.
    assert len(parsed_rss.entries) == 20
    assert len(parsed_atom.entries) == 20
    assert len(feed["items"]) == 20


def test_built_feeds_agree_on_ids_and_order(built):
    parsed_rss, parsed_atom, feed = _built_feeds(built)
    rss_ids = [e.id for e in parsed_rss.entries]
    # An id that is no IRI (Ghost's post ids) is the RSS guid and JSON Feed id as the
    # platform wrote it, and in Atom, which needs an IRI, the UUID made from it.
    assert [as_iri(i) for i in rss_ids] == [e.id for e in parsed_atom.entries]
    assert any(i != as_iri(i) for i in rss_ids)
    assert rss_ids == [item["id"] for item in feed["items"]]
    assert len(set(rss_ids)) == 20
    assert f"{built.base_url}when-your-teenager-stops-talking/" not in rss_ids
    dates = [utc_seconds(e.published_parsed) for e in parsed_atom.entries]
    assert dates == sorted(dates, reverse=True)


def test_built_feed_content_has_no_root_relative_urls(built):
    parsed_rss, parsed_atom, feed = _built_feeds(built)
    contents = ([e.content[0].value for e in parsed_rss.entries]
                + [e.content[0].value for e in parsed_atom.entries]
                + [item["content_html"] for item in feed["items"]])
    assert len(contents) == 60
    for content in contents:
        assert 'src="/' not in content
        assert 'href="/' not in content
        assert not re.search(r'srcset="/|, /', content)
    joined = "\n".join(contents)
    assert "https://marenholt.example/s/candle.jpg" in joined
    assert "https://marenholt.example/wp-content/uploads/2022/01/desk-300x200.jpg 300w" in joined


def test_built_feed_links_use_the_base_url(built):
    parsed_rss, parsed_atom, feed = _built_feeds(built)
    assert parsed_rss.feed.link == built.base_url
    assert link_of(parsed_rss.feed.links, "self") == [f"{built.base_url}feed.xml"]
    assert link_of(parsed_atom.feed.links, "self") == [f"{built.base_url}atom.xml"]
    assert feed["home_page_url"] == built.base_url


@pytest.mark.parametrize("tag", ["grief", "asking-for-help"])
def test_built_tag_feeds_exist(built, tag):
    for name in ("feed.xml", "atom.xml"):
        path = built.out / "tags" / tag / name
        assert path.is_file(), path
        parsed = parse(path.read_bytes())
        assert parsed.bozo == 0
        assert parsed.entries
        for entry in parsed.entries:
            slugs = {re.sub(r"[^a-z0-9]+", "-", t.term.lower()).strip("-")
                     for t in entry.tags}
            assert tag in slugs, (entry.id, slugs)
