"""'Did you mean' takes its words from the document store, kept by every build."""

from __future__ import annotations

from pathlib import Path

from feedsearch import index, store
from feedsearch.build import build
from feedsearch.search import search
from tests.conftest import build_options


def _essay(folder: Path, name: str, title: str, text: str, summary: str = "") -> None:
    head = f"---\ntitle: {title}\ndate: 2024-03-0{len(name) % 9 + 1}\n"
    if summary:
        head += f"summary: {summary}\n"
    (folder / f"{name}.md").write_text(f"{head}---\n\n{text}\n")


def _archive(tmp_path: Path) -> Path:
    source = tmp_path / "essays"
    source.mkdir()
    _essay(source, "garden", "The winter garden", "Frost on the marigolds and the kale.")
    _essay(source, "kitchen", "Bread at dawn", "Sourdough wants patience and warm hands.",
           summary="On a starter named Bartholomew.")
    return source


def test_suggestions_follow_the_archive_through_rebuilds(tmp_path):
    source = _archive(tmp_path)
    options = build_options(source, tmp_path / "work")
    build(options)
    assert search(options.index, "marigodls").suggestion == "marigolds"
    assert search(options.index, "sourdoguh").suggestion == "sourdough"
    # A summary's words are offered too, though no text holds them.
    assert search(options.index, "bartholomwe").suggestion == "bartholomew"
    assert search(options.index, "lavendre").suggestion is None

    _essay(source, "lavender", "Drying lavender", "Bunches of lavender hang in the shed.")
    (source / "garden.md").unlink()
    build(options)
    assert search(options.index, "lavendre").suggestion == "lavender"
    # No essay holds "marigolds" in any form now: it is never offered.
    assert search(options.index, "marigodls").suggestion is None
    assert search(options.index, "sourdoguh").suggestion == "sourdough"


def test_the_index_holds_no_second_copy_of_the_words(tmp_path):
    options = build_options(_archive(tmp_path), tmp_path / "work")
    build(options)
    assert "spell" not in index.open_index(options.index).schema.names()
    words = store.words_starting(options.index, "s")
    assert "sourdough" in words and "starter" in words
    assert all(word.startswith("s") for word in words)
    # Stop words are never offered, nor words with digits.
    assert "the" not in store.words_starting(options.index, "t")
