"""What the site tests share: short essays of our own, and checks of a site a real
generator built after feedsearch (tests/test_site_*.py)."""

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

FEEDSEARCH = [sys.executable, "-m", "feedsearch"]

# name: (title, date, tags, text)
ESSAYS = {
    "bread-on-sundays": ("Bread on Sundays", "2024-02-04", ["cooking", "habits"], """
Every Sunday I bake one loaf of bread. The dough rests while the house wakes up, and the
smell of the oven tells everyone that the week has not started yet. Kneading is the only
quiet ten minutes I get, and I have stopped apologising for guarding them.
"""),
    "soup-for-a-cold-week": ("Soup for a Cold Week", "2024-03-10", ["cooking", "winter"], """
A pot of lentil soup on Monday feeds us until Thursday. Cooking once for the whole week
is a habit I took from my grandmother, who cooked for eight and never measured anything.
The soup gets better every day it waits in the cold cellar.
"""),
    "walking-to-work": ("Walking to Work", "2024-04-02", ["habits", "walking"], """
Since spring I walk the forty minutes to work. ![The canal path](canal.jpg)

The canal path is muddy in April and the herons do not care that I am late. Walking gives
the morning a shape that the bus never did, and I arrive having already thought.
"""),
    "winter-light": ("Winter Light", "2024-01-15", ["winter", "walking"], """
In January the light is gone by half past four. I walk at lunch now, out past the
allotments, because otherwise a whole week goes by without seeing the sky in daylight.
Winter walking is slower, and the cold makes every habit feel like a decision.
"""),
    "on-keeping-a-notebook": ("On Keeping a Notebook", "2024-05-20", ["habits", "writing"], """
A small notebook lives in my coat pocket. Lists, overheard sentences, a recipe for soup
someone told me on the tram. Writing things down is a habit that makes walking and
cooking into material for later.
"""),
    "letters": ("Letters I Did Not Send", "2024-06-01", ["writing"], """
Some letters are written to be kept in a drawer. Writing them is the point; sending them
would turn a quiet habit into a conversation I am not ready to have.
"""),
}
DRAFT = ("The Garden Plan", "2024-06-10", ["habits"],
         "Not ready yet: a plan for tomatoes, beans and a bench in the corner.\n")


def essay_file(name: str, extra: str = "", essay: tuple | None = None) -> str:
    title, date, tags, text = essay or ESSAYS[name]
    return (f"---\ntitle: {title}\ndate: {date}\ntags: [{', '.join(tags)}]\n{extra}---\n"
            f"{text.lstrip()}")


def need(command: str | None, what: str, how: str, required_in_ci: bool = False) -> str:
    """The generator's command, or skip the module saying why (fail instead in CI, for a
    generator CI must have)."""
    if command is not None:
        return command
    if required_in_ci and os.environ.get("CI"):
        pytest.fail(f"{what} is not installed, and CI must run its site test ({how})",
                    pytrace=False)
    pytest.skip(f"{what} is not installed ({how})", allow_module_level=True)
    raise AssertionError  # not reached


def which(name: str, *also: Path) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    return next((str(path) for path in also if path.is_file()), None)


def write_site(root: Path, files: dict[str, str]) -> Path:
    """The site's files (path: text) under ``root``."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def run_feedsearch(*args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([*FEEDSEARCH, *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result


class BuiltSite:
    """A site a generator built into ``public`` after feedsearch wrote its feeds into
    ``feeds`` and its data file into ``data``, under the base URL ``base``."""

    def __init__(self, root: Path, public: Path, feeds: Path, data: Path, base: str,
                 raw_paths: bool = False) -> None:
        self.root, self.public, self.feeds, self.data, self.base = root, public, feeds, data, base
        self.raw_paths = raw_paths

    def page_file(self, url: str) -> Path:
        """The file the generator wrote for a URL under the base URL, or a path from the
        host's root."""
        path = unquote(urlsplit(url).path)
        base_path = urlsplit(self.base).path
        assert path.startswith(base_path), url
        target = self.public / path[len(base_path):]
        return target / "index.html" if path.endswith("/") else target

    def feed_items(self) -> list[dict]:
        return json.loads((self.feeds / "feed.json").read_text())["items"]

    def feed_links(self) -> list[str]:
        links = [item["url"] for item in self.feed_items()]
        for name in ("feed.xml", "atom.xml"):
            links += [entry.link for entry in feedparser.parse(
                (self.feeds / name).read_bytes()).entries]
        return links

    def related_data(self) -> dict:
        return json.loads((self.data / "related.json").read_text())

    def related_links(self, url: str) -> list[str]:
        """The links in the related list of the page at ``url`` (which must have one)."""
        html = self.page_file(url).read_text(encoding="utf-8")
        aside = BeautifulSoup(html, "lxml").find("aside", class_="related-posts")
        assert aside is not None, f"no related list on {url}"
        return [a["href"] for a in aside.find_all("a")]

    def host(self) -> str:
        parts = urlsplit(self.base)
        return f"{parts.scheme}://{parts.netloc}"


def check_built_site(site: BuiltSite, essays: int) -> None:
    """Every feed link is a page the generator built; every essay page lists related
    posts, each a page the generator built; the data file holds every essay's path."""
    links = site.feed_links()
    assert len(links) == 3 * essays
    assert [link for link in links if not site.page_file(link).is_file()] == []
    data = site.related_data()
    assert len(data) == essays
    for item in site.feed_items():
        hrefs = site.related_links(item["url"])
        assert hrefs, item["url"]
        for href in hrefs:
            assert site.page_file(site.host() + href).is_file(), href
        path = unquote(item["url"][len(site.base) - 1:]) if site.raw_paths \
            else item["url"][len(site.base) - 1:]
        assert path in data, path
