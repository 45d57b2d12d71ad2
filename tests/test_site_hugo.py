"""A real Hugo site built with feedsearch, then by real Hugo (Debian's ``hugo``): every
essay page lists its related posts, and every related link and feed link is a page Hugo
built. Skips where Hugo is missing, except in CI (``CI`` set), where it fails."""

from __future__ import annotations

import json
import subprocess

import pytest
from bs4 import BeautifulSoup

from tests.sitecheck import (
    DRAFT,
    BuiltSite,
    check_built_site,
    essay_file,
    need,
    run_feedsearch,
    which,
    write_site,
)

HUGO = need(which("hugo"), "Hugo", "Debian: apt-get install hugo; make test does it as root",
            required_in_ci=True)
BASE = "https://example.org/journal/"

FILES = {
    "content/posts/bread-on-sundays.md": essay_file("bread-on-sundays"),
    "content/posts/2024-03-10-soup-for-a-cold-week.md": essay_file("soup-for-a-cold-week"),
    "content/posts/walking-to-work/index.md": essay_file("walking-to-work"),
    "content/posts/winter-light.md": essay_file("winter-light", "slug: the-short-days\n"),
    "content/notes/on-keeping-a-notebook.md": essay_file("on-keeping-a-notebook",
                                                         "url: /notebook/\n"),
    "content/notes/letters.md": essay_file("letters"),
    # A translation (the site has two languages), a page bundle's resource, a file the
    # config's ignoreFiles names: pages of Hugo's or none, but not essays of the feeds.
    "content/posts/walking-to-work/index.es.md": essay_file(
        "", essay=("Caminar al trabajo", "2024-04-02", ["walking"],
                   "Desde la primavera camino cuarenta minutos hasta el trabajo.\n")),
    "content/posts/walking-to-work/route-notes.md": "---\ntitle: Route notes\n---\n"
                                                    "Left at the lock, right at the bakery.\n",
    "content/notes/scratch-pad.md": essay_file("", essay=("Scratch", "2024-06-02", [],
                                                          "Half a thought.\n")),
    "content/posts/draft-garden.md": essay_file("", "draft: true\n", DRAFT),
    "content/posts/_index.md": "---\ntitle: Posts\n---\nEverything I wrote this year.\n",
    "content/about.md": "---\ntitle: About\n---\nI write about small habits.\n",
    "README.md": "# My journal\n\nThe source of my site. Build it with hugo.\n",
    "themes/plain/layouts/partials/unused.md": "not an essay\n",
    "hugo.toml": f'baseURL = "{BASE}"\ntitle = "A Journal"\n'
                 'ignoreFiles = ["scratch-pad"]\n'
                 '[permalinks]\n  notes = "/notes/:year/:month/:slug/"\n'
                 '[languages]\n  [languages.en]\n    weight = 1\n'
                 '  [languages.es]\n    weight = 2\n',
    "layouts/_default/single.html": "<!doctype html><html><body><h1>{{ .Title }}</h1>"
                                    '{{ .Content }}{{ partial "related.html" . }}'
                                    "</body></html>\n",
    "layouts/_default/list.html": "<ul>{{ range .Pages }}<li>{{ .Title }}</li>{{ end }}</ul>\n",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> BuiltSite:
    root = tmp_path_factory.mktemp("hugo") / "site"
    write_site(root, FILES)
    (root / "content/posts/walking-to-work/canal.jpg").write_bytes(b"\xff\xd8not a real jpeg")
    (root / "layouts/partials").mkdir(parents=True)
    (root / "layouts/partials/related.html").write_text(run_feedsearch("template",
                                                                       "hugo").stdout)
    build = run_feedsearch("build", str(root), "--out", str(root / "static" / "feeds"),
                           "--index", str(root.parent / "index"))
    assert "Hugo site (hugo.toml)" in build.stderr
    subprocess.run([HUGO, "--quiet", "-s", str(root)], check=True, capture_output=True)
    return BuiltSite(root, root / "public", root / "static/feeds", root / "data", BASE)


def test_every_link_is_a_page_hugo_built_and_every_essay_lists_related(site):
    check_built_site(site, 6)


def test_the_site_urls_are_hugos(site):
    assert {item["title"]: item["url"] for item in site.feed_items()} == {
        "Bread on Sundays": BASE + "posts/bread-on-sundays/",
        "Soup for a Cold Week": BASE + "posts/2024-03-10-soup-for-a-cold-week/",
        "Walking to Work": BASE + "posts/walking-to-work/",  # a bundle, by its folder
        "Winter Light": BASE + "posts/the-short-days/",  # slug: replaces the file name
        "On Keeping a Notebook": BASE + "notebook/",  # url: is the whole path
        # [permalinks] notes = "/notes/:year/:month/:slug/": Hugo's :slug is the title
        "Letters I Did Not Send": BASE + "notes/2024/06/letters-i-did-not-send/",
    }


def test_section_pages_drafts_readmes_themes_translations_and_resources_are_not_essays(site):
    assert set(site.related_data()) == {
        "/posts/bread-on-sundays/", "/posts/2024-03-10-soup-for-a-cold-week/",
        "/posts/walking-to-work/", "/posts/the-short-days/", "/notebook/",
        "/notes/2024/06/letters-i-did-not-send/"}
    assert (site.public / "es/posts/walking-to-work/index.html").is_file()  # Hugo's own


def test_a_section_folder_as_source_keeps_the_sites_urls(site, tmp_path):
    out = tmp_path / "out"
    build = run_feedsearch("build", str(site.root / "content" / "notes"), "--out", str(out),
                           "--index", str(tmp_path / "index"), "--data-dir",
                           str(tmp_path / "data"))
    assert "essays from content/notes/" in build.stderr
    urls = {item["url"] for item in json.loads((out / "feed.json").read_text())["items"]}
    assert urls == {BASE + "notebook/", BASE + "notes/2024/06/letters-i-did-not-send/"}


def test_related_lists_say_why(site):
    html = site.page_file(BASE + "posts/bread-on-sundays/").read_text()
    first = BeautifulSoup(html, "lxml").find("aside", class_="related-posts").find("li")
    assert first.find("small") is not None and "shared tags" in first.find("small").text


def test_each_entry_carries_its_path(site):
    related = site.related_data()
    entry = related["/posts/bread-on-sundays/"][0]
    assert entry["path"] in related and entry["url"] == BASE + entry["path"].lstrip("/")


def test_a_bundle_image_resolves_against_the_bundle(site):
    item = next(i for i in site.feed_items() if i["title"] == "Walking to Work")
    image = BeautifulSoup(item["content_html"], "lxml").find("img")["src"]
    assert image == BASE + "posts/walking-to-work/canal.jpg"
    assert site.page_file(image).is_file()


def test_nothing_changed_leaves_the_data_file_as_it_was(site):
    data = site.data / "related.json"
    before = data.stat().st_mtime_ns, data.read_bytes()
    result = run_feedsearch("build", str(site.root), "--out", str(site.feeds), "--index",
                            str(site.root.parent / "index"), "--json")
    assert json.loads(result.stdout)["unchanged"] == 6
    assert (data.stat().st_mtime_ns, data.read_bytes()) == before
