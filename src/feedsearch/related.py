"""Related posts: what two essays say (their words, the pages they link to, their
authors), smoothed over each essay's neighbours, then the tags they share and, optionally,
closeness in time.

- Words: the index's own analysis (stemming, stop words), sublinear term frequency
  (1 + ln tf), the title counted three times, smoothed inverse document frequency,
  ln((n + 1) / (df + 1)) + 1 to the nearest 0.05 with n to two significant figures (so
  that one change re-weighs few essays: WEIGHT_STEP), terms pruned when they occur in more
  than half of the essays or in too few to link more than a pair (fewer than three, in
  archives of twenty essays or more; two, below); each essay's 200 strongest terms are
  compared.
- Links: the outside pages and sites and the essays of the site an essay links to
  (analysis.link_features), weighted the same way but pruned above a fifth of the
  essays, so that a site's own navigation says nothing; a shared author counts a
  little. Each kind is a unit vector of its own, weighted (``link_weight``,
  ``author_weight``) against the words' 1.
- Text score: the cosine of those vectors, smoothed over neighbours (related_lists.py).
- Tags: the rarity, ln(1 + n / essays with the tag), of each tag two essays share, summed:
  essays sharing a rare tag, or several, come first, and the text ranks those that share
  as much. With the default weights any shared tag outweighs the text alone.
- Time (off by default): ``exp(-days apart / date_scale_days)``.

Chosen by measurement on real blogs against plain TF-IDF cosine and against the best
the tags allow (bench/related_quality.py, docs/benchmarks.md).

Vectors are sparse (SciPy) and similarities are computed a block of rows at a time, so no
n-by-n matrix is ever held: memory grows linearly with the archive. Every essay with text
gets a list; when nothing scores above zero, the essays nearest in time fill it. Front matter
can pin and exclude essays (``related: {pin: [...], exclude: [...]}``).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import sparse

from .analysis import AUTHOR, LINK, TITLE_WEIGHT, Analyser, TermCache, arrays, term_counts_of
from .model import Document
from .related_lists import Prepared, lists_for
from .related_neighbours import heaviest
from .related_processes import processes_for
from .settings import RelatedOptions
from .vectors import Vectors, entries_by_row

TAKE_STEP = 1 << 20


def _count_matrix(rows: list[tuple[np.ndarray, np.ndarray]], columns: int,
                  rank: np.ndarray | None = None) -> sparse.csr_matrix:
    """The rows as a matrix of counts (unsigned: the weights are computed from them in
    floating point), each term number put through ``rank`` (its column) if given. At
    100,000 essays the rows are tens of millions of entries: each is copied once, into
    the types the sparse matrix keeps (32-bit positions where they fit), never converted
    again."""
    lengths = np.fromiter((len(ids) for ids, _ in rows), dtype=np.int64, count=len(rows))
    total = int(lengths.sum())
    position = np.int32 if max(total, columns) < 2**31 else np.int64
    pointers = np.concatenate(([0], np.cumsum(lengths))).astype(position)
    empty = np.zeros(0, dtype=np.uint32)
    numbers = np.concatenate([ids for ids, _ in rows] or [empty])
    indices = np.empty(len(numbers), dtype=position)
    rank = rank.astype(position) if rank is not None else np.arange(columns, dtype=position)
    for start in range(0, len(numbers), TAKE_STEP):  # a step's positions stay in the cache
        np.take(rank, numbers[start:start + TAKE_STEP], out=indices[start:start + TAKE_STEP])
    data = np.concatenate([counts for _, counts in rows] or [empty])
    return sparse.csr_matrix((data, indices, pointers), shape=(len(rows), max(1, columns)))


def text_vectors(documents: list[Document], options: RelatedOptions,
                 term_counts: TermCache | None = None, rows_from=None) -> Vectors:
    """``term_counts`` holds analysed term counts by content hash: counts found there are
    used as they are, and those computed are added, so a rebuild analyses only new and
    changed essays. ``rows_from(counts, terms, idf)``, if given, may return unit rows
    computed before together with the positions of the rows it could not give; only those
    are computed here (see related_update)."""
    counts, terms, words, numbers = counted_terms(documents, options, term_counts)
    df = column_counts(counts)
    idf = weights_of(df, kinds(terms), len(documents), options)
    earlier = rows_from(counts, terms, idf) if rows_from is not None else None
    if earlier is None:
        matrix = unit_vectors(counts, idf, terms, options)
    else:
        matrix, missing = earlier
        if len(missing):
            fresh = unit_vectors(counts[missing], idf, terms, options)
            matrix = filled(matrix, missing, fresh)
    # An essay has text if it had words when analysed (its text may since have been let go)
    # or has text now (perhaps only stop words).
    has_text = np.diff(counts.indptr) > entries_by_row(counts, ~kinds(terms)[0])
    has_text |= np.array([bool(d.text) for d in documents], dtype=bool)
    return Vectors(matrix, terms, has_text, idf, words, df, numbers)


def kinds(terms: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Masks of the columns that are words, links and authors (analysis.py). A matrix
    with no terms has one empty column, counted as a word."""
    columns = max(1, len(terms))
    links, authors = np.zeros(columns, dtype=bool), np.zeros(columns, dtype=bool)
    links[:len(terms)] = [t.startswith(LINK) for t in terms]
    authors[:len(terms)] = [t.startswith(AUTHOR) for t in terms]
    return ~(links | authors), links, authors


def count_matrix(documents: list[Document], options: RelatedOptions,
                 term_counts: TermCache | None = None
                 ) -> tuple[sparse.csr_matrix, list[str], list[str]]:
    """Each essay's term counts as a row; columns are terms in their own sorted order. Also
    the word shown for each column (see Analyser.display)."""
    return counted_terms(documents, options, term_counts)[:3]


def counted_terms(documents: list[Document], options: RelatedOptions,
                  term_counts: TermCache | None = None
                  ) -> tuple[sparse.csr_matrix, list[str], list[str], np.ndarray]:
    """:func:`count_matrix`, and each column's term number (in the analyser's
    vocabulary, and ``term_counts``')."""
    cache = term_counts if term_counts is not None and not options.plain_tfidf else None
    if cache is not None:
        cache.load_all()
    analyser = Analyser(options.language, cache.vocabulary if cache is not None else None,
                        cache.display if cache is not None else None)
    rows: list[tuple[np.ndarray, np.ndarray]] = []
    title_weight = 1 if options.plain_tfidf else TITLE_WEIGHT
    for document in documents:
        known = cache.get(document.content_hash) if cache is not None and \
            document.content_hash else None
        if known is not None:
            rows.append(known)
            continue
        row = arrays(term_counts_of(analyser, document, title_weight), analyser.terms)
        rows.append(row)
        if cache is not None and document.content_hash:
            cache[document.content_hash] = row
            cache.added.add(document.content_hash)
    # Columns in the order of the terms themselves, so that results never depend on which
    # essays were analysed afresh and which came from ``term_counts``.
    terms = analyser.terms
    order = np.array(sorted(range(len(terms)), key=terms.__getitem__), dtype=np.int64)
    rank = np.empty(len(terms), dtype=np.int64)
    rank[order] = np.arange(len(terms))
    counts = _count_matrix(rows, len(terms), rank)
    if len(terms):
        unsorted = _unsorted_rows(counts)
        if len(unsorted):
            counts.has_sorted_indices = False
            counts.sort_indices()
            if cache is not None:
                _sort_cached(cache, [documents[i] for i in unsorted.tolist()], rank)
        counts.has_sorted_indices = True
    return counts, [terms[i] for i in order], shown_words(analyser.display, terms, order), order


def shown_words(display: dict[int, str], vocabulary: list[str],
                numbers: np.ndarray) -> list[str]:
    """The word shown for each column, whose term numbers are ``numbers``."""
    return [display.get(n, vocabulary[n]) for n in numbers.tolist()]


def _unsorted_rows(matrix: sparse.csr_matrix) -> np.ndarray:
    """The rows whose columns are not in increasing order."""
    falls = np.flatnonzero(matrix.indices[1:] <= matrix.indices[:-1]) + 1
    rows = np.searchsorted(matrix.indptr, falls, side="right") - 1
    return np.unique(rows[matrix.indptr[rows] != falls])  # a row's first entry falls freely


def _sort_cached(cache: TermCache, documents: list[Document], rank: np.ndarray) -> None:
    """Put the counts kept in an older order (before rows were kept in term order) in
    term order, and have the store keep them so, so that the next build need not sort."""
    for digest in {d.content_hash for d in documents if d.content_hash in cache}:
        ids, counts = cache[digest]
        order = np.argsort(rank[ids], kind="stable")
        cache[digest] = (ids[order], counts[order])
        cache.added.add(digest)


def term_weights(counts: sparse.csr_matrix, terms: list[str], total: int,
                 options: RelatedOptions) -> np.ndarray:
    """Inverse document frequency per column; 0 for terms too rare to link or too common
    (a link to a page or site more than a fifth of the essays link to is the site's own
    furniture)."""
    return weights_of(column_counts(counts), kinds(terms), total, options)


def weights_of(df: np.ndarray, masks: tuple[np.ndarray, np.ndarray, np.ndarray], total: int,
               options: RelatedOptions) -> np.ndarray:
    """:func:`term_weights` from the essays holding each term (``df``) and the masks of
    the terms that are words, links and authors (:func:`kinds`)."""
    words, links, authors = (mask[:len(df)] for mask in masks)
    if options.plain_tfidf:
        return np.where(words, np.log(total / np.maximum(df, 1)), 0.0)
    total = counted(total)
    # Smoothed, plus one: a term in many essays still counts for something.
    idf = stepped(np.log((total + 1) / (df + 1)) + 1)
    idf[words & ((df < min_essays(total)) | (df > max(2, total // 2)))] = 0.0
    idf[links & ((df < 2) | (df > max(2, total // 5)))] = 0.0
    idf[authors & ((df < 2) | (df > max(2, total // 2)))] = 0.0
    return idf


# Weights move in steps, and the archive's size is counted to two significant figures, so
# that an essay changed, added or removed changes the weight of few terms and tags, and
# with them the vectors of few other essays (the lists a rebuild computes again,
# related_update.py): a term's weight changes with one more essay holding it about once
# in 1 / (WEIGHT_STEP x its weight's change), so about 1 / WEIGHT_STEP essays' vectors
# change for each term an edit adds or drops, however common the term.
WEIGHT_STEP = 0.05


def stepped(weights: np.ndarray) -> np.ndarray:
    """``weights`` to the nearest WEIGHT_STEP."""
    return np.round(np.asarray(weights) / WEIGHT_STEP) * WEIGHT_STEP


def counted(total: int) -> int:
    """The archive's size as the weights count it: to two significant figures (exact
    below 100), so that it changes once in a hundred essays added, or more seldom."""
    if total < 100:
        return total
    scale = 10 ** (len(str(total)) - 2)
    return (total + scale // 2) // scale * scale


def column_counts(matrix: sparse.csr_matrix) -> np.ndarray:
    """The entries in each column, counted a cache-sized step at a time (counting all at
    once first copies every position into a 64-bit array: hundreds of megabytes)."""
    counts = np.zeros(matrix.shape[1], dtype=np.int64)
    for start in range(0, len(matrix.indices), TAKE_STEP):
        counts += np.bincount(matrix.indices[start:start + TAKE_STEP], minlength=matrix.shape[1])
    return counts


def min_essays(total: int) -> int:
    """The fewest essays a term must occur in to count. A term only two essays share (a
    name, a rare word) links that pair on one word; a small archive has too few essays to
    ask for three."""
    return 3 if total >= 20 else 2


def unit_vectors(counts: sparse.csr_matrix, idf: np.ndarray, terms: list[str],
                 options: RelatedOptions) -> sparse.csr_matrix:
    """Rows of (sublinear) counts times weights: the words pruned to each essay's strongest
    and made unit length, the links and the authors each made unit length and weighted.
    Each row on its own, so any subset of rows comes out as in the whole."""
    counts = counts.tocsr()
    data = counts.data.astype(np.float64)
    if not options.plain_tfidf:
        data = 1 + np.log(data)
    data *= idf[counts.indices]
    weighted = sparse.csr_matrix((data, counts.indices.copy(), counts.indptr.copy()),
                                 shape=counts.shape)
    weighted.eliminate_zeros()
    if options.plain_tfidf:
        return _unit_rows(weighted)
    words, links, authors = kinds(terms)
    result = _unit_rows(heaviest(_entries(weighted, words), options.terms_per_essay))
    for mask, weight in ((links, options.link_weight), (authors, options.author_weight)):
        if weight > 0 and mask.any():
            result = result + np.sqrt(weight) * _unit_rows(_entries(weighted, mask))
    result = result.tocsr()
    result.sort_indices()
    return result


def _entries(matrix: sparse.csr_matrix, columns: np.ndarray) -> sparse.csr_matrix:
    """``matrix`` with only the entries in the ``columns`` masked in."""
    kept = columns[matrix.indices]
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    pointers = np.concatenate(([0], np.cumsum(np.bincount(rows[kept],
                                                          minlength=matrix.shape[0]))))
    return sparse.csr_matrix((matrix.data[kept], matrix.indices[kept], pointers),
                             shape=matrix.shape)


def filled(matrix: sparse.csr_matrix, positions: np.ndarray,
            rows: sparse.csr_matrix) -> sparse.csr_matrix:
    """``matrix``, whose rows at ``positions`` (in increasing order) are empty, with
    ``rows`` there: each entry put in its place in one pass, where stacking and reordering
    the rows copied the whole matrix twice."""
    lengths = np.diff(matrix.indptr)
    lengths[positions] = np.diff(rows.indptr)
    at = np.repeat(matrix.indptr[positions], np.diff(rows.indptr))
    return sparse.csr_matrix(
        (np.insert(matrix.data, at, rows.data), np.insert(matrix.indices, at, rows.indices),
         np.concatenate(([0], np.cumsum(lengths)))), shape=matrix.shape)


def _unit_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    matrix = matrix.tocsr()
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    norms = np.sqrt(np.bincount(rows, weights=matrix.data ** 2, minlength=matrix.shape[0]))
    norms[norms == 0] = 1.0
    return sparse.csr_matrix((matrix.data / norms[rows], matrix.indices.copy(),
                              matrix.indptr.copy()), shape=matrix.shape)


def tag_vectors_of(documents: list[Document]) -> Vectors:
    """Rows whose products are the rarity of the tags two essays share, summed: each tag's
    entry is the square root of ln(1 + n / essays with the tag), stepped as the terms'
    weights are (see WEIGHT_STEP)."""
    vocabulary: dict[str, int] = {}
    numbers: list[int] = []
    pointers = [0]
    for document in documents:  # each tag once, in the order the essay gives them
        numbers += [vocabulary.setdefault(tag, len(vocabulary))
                    for tag in dict.fromkeys(tag.casefold() for tag in document.tags)]
        pointers.append(len(numbers))
    columns = np.array(numbers, dtype=np.int64)
    total = counted(len(documents))
    rarity = np.array([math.sqrt(float(stepped(math.log(1 + total / count))))
                       for count in np.bincount(columns, minlength=len(vocabulary)).tolist()],
                      dtype=np.float64)
    matrix = sparse.csr_matrix((rarity[columns] if len(columns) else np.zeros(0), columns,
                                np.array(pointers, dtype=np.int64)),
                               shape=(len(documents), max(1, len(vocabulary))))
    return Vectors(matrix, list(vocabulary))


def term_vectors(documents: list[Document], options: RelatedOptions | None = None):
    """Each document's text vector as {term: weight}, for inspection and tests."""
    return text_vectors(documents, options or RelatedOptions()).as_dicts()


def tag_vectors(documents: list[Document]) -> list[dict[str, float]]:
    """Each document's tag vector as {tag: weight}, for inspection and tests."""
    return tag_vectors_of(documents).as_dicts()


def prepare(documents: list[Document], options: RelatedOptions,
            term_counts: TermCache | None = None, rows_from=None,
            processes: int | None = None, texts: Vectors | None = None) -> Prepared:
    """What the lists are computed from. ``processes``: how many share the work (by
    default one per core for a large archive: related_processes.py). ``texts``: the text
    vectors of the essays in slug order, when already made (related_texts_update.py)."""
    ordered = sorted(documents, key=lambda d: d.slug)
    if texts is None:
        texts = text_vectors(ordered, options, term_counts, rows_from)
    return Prepared(
        ordered, {d.slug: i for i, d in enumerate(ordered)}, texts,
        tag_vectors_of(ordered) if options.use_tags else None,
        np.array([d.date.timestamp() / 86400 if d.date else np.nan for d in ordered]),
        options, texts.has_text,
        processes=processes if processes is not None else processes_for(len(ordered)))


def related_map(documents: list[Document], options: RelatedOptions | None = None,
                term_counts: TermCache | None = None,
                processes: int | None = None) -> dict[str, list[dict]]:
    """For each document's slug, its most related documents, best first.

    Each entry is ``{"slug", "title", "url", "score", "shared_tags"}``. Ties are broken by
    date (newer first), then slug, so the map never changes for the same input. With
    ``term_counts`` (see :func:`text_vectors`) unchanged essays are not analysed again.
    """
    options = options or RelatedOptions()
    if not documents:
        return {}
    prepared = prepare(documents, options, term_counts, processes=processes)
    return lists_for(prepared, range(len(prepared.ordered)))
