"""feedsearch.related: text similarity blended with tag overlap."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta, timezone

import feedparser
import numpy as np
import pytest

from feedsearch.analysis import TermCache
from feedsearch.model import Document
from feedsearch.related import RelatedOptions, related_map, tag_vectors, term_vectors

DAY = datetime(2020, 1, 1, tzinfo=UTC)
TEXT_ONLY = RelatedOptions(text_weight=1.0, tag_weight=0.0)
TAGS_ONLY = RelatedOptions(text_weight=0.0, tag_weight=1.0)


def make_doc(slug: str, text: str = "", *, title: str | None = None, tags=(),
             date: datetime | None = DAY) -> Document:
    return Document(slug=slug, title=title or slug.replace("-", " ").capitalize(),
                    source=f"{slug}.md", text=text, tags=list(tags), date=date,
                    url=f"https://site.example/{slug}/")


def topic_docs(with_tags: bool = False) -> list[Document]:
    """Two essays each on gardening, sailing and grief, with no vocabulary across topics."""
    def tags(*names):
        return names if with_tags else ()

    return [
        make_doc("pruning-roses",
                 "Pruning roses in the garden: compost, soil, mulch and watering the beds.",
                 tags=tags("gardening", "flowers")),
        make_doc("growing-tomatoes",
                 "Growing tomatoes in the garden needs rich soil, compost, mulch and watering.",
                 tags=tags("gardening", "vegetables")),
        make_doc("dinghy-sailing",
                 "Sailing a dinghy: trim the sail, watch the wind, tack across the harbour.",
                 tags=tags("sailing")),
        make_doc("ocean-crossing",
                 "An ocean crossing under sail: wind shifts, the harbour mouth, reefing at night.",
                 tags=tags("sailing", "travel")),
        make_doc("mourning-my-mother",
                 "Grief after my mother died: mourning, loss, the funeral and bereavement.",
                 tags=tags("grief")),
        make_doc("a-widows-year",
                 "A widow's grief: loss and bereavement, mourning that does not end soon.",
                 tags=tags("grief", "loss")),
    ]


PAIRS = {
    "pruning-roses": "growing-tomatoes",
    "growing-tomatoes": "pruning-roses",
    "dinghy-sailing": "ocean-crossing",
    "ocean-crossing": "dinghy-sailing",
    "mourning-my-mother": "a-widows-year",
    "a-widows-year": "mourning-my-mother",
}


def slugs(entries: list[dict]) -> list[str]:
    return [entry["slug"] for entry in entries]


# --- topics ----------------------------------------------------------------------------------


def test_same_topic_ranks_first_without_tags():
    related = related_map(topic_docs())
    assert set(related) == set(PAIRS)
    for slug, partner in PAIRS.items():
        assert related[slug], slug
        assert related[slug][0]["slug"] == partner, (slug, related[slug])


def test_same_topic_ranks_first_with_tags():
    related = related_map(topic_docs(with_tags=True))
    for slug, partner in PAIRS.items():
        assert related[slug][0]["slug"] == partner, (slug, related[slug])


def test_unrelated_topics_score_far_below_the_partner():
    related = related_map(topic_docs(with_tags=True))
    for slug, entries in related.items():
        best = entries[0]["score"]
        for other in entries[1:]:
            assert other["score"] < best / 2, (slug, entries)


def test_text_alone_finds_the_topic():
    related = related_map(topic_docs(), TEXT_ONLY)
    assert related["dinghy-sailing"][0]["slug"] == "ocean-crossing"
    assert related["dinghy-sailing"][0]["score"] > 0.5


def test_tags_alone_find_the_topic():
    docs = [make_doc(d.slug, "", tags=d.tags) for d in topic_docs(with_tags=True)]
    related = related_map(docs, TAGS_ONLY)
    for slug, partner in PAIRS.items():
        assert slugs(related[slug]) == [partner], (slug, related[slug])


def test_entry_shape():
    related = related_map(topic_docs(with_tags=True))
    entry = related["dinghy-sailing"][0]
    assert set(entry) == {"slug", "title", "url", "score", "shared_tags", "shared_terms",
                          "why"}
    assert entry["title"] == "Ocean crossing"
    assert entry["url"] == "https://site.example/ocean-crossing/"
    assert isinstance(entry["score"], float)
    assert entry["score"] > 0
    json.dumps(related)  # JSON-ready


def test_why_names_the_shared_tags_and_the_words_that_weigh_most_as_written():
    related = related_map(topic_docs(with_tags=True))
    entry = related["dinghy-sailing"][0]
    assert entry["shared_tags"] == ["sailing"]
    # "harbour" and "wind" are in both and in no other essay; the index's stems would be
    # "harbour" and "wind" too, so check a word whose stem differs: "sailing" -> "sail".
    assert set(entry["shared_terms"]) <= {"harbour", "wind", "sail", "sailing"}
    assert "harbour" in entry["shared_terms"] and "wind" in entry["shared_terms"]
    assert entry["why"] == ("shared tags: sailing; shared words: "
                            + ", ".join(entry["shared_terms"]))


def test_why_shows_each_word_as_written_not_as_stemmed():
    docs = [make_doc("a", "Policies on policy. Gardening policies matter to gardeners."),
            make_doc("b", "Her policy: policies for the gardening of policies."),
            make_doc("c", "Sailing boats at sea.")]
    entry = related_map(docs, TEXT_ONLY)["a"][0]
    assert entry["slug"] == "b"
    assert "policy" in entry["shared_terms"], entry
    assert not any(term in ("polici", "garden") for term in entry["shared_terms"])
    assert entry["why"].startswith("shared words: ")


def test_why_says_close_in_time_when_nothing_is_shared():
    docs = [make_doc("a", "Kettles whistle loudly.", date=DAY),
            make_doc("b", "Violins are tuned by ear.", date=DAY + timedelta(days=1))]
    entry = related_map(docs, TEXT_ONLY)["a"][0]
    assert entry["shared_terms"] == [] and entry["why"] == "published close in time"


def test_why_says_nothing_is_shared_when_an_essay_has_no_date():
    docs = [make_doc("a", "Kettles whistle loudly.", date=None),
            make_doc("b", "Violins are tuned by ear.", date=DAY)]
    entry = related_map(docs, TEXT_ONLY)["a"][0]
    assert entry["slug"] == "b"
    assert entry["why"] == "nothing in common; listed to fill the list"


# --- shared tags -----------------------------------------------------------------------------


def test_shared_tags_lists_the_tags_both_share():
    related = related_map(topic_docs(with_tags=True))
    by_slug = {e["slug"]: e for e in related["pruning-roses"]}
    assert by_slug["growing-tomatoes"]["shared_tags"] == ["gardening"]
    by_slug = {e["slug"]: e for e in related["a-widows-year"]}
    assert by_slug["mourning-my-mother"]["shared_tags"] == ["grief"]


def test_shared_tags_empty_when_related_by_text_only():
    related = related_map(topic_docs())
    for entries in related.values():
        for entry in entries:
            assert entry["shared_tags"] == []


def test_shared_tags_ignore_case():
    docs = [make_doc("a", tags=["Grief", "Loss"]), make_doc("b", tags=["grief", "rest"])]
    related = related_map(docs)
    assert related["a"][0]["slug"] == "b"
    assert related["a"][0]["shared_tags"] == ["grief"]
    assert related["b"][0]["shared_tags"] == ["Grief"]


def test_several_shared_tags_score_more_than_one():
    docs = [make_doc("x", tags=["a", "b", "c"]),
            make_doc("two", tags=["a", "b"]),
            make_doc("one", tags=["a", "z"])]
    related = related_map(docs, TAGS_ONLY)
    assert slugs(related["x"]) == ["two", "one"]
    assert related["x"][0]["shared_tags"] == ["a", "b"]
    assert related["x"][1]["shared_tags"] == ["a"]
    assert related["x"][0]["score"] > related["x"][1]["score"]


def test_rare_shared_tag_scores_more_than_common_shared_tag():
    docs = [make_doc("x", tags=["rare", "common"]),
            make_doc("shares-rare", tags=["rare"]),
            make_doc("shares-common", tags=["common"]),
            make_doc("c1", tags=["common"]),
            make_doc("c2", tags=["common"]),
            make_doc("c3", tags=["common"])]
    related = related_map(docs, TAGS_ONLY)
    scores = {e["slug"]: e["score"] for e in related["x"]}
    assert scores["shares-rare"] > scores["shares-common"]
    assert related["x"][0]["slug"] == "shares-rare"
    assert related["x"][0]["shared_tags"] == ["rare"]


def test_rare_tag_wins_in_the_default_blend():
    docs = [make_doc("x", tags=["rare", "common"]),
            make_doc("shares-rare", tags=["rare"]),
            make_doc("shares-common", tags=["common"]),
            make_doc("c1", tags=["common"]),
            make_doc("c2", tags=["common"])]
    related = related_map(docs)
    assert related["x"][0]["slug"] == "shares-rare"


def test_tag_vectors_weigh_rare_tags_more():
    docs = [make_doc("x", tags=["rare", "common"]),
            make_doc("y", tags=["common"]),
            make_doc("z", tags=["common"])]
    vectors = tag_vectors(docs)
    assert vectors[0]["rare"] > vectors[0]["common"]
    # Two essays' product is the rarity, ln(1 + n / essays with the tag), to the nearest
    # 0.05, of the tags both carry, summed: x with itself holds "rare" (1 of 3: ln 4 =
    # 1.386) and "common" (3 of 3: ln 2 = 0.693).
    assert math.isclose(sum(w * w for w in vectors[0].values()), 1.4 + 0.7)
    assert vectors[1] == {"common": pytest.approx(math.sqrt(0.7))}


def test_tag_vectors_empty_for_untagged():
    assert tag_vectors([make_doc("a"), make_doc("b", tags=["t"])])[0] == {}


def test_term_vectors_are_unit_length_or_empty():
    vectors = term_vectors(topic_docs())
    assert len(vectors) == 6
    for vector in vectors:
        assert vector
        assert math.isclose(sum(w * w for w in vector.values()), 1.0)
        assert all(w > 0 for w in vector.values())


def test_term_vectors_prune_terms_found_in_one_essay_only():
    docs = topic_docs()
    vectors = term_vectors(docs)
    terms = set().union(*vectors)
    assert not any(term.startswith("tomato") for term in terms)  # only in one essay
    assert any(term.startswith("harbour") for term in terms)  # in both sailing essays


def test_from_twenty_essays_a_term_must_be_shared_by_three():
    """In a larger archive a word only two essays share (a name, a rare word) no longer
    links them; one that three share still does."""
    filler = [make_doc(f"filler-{n}", f"Weather notes number {n}: rain, wind and cloud.")
              for n in range(17)]
    pair = [make_doc("first-visit", "Zanzibar harbour at dawn, with the ferry and gulls."),
            make_doc("second-visit", "Zanzibar again: the harbour, a ferry, the gulls.")]
    third = make_doc("third-visit", "A ferry and gulls in a cold northern harbour.")
    vectors = dict(zip([d.slug for d in pair + filler],
                       term_vectors(pair + filler), strict=True))
    assert any(term.startswith("zanzibar") for term in vectors["first-visit"])  # 19 essays
    vectors = dict(zip([d.slug for d in pair + [third] + filler],
                       term_vectors(pair + [third] + filler), strict=True))
    first = set(vectors["first-visit"])
    assert not any(term.startswith("zanzibar") for term in first)  # 20 essays, df 2
    assert any(term.startswith("harbour") for term in first)  # df 3


# --- never itself, limit, min_score ----------------------------------------------------------


def test_a_document_never_lists_itself():
    docs = topic_docs(with_tags=True) + [make_doc("twin", topic_docs()[0].text,
                                                  tags=["gardening", "flowers"])]
    related = related_map(docs, RelatedOptions(limit=50))
    for slug, entries in related.items():
        assert slug not in slugs(entries)
        assert len(slugs(entries)) == len(set(slugs(entries)))


def test_identical_copies_rank_each_other_first():
    text = topic_docs()[2].text
    docs = topic_docs() + [make_doc("sailing-copy", text, title="Dinghy sailing")]
    related = related_map(docs)
    assert related["sailing-copy"][0]["slug"] == "dinghy-sailing"
    assert related["dinghy-sailing"][0]["slug"] == "sailing-copy"


def test_limit_is_respected():
    docs = [make_doc(f"doc-{i}", tags=["shared"]) for i in range(8)]
    related = related_map(docs, RelatedOptions(limit=3))
    for entries in related.values():
        assert len(entries) == 3
    unlimited = related_map(docs, RelatedOptions(limit=100))
    for entries in unlimited.values():
        assert len(entries) == 7


def test_limit_keeps_the_best():
    docs = topic_docs(with_tags=True)
    best = related_map(docs, RelatedOptions(limit=1))
    full = related_map(docs, RelatedOptions(limit=10))
    for slug in best:
        assert best[slug] == full[slug][:1]


def test_limit_zero_gives_empty_lists():
    related = related_map(topic_docs(with_tags=True), RelatedOptions(limit=0))
    assert set(related) == set(PAIRS)
    assert all(entries == [] for entries in related.values())


def test_min_score_filters():
    docs = topic_docs(with_tags=True)
    full = related_map(docs, RelatedOptions(limit=10))
    all_scores = sorted({e["score"] for entries in full.values() for e in entries})
    middle = len(all_scores) // 2
    # halfway between two reported scores, clear of the 4-decimal rounding of scores
    threshold = (all_scores[middle - 1] + all_scores[middle]) / 2
    filtered = related_map(docs, RelatedOptions(limit=10, min_score=threshold))
    kept = 0
    for slug, entries in filtered.items():
        assert all(e["score"] > threshold for e in entries), (slug, entries)
        assert entries == [e for e in full[slug] if e["score"] > threshold]
        kept += len(entries)
    assert 0 < kept < sum(len(entries) for entries in full.values())


def test_essays_with_nothing_in_common_get_the_nearest_in_time():
    # Every essay with text gets a list: when nothing scores above zero, the essays
    # nearest in time fill it, with score 0. An explicit min_score keeps lists empty.
    docs = [make_doc("a", "alpha", tags=["x"]), make_doc("b", "beta", tags=["y"]),
            make_doc("c", "gamma", tags=["z"])]
    related = related_map(docs)
    for slug, entries in related.items():
        assert len(entries) == 2 and slug not in [e["slug"] for e in entries]
        assert all(e["score"] == 0.0 and e["shared_tags"] == [] for e in entries)
    assert related_map(docs, RelatedOptions(min_score=0.01)) == {"a": [], "b": [], "c": []}


# --- ties and determinism --------------------------------------------------------------------


def test_ties_broken_by_date_newer_first_then_slug():
    tied = [
        make_doc("b-newest", tags=["sea"], date=datetime(2023, 1, 1, tzinfo=UTC)),
        make_doc("z-mid", tags=["sea"], date=datetime(2021, 1, 1, tzinfo=UTC)),
        make_doc("a-mid", tags=["sea"], date=datetime(2021, 1, 1, tzinfo=UTC)),
        make_doc("c-undated", tags=["sea"], date=None),
        make_doc("a-oldest", tags=["sea"], date=datetime(2010, 1, 1, tzinfo=UTC)),
    ]
    docs = [make_doc("x", tags=["sea"], date=datetime(2022, 1, 1, tzinfo=UTC)), *tied]
    related = related_map(docs, RelatedOptions(limit=10))
    entries = related["x"]
    assert len({e["score"] for e in entries}) == 1  # a real tie
    assert slugs(entries) == ["b-newest", "a-mid", "z-mid", "a-oldest", "c-undated"]


def test_ties_compare_instants_not_wall_clock():
    east = timezone(timedelta(hours=10))
    docs = [make_doc("x", tags=["t"]),
            # 2021-06-01 05:00 at +10:00 is 2021-05-31 19:00 UTC
            make_doc("a-east", tags=["t"], date=datetime(2021, 6, 1, 5, 0, tzinfo=east)),
            make_doc("b-utc", tags=["t"], date=datetime(2021, 5, 31, 20, 0, tzinfo=UTC))]
    assert slugs(related_map(docs)["x"]) == ["b-utc", "a-east"]


def test_output_is_deterministic():
    first = related_map(topic_docs(with_tags=True))
    second = related_map(topic_docs(with_tags=True))
    assert first == second
    assert json.dumps(first) == json.dumps(second)


def test_output_does_not_depend_on_input_order():
    docs = topic_docs(with_tags=True)
    forward = related_map(docs)
    backward = related_map(list(reversed(topic_docs(with_tags=True))))
    assert json.dumps(forward) == json.dumps(backward)


def test_scores_are_sorted_descending():
    related = related_map(topic_docs(with_tags=True), RelatedOptions(limit=10))
    for entries in related.values():
        scores = [e["score"] for e in entries]
        assert scores == sorted(scores, reverse=True)


def test_scores_are_symmetric_for_a_pair():
    related = related_map(topic_docs(with_tags=True))
    there = related["pruning-roses"][0]
    back = related["growing-tomatoes"][0]
    assert there["slug"] == "growing-tomatoes" and back["slug"] == "pruning-roses"
    assert there["score"] == pytest.approx(back["score"], abs=1e-4)


# --- small archives --------------------------------------------------------------------------


def test_one_document_gets_an_empty_list():
    assert related_map([make_doc("alone", "Some text about gardens.", tags=["garden"])]) == {
        "alone": []}


def test_no_documents_gives_an_empty_map():
    assert related_map([]) == {}


def test_untagged_textless_documents_have_no_related():
    assert related_map([make_doc("a"), make_doc("b")]) == {"a": [], "b": []}


# --- the built sample archive ----------------------------------------------------------------


CORPUS_SLUGS = {
    "asking-for-help", "burnout-is-not-a-character-flaw", "coming-back-after-a-long-leave",
    "first-therapy-session", "going-home-as-a-grown-up", "grief-has-no-schedule",
    "grieving-a-parent-while-parenting", "how-to-sit-with-a-grieving-friend",
    "loneliness-in-a-full-house", "making-friends-after-thirty",
    "nobody-solves-anything-at-3am", "rest-is-not-a-reward", "saying-no-at-work",
    "the-friend-who-drifted-away", "the-quiet-house", "the-second-year-of-grief",
    "the-sunday-scaries", "therapy-is-not-only-for-crises", "what-envy-knows",
    "what-my-father-left-behind", "what-rest-looks-like-for-parents",
    "when-your-child-is-anxious", "when-your-teenager-stops-talking",
    # one from each of the Substack, Medium, Ghost and Blogger exports
    "a-question-instead-of-a-resolution", "fine-is-not-a-feeling",
    "the-pause-before-you-answer", "small-rituals-for-hard-evenings",
}


@pytest.fixture
def built_related(built) -> dict[str, list[dict]]:
    return json.loads((built.out / "related.json").read_bytes())


def test_built_related_has_every_slug(built_related):
    assert len(built_related) == 27
    assert set(built_related) == CORPUS_SLUGS


def test_built_related_lists_only_existing_slugs(built_related):
    for slug, entries in built_related.items():
        for entry in entries:
            assert entry["slug"] in built_related, (slug, entry)


def test_built_related_never_lists_itself(built_related):
    for slug, entries in built_related.items():
        assert slug not in slugs(entries)


def test_built_related_every_essay_has_one(built_related):
    for slug, entries in built_related.items():
        assert len(entries) >= 1, slug
        assert len(entries) <= RelatedOptions().limit


def test_built_related_scores_sorted_descending(built_related):
    for slug, entries in built_related.items():
        scores = [e["score"] for e in entries]
        assert scores == sorted(scores, reverse=True), slug
        assert all(s > 0 for s in scores)


def test_built_related_grief_essays_find_grief_essays(built_related):
    grief = {"grief-has-no-schedule", "the-second-year-of-grief",
             "grieving-a-parent-while-parenting", "the-friend-who-drifted-away",
             "how-to-sit-with-a-grieving-friend"}
    top = built_related["grief-has-no-schedule"][0]
    assert top["slug"] in grief
    assert "grief" in top["shared_tags"]


def test_built_related_urls_match_the_feeds(built):
    related = json.loads((built.out / "related.json").read_bytes())
    feed = json.loads((built.out / "feed.json").read_bytes())
    urls = {item["url"] for item in feed["items"]}
    # The main feeds hold the newest 20 of the 26 dated essays (the default limit); the two
    # oldest, asking-for-help and first-therapy-session, are in their tag feeds.
    assert len(urls) == 20
    for tag_feed in sorted((built.out / "tags").glob("*/atom.xml")):
        urls |= {entry.link for entry in feedparser.parse(tag_feed.read_bytes()).entries}
    assert len(urls) == 26
    for entries in related.values():
        for entry in entries:
            if entry["slug"] != "when-your-teenager-stops-talking":  # undated: not in feeds
                assert entry["url"] in urls, entry


def test_the_words_named_are_each_pairs_heaviest_in_order_ties_by_column():
    import numpy as np

    from feedsearch.related_why import heaviest_in_rows

    rng = np.random.default_rng(7)
    for _ in range(50):
        lengths = rng.integers(0, 8, 30)
        rows = np.repeat(np.arange(30), lengths)
        columns = np.concatenate([np.sort(rng.choice(40, n, replace=False)) for n in lengths])
        values = rng.integers(1, 4, len(rows)) / 4  # few values: many ties
        want_rows, want_columns = [], []
        for row in range(30):
            entries = sorted((-v, c) for r, c, v in zip(rows, columns, values, strict=True)
                             if r == row)[:3]
            want_rows += [row] * len(entries)
            want_columns += [c for _, c in entries]
        got_rows, got_columns = heaviest_in_rows(rows, columns, values, 3)
        assert got_rows.tolist() == want_rows and got_columns.tolist() == want_columns


def test_counts_kept_out_of_term_order_are_sorted_once_and_kept_sorted() -> None:
    """A store from before counts were kept in term order gives rows in the order terms
    were first seen: the count matrix is the same, and the rows are put in order for the
    store to keep, so that the next build need not sort."""
    from feedsearch.related import count_matrix

    documents = [Document(slug=f"e{n}", title=f"Zebra apple {n}", source=f"e{n}.md",
                          text="zebra yak xylophone apple banana cherry " * (n + 1),
                          content_hash=f"h{n}") for n in range(4)]
    options = RelatedOptions()
    cache = TermCache()
    expected = count_matrix(documents, options, cache)[0].toarray()
    _assert_in_term_order(cache)
    for digest, (ids, counts) in list(cache.items()):  # as an older build kept them
        order = np.argsort(ids)[::-1]
        cache[digest] = (ids[order], counts[order])
    cache.added.clear()
    counts, _, _ = count_matrix(documents, options, cache)
    assert (counts.toarray() == expected).all()
    for row in range(counts.shape[0]):  # what later steps (heaviest, ties) rely on
        columns = counts.indices[counts.indptr[row]:counts.indptr[row + 1]]
        assert (np.diff(columns) > 0).all()
    assert cache.added == {d.content_hash for d in documents}
    _assert_in_term_order(cache)


def _assert_in_term_order(cache: TermCache) -> None:
    for ids, _ in cache.values():
        terms = [cache.vocabulary[i] for i in ids]
        assert terms == sorted(terms)


def test_an_essays_counts_are_kept_in_the_order_of_their_terms() -> None:
    from collections import Counter

    from feedsearch.analysis import arrays

    ids, counts = arrays(Counter({0: 3, 1: 2, 2: 1}), ["banana", "cherry", "apple"])
    assert ids.tolist() == [2, 0, 1] and counts.tolist() == [1, 3, 2]
