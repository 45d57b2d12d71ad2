"""Essays with no date, visibly: counted in the build's notes, listed by ``check`` with the
fix for each, and dated by their files' modification times with ``--undated mtime``."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import feedparser
from click.testing import CliRunner

from feedsearch.build import build
from feedsearch.cli import cli
from tests.conftest import build_options

UNDATED = {
    "copied.txt": "A Copied Essay\n\nAn essay copied from a browser, with no date.\n",
    "notes.md": "---\ntitle: Notes on Rain\n---\nRain on the roof all night.\n",
}
DATED = {"2021-04-02-dated.md": "---\ntitle: A Dated Essay\n---\nThe dated one.\n"}
MTIME = datetime(2020, 5, 6, 7, 8, 9, tzinfo=UTC)


def _archive(tmp_path, files):
    source = tmp_path / "essays"
    source.mkdir()
    for name, text in files.items():
        (source / name).write_text(text, encoding="utf-8")
        os.utime(source / name, (MTIME.timestamp(), MTIME.timestamp()))
    return source


def _feed_titles(out) -> list[str]:
    return [entry.title for entry in feedparser.parse(str(out / "feed.xml")).entries]


def test_the_build_counts_essays_left_out_of_the_feeds_for_want_of_a_date(tmp_path):
    source = _archive(tmp_path, {**UNDATED, **DATED})
    report = build(build_options(source, tmp_path))
    assert "2 essays with no date left out of the feeds (searchable; `feedsearch check` " \
           "lists them with the fix for each, --undated mtime dates them by their files' " \
           "modification times)" in report.notes
    assert _feed_titles(tmp_path / "public") == ["A Dated Essay"]
    reasons = {w.source: w.reason for w in report.warnings}
    assert reasons["notes.md"].endswith("add date: YYYY-MM-DD to its front matter or start "
                                        "its file name with the date (YYYY-MM-DD-notes.md)")
    assert "add a date line under the title (March 3, 2024)" in reasons["copied.txt"]


def test_undated_mtime_dates_essays_by_their_files_and_puts_all_in_the_feeds(tmp_path):
    source = _archive(tmp_path, {**UNDATED, **DATED})
    report = build(build_options(source, tmp_path, undated="mtime"))
    assert sorted(_feed_titles(tmp_path / "public")) == ["A Copied Essay", "A Dated Essay",
                                                      "Notes on Rain"]
    entries = feedparser.parse(str(tmp_path / "public" / "feed.xml")).entries
    dates = {e.title: datetime(*e.published_parsed[:6], tzinfo=UTC) for e in entries}
    assert dates["Notes on Rain"] == MTIME and dates["A Copied Essay"] == MTIME
    assert dates["A Dated Essay"] == datetime(2021, 4, 2, tzinfo=UTC)  # its own date wins
    assert "2 essays with no date dated by their files' modification time " \
           "(--undated mtime)" in report.notes
    assert not [w for w in report.warnings if "left out of the feeds" in w.reason]


def test_switching_undated_back_to_skip_leaves_them_out_again(tmp_path):
    source = _archive(tmp_path, UNDATED)
    build(build_options(source, tmp_path, undated="mtime"))
    assert len(_feed_titles(tmp_path / "public")) == 2
    report = build(build_options(source, tmp_path))  # an incremental build, skip again
    assert _feed_titles(tmp_path / "public") == []
    assert any("no essay has a date" in w.reason for w in report.warnings)


def test_undated_is_a_flag_and_a_config_key(tmp_path):
    source = _archive(tmp_path, UNDATED)
    (tmp_path / "feedsearch.toml").write_text(
        f'[paths]\nsource = "{source}"\nout = "{tmp_path / "out"}"\n'
        f'index = "{tmp_path / "idx"}"\n[feeds]\nundated = "mtime"\n', encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["--config", str(tmp_path / "feedsearch.toml"), "build"])
    assert result.exit_code == 0, result.output
    assert len(_feed_titles(tmp_path / "out")) == 2
    bad = runner.invoke(cli, ["build", str(source), "--out", str(tmp_path / "o2"), "--index",
                              str(tmp_path / "i2"), "--undated", "never"])
    assert bad.exit_code == 2 and "'never' is not one of 'skip', 'mtime'" in bad.output


def test_check_lists_undated_essays_with_the_fix(tmp_path):
    source = _archive(tmp_path, {**UNDATED, **DATED})
    result = CliRunner().invoke(cli, ["check", str(source), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["undated"] == ["copied.txt", "notes.md"]
    problems = {p["source"]: p["problem"] for p in report["problems"]}
    assert "left out of the feeds: add date: YYYY-MM-DD" in problems["notes.md"]
    text = CliRunner().invoke(cli, ["check", str(source)])
    assert "2 essays with no date, left out of the feeds until given one (the fix for each " \
           "is above)\n3 essays read, 2 problems" in text.stderr
