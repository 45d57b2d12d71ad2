"""Whole builds on real folders: outputs, incremental rebuilds, determinism, confinement."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from feedsearch import store
from feedsearch.build import BuildError, build
from feedsearch.search import search
from tests.conftest import build_options


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_writes_every_output_of_the_contract(built):
    out = built.out
    for name in ("feed.xml", "atom.xml", "feed.json", "related.json"):
        assert (out / name).stat().st_size > 0
    assert (out / "tags" / "grief" / "feed.xml").exists()
    assert (out / "tags" / "grief" / "atom.xml").exists()
    assert not any(p.name.endswith(".tmp") for p in out.rglob("*"))
    assert (built.index / "documents.sqlite").exists()
    assert not (built.out / "whoosh").exists()


def test_identical_input_gives_byte_identical_output(corpus_dir, tmp_path):
    first = build_options(corpus_dir, tmp_path / "a")
    second = build_options(corpus_dir, tmp_path / "b")
    build(first)
    build(second)
    assert _snapshot(first.out) == _snapshot(second.out)


def test_rebuild_with_nothing_changed_reads_nothing_again(corpus_copy, tmp_path):
    options = build_options(corpus_copy, tmp_path)
    first = build(options)
    before = _snapshot(options.out)
    second = build(options)
    assert (first.added, first.unchanged) == (27, 0)
    assert (second.added, second.updated, second.removed, second.unchanged) == (0, 0, 0, 27)
    assert [str(w) for w in second.warnings] == [str(w) for w in first.warnings]
    assert len(first.warnings) == 1
    assert _snapshot(options.out) == before


def test_rebuild_after_edit_add_and_delete(corpus_copy, tmp_path):
    options = build_options(corpus_copy, tmp_path)
    build(options)
    essay = corpus_copy / "asking-for-help.md"
    essay.write_text(essay.read_text().replace("grown adults", "grown adults and a heron"))
    (corpus_copy / "saying-no-at-work.md").unlink()
    (corpus_copy / "new-essay.md").write_text(
        "---\ntitle: A New Essay\ndate: 2024-05-01\ntags: [rest]\n---\n\n"
        "A brand new paragraph about quokkas and rest.\n")
    report = build(options)
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 25)
    assert search(options.index, "quokkas").results[0].slug == "new-essay"
    assert search(options.index, "heron grown adults").results[0].slug == "asking-for-help"
    assert search(options.index, '"yes, and here is what drops"').total == 0
    related = json.loads((options.out / "related.json").read_text())
    assert "saying-no-at-work" not in related
    assert "new-essay" in related
    exported = {d.slug for d in store.iter_documents(options.index)}
    assert "saying-no-at-work" not in exported and "new-essay" in exported
    # The store keeps the term counts of the essays it holds, and only theirs.
    with sqlite3.connect(options.index / store.STORE_NAME) as db:
        counted = {digest for (digest,) in db.execute("SELECT hash FROM term_counts")}
        held = {digest for (digest,) in db.execute("SELECT hash FROM documents")}
    assert counted == held and len(held) == 27


def test_incremental_equals_fresh_build(corpus_copy, tmp_path):
    options = build_options(corpus_copy, tmp_path / "incremental")
    build(options)
    (corpus_copy / "rest-is-not-a-reward.md").unlink()
    build(options)
    fresh = build_options(corpus_copy, tmp_path / "fresh")
    build(fresh)
    assert _snapshot(options.out) == _snapshot(fresh.out)


def test_changing_the_base_url_rebuilds_urls(corpus_copy, tmp_path):
    options = build_options(corpus_copy, tmp_path)
    build(options)
    options.base_url = "https://essays.example.net/"
    report = build(options)
    assert report.unchanged == 0
    hit = search(options.index, "glass choir").results[0]
    assert hit.url == "https://essays.example.net/what-my-father-left-behind/"


def test_bad_files_warn_and_the_rest_builds(tmp_path):
    source = tmp_path / "essays"
    source.mkdir()
    (source / "good.md").write_text("---\ntitle: Good\ndate: 2021-01-01\n---\n\nFine words.\n")
    (source / "empty.md").write_text("")
    (source / "binary.md").write_bytes(b"\x00\x01\x02PNG")
    (source / "broken.md").write_text("---\ntitle: [unclosed\n---\n\nBody.\n")
    options = build_options(source, tmp_path)
    report = build(options)
    assert report.documents == 1
    assert sorted(w.source for w in report.warnings) == ["binary.md", "broken.md", "empty.md"]
    assert report.skipped == 3
    assert search(options.index, "fine words").results[0].slug == "good"


def test_output_folders_must_not_overlap(corpus_dir, tmp_path):
    with pytest.raises(BuildError, match="separate folders"):
        build(build_options(corpus_dir, tmp_path, index=tmp_path / "public" / "index"))
    with pytest.raises(BuildError, match="does not exist"):
        build(build_options(tmp_path / "missing", tmp_path))


def test_outputs_inside_the_source_are_not_read_back(corpus_copy, tmp_path):
    options = build_options(corpus_copy, tmp_path, out=corpus_copy / "public",
                            index=corpus_copy / "index")
    build(options)
    report = build(options)
    assert report.documents == 27
    assert [w.source for w in report.warnings] == ["when-your-teenager-stops-talking.md"]


def test_hostile_slug_cannot_escape_the_output_folder(tmp_path):
    source = tmp_path / "essays"
    source.mkdir()
    (source / "evil.md").write_text(
        "---\ntitle: Evil\nslug: ../../../outside\ndate: 2021-01-01\ntags: ['../../x', '/etc']\n"
        "---\n\nWords.\n")
    options = build_options(source, tmp_path / "work")
    build(options)
    written = {p.resolve() for p in tmp_path.rglob("*") if p.is_file()}
    allowed = (source.resolve(), options.out.resolve(), options.index.resolve())
    assert all(any(p.is_relative_to(root) for root in allowed) for p in written)
    assert search(options.index, "words").results[0].slug == "outside"


def test_stale_tag_feeds_are_removed(corpus_copy, tmp_path):
    options = build_options(corpus_copy, tmp_path)
    build(options)
    assert (options.out / "tags" / "vulnerability").is_dir()
    essay = corpus_copy / "asking-for-help.md"
    essay.write_text(essay.read_text().replace("vulnerability, ", ""))
    build(options)
    assert not (options.out / "tags" / "vulnerability").exists()
    assert (options.out / "tags" / "therapy").is_dir()


def test_a_rebuild_with_nothing_changed_writes_nothing_but_restores_what_is_missing(
        corpus_copy, tmp_path):
    options = build_options(corpus_copy, tmp_path)
    build(options)
    before = {p: p.stat().st_mtime_ns for p in options.out.rglob("*") if p.is_file()}
    report = build(options)
    assert {p: p.stat().st_mtime_ns for p in options.out.rglob("*") if p.is_file()} == before
    assert sorted(report.outputs) == sorted(before)
    feed = options.out / "feed.xml"
    content = feed.read_bytes()
    feed.unlink()
    build(options)
    assert feed.read_bytes() == content


def test_an_edit_rewrites_only_the_outputs_it_changes(corpus_copy, tmp_path):
    options = build_options(corpus_copy, tmp_path)
    build(options)
    before = {p: (p.stat().st_mtime_ns, p.read_bytes())
              for p in options.out.rglob("*") if p.is_file()}
    essay = corpus_copy / "saying-no-at-work.md"  # tagged work, boundaries, burnout
    essay.write_text(essay.read_text() + "\nOne more sentence about boundaries.\n")
    build(options)
    rewritten = {p.relative_to(options.out).as_posix() for p, (mtime, _) in before.items()
                 if p.stat().st_mtime_ns != mtime}
    assert "tags/boundaries/feed.xml" in rewritten and "feed.xml" in rewritten
    assert "tags/grief/feed.xml" not in rewritten and "tags/parenting/atom.xml" not in rewritten
    for path, (_, content) in before.items():
        if path.relative_to(options.out).as_posix() not in rewritten:
            assert path.read_bytes() == content


def test_an_essay_whose_namesake_goes_keeps_no_stale_url(tmp_path):
    """Two essays share a slug, so the second is "mornings-2"; once the first is renamed
    away the second is "mornings" again, and its URL too: an incremental build equals a
    fresh one, byte for byte (the fuzzer found the stale "mornings-2" URL)."""
    source = tmp_path / "essays"
    (source / "a").mkdir(parents=True)
    (source / "b").mkdir()
    for folder, tag in (("a", "tea"), ("b", "tea")):
        (source / folder / "mornings.md").write_text(
            f"---\ntitle: Mornings in {folder}\ndate: 2024-01-0{1 + (folder == 'b')}\n"
            f"tags: [{tag}]\n---\n\nThe kettle and the window, in {folder}.\n",
            encoding="utf-8")
    incremental = build_options(source, tmp_path / "incremental")
    build(incremental)
    (source / "a" / "mornings.md").rename(source / "a" / "evenings.md")
    build(incremental)
    fresh = build_options(source, tmp_path / "fresh")
    build(fresh)
    assert _snapshot(Path(incremental.out)) == _snapshot(Path(fresh.out))
    related = json.loads((Path(incremental.out) / "related.json").read_text("utf-8"))
    assert related["evenings"][0]["url"].endswith("/mornings/")
