"""From what a person types to a Whoosh query."""

from __future__ import annotations

import re

from whoosh import qparser
from whoosh.query import AndMaybe, Query

SEARCH_FIELDS = ("title", "body", "summary", "tag_words")
FIELD_ALIASES = {"tags": ["tag"], "author": ["authors", "by"]}
PHRASE_BOOST = 3.0
_SYNTAX = re.compile(r'["():\[\]{}*?~^]|(^|\s)[-+]|\b(AND|OR|NOT|ANDNOT|ANDMAYBE)\b')


class QueryError(ValueError):
    """The query text cannot be understood."""


def build_query(schema, text: str, all_words: bool = True) -> Query:
    """Parse ``text``; plain words also score higher where they occur as a phrase.

    A reader half-remembering a sentence types its words without quotes: the essay that has
    them in that order should come before one that merely has them all.
    """
    group = qparser.AndGroup if all_words else qparser.OrGroup.factory(0.9)
    parser = qparser.MultifieldParser(list(SEARCH_FIELDS), schema, group=group)
    parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
    parser.add_plugin(qparser.PlusMinusPlugin())
    try:
        query = parser.parse(text)
    except Exception as exc:  # Whoosh raises assorted errors for malformed queries
        raise QueryError(f"cannot understand the query {text!r}: {exc}") from exc
    words = text.split()
    if len(words) > 1 and not _SYNTAX.search(text):
        phrase = qparser.QueryParser("body", schema).parse('"' + " ".join(words) + '"')
        phrase.boost = PHRASE_BOOST
        query = AndMaybe(query, phrase)
    return query
