"""OUT/feeds/index.html, the feeds for people: every feed the build wrote with its address
to copy, the newest entries, autodiscovery links, the feeds' links back to it, escaping,
--no-feeds-page, and the page skipped (not rewritten) when nothing changed."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from feedsearch import essays
from feedsearch.build import build
from feedsearch.cli import cli
from feedsearch.strings import slugify
from tests.conftest import BASE_URL, archive_with, build_options

PAGE = "feeds/index.html"
PAGE_URL = BASE_URL + "feeds/"
FEED_NAMES = {"feed.xml", "atom.xml", "feed.json"}
TYPES = {"feed.xml": "application/rss+xml", "atom.xml": "application/atom+xml",
         "feed.json": "application/feed+json"}
HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_TAG = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def authored(tmp_path_factory, corpus_dir):
    """The sample archive built with tag and author feeds (and the feeds page, by default)."""
    options = build_options(corpus_dir, tmp_path_factory.mktemp("feeds-page"),
                            author_feeds=True)
    build(options)
    return options


def _page(out: Path) -> BeautifulSoup:
    return BeautifulSoup((out / PAGE).read_bytes(), "lxml")


def _feed_files(out: Path) -> set[str]:
    """Every feed file in OUT, by its path under OUT."""
    return {p.relative_to(out).as_posix() for p in out.rglob("*")
            if p.is_file() and p.name in FEED_NAMES}


def _subscribe_urls(page: BeautifulSoup) -> list[str]:
    return [field["value"] for field in page.select("input.feed-url")]


def _count(section) -> int:
    return int(re.fullmatch(r"(\d+) essays?", section.find("small").get_text()).group(1))


def test_the_page_lists_every_feed_file_the_build_wrote(authored):
    out = authored.out
    written = _feed_files(out)
    assert any(name.startswith("authors/") for name in written)
    assert any(name.startswith("tags/") for name in written)
    page = _page(out)
    urls = _subscribe_urls(page)
    assert len(urls) == len(set(urls))
    assert set(urls) == {BASE_URL + name for name in written}
    # Each field can be selected and copied, not edited; each format is a link too.
    for field in page.select("input.feed-url"):
        assert field.has_attr("readonly") and field["type"] == "text"
        assert field.find_previous("a")["href"] == field["value"]
    # Grouped: the site's feeds, then the tags', then the authors'.
    order = [section["id"] for section in page.select("main > section")]
    assert order == ["site", "newest", "tags", "authors"]
    assert [u.removeprefix(BASE_URL) for u in _subscribe_urls(page.find(id="site"))] == [
        "feed.xml", "atom.xml", "feed.json"]
    for group in ("tags", "authors"):
        assert {u.removeprefix(BASE_URL) for u in _subscribe_urls(page.find(id=group))} == {
            name for name in written if name.startswith(f"{group}/")}


def test_each_address_is_the_feeds_own_self_link(authored):
    """The addresses are absolute and are where the feeds say they are published."""
    out = authored.out
    for url in _subscribe_urls(_page(out)):
        assert url.startswith(BASE_URL)
        name = url.removeprefix(BASE_URL)
        data = (out / name).read_bytes()
        if name.endswith(".json"):
            assert json.loads(data)["feed_url"] == url
        else:
            parsed = feedparser.parse(data)
            assert not parsed.bozo, parsed.get("bozo_exception")
            assert [link.href for link in parsed.feed.links if link.rel == "self"] == [url]


def test_tags_and_authors_show_their_essay_counts(authored):
    published = [d for d in essays.list_essays(authored.index) if d.date is not None]
    for group, labels_of in (("tags", lambda d: d.tags), ("authors", lambda d: d.authors)):
        expected = Counter(slug for d in published
                           for slug in {slugify(label) for label in labels_of(d)} if slug)
        sections = _page(authored.out).find(id=group).find_all("section")
        shown = {section["id"].removeprefix(f"{group}-"): _count(section)
                 for section in sections}
        assert shown == dict(expected), group
    assert _count(_page(authored.out).find(id="site")) == len(published)
    label = _page(authored.out).find(id="authors-maren-j-holt").find("h3")
    assert label.get_text().startswith("Maren J. Holt ")


def test_the_newest_entries_are_the_site_feeds(authored):
    items = json.loads((authored.out / "feed.json").read_bytes())["items"]
    assert 1 < len(items) <= authored.feed_limit
    shown = []
    for entry in _page(authored.out).select("#newest li"):
        link = entry.find("a")
        shown.append((link.get_text(), link["href"], entry.find("time")["datetime"]))
    assert shown == [(item["title"], item["url"], item["date_published"]) for item in items]


def test_the_head_holds_autodiscovery_links_for_the_site_feeds(authored):
    head = _page(authored.out).head
    links = [(link["type"], link["href"], link["title"])
             for link in head.find_all("link", rel="alternate")]
    assert [(kind, href) for kind, href, _ in links] == [
        (TYPES[name], BASE_URL + name) for name in ("feed.xml", "atom.xml", "feed.json")]
    assert all(title.startswith(authored.title) for _, _, title in links)
    assert head.find("meta", attrs={"name": "viewport"}) is not None
    assert head.find("style") is not None  # its style travels with it


def test_the_ids_on_the_page_are_unique(authored):
    ids = [element["id"] for element in _page(authored.out).find_all(id=True)]
    assert len(ids) == len(set(ids))


def test_the_feeds_link_to_the_page_and_keep_the_site_as_their_link(authored):
    out = authored.out
    page = _page(out)
    for name, fragment in (("feed.xml", ""), ("atom.xml", ""),
                           ("tags/grief/feed.xml", "#tags-grief"),
                           ("authors/maren-j-holt/atom.xml", "#authors-maren-j-holt")):
        parsed = feedparser.parse((out / name).read_bytes())
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))
        assert parsed.feed.link == BASE_URL, name  # the site, not the feeds page
        related = [link for link in parsed.feed.links if link.rel == "related"]
        assert [(link.href, link.type) for link in related] == [
            (PAGE_URL + fragment, "text/html")], name
        assert [link for link in parsed.feed.links if link.rel == "alternate"] == [
            next(link for link in parsed.feed.links if link.rel == "alternate")]
        if fragment:
            assert page.find(id=fragment[1:]) is not None
    comment = json.loads((out / "feed.json").read_bytes())["user_comment"]
    assert PAGE_URL in comment


def test_hostile_titles_and_tags_are_text(tmp_path):
    source = archive_with(tmp_path, {"hostile.md": (
        f'---\ntitle: "{HOSTILE_TITLE}"\ndate: 2024-03-01\n'
        f'tags: ["{HOSTILE_TAG}", "birds"]\n---\n\nA plain body.\n')})
    options = build_options(source, tmp_path, title='Holt & "Co" <b>bold</b>',
                            description="<script>alert(2)</script> and more")
    report = build(options)
    assert report.documents == 2, report.warnings
    raw = (options.out / PAGE).read_text(encoding="utf-8")
    for parser in ("lxml", "html.parser"):
        page = BeautifulSoup(raw, parser)
        assert page.find_all("script") == []
        assert page.find_all("img") == [] and page.find_all("b") == []
        assert not [(element.name, name) for element in page.find_all(True)
                    for name in element.attrs if name.lower().startswith("on")]
        text = page.get_text()
        assert HOSTILE_TITLE in text and HOSTILE_TAG in text
        assert "<script>alert(2)</script> and more" in text
        assert page.title.get_text() == 'Feeds: Holt & "Co" <b>bold</b>'
        tag = page.find(id=f"tags-{slugify(HOSTILE_TAG)}")
        assert tag.find("h3").get_text().startswith(HOSTILE_TAG)
        assert [link["title"] for link in page.head.find_all("link", rel="alternate")][0] == \
            'Holt & "Co" <b>bold</b> (RSS)'
    assert "<script>" not in raw and "<img" not in raw
    # The feeds that link to the page stay valid with such a title.
    parsed = feedparser.parse((options.out / "atom.xml").read_bytes())
    assert not parsed.bozo
    assert [link.title for link in parsed.feed.links if link.rel == "related"] == [
        'All feeds of Holt & "Co" <b>bold</b>']


def test_an_essay_whose_url_is_not_a_web_address_is_shown_unlinked(tmp_path):
    source = archive_with(tmp_path, {"odd.md": (
        "---\ntitle: Odd Link\ndate: 2024-03-01\ncanonical_url: javascript:alert(1)\n---\n\n"
        "Body.\n")})
    options = build_options(source, tmp_path)
    build(options)
    page = _page(options.out)
    assert not [a for a in page.find_all("a") if a["href"].lower().startswith("javascript")]
    titles = [li.find(class_="essay-title").get_text() for li in page.select("#newest li")]
    assert titles == ["Odd Link", "The Canary"]


def test_no_feeds_page_removes_it_and_the_links_to_it(corpus_copy, tmp_path):
    options = build_options(corpus_copy, tmp_path)
    build(options)
    out = options.out
    assert (out / PAGE).is_file()
    mine = out / "feeds" / "mine.html"  # not feedsearch's: left alone
    mine.write_text("the writer's own\n", encoding="utf-8")
    options.feeds_page = False
    report = build(options)
    assert not (out / PAGE).exists()
    assert mine.read_text(encoding="utf-8") == "the writer's own\n"
    assert out / PAGE not in report.outputs
    for name in ("feed.xml", "atom.xml", "tags/grief/atom.xml"):
        parsed = feedparser.parse((out / name).read_bytes())
        assert not [link for link in parsed.feed.links if link.rel == "related"], name
        assert b"feeds/" not in (out / name).read_bytes()
    assert "user_comment" not in json.loads((out / "feed.json").read_bytes())
    mine.unlink()
    options.feeds_page = True
    build(options)
    assert (out / PAGE).is_file()
    options.feeds_page = False
    build(options)
    assert not (out / "feeds").exists()  # emptied, so removed


def test_a_build_with_nothing_changed_leaves_the_page_as_it_was(corpus_copy, tmp_path):
    options = build_options(corpus_copy, tmp_path)
    build(options)
    page = options.out / PAGE
    before, stat = page.read_bytes(), page.stat()
    build(options)
    after = page.stat()
    assert page.read_bytes() == before
    assert (after.st_ino, after.st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)  # not rewritten
    # What decides its bytes makes it again: a setting, then an essay.
    options.title = "Maren Holt: Collected Essays"
    build(options)
    assert b"Maren Holt: Collected Essays" in page.read_bytes()
    essay = corpus_copy / "the-second-year-of-grief.md"  # among the newest
    text = essay.read_text(encoding="utf-8")
    title = re.search(r"^title: (.*)$", text, re.M).group(1)
    essay.write_text(text.replace(f"title: {title}", "title: Help, Asked For"),
                     encoding="utf-8")
    build(options)
    assert "Help, Asked For" in _page(options.out).get_text()


def test_identical_input_gives_a_byte_identical_page(corpus_dir, tmp_path):
    first = build_options(corpus_dir, tmp_path / "one")
    second = build_options(corpus_dir, tmp_path / "two")
    build(first)
    build(second)
    assert (first.out / PAGE).read_bytes() == (second.out / PAGE).read_bytes()


def test_an_archive_with_no_dated_essay_still_gets_a_page(tmp_path):
    source = tmp_path / "essays"
    source.mkdir()
    (source / "undated.md").write_text("---\ntitle: Undated\n---\n\nNo date here.\n",
                                       encoding="utf-8")
    options = build_options(source, tmp_path)
    build(options)
    page = _page(options.out)
    assert _subscribe_urls(page) == [BASE_URL + name
                                     for name in ("feed.xml", "atom.xml", "feed.json")]
    assert page.select("#newest li") == []
    assert "No dated essays yet" in page.find(id="newest").get_text()
    assert page.find(id="tags") is None


def test_the_flag_the_config_key_and_the_summary(corpus_dir, tmp_path):
    args = ["build", str(corpus_dir), "--out", str(tmp_path / "out"), "--index",
            str(tmp_path / "index"), "--base-url", BASE_URL]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert f"{tmp_path / 'out' / PAGE}" in result.stdout
    assert (tmp_path / "out" / PAGE).is_file()
    result = CliRunner().invoke(cli, [*args, "--no-feeds-page"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "out" / PAGE).exists() and PAGE not in result.stdout
    config = tmp_path / "feedsearch.toml"
    config.write_text(f'[paths]\nsource = "{corpus_dir}"\nout = "public"\nindex = "state"\n'
                      f'[site]\nbase_url = "{BASE_URL}"\n[feeds]\npage = false\n',
                      encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        result = CliRunner().invoke(cli, ["build"])
        assert result.exit_code == 0, result.output
        assert (tmp_path / "public" / "feed.xml").is_file()
        assert not (tmp_path / "public" / PAGE).exists()
        result = CliRunner().invoke(cli, ["build", "--feeds-page"])  # the flag wins
        assert result.exit_code == 0, result.output
        assert (tmp_path / "public" / PAGE).is_file()


def test_the_xsl_help_says_browsers_are_dropping_it():
    help_text = " ".join(CliRunner().invoke(cli, ["build", "--help"]).stdout.split())
    xsl = help_text[help_text.index("--xsl "):help_text.index("--xsl-url")]
    assert "removing XSLT" in xsl and "OUT/feeds/index.html" in xsl
    assert "--feeds-page / --no-feeds-page" in help_text or "--feeds-page" in help_text
