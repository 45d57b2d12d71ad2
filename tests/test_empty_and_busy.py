"""A build that makes empty feeds says why; a search that finds nothing while a build of its
index runs says so."""

from __future__ import annotations

from click.testing import CliRunner

from feedsearch import locking
from feedsearch.build import build
from feedsearch.cli import cli
from feedsearch.search import search
from tests.conftest import build_options


def test_an_empty_folder_is_a_warning_not_a_silent_success(tmp_path):
    source = tmp_path / "essays"
    source.mkdir()
    (source / "notes.xlsx").write_bytes(b"not read")
    report = build(build_options(source, tmp_path))
    assert [w.reason for w in report.warnings] == [
        "holds no file feedsearch reads (Markdown, HTML, text, Word, exports, saved feeds); "
        "the feeds are empty"]
    strict = CliRunner().invoke(cli, ["build", str(source), "--out", str(tmp_path / "o"),
                                      "--index", str(tmp_path / "i"), "--strict"])
    assert strict.exit_code == 1


def test_essays_without_dates_warn_that_the_feeds_are_empty(tmp_path):
    source = tmp_path / "essays"
    source.mkdir()
    (source / "copied.txt").write_text("A Title\n\nAn essay copied from a browser.\n",
                                       encoding="utf-8")
    report = build(build_options(source, tmp_path))
    assert report.documents == 1
    assert "no essay has a date, so the feeds have no entries" in str(report.warnings[-1])


def test_a_search_during_a_build_says_a_build_is_running(built, tmp_path):
    lock = built.index / locking.LOCK_NAME
    with locking.exclusive(lock, 1):
        busy = search(built.index, "zzzqqqnothing")
        text = CliRunner().invoke(cli, ["search", "zzzqqqnothing", "--index",
                                        str(built.index)])
        found = search(built.index, "grief")
    assert busy.building and not found.building
    assert "A build of this index is running" in text.stdout
    assert not search(built.index, "zzzqqqnothing").building
