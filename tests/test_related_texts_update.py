"""Text vectors made from the last build's after a few essays change are those made whole,
and they are made so wherever no weight changed for an essay that did not change."""

from __future__ import annotations

import random
from dataclasses import replace

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
