"""What a rebuild asks of each stored related list, kept as arrays in the related state so
that no list is decoded to answer it (related_update.py): which essays a list holds, and
its lowest score. A list must be made whole when it is short, when its lowest score is at
the minimum, or when it holds an essay that changed or went."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .related_map import UpdatedLists


@dataclass
class ListFacts:
    ids: np.ndarray  # (rows, width): each list's essays as rows of the state; -1 past its end
    lowest: np.ndarray  # (rows,): each list's lowest score; NaN for an essay with no list


def facts_of(slugs: list[str], index: dict[str, int], related: Mapping[str, list[dict]],
             earlier_slugs: list[str] | None = None,
             earlier: ListFacts | None = None) -> ListFacts:
    """The facts of ``related``, whose essays are ``slugs`` (``index``: each one's row).
    Lists a rebuild left as stored (related_map.UpdatedLists) take the facts ``earlier``
    kept, of the essays ``earlier_slugs``; only the lists it made are looked at."""
    carried = isinstance(related, UpdatedLists) and earlier is not None and \
        earlier_slugs is not None
    made = related.made if carried else related
    width = max([1, earlier.ids.shape[1] if carried else 1] +
                [len(items) for items in made.values()])
    ids = np.full((len(slugs), width), -1, dtype=np.int64)
    lowest = np.full(len(slugs), np.nan)
    if carried:
        _carry(slugs, index, related, earlier_slugs, earlier, ids, lowest)
    for slug, items in made.items():
        row = index.get(slug)
        if row is None:
            continue
        ids[row, :len(items)] = [index.get(entry["slug"], -1) for entry in items]
        lowest[row] = min((entry["score"] for entry in items), default=np.inf)
    return ListFacts(ids, lowest)


def _carry(slugs: list[str], index: dict[str, int], related: UpdatedLists,
           earlier_slugs: list[str], earlier: ListFacts, ids: np.ndarray,
           lowest: np.ndarray) -> None:
    """The facts of the lists left as stored, from ``earlier``'s rows, in the new rows."""
    now = np.array([index.get(slug, -1) for slug in earlier_slugs] + [-1], dtype=np.int64)
    was = {slug: n for n, slug in enumerate(earlier_slugs)}
    rows = [(index[slug], was[slug]) for slug in slugs
            if slug not in related.made and slug in was]
    if not rows:
        return
    new_rows, old_rows = np.array(rows, dtype=np.int64).T
    held = earlier.ids[old_rows]
    ids[new_rows, :held.shape[1]] = now[held]  # -1 (past the end) stays -1
    lowest[new_rows] = earlier.lowest[old_rows]


def owed_whole(slugs: list[str], state_slugs: list[str], facts: ListFacts, limit: int,
               min_score: float, stale: set[str]) -> np.ndarray:
    """Of the essays ``slugs``, those whose stored list (``facts``, of the essays
    ``state_slugs``) cannot be merged with the changed essays' scores: none, short, at
    the minimum score, or holding a ``stale`` essay."""
    where = {slug: n for n, slug in enumerate(state_slugs)}
    rows = np.array([where.get(slug, -1) for slug in slugs], dtype=np.int64)
    whole = rows < 0
    had = rows[~whole]
    held, lowest = facts.ids[had], facts.lowest[had]
    bad = np.isnan(lowest) | (lowest <= min_score)
    bad |= held[:, limit - 1] < 0 if limit <= held.shape[1] else True
    gone = np.array([where[slug] for slug in stale if slug in where], dtype=np.int64)
    if len(gone):
        bad |= np.isin(held, gone).any(axis=1)
    whole[~whole] = bad
    return whole
