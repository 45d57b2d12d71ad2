"""Related posts after a few essays change: only the lists they can affect are computed
again, and the result is exactly what computing every list would give.

A changed essay changes its own vector and, through the weight of each term it gained or
lost, the vectors of the essays that use those terms (and likewise for tags): call those
rows *changed*. A score between two unchanged rows is unchanged, so an unchanged essay's
new list is its old list merged with its new scores against the changed rows, unless its
old list held a changed or removed essay (its score may have fallen, and the next best is
unknown) or was short; those lists, the changed rows' own, and lists with pins or
exclusions are computed whole. The state this needs (each row's vectors and identity) is
kept in the document store by :func:`state_of`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .model import Document
from .related import Prepared, RelatedOptions, TermCache, Vectors, prepare
from .related_lists import BLOCK_ROWS, closeness, entry, lists_for


@dataclass
class RelatedState:
    """What a build's related map was computed from, for the next build to compare with."""

    options: str
    slugs: list[str]
    identities: list[str]
    texts: Vectors
    tags: Vectors | None


def identity(document: Document) -> str:
    """What a list entry and the scores take from an essay besides its vectors."""
    return f"{document.content_hash}|{document.url}|{document.title}|" \
           f"{document.date.isoformat() if document.date else ''}|{'|'.join(document.tags)}"


def state_of(prepared: Prepared) -> RelatedState:
    return RelatedState(repr(prepared.options), [d.slug for d in prepared.ordered],
                        [identity(d) for d in prepared.ordered], prepared.texts,
                        prepared.tags)


def update_related(documents: list[Document], options: RelatedOptions,
                   term_counts: TermCache | None, previous: dict[str, list[dict]] | None,
                   state: RelatedState | None) -> tuple[dict[str, list[dict]], RelatedState]:
    """The related map of ``documents``, reusing the ``previous`` map where it still holds.
    Returns the map, in slug order, and the state to keep for the next build."""
    usable = previous is not None and state is not None and state.options == repr(options)
    recomputed: list[np.ndarray] = []  # the text rows not taken from ``state``
    rows_from = _earlier_rows(documents, state, recomputed) if usable else None
    prepared = prepare(documents, options, term_counts, rows_from)
    ordered = prepared.ordered
    if not usable or (state.tags is None) != (prepared.tags is None):
        return lists_for(prepared, range(len(ordered))), state_of(prepared)
    changed = _changed_rows(prepared, state, recomputed[0] if recomputed else None)
    changed_slugs = {ordered[i].slug for i in changed}
    gone = set(state.slugs) - set(prepared.index)
    stale = changed_slugs | gone
    whole = set(changed)
    for i, document in enumerate(ordered):
        old = previous.get(document.slug)
        if old is None or len(old) < options.limit or document.related_pins or \
                document.related_exclude or any(e["score"] <= options.min_score for e in old) \
                or any(e["slug"] in stale for e in old):
            whole.add(i)
    result = lists_for(prepared, sorted(whole))
    kept = [i for i in range(len(ordered)) if i not in whole]
    result.update(_merged(prepared, kept, sorted(changed), previous))
    return {d.slug: result[d.slug] for d in ordered}, state_of(prepared)


def _changed_rows(prepared: Prepared, state: RelatedState,
                  recomputed: np.ndarray | None) -> list[int]:
    """Rows that are new, whose essay changed, or whose text or tag vector changed. Text
    rows taken whole from ``state`` are unchanged; only ``recomputed`` ones may differ."""
    old_rows = {slug: n for n, slug in enumerate(state.slugs)}
    pairs = [(i, old_rows.get(d.slug)) for i, d in enumerate(prepared.ordered)]
    changed = {i for i, old in pairs if old is None or
               state.identities[old] != identity(prepared.ordered[i])}
    same = [(i, old) for i, old in pairs if i not in changed]
    if recomputed is not None:
        redone = set(recomputed.tolist())
        same_texts = [(i, old) for i, old in same if i in redone]
    else:
        same_texts = same
    changed |= _differing(prepared.texts, state.texts, same_texts)
    if prepared.tags is not None and state.tags is not None:
        changed |= _differing(prepared.tags, state.tags, same)
    return sorted(changed)


def _earlier_rows(documents: list[Document], state: RelatedState | None,
                  recomputed: list[np.ndarray]):
    """For text_vectors: the rows of ``state`` that are still exact, in the new row and
    column order, and the positions of those that must be computed: new and changed
    essays, and essays that use a term whose weight changed."""
    identities = {slug: (n, state.identities[n]) for n, slug in enumerate(state.slugs)} \
        if state is not None else {}

    def rows_from(counts: sparse.csr_matrix, terms: list[str], idf: np.ndarray):
        old = state.texts if state is not None else None
        if old is None or old.idf is None:
            return None
        ordered = sorted(documents, key=lambda d: d.slug)
        position = {term: n for n, term in enumerate(terms)}
        columns = np.fromiter((position.get(term, -1) for term in old.terms),
                              dtype=np.int64, count=len(old.terms))
        old_idf = np.zeros(len(terms))
        old_idf[columns[columns >= 0]] = old.idf[columns >= 0]
        reweighted = idf != old_idf
        entry_rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
        missing = np.zeros(counts.shape[0], dtype=bool)
        missing[entry_rows[reweighted[counts.indices]]] = True
        sources = np.full(len(ordered), -1, dtype=np.int64)
        for i, document in enumerate(ordered):
            known = identities.get(document.slug)
            if known is not None and known[1] == identity(document):
                sources[i] = known[0]
        missing |= sources < 0
        taken = old.matrix[sources[~missing]]
        if len(taken.indices) and (columns[taken.indices] < 0).any():
            return None  # a term the new vocabulary lacks: compute everything
        lengths = np.zeros(len(ordered), dtype=np.int64)
        lengths[~missing] = np.diff(taken.indptr)
        matrix = sparse.csr_matrix(
            (taken.data, columns[taken.indices], np.concatenate(([0], np.cumsum(lengths)))),
            shape=(len(ordered), len(terms)))
        recomputed.append(np.flatnonzero(missing))
        return matrix, recomputed[0]

    return rows_from


def _differing(new: Vectors, old: Vectors, pairs: list[tuple[int, int]]) -> set[int]:
    """Of the (new row, old row) pairs, the new rows whose vector is not the old one."""
    if not pairs:
        return set()
    # Old columns in new positions; a term the new vocabulary lacks goes to a column of
    # its own past the end, so any weight on it counts as a difference.
    position = {term: n for n, term in enumerate(new.terms)}
    missing = len(new.terms)
    columns = np.fromiter((position.get(term, missing) for term in old.terms),
                          dtype=np.int64, count=len(old.terms))
    new_rows = np.array([i for i, _ in pairs], dtype=np.int64)
    old_rows = np.array([o for _, o in pairs], dtype=np.int64)
    width = len(new.terms) + 1
    before = old.matrix[old_rows].tocoo()
    before = sparse.csr_matrix((before.data, (before.row, columns[before.col])),
                               shape=(len(pairs), width))
    after = new.matrix[new_rows]
    after = sparse.csr_matrix((after.data, after.indices, after.indptr),
                              shape=(len(pairs), width))
    difference = (after - before).tocsr()
    difference.eliminate_zeros()
    return set(new_rows[np.flatnonzero(np.diff(difference.indptr))].tolist())


def _merged(prepared: Prepared, rows: list[int], changed: list[int],
            previous: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Unchanged essays' lists: the old entries and the changed rows, best first."""
    options, ordered, index = prepared.options, prepared.ordered, prepared.index
    recency, days = prepared.recency, prepared.days
    result: dict[str, list[dict]] = {}
    if not changed:
        return {ordered[i].slug: previous[ordered[i].slug] for i in rows}
    targets = np.array(changed, dtype=np.int64)
    texts_t = prepared.texts.matrix[targets].T.tocsr()
    tags = prepared.tags.matrix if prepared.tags is not None and options.tag_weight else None
    tags_t = tags[targets].T.tocsr() if tags is not None else None
    for start in range(0, len(rows), BLOCK_ROWS):
        block = np.array(rows[start:start + BLOCK_ROWS], dtype=np.int64)
        scores = options.text_weight * (prepared.texts.matrix[block] @ texts_t).toarray()
        if tags is not None:
            scores += options.tag_weight * (tags[block] @ tags_t).toarray()
        if options.date_weight:
            scores += options.date_weight * closeness(days[block, None], days[None, targets],
                                                      options)
        scores = np.round(scores, 4)
        for row, i in enumerate(block):
            document = ordered[i]
            candidates = [(e["score"], index[e["slug"]], e) for e in previous[document.slug]]
            for column, j in enumerate(targets):
                score = float(scores[row, column])
                if j == i or score <= options.min_score or not options.include_newer and \
                        not np.isnan(days[i]) and np.nan_to_num(days[j], nan=-np.inf) > days[i]:
                    continue
                candidates.append((score, int(j), None))
            candidates.sort(key=lambda c: (-c[0], -recency[c[1]], c[1]))
            result[document.slug] = [
                kept if kept is not None else entry(document, ordered[j], score)
                for score, j, kept in candidates[:options.limit]]
    return result
