"""Searching the index: query parsing, ranking, snippets and "did you mean".

This module imports Whoosh and the standard library only, so that a search never pays for
loading the HTML and Markdown stack.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

from . import index, locking, store
from .search_query import Filters, build_query, filter_docnums
from .snippets import make_snippet

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
    # The query actually searched, when a word was misspelt by one letter and no essay
    # had it as typed; else None.
    searched_as: str | None = None
    # A build of the index was running when nothing matched: what it adds is not in yet.
    # Said to people; the JSON shape scripts read stays as it was.
    building: bool = False

    def to_dict(self) -> dict:
        data = asdict(self)
        del data["building"]
        return data


def search(index_dir: Path, query: str = "", limit: int = 10, page: int = 1,
           filters: Filters | None = None, sort: str = "relevance") -> SearchResults:
    """Run ``query`` against the index in ``index_dir``; results are ranked by BM25F, or
    newest first with ``sort="date"``.

    Documents containing all the words come first; when none does, any word will do.
    ``filters`` (tags, authors, a date range) narrow the results without changing ranks.
    Snippets mark matched terms with ``<mark>``; other text is HTML-escaped.
    """
    if not index.exists(index_dir):
        raise SearchError(f"no index at {index_dir}: run feedsearch build first")
    filters = filters or Filters()
    if not query.strip() and filters == Filters():
        raise SearchError("the query is empty")
    check_query_size(query)
    if sort not in ("relevance", "date"):
        raise SearchError(f"unknown sort {sort!r}: use relevance or date")
    try:
        searcher = _searcher(index_dir)
    except Exception as exc:  # Whoosh raises what its reading met: EOFError, struct.error
        raise SearchError(f"the search index in {index_dir} is damaged: run feedsearch "
                          "build, which rebuilds it") from exc
    if _expected_fields() - set(searcher.schema.names()):
        raise SearchError(f"the index at {index_dir} was made by an older feedsearch: "
                          "run feedsearch build again")
    options = {"pagelen": limit, "terms": True,
               "filter": filter_docnums(searcher, filters)}
    if sort == "date":
        options.update(sortedby="sort_date", reverse=True)
    page_results, suggestion, searched_as = _ranked(searcher, searcher.schema, query, page,
                                                    options)
    hits = list(page_results)
    try:
        texts = store.get_texts(index_dir, [hit["slug"] for hit in hits])
    except (store.DamagedStore, sqlite3.DatabaseError) as exc:
        raise SearchError(str(store.DamagedStore(index_dir))) from exc
    results = [_hit(hit, texts.get(hit["slug"], "")) for hit in hits]
    building = not results and locking.held(Path(index_dir) / locking.LOCK_NAME)
    return SearchResults(query, page_results.total, suggestion, results, searched_as,
                         building)


@cache
def _expected_fields() -> frozenset[str]:
    return frozenset(index.make_schema().names())


_SEARCHERS: dict[str, tuple[tuple, object]] = {}


def _searcher(index_dir: Path):
    """A searcher kept open between searches in one process: opening an index reads its
    term tables, most of a search's time on a large archive. It is opened again when the
    index's table of contents changed (a build committed, or made the index anew)."""
    key = str(Path(index_dir).resolve())
    folder = index.whoosh_dir(index_dir)
    version = tuple(sorted((entry.name, entry.stat().st_mtime_ns)
                           for entry in os.scandir(folder) if entry.name.endswith(".toc")))
    cached = _SEARCHERS.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    if cached is not None:
        cached[1].close()
    searcher = index.open_index(index_dir).searcher()
    _SEARCHERS[key] = (version, searcher)
    return searcher


def _ranked(searcher, schema, query: str, page: int, options: dict):
    """Essays with all the words; else with all the words spelled as the archive spells
    them; else with any of them. Returns the results, a "did you mean" (or None) and the
    corrected query when that was searched instead (or None)."""
    strict = build_query(schema, query, all_words=True)
    results = searcher.search_page(strict, page, **options)
    suggestion = suggest(searcher, query) if results.total < 3 and query.strip() else None
    searched_as = None
    if results.total == 0 and suggestion:
        # Only one-letter slips are searched for unasked; "did you mean" offers the rest.
        close = suggest(searcher, query, maxdist=1)
        if close:
            results = searcher.search_page(build_query(schema, close), page, **options)
            searched_as = close if results.total else None
    if results.total == 0:
        loose = build_query(schema, suggestion or query, all_words=False)
        if loose != strict:
            results = searcher.search_page(loose, page, **options)
    return results, suggestion, searched_as


def _hit(hit, text: str) -> Hit:
    stored = hit.fields()
    return Hit(
        slug=stored["slug"],
        title=stored["title"],
        url=stored.get("url"),
        date=stored.get("date_iso"),
        source=stored["source"],
        score=round(float(hit.score), 4),
        snippet=make_snippet(hit, text, SNIPPET_CHARS),
        tags=[tag for tag in stored.get("tags", "").split(",") if tag],
    )


_WORD = re.compile(r"(?<![\w:])([^\W\d_]{3,})(?![\w:])")
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


def suggest(searcher, query: str, maxdist: int = 2) -> str | None:
    """The query with each unknown word replaced by the closest real word, or None."""
    reader = searcher.reader()
    corrector = searcher.corrector("spell")
    changed = False

    def replace(match: re.Match) -> str:
        nonlocal changed
        word = match.group(1)
        if word.upper() in ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"):
            return word
        if reader.frequency("spell", word.lower()) > 0:
            return word
        options = corrector.suggest(word.lower(), limit=1, maxdist=maxdist)
        if not options:
            return word
        changed = True
        return options[0]

    corrected = _WORD.sub(replace, query)
    return corrected if changed else None
