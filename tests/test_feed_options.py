"""Feed options and safety, through real builds and feeds read back by feedparser."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import lxml.etree
from click.testing import CliRunner

from feedsearch.build import build
from feedsearch.cli import cli
from tests.conftest import build_options

HOSTILE_BODY = """---
title: Hostile
date: 2021-05-01
tags: [safety]
---

<p onclick="steal()">Click <a href="javascript:alert(1)">here</a> and
<a href="/about/">about</a>.</p>
<script>alert("x")</script>
<iframe src="https://evil.example/"></iframe>
<img src="pic.jpg" onerror="steal()" srcset="pic-2x.jpg 2x">

A closing ]]> in the text, and a control character: \x01.
"""


def _essays(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _parse(path: Path):
    parsed = feedparser.parse(path.read_bytes(), sanitize_html=False,
                              resolve_relative_uris=False)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def test_hostile_content_is_sanitised_in_every_format(tmp_path):
    source = _essays(tmp_path / "essays", {"hostile.md": HOSTILE_BODY})
    options = build_options(source, tmp_path)
    build(options)
    contents = [_parse(options.out / name).entries[0].content[0].value
                for name in ("feed.xml", "atom.xml")]
    contents.append(json.loads((options.out / "feed.json").read_text())["items"][0]
                    ["content_html"])
    for content in contents:
        lowered = content.lower()
        for bad in ("<script", "<iframe", "onclick", "onerror", "javascript:", "\x01"):
            assert bad not in lowered, (bad, content)
        assert 'href="https://marenholt.example/about/"' in content
        assert 'src="https://marenholt.example/hostile/pic.jpg"' in content
        assert "https://marenholt.example/hostile/pic-2x.jpg 2x" in content
        assert "]]&gt;" in content or "]]>" in content


def test_summary_only_feeds_carry_no_full_text(corpus_dir, tmp_path):
    options = build_options(corpus_dir, tmp_path, full_content=False)
    build(options)
    rss = (options.out / "feed.xml").read_text()
    atom = (options.out / "atom.xml").read_text()
    assert "content:encoded" not in rss and "<content" not in atom
    assert "<description>" in rss and '<summary type="html">' in atom
    items = json.loads((options.out / "feed.json").read_text())["items"]
    assert all("content_html" not in item and item["content_text"] for item in items)


def test_author_feeds_hold_only_that_authors_essays(corpus_dir, tmp_path):
    options = build_options(corpus_dir, tmp_path, author_feeds=True)
    build(options)
    guest = _parse(options.out / "authors" / "daniel-okafor" / "atom.xml")
    assert [e.title for e in guest.entries] == ["Therapy Is Not Only for Crises"]
    host = _parse(options.out / "authors" / "maren-j-holt" / "feed.xml")
    assert len(host.entries) == 20
    options.author_feeds = False
    build(options)
    assert not (options.out / "authors" / "daniel-okafor").exists()


def test_no_tag_feeds(corpus_dir, tmp_path):
    options = build_options(corpus_dir, tmp_path, tag_feeds=False)
    build(options)
    assert not (options.out / "tags").exists()


def test_xsl_stylesheet_is_written_linked_and_renders(corpus_dir, tmp_path):
    options = build_options(corpus_dir, tmp_path, xsl=True)
    build(options)
    stylesheet = options.out / "feed.xsl"
    assert stylesheet.exists()
    transform = lxml.etree.XSLT(lxml.etree.parse(str(stylesheet)))
    for name in ("feed.xml", "atom.xml", "tags/grief/atom.xml"):
        raw = (options.out / name).read_bytes()
        assert b'<?xml-stylesheet type="text/xsl" href="https://marenholt.example/feed.xsl"?>' \
            in raw.split(b"\n")[1]
        _parse(options.out / name)
        page = str(transform(lxml.etree.parse(str(options.out / name))))
        assert "<html" in page and "web feed" in page
        assert "How to Sit With a Grieving Friend" in page


def test_websub_hub_in_all_formats(corpus_dir, tmp_path):
    hub = "https://hub.example/"
    options = build_options(corpus_dir, tmp_path, websub_hub=hub)
    build(options)
    for name in ("feed.xml", "atom.xml"):
        links = _parse(options.out / name).feed.links
        assert {"rel": "hub", "href": hub} in [{"rel": x.get("rel"), "href": x.get("href")}
                                               for x in links]
    assert json.loads((options.out / "feed.json").read_text())["hubs"] == [
        {"type": "WebSub", "url": hub}]


def test_atom_content_carries_the_essays_url_as_xml_base(built):
    tree = lxml.etree.parse(str(built.out / "atom.xml"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    for entry in tree.iterfind("a:entry", ns):
        link = entry.find("a:link", ns).get("href")
        base = entry.find("a:content", ns).get("{http://www.w3.org/XML/1998/namespace}base")
        assert base == link


def test_time_zone_for_dates_without_one(tmp_path):
    from zoneinfo import ZoneInfo

    source = _essays(tmp_path / "essays", {
        "a.md": "---\ntitle: A\ndate: 2021-03-01 09:00\n---\n\nWords.\n",
        "b.md": "---\ntitle: B\ndate: 2021-03-02T09:00:00+05:00\n---\n\nWords.\n"})
    options = build_options(source, tmp_path, default_tz=ZoneInfo("Europe/Berlin"))
    build(options)
    items = json.loads((options.out / "feed.json").read_text())["items"]
    dates = {item["title"]: item["date_published"] for item in items}
    assert dates == {"A": "2021-03-01T09:00:00+01:00", "B": "2021-03-02T09:00:00+05:00"}


def test_future_essays_wait_for_their_date(tmp_path):
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    source = _essays(tmp_path / "essays", {
        "now.md": "---\ntitle: Now\ndate: 2021-01-01\n---\n\nWords.\n",
        "later.md": f"---\ntitle: Later\ndate: {tomorrow}\n---\n\nWords.\n"})
    options = build_options(source, tmp_path)
    report = build(options)
    assert (report.documents, report.future) == (1, 1)
    assert [e.title for e in _parse(options.out / "feed.xml").entries] == ["Now"]
    options.include_future = True
    report = build(options)
    assert (report.documents, report.future) == (2, 0)
    assert [e.title for e in _parse(options.out / "feed.xml").entries] == ["Later", "Now"]


def test_drafts_are_left_out_unless_asked_for(tmp_path):
    source = _essays(tmp_path / "essays", {
        "done.md": "---\ntitle: Done\ndate: 2021-01-01\n---\n\nWords.\n",
        "draft.md": "---\ntitle: Draft\ndate: 2021-01-02\ndraft: true\n---\n\nWords.\n"})
    options = build_options(source, tmp_path)
    assert build(options).drafts == 1
    assert [e.title for e in _parse(options.out / "atom.xml").entries] == ["Done"]
    options.include_drafts = True
    build(options)
    assert [e.title for e in _parse(options.out / "atom.xml").entries] == ["Draft", "Done"]


def test_entry_ids_survive_edits_to_text_title_and_date(corpus_copy, tmp_path):
    options = build_options(corpus_copy, tmp_path)
    build(options)
    before = {e.link: e.id for e in _parse(options.out / "atom.xml").entries}
    essay = corpus_copy / "saying-no-at-work.md"
    text = essay.read_text().replace("2021-09-13", "2021-09-20")
    text = text.replace("Saying No at Work Without Burning a Bridge", "Saying No at Work")
    essay.write_text(text + "\nA new closing line.\n")
    build(options)
    after = {e.link: e.id for e in _parse(options.out / "atom.xml").entries}
    assert after == before


def test_feed_option_values_are_checked(tmp_path, corpus_dir):
    base = ["build", str(corpus_dir), "--out", str(tmp_path / "o"), "--index", str(tmp_path / "i")]
    for extra, message in (
        (["--language", "english!"], "language code"),
        (["--timezone", "Mars/Olympus"], "unknown time zone"),
        (["--base-url", "ftp://x.example/"], "http(s) URL"),
        (["--websub-hub", "hub"], "http(s) URL"),
        (["--feed-limit", "0"], "--feed-limit"),
    ):
        result = CliRunner().invoke(cli, base + extra)
        assert result.exit_code == 2, (extra, result.output)
        assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o").exists()


def test_cli_feed_flags_reach_the_feeds(tmp_path, corpus_dir):
    out = tmp_path / "o"
    result = CliRunner().invoke(cli, [
        "build", str(corpus_dir), "--out", str(out), "--index", str(tmp_path / "i"),
        "--base-url", "https://marenholt.example/", "--language", "en-GB", "--feed-limit", "3",
        "--summary-only", "--author-feeds", "--xsl", "--websub-hub", "https://hub.example/"])
    assert result.exit_code == 0, result.output
    rss = _parse(out / "feed.xml")
    assert len(rss.entries) == 3 and rss.feed.language == "en-gb"
    assert "content" not in rss.entries[0]
    assert (out / "feed.xsl").exists() and (out / "authors" / "daniel-okafor").is_dir()


def test_bad_canonical_url_is_ignored_with_a_warning(tmp_path):
    source = _essays(tmp_path / "essays", {
        "moved.md": '---\ntitle: Moved\ndate: 2021-01-01\ncanonical_url: "https://old.example/'
                    'moved\\x01/"\n---\n\nWords.\n'})
    options = build_options(source, tmp_path)
    report = build(options)
    assert [w.reason for w in report.warnings] == [
        "canonical URL 'https://old.example/moved\\x01/' is not an absolute http(s) URL; ignored"]
    entry = _parse(options.out / "feed.xml").entries[0]
    assert entry.link == "https://marenholt.example/moved/"


def test_an_id_that_is_not_an_iri_stays_the_rss_guid_and_becomes_a_uuid_in_atom(tmp_path):
    source = _essays(tmp_path / "essays", {
        "old.md": "---\ntitle: Old\ndate: 2021-01-01\nid: post-417\n---\n\nWords.\n"})
    options = build_options(source, tmp_path)
    build(options)
    rss = (options.out / "feed.xml").read_text()
    assert '<guid isPermaLink="false">post-417</guid>' in rss
    atom_id = _parse(options.out / "atom.xml").entries[0].id
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", atom_id)
    build(build_options(source, tmp_path / "again"))
    assert _parse(tmp_path / "again" / "public" / "atom.xml").entries[0].id == atom_id
