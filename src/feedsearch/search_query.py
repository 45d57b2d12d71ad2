"""From what a person types (and the filter flags) to a Whoosh query.

Dates are handled here rather than by Whoosh's date plugin, which does not read ISO dates,
and every date range gets two explicit bounds, because in Whoosh 2.7.4 a range with an open
bound matches every document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC

from whoosh import qparser
from whoosh.query import (
    And,
    AndMaybe,
    AndNot,
    DateRange,
    Every,
    Not,
    NullQuery,
    Or,
    Phrase,
    Query,
    Term,
)

# date_bounds and QueryError are part of this module's interface, as before.
from .query_dates import QueryError, date_bounds, span  # noqa: F401

SEARCH_FIELDS = ("content",)
FIELD_ALIASES = {"tags": ["tag"], "author": ["authors", "by"]}
# What the correction of a word no essay has weighs beside the words as typed (measured on
# the real blogs of docs/search.md: 0.5 and 1.0 rank alike; 1.0 finds the essay a typo
# meant in the sample archive).
CORRECTION_WEIGHT = 1.0
_DATE_TERM = re.compile(r"(?<!\S)date:(\[[^\]]*\]|\S+)", re.I)


@dataclass
class Filters:
    """Restrictions that do not change ranking: tags, authors and a date range."""

    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    since: str | None = None
    until: str | None = None


def date_range(since: str | None, until: str | None) -> DateRange:
    return DateRange("date", *span(since, until))


def _date_term(value: str) -> DateRange:
    """``2019`` or ``[2018 to 2020]`` (either side may be left empty)."""
    if value.startswith("["):
        inner = value[1:-1] if value.endswith("]") else value[1:]
        parts = re.split(r"\s+to\s+|\s+TO\s+", f" {inner.strip()} ")
        if len(parts) != 2:
            raise QueryError(f"cannot read the date range {value!r} (write [2018 to 2020])")
        return date_range(parts[0].strip() or None, parts[1].strip() or None)
    return date_range(value, value)


def split_dates(text: str) -> tuple[str, list[Query]]:
    """The query text without its ``date:`` terms, and those terms as date ranges."""
    ranges = [_date_term(match.group(1)) for match in _DATE_TERM.finditer(text)]
    return _DATE_TERM.sub(" ", text).strip(), ranges


def filter_docnums(searcher, filters: Filters) -> set[int] | None:
    """The documents ``filters`` allow, as a set for Whoosh's ``filter=``; None for all.

    Dates are read from the sortable date column rather than matched as a range query,
    which Whoosh expands into a tree of numeric terms (most of a filtered search's time).
    """
    allowed: set[int] | None = None
    parts: list[Query] = []
    if filters.tags:
        parts.append(Or([Term("tags", tag.strip().lower()) for tag in filters.tags]))
    for author in filters.authors:
        parts.append(qparser.QueryParser("author", searcher.schema).parse(author))
    for part in parts:
        found = set(searcher.docs_for_query(part))
        allowed = found if allowed is None else allowed & found
    if filters.since or filters.until:
        dates = date_range(filters.since, filters.until)
        low, high = (int(d.replace(tzinfo=UTC).timestamp())
                     for d in (dates.startdate, dates.enddate))
        column = searcher.reader().column_reader("sort_date")
        candidates = allowed if allowed is not None else range(searcher.doc_count_all())
        allowed = {n for n in candidates if column[n] and low <= column[n] <= high}
    return allowed


@dataclass
class QueryPlan:
    """A query as search runs it. Plain words are soft: each one found adds to an essay's
    score, so an essay that lacks one word of a reader's description can still come first.
    What the reader asked for exactly (a quoted phrase, ``title:``, ``tag:``, ``author:``,
    ``+word``, ``AND``, a date) is ``required``, and ``-word`` or ``NOT word`` is
    ``excluded``: those decide which essays are found, not how they rank."""

    words: list[Query] = field(default_factory=list)
    required: list[Query] = field(default_factory=list)
    excluded: list[Query] = field(default_factory=list)
    # True when the text held words but the analysis kept none (only stop words).
    empty: bool = False
    # The words in the order typed, when the query is plain words: an essay holding them
    # as a phrase (a sentence the reader copied or remembers) gains its score.
    phrase: Query | None = None
    # Corrections of words no essay has, searched beside the words as typed.
    corrections: list[Query] = field(default_factory=list)

    def scoring(self) -> Query:
        """What ranks the essays found: every positive part, OR-ed, scored by BM25F."""
        positive = self.words + self.corrections + \
            [q for q in self.required if not isinstance(q, DateRange)]
        if self.phrase is not None and positive:
            positive.append(self.phrase)
        if positive:
            return Or(positive) if len(positive) > 1 else positive[0]
        return NullQuery if self.empty else Every()


def with_corrections(plan: QueryPlan, schema, words: list[str],
                     weight: float = CORRECTION_WEIGHT) -> QueryPlan:
    """``plan`` with ``words`` (corrections of words no essay has) added as soft words
    weighing ``weight``. A typed word no essay has adds nothing, so its correction stands
    in for it: a typo's correction finds the essay meant, while the correction of a real
    word the archive lacks ("bake": "make") is most often a common word, which weighs
    little in BM25. Corrections earn no share of the bonus for words held."""
    analyzer = schema[SEARCH_FIELDS[0]].analyzer
    terms = [Term(SEARCH_FIELDS[0], token.text, boost=weight)
             for token in analyzer(" ".join(words))]
    return replace(plan, corrections=plan.corrections + terms)


# Query syntax beyond plain words: then the words are not a phrase the reader typed.
_SYNTAX = re.compile(r'["():\[\]{}*?~^]|(^|\s)[-+]|\b(AND|OR|NOT|ANDNOT|ANDMAYBE)\b')
# A sign that excludes or requires only at the start of a term: inside a word
# (self-reliance, read-only) a hyphen joins its parts, which are searched as words.
_PLUS = r"(?<![^\s(])\+(?=[^\s)])"
_MINUS = r"(?<![^\s(])-(?=[^\s)])"


def plan_query(schema, text: str) -> QueryPlan:
    """Parse what a person typed into a :class:`QueryPlan`."""
    words_text, date_ranges = split_dates(text)
    plan = QueryPlan(required=list(date_ranges))
    if not words_text:
        return plan
    parser = qparser.QueryParser(SEARCH_FIELDS[0], schema, group=qparser.OrGroup)
    parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
    parser.add_plugin(qparser.PlusMinusPlugin(_PLUS, _MINUS))
    try:
        # Not normalised as a whole, which would merge a field's group (title:(a b))
        # into the top level's words; each part is normalised where it is placed.
        parsed = parser.parse(words_text, normalize=False)
    except Exception as exc:  # Whoosh raises assorted errors for malformed queries
        raise QueryError(f"cannot understand the query {text!r}: {exc}") from exc
    _place(parsed, plan, top=True)
    plan.empty = not (plan.words or plan.required or plan.excluded)
    if len(plan.words) > 1 and not plan.required and not plan.excluded \
            and not _SYNTAX.search(words_text):
        plan.phrase = Phrase(SEARCH_FIELDS[0], [term.text for term in plan.words])
    return plan


def _place(query: Query, plan: QueryPlan, top: bool = False) -> None:
    """Sort the parts of a parsed query into the plan's soft words, required parts and
    exclusions."""
    if isinstance(query, Or | And) and len(query.subqueries) == 1:
        query = query.subqueries[0]  # a group of one, as the parser leaves a lone word
    if query is NullQuery:
        return
    if isinstance(query, AndNot):
        _place(query.a, plan, top)
        _exclude(query.b, plan)
    elif isinstance(query, AndMaybe):  # +word: what has the plus sign is required
        _require(query.a, plan)
        _place(query.b, plan, top)
    elif isinstance(query, Not):
        _exclude(query.query, plan)
    elif isinstance(query, Or) and (top or all(_is_word(q) for q in query.subqueries)):
        for part in query.subqueries:
            _place(part, plan)
    elif _is_word(query):
        plan.words.append(query)
    else:
        _require(query, plan)


def _require(query: Query, plan: QueryPlan) -> None:
    query = query.normalize()
    if query is not NullQuery:
        plan.required.append(query)


def _exclude(query: Query, plan: QueryPlan) -> None:
    query = query.normalize()
    if query is not NullQuery:
        plan.excluded.append(query)


def _is_word(query: Query) -> bool:
    return isinstance(query, Term) and query.fieldname in SEARCH_FIELDS
