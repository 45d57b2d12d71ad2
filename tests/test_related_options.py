"""Related-post options: time, newer essays, pins and exclusions, site generator files."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import yaml

from feedsearch.build import build
from feedsearch.model import Document
from feedsearch.related import RelatedOptions, related_map
from tests.conftest import build_options


def _doc(slug: str, text: str, year: int, tags=(), pins=(), exclude=()) -> Document:
    return Document(slug=slug, title=slug.title(), source=f"{slug}.md", text=text,
                    date=datetime(year, 1, 1, tzinfo=UTC), tags=list(tags),
                    url=f"https://site.example/{slug}/", related_pins=list(pins),
                    related_exclude=list(exclude))


SAILING = "sailing boats harbour wind tide keel mooring rope anchor"


FILLER = ["bread flour yeast oven dough", "violin bow strings rosin concert",
          "mountain summit rope glacier crampons", "chess opening pawn knight castle",
          "roses soil compost pruning spade"]


def _sailing_docs():
    # Four essays with the same text, among unrelated ones (so their words are not common
    # to most of the archive, which would prune them).
    return [_doc("s2000", SAILING, 2000), _doc("s2010", SAILING, 2010),
            _doc("s2019", SAILING, 2019), _doc("s2020", SAILING, 2020),
            *[_doc(f"f{i}", text, 2015) for i, text in enumerate(FILLER[:4])],
            _doc("garden", FILLER[4], 2015)]


def test_date_weight_prefers_essays_close_in_time():
    docs = _sailing_docs()
    plain = related_map(docs, RelatedOptions(limit=3))
    # Equal text: ties go to the newer essay.
    assert [e["slug"] for e in plain["s2019"]] == ["s2020", "s2010", "s2000"]
    timed = related_map(docs, RelatedOptions(limit=3, date_weight=0.5, date_scale_days=365))
    # From 2010: 2019 is nine years away, 2020 ten (3,652 days), 2000 ten (3,653 days).
    assert [e["slug"] for e in timed["s2010"]][:3] == ["s2019", "s2020", "s2000"]
    assert [e["slug"] for e in timed["s2019"]][0] == "s2020"
    assert timed["s2019"][0]["score"] > plain["s2019"][0]["score"]


def test_only_older_essays_when_newer_are_not_included():
    related = related_map(_sailing_docs(), RelatedOptions(include_newer=False))
    assert [e["slug"] for e in related["s2010"]] == ["s2000"]
    assert related["s2000"] == [] or all(e["score"] == 0.0 for e in related["s2000"])
    for slug, entries in related.items():
        year = int(slug[1:]) if slug.startswith("s2") else 2015
        for entry in entries:
            other = entry["slug"]
            assert (int(other[1:]) if other.startswith("s2") else 2015) <= year


def test_pins_come_first_and_exclusions_never_appear():
    docs = _sailing_docs()
    docs[3] = _doc("s2020", SAILING, 2020, pins=["garden"], exclude=["s2019"])
    related = related_map(docs, RelatedOptions(limit=3))
    slugs = [e["slug"] for e in related["s2020"]]
    assert slugs[0] == "garden" and "s2019" not in slugs and len(slugs) == 3


def test_front_matter_pins_reach_related_json(tmp_path):
    source = tmp_path / "essays"
    source.mkdir()
    (source / "a.md").write_text("---\ntitle: A\ndate: 2020-01-01\nrelated:\n  pin: [c]\n"
                                 "  exclude: [b]\n---\n\nsailing boats harbour wind tide\n")
    (source / "b.md").write_text("---\ntitle: B\ndate: 2020-01-02\n---\n\nsailing boats harbour"
                                 " wind tide\n")
    (source / "c.md").write_text("---\ntitle: C\ndate: 2020-01-03\n---\n\nroses soil compost\n")
    options = build_options(source, tmp_path, related_formats=("hugo", "eleventy", "jekyll"))
    build(options)
    related = json.loads((options.out / "related.json").read_text())
    assert [e["slug"] for e in related["a"]] == ["c"]
    assert json.loads((options.out / "data" / "related.json").read_text()) == related
    assert json.loads((options.out / "_data" / "related.json").read_text()) == related
    assert yaml.safe_load((options.out / "_data" / "related.yml").read_text()) == related


def test_a_rebuild_reuses_the_map_only_while_its_options_are_the_same(corpus_copy, tmp_path):
    from dataclasses import replace

    options = build_options(corpus_copy, tmp_path)
    build(options)
    first = (options.out / "related.json").read_bytes()
    build(options)
    assert (options.out / "related.json").read_bytes() == first
    options.related = replace(options.related, limit=2)
    build(options)
    related = json.loads((options.out / "related.json").read_text())
    assert all(len(entries) <= 2 for entries in related.values())
    assert max(len(entries) for entries in related.values()) == 2


def test_cached_term_counts_give_the_same_map(corpus_dir, tmp_path):
    from dataclasses import replace

    from feedsearch import store
    from feedsearch.related import TermCache

    options = build_options(corpus_dir, tmp_path)
    build(options)
    documents = list(store.iter_documents(options.index))
    cache = TermCache()
    fresh = related_map(documents, term_counts=cache)
    assert len(cache) == len(documents)
    changed = [replace(documents[0], text=documents[0].text + " Herons at dusk.",
                       content_hash="edited")] + documents[1:]
    assert related_map(changed, term_counts=cache) == related_map(changed)
    assert "edited" in cache
    assert related_map(documents, term_counts=cache) == fresh
