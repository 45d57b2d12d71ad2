"""Updating the related map after a few essays change gives exactly the map computed whole."""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from feedsearch import related_store
from feedsearch.build import BuildOptions, build
from feedsearch.model import Document
from feedsearch.outputs.related_json import related_json_bytes
from feedsearch.related import RelatedOptions, TermCache, related_map
from feedsearch.related_update import update_related
from tests.conftest import first_in_make_test

WORDS = ("garden river winter letter kitchen anxious brother silence promise harbour "
         "window journey quiet lantern orchard morning patience courage friend sister "
         "market music teacher storm bridge meadow chapel violin ladder pocket").split() + \
    [f"word{letter}{n}" for letter in "abcdefgh" for n in range(25)]  # rarer terms
TAGS = ["grief", "work", "rest", "family", "friends", "sleep", "music", "school"]


def essay(rng: random.Random, n: int) -> Document:
    focus = rng.sample(WORDS[:30], 4) + rng.sample(WORDS[30:], 8)
    text = " ".join(rng.choice(focus if rng.random() < 0.6 else WORDS) for _ in range(120))
    return Document(
        slug=f"essay-{n:03d}", title=" ".join(rng.sample(focus, 2)).title(),
        source=f"essay-{n:03d}.md", text=text, html=f"<p>{text}</p>",
        date=datetime(2020, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(0, 900)),
        tags=rng.sample(TAGS, rng.randrange(0, 3)), url=f"https://example.org/essay-{n:03d}/",
        content_hash=f"h{n}-{rng.random()}")


def edited(rng: random.Random, documents: list[Document], serial: int) -> list[Document]:
    """A few random changes, as between two builds."""
    documents = list(documents)
    for _ in range(rng.randrange(1, 4)):
        kind = rng.choice(["text", "tags", "date", "add", "remove", "title", "typo"])
        at = rng.randrange(len(documents))
        old = documents[at]
        stamp = f"{old.content_hash}-{serial}-{kind}"
        if kind == "text":
            extra = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(3, 30)))
            documents[at] = replace(old, text=old.text + " " + extra, content_hash=stamp)
        elif kind == "typo":  # the same words, counted differently
            words = old.text.split()
            documents[at] = replace(old, text=" ".join(words + words[:5]), content_hash=stamp)
        elif kind == "tags":
            documents[at] = replace(old, tags=rng.sample(TAGS, rng.randrange(0, 3)),
                                    content_hash=stamp)
        elif kind == "date":
            documents[at] = replace(old, date=old.date + timedelta(days=rng.randrange(-400, 400)),
                                    content_hash=stamp)
        elif kind == "title":
            documents[at] = replace(old, title=old.title + " Again", content_hash=stamp)
        elif kind == "add":
            documents.append(essay(rng, 500 + serial * 10 + at % 10))
        elif len(documents) > 10:
            documents.pop(at)
    return documents


OPTION_SETS = [
    RelatedOptions(),
    RelatedOptions(limit=3, date_weight=0.2),
    RelatedOptions(include_newer=False, min_score=0.05),
    RelatedOptions(use_tags=False),
    # Neighbours from candidates, as in a large archive (related_neighbours.py); a small
    # pool, so that essays come and go from it.
    RelatedOptions(exact_work=0, candidate_terms=6, candidate_pool=12),
]


@pytest.mark.parametrize("options", OPTION_SETS,
                         ids=["default", "dates", "older", "notags", "candidates"])
@pytest.mark.parametrize("seed", first_in_make_test(range(6)))
def test_an_updated_map_equals_the_map_computed_whole(seed: int, options) -> None:
    rng = random.Random(seed)
    documents = [essay(rng, n) for n in range(60)]
    cache = TermCache()
    previous, state = update_related(documents, options, cache, None, None)
    assert previous == related_map(documents, options)
    for serial in range(5):
        documents = edited(rng, documents, serial)
        updated, state = update_related(documents, options, cache, previous, state)
        whole = related_map(documents, options)
        assert related_json_bytes(updated) == related_json_bytes(whole), (seed, serial)
        # The neighbours kept for the next build are those found afresh.
        _, fresh = update_related(documents, options, TermCache(), None, None)
        assert state.neighbours.ids.tolist() == fresh.neighbours.ids.tolist(), (seed, serial)
        assert state.neighbours.scores.tolist() == fresh.neighbours.scores.tolist()
        assert _edges(state) == _edges(fresh)
        assert _facts(state) == _facts(fresh), (seed, serial)
        previous = updated


def _facts(state) -> tuple[list, list]:
    """What the state keeps of each list (related_list_facts.py), with each row's essays
    up to its last (the width kept may differ)."""
    ids = [[n for n in row if n >= 0] for row in state.lists.ids.tolist()]
    return ids, [None if value != value else value for value in state.lists.lowest.tolist()]


def _edges(state) -> tuple[list[float] | None, dict | None]:
    """The pools' edges and the strongest terms kept for the next build (with
    candidates)."""
    edges, strongest = state.neighbours.edges, state.strongest
    if strongest is not None:
        strongest = strongest.tocoo()
        strongest = {(int(r), state.texts.terms[c]): float(v)
                     for r, c, v in zip(strongest.row, strongest.col, strongest.data,
                                        strict=True)}
    return (edges.tolist() if edges is not None else None), strongest


def test_pins_and_exclusions_survive_an_update() -> None:
    rng = random.Random(7)
    documents = [essay(rng, n) for n in range(30)]
    documents[0] = replace(documents[0], related_pins=["essay-029"],
                           related_exclude=["essay-001"])
    options = RelatedOptions()
    previous, state = update_related(documents, options, TermCache(), None, None)
    documents[29] = replace(documents[29], text=documents[29].text + " violin violin",
                            content_hash="changed")
    updated, _ = update_related(documents, options, TermCache(), previous, state)
    assert updated == related_map(documents, options)
    assert updated["essay-000"][0]["slug"] == "essay-029"


def test_a_rebuild_after_an_edit_writes_the_map_a_fresh_build_writes(corpus_dir, tmp_path):
    """Through the store: the state kept by one build serves the next."""
    import shutil

    archive = tmp_path / "corpus"
    shutil.copytree(corpus_dir, archive)

    def options(name: str) -> BuildOptions:
        return BuildOptions(archive, tmp_path / name / "out", tmp_path / name / "index",
                            base_url="https://example.org/", workers=0)

    build(options("incremental"))
    assert related_store.load_related_state(options("incremental").index) is not None
    essay_path = archive / "rest-is-not-a-reward.md"
    essay_path.write_text(essay_path.read_text(encoding="utf-8")
                          + "\nA walk by the harbour in winter, and sleep.\n", encoding="utf-8")
    report = build(options("incremental"))
    assert report.updated == 1
    build(options("fresh"))
    assert (tmp_path / "incremental/out/related.json").read_bytes() == \
        (tmp_path / "fresh/out/related.json").read_bytes()


@pytest.mark.parametrize("escaped", [False, True], ids=["as-stored", "older-store"])
def test_lists_kept_as_stored_are_written_as_a_fresh_build_writes_them(corpus_dir, tmp_path,
                                                                      escaped: bool) -> None:
    """related.json takes the lists a rebuild leaves as they were from the store's JSON;
    an essay's title beyond ASCII comes out as a fresh build writes it, also from a store
    that kept its lists escaped to ASCII (as older versions did)."""
    import json
    import shutil
    import sqlite3

    from feedsearch.store import store_path

    archive = tmp_path / "corpus"
    shutil.copytree(corpus_dir, archive)
    (archive / "cafe.md").write_text(
        '---\ntitle: "Café, rest, and grief: a Zürich morning"\ndate: 2019-03-02\n'
        'tags: [rest, grief]\n---\n\nRest after grief, at a café in the morning, is not '
        "a reward for work finished. Burnout and grief ask for rest.\n", encoding="utf-8")

    def options(name: str) -> BuildOptions:
        return BuildOptions(archive, tmp_path / name / "out", tmp_path / name / "index",
                            base_url="https://example.org/", workers=0)

    build(options("incremental"))
    if escaped:
        with sqlite3.connect(store_path(options("incremental").index)) as db:
            rows = db.execute("SELECT slug, data FROM related").fetchall()
            db.executemany("UPDATE related SET data = ? WHERE slug = ?",
                           [(json.dumps(json.loads(data)), slug) for slug, data in rows])
    # A new date changes no weight: only the lists that hold the essay are made again.
    essay_path = archive / "asking-for-help.md"
    essay_path.write_text(essay_path.read_text(encoding="utf-8").replace(
        "date: 2016-03-14", "date: 2016-03-15"), encoding="utf-8")
    assert build(options("incremental")).updated == 1
    build(options("fresh"))
    written = (tmp_path / "incremental/out/related.json").read_bytes()
    assert "Zürich".encode() in written
    assert written == (tmp_path / "fresh/out/related.json").read_bytes()


@pytest.mark.parametrize("options", [
    RelatedOptions(), RelatedOptions(exact_work=0, candidate_terms=6, candidate_pool=12)],
    ids=["exact", "candidates"])
@pytest.mark.parametrize("seed", first_in_make_test(range(6)))
def test_an_essay_that_rises_into_full_neighbour_rows_is_found_there(seed: int,
                                                                    options) -> None:
    """An edit that keeps an essay's words but repeats some changes no term's weight, so
    every other essay is unchanged and merges the edited essay's new scores into its
    neighbours: where the essay now scores above a full row's last, it must enter."""
    rng = random.Random(seed)
    documents = [essay(rng, n) for n in range(80)]
    cache = TermCache()
    previous, state = update_related(documents, options, cache, None, None)
    for serial in range(4):
        at = rng.randrange(len(documents))
        documents[at] = _repeating(rng, documents[at], 3, 40, serial)
        updated, state = update_related(documents, options, cache, previous, state)
        _assert_as_computed_afresh(documents, options, updated, state, (seed, serial))
        previous = updated


@pytest.mark.parametrize("seed", first_in_make_test(range(8)))
def test_only_the_essays_in_a_pool_enter_its_neighbours(seed: int) -> None:
    """Several essays edited at once, from candidates with small pools: an edited essay
    may now score well against a row whose pool it is not in, and must stay out of that
    row's neighbours, while another edited essay in the pool is merged in."""
    options = RelatedOptions(exact_work=0, candidate_terms=3, candidate_pool=6)
    rng = random.Random(seed)
    documents = [essay(rng, n) for n in range(80)]
    cache = TermCache()
    previous, state = update_related(documents, options, cache, None, None)
    for serial in range(4):
        for at in rng.sample(range(len(documents)), 6):
            documents[at] = _repeating(rng, documents[at], 2, 30, serial)
        updated, state = update_related(documents, options, cache, previous, state)
        _assert_as_computed_afresh(documents, options, updated, state, (seed, serial))
        previous = updated


def _repeating(rng: random.Random, document: Document, words: int, times: int,
               serial: int) -> Document:
    """The essay with ``words`` of its words repeated ``times`` more: the same terms, so no
    term's weight changes, and another vector."""
    text = document.text.split()
    repeated = rng.sample(sorted(set(text)), words)
    return replace(document, text=" ".join(text + repeated * times),
                   content_hash=f"{document.content_hash}-{serial}")


def _assert_as_computed_afresh(documents: list[Document], options: RelatedOptions,
                               updated: dict, state, where: tuple) -> None:
    """The updated map, and the neighbours, edges and strongest terms kept for the next
    build, are those a computation from nothing gives."""
    _, fresh = update_related(documents, options, TermCache(), None, None)
    assert state.neighbours.ids.tolist() == fresh.neighbours.ids.tolist(), where
    assert _edges(state) == _edges(fresh), where
    assert _facts(state) == _facts(fresh), where
    assert related_json_bytes(updated) == related_json_bytes(
        related_map(documents, options)), where


def test_an_essay_tied_through_a_neighbour_enters_when_it_becomes_newer() -> None:
    """Essay "i" shares words with "k" and "k2" only; "c" shares words with "k", and "d"
    in the same way with "k2". So "c" and "d" score the same against "i", each only
    through a close neighbour's scores (smoothing), and the newer is listed. An edit that
    makes "c" the newer changes no score and no neighbour row, and "c" must enter."""
    texts = {"i": "apple berry", "k": "apple cedar cedar", "k2": "berry delta delta",
             "c": "cedar", "d": "delta"} | {f"filler{n}": f"fig{n // 2} gum{n // 2}"
                                            for n in range(6)}
    days = {"c": 1, "d": 2}

    def document(slug: str, day: int) -> Document:
        return Document(slug=slug, title=f"untitled{slug}", source=f"{slug}.md",
                        text=texts[slug], url=f"https://example.org/{slug}/",
                        date=datetime(2021, 1, 1, tzinfo=UTC) + timedelta(days=day),
                        content_hash=f"{slug}-{day}")

    documents = [document(slug, days.get(slug, 0)) for slug in texts]
    options = RelatedOptions(use_tags=False, limit=3, candidates=4, neighbours=3)
    previous, state = update_related(documents, options, TermCache(), None, None)
    assert [e["slug"] for e in previous["i"]] == ["k", "k2", "d"]
    documents[3] = document("c", 3)
    updated, _ = update_related(documents, options, TermCache(), previous, state)
    assert updated == related_map(documents, options)
    assert [e["slug"] for e in updated["i"]] == ["k", "k2", "c"]


def test_an_essay_tied_on_tags_alone_enters_lists_when_it_becomes_newer() -> None:
    """Essays that share no word and one tag all score the same: the newest come first. An
    essay dated later by an edit must enter lists it shares nothing but the tag with."""
    words = iter(f"solo{n}x" for n in range(10_000))
    documents = [
        Document(slug=f"essay-{n:02d}", title=next(words), source=f"essay-{n:02d}.md",
                 text=" ".join(next(words) for _ in range(20)), tags=["notes"],
                 date=datetime(2021, 1, 1, tzinfo=UTC) + timedelta(days=n),
                 url=f"https://example.org/essay-{n:02d}/", content_hash=f"h{n}")
        for n in range(20)]
    options = RelatedOptions(limit=3)
    previous, state = update_related(documents, options, TermCache(), None, None)
    documents[0] = replace(documents[0], date=datetime(2022, 1, 1, tzinfo=UTC),
                           content_hash="h0-later")
    updated, _ = update_related(documents, options, TermCache(), previous, state)
    assert updated == related_map(documents, options)
    assert updated["essay-05"][0]["slug"] == "essay-00"


def test_an_added_essay_or_a_common_word_leaves_other_essays_weights_as_they_were() -> None:
    """The weights move in steps and count the archive to two significant figures, so a
    new essay, or a word held by many essays added to one more, changes the vectors of
    few others: the lists a rebuild must compute again."""
    from feedsearch.related import counted, stepped

    assert [counted(n) for n in (99, 150, 151, 154, 155, 1_049, 100_499)] == \
        [99, 150, 150, 150, 160, 1_000, 100_000]
    assert stepped(1.3862) == pytest.approx(1.4)
    rng = random.Random(3)
    documents = [essay(rng, n) for n in range(150)]
    options = RelatedOptions()
    _, before = update_related(documents, options, TermCache(), None, None)

    def kept(after) -> int:
        pairs = [(after.texts.as_dicts(), before.texts.as_dicts()),
                 (after.tags.as_dicts(), before.tags.as_dicts())]
        return sum(all(now[i] == then[i] for now, then in pairs) for i in range(150))

    newcomer = replace(essay(rng, 150), title="Zzq", text=" ".join(f"zz{n}q" for n in range(80)),
                       tags=[])
    _, after = update_related(documents + [newcomer], options, TermCache(), None, None)
    assert kept(after) == 150


def test_one_more_essay_holding_a_common_term_seldom_changes_its_weight() -> None:
    """Terms held by 1,000 to 2,000 of 10,000 essays: one more essay holding each changes
    the weight of about one in 75 (a step is 0.05; one more essay moves the weight by
    about 1 / the essays holding it), where every weight would change unstepped."""
    import numpy as np
    from scipy import sparse

    from feedsearch.related import term_weights

    def holding(extra: int) -> sparse.csr_matrix:
        held = 1_000 + np.arange(1_000) + extra  # column j held by the first held[j] rows
        columns = np.repeat(np.arange(1_000), held)
        rows = np.concatenate([np.arange(n) for n in held])
        return sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(10_000, 1_000))

    terms = [f"term{j:04d}" for j in range(1_000)]
    weights = term_weights(holding(0), terms, 10_000, RelatedOptions())
    assert (weights > 0).all()
    changed = (term_weights(holding(1), terms, 10_000, RelatedOptions()) != weights).sum()
    assert 0 < changed <= 30, changed
    # One more essay in the archive changes none of them.
    assert (term_weights(holding(0), terms, 10_001, RelatedOptions()) == weights).all()


def test_the_kept_state_is_written_a_piece_at_a_time_and_read_back_whole() -> None:
    """The state's long arrays are kept in pieces of rows: read back, they are the state;
    after one edit only the pieces that hold a changed row are written again."""
    from feedsearch.related_store import state_from, state_rows

    rng = random.Random(11)
    documents = [essay(rng, n) for n in range(40)]
    options = RelatedOptions(exact_work=0, candidate_terms=6, candidate_pool=12)
    previous, state = update_related(documents, options, TermCache(), None, None)
    rows = state_rows(state, piece_rows=7)
    assert [key for key, _ in rows.changed] == rows.keys  # nothing stored yet: all of it
    values = dict(rows.changed)
    assert {key for key in values if key.startswith("texts.data.")} == \
        {f"texts.data.{n}" for n in range(6)}

    def same(one, other) -> None:
        for name in ("texts", "tags"):
            a, b = getattr(one, name), getattr(other, name)
            assert (a.matrix != b.matrix).nnz == 0 and a.terms == b.terms
        assert one.neighbours.ids.tolist() == other.neighbours.ids.tolist()
        assert one.neighbours.scores.tolist() == other.neighbours.scores.tolist()
        assert one.neighbours.edges.tolist() == other.neighbours.edges.tolist()
        assert (one.slugs, one.identities) == (other.slugs, other.identities)
        assert _facts(one) == _facts(other)

    loaded = state_from(values)
    same(loaded, state)
    # An edit that repeats a word the essay has: its own row changes, few others.
    word = documents[20].text.split()[0]
    documents[20] = replace(documents[20], text=documents[20].text + f" {word} {word}",
                            content_hash="edited")
    _, after = update_related(documents, options, TermCache(), previous, loaded)
    rows = state_rows(after, piece_rows=7)
    written = {key for key, _ in rows.changed}
    assert "texts.data.2" in written and "texts.data.0" not in written, written
    values = {key: value for key, value in values.items() if key in rows.keys} | \
        dict(rows.changed)
    same(state_from(values), after)


def test_the_kept_state_of_an_archive_with_no_essays_is_read_back() -> None:
    """Every essay removed: the state kept has no rows, and the next build reads it."""
    from feedsearch.related_store import state_from, state_rows

    _, state = update_related([], RelatedOptions(), TermCache(), None, None)
    loaded = state_from(dict(state_rows(state).changed))
    assert loaded is not None and loaded.texts.matrix.shape[0] == 0


def test_lists_left_as_stored_are_not_decoded() -> None:
    """After one edit the map is the whole computation's, and of the stored lists only
    those the edited essay may enter were decoded (the rest are written as stored)."""
    from feedsearch.related_map import StoredLists, UpdatedLists, unchanged_texts

    options = RelatedOptions(use_tags=False)  # eight tags: each essay shares one with most
    rng = random.Random(8)
    documents = [essay(rng, n) for n in range(400)]
    cache = TermCache()
    made, state = update_related(documents, options, cache, None, None)
    stored = StoredLists({slug: json.dumps(items, ensure_ascii=False).encode()
                          for slug, items in made.items()})
    words = documents[40].text.split()
    documents[40] = replace(documents[40], text=" ".join(words + words[:1]),
                            content_hash="repeated")
    updated, state = update_related(documents, options, cache, stored, state)
    assert isinstance(updated, UpdatedLists)
    assert len(stored._decoded) < len(stored) // 2, len(stored._decoded)
    kept = unchanged_texts(updated, stored)
    assert len(stored._decoded) < len(stored) // 2  # their JSON is taken as it is
    assert related_json_bytes(updated) == related_json_bytes(related_map(documents, options))
    assert len(kept) == len(updated) - len(updated.made) > len(updated) // 2
    assert related_json_bytes(updated, kept) == related_json_bytes(updated)
    # The next build, after the slug of the essay on fewest lists changed to one that
    # sorts first (rows move): the facts kept of the lists left as they were are in their
    # new rows.
    on_lists = Counter(entry["slug"] for items in made.values() for entry in items)
    at = min(range(len(documents)), key=lambda n: (on_lists[documents[n].slug], n))
    documents[at] = replace(documents[at], slug="a-first")
    again, state = update_related(documents, options, cache, updated, state)
    assert isinstance(again, UpdatedLists)
    _, fresh = update_related(documents, options, TermCache(), None, None)
    assert _facts(state) == _facts(fresh)


def test_a_state_kept_with_64_bit_columns_is_read_back() -> None:
    """Columns are kept in 32 bits where they fit; the 64-bit layout (a vocabulary past
    two billion terms, or a store of an earlier version) reads back the same."""
    import numpy as np

    from feedsearch.related_store import state_from, state_rows

    rng = random.Random(12)
    documents = [essay(rng, n) for n in range(30)]
    _, state = update_related(documents, RelatedOptions(), TermCache(), None, None)
    values = dict(state_rows(state).changed)
    assert "texts.rows" in values and "texts.size" not in values
    wide = {}
    for key, value in values.items():
        name, _, rest = key.partition(".")
        if rest == "rows":
            wide[f"{name}.size"] = value
        elif rest.startswith("columns."):
            wide[f"{name}.indices.{rest.split('.')[1]}"] = \
                np.frombuffer(value, dtype="<i4").astype("<i8").tobytes()
        else:
            wide[key] = value
    for kept in (values, wide):
        loaded = state_from(kept)
        for name in ("texts", "tags"):
            before, after = getattr(state, name).matrix, getattr(loaded, name).matrix
            assert after.shape == before.shape and (after != before).nnz == 0
