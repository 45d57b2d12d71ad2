"""Hand-written fixtures in the shapes real archives bring, read through the public entry point.

Each file under tests/fixtures/readers/ is an original short essay in the markup or front
matter a platform produces (WordPress, Squarespace, Ghost, Substack, Medium, Blogger, Jekyll,
Hugo, Zola, Pelican, Obsidian, Eleventy, browser copies, odd encodings). expected.json holds
what the readers' documented rules say each one must give: title, date (ISO with offset, or
null), authors and tags (exact, in order), text that must be there and page furniture that
must not. Optional keys: updated, summary, draft, ends_with.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from feedsearch.corpus import read_file
from feedsearch.model import Document

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "readers"
EXPECTED_FILE = FIXTURES / "expected.json"
EXPECTED: dict[str, dict] = json.loads(EXPECTED_FILE.read_text(encoding="utf-8"))
FILES = sorted(p.name for p in FIXTURES.iterdir()
               if p.is_file() and p != EXPECTED_FILE and not p.name.startswith("."))
REQUIRED_KEYS = {"title", "date", "authors", "tags", "must", "must_not"}


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def _read(name: str) -> Document:
    document, _warnings = read_file(FIXTURES / name, name)
    return document


def test_there_are_enough_fixtures_and_each_has_an_expectation() -> None:
    assert len(FILES) >= 25
    assert sorted(EXPECTED) == FILES, "every fixture needs an expectation, and only fixtures"
    for name, expected in EXPECTED.items():
        assert set(expected) >= REQUIRED_KEYS, f"{name}: missing {REQUIRED_KEYS - set(expected)}"
        assert expected["must"], f"{name}: no text to look for"
        assert expected["must_not"], f"{name}: no furniture to rule out"


@pytest.mark.parametrize("name", FILES)
def test_fixture_reads_as_expected(name: str) -> None:
    expected = EXPECTED[name]
    document = _read(name)
    problems: list[str] = []

    def check(field: str, actual: object, wanted: object) -> None:
        if actual != wanted:
            problems.append(f"{field}: expected {wanted!r}, got {actual!r}")

    check("title", document.title, expected["title"])
    check("date", _iso(document.date), expected["date"])
    if "updated" in expected:
        check("updated", _iso(document.updated), expected["updated"])
    check("authors", document.authors, expected["authors"])
    check("tags", document.tags, expected["tags"])
    if "summary" in expected:
        check("summary", document.summary, expected["summary"])
    if "draft" in expected:
        check("draft", document.draft, expected["draft"])
    if "ends_with" in expected and not document.text.endswith(expected["ends_with"]):
        problems.append(f"text should end with {expected['ends_with']!r}, "
                        f"ends with {document.text[-80:]!r}")
    for fragment in expected["must"]:
        if fragment not in document.text:
            problems.append(f"missing from text: {fragment!r}")
    for fragment in expected["must_not"]:
        if fragment in document.text:
            at = document.text.find(fragment)
            context = document.text[max(0, at - 40): at + len(fragment) + 40]
            problems.append(f"must not be in text: {fragment!r} (…{context!r}…)")
    # Each essay is 120-300 words: far fewer means the body was lost, far more means the
    # page around it came along.
    words = len(document.text.split())
    if not 110 <= words <= 320:
        problems.append(f"text is {words} words, not a 120-300 word essay")

    assert not problems, f"{name}:\n  " + "\n  ".join(problems)

