"""What related posts keep in the document store between builds, and how: each essay's
term counts (so a rebuild analyses only new and changed essays) and the state the last map
was computed from (so a rebuild recomputes only the lists a change can affect). The store
keeps the rows; their meaning is here."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy import sparse

from . import store, store_related
from .analysis import StoredCounts, TermCache
from .related import Vectors
from .related_list_facts import ListFacts
from .related_neighbours import Neighbours
from .related_update import RelatedState


def load_term_counts(index_dir: Path) -> TermCache:
    """Each stored essay's analysed term counts, by content hash."""
    vocabulary, rows, display = store_related.load_terms(index_dir)
    return TermCache(vocabulary, {
        digest: (np.frombuffer(ids, dtype=np.uint32), np.frombuffer(counts, dtype=np.uint32))
        for digest, ids, counts in rows}, display)


def stored_term_counts(index_dir: Path) -> TermCache:
    """The stored terms, and each essay's counts loaded as they are asked for."""
    vocabulary, display, hashes = store_related.load_vocabulary(index_dir)

    def load(digests: list[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        return {digest: (np.frombuffer(ids, dtype=np.uint32),
                         np.frombuffer(counts, dtype=np.uint32))
                for digest, ids, counts in store_related.load_term_rows(index_dir, digests)}

    return TermCache(vocabulary, None, display, StoredCounts(hashes, load))


def term_rows(cache: TermCache) -> store_related.TermRows:
    """The terms and counts this build added to ``cache``, as rows for the store: new terms,
    and older ones whose shown word changed."""
    display, saved = cache.display, cache.saved_display
    numbers = sorted(set(range(cache.saved_terms, len(cache.vocabulary))) |
                     {n for n, word in display.items() if saved.get(n) != word})
    new_terms = [(n, cache.vocabulary[n], display.get(n, "")) for n in numbers]
    rows = [(digest, cache[digest][0].astype(np.uint32).tobytes(),
             cache[digest][1].astype(np.uint32).tobytes()) for digest in sorted(cache.added)]
    return store_related.TermRows(new_terms, rows, cache.spelled_words())


# The state's long arrays are kept in pieces of this many rows, so that a rebuild that
# changed a few essays' rows writes only the pieces that hold them (at 100,000 essays the
# whole state is hundreds of megabytes).
PIECE_ROWS = 8192
# Each array's shape is kept as "<name>.size": a version before the pieces looks for
# "<name>.shape", finds none, and computes its map whole instead of misreading these.


def state_rows(state: RelatedState, piece_rows: int = PIECE_ROWS) -> store_related.StateRows:
    """The state as the store's rows: those whose bytes differ from the ones it was loaded
    from (``state.stored``), and the keys of all of them."""
    rows = [("meta", json.dumps({"options": state.options, "slugs": state.slugs,
                                 "identities": state.identities,
                                 "by_candidates": state.by_candidates,
                                 "pieces": piece_rows}).encode())]
    for name, vectors in (("texts", state.texts), ("tags", state.tags)):
        if vectors is None:
            continue
        rows.append((f"{name}.terms", json.dumps(vectors.terms, ensure_ascii=False).encode()))
        rows += _matrix_rows(name, vectors.matrix, piece_rows)
        if vectors.idf is not None:
            rows.append((f"{name}.idf", vectors.idf.astype("<f8").tobytes()))
        if vectors.held is not None:
            rows.append((f"{name}.held", vectors.held.astype("<i8").tobytes()))
        if vectors.df is not None and vectors.numbers is not None:
            rows += [(f"{name}.df", vectors.df.astype("<i8").tobytes()),
                     (f"{name}.numbers", vectors.numbers.astype("<i8").tobytes()),
                     (f"{name}.has_text", vectors.has_text.astype("u1").tobytes())]
    if state.strongest is not None:
        rows += _matrix_rows("strongest", state.strongest, piece_rows)
    if state.neighbours is not None:
        near = state.neighbours
        rows.append(("neighbours.size", json.dumps(list(near.ids.shape)).encode()))
        arrays = [("ids", near.ids, "<i8"), ("scores", near.scores, "<f8")]
        if near.edges is not None:
            arrays.append(("edges", near.edges, "<f8"))
        for piece, start in enumerate(range(0, near.ids.shape[0], piece_rows)):
            rows += [(f"neighbours.{name}.{piece}",
                      array[start:start + piece_rows].astype(kind).tobytes())
                     for name, array, kind in arrays]
    if state.lists is not None:
        facts = state.lists
        rows.append(("lists.size", json.dumps(list(facts.ids.shape)).encode()))
        for piece, start in enumerate(range(0, facts.ids.shape[0], piece_rows)):
            rows += [(f"lists.ids.{piece}", facts.ids[start:start + piece_rows].astype("<i8")
                      .tobytes()),
                     (f"lists.lowest.{piece}", facts.lowest[start:start + piece_rows]
                      .astype("<f8").tobytes())]
    stored = state.stored or {}
    return store_related.StateRows(
        [(key, value) for key, value in rows if stored.get(key) != value],
        [key for key, _ in rows])


# A matrix's columns are kept in 32 bits where they fit (under "<name>.rows" and
# "<name>.columns.<piece>"; else in 64, under "<name>.size" and "<name>.indices.<piece>"):
# half the bytes to read and write, and none to convert, since SciPy holds them so. A
# version that knows only the 64-bit keys finds no matrix, and computes its map whole.
_LAYOUTS = {"rows": ("columns", "<i4"), "size": ("indices", "<i8")}


def _matrix_rows(name: str, matrix: sparse.csr_matrix,
                 piece_rows: int) -> list[tuple[str, bytes]]:
    """A sparse matrix as rows of the store: its shape, and each piece of rows' entries."""
    layout = "rows" if matrix.shape[1] < 2**31 else "size"
    key, kind = _LAYOUTS[layout]
    rows = [(f"{name}.{layout}", json.dumps(list(matrix.shape)).encode())]
    for piece, start in enumerate(range(0, matrix.shape[0], piece_rows)):
        pointers = matrix.indptr[start:start + piece_rows + 1]
        entries = slice(pointers[0], pointers[-1])
        rows += [(f"{name}.data.{piece}", matrix.data[entries].astype("<f8").tobytes()),
                 (f"{name}.{key}.{piece}", matrix.indices[entries].astype(kind).tobytes()),
                 (f"{name}.indptr.{piece}", (pointers - pointers[0]).astype("<i8").tobytes())]
    return rows


def load_related_state(index_dir: Path) -> RelatedState | None:
    """What the stored related map was computed from (see related_update), or None."""
    return state_from(store_related.load_blobs(index_dir))


def state_from(values: dict[str, bytes]) -> RelatedState | None:
    """The state from the store's rows (as :func:`state_rows` makes them), or None."""
    if "meta" not in values:
        return None
    meta = store.loads(values["meta"])
    if not isinstance(meta.get("pieces"), int):  # kept whole, by an older version
        return None
    texts = _vectors(values, "texts")
    if texts is None:
        return None
    return RelatedState(meta["options"], meta["slugs"], meta["identities"], texts,
                        _vectors(values, "tags"), _neighbours(values),
                        bool(meta.get("by_candidates")), stored=values,
                        strongest=_matrix(values, "strongest"), lists=_facts(values))


def _facts(values: dict[str, bytes]) -> ListFacts | None:
    if "lists.size" not in values:
        return None
    shape = tuple(store.loads(values["lists.size"]))
    return ListFacts(_joined(_pieces(values, "lists.ids", "<i8"), "<i8").reshape(shape),
                     _joined(_pieces(values, "lists.lowest", "<f8"), "<f8"))


def _pieces(values: dict[str, bytes], key: str, kind: str) -> list[np.ndarray]:
    found = []
    while (value := values.get(f"{key}.{len(found)}")) is not None:
        found.append(np.frombuffer(value, dtype=kind))
    return found


def _joined(pieces: list[np.ndarray], kind: str) -> np.ndarray:
    """The pieces as one array (none: a state of no rows)."""
    if not pieces:
        return np.zeros(0, dtype=kind)
    return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)


def _neighbours(values: dict[str, bytes]) -> Neighbours | None:
    if "neighbours.size" not in values:
        return None
    shape = tuple(store.loads(values["neighbours.size"]))
    edges = _pieces(values, "neighbours.edges", "<f8")
    return Neighbours(_joined(_pieces(values, "neighbours.ids", "<i8"), "<i8").reshape(shape),
                      _joined(_pieces(values, "neighbours.scores", "<f8"), "<f8").reshape(shape),
                      _joined(edges, "<f8") if edges else None)


def _matrix(values: dict[str, bytes], name: str) -> sparse.csr_matrix | None:
    layout = next((layout for layout in _LAYOUTS if f"{name}.{layout}" in values), None)
    if layout is None:
        return None
    key, kind = _LAYOUTS[layout]
    pointers = _pieces(values, f"{name}.indptr", "<i8")
    offsets = np.cumsum([0] + [piece[-1] for piece in pointers])[:len(pointers)]
    indptr = np.concatenate([[0]] + [piece[1:] + offset
                                     for piece, offset in zip(pointers, offsets, strict=True)])
    indices = _joined(_pieces(values, f"{name}.{key}", kind), kind)
    return sparse.csr_matrix(
        (_joined(_pieces(values, f"{name}.data", "<f8"), "<f8"), indices,
         indptr.astype(indices.dtype)), shape=tuple(store.loads(values[f"{name}.{layout}"])))


def _vectors(values: dict[str, bytes], name: str) -> Vectors | None:
    matrix = _matrix(values, name)
    if matrix is None:
        return None
    idf, df = values.get(f"{name}.idf"), values.get(f"{name}.df")
    numbers, has_text = values.get(f"{name}.numbers"), values.get(f"{name}.has_text")
    counted = df is not None and numbers is not None and has_text is not None
    vectors = Vectors(matrix, store.loads(values[f"{name}.terms"]),
                      np.frombuffer(has_text, dtype="u1").astype(bool) if counted else None,
                      np.frombuffer(idf, dtype="<f8") if idf is not None else None,
                      df=np.frombuffer(df, dtype="<i8") if counted else None,
                      numbers=np.frombuffer(numbers, dtype="<i8") if counted else None)
    held = values.get(f"{name}.held")
    if held is not None and len(held) == 8 * matrix.shape[1]:
        vectors.held = np.frombuffer(held, dtype="<i8")
    return vectors
