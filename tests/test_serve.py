"""``feedsearch serve``: the preview's pages over real HTTP, from a real build; a hostile
archive shown with no script of its own and no markup unescaped; nothing outside OUT
served, nothing written through a request; an edit shown after the rebuild it starts."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from bs4 import BeautifulSoup
from hostile.archive import make_hostile_archive

from feedsearch.search import search
from feedsearch.serve import ServeError, start
from tests.conftest import build_options

SCRIPT = "<script>alert(document.cookie)</script>"
IMAGE = "<img src=x onerror=alert(1)>"


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def page(url: str) -> BeautifulSoup:
    status, _, body = get(url)
    assert status == 200, url
    return BeautifulSoup(body, "lxml")


@pytest.fixture(scope="module")
def preview(tmp_path_factory, corpus_dir):
    work = tmp_path_factory.mktemp("serve")
    source = work / "corpus"
    subprocess.run(["cp", "-r", str(corpus_dir), str(source)], check=True)
    served = start(build_options(source, work), port=0)
    yield served, source, work
    served.stop()


def test_the_home_page_lists_the_archive_newest_first_with_tags(preview):
    served, _, _ = preview
    soup = page(served.url)
    titles = [a.text for a in soup.select("ol.essays a.essay-title")]
    assert len(titles) == 27 and titles[0] == "The Quiet House"
    dates = [t["datetime"] for t in soup.select("ol.essays time")]
    assert dates == sorted(dates, reverse=True)
    assert soup.select_one("a[href='/tags/grief/']") is not None
    assert soup.select_one("form.search input[name=q]") is not None


def test_search_shows_snippets_the_total_pages_and_did_you_mean(preview):
    served, _, _ = preview
    soup = page(served.url + "search?q=asking+for+halp")
    assert soup.select_one(".suggestion a")["href"] == "/search?q=asking+for+help"
    assert soup.select_one(".total").text.startswith("27 essays; page 1 of 3")
    first = soup.select_one("ol.results li")
    assert first.select_one("a")["href"] == "/essays/asking-for-help/"
    assert first.select("p.snippet mark")  # matched words highlighted
    following = page(served.url + soup.select_one("nav.pages a[rel=next]")["href"])
    assert following.select_one("ol.results")["start"] == "11"


def test_search_filters_narrow_the_results(preview):
    served, _, _ = preview
    soup = page(served.url + "search?q=help&tag=therapy&since=2016&until=2017")
    dates = [li.select_one(".meta").text[:4] for li in soup.select("ol.results li")]
    assert dates and set(dates) <= {"2016", "2017"}
    for li in soup.select("ol.results li"):
        assert "therapy" in [a.text for a in li.select(".tags a")]


def test_the_api_answers_with_the_json_of_search(preview, tmp_path):
    served, _, work = preview
    status, headers, body = get(served.url + "api/search?q=grief")
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert json.loads(body) == json.loads(json.dumps(
        search(work / "index", "grief").to_dict()))
    cli = subprocess.run([sys.executable, "-m", "feedsearch", "search", "grief", "--index",
                          str(work / "index"), "--json"], capture_output=True, text=True)
    assert json.loads(body) == json.loads(cli.stdout)


def test_an_essay_page_shows_the_essay_and_why_each_related_one_is(preview):
    served, _, _ = preview
    soup = page(served.url + "essays/asking-for-help/")
    assert soup.h1.text == "The Hardest Sentence I Know"
    assert "Being asked for help" in soup.article.text
    related = soup.select("aside.related li")
    assert len(related) == 5
    assert related[0].select_one(".why").text.startswith("shared tags:")
    href = related[0].a["href"]
    assert page(served.url + href.lstrip("/")).h1.text == related[0].a.text


def test_a_tag_page_and_the_feeds_where_they_are_published(preview):
    served, _, _ = preview
    soup = page(served.url + "tags/asking%20for%20help/")
    assert "asking for help" in soup.h1.text and len(soup.select("ol.essays li")) >= 3
    status, headers, body = get(served.url + "feed.xml")
    assert status == 200 and body.startswith(b"<?xml") and "xml" in headers["Content-Type"]
    assert get(served.url + "essays/no-such-essay/")[0] == 404
    assert get(served.url + "tags/no-such-tag/")[0] == 404


def raw_request(url: str, request: bytes) -> bytes:
    host, port = url.split("//")[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_nothing_outside_out_is_served(preview):
    served, _, work = preview
    (work / "secret.txt").write_text("the writer's own")
    (work / "public" / "link").symlink_to(work / "secret.txt")
    for path in (b"/../secret.txt", b"/%2e%2e/secret.txt", b"/link", b"/..%2fsecret.txt",
                 b"/../index/documents.sqlite", b"//etc/passwd"):
        answer = raw_request(served.url, b"GET " + path + b" HTTP/1.0\r\n\r\n")
        assert answer.split(b"\r\n", 1)[0].split()[1] in (b"404", b"400"), path
        assert b"the writer's own" not in answer and b"root:" not in answer


def test_requests_write_nothing_and_every_page_has_a_policy(preview):
    served, _, work = preview
    before = sorted(p.relative_to(work) for p in work.rglob("*"))
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        request = urllib.request.Request(served.url + "feed.xml", data=b"x", method=method)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 405
    assert sorted(p.relative_to(work) for p in work.rglob("*")) == before
    for path in ("", "search?q=grief", "essays/asking-for-help/", "feed.xml", "nope"):
        policy = dict(part.strip().split(" ", 1) for part in
                      get(served.url + path)[1]["Content-Security-Policy"].split(";"))
        assert policy["default-src"] == "'none'"
        assert policy["script-src"].startswith("'self'")
        assert "unsafe-inline" not in policy["script-src"]
        assert "unsafe-eval'" not in policy["script-src"].replace("wasm-unsafe-eval'", "")
        if not path.endswith(".xml"):
            assert "unsafe-inline" not in policy["style-src"]  # the preview's own pages


def test_an_edit_is_shown_after_the_build_it_starts(preview):
    served, source, _ = preview
    build = json.loads(get(served.url + "__build")[2])["build"]
    essay = source / "2018-06-11-grief-has-no-schedule.md"
    text = essay.read_text()
    assert 'title: "Grief Has No Schedule"' in text
    essay.write_text(text.replace('title: "Grief Has No Schedule"',
                                  'title: "Grief Keeps No Calendar"'))
    started = time.monotonic()  # how fast is bench/serve_speed.py's to say, not a test's
    while json.loads(get(served.url + "__build")[2])["build"] == build:
        assert time.monotonic() - started < 60, "no rebuild after an edit"
        time.sleep(0.05)
    assert page(served.url + "essays/grief-has-no-schedule/").h1.text == \
        "Grief Keeps No Calendar"


def test_after_an_edit_the_whole_build_brings_related_posts_and_feeds_up_to_date(
        tmp_path, corpus_dir):
    # The edit shows after a quick build; then the whole build follows, and its report,
    # the one printed, counts the edited essay.
    source = tmp_path / "corpus"
    subprocess.run(["cp", "-r", str(corpus_dir), str(source)], check=True)
    options = build_options(source, tmp_path)
    reports = []
    served = start(options, port=0, on_build=reports.append)
    try:
        assert len(reports) == 1  # the first build, before it listens
        essay = source / "2018-06-11-grief-has-no-schedule.md"
        edited = essay.read_text().replace('title: "Grief Has No Schedule"',
                                           'title: "Grief Keeps No Calendar"')
        started = saved = time.monotonic()
        essay.write_text(edited)
        while len(reports) < 2:
            assert time.monotonic() - started < 60, "no whole build after an edit"
            if len(reports) == 1 and time.monotonic() - saved > 3:
                # Saved again: the watcher may have begun watching after the first save.
                essay.write_text(edited)
                saved = time.monotonic()
            time.sleep(0.05)
        assert reports[1].updated == 1
        related = json.loads((options.out / "related.json").read_text(encoding="utf-8"))
        titles = {item["title"] for items in related.values() for item in items}
        assert "Grief Keeps No Calendar" in titles and "Grief Has No Schedule" not in titles
    finally:
        served.stop()


def test_edits_in_a_row_all_show_and_one_whole_build_catches_up(tmp_path, corpus_dir):
    # The second edit is saved as soon as the first shows, while the whole build after it
    # may be under way (it is given up then): both edits show, and the related map ends
    # up with both.
    source = tmp_path / "corpus"
    subprocess.run(["cp", "-r", str(corpus_dir), str(source)], check=True)
    options = build_options(source, tmp_path)
    served = start(options, port=0)
    edits = {"2018-06-11-grief-has-no-schedule.md": ("Grief Has No Schedule",
                                                    "Grief Keeps No Calendar"),
             "burnout-is-not-a-character-flaw.md": ("Burnout Is Not a Character Flaw",
                                                    "Burnout Is Not a Failing")}
    try:
        for name, (old, new) in edits.items():
            path = source / name
            edited = path.read_text().replace(f'title: "{old}"', f'title: "{new}"')
            slug = name.removesuffix(".md").removeprefix("2018-06-11-")
            started = saved = time.monotonic()
            path.write_text(edited)
            while page(served.url + f"essays/{slug}/").h1.text != new:
                assert time.monotonic() - started < 60, f"the edit of {name} never showed"
                if time.monotonic() - saved > 3:  # the watcher may have begun after it
                    path.write_text(edited)
                    saved = time.monotonic()
                time.sleep(0.05)
        started = time.monotonic()
        while True:
            related = json.loads((options.out / "related.json").read_text(encoding="utf-8"))
            titles = {item["title"] for items in related.values() for item in items}
            if {new for _, new in edits.values()} <= titles:
                break
            assert time.monotonic() - started < 60, "related posts never caught up"
            time.sleep(0.1)
        assert not titles & {old for old, _ in edits.values()}
    finally:
        served.stop()


def test_a_port_in_use_is_one_clear_line(preview, tmp_path, corpus_dir):
    served, _, _ = preview
    port = served.url.rstrip("/").rsplit(":", 1)[1]
    with pytest.raises(ServeError, match=f"port {port} on 127.0.0.1 is in use"):
        start(build_options(corpus_dir, tmp_path), port=int(port), watch=False)
    result = subprocess.run([sys.executable, "-m", "feedsearch", "serve", str(corpus_dir),
                             "--out", str(tmp_path / "o"), "--index", str(tmp_path / "i"),
                             "--port", port, "--no-watch"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: port {port} on 127.0.0.1 is in use (another feedsearch serve?): pass "
        "--port with another number")


@pytest.fixture(scope="module")
def hostile_preview(tmp_path_factory):
    work = tmp_path_factory.mktemp("hostile-serve")
    source = work / "archive"
    make_hostile_archive(source, sizes=False)
    (source / "xss").mkdir()
    (source / "xss" / "2020-01-02-script-title.md").write_text(
        f"---\ntitle: \"{SCRIPT} and {IMAGE}\"\ntags: [\"{SCRIPT}\", \"a</li><li>b\"]\n"
        f"author: \"{IMAGE}\"\n---\nAn essay about quillfeather {SCRIPT} kettles.\n")
    served = start(build_options(source, work), port=0, watch=False)
    yield served
    served.stop()


def assert_no_markup_of_theirs(soup: BeautifulSoup) -> None:
    scripts = [s.get("src") for s in soup.find_all("script")]
    assert scripts == ["/assets/preview.js"], scripts
    for element in soup.find_all(True):
        assert not any(name.lower().startswith("on") for name in element.attrs), element
        for name in ("href", "src"):
            assert not str(element.get(name, "")).lower().startswith("javascript:"), element
    assert not soup.find_all(["iframe", "object", "embed", "form"], recursive=True) or \
        all(f.name == "form" and f["action"] == "/search" for f in soup.find_all(
            ["iframe", "object", "embed", "form"]))


def test_a_hostile_archive_shows_no_script_of_its_own(hostile_preview):
    served = hostile_preview
    home = page(served.url)
    assert_no_markup_of_theirs(home)
    assert SCRIPT in home.text  # shown as text
    for link in {a["href"] for a in home.select("a") if a["href"].startswith("/")}:
        status, _, body = get(served.url + link.lstrip("/"))
        if status == 200:
            assert_no_markup_of_theirs(BeautifulSoup(body, "lxml"))
    for query in (SCRIPT, IMAGE, '"><svg onload=alert(1)>', "tag:" + SCRIPT):
        status, _, body = get(served.url + "search?q=" + urllib.request.quote(query))
        soup = BeautifulSoup(body, "lxml")
        assert_no_markup_of_theirs(soup)
        assert soup.select_one("form.search input")["value"] == query


def test_a_hostile_essay_page_keeps_its_text_and_loses_its_script(hostile_preview):
    served = hostile_preview
    home = page(served.url)
    link = next(a["href"] for a in home.select("a.essay-title") if SCRIPT in a.text)
    soup = page(served.url + link.lstrip("/"))
    assert_no_markup_of_theirs(soup)
    assert soup.h1.text == f"{SCRIPT} and {IMAGE}"
    assert "quillfeather" in soup.article.text
    assert {a.text for a in soup.select(".tags a")} == {SCRIPT, "a</li><li>b"}


def test_the_home_page_comes_in_pages_of_the_newest(preview, monkeypatch):
    from feedsearch import preview_pages

    served, _, _ = preview
    monkeypatch.setattr(preview_pages, "HOME_PAGE", 10)
    first = page(served.url)
    titles = [a.text for a in first.select("ol.essays a.essay-title")]
    assert len(titles) == 10 and first.select_one("nav.pages a[rel=next]")["href"] == \
        "/?page=2"
    last = page(served.url + "?page=3")
    assert len(last.select("ol.essays li")) == 7 and last.select_one("ol.essays")["start"] \
        == "21"
    assert last.select_one("nav.pages a[rel=prev]")["href"] == "/?page=2"
    assert last.select_one("nav.pages a[rel=next]") is None
    assert get(served.url + "?page=4")[0] == 404
    everything = [a.text for n in (1, 2, 3) for a in page(
        served.url + f"?page={n}").select("ol.essays a.essay-title")]
    assert len(set(everything)) == 27
