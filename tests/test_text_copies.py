"""Text copied out of a browser, from each platform's pages (tests/fixtures/copies/, our own
writing in the shapes of WordPress, Medium, Substack, Blogger, Squarespace, Ghost, Tumblr and
a Hugo site): the title, the date wherever the copy shows it, the author, the subtitle as the
summary, and the essay whole, without the page's furniture before or after it."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest

from feedsearch.build import build
from feedsearch.model import Document
from feedsearch.readers import reader_for
from tests.conftest import build_options

FIXTURES = Path(__file__).parent / "fixtures"
SETS = [name for name in ("copies", "copies-heldout") if (FIXTURES / name).is_dir()]


def _cases() -> list:
    cases = []
    for folder in SETS:
        expected = json.loads((FIXTURES / folder / "expected.json").read_text("utf-8"))
        cases += [pytest.param(folder, name, want, id=f"{folder}/{name}")
                  for name, want in expected.items()]
    return cases


def _plain(text: str) -> str:
    return " ".join(text.replace("\r\n", "\n").replace("\xa0", " ").split())


def _read(folder: str, name: str, language: str) -> Document:
    reader = reader_for(name)
    assert reader is not None
    data = (FIXTURES / folder / name).read_bytes()
    return reader.read(data, name, language=language)


@pytest.mark.parametrize(("folder", "name", "want"), _cases())
def test_a_copy_reads_as_a_person_reads_it(folder: str, name: str, want: dict) -> None:
    document = _read(folder, name, want.get("language", "en"))
    text = _plain(document.text)
    assert document.title == want["title"]
    assert (document.date.date().isoformat() if document.date else None) == want["date"]
    assert document.authors == want["authors"]
    assert text.startswith(_plain(want["starts_with"])), text[:120]
    assert text.endswith(_plain(want["ends_with"])), text[-160:]
    for sentence in want.get("must", []):
        assert _plain(sentence) in text
    paragraphs = [_plain(p) for p in document.text.split("\n\n")]
    for line in want.get("must_paragraphs", []):
        assert _plain(line) in paragraphs  # "Next" inside an essay stays, as a paragraph
    for furniture in want.get("must_not", []):
        assert _plain(furniture).lower() not in text.lower()
    if want.get("summary"):
        assert document.summary.startswith(_plain(want["summary"])[:60])


def test_the_real_copied_essay_shape_ends_before_next_next_and_a_long_title() -> None:
    want = json.loads((FIXTURES / "copies" / "expected.json").read_text("utf-8"))
    name = "squarespace-next-next-long-title.txt"
    trailer = (FIXTURES / "copies" / name).read_text("utf-8").rstrip().split("\n")[-1]
    assert len(trailer.split()) == 18  # longer than any title rule by length would take
    document = _read("copies", name, "en")
    assert trailer not in document.text and "Next" not in document.text.split("\n\n")
    assert document.text.endswith(want[name]["ends_with"])


def test_dated_copies_reach_the_feeds_in_a_build_in_their_language(tmp_path) -> None:
    source = tmp_path / "essays"
    source.mkdir()
    for name in ("wordpress-es.txt", "squarespace-date-under-title.txt"):
        (source / name).write_bytes((FIXTURES / "copies" / name).read_bytes())
    build(build_options(source, tmp_path, language="es"))
    feed = feedparser.parse(str(tmp_path / "public" / "feed.xml"))
    dates = {entry.title: entry.published_parsed[:3] for entry in feed.entries}
    want = json.loads((FIXTURES / "copies" / "expected.json").read_text("utf-8"))
    for name in ("wordpress-es.txt", "squarespace-date-under-title.txt"):
        year, month, day = (int(part) for part in want[name]["date"].split("-"))
        assert dates[want[name]["title"]] == (year, month, day)


def test_a_spanish_date_is_not_read_when_the_archive_is_in_another_language() -> None:
    # Dates written in words are read in the archive's language (and English) only.
    assert _read("copies", "wordpress-es.txt", "es").date is not None
    assert _read("copies", "wordpress-es.txt", "en").date is None
