"""The read side of the search index, behind one small interface.

:class:`SearchIndex` is all that :func:`feedsearch.search.search` asks of the index: a
query plan from what a person typed, a page of ranked essays with the total, corrections
for words the archive does not have, and snippets. How essays are ranked lives here and in
:mod:`feedsearch.search_query`, so ranking can change without touching the commands, and
another engine could stand behind the same five methods.

Ranking (measured on real blogs, docs/search.md): plain words are OR-ed and scored by BM25
(Whoosh's BM25F, K1 1.2, B 0.75) over one field holding the title and headings twice, the
tags, summary and text, with a bonus for each distinct word an essay holds; what the
reader asked for exactly only decides which essays are found.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from whoosh.query import And, Every, NullQuery, Or, Term

from . import index, store
from .search_query import Filters, QueryPlan, filter_docnums, plan_query
from .snippets import make_snippet
from .spelling import corrections

SNIPPET_FIELD = "content"
# Each distinct word of the query an essay holds adds this share of its score, divided by
# the number of words (an essay with all of them scores 1.5 times its BM25 score).
WORD_BONUS = 0.5
# How many of the best BM25 hits the bonus reorders; pages further on keep BM25's order.
# (The bonus is at most half a score: an essay below the 30th rarely reaches the first
# ten. 30 and 100 rank the real blogs of docs/search.md alike; 30 is faster.)
RERANKED = 30


@dataclass(frozen=True)
class RankedHit:
    slug: str
    title: str
    url: str | None
    date: str | None
    source: str
    score: float
    tags: list[str]
    # The indexed (analysed) words of the query this essay holds, for its snippet.
    matched: frozenset[str]


@dataclass(frozen=True)
class RankedPage:
    total: int
    hits: list[RankedHit]


class SearchIndex:
    """One open index, read for searching."""

    def __init__(self, searcher, index_dir: Path | None = None) -> None:
        self.searcher = searcher
        self.schema = searcher.schema
        self.index_dir = index_dir
        self._words: dict[str, list[str]] = {}

    def plan(self, text: str) -> QueryPlan:
        """What the query ``text`` asks for (raises QueryError when it cannot be read)."""
        return plan_query(self.schema, text)

    def ranked(self, plan: QueryPlan, filters: Filters, page: int = 1, limit: int = 10,
               sort: str = "relevance") -> RankedPage:
        """Page ``page`` of the essays ``plan`` finds within ``filters``, best first (or
        newest first with ``sort="date"``), and how many there are in all. A page past the
        last one is empty."""
        scoring = plan.scoring()
        if scoring is NullQuery:
            return RankedPage(0, [])
        holders = self._holders(plan)
        found = self._found(plan, holders, scoring, filters)
        offset = (page - 1) * limit
        if offset >= len(found):
            return RankedPage(len(found), [])
        if sort == "date":
            results = self.searcher.search(scoring, limit=offset + limit, filter=found,
                                           sortedby="sort_date", reverse=True)
            scored = [(hit.docnum, hit.score) for hit in results]
        else:
            results = self.searcher.search(scoring, limit=max(offset + limit, RERANKED),
                                           filter=found)
            # Only the best RERANKED are reordered, on every page alike, so that pages
            # never overlap nor skip an essay.
            scored = _with_word_bonus(results[:RERANKED], plan, holders) + \
                [(hit.docnum, hit.score) for hit in results[RERANKED:]]
        page_hits = [self._hit(docnum, score, holders)
                     for docnum, score in scored[offset:offset + limit]]
        return RankedPage(len(found), page_hits)

    def _holders(self, plan: QueryPlan) -> dict[str, set[int]]:
        """Each analysed word of the query in the searched field (typed, a correction, or
        in a required part such as a phrase), with the essays that hold it: for the count
        of essays found, the bonus for words held and the words each snippet marks. Read
        from each word's postings alone, which is cheaper than asking Whoosh to record the
        words of every document it matches."""
        texts = {term.text for term in plan.words + plan.corrections}
        for part in plan.required:
            texts.update(text for field, text in part.iter_all_terms()
                         if field == SNIPPET_FIELD)
        return {text: set(self.searcher.docs_for_query(Term(SNIPPET_FIELD, text)))
                for text in sorted(texts)}

    def _found(self, plan: QueryPlan, holders: dict[str, set[int]], scoring,
               filters: Filters) -> set[int]:
        """The document numbers of every essay found: every required part when there are
        any, else a word (or, for a query of exclusions and filters only, any essay); no
        excluded part; within the filters. Counted here rather than by Whoosh, whose count
        of a filtered, optimised search ignores the filter."""
        searcher = self.searcher
        if plan.required:
            found = set(searcher.docs_for_query(And(plan.required)))
        elif isinstance(scoring, Every):
            found = set(searcher.docs_for_query(scoring))
        else:
            found = set().union(*(holders[term.text] for term in plan.words + plan.corrections))
        allowed = filter_docnums(searcher, filters)
        if allowed is not None:
            found &= allowed
        if plan.excluded:
            found -= set(searcher.docs_for_query(Or(plan.excluded)))
        return found

    def _hit(self, docnum: int, score: float | None,
             holders: dict[str, set[int]]) -> RankedHit:
        stored = self.searcher.stored_fields(docnum)
        return RankedHit(
            slug=stored["slug"],
            title=stored["title"],
            url=stored.get("url"),
            date=stored.get("date_iso"),
            source=stored["source"],
            score=round(float(score or 0.0), 4),
            tags=[tag for tag in stored.get("tags", "").split(",") if tag],
            matched=frozenset(text for text, docs in holders.items() if docnum in docs),
        )

    def corrections(self, text: str, maxdist: int = 2) -> dict[str, str]:
        """Each word of ``text`` the archive does not have, in any form, with the closest
        word it has within ``maxdist`` slips (a swap of two letters is one slip)."""
        return corrections(self.searcher.reader(), self.schema[SNIPPET_FIELD].analyzer,
                           self._words_starting, text, maxdist)

    def _words_starting(self, prefix: str) -> list[str]:
        """The archive's words that begin with ``prefix``, from the document store (none
        when it cannot be read: a search still answers, with no suggestion)."""
        if prefix not in self._words:
            try:
                found = store.words_starting(self.index_dir, prefix) if self.index_dir \
                    else []
            except (OSError, sqlite3.Error, store.DamagedStore):
                found = []
            self._words[prefix] = found
        return self._words[prefix]

    def snippet(self, hit: RankedHit, text: str, chars: int) -> str:
        """The passages of ``text`` (the essay's) where ``hit`` matched, words marked."""
        return make_snippet(text, hit.matched, self.schema[SNIPPET_FIELD].analyzer, chars)


def _with_word_bonus(results, plan: QueryPlan,
                     holders: dict[str, set[int]]) -> list[tuple[int, float]]:
    """(document number, score) of the hits, reordered with a bonus for each distinct word
    of the query they hold: of two essays BM25 scores alike, the one with more of the
    reader's words comes first. Corrections earn none."""
    words = {term.text for term in plan.words}
    scored = []
    for hit in results:
        share = sum(hit.docnum in holders[word] for word in words) / len(words) if words \
            else 0.0
        scored.append((hit.docnum, round(hit.score * (1 + WORD_BONUS * share), 4)))
    return sorted(scored, key=lambda pair: -pair[1])


_OPEN: dict[str, tuple[tuple, SearchIndex, bool]] = {}


def open_search_index(index_dir: Path) -> SearchIndex:
    """The index in ``index_dir``, kept open between searches in one process: opening an
    index reads its term tables, most of a search's time on a large archive. A process's
    first search reads the index from files (a one-off ``feedsearch search`` pays no
    more); its second opens it in memory, for the searches that follow (see
    ``index.open_index``). It is opened again when the index's table of contents changed
    (a build committed, or made the index anew). Raises what Whoosh raises for a damaged
    index."""
    key = str(Path(index_dir).resolve())
    folder = index.whoosh_dir(index_dir)
    version = tuple(sorted((entry.name, entry.stat().st_mtime_ns)
                           for entry in os.scandir(folder) if entry.name.endswith(".toc")))
    cached = _OPEN.get(key)
    if cached is not None and cached[0] == version and cached[2]:
        return cached[1]
    in_memory = cached is not None and cached[0] == version  # searched here before
    if cached is not None:
        cached[1].searcher.close()
    opened = SearchIndex(index.open_index(index_dir, in_memory).searcher(), Path(index_dir))
    _OPEN[key] = (version, opened, in_memory)
    return opened
