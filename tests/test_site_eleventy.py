"""A real Eleventy site built with feedsearch, then by real Eleventy (npm's
``@11ty/eleventy``; ``make test`` installs it where npm is): an input folder, a post kept in
a folder with its image, plain and templated ``permalink`` front matter, a name with a
space and a letter outside ASCII, index pages that list others. Skips where Eleventy is
missing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.sitecheck import (
    BuiltSite,
    check_built_site,
    essay_file,
    need,
    run_feedsearch,
    which,
    write_site,
)

ELEVENTY = need(which("eleventy", Path(sys.executable).parent.parent / "eleventy" /
                      "node_modules" / ".bin" / "eleventy"),
                "Eleventy", "npm install @11ty/eleventy; make test does it where npm is")
BASE = "https://example.org/"

FILES = {
    "src/posts/bread-on-sundays.md": essay_file("bread-on-sundays"),
    "src/posts/2024-03-10-soup-for-a-cold-week.md": essay_file("soup-for-a-cold-week"),
    "src/posts/walking-to-work/index.md": essay_file("walking-to-work"),
    "src/posts/Winter Light ü.md": essay_file("winter-light"),
    "src/notes/on-keeping-a-notebook.md": essay_file("on-keeping-a-notebook",
                                                     "permalink: /notebook/\n"),
    "src/notes/letters.md": essay_file("letters",
                                       "permalink: '/unsent/{{ page.fileSlug }}/'\n"),
    "src/index.md": "---\ntitle: Home\n---\nWelcome to my journal.\n",
    "src/posts/index.md": "---\ntitle: Posts\n---\nEverything I wrote this year.\n",
    "src/posts/posts.json": '{"layout": "post.njk"}\n',
    "src/notes/notes.json": '{"layout": "post.njk"}\n',
    "src/_includes/post.njk": "<!doctype html><html><body><h1>{{ title }}</h1>"
                              "{{ content | safe }}{% include \"related.njk\" %}</body></html>\n",
    "README.md": "# My journal\n\nBuild it with eleventy.\n",
    "eleventy.config.js": "module.exports = function (config) {\n"
                          "  config.addPassthroughCopy('src/posts/walking-to-work/*.jpg');\n"
                          "  config.addPassthroughCopy({'feeds': 'feeds'});\n"
                          "  return { dir: { input: 'src', output: '_site' } };\n};\n",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> BuiltSite:
    root = tmp_path_factory.mktemp("eleventy") / "site"
    write_site(root, FILES)
    (root / "src/posts/walking-to-work/canal.jpg").write_bytes(b"\xff\xd8not a real jpeg")
    (root / "src/_includes/related.njk").write_text(run_feedsearch("template",
                                                                   "eleventy").stdout)
    build = run_feedsearch("build", str(root), "--out", str(root / "feeds"), "--index",
                           str(root.parent / "index"), "--base-url", BASE)
    assert "Eleventy site (eleventy.config.js)" in build.stderr
    subprocess.run([ELEVENTY, "--quiet"], cwd=root, check=True, capture_output=True)
    return BuiltSite(root, root / "_site", root / "_site/feeds", root / "src/_data", BASE,
                     raw_paths=True)


def test_every_link_is_a_page_eleventy_built_and_every_post_lists_related(site):
    check_built_site(site, 6)


def test_the_site_urls_are_eleventys(site):
    assert {item["title"]: item["url"] for item in site.feed_items()} == {
        "Bread on Sundays": BASE + "posts/bread-on-sundays/",
        "Soup for a Cold Week": BASE + "posts/2024-03-10-soup-for-a-cold-week/",
        "Walking to Work": BASE + "posts/walking-to-work/",
        "Winter Light": BASE + "posts/Winter%20Light%20%C3%BC/",
        "On Keeping a Notebook": BASE + "notebook/",
        "Letters I Did Not Send": BASE + "unsent/letters/",
    }


def test_index_pages_and_directory_data_are_not_essays(site):
    keys = set(site.related_data())
    assert "/" not in keys and "/posts/" not in keys and len(keys) == 6
    assert "/posts/Winter Light ü/" in keys  # as Eleventy's page.url has it


def test_the_image_of_a_post_kept_in_its_folder(site):
    item = next(i for i in site.feed_items() if i["title"] == "Walking to Work")
    assert 'src="https://example.org/posts/walking-to-work/canal.jpg"' in item["content_html"]
    assert (site.public / "posts/walking-to-work/canal.jpg").is_file()
