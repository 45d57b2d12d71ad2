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
        # The rows holding each column (related_neighbours.exact_work), once counted.
        self.held: np.ndarray | None = None
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
    if old_terms is terms or old_terms == terms:  # the same columns: no term to look up
        return np.arange(len(terms), dtype=np.int64)
    position = {term: n for n, term in enumerate(terms)}
    return np.fromiter((position.get(term, missing) for term in old_terms), dtype=np.int64,
                       count=len(old_terms))


SPLICE_RUNS = 4096  # past this many runs of rows, rows are picked one by one


def spliced(old: sparse.csr_matrix, sources: np.ndarray, fresh: sparse.csr_matrix,
            width: int, moved: np.ndarray | None = None) -> sparse.csr_matrix:
    """Rows of ``old`` and ``fresh``: row i is ``old``'s row ``sources[i]`` (its columns
    put through ``moved``, if given) where that is >= 0, else the next row of ``fresh``.
    After a few changes the rows are a few long runs: each run is copied as one slice, so
    the whole is copied once."""
    kept = sources >= 0
    lengths = np.zeros(len(sources), dtype=np.int64)
    lengths[kept] = np.diff(old.indptr)[sources[kept]]
    lengths[~kept] = np.diff(fresh.indptr)
    pointers = np.concatenate(([0], np.cumsum(lengths)))
    breaks = np.flatnonzero((kept[1:] != kept[:-1]) |
                            (kept[1:] & (sources[1:] != sources[:-1] + 1))) + 1
    starts, ends = np.concatenate(([0], breaks)), np.concatenate((breaks, [len(sources)]))
    if len(sources) == 0 or len(starts) > SPLICE_RUNS:
        return _picked(old, sources, fresh, width, moved)
    data, indices, taken = [], [], 0
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        if kept[start]:
            piece = slice(old.indptr[sources[start]], old.indptr[sources[end - 1] + 1])
            data.append(old.data[piece])
            indices.append(old.indices[piece] if moved is None else moved[old.indices[piece]])
        else:
            piece = slice(fresh.indptr[taken], fresh.indptr[taken + end - start])
            data.append(fresh.data[piece])
            indices.append(fresh.indices[piece])
            taken += end - start
    kind = np.int32 if max(pointers[-1], width) < 2**31 else np.int64
    return sparse.csr_matrix((np.concatenate(data),
                              np.concatenate(indices).astype(kind, copy=False),
                              pointers.astype(kind)), shape=(len(sources), width))


def _picked(old: sparse.csr_matrix, sources: np.ndarray, fresh: sparse.csr_matrix,
            width: int, moved: np.ndarray | None) -> sparse.csr_matrix:
    """:func:`spliced` for rows in many short runs: all rows stacked, then put in order."""
    kept = sources >= 0
    taken = old[sources[kept]].tocoo()
    columns = taken.col if moved is None else moved[taken.col]
    stacked = sparse.vstack([sparse.csr_matrix((taken.data, (taken.row, columns)),
                                               shape=(int(kept.sum()), width)),
                             sparse.csr_matrix(fresh, shape=(fresh.shape[0], width))]).tocsr()
    order = np.empty(len(sources), dtype=np.int64)
    order[np.flatnonzero(kept)] = np.arange(int(kept.sum()))
    order[np.flatnonzero(~kept)] = int(kept.sum()) + np.arange(int((~kept).sum()))
    return stacked[order]
