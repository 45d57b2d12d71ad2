"""Searching the index: what ``feedsearch search`` runs. The index is read through
:class:`feedsearch.search_index.SearchIndex` (query plans, ranking, corrections,
snippets).

This module imports Whoosh and the standard library only, so that a search never pays for
loading the HTML and Markdown stack.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

from . import index, locking, store
from .search_index import RankedHit, SearchIndex, open_search_index
from .search_query import Filters, with_corrections
from .spelling import corrected

SNIPPET_CHARS = 160


class SearchError(Exception):
    """A search that cannot run: no index, or a query that cannot be parsed."""


@dataclass
class Hit:
    slug: str
    title: str
    url: str | None
    date: str | None
    source: str
    score: float
    snippet: str
    tags: list[str] = field(default_factory=list)


@dataclass
class SearchResults:
    query: str
    total: int
    suggestion: str | None
    results: list[Hit]
    # The query actually searched, when a word no essay has was one slip (a letter left
    # out, added, changed, or two swapped) from a word the archive has; else None.
    searched_as: str | None = None
    # A build of the index was running when nothing matched: what it adds is not in yet.
    # Said to people; the JSON shape scripts read stays as it was.
    building: bool = False
    # The page shown and how many pages the results make; a page past the last is empty.
    page: int = 1
    pages: int = 0
    # The rank of the first result shown (11 on the second page of ten), for people.
    first: int = 1

    def to_dict(self) -> dict:
        data = asdict(self)
        del data["building"], data["first"]
        return data


def search(index_dir: Path, query: str = "", limit: int = 10, page: int = 1,
           filters: Filters | None = None, sort: str = "relevance") -> SearchResults:
    """Run ``query`` against the index in ``index_dir``; results are ranked by BM25F, or
    newest first with ``sort="date"``.

    Plain words are soft: an essay is found by any of them and ranks higher the more of
    them it has, the rarer they are; quoted phrases, ``title:``, ``tag:``, ``author:``,
    ``+word``, ``AND`` and dates must match, ``-word`` and ``NOT word`` must not.
    ``filters`` (tags, authors, a date range) narrow the results without changing ranks.
    A word no essay has in any form is also searched as its closest correction (two
    slips at most), offered as "did you mean"; when the words as typed find nothing, the
    query with its one-slip corrections is searched instead (``searched_as``).
    Snippets mark matched terms with ``<mark>``; other text is HTML-escaped.
    """
    engine = _open(index_dir)
    filters = filters or Filters()
    if not query.strip() and filters == Filters():
        raise SearchError("the query is empty")
    check_query_size(query)
    if sort not in ("relevance", "date"):
        raise SearchError(f"unknown sort {sort!r}: use relevance or date")
    plan = engine.plan(query)
    found = engine.ranked(plan, filters, page, limit, sort)
    fixes = engine.corrections(query) if query.strip() else {}
    suggestion = corrected(query, fixes)
    searched_as = None
    if fixes and not found.total:
        # Nothing has the words as typed: the one-slip corrections are searched instead.
        slip = corrected(query, engine.corrections(query, maxdist=1))
        if slip:
            found = engine.ranked(engine.plan(slip), filters, page, limit, sort)
            searched_as = slip if found.total else None
    if fixes and not searched_as:
        found = engine.ranked(with_corrections(plan, engine.schema, list(fixes.values())),
                              filters, page, limit, sort)
    try:
        texts = store.get_texts(index_dir, [hit.slug for hit in found.hits])
    except (store.DamagedStore, sqlite3.DatabaseError) as exc:
        raise SearchError(str(store.DamagedStore(index_dir))) from exc
    results = [_hit(engine, hit, texts.get(hit.slug, "")) for hit in found.hits]
    building = not results and locking.held(Path(index_dir) / locking.LOCK_NAME)
    return SearchResults(query, found.total, suggestion, results, searched_as, building,
                         page=page, pages=-(-found.total // limit),
                         first=(page - 1) * limit + 1)


def _open(index_dir: Path) -> SearchIndex:
    if not index.exists(index_dir):
        raise SearchError(f"no index at {index_dir}: run feedsearch build first")
    try:
        engine = open_search_index(index_dir)
    except Exception as exc:  # Whoosh raises what its reading met: EOFError, struct.error
        raise SearchError(f"the search index in {index_dir} is damaged: run feedsearch "
                          "build, which rebuilds it") from exc
    if _expected_fields() - set(engine.schema.names()):
        raise SearchError(f"the index at {index_dir} was made by an older feedsearch: "
                          "run feedsearch build again")
    return engine


@cache
def _expected_fields() -> frozenset[str]:
    return frozenset(index.make_schema().names())


def _hit(engine: SearchIndex, hit: RankedHit, text: str) -> Hit:
    return Hit(slug=hit.slug, title=hit.title, url=hit.url, date=hit.date, source=hit.source,
               score=hit.score, snippet=engine.snippet(hit, text, SNIPPET_CHARS),
               tags=hit.tags)


# What a query may hold: a reader's description of an essay is a few dozen words, and no
# word of an essay is longer than a long URL. Above these, matching and spelling
# suggestions would cost seconds to minutes and find nothing.
MAX_QUERY_WORDS = 64
MAX_WORD_CHARS = 100


def check_query_size(query: str) -> None:
    """Raise SearchError for a query over the bounds, saying which."""
    words = query.split()
    if len(words) > MAX_QUERY_WORDS:
        raise SearchError(f"the query has {len(words)} words; at most {MAX_QUERY_WORDS} "
                          "are searched")
    longest = max(words, key=len, default="")
    if len(longest) > MAX_WORD_CHARS:
        raise SearchError(f"a word of {len(longest):,} characters is longer than any "
                          f"searched ({MAX_WORD_CHARS} at most)")
