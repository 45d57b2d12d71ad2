"""A real Jekyll site built with feedsearch, then by real Jekyll (Debian's ``jekyll``):
posts, a category folder, a ``slug`` and a ``permalink`` in front matter, a draft, pages
and layouts that are not essays. Skips where Jekyll is missing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

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

JEKYLL = need(which("jekyll"), "Jekyll", "Debian: apt-get install jekyll")
BASE = "https://example.org/journal/"

FILES = {
    "_posts/2024-02-04-bread-on-sundays.md": essay_file("bread-on-sundays"),
    "_posts/2024-03-10-soup-for-a-cold-week.md": essay_file(
        "soup-for-a-cold-week", "categories: [Kitchen]\n"),
    "blog/_posts/2024-04-02-walking-to-work.md": essay_file("walking-to-work"),
    "_posts/2024-01-15-winter-light.md": essay_file("winter-light", "slug: the-short-days\n"),
    "_posts/2024-05-20-on-keeping-a-notebook.md": essay_file("on-keeping-a-notebook",
                                                             "permalink: /notebook/\n"),
    "_posts/2024-06-01-letters.md": essay_file("letters"),
    "_drafts/the-garden-plan.md": essay_file("", essay=DRAFT),
    "about.md": "---\ntitle: About\nlayout: post\n---\nI write about small habits.\n",
    "README.md": "# My journal\n\nThe source of my site. Build it with jekyll.\n",
    "_layouts/post.html": "<!doctype html><html><body><h1>{{ page.title | escape }}</h1>"
                          "{{ content }}{% include related.html %}</body></html>\n",
    "_includes/note.md": "An include, not an essay.\n",
    "_config.yml": "url: https://example.org\nbaseurl: /journal\ntitle: A Journal\n"
                   "exclude: [README.md]\n"
                   "defaults:\n  - scope: {path: '', type: posts}\n"
                   "    values: {layout: post}\n",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> BuiltSite:
    root = tmp_path_factory.mktemp("jekyll") / "site"
    write_site(root, FILES)
    template = run_feedsearch("template", "jekyll").stdout
    (root / "_includes/related.html").write_text(template)
    build = run_feedsearch("build", str(root), "--out", str(root / "feeds"), "--index",
                           str(root.parent / "index"))
    assert "Jekyll site (_config.yml)" in build.stderr
    subprocess.run([JEKYLL, "build", "--quiet", "-s", str(root), "-d", str(root / "_site")],
                   check=True, capture_output=True)
    return BuiltSite(root, root / "_site", root / "_site/feeds", root / "_data", BASE)


def test_every_link_is_a_page_jekyll_built_and_every_post_lists_related(site):
    check_built_site(site, 6)


def test_the_site_urls_are_jekylls(site):
    assert {item["title"]: item["url"] for item in site.feed_items()} == {
        "Bread on Sundays": BASE + "2024/02/04/bread-on-sundays.html",
        "Soup for a Cold Week": BASE + "kitchen/2024/03/10/soup-for-a-cold-week.html",
        "Walking to Work": BASE + "blog/2024/04/02/walking-to-work.html",
        "Winter Light": BASE + "2024/01/15/the-short-days.html",
        "On Keeping a Notebook": BASE + "notebook/",
        "Letters I Did Not Send": BASE + "2024/06/01/letters.html",
    }


def test_drafts_pages_includes_and_readmes_are_not_essays(site):
    keys = set(site.related_data())
    assert len(keys) == 6 and not any("garden" in key or "about" in key for key in keys)


def test_jekyll_gets_the_map_as_yaml_too(site):
    assert yaml.safe_load((site.data / "related.yml").read_text()) == site.related_data()


def test_related_lists_link_through_the_base_url(site):
    hrefs = site.related_links(BASE + "2024/02/04/bread-on-sundays.html")
    assert hrefs and all(href.startswith("/journal/") for href in hrefs)
    assert Path(site.page_file(site.host() + hrefs[0])).is_file()
