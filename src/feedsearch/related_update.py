"""Related posts after a few essays change: only the lists they can affect are computed
again, and the result is exactly what computing every list would give.

A changed essay changes its own vector and, through the weight of each term it gained or
lost, the vectors of the essays that use those terms (and likewise for tags): call those
rows *changed*. A score between two unchanged rows is unchanged, so:

- an unchanged essay's neighbours (related_lists.py) are its old ones merged with its
  scores against the changed rows, unless they held a changed or removed essay and were
  full (the next best is unknown): those, and the changed rows', are found whole. With
  neighbours from candidates, only the changed essays in a row's pool are merged, and a
  row whose pool the change may have altered is found whole (:func:`_pools`);
- an essay's list depends on its own neighbours and its closest neighbours' (smoothing):
  where any of those moved, and for the changed rows, a list is computed whole, as it is
  where the old list held a changed or removed essay or was short, and for lists with pins
  or exclusions. Every other list is its old list merged with its new scores against the
  changed rows.

The state this needs (each row's vectors, neighbours and identity) is kept in the document
store by :func:`state_of`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .collection import without_collection
from .model import Document
from .related import (
    Prepared,
    RelatedOptions,
    TermCache,
    Vectors,
    column_counts,
    filled,
    prepare,
)
from .related_lists import BLOCK_ROWS, closeness, lists_for, smoothing, text_scores
from .related_neighbours import (
    Neighbours,
    best_of,
    best_scored,
    by_candidates,
    candidate_scores,
    heaviest,
    neighbours_of,
    strongest_terms,
    width,
)
from .related_why import Explainer
from .vectors import entries_by_row

# An update compares its changed rows with every essay only while that makes at most this
# many pairs per essay of the archive (or PAIR_BUDGET_LEAST): beyond it, finding every
# essay's neighbours afresh is quicker and smaller (_pairs_over_budget).
PAIR_BUDGET_PER_ESSAY = 40
PAIR_BUDGET_LEAST = 1_000_000

# Candidate scores are rounded to six places; one computed with its terms summed in another
# order may differ in the last of them.
EDGE_SLACK = 2e-6


@dataclass
class RelatedState:
    """What a build's related map was computed from, for the next build to compare with."""

    options: str
    slugs: list[str]
    identities: list[str]
    texts: Vectors
    tags: Vectors | None
    neighbours: Neighbours | None = None
    by_candidates: bool = False  # how the neighbours were found (related_neighbours.py)
    stored: dict[str, bytes] | None = None  # the store's rows it was loaded from, if any
    # With candidates: each essay's strongest terms (related_neighbours.strongest_terms).
    strongest: sparse.csr_matrix | None = None


def identity(document: Document) -> str:
    """What a list entry and the scores take from an essay besides its vectors."""
    return f"{document.content_hash}|{document.url}|{document.title}|" \
           f"{document.date.isoformat() if document.date else ''}|{'|'.join(document.tags)}"


def state_of(prepared: Prepared, earlier: RelatedState | None = None) -> RelatedState:
    """The state to keep; ``earlier``, the one it replaces (the store writes only what
    changed)."""
    return RelatedState(repr(prepared.options), [d.slug for d in prepared.ordered],
                        [identity(d) for d in prepared.ordered], prepared.texts,
                        prepared.tags, prepared.neighbours, by_candidates(prepared),
                        earlier.stored if earlier is not None else None, prepared.strongest)


def update_related(documents: list[Document], options: RelatedOptions,
                   term_counts: TermCache | None, previous: dict[str, list[dict]] | None,
                   state: RelatedState | None) -> tuple[dict[str, list[dict]], RelatedState]:
    """The related map of ``documents``, reusing the ``previous`` map where it still holds.
    Returns the map, in slug order, and the state to keep for the next build."""
    usable = previous is not None and state is not None and state.options == repr(options)
    recomputed: list[np.ndarray] = []  # the text rows not taken from ``state``
    with without_collection():  # arrays, and a row of counts per essay: nothing cyclic
        rows_from = _earlier_rows(documents, state, recomputed) if usable else None
        prepared = prepare(documents, options, term_counts, rows_from)
    ordered = prepared.ordered
    if not usable or (state.tags is None) != (prepared.tags is None) or \
            state.neighbours is None:
        return lists_for(prepared, range(len(ordered))), state_of(prepared, state)
    changed = _changed_rows(prepared, state, recomputed[0] if recomputed else None)
    changed_slugs = {ordered[i].slug for i in changed}
    gone = set(state.slugs) - set(prepared.index)
    stale = changed_slugs | gone
    moved = _update_neighbours(prepared, state, changed)
    near = prepared.neighbours.ids[:, :options.neighbours]
    whole = set(changed) | moved
    if moved:
        moved_array = np.fromiter(moved, dtype=np.int64, count=len(moved))
        whole |= set(np.flatnonzero(np.isin(near, moved_array).any(axis=1)).tolist())
    for i, document in enumerate(ordered):
        old = previous.get(document.slug)
        if old is None or len(old) < options.limit or document.related_pins or \
                document.related_exclude or any(e["score"] <= options.min_score for e in old) \
                or any(e["slug"] in stale for e in old):
            whole.add(i)
    if 2 * len(whole) > len(ordered):  # merging the rest costs more than making them
        return lists_for(prepared, range(len(ordered))), state_of(prepared, state)
    result = lists_for(prepared, sorted(whole))
    kept = [i for i in range(len(ordered)) if i not in whole]
    result.update(_merged(prepared, kept, sorted(changed), previous))
    return {d.slug: result[d.slug] for d in ordered}, state_of(prepared, state)


def _update_neighbours(prepared: Prepared, state: RelatedState, changed: list[int]) -> set[int]:
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
    columns = _column_map(state.texts.terms, prepared.texts.terms)
    taken = _rows_of(state.strongest, old.position[keep])
    if (columns[taken.indices] < 0).any():
        return  # a term gone from the vocabulary: found whole
    lengths = np.zeros(len(keep), dtype=np.int64)
    lengths[keep] = np.diff(taken.indptr)
    kept = sparse.csr_matrix((taken.data, columns[taken.indices],
                              np.concatenate(([0], np.cumsum(lengths)))),
                             shape=prepared.texts.matrix.shape)
    missing = np.flatnonzero(~keep)
    fresh = heaviest(prepared.texts.matrix[missing], prepared.options.candidate_terms)
    prepared.strongest = filled(kept, missing, fresh)


def _column_map(old_terms: list[str], terms: list[str]) -> np.ndarray:
    """Each old term's column among ``terms`` (-1: no longer there)."""
    position = {term: n for n, term in enumerate(terms)}
    return np.fromiter((position.get(term, -1) for term in old_terms), dtype=np.int64,
                       count=len(old_terms))


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
    position = {term: n for n, term in enumerate(terms)}
    columns = np.fromiter((position.get(term, -1) for term in old.terms), dtype=np.int64,
                          count=len(old.terms))
    picked = rows.tocoo()
    kept = columns[picked.col] >= 0
    return sparse.csr_matrix((picked.data[kept], (picked.row[kept], columns[picked.col[kept]])),
                             shape=(rows.shape[0], max(1, len(terms))))


def _all_neighbours(prepared: Prepared) -> set[int]:
    prepared.neighbours = neighbours_of(prepared, np.arange(len(prepared.ordered)))
    return set(range(len(prepared.ordered)))


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
        missing = np.zeros(counts.shape[0], dtype=bool)
        missing[entries_by_row(counts, idf != old_idf) > 0] = True
        sources = np.full(len(ordered), -1, dtype=np.int64)
        for i, document in enumerate(ordered):
            known = identities.get(document.slug)
            if known is not None and known[1] == identity(document):
                sources[i] = known[0]
        missing |= sources < 0
        taken = _rows_of(old.matrix, sources[~missing])
        if not np.array_equal(columns, np.arange(len(terms))):  # terms came or went
            if (columns < 0).any() and (columns[taken.indices] < 0).any():
                return None  # a term the new vocabulary lacks: compute everything
            taken.indices = columns[taken.indices]
        lengths = np.zeros(len(ordered), dtype=np.int64)
        lengths[~missing] = np.diff(taken.indptr)
        matrix = sparse.csr_matrix(
            (taken.data, taken.indices, np.concatenate(([0], np.cumsum(lengths)))),
            shape=(len(ordered), len(terms)))
        recomputed.append(np.flatnonzero(missing))
        return matrix, recomputed[0]

    return rows_from


def _rows_of(matrix: sparse.csr_matrix, rows: np.ndarray) -> sparse.csr_matrix:
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


def _scoring_against(prepared: Prepared, targets: np.ndarray) -> np.ndarray:
    """Which essays may score above 0 against one of ``targets``: any other keeps its list
    as it was. A text score needs a target among the essay's own neighbours or its
    closest neighbours' (smoothing); a tag score, a tag shared. With a date weight every
    pair scores, and with a minimum score below 0 a score of 0 counts."""
    options, ids = prepared.options, prepared.neighbours.ids
    if options.date_weight or options.min_score < 0:
        return np.ones(len(ids), dtype=bool)
    scoring = np.isin(ids, targets).any(axis=1)
    if smoothing(options):
        scoring |= np.isin(ids[:, :options.neighbours], np.flatnonzero(scoring)).any(axis=1)
    if prepared.tags is not None and options.tag_weight:
        tags = prepared.tags.matrix
        scoring |= np.diff((tags @ tags[targets].T).tocsr().indptr) > 0
    return scoring


def _merged(prepared: Prepared, rows: list[int], changed: list[int],
            previous: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Unchanged essays' lists: the old entries and the changed rows, best first."""
    options, ordered, index = prepared.options, prepared.ordered, prepared.index
    recency, days = prepared.recency, prepared.days
    result: dict[str, list[dict]] = {}
    if not changed:
        return {ordered[i].slug: previous[ordered[i].slug] for i in rows}
    targets = np.array(changed, dtype=np.int64)
    scoring = _scoring_against(prepared, targets)
    result = {ordered[i].slug: previous[ordered[i].slug] for i in rows if not scoring[i]}
    rows = [i for i in rows if scoring[i]]
    table = prepared.neighbours.matrix()
    explain = Explainer(prepared)
    tags = prepared.tags.matrix if prepared.tags is not None and options.tag_weight else None
    tags_t = tags[targets].T.tocsr() if tags is not None else None
    newest = np.nan_to_num(days, nan=-np.inf)  # an undated essay is never newer
    for start in range(0, len(rows), BLOCK_ROWS):
        block = np.array(rows[start:start + BLOCK_ROWS], dtype=np.int64)
        scores = options.text_weight * text_scores(prepared, table, block, targets).toarray()
        if tags is not None:
            scores += options.tag_weight * (tags[block] @ tags_t).toarray()
        if options.date_weight:
            scores += options.date_weight * closeness(days[block, None], days[None, targets],
                                                      options)
        scores = np.round(scores, 4)
        for row, i in enumerate(block):
            document = ordered[i]
            old = previous[document.slug]
            if old and scores[row].max() < old[-1]["score"]:  # no changed essay can enter
                result[document.slug] = old
                continue
            candidates = [(e["score"], index[e["slug"]], e) for e in old]
            eligible = (scores[row] > options.min_score) & (targets != i)
            if not options.include_newer and not np.isnan(days[i]):
                eligible &= ~(newest[targets] > days[i])
            # Of the changed essays, only the best ``limit`` can be on the list.
            chosen, chosen_scores = best_scored(targets[eligible], scores[row][eligible],
                                                recency, options.limit)
            candidates += [(score, j, None) for j, score in zip(chosen, chosen_scores,
                                                                strict=True)]
            candidates.sort(key=lambda c: (-c[0], -recency[c[1]], c[1]))
            result[document.slug] = [
                kept if kept is not None else explain(int(i), j, score)
                for score, j, kept in candidates[:options.limit]]
    return result
