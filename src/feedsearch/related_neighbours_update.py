"""The neighbours after a few essays change (see related_update.py): each row's old
neighbours where they still hold, merged with its new scores against the changed rows,
and found whole where they may not hold.

With the exact search a row is found whole when it held a changed or removed essay and
was full (the next best is unknown). With candidates, each row's pool keeps its edge (the
lowest candidate score in it): where every changed essay's candidate score stays above
the edge, or below it, before and after the change, the pool is as it was and only the
changed essays in it are merged; otherwise the row is found whole (:func:`_pools`). Past
a budget of pairs, every row is found afresh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from .related import Prepared, Vectors, column_counts
from .related_neighbours import (
    Neighbours,
    best_of,
    by_candidates,
    candidate_scores,
    heaviest,
    neighbours_of,
    strongest_terms,
    width,
)
from .vectors import column_map, rows_of, spliced

if TYPE_CHECKING:
    from .related_update import RelatedState

# An update compares its changed rows with every essay only while that makes at most this
# many pairs per essay of the archive (or PAIR_BUDGET_LEAST): beyond it, finding every
# essay's neighbours afresh is quicker and smaller (_pairs_over_budget).
PAIR_BUDGET_PER_ESSAY = 40
PAIR_BUDGET_LEAST = 1_000_000

# Candidate scores are rounded to six places; one computed with its terms summed in another
# order may differ in the last of them.
EDGE_SLACK = 2e-6


def update_neighbours(prepared: Prepared, state: RelatedState, changed: list[int]) -> set[int]:
    """Give ``prepared`` its neighbours, from the old ones where they still hold; return
    the rows whose neighbours are not the old ones."""
    keep = width(prepared.options)
    candidates = by_candidates(prepared)
    if state.neighbours.ids.shape[1] != keep or candidates != state.by_candidates or \
            candidates and state.neighbours.edges is None:  # kept before pools had edges
        return _all_neighbours(prepared)
    old = _OldRows(prepared, state, changed)
    targets = np.array(changed, dtype=np.int64)
    whole = ~old.have | old.is_changed[:len(old.have)] | (old.bad.any(axis=1) & old.full)
    moved = set(np.flatnonzero(~old.have).tolist())
    if candidates:
        _strongest_from(prepared, state, old)
    if _pairs_over_budget(strongest_terms(prepared) if candidates else prepared.texts.matrix,
                          targets):
        return _all_neighbours(prepared)
    if candidates:
        altered, allowed = _pools(prepared, state, targets, old)
        whole |= altered
        merged = np.flatnonzero(~whole & ((np.diff(allowed.indptr) > 0) | old.bad.any(axis=1)))
        moved |= _merge_changed(prepared, old, targets, merged, allowed[merged])
    elif len(targets):
        moved |= _merge_changed(prepared, old, targets, np.flatnonzero(~whole))
    ids, scores, edges = old.ids, old.scores, old.edges
    rows = np.flatnonzero(whole)
    if len(rows):
        fresh = neighbours_of(prepared, rows)
        for row, i in enumerate(rows.tolist()):
            if not (old.have[i] and np.array_equal(ids[i], fresh.ids[row]) and
                    np.array_equal(scores[i], fresh.scores[row])):
                moved.add(i)
        ids[rows], scores[rows] = fresh.ids, fresh.scores
        if candidates:
            edges[rows] = fresh.edges
    prepared.neighbours = Neighbours(ids, scores, edges if candidates else None)
    return moved


class _OldRows:
    """The old neighbours in the new positions: ``ids`` and ``scores`` (a new essay's row
    empty), which rows ``have`` old ones and were ``full``, and the entries that are
    ``bad`` (removed or changed essays: a row is exact only without them)."""

    def __init__(self, prepared: Prepared, state: RelatedState, changed: list[int]) -> None:
        old, keep, n = state.neighbours, width(prepared.options), len(prepared.ordered)
        # Old positions -> new ones (-1: removed), and each new row's old one (-1: new).
        new_position = np.array([prepared.index.get(slug, -1) for slug in state.slugs] + [-1],
                                dtype=np.int64)
        self.position = np.full(n, -1, dtype=np.int64)
        for position, slug in enumerate(state.slugs):
            if slug in prepared.index:
                self.position[prepared.index[slug]] = position
        self.is_changed = np.zeros(n + 1, dtype=bool)  # the last: a padding or removed entry
        self.is_changed[changed] = True
        self.have = have = self.position >= 0
        was = old.ids[self.position[have]]
        padded = was < 0
        mapped = new_position[np.where(padded, -1, was)]
        self.ids = np.full((n, keep), -1, dtype=np.int64)
        self.scores = np.zeros((n, keep), dtype=np.float64)
        self.ids[have], self.scores[have] = mapped, old.scores[self.position[have]]
        self.bad = np.zeros((n, keep), dtype=bool)
        self.bad[have] = (mapped < 0) & ~padded | self.is_changed[np.where(mapped < 0, n, mapped)]
        self.full = np.zeros(n, dtype=bool)
        self.full[have] = ~padded.any(axis=1)
        self.edges = None  # the pools' edges, with candidates (related_neighbours.py)
        if old.edges is not None:
            self.edges = np.zeros(n)
            self.edges[have] = old.edges[self.position[have]]


def _pairs_over_budget(vectors: sparse.csr_matrix, targets: np.ndarray) -> bool:
    """Whether comparing the changed rows with every essay, as an update does, would make
    more pairs than finding every essay's neighbours afresh is worth: at most the entries,
    over the terms of the changed rows, of the essays holding each term. An essay added
    to a dense archive changes the weights, and so the rows, of thousands of others."""
    if not len(targets):
        return False
    held = column_counts(vectors)
    pairs = int(held[vectors[targets].indices].sum())
    return pairs > max(PAIR_BUDGET_LEAST, PAIR_BUDGET_PER_ESSAY * vectors.shape[0])


def _strongest_from(prepared: Prepared, state: RelatedState, old: _OldRows) -> None:
    """Give ``prepared`` each essay's strongest terms: the kept ones of the essays whose
    vector is unchanged (in the new rows and columns), found again for the others."""
    if state.strongest is None:
        return  # found whole when first needed
    keep = old.have & ~old.is_changed[:len(old.have)]
    sources = np.where(keep, old.position, -1)
    columns = column_map(state.texts.terms, prepared.texts.terms)
    if (columns < 0).any() and \
            (columns[rows_of(state.strongest, sources[keep]).indices] < 0).any():
        return  # a term gone from the vocabulary: found whole
    same = np.array_equal(columns, np.arange(len(columns)))
    fresh = heaviest(prepared.texts.matrix[np.flatnonzero(~keep)],
                     prepared.options.candidate_terms)
    prepared.strongest = spliced(state.strongest, sources, fresh,
                                 prepared.texts.matrix.shape[1], None if same else columns)


def _pools(prepared: Prepared, state: RelatedState, targets: np.ndarray,
           old: _OldRows) -> tuple[np.ndarray, sparse.csr_matrix]:
    """With candidates: the rows whose pool of candidates a change may have altered, and
    for every row, the changed essays in its pool now (a sparse row of ones).

    A row's pool is every essay whose candidate score reaches the row's edge. Only the
    changed and removed essays' scores moved, so where each of them is above the edge
    both before and after, or below it both times, the pool and its edge are as they
    were: the changed essays in it are merged into the old neighbours. Otherwise (one
    crossed the edge, or is at it) the row is found whole. Scores within a rounding step
    of the edge count as at it, so a last digit summed in another order changes nothing."""
    removed = np.array([at for at, slug in enumerate(state.slugs) if slug not in prepared.index],
                       dtype=np.int64)
    before = old.position[targets]
    # Columns: the changed essays, then the removed ones (no score now).
    essays = len(targets) + len(removed)
    now = candidate_scores(prepared, heaviest(prepared.texts.matrix[targets],
                                              prepared.options.candidate_terms))
    now = sparse.csr_matrix((now.data, now.indices, now.indptr), shape=(now.shape[0], essays))
    then_at = np.concatenate((np.flatnonzero(before >= 0), len(targets) + np.arange(len(removed))))
    then_rows = heaviest(state.texts.matrix[np.concatenate((before[before >= 0], removed))],
                         prepared.options.candidate_terms)
    then = candidate_scores(prepared,
                            _in_columns(state.texts, then_rows, prepared.texts.terms))
    then = sparse.csr_matrix((then.data, then_at[then.indices], then.indptr),
                             shape=(then.shape[0], essays))
    # Each pair scored either time: its score before and now.
    pairs, (was, is_now) = _aligned([then.tocoo(), now.tocoo()], essays)
    rows, columns = pairs // essays, pairs % essays
    edge = old.edges[rows]
    near_edge = (np.abs(was - edge) <= EDGE_SLACK) | (np.abs(is_now - edge) <= EDGE_SLACK)
    in_before, in_now = was > edge, is_now > edge
    altered = np.zeros(len(old.have), dtype=bool)
    altered[rows[near_edge | (in_before != in_now)]] = True
    kept = in_now & ~near_edge
    allowed = sparse.csr_matrix((np.ones(int(kept.sum())), (rows[kept], columns[kept])),
                                shape=(len(old.have), essays))[:, :len(targets)].tocsr()
    return altered, allowed


def _aligned(matrices: list[sparse.coo_matrix], width: int
             ) -> tuple[np.ndarray, list[np.ndarray]]:
    """The (row x ``width`` + column) of every entry of any of ``matrices`` (of one
    shape), in order, and each matrix's value there (0 where it has none)."""
    keys = [m.row.astype(np.int64) * width + m.col for m in matrices]
    pairs = np.unique(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.int64)
    values = []
    for key, matrix in zip(keys, matrices, strict=True):
        value = np.zeros(len(pairs))
        value[np.searchsorted(pairs, key)] = matrix.data
        values.append(value)
    return pairs, values


def _merge_changed(prepared: Prepared, old: _OldRows, targets: np.ndarray,
                   others: np.ndarray, allowed: sparse.csr_matrix | None = None) -> set[int]:
    """Merge the changed essays' new scores into the neighbours of the rows ``others``
    (kept whole otherwise); return the rows that moved. ``allowed``, with candidates: for
    each of ``others``, the changed essays in its pool (no other may enter)."""
    if not len(others):
        return set()
    keep, recency = width(prepared.options), prepared.recency
    texts, ids, scores = prepared.texts.matrix, old.ids, old.scores
    against = (texts[others] @ texts[targets].T).tocsr()
    against.data = np.round(against.data, 6)
    if allowed is not None:
        against = against.multiply(allowed).tocsr()
    against.eliminate_zeros()
    # A changed essay enters a full row only by scoring at least its last score.
    best_new = against.max(axis=1).toarray().ravel() if against.nnz else np.zeros(len(others))
    enters = np.where(old.full[others], best_new >= scores[others, keep - 1], best_new > 0)
    moved = set()
    for row in np.flatnonzero(enters | old.bad[others].any(axis=1)).tolist():
        i = int(others[row])
        at = slice(against.indptr[row], against.indptr[row + 1])
        new_ids = targets[against.indices[at]]
        new_ids, new_scores = new_ids[new_ids != i], against.data[at][new_ids != i]
        good = (ids[i] >= 0) & ~old.bad[i]
        columns = np.concatenate((ids[i][good], new_ids))
        values = np.concatenate((scores[i][good], new_scores))
        chosen = best_of(columns, values, recency, keep)
        value = dict(zip(columns.tolist(), values.tolist(), strict=True))
        before = (ids[i].copy(), scores[i].copy())
        ids[i], scores[i] = -1, 0.0
        ids[i, :len(chosen)] = chosen
        scores[i, :len(chosen)] = [value[j] for j in chosen]
        if not (np.array_equal(before[0], ids[i]) and np.array_equal(before[1], scores[i])):
            moved.add(i)
    return moved


def _in_columns(old: Vectors, rows: sparse.csr_matrix, terms: list[str]) -> sparse.csr_matrix:
    """``rows`` of ``old``'s columns in the columns of ``terms`` (a term no longer there
    is dropped: no essay holds it now)."""
    columns = column_map(old.terms, terms)
    picked = rows.tocoo()
    kept = columns[picked.col] >= 0
    return sparse.csr_matrix((picked.data[kept], (picked.row[kept], columns[picked.col[kept]])),
                             shape=(rows.shape[0], max(1, len(terms))))


def _all_neighbours(prepared: Prepared) -> set[int]:
    prepared.neighbours = neighbours_of(prepared, np.arange(len(prepared.ordered)))
    return set(range(len(prepared.ordered)))
