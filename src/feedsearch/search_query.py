"""From what a person types (and the filter flags) to a Whoosh query.

Dates are handled here rather than by Whoosh's date plugin, which does not read ISO dates,
and every date range gets two explicit bounds, because in Whoosh 2.7.4 a range with an open
bound matches every document.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from whoosh import qparser
from whoosh.query import And, AndMaybe, DateRange, Every, Or, Query, Term

SEARCH_FIELDS = ("content",)
FIELD_ALIASES = {"tags": ["tag"], "author": ["authors", "by"]}
PHRASE_BOOST = 3.0
EARLIEST = datetime(1000, 1, 1)
LATEST = datetime(9999, 12, 31, 23, 59, 59)
_SYNTAX = re.compile(r'["():\[\]{}*?~^]|(^|\s)[-+]|\b(AND|OR|NOT|ANDNOT|ANDMAYBE)\b')
_DATE_TERM = re.compile(r"(?<!\S)date:(\[[^\]]*\]|\S+)", re.I)
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class QueryError(ValueError):
    """The query text cannot be understood."""


@dataclass
class Filters:
    """Restrictions that do not change ranking: tags, authors and a date range."""

    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    since: str | None = None
    until: str | None = None


def date_bounds(text: str) -> tuple[datetime, datetime]:
    """``2019`` -> all of 2019; ``2019-05`` -> May 2019; ``2019-05-03`` -> that day."""
    match = _PARTIAL_DATE.match(text.strip())
    if not match:
        raise QueryError(f"not a date: {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if month is None:
            return datetime(year, 1, 1), datetime(year, 12, 31, 23, 59, 59)
        last = calendar.monthrange(year, month)[1]
        if day is None:
            return datetime(year, month, 1), datetime(year, month, last, 23, 59, 59)
        return datetime(year, month, day), datetime(year, month, day, 23, 59, 59)
    except ValueError as exc:
        raise QueryError(f"not a date: {text!r} ({exc})") from exc


def date_range(since: str | None, until: str | None) -> DateRange:
    start = date_bounds(since)[0] if since else EARLIEST
    end = date_bounds(until)[1] if until else LATEST
    if start > end:
        raise QueryError(f"the date range {since} to {until} is empty")
    return DateRange("date", start, end)


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


def build_query(schema, text: str, all_words: bool = True) -> Query:
    """Parse ``text``; plain words also score higher where they occur as a phrase.

    A reader half-remembering a sentence types its words without quotes: the essay that has
    them in that order should come before one that merely has them all.
    """
    words_text, date_ranges = split_dates(text)
    query: Query = Every()
    if words_text:
        group = qparser.AndGroup if all_words else qparser.OrGroup.factory(0.9)
        parser = qparser.MultifieldParser(list(SEARCH_FIELDS), schema, group=group)
        parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
        parser.add_plugin(qparser.PlusMinusPlugin())
        try:
            query = parser.parse(words_text)
        except Exception as exc:  # Whoosh raises assorted errors for malformed queries
            raise QueryError(f"cannot understand the query {text!r}: {exc}") from exc
        words = words_text.split()
        if len(words) > 1 and not _SYNTAX.search(words_text):
            phrase = qparser.QueryParser("content", schema).parse('"' + " ".join(words) + '"')
            phrase.boost = PHRASE_BOOST
            query = AndMaybe(query, phrase)
    if date_ranges:
        query = And([query, *date_ranges]) if words_text else And(date_ranges)
    return query
