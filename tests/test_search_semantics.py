"""What a query means: soft words, exact syntax, hyphens, filters with totals and pages,
corrections; each on a real index built from real files."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from feedsearch import index, store
from feedsearch.build import build
from feedsearch.cli import cli
from feedsearch.search import search
from feedsearch.search_query import Filters
from feedsearch.spelling import slips
from tests.conftest import build_options


def _slugs(results) -> list[str]:
    return [hit.slug for hit in results.results]


def _essay(folder, name: str, title: str, body: str, **meta) -> None:
    lines = [f"title: {title}", "date: 2021-03-04"] + [f"{k}: {v}" for k, v in meta.items()]
    (folder / f"{name}.md").write_text("---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n",
                                       encoding="utf-8")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Essays written for these tests, each holding what one test looks for."""
    work = tmp_path_factory.mktemp("semantics")
    source = work / "essays"
    source.mkdir()
    _essay(source, "ducks", "Mornings by the water",
           "My grandfather fed the ducks by the canal every morning. The ducks knew his "
           "coat. When he died the canal ducks waited by the bench for a week, and I "
           "went down with bread to the canal in his place.")
    filler = " ".join(f"Paragraph {n} is about the office move and the new desks." for n
                      in range(60))
    _essay(source, "office", "The office move",
           f"{filler} A grandfather clock stood in the lobby. Someone had painted ducks "
           f"on a mug. The pond behind the building froze. The canal route was closed. "
           f"{filler}")
    _essay(source, "languages", "Which language first",
           "In our workshops we teach R before Python, because the biologists we teach "
           "already meet R in their labs.")
    _essay(source, "snakes", "Which language first, again",
           "In our workshops we teach Python before anything else, because Python reads "
           "like the pseudocode in the biologists' textbooks.")
    _essay(source, "summary-only", "A quiet one",
           "Nothing in this text names the bird.",
           summary="About the zephyrine warbler that nested in the gutter.")
    _essay(source, "headed", "Notes from a season",
           "A long season of small notes.\n\n## Sourdough starter\n\nIt took a week.")
    _essay(source, "mentions", "Kitchen",
           "We keep a sourdough jar and a starter plant by the window, and the season "
           "turned.")
    _essay(source, "hyphen", "Standing firm",
           "Rest should be non-negotiable. Self-reliance is not the same as isolation.",
           tags="[self-care]")
    _essay(source, "negotiable", "Salary talks",
           "Everything is negotiable, they say: salary, hours, the desk by the window.")
    options = build_options(source, work)
    build(options)
    return options


def test_an_essay_missing_one_word_of_the_description_still_comes_first(small):
    # "pond" is not in the ducks essay; the office essay has all four words once each,
    # buried in talk of desks. The essay about the description comes first.
    results = search(small.index, "grandfather ducks canal pond")
    assert _slugs(results)[:2] == ["ducks", "office"]


def test_a_word_of_one_letter_is_searched(small):
    assert _slugs(search(small.index, "teach r"))[0] == "languages"
    assert _slugs(search(small.index, "teach python"))[0] == "snakes"


def test_the_summary_is_searched(small):
    assert _slugs(search(small.index, "zephyrine warbler")) == ["summary-only"]


def test_a_heading_weighs_more_than_the_same_words_in_passing(small):
    assert _slugs(search(small.index, "sourdough starter"))[:2] == ["headed", "mentions"]
    assert index.headings("<p>x</p><h2 id=a>Sourdough &amp; <em>rye</em></h2><h3>More") == \
        "Sourdough & rye"


def test_a_hyphen_inside_a_word_joins_it_and_a_leading_one_excludes(small):
    # self-reliance is one word of the essay, not "self" without "reliance".
    assert _slugs(search(small.index, "self-reliance"))[0] == "hyphen"
    assert _slugs(search(small.index, "non-negotiable"))[0] == "hyphen"
    without = search(small.index, "negotiable -salary")
    assert _slugs(without) == ["hyphen"]
    # A tag with a hyphen is the tag.
    assert _slugs(search(small.index, "tag:self-care")) == ["hyphen"]


@pytest.mark.parametrize("query", ["ducks - canal (March 2021 - April 2021)",
                                   "ducks + canal", "( - ) ducks", "ducks -", "ducks +"])
def test_a_sign_standing_alone_is_punctuation_not_an_exclusion(small, query):
    # A title typed as it is written: "Notes (2017 - 2018)". A sign applies only to the
    # word it is attached to; on its own it is not an error, and takes nothing away.
    assert _slugs(search(small.index, query))[0] == "ducks"


def test_what_the_reader_asks_for_exactly_must_match(small):
    assert _slugs(search(small.index, '"grandfather clock" ducks')) == ["office"]
    assert _slugs(search(small.index, "title:again python")) == ["snakes"]
    assert _slugs(search(small.index, "+pond ducks")) == ["office"]
    assert _slugs(search(small.index, "ducks AND pond")) == ["office"]
    assert _slugs(search(small.index, "ducks NOT pond")) == ["ducks"]
    assert _slugs(search(small.index, "ducks -pond")) == ["ducks"]
    assert search(small.index, "the and of").total == 0


def test_did_you_mean_never_offers_a_stop_word(small, built):
    results = search(built.index, "anxeity at nigth")
    assert results.suggestion == "anxiety at night"
    assert slips("nigth", "night") == 1 and slips("nigth", "with") == 2
    assert slips("", "ab") == 2 and slips("abc", "abc") == 0 and slips("ca", "abc") == 3


def test_a_real_word_the_archive_lacks_is_not_replaced_when_others_match(built):
    # "bake" is in no essay; its correction is offered and searched beside it, but the
    # query as typed is what was searched.
    results = search(built.index, "bake grief")
    assert results.searched_as is None and results.suggestion is not None
    assert results.suggestion.endswith(" grief") and "bake" not in results.suggestion
    assert results.results and "grief" in results.results[0].snippet.lower()


def test_filters_count_and_page_within_the_filter(built):
    filters = Filters(since="2020", until="2022")
    everything = search(built.index, "grief", limit=50)
    within = search(built.index, "grief", filters=filters, limit=50)
    assert 0 < within.total < everything.total
    assert within.total == len(within.results)
    assert all("2020" <= hit.date[:4] <= "2022" for hit in within.results)
    pages = [search(built.index, "grief", filters=filters, limit=1, page=n)
             for n in range(1, within.total + 1)]
    assert [page.results[0].slug for page in pages] == _slugs(within)
    assert {page.total for page in pages} == {within.total}
    assert {page.pages for page in pages} == {within.total}
    # A page past the last one is empty, with the total and the number of pages.
    past = search(built.index, "grief", filters=filters, limit=1, page=within.total + 1)
    assert past.results == [] and past.total == within.total and past.pages == within.total
    tagged = search(built.index, "help", filters=Filters(tags=["grief"]), limit=50)
    assert tagged.total == len(tagged.results) and all("grief" in h.tags for h in tagged.results)


def test_the_command_numbers_results_across_pages_and_says_when_past_the_end(built):
    runner = CliRunner()
    second = runner.invoke(cli, ["search", "help", "--index", str(built.index), "--limit", "3",
                                 "--page", "2"])
    assert second.exit_code == 0, second.output
    assert re.search(r"^ 4\. ", second.stdout, re.M) and not re.search(r"^ 1\. ", second.stdout,
                                                                        re.M)
    assert re.search(r"^4-6 of \d+ essays$", second.stdout, re.M)
    past = runner.invoke(cli, ["search", "help", "--index", str(built.index), "--page", "99",
                               "--json"])
    data = json.loads(past.stdout)
    assert data["results"] == [] and data["total"] > 0 and data["page"] == 99
    human = runner.invoke(cli, ["search", "help", "--index", str(built.index), "--page", "99"])
    assert "past the last page" in human.stdout


def test_every_essay_is_still_in_the_store_the_index_reads(small):
    slugs = {document.slug for document in store.iter_documents(small.index)}
    assert len(slugs) == 9


@pytest.mark.parametrize("language", ["fr", "ar", "ro", "tr", "xx"])
def test_every_language_builds_and_searches_its_words(tmp_path, language):
    # Whoosh has a stemmer but no stop words for some languages (Arabic, Romanian), stop
    # words but no stemmer for others (Turkish), and neither for most.
    source = tmp_path / "essays"
    source.mkdir()
    _essay(source, "un", "Le jardin", "Les enfants couraient dans le jardin, 3 fois.")
    _essay(source, "deux", "La mer", "Nous avons nagé dans la mer.")
    options = build_options(source, tmp_path, language=language)
    build(options)
    assert _slugs(search(options.index, "jardin enfants"))[0] == "un"
    assert _slugs(search(options.index, "3"))[0] == "un"


@pytest.mark.parametrize("reordered", [1, 2, 3, 5])
def test_pages_past_the_reordered_best_never_overlap_nor_skip(built, monkeypatch, reordered):
    # Fewer essays reordered by the word bonus than results, so that pages reach past them.
    from feedsearch import search_index

    monkeypatch.setattr(search_index, "RERANKED", reordered)
    for query in ("grief friend rest work help", "tired parents sleep night", "help"):
        whole = _slugs(search(built.index, query, limit=50))
        assert len(whole) > 6
        paged = [slug for page in range(1, len(whole) // 2 + 2)
                 for slug in _slugs(search(built.index, query, limit=2, page=page))]
        assert paged == whole, query


def test_snippets_begin_and_end_on_whole_words():
    # Words separated by line breaks only (a list, a poem, lines of code): the window's
    # edges must still fall between words.
    from feedsearch.index import search_analyzer
    from feedsearch.snippets import make_snippet

    words = [f"{word}ing" for word in ("walk", "wander", "rest", "wait", "sing")] * 30
    text = "\n".join(words[:70] + ["heron"] + words[70:])
    snippet = make_snippet(text, frozenset({"heron"}), search_analyzer(), 60)
    plain = re.sub(r"</?mark>", "", snippet).split()
    assert "heron" in plain and set(plain) <= set(words) | {"heron"}, snippet
