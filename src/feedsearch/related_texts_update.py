"""The text vectors after a few essays change, made from the last build's (kept in the
related state, related_update.py). With them is kept, for each term, how many essays hold
it, so that a rebuild counts the changed essays' terms out and in and computes their rows
alone: building the count matrix of every essay again took seconds at 100,000 essays.

The vectors are those related.text_vectors would make from every essay. Where they could
differ elsewhere (a term's weight changed and an essay that did not change holds it; the
archive's size, as the weights count it, changed; a count is missing) there is no result,
and the caller makes every row as before."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .analysis import AUTHOR, LINK, TermCache
from .model import Document
from .related import (
    _count_matrix,
    counted,
    kinds,
    shown_words,
    unit_vectors,
    weights_of,
)
from .settings import RelatedOptions
from .vectors import Vectors, entries_by_row, rows_of, spliced


@dataclass
class TextUpdate:
    vectors: Vectors
    recomputed: np.ndarray  # the rows made here; every other is the earlier build's


@dataclass
class _Columns:
    """The earlier build's columns with the terms numbered since put in their places."""

    terms: list[str]
    numbers: np.ndarray  # each column's term number
    moved: np.ndarray | None  # each earlier column's place now (None: the same)
    rank: np.ndarray  # each term number's column

    def widened(self, values: np.ndarray) -> np.ndarray:
        """Per-column ``values`` of the earlier columns in these (0 for a new term)."""
        if self.moved is None:
            return values.copy()
        result = np.zeros(len(self.terms), dtype=values.dtype)
        result[self.moved] = values
        return result


def updated_texts(ordered: list[Document], options: RelatedOptions, cache: TermCache | None,
                  old: Vectors, slugs: list[str], identities: list[str],
                  current: list[str]) -> TextUpdate | None:
    """The text vectors of ``ordered`` (in slug order; ``current`` their identities, as
    related_update.identity gives them) from ``old``, the vectors of the essays ``slugs``
    whose identities were ``identities``; None where they must be made whole."""
    if cache is None or options.plain_tfidf or old.df is None or old.numbers is None or \
            old.idf is None or not len(old.terms) or counted(len(ordered)) != counted(len(slugs)):
        return None
    sources, leaving, entering = _matched(ordered, slugs, identities, current)
    columns = _columns(old, cache.vocabulary)
    counts_of = [cache.get(ordered[i].content_hash) if ordered[i].content_hash else None
                 for i in np.flatnonzero(sources < 0).tolist()]
    left = [cache.get(digest) for digest in leaving]
    came = [cache.get(ordered[i].content_hash) for i in entering]
    if columns is None or any(row is None for row in counts_of + left + came):
        return None
    width = len(columns.terms)
    df = columns.widened(old.df) + _held(came, columns.rank, width) - \
        _held(left, columns.rank, width)
    old_idf = columns.widened(old.idf)
    idf = old_idf.copy()
    touched = np.flatnonzero(df != columns.widened(old.df))
    idf[touched] = weights_of(df[touched], kinds([columns.terms[c] for c in touched]),
                              len(ordered), options)
    reweighed = touched[idf[touched] != old_idf[touched]]
    if len(reweighed) and (df[reweighed] > _held(counts_of, columns.rank, width)[reweighed]).any():
        return None  # an essay kept as it was holds a term whose weight changed
    redo = np.flatnonzero(sources < 0)
    counts = _count_matrix(counts_of, width, columns.rank)
    counts.has_sorted_indices = False
    counts.sort_indices()
    fresh = unit_vectors(counts, idf, columns.terms, options)
    matrix = spliced(old.matrix, sources, fresh, width, columns.moved)
    has_text = np.zeros(len(ordered), dtype=bool)
    has_text[sources >= 0] = old.has_text[sources[sources >= 0]]
    has_text[redo] = _has_words(counts, columns.terms) | \
        np.array([bool(ordered[i].text) for i in redo.tolist()], dtype=bool)
    words = shown_words(cache.display, cache.vocabulary, columns.numbers)
    vectors = Vectors(matrix, columns.terms, has_text, idf, words, df, columns.numbers)
    if old.held is not None:
        vectors.held = _held_after(old, sources, fresh, columns)
    return TextUpdate(vectors, redo)


def _matched(ordered: list[Document], slugs: list[str], identities: list[str],
             current: list[str]) -> tuple[np.ndarray, list[str], list[int]]:
    """Each essay's earlier row when its identity is the same (else -1); the content
    hashes whose counts leave the archive, and the essays whose counts enter it (an essay
    whose identity changed but not its text keeps its counts)."""
    where = {slug: n for n, slug in enumerate(slugs)}
    sources = np.full(len(ordered), -1, dtype=np.int64)
    kept = np.zeros(len(slugs), dtype=bool)
    entering = []
    for i, (document, mine) in enumerate(zip(ordered, current, strict=True)):
        n = where.get(document.slug)
        if n is not None and identities[n] == mine:
            sources[i] = n
            kept[n] = True
        elif n is not None and _hash(identities[n]) == document.content_hash:
            kept[n] = True
        else:
            entering.append(i)
    leaving = [_hash(identities[n]) for n in np.flatnonzero(~kept).tolist()]
    return sources, leaving, entering


def _hash(identity: str) -> str:
    return identity.split("|", 1)[0]


def _columns(old: Vectors, vocabulary: list[str]) -> _Columns | None:
    """The earlier columns, with terms numbered after them (in the cache's vocabulary)
    put in their sorted places; None when the earlier columns are not the vocabulary's
    first terms, as those numbers say."""
    known = len(old.terms)
    if len(old.numbers) != known or len(old.df) != known or len(old.idf) != known or \
            known > len(vocabulary) or old.matrix.shape[1] != known or \
            not 0 <= int(old.numbers.min()) <= int(old.numbers.max()) < len(vocabulary) or \
            [vocabulary[n] for n in old.numbers.tolist()] != old.terms:
        return None  # not this cache's numbers (one made afresh numbers its terms anew)
    added = sorted(range(known, len(vocabulary)), key=vocabulary.__getitem__)
    if not added:
        terms, numbers, moved = old.terms, np.asarray(old.numbers, dtype=np.int64), None
    else:
        at = np.array([bisect_left(old.terms, vocabulary[n]) for n in added], dtype=np.int64)
        moved = np.arange(known) + np.cumsum(np.bincount(at, minlength=known + 1))[:known]
        places = at + np.arange(len(added))
        merged = np.empty(known + len(added), dtype=object)
        merged[moved], merged[places] = old.terms, [vocabulary[n] for n in added]
        terms = merged.tolist()
        numbers = np.empty(len(terms), dtype=np.int64)
        numbers[moved], numbers[places] = old.numbers, added
    rank = np.full(len(vocabulary), -1, dtype=np.int64)
    rank[numbers] = np.arange(len(terms))
    if (rank < 0).any():
        return None
    return _Columns(terms, numbers, moved, rank)


def _held(rows: list[tuple[np.ndarray, np.ndarray]], rank: np.ndarray,
          width: int) -> np.ndarray:
    """How many of the count ``rows`` hold each column's term."""
    if not rows:
        return np.zeros(width, dtype=np.int64)
    return np.bincount(rank[np.concatenate([ids for ids, _ in rows])], minlength=width)


def _held_after(old: Vectors, sources: np.ndarray, fresh: sparse.csr_matrix,
                columns: _Columns) -> np.ndarray:
    """The rows holding each column (related_neighbours.exact_work) once the earlier rows
    not kept are gone and the ``fresh`` ones come."""
    dropped = np.ones(old.matrix.shape[0], dtype=bool)
    dropped[sources[sources >= 0]] = False
    gone = rows_of(old.matrix, np.flatnonzero(dropped)).indices
    width = len(columns.terms)
    held = columns.widened(old.held - np.bincount(gone, minlength=len(old.held)))
    return held + np.bincount(fresh.indices, minlength=width)


def _has_words(counts: sparse.csr_matrix, terms: list[str]) -> np.ndarray:
    """Rows of ``counts`` holding a word (not only links and authors)."""
    present = np.unique(counts.indices)
    words = np.zeros(counts.shape[1], dtype=bool)
    words[present] = [not terms[c].startswith((LINK, AUTHOR)) for c in present.tolist()]
    return entries_by_row(counts, words) > 0
