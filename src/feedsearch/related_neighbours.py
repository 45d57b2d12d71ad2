"""Each essay's neighbours: the essays with its best text scores (the cosine of the word,
link and author vectors), which the related lists are made from (related_lists.py).

Two ways, one chosen for the whole archive by how much work the exact one is:

- **Exact**: every essay's vector against everyone's, through sparse_dot_topn's
  multiplication, which keeps each row's best few (in threads, never a whole row of
  products). Its work is the sum, over terms, of the square of the essays holding the
  term; below ``exact_work`` multiply-adds (the default takes about 15 s on two cores)
  this is what runs, which covers real archives of tens of thousands of essays.
- **Candidates**, above that: each essay's ``candidate_terms`` strongest terms against
  everyone's give its ``candidate_pool`` likeliest neighbours, and those are scored
  exactly (all their terms), best kept. An essay can be missed only if it shares little
  of either essay's strongest words; bench/related_quality.py compares the two ways on
  the same archives. An essay's candidates depend only on its own vector and the others'
  strongest terms. Each row keeps the edge of its pool (the lowest candidate score that
  got in), so that a rebuild can tell the rows whose pool a change left as it was
  (related_update.py).

Rows are ordered by score, then newer, then slug; scores are rounded to six places so
that a score computed in a different block, or as part of a merge, is the same number.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from . import interrupts, related_processes
from .related_processes import in_parts
from .settings import RelatedOptions

if TYPE_CHECKING:
    from .related_lists import Prepared
    from .vectors import Vectors

NEIGHBOUR_BLOCK = 4096  # rows per multiplication
TIE_SLACK = 8  # scores asked for beyond those kept, to see where ties end


@dataclass
class Neighbours:
    """Each essay's best text scores, best first: the positions of the essays (-1 where
    a row has fewer) and the scores."""

    ids: np.ndarray  # (essays, width) int64
    scores: np.ndarray  # (essays, width) float64
    # From candidates: each row's pool edge, the lowest candidate score in its pool, or 0
    # when fewer than ``candidate_pool`` essays scored above 0 (all of them are in it).
    edges: np.ndarray | None = None

    def matrix(self) -> sparse.csr_matrix:
        """The scores as a sparse essays-by-essays matrix."""
        n = self.ids.shape[0]
        present = self.ids >= 0
        pointers = np.concatenate(([0], np.cumsum(present.sum(axis=1))))
        matrix = sparse.csr_matrix((self.scores[present], self.ids[present], pointers),
                                   shape=(n, n))
        matrix.sort_indices()
        return matrix


def width(options: RelatedOptions) -> int:
    """How many scores each essay keeps: enough for a list, and for smoothing."""
    return max(options.candidates, options.limit, options.neighbours)


def exact_work(texts: Vectors) -> float:
    """The multiply-adds of the exact search: over terms, essays holding it, squared.
    The counts are kept with the vectors (a rebuild updates them: related_texts_update)."""
    if texts.held is None:
        texts.held = np.bincount(texts.matrix.indices, minlength=texts.matrix.shape[1])
    held = texts.held.astype(np.float64)
    return float(held @ held)


def by_candidates(prepared: Prepared) -> bool:
    """Whether this archive's neighbours come from candidates (see the module); found
    once (it counts every entry of the vectors)."""
    if prepared.candidates is None:
        prepared.candidates = exact_work(prepared.texts) > prepared.options.exact_work
    return prepared.candidates


def neighbours_of(prepared: Prepared, rows: np.ndarray) -> Neighbours:
    """The neighbour rows of the essays at ``rows``."""
    rows = np.asarray(rows, dtype=np.int64)
    way = _exact
    if by_candidates(prepared):
        strongest_terms(prepared)  # made once, before any worker is forked
        way = _from_candidates
    parts = in_parts(prepared, rows, way)
    keep = width(prepared.options)
    edges = None
    if way is _from_candidates:
        edges = np.concatenate([part.edges for part in parts]) if parts else np.zeros(0)
    return Neighbours(
        np.concatenate([part.ids for part in parts]) if parts else np.zeros((0, keep), int),
        np.concatenate([part.scores for part in parts]) if parts else np.zeros((0, keep)),
        edges)


def _exact(prepared: Prepared, rows: np.ndarray) -> Neighbours:
    """Each row's best scores, from the top-n multiplication."""
    keep = width(prepared.options)
    texts = prepared.texts.matrix
    table = _Table(len(rows), keep, prepared.recency)
    for position, _, columns, values in _best_scores(texts, rows, keep):
        table.put(position, columns, values)
    return table.done()


def _from_candidates(prepared: Prepared, rows: np.ndarray) -> Neighbours:
    """Each row's best scores among its candidates, scored with every term."""
    keep, pool = width(prepared.options), prepared.options.candidate_pool
    texts = prepared.texts.matrix
    table = _Table(len(rows), keep, prepared.recency)
    edges = np.zeros(len(rows))
    scratch = _Scratch(texts)
    for position, i, columns, values in _best_scores(strongest_terms(prepared), rows, pool):
        if len(values) >= pool:  # the pool, ties at its edge kept whole
            edge = np.partition(values, len(values) - pool)[len(values) - pool]
            columns, edges[position] = columns[values >= edge], edge
        table.put(position, columns, _exact_scores(texts, i, columns, scratch))
    return replace(table.done(), edges=edges)


def candidate_scores(prepared: Prepared, strongest_of_others: sparse.csr_matrix
                     ) -> sparse.csr_matrix:
    """Every essay's candidate score (rounded as the pools' are) against each row of
    ``strongest_of_others`` (strongest terms, in this archive's columns): essays by rows."""
    scores = (strongest_terms(prepared) @ strongest_of_others.T).tocsr()
    scores.data = np.round(scores.data, 6)
    scores.eliminate_zeros()
    return scores


def _best_scores(vectors: sparse.csr_matrix, rows: np.ndarray, wanted: int):
    """For each of ``rows`` (its place among them, its position, columns, scores): at
    least its ``wanted`` best positive scores against the other rows of ``vectors``, from
    sparse_dot_topn's multiplication, which keeps only each row's best few (in threads,
    never a whole row of products). A few more are asked for, so that ties can be ordered
    by the caller; a row whose last score ties with the ``wanted``-th is given whole."""
    from sparse_dot_topn import sp_matmul_topn

    asked = wanted + 1 + TIE_SLACK  # the essay itself is among its best
    transposed = vectors.T.tocsr()
    for start in range(0, len(rows), NEIGHBOUR_BLOCK):
        interrupts.check()
        block = rows[start:start + NEIGHBOUR_BLOCK]
        product = sp_matmul_topn(vectors[block], transposed, top_n=asked, threshold=0.0,
                                 n_threads=_threads())
        for row, i in enumerate(block.tolist()):
            at = slice(product.indptr[row], product.indptr[row + 1])
            columns, values = _positive(product.indices[at], product.data[at], i)
            if at.stop - at.start == asked and len(values) >= wanted and \
                    np.sort(values)[-wanted] == values.min():
                columns, values = _positive(*_whole_row(vectors[i], transposed), i)
            yield start + row, i, columns, values


def strongest_terms(prepared: Prepared) -> sparse.csr_matrix:
    """Each essay's ``candidate_terms`` heaviest entries (ties by column), kept by the
    prepared archive once made."""
    if prepared.strongest is None:
        prepared.strongest = heaviest(prepared.texts.matrix, prepared.options.candidate_terms)
    return prepared.strongest


def heaviest(matrix: sparse.csr_matrix, keep: int) -> sparse.csr_matrix:
    """Each row's ``keep`` largest entries, the rest dropped; of equal entries at the edge,
    those of the lowest columns (rows must hold their columns in order)."""
    matrix = matrix.tocsr()
    lengths = np.diff(matrix.indptr)
    long = np.flatnonzero(lengths > keep)
    if not len(long):
        return matrix
    data, pointers = matrix.data, matrix.indptr
    kept = np.ones(len(data), dtype=bool)
    for row in long.tolist():
        start, end = pointers[row], pointers[row + 1]
        values = data[start:end]
        edge = np.partition(values, len(values) - keep)[len(values) - keep]
        chosen = values > edge
        chosen[np.flatnonzero(values == edge)[:keep - int(chosen.sum())]] = True
        kept[start:end] = chosen
    pointers = np.concatenate(([0], np.cumsum(np.minimum(lengths, keep))))
    return sparse.csr_matrix((data[kept], matrix.indices[kept], pointers), shape=matrix.shape)


def _exact_scores(texts: sparse.csr_matrix, i: int, columns: np.ndarray,
                  scratch: _Scratch) -> np.ndarray:
    """Essay i's scores against the essays at ``columns``, with every term. The entries
    of all those rows are gathered into buffers kept between calls: a fresh array of
    that size for every essay made the allocator give pages back and fault them in
    again, three times the work at 100,000 essays."""
    if not len(columns):
        return np.zeros(0)
    indptr, indices, data = texts.indptr, texts.indices, texts.data
    starts = indptr[columns]
    lengths = indptr[columns + 1] - starts
    filled = lengths > 0
    scores = np.zeros(len(columns))
    if not filled.any():
        return scores
    starts, lengths = starts[filled], lengths[filled]
    offsets = np.cumsum(lengths) - lengths
    total = int(offsets[-1] + lengths[-1])
    at, columns_at, weights, products = scratch.buffers(total)
    # The positions of every entry of those rows: runs of consecutive numbers, made as
    # the running sum of steps (1 within a run, a jump to the next row's start between).
    at[:] = 1
    at[0] = starts[0]
    at[offsets[1:]] = starts[1:] - (starts[:-1] + lengths[:-1]) + 1
    np.cumsum(at, out=at)
    np.take(indices, at, out=columns_at, mode="clip")  # "raise" would copy through a buffer
    np.take(data, at, out=weights, mode="clip")
    mine = indices[indptr[i]:indptr[i + 1]]
    dense = scratch.dense
    dense[mine] = data[indptr[i]:indptr[i + 1]]
    np.take(dense, columns_at, out=products, mode="clip")
    dense[mine] = 0.0
    np.multiply(products, weights, out=products)
    scores[filled] = np.add.reduceat(products, offsets)
    return np.round(scores, 6)


class _Scratch:
    """Buffers for :func:`_exact_scores`, grown as needed and reused."""

    def __init__(self, texts: sparse.csr_matrix) -> None:
        self.dense = np.zeros(texts.shape[1], dtype=np.float64)
        self.index_type = texts.indices.dtype
        self.size = 0

    def buffers(self, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if size > self.size:
            self.size = max(size, 2 * self.size)
            self.at = np.empty(self.size, dtype=np.int64)
            self.columns = np.empty(self.size, dtype=self.index_type)
            self.weights = np.empty(self.size, dtype=np.float64)
            self.products = np.empty(self.size, dtype=np.float64)
        return (self.at[:size], self.columns[:size], self.weights[:size],
                self.products[:size])


class _Table:
    """Rows of neighbours filled one at a time."""

    def __init__(self, rows: int, keep: int, recency: np.ndarray) -> None:
        self.keep, self.recency = keep, recency
        self.ids = np.full((rows, keep), -1, dtype=np.int64)
        self.scores = np.zeros((rows, keep), dtype=np.float64)

    def put(self, row: int, columns: np.ndarray, values: np.ndarray) -> None:
        wanted = values > 0
        columns, values = columns[wanted], values[wanted]
        chosen, chosen_scores = best_scored(columns, values, self.recency, self.keep)
        if chosen:
            self.ids[row, :len(chosen)] = chosen
            self.scores[row, :len(chosen)] = chosen_scores

    def done(self) -> Neighbours:
        return Neighbours(self.ids, self.scores)


def _positive(columns: np.ndarray, values: np.ndarray, i: int) -> tuple[np.ndarray, np.ndarray]:
    """Scores above zero against essays other than i, rounded to six places."""
    values = np.round(values, 6)
    wanted = (values > 0) & (columns != i)
    return columns[wanted].astype(np.int64), values[wanted]


def _whole_row(row: sparse.csr_matrix,
               transposed: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Every score of one row against all."""
    product = (row @ transposed).tocsr()
    return product.indices, product.data


def _threads() -> int | None:
    """The cores this process may use; None (no threads) for one, or in a worker (its
    build runs one per core)."""
    if related_processes.in_worker():
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        (os.cpu_count() or 1)
    return cores if cores > 1 else None


def best_of(columns: np.ndarray, scores: np.ndarray, recency: np.ndarray,
            wanted: int) -> list[int]:
    """The ``wanted`` best of ``columns``: by score, then newer, then position."""
    return best_scored(columns, scores, recency, wanted)[0]


def best_scored(columns: np.ndarray, scores: np.ndarray, recency: np.ndarray,
                wanted: int) -> tuple[list[int], list[float]]:
    """As :func:`best_of`, with each one's score."""
    if not wanted or not len(columns):
        return [], []
    if len(columns) > wanted:  # only those that can be among the best: ties kept whole
        threshold = np.partition(scores, len(scores) - wanted)[len(scores) - wanted]
        near = scores >= threshold
        columns, scores = columns[near], scores[near]
    order = np.lexsort((columns, -recency[columns], -scores))[:wanted]
    return columns[order].tolist(), scores[order].tolist()
