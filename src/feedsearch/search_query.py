"""From what a person types to a Whoosh query."""

from __future__ import annotations

from whoosh import qparser
from whoosh.query import Query

SEARCH_FIELDS = ("title", "body", "summary", "tags")
FIELD_ALIASES = {"tags": ["tag"], "author": ["authors", "by"]}


class QueryError(ValueError):
    """The query text cannot be understood."""


def build_query(schema, text: str, all_words: bool = True) -> Query:
    group = qparser.AndGroup if all_words else qparser.OrGroup.factory(0.9)
    parser = qparser.MultifieldParser(list(SEARCH_FIELDS), schema, group=group)
    parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
    parser.add_plugin(qparser.PlusMinusPlugin())
    try:
        return parser.parse(text)
    except Exception as exc:  # Whoosh raises assorted errors for malformed queries
        raise QueryError(f"cannot understand the query {text!r}: {exc}") from exc
