"""Sparse vectors of the essays, one row each: what related posts compare."""

from __future__ import annotations

import numpy as np
from scipy import sparse


class Vectors:
    """Unit-length sparse rows, one per document, and the term of each column."""

    def __init__(self, matrix: sparse.csr_matrix, terms: list[str],
                 has_text: np.ndarray | None = None, idf: np.ndarray | None = None,
                 words: list[str] | None = None, df: np.ndarray | None = None,
                 numbers: np.ndarray | None = None) -> None:
        self.matrix, self.terms, self.idf = matrix, terms, idf
        self.words = words  # the word shown for each column's term, when known
        # Text vectors made from term counts: the essays holding each column's term, and
        # the term's number in the term-count cache (analysis.TermCache), so that the
        # next build can weigh a few changed essays' counts in and out
        # (related_texts_update.py).
        self.df, self.numbers = df, numbers
        # Rows with any words before pruning; an essay of only stop words has none.
        self.has_text = has_text if has_text is not None else np.diff(matrix.indptr) > 0

    def as_dicts(self) -> list[dict[str, float]]:
        rows = []
        for i in range(self.matrix.shape[0]):
            row = self.matrix.getrow(i)
            rows.append({self.terms[j]: float(w) for j, w in zip(row.indices, row.data,
                                                                 strict=True)})
        return rows


def entries_by_row(matrix: sparse.csr_matrix, columns: np.ndarray) -> np.ndarray:
    """How many entries each row of ``matrix`` has in the columns masked in ``columns``
    (found from the entries' positions: no array of a row number per entry is made, which
    at 100,000 essays is hundreds of megabytes)."""
    at = np.flatnonzero(columns[matrix.indices])
    rows = np.searchsorted(matrix.indptr, at, side="right") - 1
    return np.bincount(rows, minlength=matrix.shape[0])


def rows_of(matrix: sparse.csr_matrix, rows: np.ndarray) -> sparse.csr_matrix:
    """``matrix[rows]``, copied a run of consecutive rows at a time: after a few changes
    the rows kept are a few long runs, and a slice is copied far faster than rows picked
    one by one."""
    runs = [run for run in np.split(rows, np.flatnonzero(np.diff(rows) != 1) + 1) if len(run)]
    if len(runs) > 64:  # many short runs: picking rows is as fast
        return matrix[rows]
    pieces = [slice(matrix.indptr[run[0]], matrix.indptr[run[-1] + 1]) for run in runs]
    data = np.concatenate([matrix.data[piece] for piece in pieces] or [np.zeros(0)])
    indices = np.concatenate([matrix.indices[piece] for piece in pieces] or
                             [np.zeros(0, dtype=matrix.indices.dtype)])
    lengths = np.diff(matrix.indptr)[rows]
    return sparse.csr_matrix((data, indices, np.concatenate(([0], np.cumsum(lengths)))),
                             shape=(len(rows), matrix.shape[1]))


def column_map(old_terms: list[str], terms: list[str], missing: int = -1) -> np.ndarray:
    """Each of ``old_terms``' column among ``terms`` (``missing`` for one no longer there):
    vectors kept by an earlier build, put in this build's columns."""
    position = {term: n for n, term in enumerate(terms)}
    return np.fromiter((position.get(term, missing) for term in old_terms), dtype=np.int64,
                       count=len(old_terms))
