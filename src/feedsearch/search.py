"""Searching the index: query parsing, ranking, snippets and "did you mean".

This module imports Whoosh and the standard library only, so that a search never pays for
loading the HTML and Markdown stack.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import index, store
from .search_query import Filters, build_query, filter_query

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

    def to_dict(self) -> dict:
        return asdict(self)


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
    if sort not in ("relevance", "date"):
        raise SearchError(f"unknown sort {sort!r}: use relevance or date")
    ix = index.open_index(index_dir)
    with ix.searcher() as searcher:
        restrict = filter_query(ix.schema, filters)
        options = {"pagelen": limit, "terms": True, "filter": restrict}
        if sort == "date":
            options.update(sortedby="sort_date", reverse=True)
        parsed = build_query(ix.schema, query, all_words=True)
        page_results = searcher.search_page(parsed, page, **options)
        if page_results.total == 0:
            loose = build_query(ix.schema, query, all_words=False)
            if loose != parsed:
                page_results = searcher.search_page(loose, page, **options)
        hits = list(page_results)
        texts = store.get_texts(index_dir, [hit["slug"] for hit in hits])
        results = [_hit(hit, texts.get(hit["slug"], "")) for hit in hits]
        suggestion = None
        if page_results.total < 3 and query.strip():
            suggestion = suggest(searcher, query)
        return SearchResults(query, page_results.total, suggestion, results)


def _hit(hit, text: str) -> Hit:
    from .snippets import make_snippet

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


def suggest(searcher, query: str) -> str | None:
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
        options = corrector.suggest(word.lower(), limit=1)
        if not options:
            return word
        changed = True
        return options[0]

    corrected = _WORD.sub(replace, query)
    return corrected if changed else None
