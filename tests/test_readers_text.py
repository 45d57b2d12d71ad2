"""The plain-text reader: first line is the title, trailing blog navigation is trimmed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from feedsearch.model import Document
from feedsearch.readers import ReadError, reader_for
from feedsearch.readers.text import trim_navigation

FATHER = "2019-11-02-what-my-father-left-behind.txt"
LAST_SENTENCE = ("Grief lives in objects, but it does not have to stay locked in them. "
                 "Sometimes it only needs another pair of hands to carry it out into the light.")


def read_txt(text: str, relpath: str = "2020-01-01-essay.txt") -> tuple[Document, list[str]]:
    reader = reader_for(relpath)
    assert reader is not None
    warnings: list[str] = []
    return reader.read(text.encode("utf-8"), relpath, warnings=warnings), warnings


@pytest.fixture(scope="module")
def father(corpus_dir: Path) -> tuple[Document, list[str]]:
    reader = reader_for(FATHER)
    assert reader is not None
    warnings: list[str] = []
    return reader.read((corpus_dir / FATHER).read_bytes(), FATHER, warnings=warnings), warnings


def test_text_extensions_are_registered() -> None:
    for name in ("a.txt", "A.TXT", "x/a.text"):
        assert type(reader_for(name)).__name__ == "TextReader"


# --- the corpus essay -----------------------------------------------------------------------

def test_corpus_text_metadata(father: tuple[Document, list[str]]) -> None:
    document, warnings = father
    assert document.title == "What My Father Left Behind"
    assert document.date == datetime(2019, 11, 2, tzinfo=UTC)
    assert document.slug == "what-my-father-left-behind"
    assert document.source == FATHER
    assert document.summary.startswith("My father kept every jar.")
    assert warnings == []


def test_corpus_text_body(father: tuple[Document, list[str]]) -> None:
    text = father[0].text
    assert text.startswith("My father kept every jar. Not just some of them.")
    assert "What My Father Left Behind" not in text
    assert "I made it to the second shelf." in text
    assert text.endswith(LAST_SENTENCE)
    assert text.split("\n\n")[-1] == LAST_SENTENCE


@pytest.mark.parametrize("navigation", [
    "Share", "Previous", "Next", "Grief Has No Schedule", "The Friend Who Drifted Away",
])
def test_corpus_text_navigation_is_trimmed(father: tuple[Document, list[str]],
                                           navigation: str) -> None:
    document = father[0]
    assert navigation not in document.text
    assert navigation not in document.html


def test_corpus_text_html_is_paragraphs(father: tuple[Document, list[str]]) -> None:
    html = father[0].html
    assert html.startswith("<p>My father kept every jar.")
    assert html.rstrip().endswith(f"<p>{LAST_SENTENCE}</p>")
    assert html.count("<p>") == len(father[0].text.split("\n\n"))


# --- the reader on small inputs -------------------------------------------------------------

def test_title_is_first_non_blank_line() -> None:
    document, _ = read_txt("\n\n  Title   With  Spaces  \n\nFirst paragraph\nwraps here.\n\n"
                           "Second paragraph.\n")
    assert document.title == "Title With Spaces"
    assert document.text == "First paragraph wraps here.\n\nSecond paragraph."


def test_html_is_escaped() -> None:
    document, _ = read_txt("Title\n\nFish & chips <b>not bold</b>.\n")
    assert "<b>" not in document.html
    assert "&amp;" in document.html and "&lt;b&gt;" in document.html
    assert document.text == "Fish & chips <b>not bold</b>."


def test_undated_text_warns() -> None:
    document, warnings = read_txt("Title\n\nBody.\n", "undated.txt")
    assert document.date is None
    assert warnings == ["no date in the text or the file name; searchable, but left out of "
                        "the feeds: add a date line under the title (March 3, 2024) or start "
                        "its file name with the date (YYYY-MM-DD-undated.txt)"]
    assert document.slug == "undated"


def test_title_only_is_a_read_error() -> None:
    with pytest.raises(ReadError) as caught:
        read_txt("Just A Title\n\n\n")
    assert "no text after the title" in str(caught.value)


def test_only_navigation_after_title_is_a_read_error() -> None:
    with pytest.raises(ReadError):
        read_txt("Just A Title\n\nShare\n\nPrevious\nSome Title\n\nNext\nOther Title\n")


def test_essay_ending_with_next_in_a_sentence_is_not_trimmed() -> None:
    text = ("A Quiet Year\n\n"
            "The first paragraph says what the year was like.\n\n"
            "I still do not know what comes after the garage, or what I will do with the jars.\n"
            "I only know that I will ask for help with whatever comes next.\n")
    document, _ = read_txt(text)
    assert document.text.endswith("I only know that I will ask for help with whatever "
                                  "comes next.")


def test_hard_wrapped_essay_ending_in_next_is_not_trimmed() -> None:
    text = ("A Quiet Year\n\n"
            "The first paragraph says what the year was like.\n\n"
            "My sister asked me what I wanted to do\n"
            "next.\n")
    document, _ = read_txt(text)
    assert document.text.endswith("My sister asked me what I wanted to do next.")


def test_essay_ending_with_a_quotation_in_guillemets_is_not_trimmed() -> None:
    # A closing quotation is not a navigation arrow.
    text = ("Words From Lyon\n\n"
            "My grandmother said one thing to me at the station, in French.\n\n"
            "«On ne finit jamais de dire au revoir», she said, and then the train left.\n")
    document, _ = read_txt(text)
    assert document.text.endswith("and then the train left.")


def test_navigation_with_arrows_is_trimmed() -> None:
    text = ("Title\n\nThe only paragraph of the essay.\n\n"
            "← Older posts\nNewer posts →\n")
    document, _ = read_txt(text)
    assert document.text == "The only paragraph of the essay."


# --- trim_navigation ------------------------------------------------------------------------

def test_trim_keeps_text_without_navigation() -> None:
    lines = ["First paragraph, a sentence.", "", "Second paragraph ends here."]
    assert trim_navigation(lines) == lines


def test_trim_keeps_empty_input() -> None:
    assert trim_navigation([]) == []


def test_trim_keeps_final_short_line_not_after_a_nav_word() -> None:
    lines = ["The last paragraph of the essay.", "", "With love, Maren"]
    assert trim_navigation(lines) == lines
    signed = ["The last paragraph of the essay.", "", "Maren J. Holt", "Northfield, Vermont"]
    assert trim_navigation(signed) == signed


def test_trim_squarespace_older_newer_post_block() -> None:
    lines = ["The last paragraph of the essay.", "", "Older Post", "Making Friends After Thirty",
             "", "Newer Post", "The Second Year of Grief"]
    assert trim_navigation(lines) == ["The last paragraph of the essay.", ""]


def test_trim_newer_first_block() -> None:
    lines = ["Body sentence.", "Newer Post", "A Title", "Older Post", "Another Title"]
    assert trim_navigation(lines) == ["Body sentence."]


def test_trim_comments_block() -> None:
    lines = ["The last paragraph of the essay.", "", "0 Comments", "Leave a comment"]
    assert trim_navigation(lines) == ["The last paragraph of the essay.", ""]


def test_trim_share_previous_next_block() -> None:
    lines = ["Body.", "", "Share", "", "Previous", "Grief Has No Schedule", "", "Next", "Next",
             "The Friend Who Drifted Away"]
    assert trim_navigation(lines) == ["Body.", ""]


def test_trim_tags_and_likes() -> None:
    lines = ["Body sentence.", "Tags: grief, loss", "3 Likes", "Share this"]
    assert trim_navigation(lines) == ["Body sentence."]


def test_trim_does_not_cut_when_prose_follows_a_nav_word() -> None:
    lines = ["Body.", "Next", "After that we walked home and made tea together, as always."]
    assert trim_navigation(lines) == lines


def test_trim_cuts_at_a_nav_word_however_many_titles_follow_it() -> None:
    # The titles of other posts after "Next" are the page's, however many and however long.
    lines = ["Body.", "Next"] + [f"Line {n}" for n in range(12)]
    assert trim_navigation(lines) == ["Body."]


def test_trim_keeps_short_closing_lines_with_no_navigation_after_them() -> None:
    # An essay that ends in short lines (a poem, a sign-off) and no navigation keeps them.
    lines = ["Body."] + [f"Line {n}" for n in range(12)]
    assert trim_navigation(lines) == lines
