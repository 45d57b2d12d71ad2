"""Real Hugo sites built with feedsearch and then real Hugo: ``python bench/hugo_heldout.py
--site NAME=DIR[:SOURCE] ... [--posts NAME=DIR ...]``.

Each ``--site`` is a real Hugo site's folder (its config and ``content/``; SOURCE, a folder
in it such as ``content/blog``, is what feedsearch is given, by default the site's root).
Each ``--posts`` is a folder of a real blog's Markdown posts, laid out as a Hugo site's
``content/blog/`` (less its own listing page, ``index.md``) with a config naming only a
base URL. The site is copied to a scratch
folder, where its theme is set aside for this project's own two layouts (an essay page
with ``{{ partial "related.html" . }}``, and a list) and the partial that
``feedsearch template hugo`` prints; the shortcodes its content uses become empty ones
(or ones that print what they enclose), so that Hugo 0.111 builds what a newer Hugo and
the theme would. What is checked depends only on the content and the config (which
pages exist, and at what URLs), not on the theme:

- feedsearch builds SOURCE (``--out SITE/static/feeds``, the related map into the site's
  ``data/``), then ``hugo`` builds the site;
- every essay in the data file has a page Hugo built at its path, and that page shows a
  related list; every related link on those pages and every item of the feeds
  (``feed.xml``, ``atom.xml``, ``feed.json``) is a page Hugo built;
- coverage: the share of essays with a non-empty list.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hugo_site import feed_urls  # noqa: E402
from report import table, write_section  # noqa: E402

FEEDSEARCH = [sys.executable, "-m", "feedsearch"]
SINGLE = ('<!doctype html><html><body><h1>{{ .Title }}</h1>{{ .Content }}'
          '{{ partial "related.html" . }}</body></html>\n')
LIST = "<ul>{{ range .Pages }}<li>{{ .Title }}</li>{{ end }}</ul>\n"
ASIDE = re.compile(r'<aside class="related-posts">(.*?)</aside>', re.S)
HREF = re.compile(r'href="([^"]*)"')
SHORTCODE = re.compile(r"\{\{[<%]\s*(/?)\s*([\w-]+)")


def prepare(name: str, folder: Path, scratch: Path, posts: bool) -> Path:
    """The site to build, in scratch: the real one's content and config, our layouts."""
    site = scratch / name
    if posts:  # the blog's own listing page (index.md) would make the folder a bundle
        shutil.copytree(folder, site / "content" / "blog",
                        ignore=lambda where, names: ["index.md"] if Path(where) == folder
                        else [])
        (site / "hugo.toml").write_text(f'baseURL = "https://{name}/"\ntitle = "{name}"\n')
    else:
        shutil.copytree(folder, site, ignore=shutil.ignore_patterns(
            "public", "resources", "themes", "node_modules", ".git"))
        for config in site.glob("*.toml"):
            text = config.read_text(encoding="utf-8")
            text = re.sub(r"(?im)^\s*theme\s*=.*$", "", text)
            text = re.sub(r"(?im)^\s*enableGitInfo\s*=.*$", "enableGitInfo = false", text)
            config.write_text(text, encoding="utf-8")
    layouts = site / "layouts"
    shutil.rmtree(layouts, ignore_errors=True)
    (layouts / "_default").mkdir(parents=True)
    (layouts / "_default" / "single.html").write_text(SINGLE)
    (layouts / "_default" / "list.html").write_text(LIST)
    (layouts / "partials").mkdir()
    template = subprocess.run([*FEEDSEARCH, "template", "hugo"], capture_output=True,
                              text=True, check=True).stdout
    (layouts / "partials" / "related.html").write_text(template)
    _stub_shortcodes(site)
    return site


def _stub_shortcodes(site: Path) -> None:
    """An empty shortcode for each the content uses (one that prints what it encloses,
    where the content closes it)."""
    used, closed = set(), set()
    for page in (site / "content").rglob("*.md"):
        for closing, name in SHORTCODE.findall(page.read_text(encoding="utf-8",
                                                              errors="replace")):
            (closed if closing else used).add(name)
    folder = site / "layouts" / "shortcodes"
    folder.mkdir()
    for name in used | closed:
        (folder / f"{name}.html").write_text("{{ .Inner }}\n" if name in closed else "\n")


def page_file(public: Path, base: str, url: str) -> Path:
    path = unquote(urlsplit(url).path)
    base_path = urlsplit(base).path
    inner = path[len(base_path):] if path.startswith(base_path) else path.lstrip("/")
    target = public / inner
    return target / "index.html" if path.endswith("/") else target


def check(name: str, site: Path, source: str) -> list[str]:
    index, public = site.parent / f"{name}-index", site / "public"
    build = subprocess.run([*FEEDSEARCH, "build", str(site / source), "--out",
                            str(site / "static" / "feeds"), "--index", str(index), "--json"],
                           capture_output=True, text=True)
    if build.returncode != 0:
        raise SystemExit(f"{name}: feedsearch build failed: {build.stderr.strip()}")
    report = json.loads(build.stdout)
    hugo = subprocess.run(["hugo", "--quiet", "-s", str(site)], capture_output=True,
                          text=True)
    if hugo.returncode != 0:
        raise SystemExit(f"{name}: hugo failed: {hugo.stderr.strip()[:400]}")
    base = next(line for line in (site / "static/feeds/feed.xml").read_text().splitlines()
                if "<link>" in line).strip().removeprefix("<link>").removesuffix("</link>")
    base = base if base.endswith("/") else base + "/"
    related = json.loads((site / "data" / "related.json").read_text(encoding="utf-8"))
    missing, no_list, links, broken = [], [], 0, []
    for key in related:
        page = page_file(public, base, base.rstrip("/") + key)
        if not page.is_file():
            missing.append(key)
            continue
        aside = ASIDE.search(page.read_text(encoding="utf-8"))
        hrefs = HREF.findall(aside.group(1)) if aside else []
        if not hrefs:
            no_list.append(key)
        for href in hrefs:
            links += 1
            if not page_file(public, base, href).is_file():
                broken.append(f"{key} -> {href}")
    feed = feed_urls(site / "static" / "feeds")
    broken_feed = [url for _, url in feed if not page_file(public, base, url).is_file()]
    covered = sum(1 for items in related.values() if items)
    for label, faults in (("no page", missing), ("no list", no_list),
                          ("broken related link", broken), ("broken feed link", broken_feed)):
        for fault in faults[:3]:
            print(f"{name}: {label}: {fault}", file=sys.stderr)
    return [name, f"{report['documents']:,}", f"{len(related) - len(missing):,}",
            f"{len(related) - len(missing) - len(no_list):,}", f"{links:,}",
            f"{len(broken)}", f"{len(feed)}", f"{len(broken_feed)}",
            f"{covered / len(related):.1%}" if related else "-"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", action="append", default=[],
                        help="NAME=DIR[:SOURCE], a real Hugo site (SOURCE: the folder "
                             "feedsearch reads, e.g. content/blog)")
    parser.add_argument("--posts", action="append", default=[],
                        help="NAME=DIR, a folder of a real blog's Markdown posts")
    parser.add_argument("--no-write", action="store_true",
                        help="print the table only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    if shutil.which("hugo") is None:
        raise SystemExit("hugo is not installed (Debian: apt-get install hugo)")
    rows = []
    with tempfile.TemporaryDirectory(prefix="feedsearch-heldout-") as scratch:
        for given, posts in [(s, False) for s in args.site] + [(p, True) for p in args.posts]:
            name, _, where = given.partition("=")
            folder, _, source = where.partition(":")
            site = prepare(name, Path(folder), Path(scratch), posts)
            rows.append(check(name, site, source or "."))
    text = table(["site", "essays", "essay pages Hugo built", "pages with a related list",
                  "related links", "broken", "feed items", "broken", "coverage"], rows)
    print(text)
    if not args.no_write:
        names = " ".join([f"--site {s.split('=')[0]}=DIR" + (":" + s.split(":")[1]
                                                               if ":" in s else "")
                          for s in args.site] + [f"--posts {p.split('=')[0]}=DIR"
                                                  for p in args.posts])
        write_section("hugo-heldout", "## Real Hugo sites: every link a page Hugo built "
                      "(bench/hugo_heldout.py)\n\n" + __doc__.split("\n\n", 1)[1].strip()
                      + f"\n\nCommand: `python bench/hugo_heldout.py {names}`\n\n" + text)


if __name__ == "__main__":
    main()
