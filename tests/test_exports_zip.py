"""Exports that are ZIP files: Substack's and Medium's, read where they lie, never unpacked.

Each post becomes one Document whose source is ``<file>#<slug>``; what is not a public post
(drafts, paid-only and subscribers-only posts, threads, pages, podcast episodes with no
text, Medium's responses) is left out and counted in the build's note. A ZIP that is not
whole, not an export, a bomb, or too many files is one warning, and the rest of the
archive is built; no member's name is ever a path anything is written to.

The fixtures under tests/fixtures/exports/{substack,medium}/ are built from their src/
folders by tests/fixtures/exports/make_zips.py; the prose in them is invented, the shapes
are the platforms' (see the docstrings of readers/substack.py and readers/medium.py).
"""

from __future__ import annotations

import io
import os
import pickle
import shutil
import struct
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import feedparser
import lxml.html
import pytest

from feedsearch.build import build
from feedsearch.readers import InputFile, ReadError, ReadSettings, reader_for_file
from feedsearch.readers import medium as _medium  # noqa: F401 - registers its reader
from feedsearch.readers.substack import substack_entries
from feedsearch.readers.ziparchive import MAX_MEMBERS, ZipArchive, sniff
from feedsearch.sources import ExportRead, note, read_export
from tests.conftest import BASE_URL, CANARY, build_options

EXPORTS = Path(__file__).resolve().parent / "fixtures" / "exports"
SUBSTACK = EXPORTS / "substack" / "substack-export.zip"
MEDIUM = EXPORTS / "medium" / "medium-export.zip"

# --- what the fixtures hold -----------------------------------------------------------------

# slug: title, day (UTC), summary (the subtitle), guid
SUBSTACK_POSTS = {
    "first-frost-on-the-allotment": (
        "First Frost on the Allotment", date(2023, 11, 4),
        "What the cold took, and what it left for us.", "substack:101001"),
    "creme-fraiche-sauerkraut-and-the-lodz-market": (
        "Crème Fraîche, Sauerkraut and the Łódź Market", date(2024, 1, 19),
        'On "real" sauerkraut, and the woman who sold it.', "substack:101004"),
    "the-spring-plan": (  # scheduled: published, dated in the future
        "The Spring Plan", date(2099, 3, 1), "Scheduled for the first of March.",
        "substack:101005"),
    "episode-4-the-shed": (  # a podcast episode with show notes
        "Episode 4: The Shed", date(2024, 2, 8), "Show notes for the episode about the shed.",
        "substack:101008"),
    "an-empty-post": ("An Empty Post", date(2024, 2, 14), "", "substack:101010"),
}
SUBSTACK_FUTURE = {"the-spring-plan"}
SUBSTACK_DRAFTS = {"a-letter-to-my-neighbour": "A Letter to My Neighbour"}
SUBSTACK_LEFT_OUT = {"empty draft": 1, "page": 1, "paid-only post": 2, "podcast": 1,
                     "subscribers-only post": 1, "thread": 1}
SUBSTACK_MISSING = ("post 'the-missing-letter': its text "
                    "(posts/101011.the-missing-letter.html) is not in the export")
# Words only in posts that must be left out (paid, subscribers-only, thread, page).
SUBSTACK_LEFT_OUT_WORDS = ("sweet peas", "thank-you to the founding members", "open day",
                           "Nothing but hope", "between the railway and the river")
FROST_IMAGES = [
    "https://substack-post-media.s3.amazonaws.com/public/images/"
    "7c1e9a52-frost-dahlias_2048x1365.jpeg",
    "https://substack-post-media.s3.amazonaws.com/public/images/"
    "2b4d6f80-leeks-in-a-bag_1600x1200.jpeg",
]

# slug: title, day (UTC), summary, url, guid, tags
MEDIUM_POSTS = {
    "learning-to-read-tide-tables": (
        "Learning to Read Tide Tables", date(2022, 5, 14),
        "A booklet of numbers that tells you when the sea will let you walk to the island.",
        "https://medium.com/@tomaszwren/learning-to-read-tide-tables-3f2a9c1b7d40",
        "https://medium.com/p/3f2a9c1b7d40", ["Sea", "Walking"]),
    "smørrebrød-and-the-art-of-patience": (
        "Smørrebrød and the Art of Patience", date(2022, 9, 2),
        "Rye bread, butter to the edges, and a lunch that cannot be hurried.",
        "https://medium.com/@tomaszwren/sm%C3%B8rrebr%C3%B8d-and-the-art-of-patience-"
        "8b1e4d2c6a95", "https://medium.com/p/8b1e4d2c6a95", []),
    "untitled": (  # published with no text: its title only, and a warning
        "Untitled", date(2023, 3, 11), "",
        "https://medium.com/@tomaszwren/untitled-0a1b2c3d4e5f",
        "https://medium.com/p/0a1b2c3d4e5f", []),
    "the-lighthouse-keepers-logbook": (  # 23:30 UTC: still June 30th
        "The Lighthouse Keeper’s Logbook", date(2023, 6, 30),
        "Forty years of weather, in one hand, in one ledger.",
        "https://coastwise.example/the-lighthouse-keepers-logbook-9d8c7b6a5f4e",
        "https://medium.com/p/9d8c7b6a5f4e", []),
}
MEDIUM_DRAFTS = {"notes-on-a-harbour-wall": "Notes on a Harbour Wall",  # draft_ name
                 "half-finished": "Half Finished"}  # no published date in its footer
MEDIUM_LEFT_OUT = {"response": 1}
TIDE_IMAGES = ["https://cdn-images-1.medium.com/max/800/1*tides-booklet.jpeg",
               "https://cdn-images-1.medium.com/max/800/1*causeway-post.jpeg"]

NO_TEXT = "no text in the post; published with its title only"


# --- helpers --------------------------------------------------------------------------------

def read(path: Path, relpath: str | None = None, **options) -> ExportRead:
    return read_export(path, relpath or path.name, **options)


def by_slug(result: ExportRead) -> dict:
    documents = {document.slug: document for document in result.documents}
    assert len(documents) == len(result.documents), "two documents with one slug"
    return documents


def urls_in(html: str, attribute: str) -> list[str]:
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return [element.get(attribute) for element in root.iter() if element.get(attribute)]


def zip_of(files: dict[str, bytes | str], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A ZIP of ``files`` (name: content), names exactly as given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in files.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def declared(data: bytes, name: str, size: int) -> bytes:
    """The ZIP ``data`` with member ``name`` declaring ``size`` unpacked bytes (in its
    local header and in the central directory), whatever it holds."""
    data = bytearray(data)
    encoded = name.encode()
    # signature, where the unpacked size is, where the name's length is, where the name is
    for signature, size_at, length_at, name_at in ((b"PK\x03\x04", 22, 26, 30),
                                                    (b"PK\x01\x02", 24, 28, 46)):
        at = data.find(signature)
        while at >= 0:
            length = struct.unpack_from("<H", data, at + length_at)[0]
            if bytes(data[at + name_at:at + name_at + length]) == encoded:
                struct.pack_into("<L", data, at + size_at, size)
                break
            at = data.find(signature, at + 4)
        else:
            raise AssertionError(f"{name} not found")
    return bytes(data)


def medium_page(title: str, story_id: str, words: str, day: str = "2024-01-05") -> str:
    """One story page as Medium's export writes it."""
    return (
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; '
        f'charset=utf-8"><title>{title}</title></head><body><article class="h-entry">'
        f'<header><h1 class="p-name">{title}</h1></header>'
        '<section data-field="body" class="e-content"><section class="section section--body">'
        '<div class="section-content"><div class="section-inner sectionLayout--insetColumn">'
        f'<h3 class="graf graf--h3 graf--leading graf--title">{title}</h3>'
        f'<p class="graf graf--p">{words}</p></div></div></section></section>'
        '<footer><p>By <a href="https://medium.com/@someone" class="p-author h-card">Some One'
        f'</a> on <a href="https://medium.com/p/{story_id}"><time class="dt-published" '
        f'datetime="{day}T10:00:00.000Z">{day}</time></a>.</p><p><a href="https://medium.com/'
        f'@someone/story-{story_id}" class="p-canonical">Canonical link</a></p></footer>'
        '</article></body></html>')


def medium_zip(pages: dict[str, str], **more: bytes | str) -> dict[str, bytes | str]:
    """The files of a Medium export holding ``pages`` (file name in posts/: page)."""
    files: dict[str, bytes | str] = {"README.html": "<h1>Archive for Some One</h1>"}
    files.update({f"posts/{name}": page for name, page in pages.items()})
    files.update(more)
    return files


GOOD_PAGE = ("2024-01-05_The-Canal-in-Fog-abcdef123456.html",
             medium_page("The Canal in Fog", "abcdef123456",
                         "Fog on the canal turns the narrowboats into rumours."))


def archive_of(root: Path, files: dict[str, bytes | Path]) -> Path:
    """An archive folder of ``files`` (name: bytes, or a fixture to copy) and the canary
    essay, which every build of it must publish."""
    archive = root / "archive"
    archive.mkdir(parents=True)
    (archive / CANARY[0]).write_text(CANARY[1], encoding="utf-8")
    for name, content in files.items():
        if isinstance(content, Path):
            shutil.copy(content, archive / name)
        else:
            (archive / name).write_bytes(content)
    return archive


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def feed_entries(out: Path) -> dict[str, feedparser.FeedParserDict]:
    parsed = feedparser.parse((out / "atom.xml").read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    entries = {entry.title: entry for entry in parsed.entries}
    assert len(entries) == len(parsed.entries)
    return entries


def warnings_of(report, relpath: str) -> list[str]:
    return [w.reason for w in report.warnings if w.source == relpath]


@pytest.fixture(scope="module")
def substack() -> ExportRead:
    return read(SUBSTACK)


@pytest.fixture(scope="module")
def medium() -> ExportRead:
    return read(MEDIUM)


# --- the fixtures are what their folders say ------------------------------------------------

@pytest.mark.parametrize("zip_path", [SUBSTACK, MEDIUM], ids=["substack", "medium"])
def test_each_fixture_zip_holds_exactly_its_source_folder(zip_path: Path) -> None:
    source = zip_path.parent / "src"
    with zipfile.ZipFile(zip_path) as archive:
        held = {info.filename: archive.read(info) for info in archive.infolist()
                if not info.is_dir()}
    assert held == files_under(source), "run tests/fixtures/exports/make_zips.py"


# --- Substack -------------------------------------------------------------------------------

def test_substack_reads_exactly_the_public_posts_and_drafts(substack: ExportRead) -> None:
    assert substack.kind == "substack"
    documents = by_slug(substack)
    assert {slug: d.title for slug, d in documents.items()} == (
        {slug: post[0] for slug, post in SUBSTACK_POSTS.items()} | SUBSTACK_DRAFTS)
    assert {slug for slug, d in documents.items() if d.draft} == set(SUBSTACK_DRAFTS)
    assert substack.left_out == SUBSTACK_LEFT_OUT
    for document in substack.documents:
        assert document.source == f"{SUBSTACK.name}#{document.slug}"
        for words in SUBSTACK_LEFT_OUT_WORDS:
            assert words not in document.text, (document.slug, words)
    assert "the pumpkin that crossed the path" in documents["a-letter-to-my-neighbour"].text


def test_substack_days_summaries_guids_and_no_urls(substack: ExportRead) -> None:
    documents = by_slug(substack)
    for slug, (_title, day, summary, guid) in SUBSTACK_POSTS.items():
        document = documents[slug]
        assert document.date is not None and document.date.utcoffset() is not None, slug
        assert document.date.astimezone(UTC).date() == day, (slug, document.date)
        assert document.summary == summary, slug
        assert document.guid == guid, slug
        # The export does not say where the publication is: the build makes the URL.
        assert document.url is None, slug
        assert document.tags == [] and document.authors == [], slug  # posts.csv has neither
    frost = documents["first-frost-on-the-allotment"]
    assert frost.date == datetime(2023, 11, 4, 7, 12, 45, 221000, tzinfo=UTC)
    assert documents["a-letter-to-my-neighbour"].guid == "substack:101002"


def test_substack_body_keeps_images_and_drops_substacks_buttons(substack: ExportRead) -> None:
    frost = by_slug(substack)["first-frost-on-the-allotment"]
    assert [src for src in urls_in(frost.html, "src") if "substack-post-media" in src] == \
        FROST_IMAGES
    assert "The dahlias, the morning after." in frost.text
    assert "Leeks, and the cloth bag they rode home in." in frost.text
    assert frost.text.startswith("The first frost came on a Tuesday")
    assert "which is the best way to come home from anywhere." in frost.text
    for furniture in ("Subscribe now", "Type your email", "Thanks for reading", "Expand"):
        assert furniture not in frost.text, furniture
    assert "/subscribe" not in frost.html


def test_substack_non_ascii_title_and_quoted_csv_fields(substack: ExportRead) -> None:
    lodz = by_slug(substack)["creme-fraiche-sauerkraut-and-the-lodz-market"]
    assert lodz.title == "Crème Fraîche, Sauerkraut and the Łódź Market"
    assert "Żadnego octu" in lodz.text and "“Ten,” she says" in lodz.text
    assert lodz.summary == 'On "real" sauerkraut, and the woman who sold it.'


def test_substack_missing_and_empty_posts_are_said(substack: ExportRead) -> None:
    assert [w.removesuffix("; not read") for w in substack.warnings] == [SUBSTACK_MISSING]
    empty = by_slug(substack)["an-empty-post"]
    assert empty.text == "" and empty.warnings == [NO_TEXT]


def test_substack_pages_are_essays_when_asked_for() -> None:
    result = read(SUBSTACK, include_pages=True)
    about = by_slug(result)["about"]
    assert about.title == "About The Allotment Letters" and not about.draft
    assert "between the railway and the river" in about.text
    assert result.left_out == {k: v for k, v in SUBSTACK_LEFT_OUT.items() if k != "page"}


def test_substack_export_zipped_again_inside_a_folder_reads_the_same(
        tmp_path: Path, substack: ExportRead) -> None:
    with zipfile.ZipFile(SUBSTACK) as original:
        files = {f"allotment-letters/{info.filename}": original.read(info)
                 for info in original.infolist() if not info.is_dir()}
    path = tmp_path / "rezipped.zip"
    path.write_bytes(zip_of(files))
    again = read(path, SUBSTACK.name)
    assert [(d.slug, d.title, d.date, d.text) for d in again.documents] == \
        [(d.slug, d.title, d.date, d.text) for d in substack.documents]
    assert again.left_out == SUBSTACK_LEFT_OUT


@pytest.mark.parametrize(("path", "slugs"), [
    (SUBSTACK, set(SUBSTACK_POSTS) | set(SUBSTACK_DRAFTS)),
    (MEDIUM, set(MEDIUM_POSTS) | set(MEDIUM_DRAFTS)),
], ids=["substack", "medium"])
def test_entries_pickle_for_worker_processes(path: Path, slugs: set[str]) -> None:
    reader = reader_for_file(path, path.name)
    file = InputFile(path, path.name, ReadSettings(include_drafts=True))
    made = [pickle.loads(pickle.dumps(entry.make))() for entry in reader.entries(file)
            if entry.make is not None and entry.content_hash]
    assert {d.slug for d in made} == slugs


def test_substack_csv_with_broken_quoting_keeps_the_rows_before_it(tmp_path: Path) -> None:
    rows = ("post_id,post_date,is_published,type,audience,title,subtitle\n"
            "7001.before-the-break,2024-03-01T08:00:00Z,true,newsletter,everyone,"
            "Before the Break,Read.\n"
            '7002.the-break,2024-03-02T08:00:00Z,true,newsletter,everyone,"Unclosed title,'
            "Lost.\n"
            "7003.after-the-break,2024-03-03T08:00:00Z,true,newsletter,everyone,After,Lost.\n")
    path = tmp_path / "broken.zip"
    path.write_bytes(zip_of({
        "posts.csv": rows,
        "posts/7001.before-the-break.html": "<p>The sentence before the break.</p>",
        "posts/7002.the-break.html": "<p>The break itself.</p>",
        "posts/7003.after-the-break.html": "<p>The sentence after the break.</p>"}))
    result = read(path)
    assert [d.slug for d in result.documents] == ["before-the-break"]
    assert len(result.warnings) == 1, result.warnings
    assert "posts.csv is not valid CSV at line" in result.warnings[0]
    assert "unexpected end of data" in result.warnings[0]


def test_a_csv_without_post_ids_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "stats.zip"
    path.write_bytes(zip_of({"posts.csv": "id,title,views\n1,A,4\n",
                             "posts/1.a.html": "<p>Words.</p>"}))
    with pytest.raises(ReadError, match="no post_id column"):
        read(path)


# --- Medium ---------------------------------------------------------------------------------

def test_medium_reads_exactly_the_published_stories_and_drafts(medium: ExportRead) -> None:
    assert medium.kind == "medium"
    documents = by_slug(medium)
    assert {slug: d.title for slug, d in documents.items()} == (
        {slug: post[0] for slug, post in MEDIUM_POSTS.items()} | MEDIUM_DRAFTS)
    assert {slug for slug, d in documents.items() if d.draft} == set(MEDIUM_DRAFTS)
    assert medium.left_out == MEDIUM_LEFT_OUT
    assert medium.warnings == []
    for document in medium.documents:
        assert "ferries" not in document.text and "winter timetable" not in document.title
        assert document.source == f"{MEDIUM.name}#{document.slug}"


def test_medium_days_summaries_urls_guids_authors_and_tags(medium: ExportRead) -> None:
    documents = by_slug(medium)
    for slug, (_title, day, summary, url, guid, tags) in MEDIUM_POSTS.items():
        document = documents[slug]
        assert document.date is not None and document.date.utcoffset() is not None, slug
        assert document.date.astimezone(UTC).date() == day, (slug, document.date)
        assert document.summary == summary, slug
        assert document.url == url, slug
        assert document.guid == guid, slug
        assert document.tags == tags, slug
        assert document.authors == ["Tomasz Wren"], slug
    assert documents["the-lighthouse-keepers-logbook"].date == \
        datetime(2023, 6, 30, 23, 30, tzinfo=UTC)
    for slug in MEDIUM_DRAFTS:
        assert documents[slug].date is None and documents[slug].url is None, slug
    assert documents["notes-on-a-harbour-wall"].guid == "https://medium.com/p/5c7d9e0f1a23"


def test_medium_body_has_no_copy_of_title_or_subtitle_and_keeps_images(
        medium: ExportRead) -> None:
    tide = by_slug(medium)["learning-to-read-tide-tables"]
    assert tide.text.startswith("The harbour office sells the tide tables")
    assert "Learning to Read Tide Tables" not in tide.text
    assert "walk to the island" not in tide.text  # the subtitle is the summary, not text
    assert "The causeway" in tide.text and "The booklet, two pounds" in tide.text
    assert urls_in(tide.html, "src") == TIDE_IMAGES
    assert lxml.html.fragment_fromstring(tide.html, create_parent="div").find(".//hr") \
        is not None  # the break between its two sections stays; the one above them goes
    assert not tide.html.lstrip().startswith("<hr")
    lighthouse = by_slug(medium)["the-lighthouse-keepers-logbook"]
    assert "https://coastwise.example/tagged/lighthouses" in urls_in(lighthouse.html, "href")


def test_medium_empty_story_is_published_with_its_title_and_a_warning(
        medium: ExportRead) -> None:
    untitled = by_slug(medium)["untitled"]
    assert untitled.text == "" and untitled.warnings == [NO_TEXT]


# --- what is not an export, and what is hostile ---------------------------------------------

def test_a_zip_of_something_else_is_named_and_not_read(tmp_path: Path) -> None:
    path = tmp_path / "holiday.zip"
    path.write_bytes(zip_of({"notes.txt": "Packing list", "photo.jpg": b"\xff\xd8\xff"}))
    assert sniff(path).describe() == "a ZIP file holding 2 files (notes.txt, photo.jpg)"
    with pytest.raises(ReadError) as raised:
        read(path)
    reason = str(raised.value)
    assert "; feedsearch reads these ZIP files: " in reason and reason.endswith("; not read")
    assert "Substack export" in reason and "Medium export" in reason


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "an empty file, not a ZIP"),
    (b"Just some text with a .zip name.\n", "not a ZIP file, or a damaged or cut-short one"),
    (zip_of({}), "an empty ZIP file"),
], ids=["no-bytes", "text", "no-members"])
def test_what_is_not_a_zip_is_refused(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "export.zip"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=reason):
        read(path)


def test_a_cut_short_zip_is_refused(tmp_path: Path) -> None:
    data = SUBSTACK.read_bytes()
    for cut in (len(data) // 2, len(data) - 10):
        path = tmp_path / f"cut-{cut}.zip"
        path.write_bytes(data[:cut])
        with pytest.raises(ReadError, match="damaged or cut-short"):
            read(path)


def test_a_member_packed_over_200_to_1_is_a_bomb(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    path.write_bytes(zip_of(medium_zip(dict([GOOD_PAGE]), **{
        "posts/2024-01-06_Zeros-0123456789ab.html": bytes(50 << 20)})))
    assert path.stat().st_size < 200_000
    with pytest.raises(ReadError, match="over 200 to 1.*ZIP bomb"):
        read(path)


def test_a_member_declaring_gigabytes_is_a_bomb_however_little_it_holds(
        tmp_path: Path) -> None:
    name = "posts/2024-01-06_Huge-0123456789ab.html"
    data = zip_of(medium_zip(dict([GOOD_PAGE]), **{name: medium_page("Huge", "0123456789ab",
                                                                      "Small really.")}))
    path = tmp_path / "declared.zip"
    path.write_bytes(declared(data, name, 3_000_000_000))
    with pytest.raises(ReadError, match="ZIP bomb"):
        read(path)


def test_a_post_declaring_more_than_the_size_limit_is_that_posts_warning(
        tmp_path: Path) -> None:
    name = "posts/2024-01-06_Too-Large-0123456789ab.html"
    padding = os.urandom(80_000).hex()  # packs no smaller: a ratio no bomb has
    data = zip_of(medium_zip(dict([GOOD_PAGE]), **{name: medium_page(
        "Too Large", "0123456789ab", padding)}))
    path = tmp_path / "large.zip"
    path.write_bytes(declared(data, name, 11_000_000))
    result = read(path)
    assert [d.title for d in result.documents] == ["The Canal in Fog"]
    assert result.warnings == ["post 'too-large': post is 11,000,000 bytes, over the "
                               "10,485,760-byte limit (--max-file-size); not read"]


def test_a_member_holding_more_than_it_declares_is_not_read_past_it(tmp_path: Path) -> None:
    name = "posts/2024-01-06_Liar-0123456789ab.html"
    page = medium_page("Liar", "0123456789ab", "Longer than it says. " * 500)
    path = tmp_path / "liar.zip"
    path.write_bytes(declared(zip_of(medium_zip(dict([GOOD_PAGE]), **{name: page})), name, 100))
    result = read(path)
    assert [d.title for d in result.documents] == ["The Canal in Fog"]
    assert len(result.warnings) == 1 and result.warnings[0].startswith("post 'liar': ")
    assert "damaged" in result.warnings[0] and "Bad CRC-32" in result.warnings[0], \
        result.warnings
    with ZipArchive(path) as archive, pytest.raises(ReadError, match="damaged"):
        archive.read(archive.members[name])


def test_too_many_members_are_refused_before_any_is_listed(tmp_path: Path) -> None:
    files = medium_zip(dict([GOOD_PAGE]))
    files.update({f"claps/claps-{n:05}.html": "" for n in range(MAX_MEMBERS)})
    path = tmp_path / "many.zip"
    path.write_bytes(zip_of(files, zipfile.ZIP_STORED))
    with pytest.raises(ReadError, match=f"of {MAX_MEMBERS + 2:,} files, over the limit of "
                                        f"{MAX_MEMBERS:,}"):
        read(path)
    small = tmp_path / "small.zip"
    small.write_bytes(zip_of({f"f{n}.txt": "x" for n in range(11)}))
    with pytest.raises(ReadError, match="of 11 files, over the limit of 10"):
        ZipArchive(small, max_members=10)
    ZipArchive(small, max_members=11).close()


def test_the_count_a_zip_declares_is_checked_before_its_list_is_read(tmp_path: Path) -> None:
    data = bytearray(zip_of(medium_zip(dict([GOOD_PAGE]))))
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<2H", data, end + 8, 30_000, 30_000)  # entries here, entries in all
    path = tmp_path / "claims.zip"
    path.write_bytes(bytes(data))
    with pytest.raises(ReadError, match="of 30,000 files, over the limit of 20,000"):
        read(path)


def test_an_export_above_the_zip_is_no_export(tmp_path: Path) -> None:
    path = tmp_path / "above.zip"
    files = {f"../{name}": page for name, page in medium_zip(dict([GOOD_PAGE])).items()}
    path.write_bytes(zip_of({**files, "../posts.csv": "post_id,title\n1.a,A\n",
                             "../posts/1.a.html": "<p>Words.</p>"}))
    with pytest.raises(ReadError, match="feedsearch reads these ZIP files"):
        read(path)


def test_all_posts_together_are_bounded(tmp_path: Path) -> None:
    with ZipArchive(SUBSTACK, max_unpacked=1_000) as archive, \
            pytest.raises(ReadError, match="over the 1,000-byte limit for one ZIP file"):
        next(substack_entries(archive, "", SUBSTACK.name))


def test_names_that_climb_out_are_only_names(tmp_path: Path) -> None:
    hostile = {
        "../../etc/passwd": "root:x:0:0:root:/root:/bin/sh\n",
        "/abs/x.html": medium_page("Absolute", "0a0a0a0a0a0a", "From an absolute name."),
        "posts/../../evil.html": medium_page("Evil", "0b0b0b0b0b0b", "Climbed out."),
        "posts/..\\evil2.html": medium_page("Evil Two", "0c0c0c0c0c0c", "Backslashed."),
        "../posts/2024-02-02_Escaped-0d0d0d0d0d0d.html": medium_page(
            "Escaped", "0d0d0d0d0d0d", "A posts folder above the ZIP."),
        "posts/sub/2024-02-03_Nested-0e0e0e0e0e0e.html": medium_page(
            "Nested", "0e0e0e0e0e0e", "A folder inside posts."),
    }
    path = tmp_path / "climb.zip"
    path.write_bytes(zip_of(medium_zip(dict([GOOD_PAGE]), **hostile)))
    assert set(sniff(path).names) >= set(hostile)
    result = read(path)
    assert [d.title for d in result.documents] == ["The Canal in Fog"]
    assert result.warnings == [] and result.left_out == {}


# --- whole builds ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def export_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("zip-exports")
    archive = archive_of(root, {SUBSTACK.name: SUBSTACK, MEDIUM.name: MEDIUM})
    options = build_options(archive, root, workers=0)
    return build(options), options


def test_build_publishes_exactly_the_public_posts(export_build) -> None:
    report, options = export_build
    entries = feed_entries(options.out)
    substack_now = {slug: post for slug, post in SUBSTACK_POSTS.items()
                    if slug not in SUBSTACK_FUTURE}
    expected = ({post[0] for post in substack_now.values()}
                | {post[0] for post in MEDIUM_POSTS.values()} | {"The Canary"})
    assert set(entries) == expected
    assert report.documents == len(expected) and report.future == len(SUBSTACK_FUTURE)
    assert report.drafts == len(SUBSTACK_DRAFTS) + len(MEDIUM_DRAFTS)
    for slug, (title, day, _summary, guid) in substack_now.items():
        entry = entries[title]
        assert entry.id == guid, slug
        assert entry.link == f"{BASE_URL}{slug}/", slug
        assert datetime(*entry.published_parsed[:6], tzinfo=UTC).date() == day, slug
    for slug, (title, day, _summary, url, guid, _tags) in MEDIUM_POSTS.items():
        entry = entries[title]
        assert (entry.id, entry.link) == (guid, url), slug
        assert datetime(*entry.published_parsed[:6], tzinfo=UTC).date() == day, slug
    frost = entries["First Frost on the Allotment"]
    assert frost.summary == "What the cold took, and what it left for us."
    content = frost.content[0].value
    assert FROST_IMAGES[0] in content and "Subscribe now" not in content


def test_build_notes_count_what_each_export_left_out(export_build) -> None:
    report, _ = export_build
    essays = len(SUBSTACK_POSTS)  # the scheduled one too: the build holds it back later
    assert f"{SUBSTACK.name}: Substack export: {essays} essays; left out 1 draft, " \
           "1 empty draft, 1 page, 2 paid-only posts, 1 podcast, 1 subscribers-only post, " \
           "1 thread (--pages includes pages)" in report.notes
    assert f"{SUBSTACK.name}: " + note("Substack export", essays, len(SUBSTACK_DRAFTS),
                                       SUBSTACK_LEFT_OUT, False) in report.notes
    assert f"{MEDIUM.name}: Medium export: {len(MEDIUM_POSTS)} essays; left out 2 drafts, " \
           "1 response" in report.notes


def test_build_warns_of_each_post_it_could_not_publish_whole(export_build) -> None:
    report, _ = export_build
    assert sorted(warnings_of(report, SUBSTACK.name)) == sorted(
        [SUBSTACK_MISSING, f"post 'an-empty-post': {NO_TEXT}"])
    assert warnings_of(report, MEDIUM.name) == [f"post 'untitled': {NO_TEXT}"]
    assert warnings_of(report, CANARY[0]) == []


def test_a_rebuild_reads_again_only_the_post_that_changed(tmp_path: Path) -> None:
    with zipfile.ZipFile(SUBSTACK) as original:
        files = {info.filename: original.read(info) for info in original.infolist()
                 if not info.is_dir()}
    archive = archive_of(tmp_path, {SUBSTACK.name: zip_of(files)})
    options = build_options(archive, tmp_path, workers=0)
    first = build(options)
    assert first.added == first.documents == len(SUBSTACK_POSTS) - len(SUBSTACK_FUTURE) + 1
    again = build(options)
    assert (again.added, again.updated, again.unchanged) == (0, 0, first.documents)
    shed = "posts/101008.episode-4-the-shed.html"
    files[shed] = files[shed].replace(b"robin", b"wren")
    (archive / SUBSTACK.name).write_bytes(zip_of(files))
    changed = build(options)
    assert (changed.added, changed.updated, changed.unchanged) == (0, 1, first.documents - 1)
    shed_now = feed_entries(options.out)["Episode 4: The Shed"].content[0].value
    assert "the wren that lives" in shed_now and "robin" not in shed_now


def test_hostile_zips_are_one_warning_each_and_the_rest_is_built(tmp_path: Path) -> None:
    bomb = zip_of(medium_zip({}, **{"posts/2024-01-06_Zeros-0123456789ab.html":
                                    bytes(50 << 20)}))
    many = zip_of({f"f{n}.txt": "" for n in range(MAX_MEMBERS + 1)}, zipfile.ZIP_STORED)
    broken_csv = zip_of({"posts.csv": "post_id,title\n1.a,\"Unclosed\n",
                         "posts/1.a.html": "<p>Words.</p>"})
    bad = {
        "cut-short.zip": SUBSTACK.read_bytes()[:3000],
        "not-a-zip.zip": b"plain text\n",
        "nothing.zip": b"",
        "no-members.zip": zip_of({}),
        "bomb.zip": bomb,
        "many.zip": many,
        "broken-csv.zip": broken_csv,
        "holiday.zip": zip_of({"notes.txt": "Packing list"}),
    }
    archive = archive_of(tmp_path, {**bad, MEDIUM.name: MEDIUM})
    report = build(build_options(archive, tmp_path, workers=0))
    for name in bad:
        assert len(warnings_of(report, name)) == 1, (name, report.warnings)
    assert "ZIP bomb" in warnings_of(report, "bomb.zip")[0]
    assert "over the limit of" in warnings_of(report, "many.zip")[0]
    assert "not valid CSV" in warnings_of(report, "broken-csv.zip")[0]
    assert "damaged or cut-short" in warnings_of(report, "cut-short.zip")[0]
    published = set(feed_entries(tmp_path / "public"))
    assert published == {"The Canary"} | {post[0] for post in MEDIUM_POSTS.values()}


def test_a_build_with_climbing_names_writes_only_its_outputs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    climbing = zip_of(medium_zip(dict([GOOD_PAGE]), **{
        "../../etc/passwd": "root:x:0:0:root:/root:/bin/sh\n",
        "../../../../../../tmp/feedsearch-climbed.html": medium_page(
            "Climbed", "0f0f0f0f0f0f", "Out of the folder."),
        "/abs/x.html": medium_page("Absolute", "0a0a0a0a0a0a", "From an absolute name."),
        "posts/../../evil.html": medium_page("Evil", "0b0b0b0b0b0b", "Climbed out."),
    }))
    work = tmp_path / "nested" / "work"
    cwd = work / "cwd"
    cwd.mkdir(parents=True)
    archive = archive_of(work, {"climb.zip": climbing})
    monkeypatch.chdir(cwd)
    before = files_under(tmp_path)
    report = build(build_options(archive, work, workers=0))
    after = files_under(tmp_path)
    new = {name for name in after if name not in before}
    changed = {name for name in before if before[name] != after.get(name)}
    outputs = ("nested/work/public/", "nested/work/index/")
    assert new and all(name.startswith(outputs) for name in new), sorted(new)
    assert not changed, changed
    assert not any(Path(name).name in ("passwd", "x.html", "evil.html") for name in after)
    assert not Path("/tmp/feedsearch-climbed.html").exists()
    assert not Path("/abs").exists()
    assert set(feed_entries(work / "public")) == {"The Canary", "The Canal in Fog"}
    assert warnings_of(report, "climb.zip") == []
    for name in new:
        assert b"root:x:0:0" not in after[name], name
