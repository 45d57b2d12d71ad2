"""Related posts after a few essays change: only the lists they can affect are computed
again, and the result is exactly what computing every list would give.

A changed essay changes its own vector and, through the weight of each term it gained or
lost, the vectors of the essays that use those terms (and likewise for tags): call those
rows *changed*. A score between two unchanged rows is unchanged, so:

- an unchanged essay's neighbours (related_lists.py) are its old ones merged with its
  scores against the changed rows, unless they held a changed or removed essay and were
  full (the next best is unknown): those, and the changed rows', are found whole (with
  neighbours from candidates, see related_neighbours_update.py);
- an essay's list depends on its own neighbours and its closest neighbours' (smoothing):
  where any of those moved, and for the changed rows, a list is computed whole, as it is
  where the old list held a changed or removed essay or was short, and for lists with pins
  or exclusions. Every other list is its old list merged with its new scores against the
  changed rows.

The state this needs (each row's vectors, neighbours and identity) is kept in the document
store by :func:`state_of`. The weights move in steps (related.WEIGHT_STEP), so that one
change re-weighs few essays; past a budget of pairs, or when most lists change, the
neighbours or the lists are found afresh.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .collection import without_collection
from .model import Document
from .related import Prepared, RelatedOptions, TermCache, Vectors, prepare
from .related_list_facts import ListFacts, facts_of, owed_whole
from .related_lists import BLOCK_ROWS, closeness, lists_for, smoothing, text_scores
from .related_map import UpdatedLists
from .related_neighbours import Neighbours, best_scored, by_candidates
from .related_neighbours_update import update_neighbours
from .related_texts_update import updated_texts
from .related_why import Explainer
from .vectors import column_map, entries_by_row, rows_of


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
    lists: ListFacts | None = None  # what the next build asks of each list it keeps


def identity(document: Document) -> str:
    """What a list entry and the scores take from an essay besides its vectors."""
    return f"{document.content_hash}|{document.url}|{document.title}|" \
           f"{document.date.isoformat() if document.date else ''}|{'|'.join(document.tags)}"


def state_of(prepared: Prepared, earlier: RelatedState | None = None,
             identities: list[str] | None = None,
             related: Mapping[str, list[dict]] | None = None) -> RelatedState:
    """The state to keep; ``earlier``, the one it replaces (the store writes only what
    changed); ``identities``, the essays', when already made; ``related``, the map made
    from it, when it is to be kept too."""
    if identities is None:
        identities = [identity(d) for d in prepared.ordered]
    slugs = [d.slug for d in prepared.ordered]
    facts = facts_of(slugs, prepared.index, related,
                     earlier.slugs if earlier is not None else None,
                     earlier.lists if earlier is not None else None) \
        if related is not None else None
    return RelatedState(repr(prepared.options), slugs, identities, prepared.texts,
                        prepared.tags, prepared.neighbours, by_candidates(prepared),
                        earlier.stored if earlier is not None else None, prepared.strongest,
                        facts)


def _whole(prepared: Prepared, state: RelatedState, current: list[str]
           ) -> tuple[dict[str, list[dict]], RelatedState]:
    """Every list made, and the state they were made from."""
    made = lists_for(prepared, range(len(prepared.ordered)))
    return made, state_of(prepared, state, current, made)


def update_related(documents: list[Document], options: RelatedOptions,
                   term_counts: TermCache | None, previous: Mapping[str, list[dict]] | None,
                   state: RelatedState | None
                   ) -> tuple[Mapping[str, list[dict]], RelatedState]:
    """The related map of ``documents``, reusing the ``previous`` map where it still holds
    (a list left as it was is ``previous``'s own, not decoded: related_map.py). Returns
    the map, in slug order, and the state to keep for the next build."""
    usable = previous is not None and state is not None and state.options == repr(options)
    ordered = sorted(documents, key=lambda d: d.slug)
    current = [identity(d) for d in ordered]
    recomputed: list[np.ndarray] = []  # the text rows not taken from ``state``
    with without_collection():  # arrays, and a row of counts per essay: nothing cyclic
        texts = updated_texts(ordered, options, term_counts, state.texts, state.slugs,
                              state.identities, current) if usable else None
        if texts is not None:
            recomputed.append(texts.recomputed)
            prepared = prepare(ordered, options, texts=texts.vectors)
        else:
            rows_from = _earlier_rows(ordered, state, current, recomputed) if usable else None
            prepared = prepare(ordered, options, term_counts, rows_from)
    if not usable or (state.tags is None) != (prepared.tags is None) or \
            state.neighbours is None:
        return _whole(prepared, state, current)
    changed = _changed_rows(prepared, state, current, recomputed[0] if recomputed else None)
    changed_slugs = {ordered[i].slug for i in changed}
    gone = set(state.slugs) - set(prepared.index)
    stale = changed_slugs | gone
    moved = update_neighbours(prepared, state, changed)
    near = prepared.neighbours.ids[:, :options.neighbours]
    whole = set(changed) | moved
    if moved:
        moved_array = np.fromiter(moved, dtype=np.int64, count=len(moved))
        whole |= set(np.flatnonzero(np.isin(near, moved_array).any(axis=1)).tolist())
    whole |= _owed_whole(prepared, state, previous, stale)
    if 2 * len(whole) > len(ordered):  # merging the rest costs more than making them
        return _whole(prepared, state, current)
    made = lists_for(prepared, sorted(whole))
    kept = [i for i in range(len(ordered)) if i not in whole]
    made.update(_merged(prepared, kept, sorted(changed), previous))
    result = UpdatedLists([d.slug for d in ordered], made, previous)
    return result, state_of(prepared, state, current, result)


def _owed_whole(prepared: Prepared, state: RelatedState, previous: Mapping[str, list[dict]],
                stale: set[str]) -> set[int]:
    """The essays whose lists are made whole (see the module), besides the changed ones
    and those whose neighbours moved: pinned or excluding, or with a stored list that
    cannot take a merge (related_list_facts.py; decoded here only when the state kept no
    facts of them)."""
    options, ordered = prepared.options, prepared.ordered
    whole = {i for i, d in enumerate(ordered) if d.related_pins or d.related_exclude}
    if state.lists is not None:
        owed = owed_whole([d.slug for d in ordered], state.slugs, state.lists, options.limit,
                          options.min_score, stale)
        return whole | set(np.flatnonzero(owed).tolist())
    for i, document in enumerate(ordered):
        old = previous.get(document.slug)
        if old is None or len(old) < options.limit or \
                any(e["score"] <= options.min_score for e in old) or \
                any(e["slug"] in stale for e in old):
            whole.add(i)
    return whole


def _changed_rows(prepared: Prepared, state: RelatedState, current: list[str],
                  recomputed: np.ndarray | None) -> list[int]:
    """Rows that are new, whose essay changed (``current``: the essays' identities), or
    whose text or tag vector changed. Text rows taken whole from ``state`` are unchanged;
    only ``recomputed`` ones may differ."""
    old_rows = {slug: n for n, slug in enumerate(state.slugs)}
    pairs = [(i, old_rows.get(d.slug)) for i, d in enumerate(prepared.ordered)]
    changed = {i for i, old in pairs if old is None or state.identities[old] != current[i]}
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


def _earlier_rows(ordered: list[Document], state: RelatedState, current: list[str],
                  recomputed: list[np.ndarray]):
    """For text_vectors: the rows of ``state`` that are still exact, in the new row and
    column order, and the positions of those that must be computed: new and changed
    essays, and essays that use a term whose weight changed. ``ordered``: the essays in
    slug order, ``current`` their identities."""
    identities = {slug: (n, state.identities[n]) for n, slug in enumerate(state.slugs)}

    def rows_from(counts: sparse.csr_matrix, terms: list[str], idf: np.ndarray):
        old = state.texts
        if old.idf is None:
            return None
        columns = column_map(old.terms, terms)
        old_idf = np.zeros(len(terms))
        old_idf[columns[columns >= 0]] = old.idf[columns >= 0]
        missing = np.zeros(counts.shape[0], dtype=bool)
        missing[entries_by_row(counts, idf != old_idf) > 0] = True
        sources = np.full(len(ordered), -1, dtype=np.int64)
        for i, document in enumerate(ordered):
            known = identities.get(document.slug)
            if known is not None and known[1] == current[i]:
                sources[i] = known[0]
        missing |= sources < 0
        taken = rows_of(old.matrix, sources[~missing])
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


def _differing(new: Vectors, old: Vectors, pairs: list[tuple[int, int]]) -> set[int]:
    """Of the (new row, old row) pairs, the new rows whose vector is not the old one."""
    if not pairs:
        return set()
    # Old columns in new positions; a term the new vocabulary lacks goes to a column of
    # its own past the end, so any weight on it counts as a difference.
    columns = column_map(old.terms, new.terms, missing=len(new.terms))
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
            previous: Mapping[str, list[dict]]) -> dict[str, list[dict]]:
    """Unchanged essays' lists: the old entries and the changed rows, best first; only the
    lists a changed row may enter (every other stays as stored)."""
    options, ordered, index = prepared.options, prepared.ordered, prepared.index
    recency, days = prepared.recency, prepared.days
    result: dict[str, list[dict]] = {}
    if not changed:
        return result
    targets = np.array(changed, dtype=np.int64)
    scoring = _scoring_against(prepared, targets)
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
