"""Limits on what one file can claim: each over-limit file is one warning, the rest of the
archive is built, and nothing runs for minutes or eats memory. Plus the smaller holes: a
base URL that breaks URL parsing, a UTF-16 feed, a YAML !!set of tags."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from feedsearch import essays
from feedsearch.build import build
from feedsearch.cli import cli
from feedsearch.search import SearchError, search
from tests.conftest import archive_with as archive_of
from tests.conftest import build_options


def archive_with(tmp_path: Path, name: str, content: str | bytes) -> Path:
    return archive_of(tmp_path, {name: content})


def build_timed(tmp_path: Path, source: Path, **options):
    started = time.monotonic()
    report = build(build_options(source, tmp_path, **options))
    return report, time.monotonic() - started


def warnings_for(report, name: str) -> list[str]:
    return [w.reason for w in report.warnings if w.source == name]


def test_a_yaml_alias_bomb_is_one_warning(tmp_path):
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for number, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[number]
        levels.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    bomb = "---\ntitle: Laughs\n" + "\n".join(levels) + "\ntags: *i\n---\n\nBody.\n"
    source = archive_with(tmp_path, "bomb.md", bomb)
    report, seconds = build_timed(tmp_path, source)
    assert seconds < 30
    [reason] = warnings_for(report, "bomb.md")
    assert "YAML aliases" in reason
    assert report.documents == 1


def test_ten_thousand_tags_are_cut_to_the_limit(tmp_path):
    tags = ", ".join(f"t{n}" for n in range(10_000))
    source = archive_with(tmp_path, "tags.md", f"---\ntitle: Tags\ndate: 2024-01-01\n"
                                               f"tags: [{tags}]\n---\n\nHerons.\n")
    report, seconds = build_timed(tmp_path, source)
    assert seconds < 60
    assert warnings_for(report, "tags.md") == ["10,000 tags; only the first 100 are kept"]
    tagged = essays.get_essay(tmp_path / "index", "tags")
    assert len(tagged.tags) == 100
    assert len(list((tmp_path / "public" / "tags").iterdir())) == 101  # and the canary's


@pytest.mark.parametrize("page", [
    "<html><head><title>Deep</title></head><body>" + "<div>" * 100_000 + "herons"
    + "</div>" * 100_000 + "</body></html>",
    "<html><head><title>Open</title></head><body><p>Herons.</p>" + "<span>" * 8_000
    + "end</body></html>",
])
def test_html_nested_without_end_is_refused_or_read_quickly(tmp_path, page):
    source = archive_with(tmp_path, "page.html", page)
    report, seconds = build_timed(tmp_path, source)
    assert seconds < 30
    assert len(warnings_for(report, "page.html")) <= 1
    assert "canary" in {d.slug for d in essays.list_essays(tmp_path / "index")}


def test_a_fifo_is_skipped_never_opened(tmp_path):
    source = archive_with(tmp_path, "placeholder.txt", "")
    (source / "placeholder.txt").unlink()
    os.mkfifo(source / "x.md")
    command = [sys.executable, "-m", "feedsearch", "build", str(source), "--out",
               str(tmp_path / "out"), "--index", str(tmp_path / "index")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "warning: x.md: a FIFO (named pipe), not a file; skipped, never read" in result.stderr
    checked = subprocess.run([sys.executable, "-m", "feedsearch", "check", str(source)],
                             capture_output=True, text=True, timeout=60)
    assert "x.md: a FIFO" in checked.stdout


def test_a_character_device_is_skipped_never_read(tmp_path):
    source = archive_with(tmp_path, "placeholder.txt", "")
    (source / "placeholder.txt").unlink()
    try:
        os.mknod(source / "zero.md", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero
    except PermissionError:
        pytest.skip("making a device file needs root")
    report, seconds = build_timed(tmp_path, source)
    assert seconds < 30
    assert warnings_for(report, "zero.md") == [
        "a character device, not a file; skipped, never read"]


def test_query_words_and_length_are_bounded(built):
    started = time.monotonic()
    with pytest.raises(SearchError, match="a word of 30,000 characters"):
        search(built.index, "grief " + "x" * 30_000)
    with pytest.raises(SearchError, match="the query has 65 words"):
        search(built.index, " ".join(["grief"] * 65))
    assert time.monotonic() - started < 5
    result = CliRunner().invoke(cli, ["search", "y" * 5000, "--index", str(built.index)])
    assert result.exit_code == 1 and "characters" in result.stderr


@pytest.mark.parametrize("url", ["http://[::1", "https://example.org:port/"])
def test_a_base_url_that_does_not_parse_is_a_usage_error(tmp_path, corpus_dir, url):
    result = CliRunner().invoke(cli, ["build", str(corpus_dir), "--out", str(tmp_path / "o"),
                                      "--index", str(tmp_path / "i"), "--base-url", url])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "not an http(s) URL" in result.stderr
    assert not (tmp_path / "o").exists()


FEED = """<?xml version="1.0" encoding="UTF-16"?>
<rss version="2.0"><channel><title>Wide</title><link>https://wide.example/</link>
<item><title>Héron à l’aube</title><link>https://wide.example/heron/</link>
<pubDate>Tue, 02 Jan 2024 10:00:00 +0000</pubDate>
<description>&lt;p&gt;Le héron attend dans l’eau froide.&lt;/p&gt;</description></item>
</channel></rss>
"""


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_a_utf16_or_utf32_feed_is_read(tmp_path, encoding):
    data = FEED.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    source = archive_with(tmp_path, "feed.xml", data)
    report, _ = build_timed(tmp_path, source)
    essay = essays.get_essay(tmp_path / "index", "heron")
    assert essay.title == "Héron à l’aube" and "eau froide" in essay.text
    assert report.documents == 2


def test_a_yaml_set_of_tags_gives_the_same_feeds_in_every_process(tmp_path):
    source = archive_with(tmp_path, "set.md", "---\ntitle: Set\ndate: 2024-01-01\n"
                          "tags: !!set {grief: null, rest: null, work: null, sleep: null}\n"
                          "---\n\nHerons.\n")
    feeds = []
    for seed in ("1", "2", "3"):
        out = tmp_path / f"out{seed}"
        subprocess.run([sys.executable, "-m", "feedsearch", "build", str(source), "--out",
                        str(out), "--index", str(tmp_path / f"index{seed}"), "--quiet"],
                       env={**os.environ, "PYTHONHASHSEED": seed}, check=True, timeout=120)
        feeds.append((out / "feed.xml").read_bytes())
    assert feeds[0] == feeds[1] == feeds[2]
    entry = next(e for e in feedparser.parse(feeds[0]).entries if e.title == "Set")
    assert [t.term for t in entry.tags] == ["grief", "rest", "sleep", "work"]
