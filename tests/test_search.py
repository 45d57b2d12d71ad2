"""Search over a real Whoosh index built from the sample archive."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from feedsearch import store
from feedsearch.search import SearchError, search


def _documents(built):
    return list(store.iter_documents(built.index))


def _slugs(results) -> list[str]:
    return [hit.slug for hit in results.results]


def _phrase(text: str, where: float, length: int = 7) -> str:
    words = re.findall(r"[A-Za-z]+(?:['’][a-z]+)?", text)
    start = int(len(words) * where)
    return " ".join(words[start:start + length])


def test_every_essay_is_found_first_by_a_quoted_phrase_from_its_middle(built):
    documents = _documents(built)
    assert len(documents) == 27
    for document in documents:
        phrase = _phrase(document.text, 0.5)
        results = search(built.index, f'"{phrase}"')
        assert results.results, f"no result for {phrase!r} ({document.slug})"
        assert results.results[0].slug == document.slug, phrase


def test_every_essay_is_found_first_by_unquoted_words_from_its_end(built):
    for document in _documents(built):
        words = _phrase(document.text, 0.85, length=9)
        results = search(built.index, words)
        assert results.results and results.results[0].slug == document.slug, words


def test_result_fields_and_snippet_marks(built):
    results = search(built.index, "glass choir")
    # The one essay with both words first; words are soft, so an essay with one follows.
    assert results.total == len(results.results) == 2
    hit = results.results[0]
    assert hit.slug == "what-my-father-left-behind"
    assert hit.title == "What My Father Left Behind"
    assert hit.url == "https://marenholt.example/what-my-father-left-behind/"
    assert hit.date == "2019-11-02T00:00:00+00:00"
    assert hit.source == "2019-11-02-what-my-father-left-behind.txt"
    assert "<mark>glass</mark> <mark>choir</mark>" in hit.snippet
    assert hit.score > 0


def test_words_are_soft_and_the_essay_with_all_of_them_comes_first(built):
    texts = {d.slug: d.text.lower() for d in _documents(built)}
    both = search(built.index, "garage jars")
    assert both.results[0].slug == "what-my-father-left-behind"
    assert {"garage", "jars"} <= set(re.findall(r"\w+", texts[both.results[0].slug]))
    # The others are found by one of the words, and rank below.
    assert len(both.results) > 1
    for hit in both.results[1:]:
        assert "garage" in texts[hit.slug] or "jars" in texts[hit.slug]
        assert hit.score < both.results[0].score
    # A word no essay has does not stop the others from finding the essay.
    loose = search(built.index, "garage zzzunknownword")
    assert loose.total >= 1
    assert loose.results[0].slug == "what-my-father-left-behind"


def test_fields_and_exclusion(built):
    tagged = search(built.index, "tag:grief", limit=50)
    assert tagged.total == 5
    for hit in tagged.results:
        assert "grief" in hit.tags
    without = search(built.index, "tag:grief -supermarket", limit=50)
    assert without.total == tagged.total - 1
    assert "grief-has-no-schedule" not in {hit.slug for hit in without.results}
    phrase_tag = search(built.index, 'tag:"asking for help"', limit=50)
    assert {hit.slug for hit in phrase_tag.results} == {
        "asking-for-help", "first-therapy-session", "burnout-is-not-a-character-flaw",
        "how-to-sit-with-a-grieving-friend", "coming-back-after-a-long-leave"}
    titled = search(built.index, "title:burnout")
    assert [hit.slug for hit in titled.results] == ["burnout-is-not-a-character-flaw"]
    by_author = search(built.index, "author:okafor")
    assert [hit.slug for hit in by_author.results] == ["therapy-is-not-only-for-crises"]


def test_paging_splits_results_without_overlap(built):
    first = search(built.index, "help", limit=3, page=1)
    second = search(built.index, "help", limit=3, page=2)
    assert first.total == second.total > 6
    assert len(first.results) == len(second.results) == 3
    assert not {h.slug for h in first.results} & {h.slug for h in second.results}


def test_did_you_mean_suggests_real_words(built):
    results = search(built.index, "greif frends")
    assert results.suggestion is not None
    assert results.suggestion.split()[0] == "grief"
    assert results.suggestion.split()[1].startswith("friend")
    # No essay has the words as typed; each is one slip from a word the archive has (two
    # letters swapped are one slip), so the corrected words are searched instead.
    assert results.searched_as == "grief friends" and results.total > 0
    assert "grief" in results.results[0].snippet.lower()
    assert search(built.index, "grief").suggestion is None


def test_a_one_letter_slip_is_searched_as_corrected(built):
    results = search(built.index, "burnot")
    assert results.searched_as == "burnout"
    assert results.results[0].slug == "burnout-is-not-a-character-flaw"
    typo = search(built.index, "setting boundries with coworkers")
    assert typo.suggestion == "setting boundaries with coworkers"
    assert typo.results[0].slug == "saying-no-at-work"
    far = search(built.index, "brunuot")
    assert (far.total, far.searched_as) == (0, None)


def test_snippets_are_the_same_in_every_process(built):
    # Whoosh breaks ties between equally good passages by id(), which varies by process.
    code = ("import sys; from feedsearch.search import search\n"
            "print(search(sys.argv[1], 'burnout', limit=3).results[0].snippet)")
    snippets = {subprocess.run([sys.executable, "-c", code, str(built.index)], check=True,
                               capture_output=True, text=True,
                               env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout
                for seed in range(6)}
    assert len(snippets) == 1 and "<mark>" in snippets.pop()


def test_snippet_found_past_the_first_32k_characters(tmp_path):
    from feedsearch.build import build
    from tests.conftest import build_options

    source = tmp_path / "essays"
    source.mkdir()
    filler = "Ordinary words about the weather fill this paragraph again. " * 700
    (source / "long.md").write_text(
        f"---\ntitle: Long\ndate: 2020-01-01\n---\n\n{filler}\n\nThe zanzibar marmalade ends it.\n"
    )
    options = build_options(source, tmp_path)
    build(options)
    hit = search(options.index, "zanzibar").results[0]
    assert "<mark>zanzibar</mark>" in hit.snippet


def test_search_without_an_index_says_to_build(tmp_path):
    with pytest.raises(SearchError, match="run feedsearch build first"):
        search(tmp_path / "nothing", "grief")


def test_unbalanced_query_is_not_a_crash(built):
    """An unclosed bracket or quote is read as far as it goes, and searched: never an error,
    and never results that have nothing to do with the query."""
    # The bracket closes at the end: the field applies to the word inside it.
    assert _slugs(search(built.index, "title:(grief", limit=50)) == \
        _slugs(search(built.index, "title:grief", limit=50)) == \
        ["the-second-year-of-grief", "grief-has-no-schedule"]
    # An unclosed quote: its words, searched as words.
    assert _slugs(search(built.index, '"glass choir')) == _slugs(search(built.index,
                                                                         "glass choir"))
    # No essay has "clossed": the closest word is offered. The title group must match
    # (a title with grief, or with clossed), so the essays found are those titled grief.
    results = search(built.index, 'title:(grief "clossed', limit=50)
    assert results.suggestion == 'title:(grief "closed'
    assert results.searched_as is None
    assert results.total == len(results.results) == 2
    assert set(_slugs(results)) == {"grief-has-no-schedule", "the-second-year-of-grief"}


def test_json_shape_is_serialisable(built):
    data = search(built.index, "rest").to_dict()
    assert set(data) == {"query", "total", "suggestion", "results", "searched_as", "page",
                         "pages"}
    assert set(data["results"][0]) == {"slug", "title", "url", "date", "source", "score",
                                       "snippet", "tags"}
    json.dumps(data)


def test_a_process_reads_the_index_from_files_once_then_from_memory(built):
    """The first search in a process opens the index without copying it into memory (a
    one-off command pays nothing more); the second opens it in memory for the searches to
    come; both find the same."""
    from feedsearch import search_index

    search_index._OPEN.clear()
    first = search(built.index, "grief")
    engine = search_index.open_search_index(built.index)  # the same process, again
    assert engine.searcher._ix.storage.supports_mmap is True
    assert search(built.index, "grief") == first
    search_index._OPEN.clear()
    search(built.index, "grief")
    [(_, once, in_memory)] = search_index._OPEN.values()
    assert in_memory is False and once.searcher._ix.storage.supports_mmap is False
