"""The lists, chosen from sparse scores and a walk in date order, are the lists a plain
look at every pair gives: best score, then newer, then slug; when nothing scores, the
essays nearest in time (ties by slug, undated last)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from feedsearch.model import Document
from feedsearch.related import RelatedOptions, prepare, related_map
from feedsearch.related_neighbours import neighbours_of
from tests.conftest import first_in_make_test

WORDS = "heron kettle ladder violin orchard harbour lantern meadow".split()


def archive(rng: random.Random, size: int) -> list[Document]:
    documents = []
    for n in range(size):
        shared = rng.random() < 0.5  # half share words and tags; half share nothing
        words = rng.sample(WORDS, 3) if shared else [f"alone{n}x", f"solo{n}y"]
        day = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(0, 40))
        documents.append(Document(
            slug=f"e{n:03d}", title=f"Essay {words[0]}", source=f"e{n:03d}.md",
            text=" ".join(words * 3), html="", date=None if rng.random() < 0.15 else day,
            tags=rng.sample(["grief", "rest", "work"], rng.randrange(0, 2)) if shared else [],
            content_hash=f"h{n}", url=f"https://example.org/e{n:03d}/",
            related_exclude=[f"e{rng.randrange(size):03d}"] if rng.random() < 0.1 else [],
            related_pins=[f"e{rng.randrange(size):03d}"] if rng.random() < 0.05 else []))
    return documents


def plain_lists(documents: list[Document], options: RelatedOptions) -> dict[str, list[str]]:
    """Every pair scored, dense; each essay's best text scores kept, smoothed over its
    closest neighbours; lists sorted whole."""
    prepared = prepare(documents, options)
    texts = prepared.texts.matrix.toarray()
    tags = prepared.tags.matrix.toarray() if prepared.tags is not None else None
    days, recency, ordered = prepared.days, prepared.recency, prepared.ordered
    size = len(ordered)
    first = np.round(texts @ texts.T, 6)
    kept = np.zeros((size, size))
    closest = np.zeros((size, size))
    for i in range(size):
        best = sorted((j for j in range(size) if j != i and first[i, j] > 0),
                      key=lambda j, i=i: (-first[i, j], -recency[j], j))
        best = best[:max(options.candidates, options.limit, options.neighbours)]
        kept[i, best] = first[i, best]
        near = best[:options.neighbours]
        if near:
            closest[i, near] = first[i, near] / first[i, near].sum()
    alpha = options.smoothing
    text = (1 - alpha) * kept + alpha * closest @ kept
    result = {}
    for i, document in enumerate(ordered):
        scores = options.text_weight * text[i]
        if tags is not None and options.tag_weight:
            scores = scores + options.tag_weight * tags @ tags[i]
        scores = np.round(scores, 4)

        def allowed(j: int, i=i, document=document) -> bool:
            newer = not options.include_newer and not np.isnan(days[i]) and \
                not np.isnan(days[j]) and days[j] > days[i]
            return j != i and ordered[j].slug not in document.related_exclude and not newer

        pins = [prepared.index[s] for s in document.related_pins
                if s in prepared.index and prepared.index[s] != i]
        wanted = max(0, options.limit - len(pins))
        candidates = [j for j in range(len(ordered)) if allowed(j) and j not in pins
                      and scores[j] > options.min_score]
        candidates.sort(key=lambda j: (-scores[j], -recency[j], j))
        chosen = candidates[:wanted]
        if not chosen and not pins and wanted and prepared.has_text[i] and \
                options.min_score <= 0:
            def distance(j: int, i=i) -> float:
                gap = abs(days[j] - days[i])
                return 1e9 if np.isnan(gap) else gap

            near = sorted((j for j in range(len(ordered)) if allowed(j)),
                          key=lambda j: (distance(j), j))
            chosen = near[:wanted]
        result[document.slug] = [ordered[j].slug for j in pins + chosen]
    return result


@pytest.mark.parametrize("seed", first_in_make_test(range(8)))
@pytest.mark.parametrize("options", [
    RelatedOptions(), RelatedOptions(include_newer=False), RelatedOptions(limit=2),
    RelatedOptions(use_tags=False, min_score=0.1)], ids=["default", "older", "two", "text"])
def test_the_lists_are_those_a_look_at_every_pair_gives(seed, options):
    documents = archive(random.Random(seed), 90)
    made = {slug: [e["slug"] for e in entries]
            for slug, entries in related_map(documents, options).items()}
    assert made == plain_lists(documents, options)


def test_essays_that_share_nothing_get_the_nearest_in_time():
    base = datetime(2021, 6, 1, tzinfo=UTC)
    documents = [Document(slug=f"s{n}", title=f"T{n}", source=f"s{n}.md",
                          text=f"unique{n}word alone{n}term", content_hash=f"h{n}",
                          date=base + timedelta(days=n * 10), url=f"u{n}")
                 for n in range(30)]
    lists = related_map(documents, RelatedOptions(limit=4))
    # 10 days either side, then 20: ties go to the earlier slug ("s11" sorts before "s9").
    assert [e["slug"] for e in lists["s10"]] == ["s11", "s9", "s12", "s8"]
    assert all(e["score"] == 0.0 for e in lists["s10"])


def test_a_tie_wider_than_the_scores_asked_for_is_ordered_newer_first():
    """Eighty copies of one essay tie with each other: each essay's neighbours are the
    newest of the others, however the multiplication orders equal scores, and the lists
    are those a look at every pair gives."""
    start = datetime(2020, 1, 1, tzinfo=UTC)
    order = random.Random(5).sample(range(80), 80)
    documents = [Document(slug=f"copy-{n:02d}", title="Copies", source=f"copy-{n:02d}.md",
                          text="kettle heron ladder violin", content_hash=f"c{n}",
                          date=start + timedelta(days=day), url=f"https://x.example/{n}/")
                 for n, day in enumerate(order)]
    # Essays of words of their own, so that the copies' words are not in most essays.
    documents += [Document(slug=f"other-{n:02d}", title=f"Other {n}", source=f"o{n}.md",
                           text=f"alone{n}x solo{n}y", content_hash=f"o{n}", date=start,
                           url=f"https://x.example/o{n}/") for n in range(81)]
    options = RelatedOptions()
    prepared = prepare(documents, options)
    table = neighbours_of(prepared, np.arange(len(documents)))
    copies = [i for i, d in enumerate(prepared.ordered) if d.slug.startswith("copy-")]
    newest = sorted(copies, key=lambda j: (-prepared.days[j], j))
    for i in copies:
        others = [j for j in newest if j != i]
        assert table.ids[i].tolist() == others[:options.candidates]
    made = {slug: [e["slug"] for e in entries]
            for slug, entries in related_map(documents, options).items()}
    assert made == plain_lists(documents, options)
