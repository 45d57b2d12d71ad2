"""The preview in a real browser (headless Chromium): a person loads the archive, searches
by typing in the box, opens an essay and follows a related link, and sees an edit
appear on the open page without reloading it; a hostile archive runs no script of its
own. A screenshot of each page is saved under the test's temporary folder."""

from __future__ import annotations

import shutil
import time

import pytest
from hostile.archive import make_hostile_archive

from feedsearch.serve import start
from tests.browser import Watched, browser, need_chromium, static_server
from tests.conftest import build_options

need_chromium()

OWNED = "window.owned = 1"
PAYLOADS = [f"<script>{OWNED}</script>", f"<img src=x onerror='{OWNED}'>",
            f"<svg onload='{OWNED}'>"]


@pytest.fixture(scope="module")
def chromium():
    with browser() as launched:
        yield launched


@pytest.fixture(scope="module")
def preview(tmp_path_factory, corpus_dir):
    work = tmp_path_factory.mktemp("browser-preview")
    shutil.copytree(corpus_dir, work / "corpus")
    served = start(build_options(work / "corpus", work), port=0)
    yield served, work
    served.stop()


def test_search_open_an_essay_and_follow_a_related_link(chromium, preview, tmp_path):
    served, _ = preview
    tab = Watched.open(chromium, tmp_path)
    page = tab.page
    page.goto(served.url)
    assert page.locator("ol.essays li").count() == 27
    tab.shot("1-home")
    page.fill("form.search input[name=q]", "asking for halp")
    page.press("form.search input[name=q]", "Enter")
    page.wait_for_url("**/search?q=asking+for+halp")
    assert page.inner_text(".suggestion a") == "asking for help"
    first = page.locator("ol.results li a.essay-title").first
    assert first.inner_text() == "The Hardest Sentence I Know"
    assert page.locator("ol.results li").first.locator("mark").count() > 0
    tab.shot("2-search")
    first.click()
    page.wait_for_url("**/essays/asking-for-help/")
    assert page.inner_text("h1") == "The Hardest Sentence I Know"
    tab.shot("3-essay")
    related = page.locator("aside.related li a").first
    title = related.inner_text()
    related.click()
    page.wait_for_load_state()
    assert page.inner_text("h1") == title
    tab.shot("4-related")
    tab.assert_clean()


def test_an_open_page_shows_an_edit_by_itself(chromium, preview, tmp_path):
    served, work = preview
    tab = Watched.open(chromium, tmp_path)
    page = tab.page
    page.goto(served.url + "essays/grief-has-no-schedule/")
    assert page.inner_text("h1") == "Grief Has No Schedule"
    page.wait_for_timeout(700)  # the page's reload script has seen the current build
    essay = work / "corpus" / "2018-06-11-grief-has-no-schedule.md"
    text = essay.read_text()
    assert 'title: "Grief Has No Schedule"' in text
    essay.write_text(text.replace('title: "Grief Has No Schedule"',
                                  'title: "Grief Keeps No Calendar"'))
    started = time.monotonic()  # how fast is bench/serve_speed.py's to say, not a test's
    while heading(page) != ["Grief Keeps No Calendar"]:
        assert time.monotonic() - started < 60, "the open page never showed the edit"
        page.wait_for_timeout(50)
    tab.shot("edited")
    tab.assert_clean()


def searched(page) -> None:
    """Wait until the static search page has shown its results for the query in its
    address, and nothing it shows is still loading (a payload made markup would load its
    image, or run, by then)."""
    page.wait_for_function(
        "() => { const status = document.querySelector('[role=status]');"
        " return status && status.textContent && status.textContent !== 'Searching…'; }")
    page.wait_for_load_state("networkidle")


def heading(page) -> list[str]:
    """The page's headings, or none while it is reloading itself."""
    from playwright.sync_api import Error

    try:
        return page.locator("h1").all_inner_texts()
    except Error:  # "Execution context was destroyed": the reload under way
        return []


def hostile_archive(source, title_end: str) -> None:
    """The project's hostile archive, and one essay per payload with it in its title
    (followed by ``title_end``), tag, author and text."""
    make_hostile_archive(source, sizes=False)
    (source / "xss").mkdir()
    for number, payload in enumerate(PAYLOADS):
        quoted = payload.replace("'", "''")
        (source / "xss" / f"2020-01-0{number + 1}-payload-{number}.md").write_text(
            f"---\ntitle: '{quoted} {title_end}'\ntags: ['{quoted}']\nauthor: '{quoted}'\n"
            f"---\nAn essay about kettles and quillfeather. {payload}\n")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    work = tmp_path_factory.mktemp("browser-hostile")
    source = work / "archive"
    hostile_archive(source, "title")
    served = start(build_options(source, work), port=0, watch=False)
    yield served
    served.stop()


def test_a_hostile_archive_runs_no_script_in_the_preview(chromium, hostile, tmp_path):
    tab = Watched.open(chromium, tmp_path)
    page = tab.page
    visited = [hostile.url]
    page.goto(hostile.url)
    # The pages of the essays and tags that carry markup, and a few others: the pages
    # differ by their essay, not by their kind (tests/test_serve.py reads every page).
    links = page.eval_on_selector_all(
        "a[href^='/']", "as => as.filter(a => /[<>]|hostile/i.test(a.textContent))"
        ".map(a => a.href)")[:12]
    links += page.eval_on_selector_all("a.essay-title", "as => as.map(a => a.href)")[-3:]
    for payload in PAYLOADS:
        links.append(hostile.url + "search?q=" + page.evaluate("encodeURIComponent", payload))
    for link in dict.fromkeys(links):
        page.goto(link)
        visited.append(link)
        assert page.evaluate("window.owned") is None, link
    page.goto(hostile.url)
    assert PAYLOADS[0] + " title" in page.inner_text("main")  # shown, as text
    tab.shot("hostile-home")
    page.goto(hostile.url + "search?q=" + page.evaluate("encodeURIComponent", PAYLOADS[1]))
    assert page.input_value("form.search input[name=q]") == PAYLOADS[1]
    tab.shot("hostile-search")
    assert tab.dialogs == []
    assert len(visited) > 10 and any("/tags/" in link for link in visited)


def test_the_feeds_page_from_a_plain_static_server(chromium, preview, tmp_path):
    _, work = preview
    tab = Watched.open(chromium, tmp_path, width=390, height=844)  # a phone
    page = tab.page
    with static_server(work / "public") as url:
        page.goto(url + "feeds/")
        assert page.inner_text("h1") == "Feeds"
        addresses = page.eval_on_selector_all("input.feed-url", "es => es.map(e => e.value)")
        assert "https://marenholt.example/feed.xml" in addresses
        assert "https://marenholt.example/tags/grief/atom.xml" in addresses
        assert page.locator("#newest li").count() == 20
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the page is wider than the phone"
        tab.shot("feeds-page-phone")
    tab.assert_clean()


@pytest.fixture(scope="module")
def searchable(tmp_path_factory, corpus_dir):
    """The sample archive built with --site-search, as it would be published."""
    from feedsearch.build import build

    work = tmp_path_factory.mktemp("browser-site-search")
    build(build_options(corpus_dir, work, site_search=True))
    return work / "public"


def test_the_static_search_page_finds_the_essay_a_reader_describes(chromium, searchable,
                                                                    tmp_path):
    tab = Watched.open(chromium, tmp_path)
    page = tab.page
    with static_server(searchable) as url:
        page.goto(url + "search/?q=" + "four little words people struggle to say")
        first = page.locator("ol.essays li a.essay-title").first
        first.wait_for(timeout=15000)
        assert first.inner_text() == "The Hardest Sentence I Know"
        assert first.get_attribute("href") == "https://marenholt.example/asking-for-help/"
        assert page.input_value("input[name=q]") == "four little words people struggle to say"
        tab.shot("static-search")
        page.fill("input[name=q]", "grief at the supermarket")
        page.press("input[name=q]", "Enter")
        page.wait_for_function("() => location.search.includes('supermarket')")
        page.locator("ol.essays li a.essay-title").first.wait_for()
        assert "grief" in page.locator("ol.essays li").first.inner_text().lower()
    tab.assert_clean()


def test_the_static_search_page_from_the_preview(chromium, tmp_path, corpus_dir):
    """The same page works inside `feedsearch serve`, under its Content-Security-Policy."""
    served = start(build_options(corpus_dir, tmp_path, site_search=True), port=0,
                   watch=False)
    try:
        tab = Watched.open(chromium, tmp_path / "shots")
        tab.page.goto(served.url + "search/?q=" + "four little words people struggle to say")
        first = tab.page.locator("ol.essays li a.essay-title").first
        first.wait_for(timeout=15000)
        assert first.inner_text() == "The Hardest Sentence I Know"
        tab.assert_clean()
    finally:
        served.stop()


def test_a_hostile_archive_runs_no_script_in_the_static_search(chromium, tmp_path):
    from feedsearch.build import build

    source = tmp_path / "archive"
    hostile_archive(source, "kettle")
    build(build_options(source, tmp_path, site_search=True))
    tab = Watched.open(chromium, tmp_path / "shots")
    page = tab.page
    with static_server(tmp_path / "public") as url:
        for query in ["kettle", "quillfeather", *PAYLOADS]:
            page.goto(url + "search/?q=" + page.evaluate("encodeURIComponent", query))
            searched(page)
            assert page.evaluate("window.owned") is None, query
        page.goto(url + "search/?q=kettle")
        page.locator("ol.essays li").first.wait_for(timeout=15000)
        titles = page.locator("ol.essays li a.essay-title").all_inner_texts()
        assert PAYLOADS[0] + " kettle" in titles  # shown, as text
        tab.shot("static-search-hostile")
    assert tab.dialogs == []
