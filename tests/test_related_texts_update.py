"""Text vectors made from the last build's after a few essays change are those made whole,
and they are made so wherever no weight changed for an essay that did not change."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest

from feedsearch.model import Document
from feedsearch.related import RelatedOptions, TermCache, text_vectors
from feedsearch.related_store import state_from, state_rows
from feedsearch.related_texts_update import updated_texts
from feedsearch.related_update import identity, update_related
from tests.test_related_update import WORDS, essay


def _updated(documents: list[Document], state, cache: TermCache, options: RelatedOptions):
    ordered = sorted(documents, key=lambda d: d.slug)
    for document in ordered:
        cache.count(document)  # as the read stage counts a changed essay
    return ordered, updated_texts(ordered, options, cache, state.texts, state.slugs,
                                  state.identities, [identity(d) for d in ordered])


def _assert_as_made_whole(ordered: list[Document], cache: TermCache, options, update) -> None:
    whole = text_vectors(ordered, options, cache)
    made = update.vectors
    assert made.terms == whole.terms
    assert made.words == whole.words
    assert made.idf.tolist() == whole.idf.tolist()
    assert made.df.tolist() == whole.df.tolist()
    assert made.numbers.tolist() == whole.numbers.tolist()
    assert made.has_text.tolist() == whole.has_text.tolist()
    assert made.matrix.shape == whole.matrix.shape
    assert (made.matrix != whole.matrix).nnz == 0
    assert made.held is not None  # kept up to date, for related_neighbours.exact_work
    assert made.held.tolist() == np.bincount(whole.matrix.indices,
                                             minlength=whole.matrix.shape[1]).tolist()


def _start(seed: int, count: int, options: RelatedOptions):
    rng = random.Random(seed)
    documents = [essay(rng, n) for n in range(count)]
    cache = TermCache()
    _, state = update_related(documents, options, cache, None, None)
    return rng, documents, cache, state


def test_an_edit_that_moves_no_weight_recomputes_only_its_own_row() -> None:
    options = RelatedOptions()
    rng, documents, cache, state = _start(3, 60, options)
    at = 17
    words = documents[at].text.split()
    documents[at] = replace(documents[at], text=" ".join(words + words[:8]),
                            content_hash="repeated")
    ordered, update = _updated(documents, state, cache, options)
    assert update is not None
    assert update.recomputed.tolist() == [at]  # slug order is the essays' order here
    _assert_as_made_whole(ordered, cache, options, update)


def test_words_no_essay_used_before_take_their_places_among_the_columns() -> None:
    options = RelatedOptions()
    rng, documents, cache, state = _start(4, 60, options)
    documents[5] = replace(documents[5], text=documents[5].text + " aardvark zymurgy mmmnew",
                           content_hash="new words")
    ordered, update = _updated(documents, state, cache, options)
    assert update is not None and len(update.vectors.terms) == len(state.texts.terms) + 3
    _assert_as_made_whole(ordered, cache, options, update)
    # Kept and read back by the next build, the columns are where they were left.
    after = replace(state, slugs=[d.slug for d in ordered],
                    identities=[identity(d) for d in ordered], texts=update.vectors)
    loaded = state_from(dict(state_rows(after).changed))
    for name in ("df", "numbers", "has_text", "idf"):
        assert getattr(loaded.texts, name).tolist() == getattr(update.vectors, name).tolist()
    documents[6] = replace(documents[6], text=documents[6].text + " zymurgy",
                           content_hash="one more")
    ordered, again = _updated(documents, loaded, cache, options)
    assert again is not None
    _assert_as_made_whole(ordered, cache, options, again)


def test_a_weight_that_moves_for_an_unchanged_essay_leaves_it_to_the_whole() -> None:
    """A word two other essays hold, used by a third: now in enough essays to count, it
    changes their vectors, which only the whole computation makes."""
    options = RelatedOptions()
    rng, documents, cache, state = _start(5, 60, options)
    for n in (1, 2):
        documents[n] = replace(documents[n], text=documents[n].text + " quokka",
                               content_hash=f"quokka {n}")
    _, state = update_related(documents, options, cache, None, None)
    documents[3] = replace(documents[3], text=documents[3].text + " quokka",
                           content_hash="quokka 3")
    _, update = _updated(documents, state, cache, options)
    assert update is None


def test_many_changes_give_the_vectors_made_whole_or_none() -> None:
    """Edits, additions, removals, retitlings in an archive past a hundred essays (where
    one more or fewer leaves the weights' count of essays as it was)."""
    options = RelatedOptions()
    taken = 0
    for seed in range(6):
        rng, documents, cache, state = _start(seed, 130, options)
        for serial in range(4):
            at = rng.randrange(len(documents))
            kind = rng.choice(["text", "remove", "add", "title", "slug"])
            old = documents[at]
            if kind == "text":
                extra = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 6)))
                documents[at] = replace(old, text=f"{old.text} {extra}",
                                        content_hash=f"{old.content_hash}+{serial}")
            elif kind == "remove":
                documents.pop(at)
            elif kind == "add":
                documents.append(essay(rng, 900 + serial))
            elif kind == "title":
                documents[at] = replace(old, title=old.title + " Again",
                                        content_hash=f"{old.content_hash}+t{serial}")
            else:  # the same text under another slug
                documents[at] = replace(old, slug=old.slug + "-moved")
            ordered, update = _updated(documents, state, cache, options)
            if update is not None:
                taken += 1
                _assert_as_made_whole(ordered, cache, options, update)
            _, state = update_related(documents, options, cache, None, None)
    assert taken >= 8  # most changes move no weight for another essay


def test_a_cache_that_numbers_terms_otherwise_is_not_used() -> None:
    options = RelatedOptions()
    rng, documents, cache, state = _start(6, 40, options)
    other = TermCache()
    text_vectors(list(reversed(documents)), options, other)  # the same terms, numbered anew
    assert other.vocabulary != cache.vocabulary
    _, update = _updated(documents, state, other, options)
    assert update is None


def test_rows_spliced_from_two_matrices_are_in_their_places(monkeypatch) -> None:
    """Kept rows (some moved, their columns shifted) and fresh rows, in runs or picked
    one by one: the rows the spliced matrix holds."""
    from scipy import sparse

    from feedsearch import vectors

    rng = np.random.default_rng(1)
    old = sparse.random(30, 8, density=0.4, format="csr", random_state=2)
    fresh = sparse.random(6, 10, density=0.4, format="csr", random_state=3)
    sources = np.array([0, 1, 2, -1, 3, 4, 9, 10, -1, -1, 5, 6, 7, 8, -1, 20, 21, 22, -1, -1])
    moved = np.array([0, 1, 3, 4, 5, 7, 8, 9])  # two new columns, at 2 and 6
    expected = np.zeros((len(sources), 10))
    taken = 0
    for i, source in enumerate(sources):
        if source >= 0:
            expected[i, moved] = old[source].toarray()[0]
        else:
            expected[i] = fresh[taken].toarray()[0]
            taken += 1
    for runs in (vectors.SPLICE_RUNS, 0):  # in runs, then picked
        monkeypatch.setattr(vectors, "SPLICE_RUNS", runs)
        made = vectors.spliced(old, sources, fresh, 10, moved)
        assert np.array_equal(made.toarray(), expected), runs
        assert made.has_sorted_indices or (made.indices == made.sorted_indices().indices).all()
        order = rng.permutation(30)
        assert np.array_equal(vectors.spliced(old, order, fresh[:0], 8).toarray(),
                              old.toarray()[order]), runs


@pytest.mark.parametrize("one_by_one", [2000, 5], ids=["by-hash", "in-one-pass"])
def test_stored_counts_are_loaded_as_they_are_asked_for(corpus_dir, tmp_path, monkeypatch,
                                                        one_by_one) -> None:
    from feedsearch import store_related
    from feedsearch.build import build
    from feedsearch.related_store import load_term_counts, stored_term_counts
    from tests.conftest import build_options

    options = build_options(corpus_dir, tmp_path)
    build(options)
    monkeypatch.setattr(store_related, "TERM_ROWS_ONE_BY_ONE", one_by_one)
    every = load_term_counts(options.index)
    lazy = stored_term_counts(options.index)
    assert lazy.vocabulary == every.vocabulary and lazy.display == every.display
    digest = sorted(every)[3]
    assert digest in lazy and dict.__len__(lazy) == 0  # known, not loaded
    assert [a.tolist() for a in lazy[digest]] == [a.tolist() for a in every[digest]]
    assert dict.__len__(lazy) == 1 and "no such hash" not in lazy
    lazy.load_all()
    assert {d: [a.tolist() for a in row] for d, row in lazy.items()} == \
        {d: [a.tolist() for a in row] for d, row in every.items()}
