"""A real Hugo site built with feedsearch, then by real Hugo (Debian's ``hugo``): every
essay page lists its related posts, and every related link and feed link is a page Hugo
built. Skips where Hugo is missing, except in CI (``CI`` set), where it fails."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup

HUGO = shutil.which("hugo")
BASE = "https://example.org/journal/"

if HUGO is None:
    if os.environ.get("CI"):
        pytest.fail("Hugo is not installed, and CI must run the Hugo site test "
                    "(make test installs Debian's hugo as root)", pytrace=False)
    pytest.skip("Hugo is not installed (Debian: apt-get install hugo; make test does it "
                "as root)", allow_module_level=True)

ESSAYS = {
    "content/posts/bread-on-sundays.md": """---
title: Bread on Sundays
date: 2024-02-04
tags: [cooking, habits]
---
Every Sunday I bake one loaf of bread. The dough rests while the house wakes up, and the
smell of the oven tells everyone that the week has not started yet. Kneading is the only
quiet ten minutes I get, and I have stopped apologising for guarding them.
""",
    "content/posts/2024-03-10-soup-for-a-cold-week.md": """---
title: Soup for a Cold Week
date: 2024-03-10
tags: [cooking, winter]
---
A pot of lentil soup on Monday feeds us until Thursday. Cooking once for the whole week
is a habit I took from my grandmother, who cooked for eight and never measured anything.
The soup gets better every day it waits in the cold cellar.
""",
    "content/posts/walking-to-work/index.md": """---
title: Walking to Work
date: 2024-04-02
tags: [habits, walking]
---
Since spring I walk the forty minutes to work. ![The canal path](canal.jpg)

The canal path is muddy in April and the herons do not care that I am late. Walking gives
the morning a shape that the bus never did, and I arrive having already thought.
""",
    "content/posts/winter-light.md": """---
title: Winter Light
date: 2024-01-15
slug: the-short-days
tags: [winter, walking]
---
In January the light is gone by half past four. I walk at lunch now, out past the
allotments, because otherwise a whole week goes by without seeing the sky in daylight.
Winter walking is slower, and the cold makes every habit feel like a decision.
""",
    "content/notes/on-keeping-a-notebook.md": """---
title: On Keeping a Notebook
date: 2024-05-20
url: /notebook/
tags: [habits, writing]
---
A small notebook lives in my coat pocket. Lists, overheard sentences, a recipe for soup
someone told me on the tram. Writing things down is a habit that makes walking and
cooking into material for later.
""",
    "content/notes/letters.md": """---
title: Letters I Did Not Send
date: 2024-06-01
tags: [writing]
---
Some letters are written to be kept in a drawer. Writing them is the point; sending them
would turn a quiet habit into a conversation I am not ready to have.
""",
    "content/posts/draft-garden.md": """---
title: The Garden Plan
date: 2024-06-10
draft: true
tags: [habits]
---
Not ready yet: a plan for tomatoes, beans and a bench in the corner.
""",
    "content/posts/_index.md": """---
title: Posts
---
Everything I wrote this year.
""",
    "README.md": "# My journal\n\nThe source of my site. Build it with hugo.\n",
    "themes/plain/layouts/partials/unused.md": "not an essay\n",
}

LAYOUT_SINGLE = """<!doctype html><html><head><title>{{ .Title }}</title></head><body>
<h1>{{ .Title }}</h1>{{ .Content }}{{ partial "related.html" . }}</body></html>
"""


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("hugo") / "site"
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "layouts" / "partials").mkdir()
    (site / "hugo.toml").write_text(f'baseURL = "{BASE}"\ntitle = "A Journal"\n')
    for path, text in ESSAYS.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(text, encoding="utf-8")
    (site / "content/posts/walking-to-work/canal.jpg").write_bytes(b"\xff\xd8not a real jpeg")
    (site / "layouts/_default/single.html").write_text(LAYOUT_SINGLE)
    (site / "layouts/_default/list.html").write_text("<ul>{{ range .Pages }}<li>"
                                                     "{{ .Title }}</li>{{ end }}</ul>\n")
    feedsearch = [sys.executable, "-m", "feedsearch"]
    template = subprocess.run([*feedsearch, "template", "hugo"], capture_output=True,
                              text=True, check=True)
    (site / "layouts/partials/related.html").write_text(template.stdout)
    index = site.parent / "index"
    build = subprocess.run([*feedsearch, "build", str(site), "--out",
                            str(site / "static" / "feeds"), "--index", str(index)],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    assert "Hugo site (hugo.toml)" in build.stderr
    subprocess.run([HUGO, "--quiet", "-s", str(site)], check=True, capture_output=True)
    return site


def page_file(site: Path, url: str) -> Path:
    """The file Hugo wrote for a URL under the base URL (or a path from the site root)."""
    path = unquote(urlsplit(url).path)
    base_path = urlsplit(BASE).path
    assert path.startswith(base_path), url
    inner = path[len(base_path):]
    target = site / "public" / inner
    return target / "index.html" if url.endswith("/") else target


def feed_items(site: Path) -> list[dict]:
    return json.loads((site / "static/feeds/feed.json").read_text())["items"]


def test_every_feed_link_is_a_page_hugo_built(built_site):
    links = [item["url"] for item in feed_items(built_site)]
    parsed = feedparser.parse((built_site / "static/feeds/feed.xml").read_bytes())
    links += [entry.link for entry in parsed.entries]
    atom = feedparser.parse((built_site / "static/feeds/atom.xml").read_bytes())
    links += [entry.link for entry in atom.entries]
    assert len(links) == 3 * 6
    missing = [link for link in links if not page_file(built_site, link).is_file()]
    assert missing == []


def test_the_site_urls_are_hugos(built_site):
    urls = {item["title"]: item["url"] for item in feed_items(built_site)}
    assert urls == {
        "Bread on Sundays": BASE + "posts/bread-on-sundays/",
        "Soup for a Cold Week": BASE + "posts/2024-03-10-soup-for-a-cold-week/",
        "Walking to Work": BASE + "posts/walking-to-work/",  # a bundle, by its folder
        "Winter Light": BASE + "posts/the-short-days/",  # slug: replaces the file name
        "On Keeping a Notebook": BASE + "notebook/",  # url: is the whole path
        "Letters I Did Not Send": BASE + "notes/letters/",
    }


def test_section_pages_drafts_readmes_and_themes_are_not_essays(built_site):
    related = json.loads((built_site / "data/related.json").read_text())
    titles = {item["title"] for item in feed_items(built_site)}
    assert "Posts" not in titles and "The Garden Plan" not in titles
    assert "My journal" not in titles and len(titles) == 6
    assert all("garden" not in key for key in related)


def test_every_essay_page_lists_related_posts_that_hugo_built(built_site):
    pages = 0
    for item in feed_items(built_site):
        html = page_file(built_site, item["url"]).read_text(encoding="utf-8")
        aside = BeautifulSoup(html, "lxml").find("aside", class_="related-posts")
        assert aside is not None, item["url"]
        links = [a["href"] for a in aside.find_all("a")]
        assert links, item["url"]
        for href in links:
            assert href.startswith(urlsplit(BASE).path), href
            assert page_file(built_site, "https://example.org" + href).is_file(), href
        pages += 1
    assert pages == 6


def test_related_lists_say_why(built_site):
    html = page_file(built_site, BASE + "posts/bread-on-sundays/").read_text()
    aside = BeautifulSoup(html, "lxml").find("aside", class_="related-posts")
    first = aside.find("li")
    assert first.find("small") is not None and "shared tags" in first.find("small").text


def test_the_data_file_is_keyed_by_each_page_path(built_site):
    related = json.loads((built_site / "data/related.json").read_text())
    assert set(related) == {"/posts/bread-on-sundays/",
                            "/posts/2024-03-10-soup-for-a-cold-week/",
                            "/posts/walking-to-work/", "/posts/the-short-days/",
                            "/notebook/", "/notes/letters/"}
    entry = related["/posts/bread-on-sundays/"][0]
    assert entry["path"] in related and entry["url"] == BASE + entry["path"].lstrip("/")


def test_a_bundle_image_resolves_against_the_bundle(built_site):
    item = next(i for i in feed_items(built_site) if i["title"] == "Walking to Work")
    image = BeautifulSoup(item["content_html"], "lxml").find("img")["src"]
    assert image == BASE + "posts/walking-to-work/canal.jpg"
    assert page_file(built_site, image).is_file()


def test_nothing_changed_leaves_the_data_file_as_it_was(built_site):
    data = built_site / "data/related.json"
    before = data.stat().st_mtime_ns, data.read_bytes()
    result = subprocess.run([sys.executable, "-m", "feedsearch", "build", str(built_site),
                             "--out", str(built_site / "static/feeds"), "--index",
                             str(built_site.parent / "index"), "--json"],
                            capture_output=True, text=True, check=True)
    report = json.loads(result.stdout)
    assert report["unchanged"] == 6
    assert (data.stat().st_mtime_ns, data.read_bytes()) == before
