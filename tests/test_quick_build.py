"""The preview's quick build (``build(options, quick=True)``, run by ``feedsearch serve``
after an edit): the edit is in the search index and the store at once, the outputs and the
related map are left as they were, and the whole build that follows makes exactly what a
whole build would have made without it."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from conftest import build_options

from feedsearch import interrupts, store
from feedsearch.build import BuildInterrupted, build
from feedsearch.search import search

ESSAY = "2018-06-11-grief-has-no-schedule.md"
NEW_TITLE = "Grief Keeps Its Own Calendar"


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def edit(source: Path) -> None:
    path = source / ESSAY
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('title: "Grief Has No Schedule"', f'title: "{NEW_TITLE}"')
                    + "\nA new closing line about the apricot tin and the seasons.\n",
                    encoding="utf-8")


def stored_title(index: Path) -> str:
    return store.load_documents(index, bodies=False)[ESSAY].title


def test_a_quick_build_shows_the_edit_and_leaves_the_outputs_and_related_map(corpus_copy,
                                                                              tmp_path):
    options = build_options(corpus_copy, tmp_path)
    build(options)
    out_before = files_under(options.out)
    related_before = store.load_related(options.index)
    edit(corpus_copy)

    report = build(options, quick=True)

    assert report.updated == 1
    assert stored_title(options.index) == NEW_TITLE
    hits = search(options.index, "apricot tin seasons calendar", limit=3).results
    assert hits and hits[0].title == NEW_TITLE
    assert files_under(options.out) == out_before  # feeds, related map: as they were
    assert store.load_related(options.index) == related_before
    assert store.get_meta(options.index).get("behind") == "1"


def test_the_whole_build_after_a_quick_one_makes_what_a_whole_build_makes(corpus_copy,
                                                                         tmp_path):
    # Two copies of one archive, edited alike: one built quick then whole (as the preview
    # does), the other whole at once. A quick build changes no file in SOURCE, so the
    # whole build after it finds nothing changed, and must still bring related posts and
    # the outputs up to date.
    other_source = tmp_path / "other"
    shutil.copytree(corpus_copy, other_source)
    preview = build_options(corpus_copy, tmp_path / "preview")
    plain = build_options(other_source, tmp_path / "plain")
    build(preview)
    build(plain)
    for source in (corpus_copy, other_source):  # one essay edited, one removed
        edit(source)
        (source / "burnout-is-not-a-character-flaw.md").unlink()

    build(preview, quick=True)
    build(preview)
    build(plain)

    assert files_under(preview.out) == files_under(plain.out)
    assert store.load_related(preview.index) == store.load_related(plain.index)
    assert "behind" not in store.get_meta(preview.index)
    made = files_under(preview.out)
    assert NEW_TITLE.encode() in made["feed.json"] or NEW_TITLE.encode() in made["related.json"]


def test_quick_builds_in_a_row_leave_the_map_behind_until_a_whole_one(corpus_copy, tmp_path):
    options = build_options(corpus_copy, tmp_path)
    build(options)
    related_before = store.load_related(options.index)
    edit(corpus_copy)
    build(options, quick=True)
    build(options, quick=True)  # nothing changed since the first: still behind
    assert store.get_meta(options.index).get("behind") == "1"
    assert store.load_related(options.index) == related_before
    build(options)
    related_after = store.load_related(options.index)
    assert related_after != related_before
    assert "behind" not in store.get_meta(options.index)


def test_a_quick_build_of_nothing_is_a_whole_build(corpus_copy, tmp_path):
    options = build_options(corpus_copy, tmp_path)
    report = build(options, quick=True)
    assert report.documents > 0
    assert (options.out / "atom.xml").is_file()
    assert store.load_related(options.index)


def test_a_whole_build_given_up_for_a_newer_edit_leaves_the_last_build(corpus_copy,
                                                                         tmp_path):
    # The preview gives a whole build up when another edit is saved (serve.py): it stops
    # at a safe point, as an interrupted build does, and the next whole build catches up.
    options = build_options(corpus_copy, tmp_path)
    build(options)
    out_before = files_under(options.out)
    edit(corpus_copy)
    build(options, quick=True)
    newer_edit = threading.Event()
    newer_edit.set()
    with interrupts.supersedable(newer_edit), pytest.raises(BuildInterrupted) as stopped:
        build(options)
    assert isinstance(stopped.value.__cause__, interrupts.Superseded)
    assert files_under(options.out) == out_before
    assert store.get_meta(options.index).get("behind") == "1"
    build(options)  # outside: not given up
    assert "behind" not in store.get_meta(options.index)
    assert files_under(options.out) != out_before
