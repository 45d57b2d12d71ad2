"""What related posts keep in the document store between builds, and how: each essay's
term counts (so a rebuild analyses only new and changed essays) and the state the last map
was computed from (so a rebuild recomputes only the lists a change can affect). The store
keeps the rows; their meaning is here."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy import sparse

from . import store
from .analysis import TermCache
from .related import Vectors
from .related_neighbours import Neighbours
from .related_update import RelatedState


def load_term_counts(index_dir: Path) -> TermCache:
    """Each stored essay's analysed term counts, by content hash."""
    vocabulary, rows, display = store.load_terms(index_dir)
    return TermCache(vocabulary, {
        digest: (np.frombuffer(ids, dtype=np.uint32), np.frombuffer(counts, dtype=np.uint32))
        for digest, ids, counts in rows}, display)


def term_rows(cache: TermCache) -> store.TermRows:
    """The terms and counts this build added to ``cache``, as rows for the store: new terms,
    and older ones whose shown word changed."""
    display, saved = cache.display, cache.saved_display
    numbers = sorted(set(range(cache.saved_terms, len(cache.vocabulary))) |
                     {n for n, word in display.items() if saved.get(n) != word})
    new_terms = [(n, cache.vocabulary[n], display.get(n, "")) for n in numbers]
    rows = [(digest, cache[digest][0].astype(np.uint32).tobytes(),
             cache[digest][1].astype(np.uint32).tobytes()) for digest in sorted(cache.added)]
    return store.TermRows(new_terms, rows, cache.spelled_words())


def state_rows(state: RelatedState) -> list[tuple[str, bytes]]:
    rows = [("meta", json.dumps({"options": state.options, "slugs": state.slugs,
                                 "identities": state.identities,
                                 "by_candidates": state.by_candidates}).encode())]
    for name, vectors in (("texts", state.texts), ("tags", state.tags)):
        if vectors is None:
            continue
        matrix = vectors.matrix
        rows += [(f"{name}.terms", json.dumps(vectors.terms, ensure_ascii=False).encode()),
                 (f"{name}.shape", json.dumps(list(matrix.shape)).encode()),
                 (f"{name}.data", matrix.data.astype("<f8").tobytes()),
                 (f"{name}.indices", matrix.indices.astype("<i8").tobytes()),
                 (f"{name}.indptr", matrix.indptr.astype("<i8").tobytes())]
        if vectors.idf is not None:
            rows.append((f"{name}.idf", vectors.idf.astype("<f8").tobytes()))
    if state.neighbours is not None:
        near = state.neighbours
        rows += [("neighbours.shape", json.dumps(list(near.ids.shape)).encode()),
                 ("neighbours.ids", near.ids.astype("<i8").tobytes()),
                 ("neighbours.scores", near.scores.astype("<f8").tobytes())]
        if near.edges is not None:
            rows.append(("neighbours.edges", near.edges.astype("<f8").tobytes()))
    return rows


def load_related_state(index_dir: Path) -> RelatedState | None:
    """What the stored related map was computed from (see related_update), or None."""
    values = store.load_blobs(index_dir)
    if "meta" not in values:
        return None
    meta = store.loads(values["meta"])
    texts = _vectors(values, "texts")
    if texts is None:
        return None
    return RelatedState(meta["options"], meta["slugs"], meta["identities"], texts,
                        _vectors(values, "tags"), _neighbours(values),
                        bool(meta.get("by_candidates")))


def _neighbours(values: dict[str, bytes]) -> Neighbours | None:
    if "neighbours.shape" not in values:
        return None
    shape = tuple(store.loads(values["neighbours.shape"]))
    edges = values.get("neighbours.edges")
    return Neighbours(np.frombuffer(values["neighbours.ids"], dtype="<i8").reshape(shape),
                      np.frombuffer(values["neighbours.scores"], dtype="<f8").reshape(shape),
                      np.frombuffer(edges, dtype="<f8") if edges is not None else None)


def _vectors(values: dict[str, bytes], name: str) -> Vectors | None:
    if f"{name}.shape" not in values:
        return None
    matrix = sparse.csr_matrix(
        (np.frombuffer(values[f"{name}.data"], dtype="<f8"),
         np.frombuffer(values[f"{name}.indices"], dtype="<i8"),
         np.frombuffer(values[f"{name}.indptr"], dtype="<i8")),
        shape=tuple(store.loads(values[f"{name}.shape"])))
    idf = values.get(f"{name}.idf")
    return Vectors(matrix, store.loads(values[f"{name}.terms"]), None,
                   np.frombuffer(idf, dtype="<f8") if idf is not None else None)
