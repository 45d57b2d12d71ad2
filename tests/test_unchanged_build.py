"""A build that finds nothing changed since the last (unchanged.py): it reports what the
whole build would have reported, leaves every output as it was, and reads no stored essay;
and whatever did change since is built as the whole build builds it."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import CORPUS, build_options, first_in_make_test

from feedsearch import store
from feedsearch.build import build
from feedsearch.settings import RelatedOptions

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
ESSAY = "2018-06-11-grief-has-no-schedule.md"


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def shown(report) -> tuple[dict, list[str]]:
    """All a person or a script is told of a build but its time."""
    told = report.to_dict()
    told.pop("seconds")
    return told, report.output_lines


def settled(source: Path) -> Path:
    """Every file of ``source`` last changed an hour ago, as in an archive at rest: a file
    changed within the last two seconds could change again unseen by its time, so a build
    reads it again whatever its time says."""
    an_hour_ago = time.time() - 3600
    for path in source.rglob("*"):
        if path.is_file() and not path.is_symlink():
            os.utime(path, (an_hour_ago, an_hour_ago))
    return source


def whole(options):
    """The whole build, as it runs when the last build left no record to reuse."""
    store.update_meta(options.index, {"unchanged": ""})
    return build(options)


def mixed_archive(root: Path) -> Path:
    """The sample essays with a little of everything a real archive holds besides: an
    export of many posts and a broken one, an undated essay, a draft, an untitled one, an
    empty file, a document no reader takes, a second essay with a taken slug, a link to
    nowhere, a file whose name is not UTF-8."""
    source = root / "essays"
    shutil.copytree(CORPUS, source)
    shutil.copy(EXPORTS / "wordpress-classic.xml", source / "wordpress-classic.xml")
    shutil.copy(EXPORTS / "broken.xml", source / "broken.xml")
    (source / "undated.md").write_text("---\ntitle: No Date Here\n---\n\nWords of an "
                                       "undated essay about the kettle.\n")
    (source / "a-draft.md").write_text("---\ntitle: Half Done\ndate: 2023-03-03\ndraft: true"
                                       "\n---\n\nNot yet.\n")
    (source / "untitled.md").write_text("Only a line, with no title and no date.\n")
    (source / "empty.md").write_text("")
    (source / "notes.pages").write_bytes(b"PK\x03\x04 not a file any reader takes")
    (source / "again").mkdir()
    shutil.copy(source / ESSAY, source / "again" / ESSAY)
    os.symlink(root / "nowhere.md", source / "dangling.md")
    (source / os.fsdecode(b"caf\xe9-latin1-name.md")).write_text("---\ntitle: Cafe\n---\n")
    return settled(source)


def test_nothing_changed_tells_what_the_whole_build_tells(tmp_path):
    # No base URL: the build's own note comes before the read's.
    options = build_options(mixed_archive(tmp_path), tmp_path, base_url=None)
    first = build(options)
    written = files_under(options.out)
    assert first.warnings and first.skipped and first.drafts and first.notes  # a mix

    again = build(options)
    assert (again.unchanged, again.warnings, again.notes) == \
        (first.documents, first.warnings, first.notes)
    assert files_under(options.out) == written
    assert shown(whole(options)) == shown(again)
    assert files_under(options.out) == written


def test_nothing_changed_reads_no_stored_essay_and_a_change_then_heals_the_store(tmp_path):
    options = build_options(mixed_archive(tmp_path), tmp_path)
    first = build(options)
    with sqlite3.connect(store.store_path(options.index)) as db:
        db.execute("UPDATE documents SET data = 'not a record' WHERE source = ?", (ESSAY,))
    db.close()

    again = build(options)  # nothing changed: the damaged record is never read
    assert (again.unchanged, again.notes) == (first.documents, first.notes)

    (options.source / "undated.md").write_text("---\ntitle: No Date Here\n---\n\nWords of "
                                               "an undated essay about the kettle, again.\n")
    healed = build(options)
    assert any("was damaged; rebuilt from the sources" in note for note in healed.notes)
    assert healed.documents == first.documents
    assert store.load_documents(options.index)[ESSAY].title == "Grief Has No Schedule"


def _edit(source: Path) -> None:
    path = source / ESSAY
    path.write_text(path.read_text() + "\nA line added about the apricot tin.\n")


def _add(source: Path) -> None:
    (source / "2024-05-05-a-new-one.md").write_text(
        "---\ntitle: A New One\ndate: 2024-05-05\n---\n\nNew words on grief and kettles.\n")


def _remove(source: Path) -> None:
    (source / ESSAY).unlink()


def _fix_the_empty_file(source: Path) -> None:
    (source / "empty.md").write_text("---\ntitle: Filled\ndate: 2024-06-06\n---\n\nNow full.\n")


def _replace_the_unread_document(source: Path) -> None:
    (source / "notes.pages").unlink()
    (source / "notes.md").write_text("---\ntitle: Notes\ndate: 2024-07-07\n---\n\nNotes.\n")


CHANGES = {"an essay edited": _edit, "an essay added": _add, "an essay removed": _remove,
           "a skipped file mended": _fix_the_empty_file,
           "a document no reader takes saved as Markdown": _replace_the_unread_document}


@pytest.mark.parametrize("change", first_in_make_test(CHANGES))
def test_a_change_after_nothing_changed_is_built_as_a_whole_build_builds_it(tmp_path, change):
    # Two copies of one archive: one built twice (the second finds nothing changed), the
    # other once, then each built after the same change.
    options = build_options(mixed_archive(tmp_path / "a"), tmp_path / "a")
    other = build_options(mixed_archive(tmp_path / "b"), tmp_path / "b")
    build(options)
    build(options)
    build(other)
    for source in (options.source, other.source):
        CHANGES[change](source)
        settled(source)

    changed, expected = build(options), build(other)
    assert changed.added + changed.updated + changed.removed + changed.skipped
    assert _told(changed, tmp_path / "a") == _told(expected, tmp_path / "b")
    assert files_under(options.out) == files_under(other.out)
    assert shown(build(options)) == shown(whole(options))  # at rest again


def _told(report, root: Path) -> str:
    return str(shown(report)).replace(str(root), "ROOT")


def test_settings_and_outputs_changed_since_are_built(tmp_path):
    options = build_options(mixed_archive(tmp_path), tmp_path)
    first = build(options)
    build(options)

    with_drafts = build(build_options(options.source, tmp_path, include_drafts=True))
    assert with_drafts.documents == first.documents + first.drafts  # drafts, now published

    build(options)
    (options.out / "feed.json").unlink()
    assert (options.out / "feed.json") in [Path(p) for p in build(options).outputs]
    assert (options.out / "feed.json").is_file()

    longer = build(build_options(options.source, tmp_path,
                                 related=RelatedOptions(limit=7)))
    assert longer.documents == first.documents
    assert any(len(entries) == 7 for entries in store.load_related(options.index).values())


def test_an_essay_held_back_for_its_date_comes_when_the_date_does(tmp_path):
    source = shutil.copytree(CORPUS, tmp_path / "essays")
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2)
    (source / "soon.md").write_text(f"---\ntitle: Soon\ndate: {soon.isoformat()}\n---\n\n"
                                    "Words that wait for their day.\n")
    settled(source)
    options = build_options(source, tmp_path)
    first = build(options)
    assert first.future == 1
    time.sleep((soon - datetime.now(UTC)).total_seconds() + 0.1)
    later = build(options)  # no file changed, but the date came
    assert later.future == 0 and later.added == 1
