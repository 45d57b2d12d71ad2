"""Each essay's list of related essays, from the vectors related.py prepares.

Two steps, each near linear in the archive:

1. **Neighbours**: each essay's ``candidates`` best text scores (the cosine of the word,
   link and author vectors), from the sparse product of its vector with everyone's, so
   only essays that share a term with it are ever looked at.
2. **Lists**: an essay's text score against another is ``(1 - smoothing)`` times its own
   score plus ``smoothing`` times the scores its ``neighbours`` closest essays give that
   other, weighted by how close each is (a second-order smoothing: two essays that the
   same essays resemble are alike even where their own words differ). Then the tags they
   share, and closeness in time when a date weight is set (every pair scores then, so
   whole rows are computed).

An essay that shares nothing gets the essays nearest in time, found by walking outward
from it in date order. The order of a list: score, then newer, then slug (an essay's
position in slug order).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from . import interrupts
from .collection import without_collection
from .model import Document
from .related_neighbours import Neighbours, best_scored, neighbours_of
from .related_processes import in_parts
from .related_why import Explainer
from .settings import RelatedOptions
from .vectors import Vectors

BLOCK_ROWS = 256


@dataclass
class Prepared:
    """Everything the lists are computed from: essays in slug order, their text and tag
    vectors, and their days since 1970 (NaN when undated)."""

    ordered: list[Document]
    index: dict[str, int]
    texts: Vectors
    tags: Vectors | None
    days: np.ndarray
    options: RelatedOptions
    has_text: np.ndarray  # essays with words to compare (a list is owed to each)
    neighbours: Neighbours | None = None  # made by lists_for when not given
    strongest: sparse.csr_matrix | None = None  # related_neighbours.strongest_terms
    processes: int = 1  # how many to share the work (related_processes.py)
    picker: _Picker | None = None  # made by the first lists computed from the neighbours
    candidates: bool | None = None  # related_neighbours.by_candidates, once found

    @property
    def recency(self) -> np.ndarray:
        """Rank key for ties: newer first, then slug (the order of ``ordered``)."""
        return np.nan_to_num(self.days, nan=-1e9)


def smoothing(options: RelatedOptions) -> float:
    return 0.0 if options.plain_tfidf or not options.neighbours else options.smoothing


def text_scores(prepared: Prepared, table: sparse.csr_matrix, block: np.ndarray,
                columns: np.ndarray | None = None) -> sparse.csr_matrix:
    """The smoothed text scores of the essays in ``block`` against every essay (or the
    essays at ``columns``), as sparse rows; ``table`` is the neighbours' matrix."""
    options = prepared.options
    own = table[block]
    alpha = smoothing(options)
    if alpha:
        near = prepared.neighbours
        count = options.neighbours
        ids, weights = near.ids[block, :count], near.scores[block, :count]
        present = ids >= 0
        totals = weights.sum(axis=1, keepdims=True)
        totals[totals == 0] = 1.0
        pointers = np.concatenate(([0], np.cumsum(present.sum(axis=1))))
        closest = sparse.csr_matrix(((weights / totals)[present], ids[present], pointers),
                                    shape=(len(block), table.shape[0]))
        if columns is not None:
            return (1 - alpha) * own[:, columns] + alpha * (closest @ table[:, columns])
        return ((1 - alpha) * own + alpha * (closest @ table)).tocsr()
    return own[:, columns] if columns is not None else own



def closeness(days_a: np.ndarray, days_b: np.ndarray, options: RelatedOptions) -> np.ndarray:
    """The date term: 1 for the same day, falling with days apart; 0 when undated."""
    return np.nan_to_num(np.exp(-np.abs(days_a - days_b) / options.date_scale_days), nan=0.0)


def lists_for(prepared: Prepared, rows) -> dict[str, list[dict]]:
    """The lists of the essays at positions ``rows`` of ``prepared.ordered``."""
    rows = np.fromiter(rows, dtype=np.int64)
    if prepared.neighbours is None:
        prepared.neighbours = neighbours_of(prepared, np.arange(len(prepared.ordered)))
    result: dict[str, list[dict]] = {}
    with without_collection():  # a list of dicts per essay: hundreds of thousands
        for part in in_parts(prepared, rows, _lists_of):
            result.update(part)
    return result


def _lists_of(prepared: Prepared, rows: np.ndarray) -> dict[str, list[dict]]:
    picker = prepared.picker
    if picker is None or picker.neighbours is not prepared.neighbours:
        picker = prepared.picker = _Picker(prepared)
    result: dict[str, list[dict]] = {}
    for start in range(0, len(rows), BLOCK_ROWS):
        interrupts.check()
        block = rows[start:start + BLOCK_ROWS]
        scores = _block_scores(prepared, block, picker)
        choices = []
        for row, i in enumerate(block.tolist()):
            columns = scores.indices[scores.indptr[row]:scores.indptr[row + 1]]
            values = scores.data[scores.indptr[row]:scores.indptr[row + 1]]
            choices.append((i, picker.pick(i, columns, np.round(values, 4))))
        for (i, _), entries in zip(choices, picker.explain.entries(choices), strict=True):
            result[prepared.ordered[i].slug] = entries
    return result


def _block_scores(prepared: Prepared, block: np.ndarray, picker: _Picker) -> sparse.csr_matrix:
    """The scores of the essays in ``block`` against every essay, as sparse rows: only
    pairs with a text score or a shared tag, unless a date weight makes every pair score."""
    options = prepared.options
    scores = options.text_weight * text_scores(prepared, picker.table, block)
    if picker.tags_t is not None:
        scores = scores + options.tag_weight * (prepared.tags.matrix[block] @ picker.tags_t)
    scores = sparse.csr_matrix(scores)
    if options.date_weight:
        days = prepared.days
        dense = scores.toarray() + options.date_weight * closeness(
            days[block, None], days[None, :], options)
        return sparse.csr_matrix(dense)
    scores.sort_indices()
    return scores


class _Picker:
    """Chooses each essay's list from its scores: pins first, then the best scoring, or
    when nothing scores, the essays nearest in time."""

    def __init__(self, prepared: Prepared) -> None:
        self.prepared, self.options = prepared, prepared.options
        self.days, self.recency = prepared.days, prepared.recency
        self.neighbours = prepared.neighbours
        self.table = prepared.neighbours.matrix()
        self.explain = Explainer(prepared)
        tags = prepared.tags.matrix if prepared.tags is not None and \
            self.options.tag_weight else None
        self.tags_t = tags.T.tocsr() if tags is not None else None
        dated = np.flatnonzero(~np.isnan(self.days))
        self.by_day = dated[np.argsort(self.days[dated], kind="stable")]  # then by slug
        self.place = np.full(len(self.days), -1, dtype=np.int64)
        self.place[self.by_day] = np.arange(len(self.by_day))
        self.undated = np.flatnonzero(np.isnan(self.days))

    def pick(self, i: int, columns: np.ndarray,
             scores: np.ndarray) -> list[tuple[int, float, bool]]:
        """Essay i's list: (position, score, pinned) of each essay on it."""
        prepared, options = self.prepared, self.options
        document = prepared.ordered[i]
        index = prepared.index
        blocked = {i} | {index[s] for s in document.related_exclude if s in index}
        pinned = [index[s] for s in document.related_pins if s in index and index[s] != i]
        score_of = _Lookup(columns, scores)
        pinned_scores: dict[int, float] = {}
        if pinned:
            allowed = self._allowed(i, blocked)
            pinned_scores = {j: max(score_of.get(j, 0.0), 0.0) if allowed(np.array([j]))[0]
                             else 0.0 for j in pinned}
            blocked |= set(pinned)
        allowed = self._allowed(i, blocked)
        wanted = max(0, options.limit - len(pinned))
        keep = (scores > options.min_score) & allowed(columns)
        chosen, chosen_scores = best_scored(columns[keep], scores[keep], self.recency, wanted)
        if not chosen and not pinned and wanted and bool(prepared.has_text[i]) and \
                options.min_score <= 0:
            chosen = self._nearest(i, wanted, allowed)
            chosen_scores = [score_of.get(j, 0.0) for j in chosen]
        return [(j, pinned_scores[j], True) for j in pinned] + \
            [(j, max(score, 0.0), False) for j, score in zip(chosen, chosen_scores, strict=True)]

    def _allowed(self, i: int, blocked: set[int]):
        """A test of which essays (an array of positions) may be on essay i's list."""
        days, include_newer = self.days, self.options.include_newer
        blocked_array = np.fromiter(blocked, dtype=np.int64, count=len(blocked))

        def allowed(positions: np.ndarray) -> np.ndarray:
            mask = positions != i if len(blocked) == 1 else ~np.isin(positions, blocked_array)
            if not include_newer and not np.isnan(days[i]):
                mask &= ~(np.nan_to_num(days[positions], nan=-np.inf) > days[i])
            return mask

        return allowed

    def _nearest(self, i: int, wanted: int, allowed) -> list[int]:
        """The ``wanted`` allowed essays nearest in time to essay i, nearest first, ties by
        slug; undated essays after every dated one (and, for an undated essay i, all
        essays in slug order)."""
        if np.isnan(self.days[i]):
            return _first_allowed(np.arange(len(self.days)), wanted, allowed)
        by_day, day = self.by_day, self.days[i]
        place, reach = int(self.place[i]), wanted + 8
        while True:
            low, high = max(0, place - reach), min(len(by_day), place + reach + 1)
            window = by_day[low:high]
            window = window[allowed(window)]
            distance = np.abs(self.days[window] - day)
            order = np.lexsort((window, distance))[:wanted]
            found = window[order]
            if len(found) == wanted:
                edge = distance[order][-1]
                outside = [abs(self.days[by_day[n]] - day)
                           for n in (low - 1, high) if 0 <= n < len(by_day)]
                if all(d > edge for d in outside):
                    return found.tolist()
            elif low == 0 and high == len(by_day):  # every dated essay seen: undated next
                rest = _first_allowed(self.undated, wanted - len(found), allowed)
                return found.tolist() + rest
            reach *= 2


class _Lookup:
    """An essay's score against another, read from its row's sorted columns: a row can
    hold every essay of the archive, and only the few chosen are ever looked up."""

    def __init__(self, columns: np.ndarray, scores: np.ndarray) -> None:
        self.columns, self.scores = columns, scores

    def get(self, j: int, default: float) -> float:
        at = int(np.searchsorted(self.columns, j))
        if at < len(self.columns) and self.columns[at] == j:
            return float(self.scores[at])
        return default


def _first_allowed(positions: np.ndarray, wanted: int, allowed) -> list[int]:
    found: list[int] = []
    for start in range(0, len(positions), 1024):
        if len(found) >= wanted:
            break
        chunk = positions[start:start + 1024]
        found += chunk[allowed(chunk)].tolist()
    return found[:wanted]
