"""The static search for the published site (``--site-search``): Pagefind's bundle in
OUT/pagefind/ fed from the essays, the page OUT/search/index.html and its script, kept when
nothing changed, removed when turned off, and safe with hostile titles, tags and queries.
No browser here: the files are read as Pagefind wrote them (each a gzip stream of
"pagefind_dcd" and then JSON or CBOR)."""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BASE_URL, build_options

from feedsearch import essays, rendering
from feedsearch.build import build
from feedsearch.cli import cli
from feedsearch.model import Document
from feedsearch.outputs import site_search

PAGE = "search/index.html"
SCRIPT = "search/search.js"
SIGNATURE = b"pagefind_dcd"


def decoded(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(SIGNATURE)
    return data[len(SIGNATURE):]


def fragments(out: Path) -> dict[str, dict]:
    """Each fragment of the bundle (one an essay), by its URL."""
    found = {}
    for path in sorted((out / "pagefind" / "fragment").glob("*.pf_fragment")):
        fragment = json.loads(decoded(path))
        found[fragment["url"]] = fragment
    return found


def files_under(out: Path) -> dict[str, tuple[int, bytes]]:
    """Every file of the output (bundle and page), with its modification time and bytes."""
    return {p.relative_to(out).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for folder in ("pagefind", "search") for p in sorted((out / folder).rglob("*"))
            if p.is_file()}


@pytest.fixture
def built(corpus_copy, tmp_path):
    options = build_options(corpus_copy, tmp_path, site_search=True)
    report = build(options)
    return options, report


def test_the_bundle_holds_one_record_an_essay_as_the_build_read_it(built):
    options, report = built
    out = options.out
    for name in ("pagefind/pagefind.js", "pagefind/pagefind-entry.json",
                 "pagefind/wasm.en.pagefind", PAGE, SCRIPT):
        assert (out / name).is_file(), name
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["en"]["page_count"] == report.documents
    published = essays.list_essays(options.index)
    found = fragments(out)
    assert set(found) == {essay.url for essay in published}
    tagged = next(e for e in published if e.tags and e.date and e.summary)
    fragment = found[tagged.url]
    assert fragment["meta"]["title"] == tagged.title
    assert fragment["meta"]["date"] == tagged.date.strftime("%Y-%m-%d")
    assert fragment["meta"]["tags"] == ", ".join(tagged.tags)
    assert fragment["filters"]["tags"] == tagged.tags
    assert fragment["filters"]["authors"] == tagged.authors
    assert fragment["meta"]["summary"].split()[:5] == tagged.summary.split()[:5]
    # The page Pagefind read: the title, the tags, then the essay's text (Pagefind ends
    # each block with a full stop).
    expected = re.findall(r"\w+", f"{tagged.title} {' '.join(tagged.tags)} {tagged.text}")
    assert re.findall(r"\w+", fragment["content"])[:40] == expected[:40]
    assert out / PAGE in report.outputs and out / SCRIPT in report.outputs
    assert any(line.startswith("Search:  ") and PAGE in line for line in report.output_lines)


def test_the_page_is_the_site_layout_around_a_search_box(built):
    options, _ = built
    page = (options.out / PAGE).read_text(encoding="utf-8")
    assert '<html lang="en-us">' in page and "<style>" in page  # the layout, style inline
    assert '<form class="search" role="search" method="get" action="">' in page
    assert '<input type="search" name="q"' in page
    assert re.findall(r"<script\b[^>]*>", page) == ['<script type="module" src="search.js">']
    assert "pagefind-ui" not in page  # Pagefind's own UI inserts filter values as HTML
    assert f'href="../">{options.title}</a>' in page
    script = (options.out / SCRIPT).read_text(encoding="utf-8")
    assert 'new URL("../pagefind/pagefind.js", import.meta.url)' in script
    assert 'searchParams.get("q")' in script and "history" in script


def test_the_script_never_parses_what_an_essay_or_a_query_supplies_as_html():
    script = site_search.search_script().decode("utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function", "DOMParser", "createContextualFragment", "setAttribute(\"on"):
        assert sink not in script, sink
    assert "textContent" in script
    assert 'address.protocol === "https:" || address.protocol === "http:"' in script


def test_a_build_with_nothing_changed_keeps_every_file(built):
    options, _ = built
    before = files_under(options.out)
    report = build(options)
    assert report.added == report.updated == report.removed == 0
    assert files_under(options.out) == before


def test_the_same_records_keep_the_files_though_the_key_changed(built, monkeypatch):
    # Pagefind names its filter and meta indexes anew each run; fed the same records, the
    # output keeps the files it wrote rather than rewrite them.
    options, _ = built
    before = files_under(options.out)
    monkeypatch.setattr(rendering, "__version__", "0.0.0-another")
    build(options)
    assert files_under(options.out) == before


def test_a_changed_essay_changes_its_fragment_and_a_removed_one_goes(built):
    options, _ = built
    source = options.source
    changed = source / "asking-for-help.md"
    changed.write_text(changed.read_text(encoding="utf-8").replace(
        "\n\n", "\n\nA lighthousekeeper's word nobody else uses.\n\n", 1), encoding="utf-8")
    gone = next(e for e in essays.list_essays(options.index)
                if e.source == "saying-no-at-work.md")
    (source / "saying-no-at-work.md").unlink()
    build(options)
    found = fragments(options.out)
    assert gone.url not in found
    assert any("lighthousekeeper's" in f["content"] for f in found.values())
    assert len(found) == len(essays.list_essays(options.index))
    assert len(list((options.out / "pagefind" / "fragment").iterdir())) == len(found)


def test_turning_it_off_removes_the_bundle_and_the_page_and_nothing_else(built):
    options, _ = built
    mine = options.out / "pagefind" / "notes.txt"
    mine.write_text("the writer's own\n", encoding="utf-8")
    options.site_search = False
    report = build(options)
    assert not (options.out / "search").exists()
    assert not (options.out / "pagefind" / "pagefind.js").exists()
    assert [p.name for p in (options.out / "pagefind").rglob("*")] == ["notes.txt"]
    assert (options.out / "feed.xml").is_file()
    assert not any("Search:" in line for line in report.output_lines)


HOSTILE = {
    "hostile-title.md": (
        "---\ntitle: \"</title><script>alert('title')</script><img src=x onerror=alert(1)>\"\n"
        "date: 2024-03-01\ntags: [\"<img src=x onerror=alert('tag')>\", \"a&b\"]\n"
        "author: \"<svg onload=alert('author')>\"\n---\n\n"
        "Plain words about a quiet harbour. ___PAGEFIND_WEIGHT___9 stays a word here, "
        "and so does <script>alert('text')</script> written as text.\n"),
}


def test_hostile_titles_tags_and_site_title_are_text_in_the_page(tmp_path):
    source = tmp_path / "essays"
    source.mkdir()
    for name, text in HOSTILE.items():
        (source / name).write_text(text, encoding="utf-8")
    title = "</title><script>alert('site')</script>"
    options = build_options(source, tmp_path, site_search=True, title=title)
    build(options)
    page = (options.out / PAGE).read_text(encoding="utf-8")
    assert "<script>alert" not in page and "onerror" not in page
    assert "&lt;/title&gt;&lt;script&gt;alert(&#39;site&#39;)&lt;/script&gt;" in page
    assert len(re.findall(r"<script\b", page)) == 1  # ours: search.js
    # The essay's title, tags and author reach the browser only as data in its fragment,
    # which the script shows with textContent.
    (fragment,) = fragments(options.out).values()
    assert fragment["meta"]["title"].startswith("</title><script>")
    assert fragment["filters"]["tags"] == ["<img src=x onerror=alert('tag')>", "a&b"]
    assert fragment["filters"]["authors"] == ["<svg onload=alert('author')>"]
    # Words Pagefind's indexer would take as its own instructions stay words of the text.
    assert "___PAGEFIND_WEIGHT___9 stays a word" in fragment["content"]


def test_an_essay_text_cannot_steer_pagefinds_weights():
    text = ("before ___PAGEFIND_WEIGHT___10 heavy ___END_PAGEFIND_WEIGHT___ after "
            "__PAGEFIND_ANCHOR___x")
    document = Document(slug="w", title="W", source="w.md", url=f"{BASE_URL}w/",
                        text=text, html=f"<p>{text}</p>")
    record = site_search.record(document, "en")
    files, _ = site_search.build_bundle(iter([record]), "en")
    (name,) = [n for n in files if n.startswith("fragment/")]
    content = json.loads(gzip.decompress(files[name])[len(SIGNATURE):])["content"]
    assert content == f"W. {text}."


def test_the_page_pagefind_reads_weighs_the_title_and_headings_above_the_text():
    document = Document(
        slug="h", title="Tides <b>& harbours</b>", source="h.md", url=f"{BASE_URL}h/",
        tags=["sea", "a\"b"], authors=["Ann"], summary="About tides.",
        html='<h2 id="one">Neap</h2><p>Low water.</p><script>alert(1)</script>'
             '<h3>Spring</h3><p onclick="x()">High water.</p>')
    page = site_search.record_html(document)
    assert '<h1 data-pagefind-weight="7">Tides &lt;b&gt;&amp; harbours&lt;/b&gt;</h1>' in page
    assert '<h2 data-pagefind-weight="2" id="one">Neap</h2>' in page
    assert '<h3 data-pagefind-weight="2">Spring</h3>' in page
    assert page.count("data-pagefind-weight") == 3  # the title and two headings, no more
    # The body is the essay as the feeds carry it: no script, no event handler.
    assert "<script" not in page and "alert" not in page and "onclick" not in page
    assert '<meta data-pagefind-filter="tags[content]" content="a&#34;b">' in page
    assert '<meta data-pagefind-filter="authors[content]" content="Ann">' in page
    assert '<meta data-pagefind-meta="summary[content]" content="About tides.">' in page
    files, _ = site_search.build_bundle(iter([site_search.record(document, "en")]), "en")
    (name,) = [n for n in files if n.startswith("fragment/")]
    fragment = json.loads(gzip.decompress(files[name])[len(SIGNATURE):])
    assert fragment["meta"]["title"] == "Tides <b>& harbours</b>"
    assert fragment["filters"] == {"tags": ["sea", 'a"b'], "authors": ["Ann"]}
    assert "alert" not in fragment["content"]


def test_the_bundle_is_made_from_inside_a_running_event_loop_too():
    document = Document(slug="e", title="E", source="e.md", url=f"{BASE_URL}e/",
                        text="an essay about estuaries")

    async def inside() -> dict[str, bytes]:
        return site_search.build_bundle(iter([site_search.record(document, "en")]), "en")[0]

    files = asyncio.run(inside())
    assert "pagefind.js" in files and any(n.startswith("fragment/") for n in files)


def test_pagefind_missing_is_one_warning_and_the_rest_is_built(corpus_copy, tmp_path,
                                                               monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-pagefind-here"))
    options = build_options(corpus_copy, tmp_path, site_search=True)
    report = build(options)
    failed = [w for w in report.warnings if "site-search" in str(w)]
    assert len(failed) == 1 and "could not be made" in str(failed[0])
    assert (options.out / "feed.xml").is_file()
    assert not (options.out / PAGE).exists()
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    build(options)  # no key was recorded: the next build makes it
    assert (options.out / PAGE).is_file()


def test_the_flag_and_the_config_key_turn_it_on(corpus_dir, tmp_path, monkeypatch):
    result = CliRunner().invoke(cli, ["build", str(corpus_dir), "--out", str(tmp_path / "a"),
                                      "--index", str(tmp_path / "ia"), "--site-search"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a" / PAGE).is_file()
    assert f"Search:  {tmp_path / 'a' / PAGE}" in result.stdout
    site = tmp_path / "site"
    shutil.copytree(corpus_dir, site / "essays")
    (site / "feedsearch.toml").write_text(
        '[paths]\nsource = "essays"\nout = "public"\nindex = ".feedsearch"\n\n'
        '[site]\nbase_url = "https://config.example/"\nsearch = true\n', encoding="utf-8")
    monkeypatch.chdir(site)
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 0, result.output
    assert (site / "public" / PAGE).is_file()
    assert (site / "public" / "pagefind" / "pagefind-entry.json").is_file()
    help_text = CliRunner().invoke(cli, ["build", "--help"]).stdout
    assert "--site-search" in help_text
