"""Files real archives bring that once stopped a whole build: each is now read, or is one
warning naming it with the real reason, and the rest of the archive is built.

A saved Atom feed with xhtml content, exports in Japanese and Chinese encodings, one post
holding a very long run of text, broken IPv6 links in feeds and pages, lone surrogates,
control characters in an RSS item, and the file size limit (--max-file-size) on files and
on each post of an export."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from feedsearch import essays
from feedsearch.build import build
from feedsearch.cli import cli
from tests.conftest import archive_with, build_options

RSS_ITEM = ("<item><title>{title}</title><link>{link}</link>"
            "<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>"
            "<description>{body}</description></item>")


def rss(items: str, declaration: str = '<?xml version="1.0" encoding="utf-8"?>',
        channel_link: str = "https://old.example.net/") -> str:
    return (f'{declaration}\n<rss version="2.0"><channel><title>Old blog</title>'
            f"<link>{channel_link}</link>{items}</channel></rss>\n")


def built(tmp_path: Path, files: dict[str, str | bytes], **options):
    source = archive_with(tmp_path, files)
    options = build_options(source, tmp_path, **options)
    report = build(options)
    return report, options


def warnings_for(report, name: str) -> list[str]:
    return [w.reason for w in report.warnings if w.source.split("#")[0] == name]


def no_catch_all(report) -> None:
    """No warning is the catch-all of an exception nobody expected."""
    for warning in report.warnings:
        assert "could not be read (" not in warning.reason, warning


def feeds_parse(options) -> list:
    parsed = feedparser.parse((Path(options.out) / "atom.xml").read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    return parsed.entries


def essay(options, slug: str) -> dict:
    document = essays.get_essay(Path(options.index), slug)
    return {**document.record(), "html": document.html}


BODY = "<p>The kettle <em>hums</em> before anyone speaks.</p>"
ENTRY = ("<{a}title>Quiet mornings</{a}title><{a}id>urn:e:1</{a}id>"
         "<{a}updated>2024-01-01T00:00:00Z</{a}updated>"
         '<{a}link href="https://old.example.net/quiet-mornings/"/>'
         '<{a}content type="xhtml">{content}</{a}content>')
XHTML_FEEDS = {
    "declared": ('<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
                 + ENTRY.format(a="", content=f'<div xmlns="http://www.w3.org/1999/xhtml">'
                                              f"{BODY}</div>") + "</entry></feed>"),
    "inside a prefixed feed": ('<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:entry>'
                               + ENTRY.format(a="a:", content=f"<div>{BODY}</div>")
                               + "</a:entry></a:feed>"),
    "with xmlns=''": ('<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
                      + ENTRY.format(a="", content='<div xmlns="http://www.w3.org/1999/xhtml">'
                                                   f'<div xmlns="">{BODY}</div></div>')
                      + "</entry></feed>"),
}


@pytest.mark.parametrize("form", XHTML_FEEDS)
def test_a_saved_atom_feed_with_xhtml_content_is_read(tmp_path, form):
    atom = '<?xml version="1.0" encoding="utf-8"?>\n' + XHTML_FEEDS[form]
    report, options = built(tmp_path, {"saved.atom": atom})
    no_catch_all(report)
    assert warnings_for(report, "saved.atom") == []
    record = essay(options, "quiet-mornings")
    assert "The kettle hums before anyone speaks." in record["text"]
    assert "<em>hums</em>" in record["html"]


@pytest.mark.parametrize("encoding", ["shift_jis", "euc_jp", "gb2312", "big5"])
def test_an_export_in_a_multi_byte_encoding_is_read(tmp_path, encoding):
    title, body = {"shift_jis": ("静かな朝", "朝のお茶の話です。"),
                   "euc_jp": ("静かな朝", "朝のお茶の話です。"),
                   "gb2312": ("安静的早晨", "关于早晨喝茶的故事。"),
                   "big5": ("安靜的早晨", "關於早晨喝茶的故事。")}[encoding]
    declaration = f'<?xml version="1.0" encoding="{encoding.replace("_", "-")}"?>'
    item = RSS_ITEM.format(title=title, link="https://old.example.net/morning/", body=body)
    report, options = built(tmp_path, {"old.rss": rss(item, declaration).encode(encoding)})
    no_catch_all(report)
    record = essay(options, "morning")
    assert record["title"] == title
    assert body in record["text"]


def test_an_export_declaring_an_unknown_encoding_is_one_warning(tmp_path):
    item = RSS_ITEM.format(title="Tea", link="https://old.example.net/tea/", body="Tea.")
    declaration = '<?xml version="1.0" encoding="x-no-such-charset"?>'
    report, _ = built(tmp_path, {"old.rss": rss(item, declaration)})
    [reason] = warnings_for(report, "old.rss")
    assert "x-no-such-charset" in reason and "not read" in reason
    assert report.documents == 1  # the canary


def test_a_post_over_the_size_limit_is_one_warning_and_the_rest_is_built(tmp_path):
    long_post = RSS_ITEM.format(title="Long", link="https://old.example.net/long/",
                                body="word " * 2_200_000)  # 11 MB in one text node
    short_post = RSS_ITEM.format(title="Short", link="https://old.example.net/short/",
                                 body="A short post about tea.")
    report, options = built(tmp_path, {"old.rss": rss(long_post + short_post)})
    no_catch_all(report)
    [reason] = [r for r in warnings_for(report, "old.rss") if "long" in r]
    assert reason.startswith("post 'long': post is ") and "--max-file-size" in reason
    assert essay(options, "short")["title"] == "Short"
    assert {entry.title for entry in feeds_parse(options)} == {"Short", "The Canary"}


@pytest.mark.slow  # 11 MB of text indexed
def test_a_raised_limit_reads_a_post_whose_text_runs_past_ten_megabytes(tmp_path):
    long_post = RSS_ITEM.format(title="Long", link="https://old.example.net/long/",
                                body="word " * 2_200_000)
    report, options = built(tmp_path, {"old.rss": rss(long_post)},
                            max_file_size=20 * 1024 * 1024)
    no_catch_all(report)
    assert warnings_for(report, "old.rss") == [
        "the feed holds summaries only (1 of 1 entries have no full content): those essays "
        "are indexed and published from their summaries; the blog's full-content feed or "
        "export gives more"]
    assert len(essay(options, "long")["text"]) == len("word " * 2_200_000) - 1
    assert any(entry.title == "Long" for entry in feeds_parse(options))


def test_a_lowered_limit_applies_to_files_an_earlier_build_read(tmp_path):
    page = "---\ntitle: Middling\ndate: 2024-03-03\n---\n\n" + "tea " * 400
    item = RSS_ITEM.format(title="Tea", link="https://old.example.net/tea/", body="tea " * 400)
    report, options = built(tmp_path, {"middling.md": page, "old.rss": rss(item)})
    assert report.documents == 3
    options = build_options(Path(options.source), tmp_path, max_file_size=1000)
    report = build(options)
    assert [w.source for w in report.warnings if "--max-file-size" in w.reason] == \
        ["middling.md", "old.rss"]
    assert report.documents == 1


def test_broken_ipv6_links_in_a_saved_feed_and_a_page_are_harmless(tmp_path):
    item = RSS_ITEM.format(title="Loopback", link="http://[::1",
                           body=escape('See <a href="http://[::1">here</a> and '
                                       '<img src="//[::1/a.png"> for the tea.'))
    page = ('<html><head><title>Page</title><link rel="canonical" href="http://[::1">'
            '<meta property="article:published_time" content="2024-01-05T00:00:00Z">'
            '</head><body><article><h1>Page</h1><p>Some words <a href="http://[::1">a '
            'link</a> and <img srcset="http://[::1 1x, b.png 2x"> about a garden in '
            "spring, long enough to be an essay.</p></article></body></html>")
    report, options = built(tmp_path, {"old.rss": rss(item, channel_link="http://[::1"),
                                       "page.html": page})
    no_catch_all(report)
    assert warnings_for(report, "page.html") == []
    # The broken links are not the essays' addresses: those come from the base URL, and
    # the page's slug from its file name (not "1", from "[::1").
    assert essay(options, "loopback")["url"] == options.base_url + "loopback/"
    assert essay(options, "page")["url"] == options.base_url + "page/"
    titles = {entry.title for entry in feeds_parse(options)}
    assert {"Loopback", "Page"} <= titles


def test_a_lone_surrogate_is_replaced_with_one_warning(tmp_path):
    text = ('---\ntitle: "Half \\udcff pair"\ndate: 2024-01-01\ntags: ["a\\ud800b"]\n---\n\n'
            "Text of the essay.\n")
    report, options = built(tmp_path, {"half.md": text})
    no_catch_all(report)
    assert warnings_for(report, "half.md") == [
        "2 lone surrogates (half of a UTF-16 pair, not a character) replaced with U+FFFD"]
    record = essay(options, "half")
    assert record["title"] == "Half \ufffd pair"
    assert record["tags"] == ["a\ufffdb"]
    assert any(entry.title == "Half \ufffd pair" for entry in feeds_parse(options))


@pytest.mark.parametrize("bell", ["\x07", "&#7;", "&#x1;", "\ufffe", "&#xFFFF;", "&#xD800;"])
def test_control_characters_in_an_rss_item_are_cleaned_not_the_item_dropped(tmp_path, bell):
    item = RSS_ITEM.format(title=f"Bell{bell} and tab", link="https://old.example.net/bell/",
                           body=f"A bell{bell} rang\x0b twice.")
    report, options = built(tmp_path, {"old.rss": rss(item)})
    no_catch_all(report)
    record = essay(options, "bell")
    assert record["title"] == "Bell and tab"
    assert record["text"] == "A bell rang twice."


def test_max_file_size_from_the_command_line_and_the_config_file(tmp_path, monkeypatch):
    source = archive_with(tmp_path, {"big.md": "---\ntitle: Big\ndate: 2024-01-01\n---\n\n"
                                               + "word " * 400})
    runner = CliRunner()
    args = ["build", str(source), "--out", str(tmp_path / "out"), "--index",
            str(tmp_path / "idx"), "--json"]
    result = runner.invoke(cli, [*args, "--max-file-size", "1KB"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    [warning] = report["warnings"]
    assert warning.startswith("big.md: file is ") and "1,024-byte limit" in warning

    bad = runner.invoke(cli, [*args, "--max-file-size", "ten"])
    assert bad.exit_code == 2 and "'ten' is not a size" in bad.output

    monkeypatch.chdir(tmp_path)
    for value in ('"1.5kb"', "1536"):
        (tmp_path / "feedsearch.toml").write_text(f"[build]\nmax_file_size = {value}\n")
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        assert report["warnings"] == [
            f"big.md: file is {(source / 'big.md').stat().st_size:,} bytes, over the "
            "1,536-byte limit (--max-file-size)"]

    checked = runner.invoke(cli, ["check", str(source), "--max-file-size", "100"])
    assert checked.exit_code == 1
    assert "big.md: file is" in checked.stdout and "canary.md: file is" in checked.stdout


@pytest.mark.slow  # each waits out the 4-second --read-timeout
@pytest.mark.parametrize("workers", [0, 2])
def test_a_file_that_takes_too_long_to_read_is_one_warning(tmp_path, workers):
    """600 KB of table rows keep the Markdown parser busy for over ten seconds (9 MB of them,
    under the size limit, for minutes): past --read-timeout the file is skipped. 20 other
    files make the build start its parse workers when it has them."""
    files: dict[str, str | bytes] = {
        f"e{n}.md": f"---\ntitle: Essay {n}\ndate: 2024-01-{n:02d}\n---\n\nTopic {n}.\n"
        for n in range(1, 21)}
    files["slow.md"] = ("---\ntitle: Slow\ndate: 2024-02-01\n---\n\n|a|b|\n|-|-|\n"
                        + "|x|y|\n" * 100_000)
    report, options = built(tmp_path, files, read_timeout=4.0, workers=workers)
    assert [str(w) for w in report.warnings] == [
        "slow.md: still being read after 4 s (--read-timeout); skipped, the rest is built"]
    assert report.documents == 21
    assert len(feeds_parse(options)) == 20


def test_labels_that_are_not_words_or_numbers_are_not_tags(tmp_path):
    text = ("---\ntitle: Odd tags\ndate: 2024-01-07\ntags: [[a, b], {c: d}, 3, null, true, "
            "tea]\nauthor: [null, Maren]\n---\n\nBody.\n")
    report, options = built(tmp_path, {"odd.md": text})
    assert warnings_for(report, "odd.md") == []
    record = essay(options, "odd")
    assert record["tags"] == ["3", "tea"]
    assert record["authors"] == ["Maren"]


def test_a_post_without_a_usable_date_says_it_is_left_out_of_the_feeds(tmp_path):
    item = RSS_ITEM.format(title="Undated", link="https://old.example.net/undated/",
                           body="Words.").replace("Mon, 01 Jan 2024 10:00:00 GMT",
                                                  "Mon, 99 Foo 2020")
    report, options = built(tmp_path, {"old.rss": rss(item)})
    assert "post 'undated': no date in the post (or one that is not a date); searchable, " \
           "but left out of the feeds: give it a date on the platform and export again" \
        in warnings_for(report, "old.rss")
    assert essay(options, "undated")["date"] is None


PATHOLOGICAL = {
    # Patterns that once took time growing with the square of the input: a minute or more
    # for these, in C code that no time limit interrupts.
    "captions.rss": rss(RSS_ITEM.format(title="Captions", link="https://old.example.net/c/",
                                        body="[caption id=x]" * 40_000 + " words")),
    "galleries.rss": rss(RSS_ITEM.format(title="Galleries", link="https://old.example.net/g/",
                                         body="[gallery " * 40_000 + " words")),
    "embeds.rss": rss(RSS_ITEM.format(title="Embeds", link="https://old.example.net/e/",
                                      body="[embed]" * 60_000 + " words")),
    "hashes.md": "# " + "#" * 100_000 + " x\n\nA heading of hashes.\n",
    "spaces.md": "Title: Spaces" + " " * 100_000 + "y\nDate: 2024-01-01\n\nBody.\n",
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_inputs_that_once_took_minutes_are_read_at_once(tmp_path, name):
    report, options = built(tmp_path, {name: PATHOLOGICAL[name]}, read_timeout=20.0)
    assert not any("--read-timeout" in w.reason for w in report.warnings), report.warnings
    assert report.documents == 2


@pytest.mark.parametrize(("written", "day"), [("'2020'", "2020-01-01"),
                                              ("June 2020", "2020-06-01")])
def test_a_date_without_month_or_day_is_the_same_on_any_day(tmp_path, written, day):
    text = f"---\ntitle: Partial\ndate: {written}\n---\n\nBody.\n"
    report, options = built(tmp_path, {"partial.md": text})
    assert essay(options, "partial")["date"].startswith(day)


def test_a_declaration_broken_by_nul_bytes_naming_no_codec_is_one_warning(tmp_path):
    data = (b'<?xml version="1.0" encodi' + b"\x00" * 8 + b'ng="x-unknown"?>\n'
            + rss(RSS_ITEM.format(title="Tea", link="https://old.example.net/tea/",
                                  body="Tea.")).split("\n", 1)[1].encode())
    report, _ = built(tmp_path, {"old.rss": data})
    no_catch_all(report)
    [reason] = warnings_for(report, "old.rss")
    assert "does not know" in reason and "x-unknown" in reason
