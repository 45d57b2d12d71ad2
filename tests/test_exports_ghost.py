"""Ghost's JSON export (src/feedsearch/readers/ghost.py, jsonhead.py), through the real stack:
``read_export`` as ``inspect`` reads a file, and whole builds whose feeds are read back.

The fixtures in tests/fixtures/exports/ghost/ copy the shapes Ghost writes: ghost-5.json a
Ghost 5 export ({"db": [{"meta", "data"}]}, posts_tags/posts_authors/posts_meta joins, a
post whose html is null and whose lexical holds it, __GHOST_URL__ in links and images),
ghost-1.json a Ghost 1.x one (SQLite dates without a zone, author_id on the post, mobiledoc,
a boolean "page", meta_description on the post). The prose in them is invented.
"""

from __future__ import annotations

import copy
import json
import shutil
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import feedparser
import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedsearch.build import build
from feedsearch.model import Document
from feedsearch.readers import ReadError
from feedsearch.readers.ghost import ghost_entries, with_site
from feedsearch.readers.jsonhead import HEAD_BYTES, parse_prefix, sniff
from feedsearch.sources import ExportRead, read_export
from tests.conftest import BASE_URL, build_options

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "exports" / "ghost"
GHOST5, GHOST1 = "ghost-5.json", "ghost-1.json"
TOKYO = timezone(timedelta(hours=9), "JST")  # a build zone far from UTC: dates must not move


def oid(n: int) -> str:
    return f"65a1f0c2e4b0a1002b7c{n:04x}"


# slug: title, post id (the guid), published_at, authors, tags
PUBLISHED = {
    "the-ferry-at-first-light": (
        "The Ferry at First Light", oid(1), datetime(2024, 3, 12, 6, 10, tzinfo=UTC),
        ["Ines Calloway"], ["Harbour", "Mornings"]),
    "nets-on-the-harbour-wall": (
        "Nets on the Harbour Wall", oid(2), datetime(2024, 2, 20, 23, 30, tzinfo=UTC),
        ["Bartholomew Ng", "Ines Calloway"], ["Harbour", "Family"]),
    "zurek-on-a-wet-tuesday-in-lodz": (
        "Żurek on a Wet Tuesday in Łódź", oid(3), datetime(2024, 1, 9, 12, 0, tzinfo=UTC),
        ["Ines Calloway"], ["Food & Drink", "Travel"]),
    "fog-again": (  # an empty post: published with its title, and a warning
        "Fog, Again", oid(9), datetime(2024, 3, 1, 9, 0, tzinfo=UTC), ["Ines Calloway"], []),
    "mending-nets": (  # html null: rendered from its lexical
        "Mending Nets with My Grandfather", oid(11), datetime(2024, 3, 18, 16, 45, tzinfo=UTC),
        ["Bartholomew Ng"], ["Family"]),
    "salt-and-rope": (
        "Salt and Rope", oid(12), datetime(2023, 11, 15, 9, 30, tzinfo=UTC),
        ["Ines Calloway"], []),
}
DRAFTS = {"notes-toward-a-lighthouse-essay": "Notes Toward a Lighthouse Essay"}
LEFT_OUT = {"scheduled post": 1, "email-only post": 1, "page": 1, "members-only post": 1,
            "paid-only post": 1}
NOTE = ("Ghost export: 6 essays; left out 1 draft, 1 email-only post, 1 members-only post, "
        "1 page, 1 paid-only post, 1 scheduled post (--pages includes pages)")
# Words only in posts that must be left out.
LEFT_OUT_WORDS = ("regatta", "chandlery", "harbour cats", "lifeboat", "mackerel")
CANONICAL = "https://ropequarterly.example/issues/7/salt-and-rope/"

OLD_PUBLISHED = {  # Ghost 1.x: slug: title, author, published_at (SQLite, UTC, no zone)
    "a-shed-with-a-kettle": ("A Shed with a Kettle in It", "Odile Marsh",
                             datetime(2017, 8, 14, 21, 40, tzinfo=UTC)),
    "the-hedge": ("The Hedge", "Femi Adeyemi", datetime(2017, 8, 20, 6, 5, tzinfo=UTC)),
}

CANARY = ("canary.md", "---\ntitle: The Canary\ndate: 2024-02-02\n---\n\n"
          "A canary sings in the kitchen every morning.\n")
NOT_GHOST = ("package.json", '{"name": "tidewater-theme", "version": "1.0.0", "scripts": {}}')


# --- helpers --------------------------------------------------------------------------------

def read(name: str, **options) -> ExportRead:
    return read_export(FIXTURES / name, name, **options)


def by_slug(result: ExportRead) -> dict[str, Document]:
    documents = {document.slug: document for document in result.documents}
    assert len(documents) == len(result.documents), "two documents with one slug"
    return documents


def counted(left_out: dict[str, int]) -> dict[str, int]:
    return {reason: n for reason, n in left_out.items() if n}


def urls_in(html: str) -> list[str]:
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    found = []
    for element in root.iter():
        for name, value in element.items():
            if name in ("src", "href"):
                found.append(value)
            elif name == "srcset":
                found += [part.split()[0] for part in value.split(",") if part.strip()]
    return found


def export5() -> dict:
    return json.loads((FIXTURES / GHOST5).read_text(encoding="utf-8"))


def posts_of(export: dict) -> list[dict]:
    return export["db"][0]["data"]["posts"]


def write_json(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def ghost5() -> ExportRead:
    return read(GHOST5)


# --- which posts are essays -----------------------------------------------------------------

def test_exactly_the_published_public_posts_and_the_drafts(ghost5: ExportRead) -> None:
    assert ghost5.kind == "ghost"
    documents = by_slug(ghost5)
    assert {slug: d.title for slug, d in documents.items()} == \
        {slug: post[0] for slug, post in PUBLISHED.items()} | DRAFTS
    assert {slug for slug, d in documents.items() if d.draft} == set(DRAFTS)
    for slug, document in documents.items():
        assert document.source == f"{GHOST5}#{slug}"


def test_what_is_left_out_is_counted_by_reason(ghost5: ExportRead) -> None:
    assert counted(ghost5.left_out) == LEFT_OUT
    for document in ghost5.documents:
        for words in LEFT_OUT_WORDS:
            assert words not in document.text.lower(), (document.slug, words)


def test_pages_are_essays_when_asked_for() -> None:
    result = read(GHOST5, include_pages=True)
    about = by_slug(result)["about"]
    assert about.title == "About the Notebook" and not about.draft
    assert "above the chandlery" in about.text
    assert counted(result.left_out) == {k: n for k, n in LEFT_OUT.items() if k != "page"}


# --- what each essay holds ------------------------------------------------------------------

@pytest.mark.parametrize("default_tz", [UTC, TOKYO], ids=["utc", "tokyo"])
def test_dates_are_utc_whatever_the_builds_zone(default_tz) -> None:
    documents = by_slug(read(GHOST5, default_tz=default_tz))
    for slug, (_, _, published, _, _) in PUBLISHED.items():
        date = documents[slug].date
        assert date == published and date.utcoffset() == timedelta(0), (slug, date)
    # 23:30 UTC on the 20th is the 21st in Tokyo: the day stays the 20th.
    assert documents["nets-on-the-harbour-wall"].date.date().day == 20
    assert documents["the-ferry-at-first-light"].updated == datetime(2024, 3, 13, 8, 0,
                                                                     tzinfo=UTC)
    draft = documents["notes-toward-a-lighthouse-essay"]
    assert draft.date is None and draft.updated == datetime(2024, 3, 20, 21, 0, tzinfo=UTC)


def test_tags_follow_sort_order_without_internal_tags(ghost5: ExportRead) -> None:
    documents = by_slug(ghost5)
    for slug, (_, _, _, _, tags) in PUBLISHED.items():
        assert documents[slug].tags == tags, slug
    assert not any(tag.startswith("#") for d in ghost5.documents for tag in d.tags)


def test_authors_are_the_users_names_in_sort_order(ghost5: ExportRead) -> None:
    documents = by_slug(ghost5)
    for slug, (_, _, _, authors, _) in PUBLISHED.items():
        assert documents[slug].authors == authors, slug


def test_guids_are_the_post_ids_ghosts_feed_used(ghost5: ExportRead) -> None:
    documents = by_slug(ghost5)
    for slug, (_, post_id, _, _, _) in PUBLISHED.items():
        assert documents[slug].guid == post_id, slug
        assert documents[slug].feed_id() == post_id, slug


def test_urls_are_canonical_urls_or_left_to_the_build(ghost5: ExportRead) -> None:
    documents = by_slug(ghost5)
    assert documents["salt-and-rope"].url == CANONICAL
    assert all(d.url is None for slug, d in documents.items() if slug != "salt-and-rope")


def test_summaries_are_custom_excerpt_meta_description_or_the_opening(ghost5) -> None:
    documents = by_slug(ghost5)
    assert documents["the-ferry-at-first-light"].summary == \
        "Twenty minutes on the first ferry, when nobody can ask me anything."
    assert documents["nets-on-the-harbour-wall"].summary == \
        "Gulls, nets and a wooden needle on the harbour wall."  # posts_meta.meta_description
    assert documents["zurek-on-a-wet-tuesday-in-lodz"].summary.startswith(
        "Żurek is a sour rye soup, and the bar near Łódź Fabryczna")


def test_a_non_ascii_title_and_text_are_kept(ghost5: ExportRead) -> None:
    zurek = by_slug(ghost5)["zurek-on-a-wet-tuesday-in-lodz"]
    assert zurek.title == "Żurek on a Wet Tuesday in Łódź"
    assert "“najlepsza pogoda na żurek”" in zurek.text


def test_a_post_with_only_lexical_is_rendered_from_it(ghost5: ExportRead) -> None:
    mending = by_slug(ghost5)["mending-nets"]
    assert "He starts at the torn edge and works inward, never the other way round." in \
        mending.text
    assert "<strong>never</strong>" in mending.html
    assert "a ball of tarred twine" in mending.text and "<li>" in mending.html
    assert "The needle, carved in 1974." in mending.text
    assert urls_in(mending.html) == ["/content/images/2024/03/needle.jpg",
                                     "/the-ferry-at-first-light/"]


def test_an_empty_post_is_published_with_a_warning(ghost5: ExportRead) -> None:
    fog = by_slug(ghost5)["fog-again"]
    assert fog.text == "" and any("no text" in w for w in fog.warnings), fog.warnings


# --- images and Ghost's __GHOST_URL__ -------------------------------------------------------

def test_ghost_url_never_leaks_and_site_paths_stay(ghost5: ExportRead) -> None:
    for document in ghost5.documents:
        for value in (document.html, document.text, document.summary, document.url or ""):
            assert "__GHOST_URL__" not in value and "GHOST_URL" not in value, document.slug
    nets = by_slug(ghost5)["nets-on-the-harbour-wall"]
    assert urls_in(nets.html) == [
        "/content/images/2024/02/harbour-wall.jpg",  # the feature image, first
        "/content/images/2024/02/nets-on-the-wall.jpg",
        "/content/images/size/w600/2024/02/nets-on-the-wall.jpg",
        "/content/images/2024/02/nets-on-the-wall.jpg",
        "/the-ferry-at-first-light/",
        "https://photos.tidewater.example/gulls-on-the-wall.jpg",  # absolute: as it was
    ]
    first = lxml.html.fragment_fromstring(nets.html, create_parent="div").find(".//img")
    assert first.get("alt") == "The harbour wall at low tide"  # posts_meta.feature_image_alt
    assert "The nets in April, before the mending." in nets.text


def test_one_warning_says_what_became_of_ghost_url(ghost5: ExportRead) -> None:
    said = [w for w in ghost5.warnings if "__GHOST_URL__" in w]
    assert len(said) == 1 and said[0].startswith("2 posts "), ghost5.warnings
    assert "/content/images/" in said[0]


def test_with_a_known_site_address_ghost_url_becomes_it() -> None:
    site = "https://tidewater.example/"
    assert with_site("__GHOST_URL__/content/images/a.jpg", site) == \
        "https://tidewater.example/content/images/a.jpg"
    assert with_site('<a href="__GHOST_URL__">home</a>', None) == '<a href="/">home</a>'
    warnings: list[str] = []
    entries = list(ghost_entries(export5()["db"][0], GHOST5, warnings=warnings, site=site))
    nets = next(e for e in entries if e.key == "nets-on-the-harbour-wall").make()
    assert urls_in(nets.html)[:2] == [
        "https://tidewater.example/content/images/2024/02/harbour-wall.jpg",
        "https://tidewater.example/content/images/2024/02/nets-on-the-wall.jpg"]
    assert not any("__GHOST_URL__" in w for w in warnings)


# --- older exports --------------------------------------------------------------------------

def test_a_ghost_1_export_author_id_sqlite_dates_and_mobiledoc() -> None:
    result = read(GHOST1)
    documents = by_slug(result)
    assert set(documents) == set(OLD_PUBLISHED)
    for slug, (title, author, published) in OLD_PUBLISHED.items():
        document = documents[slug]
        assert (document.title, document.authors, document.date) == (title, [author],
                                                                     published)
        assert document.tags == ["Allotment"], slug  # the internal #featured-old is not
    assert documents["a-shed-with-a-kettle"].summary == "Why I took the allotment: the kettle."
    # "The Hedge" has no html: its mobiledoc (a Markdown card) is rendered.
    assert documents["the-hedge"].text == "The hedge is taller than me now. I am letting it be."
    assert counted(result.left_out) == {"page": 1}  # "page": true, before "type" existed


def test_a_ghost_0_export_unwrapped_with_epoch_dates_and_markdown(tmp_path: Path) -> None:
    """Ghost 0.x: no {"db": [...]}, numeric ids (its feed's guid was the uuid), dates in
    milliseconds, "image" for the feature image, "page" as 0 or 1, only Markdown."""
    export = {
        "meta": {"exported_on": 1388805572000, "version": "003"},
        "data": {
            "posts": [
                {"id": 5, "uuid": "b1c9f1d6-6a43-4a0d-9f0e-1f4bb0a7a001",
                 "title": "Winter Swimming", "slug": "winter-swimming",
                 "markdown": "The lake is *four degrees*.\n\nWe go in anyway.", "html": None,
                 "image": "/content/images/2014/01/lake.jpg", "page": 0,
                 "status": "published", "author_id": 1, "published_at": 1388805572000,
                 "updated_at": 1388891972000},
                {"id": 6, "uuid": "b1c9f1d6-6a43-4a0d-9f0e-1f4bb0a7a002", "title": "Contact",
                 "slug": "contact", "markdown": "Write.", "html": "<p>Write.</p>",
                 "page": 1, "status": "published", "author_id": 1,
                 "published_at": 1388805572000},
            ],
            "users": [{"id": 1, "name": "Astrid Holm", "slug": "astrid"}],
            "tags": [{"id": 1, "name": "Lakes", "slug": "lakes"}],
            "posts_tags": [{"id": 1, "post_id": 5, "tag_id": 1}],
        },
    }
    path = write_json(tmp_path / "ghost-0.json", export)
    result = read_export(path, path.name)
    (swim,) = result.documents
    assert (swim.title, swim.authors, swim.tags) == ("Winter Swimming", ["Astrid Holm"],
                                                     ["Lakes"])
    assert swim.guid == "b1c9f1d6-6a43-4a0d-9f0e-1f4bb0a7a001"
    assert swim.date == datetime(2014, 1, 4, 3, 19, 32, tzinfo=UTC)
    assert swim.updated == datetime(2014, 1, 5, 3, 19, 32, tzinfo=UTC)
    assert "<em>four degrees</em>" in swim.html and "We go in anyway." in swim.text
    assert urls_in(swim.html)[0] == "/content/images/2014/01/lake.jpg"
    assert counted(result.left_out) == {"page": 1}


# --- broken parts, and files that are not Ghost exports -------------------------------------

def test_a_date_with_another_offset_is_read_as_utc(tmp_path: Path) -> None:
    export = export5()
    posts_of(export)[0]["published_at"] = "2024-03-12T08:10:00+02:00"
    posts_of(export)[0]["updated_at"] = "not a date"
    path = write_json(tmp_path / "offset.json", export)
    ferry = by_slug(read_export(path, path.name))["the-ferry-at-first-light"]
    assert ferry.date == PUBLISHED["the-ferry-at-first-light"][2]
    assert ferry.date.utcoffset() == timedelta(0) and ferry.updated is None


def test_broken_posts_are_left_out_with_a_warning_and_the_rest_read(tmp_path: Path) -> None:
    export = export5()
    posts = posts_of(export)
    posts[0]["title"] = None  # the ferry
    posts[2]["title"] = "   "  # Żurek
    posts.insert(1, ["not", "a", "post"])
    posts[-1]["html"] = None  # Salt and Rope: its lexical is broken and there is no other form
    posts[-1]["lexical"] = '{"root": {"children": [{"type": "paragraph"'
    export["db"][0]["data"]["tags"] = {"not": "a list"}
    path = write_json(tmp_path / "broken-ghost.json", export)
    result = read_export(path, path.name)
    documents = by_slug(result)
    assert set(documents) == set(PUBLISHED) - {"the-ferry-at-first-light",
                                               "zurek-on-a-wet-tuesday-in-lodz",
                                               "salt-and-rope"} | set(DRAFTS)
    assert all(d.tags == [] for d in documents.values())  # without the tags table
    assert documents["nets-on-the-harbour-wall"].authors == ["Bartholomew Ng", "Ines Calloway"]
    warnings = "\n".join(result.warnings)
    assert "post 1 of the export ('the-ferry-at-first-light') has no title" in warnings
    assert "post 2 of the export is not an object" in warnings
    assert "post 4 of the export ('zurek-on-a-wet-tuesday-in-lodz') has no title" in warnings
    assert "tags table is not a list" in warnings
    assert "post 'salt-and-rope': no text in the post that can be read (its lexical" in warnings
    assert len(result.warnings) == 6, result.warnings  # and __GHOST_URL__'s


def test_a_post_whose_html_is_missing_falls_back_to_its_plaintext(tmp_path: Path) -> None:
    export = export5()
    ferry = posts_of(export)[0]
    ferry["html"], ferry["lexical"] = None, "not json"
    path = write_json(tmp_path / "plain.json", export)
    document = by_slug(read_export(path, path.name))["the-ferry-at-first-light"]
    assert document.text == "The first ferry leaves at ten past six."


def test_posts_that_are_not_a_list_give_one_warning(tmp_path: Path) -> None:
    export = export5()
    export["db"][0]["data"]["posts"] = {"0": posts_of(export)[0]}
    path = write_json(tmp_path / "odd.json", export)
    result = read_export(path, path.name)
    assert result.documents == [] and len(result.warnings) == 1
    assert "posts table is not a list" in result.warnings[0]


def test_json_that_is_not_a_ghost_export_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / NOT_GHOST[0]
    path.write_text(NOT_GHOST[1], encoding="utf-8")
    assert sniff(path).describe() == ('a JSON file whose top level is an object with the keys '
                                      '"name", "version", "scripts" (not a Ghost export)')
    with pytest.raises(ReadError, match=r"not a Ghost export.*Ghost export; not read"):
        read_export(path, path.name)
    (tmp_path / "list.json").write_text("[1, 2, 3]", encoding="utf-8")
    with pytest.raises(ReadError, match="top level is an array"):
        read_export(tmp_path / "list.json", "list.json")
    # A "meta" with a version is not enough: a Ghost export has its tables in "data".
    write_json(tmp_path / "meta.json", {"meta": {"version": "2.1"}, "items": []})
    with pytest.raises(ReadError, match="not a Ghost export"):
        read_export(tmp_path / "meta.json", "meta.json")


@pytest.mark.parametrize("content", [b"", b"  \n", b'{"db": [{"meta": {"exported_on": 1',
                                     b"{'db': []}", b"\xff\xfe\xfd{}"],
                         ids=["empty", "blank", "cut", "single-quotes", "not-utf8"])
def test_empty_or_invalid_json_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ReadError, match="^not JSON: "):
        read_export(path, path.name)


def test_only_the_head_is_sniffed_and_a_break_after_it_is_one_warning(tmp_path: Path) -> None:
    """A Ghost export cut far past the sniffer's 64 KB: the sniffer takes it for Ghost's,
    reading no further; loading it whole finds the break, and nothing is read."""
    export = export5()
    posts = posts_of(export)
    filler = copy.deepcopy(posts[0])
    filler["html"] = "<p>" + "ballast " * 20_000 + "</p>"
    posts.insert(0, filler)
    text = json.dumps(export)
    assert len(text) > 2 * HEAD_BYTES
    path = tmp_path / "cut.json"
    path.write_text(text[: 2 * HEAD_BYTES], encoding="utf-8")
    head = sniff(path)
    assert head.ghost and not head.whole and head.meta["version"] == "5.80.0"
    assert head.tables == ("newsletters", "posts")
    with pytest.raises(ReadError, match=r"^not JSON: .*\(line \d+, column \d+\)"):
        read_export(path, path.name)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=4),
    max_leaves=16)


@settings(max_examples=150, deadline=None)
@given(JSON_VALUES, st.integers(min_value=0, max_value=3), st.booleans())
def test_the_sniffers_parser_agrees_with_json_and_takes_any_cut(value, indent, ascii_only):
    text = json.dumps(value, indent=indent or None, ensure_ascii=ascii_only)
    parsed, complete = parse_prefix(text, True)
    assert complete and json.dumps(parsed) == json.dumps(json.loads(text))
    for cut in range(len(text)):
        parse_prefix(text[:cut], False)  # never "not JSON" for the beginning of JSON


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='{}[]":,0123456789.-eE truefalsn\\ua', max_size=24))
def test_the_sniffers_parser_refuses_what_json_refuses(text: str) -> None:
    try:
        json.loads(text)
    except ValueError:
        with pytest.raises(ReadError):
            parse_prefix(text, True)
    else:
        assert parse_prefix(text, True)[1]


# --- whole builds ---------------------------------------------------------------------------

def make_archive(root: Path, *names: str, extra: dict[str, str] | None = None) -> Path:
    archive = root / "archive"
    archive.mkdir(parents=True)
    for name in names:
        shutil.copy(FIXTURES / name, archive / name)
    for name, text in {CANARY[0]: CANARY[1], **(extra or {})}.items():
        (archive / name).write_text(text, encoding="utf-8")
    return archive


@pytest.fixture(scope="module")
def ghost_build(tmp_path_factory):
    """Both exports, a JSON file that is not Ghost's, a Ghost export cut short and a
    Markdown essay, built once."""
    root = tmp_path_factory.mktemp("ghost-build")
    cut = (FIXTURES / GHOST5).read_text(encoding="utf-8")[:5000]
    archive = make_archive(root, GHOST5, GHOST1,
                           extra={NOT_GHOST[0]: NOT_GHOST[1], "cut-short.json": cut})
    options = build_options(archive, root)
    report = build(options)
    return report, Path(options.out)


def warnings_of(report, source: str) -> list[str]:
    return [w.reason for w in report.warnings if w.source == source]


def test_the_build_notes_count_essays_and_what_was_left_out(ghost_build) -> None:
    report, _ = ghost_build
    assert f"{GHOST5}: {NOTE}" in report.notes, report.notes
    assert f"{GHOST1}: Ghost export: 2 essays; left out 1 page (--pages includes pages)" in \
        report.notes
    assert report.documents == len(PUBLISHED) + len(OLD_PUBLISHED) + 1  # and the canary
    assert report.drafts == len(DRAFTS)


def test_the_build_gives_one_warning_per_file_that_is_not_read(ghost_build) -> None:
    report, _ = ghost_build
    (not_ghost,) = warnings_of(report, NOT_GHOST[0])
    assert "(not a Ghost export)" in not_ghost and not_ghost.endswith("not read")
    (cut,) = warnings_of(report, "cut-short.json")
    assert cut.startswith("not JSON: ")
    assert warnings_of(report, CANARY[0]) == [] and warnings_of(report, GHOST1) == []
    assert sorted(warnings_of(report, GHOST5)) == sorted([
        "post 'fog-again': no text in the post; published with its title only",
        next(w for w in warnings_of(report, GHOST5) if "__GHOST_URL__" in w)])


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_the_feeds_hold_exactly_the_published_posts(ghost_build, name: str) -> None:
    _, out = ghost_build
    parsed = feedparser.parse((out / name).read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    entries = {entry.title: entry for entry in parsed.entries}
    expected = {post[0]: (slug, *post[1:]) for slug, post in PUBLISHED.items()}
    expected |= {title: (slug, None, published, [author], ["Allotment"])
                 for slug, (title, author, published) in OLD_PUBLISHED.items()}
    assert set(entries) == set(expected) | {"The Canary"}
    for title, (slug, post_id, published, authors, tags) in expected.items():
        entry = entries[title]
        url = CANONICAL if slug == "salt-and-rope" else f"{BASE_URL}{slug}/"
        assert entry.link == url, title
        assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == published, title
        assert [tag.term for tag in entry.get("tags", [])] == tags, title
        assert [author.get("name") for author in entry.get("authors", [])] == authors, title
        if name == "feed.xml" and post_id is not None:
            assert entry.id == post_id, title  # Ghost's own <guid isPermaLink="false">
    assert "__GHOST_URL__" not in (out / name).read_text(encoding="utf-8")


def test_images_in_the_feed_resolve_against_the_base_url(ghost_build) -> None:
    _, out = ghost_build
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    nets = next(e for e in parsed.entries if e.title == "Nets on the Harbour Wall")
    sources = urls_in(nets.content[0].value)
    assert f"{BASE_URL}content/images/2024/02/harbour-wall.jpg" == sources[0]
    assert "https://photos.tidewater.example/gulls-on-the-wall.jpg" in sources
    assert f"{BASE_URL}the-ferry-at-first-light/" in sources


def test_a_rebuild_reads_only_the_post_that_changed(tmp_path: Path) -> None:
    archive = make_archive(tmp_path, GHOST5)
    options = build_options(archive, tmp_path)
    first = build(options)
    assert (first.added, first.updated) == (len(PUBLISHED) + 1, 0)
    again = build(options)
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(PUBLISHED) + 1)
    export = export5()
    export["db"][0]["data"]["posts_tags"].append(  # a tag added to one post only
        {"id": oid(0x3ff), "post_id": oid(3), "tag_id": oid(0x200), "sort_order": 2})
    write_json(archive / GHOST5, export)
    edited = build(options)
    assert (edited.added, edited.updated, edited.unchanged) == (0, 1, len(PUBLISHED))
    assert f"{GHOST5}: {NOTE}" in edited.notes


def test_an_export_over_the_file_size_limit_needs_max_file_size(tmp_path: Path) -> None:
    archive = make_archive(tmp_path, GHOST5)
    limit = (archive / GHOST5).stat().st_size - 1
    report = build(build_options(archive, tmp_path, max_file_size=limit))
    (warning,) = warnings_of(report, GHOST5)
    assert f"over the {limit:,}-byte limit" in warning and "--max-file-size" in warning
    assert report.documents == 1  # the canary
    report = build(build_options(archive, tmp_path, max_file_size=limit + 1))
    assert report.documents == len(PUBLISHED) + 1
