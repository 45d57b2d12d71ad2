"""The dev blogs built by feedsearch and by real Hugo, in one run: ``python bench/generators.py``.

For each real blog in ../shared/devsets (18f, carpentries, v8: Markdown posts with front
matter, byte for byte as their sites keep them), two tools build the same posts, each as a
process of its own, timed as wall seconds of the whole process after ``os.sync()``:
- feedsearch: ``feedsearch build POSTS --out OUT --index INDEX --base-url
  https://example.org/ -q --json`` (search index, RSS, Atom and JSON feeds with tag feeds,
  the related-posts map);
- Hugo (the ``hugo`` on PATH, Debian's package): ``hugo --quiet`` (no ``--gc``) in a site
  made for the run: a ``hugo.toml`` with the same base URL, RSS for the home page and the
  sections, and ``[related]`` written out as Hugo's default for a site with tags (indices
  keywords 100, date 10 and tags 80, threshold 80, newer posts not included); four small
  layouts (``_default/baseof.html``, ``_default/list.html``, ``index.html``, and
  ``_default/single.html``, which lists the first five of ``.Site.RegularPages.Related .``
  under each post); the posts copied unchanged into ``content/posts/``.

Each tool builds twice a round: a first build (feedsearch: OUT and INDEX removed; Hugo:
public/, resources/ and its cache folder removed) and a rebuild with nothing changed (the
same command again: feedsearch reads only the files that changed, here none; Hugo renders
every page again). The machine is shared and its load drifts over minutes, so the tools
alternate ABBA-style: feedsearch first in odd rounds, Hugo first in even ones, so that a
slow stretch falls on both. Reported per blog: medians and min-max, and feedsearch / Hugo
of the medians.

What Hugo needs from the site: posts that write ``{{< param NAME >}}`` read a site
parameter, and Hugo fails the build when one is missing (its built-in shortcode calls
``errorf``, which no option turns off), so each NAME found in the posts gets a placeholder
value in hugo.toml, as the blog's own site defines them. A post that Hugo still cannot
build (it stops at a shortcode it cannot parse) is found by untimed builds before the
rounds, left out of both tools' copies of the posts, and named with Hugo's error.

Also reported: the posts each tool made a page or entry for (feedsearch: ``documents`` of
its JSON report; Hugo: the ``public/posts/**/index.html`` that the single layout rendered),
and the share of those with at least one related post (feedsearch: non-empty entries of
OUT/related.json; Hugo: pages whose related list has an item).

Pagefind indexing of the same posts will be added beside these when the site-search work
brings it in.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import table, write_section  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEVSETS = ROOT.parent / "shared" / "devsets"
BLOGS = ("18f", "carpentries", "v8")
BIN = Path(sys.executable).parent
BASE_URL = "https://example.org/"
MEASURES = ("first build", "rebuild, nothing changed")
POST_MARK = '<article class="bench-post">'
RELATED_MARK = '<ul class="bench-related">'
PARAM = re.compile(r"\{\{[<%]\s*param\s+\"?([\w.-]+)\"?\s*/?[>%]\}\}")

LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body>{{ block "main" . }}{{ end }}</body>
</html>
""",
    "_default/single.html": """{{ define "main" }}
""" + POST_MARK + """
<h1>{{ .Title }}</h1>
{{ .Content }}
</article>
{{ with first 5 (.Site.RegularPages.Related .) }}
""" + RELATED_MARK + """
{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>
{{ end }}
{{ end }}
""",
    "_default/list.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>
{{ end }}
""",
    "index.html": """{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
<ul>
{{ range first 20 .Site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>
{{ end }}
""",
}


def config(site: Path, params: list[str]) -> str:
    """hugo.toml: Hugo's default related settings for a site with tags, written out."""
    lines = [f'baseURL = "{BASE_URL}"', 'title = "Benchmark"', 'languageCode = "en-us"',
             f'cacheDir = "{site / "cache"}"', "",
             "[outputs]", 'home = ["HTML", "RSS"]', 'section = ["HTML", "RSS"]', "",
             "[related]", "threshold = 80", "includeNewer = false", "toLower = false"]
    for name, weight in (("keywords", 100), ("date", 10), ("tags", 80)):
        lines += ["", "[[related.indices]]", f'name = "{name}"', f"weight = {weight}"]
    if params:
        lines += ["", "[params]"]
        lines += [f'"{name}" = "{BASE_URL}params/{name}/"' for name in params]
    return "\n".join(lines) + "\n"


def shortcode_params(posts: Path) -> list[str]:
    """Site parameters the posts read with Hugo's ``param`` shortcode."""
    names: set[str] = set()
    for path in posts.rglob("*"):
        if path.is_file():
            names.update(PARAM.findall(path.read_text(encoding="utf-8", errors="replace")))
    return sorted(names)


def make_site(site: Path, source: Path) -> list[str]:
    """A Hugo site holding a copy of ``source``; returns the params it had to define."""
    shutil.copytree(source, site / "content" / "posts")
    params = shortcode_params(site / "content" / "posts")
    (site / "hugo.toml").write_text(config(site, params), encoding="utf-8")
    for name, text in LAYOUTS.items():
        path = site / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return params


def tidy(line: str, content: Path) -> str:
    """One line of Hugo's output, without its timestamp and the site's folder."""
    line = re.sub(r"^(ERROR \d{4}/\d\d/\d\d \d\d:\d\d:\d\d |Error: Error building site: )",
                  "", line.strip())
    return re.sub(re.escape(f'"{content}/') + r'([^"]*)"', r"\1", line)


class HugoFailed(Exception):
    """Hugo cannot build the site, and names no post to blame."""


def left_out(hugo: str, site: Path) -> dict[str, str]:
    """Untimed builds until Hugo succeeds; each post Hugo names in an error is removed from
    the site. Returns {path under posts/: Hugo's first error about it}."""
    content = site / "content" / "posts"
    named = re.compile(re.escape(f"{content}/") + r"([^\":]+?):\d+:\d+")
    total = sum(1 for path in content.rglob("*") if path.is_file())
    excluded: dict[str, str] = {}
    while True:
        result = subprocess.run([hugo], cwd=site, capture_output=True, text=True)
        if result.returncode == 0:
            return excluded
        lines = (result.stderr + result.stdout).splitlines()
        found: dict[str, str] = {}
        for line in lines:
            for match in named.finditer(line):
                found.setdefault(match.group(1), tidy(line, content))
        errors = [line for line in lines if line.strip()]
        if not found or len(excluded) + len(found) >= total:
            raise HugoFailed(tidy(errors[0] if errors else f"exit {result.returncode}",
                                  content))
        for name, why in found.items():
            (content / name).unlink()
            excluded[name] = why


def timed(command: list[str], cwd: Path) -> tuple[float, bytes]:
    """Wall seconds of one process, after a sync, and its standard output."""
    os.sync()  # the previous build's writes are not left to slow this one
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True)
    seconds = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n"
                         f"{result.stderr.decode(errors='replace')}")
    return seconds, result.stdout


@dataclass
class Tool:
    name: str
    times: dict[str, list[float]] = field(
        default_factory=lambda: {measure: [] for measure in MEASURES})

    def round(self) -> None:
        self.times["first build"].append(self.first())
        self.times["rebuild, nothing changed"].append(self.again())

    def first(self) -> float:
        raise NotImplementedError

    def again(self) -> float:
        raise NotImplementedError


class Feedsearch(Tool):
    def __init__(self, root: Path) -> None:
        super().__init__("feedsearch")
        self.root = root
        self.documents = 0

    def build(self) -> tuple[float, dict]:
        seconds, out = timed([str(BIN / "feedsearch"), "build", str(self.root / "posts"),
                              "--out", str(self.root / "out"), "--index",
                              str(self.root / "index"), "--base-url", BASE_URL, "-q",
                              "--json"], self.root)
        return seconds, json.loads(out)

    def first(self) -> float:
        for folder in ("out", "index"):
            shutil.rmtree(self.root / folder, ignore_errors=True)
        seconds, report = self.build()
        self.documents = report["documents"]
        return seconds

    def again(self) -> float:
        seconds, report = self.build()
        if report["unchanged"] != self.documents or report["updated"] or report["added"]:
            print(f"warning: feedsearch's rebuild with nothing changed reported "
                  f"{ {k: report[k] for k in ('added', 'updated', 'unchanged')} }",
                  file=sys.stderr)
        return seconds

    def related(self) -> int:
        """Essays whose entry in related.json lists at least one post."""
        entries = json.loads((self.root / "out" / "related.json").read_text(encoding="utf-8"))
        return sum(1 for related in entries.values() if related)


class Hugo(Tool):
    def __init__(self, hugo: str, site: Path) -> None:
        super().__init__("Hugo")
        self.hugo, self.site = hugo, site

    def first(self) -> float:
        for folder in ("public", "resources", "cache"):
            shutil.rmtree(self.site / folder, ignore_errors=True)
        return self.again()

    def again(self) -> float:
        return timed([self.hugo, "--quiet"], self.site)[0]

    def pages(self) -> tuple[int, int]:
        """Post pages the single layout rendered, and those with a related list."""
        pages = related = 0
        for path in (self.site / "public" / "posts").rglob("index.html"):
            html = path.read_text(encoding="utf-8", errors="replace")
            if POST_MARK in html:
                pages += 1
                related += RELATED_MARK in html
        return pages, related


@dataclass
class Blog:
    name: str
    posts: int
    feedsearch: Feedsearch
    hugo: Hugo | None
    params: list[str]
    excluded: dict[str, str]
    skipped: str = ""
    outputs: list[str] = field(default_factory=list)


def prepare(name: str, source: Path, root: Path, hugo: str | None) -> Blog:
    """Copies of the blog's posts for both tools, less the posts Hugo cannot build."""
    root.mkdir(parents=True)
    shutil.copytree(source, root / "posts")  # copy2: mtimes kept
    posts = sum(1 for path in source.rglob("*") if path.is_file())
    blog = Blog(name, posts, Feedsearch(root), None, [], {})
    if hugo is None:
        return blog
    site = root / "site"
    blog.params = make_site(site, source)
    try:
        blog.excluded = left_out(hugo, site)
    except HugoFailed as error:
        blog.skipped = f"Hugo cannot build {name}: {error}"
        print(f"{blog.skipped}; feedsearch measured alone", file=sys.stderr)
        return blog
    for path in blog.excluded:
        (root / "posts" / path).unlink()
    blog.hugo = Hugo(hugo, site)
    return blog


def seconds(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def spread(values: list[float]) -> str:
    return f"{seconds(min(values))}-{seconds(max(values))}" if len(values) > 1 else "-"


def share(part: int, whole: int) -> str:
    return f"{part / whole:.1%} ({part:,} of {whole:,})" if whole else "-"


def timing_rows(blog: Blog) -> list[list[str]]:
    rows = []
    for measure in MEASURES:
        ours = blog.feedsearch.times[measure]
        row = [blog.name, f"{blog.posts - len(blog.excluded):,}", measure,
               seconds(statistics.median(ours))]
        if blog.hugo is None:
            row += ["-", "-", spread(ours), "-"]
        else:
            theirs = blog.hugo.times[measure]
            ratio = statistics.median(ours) / statistics.median(theirs)
            row += [seconds(statistics.median(theirs)), f"{ratio:.2f}", spread(ours),
                    spread(theirs)]
        rows.append(row)
    return rows


def output_row(blog: Blog) -> list[str]:
    documents = blog.feedsearch.documents
    row = [blog.name, f"{blog.posts:,}", f"{len(blog.excluded):,}" if blog.hugo else "-",
           f"{documents:,}", share(blog.feedsearch.related(), documents)]
    if blog.hugo is None:
        return row + ["-", "-"]
    pages, related = blog.hugo.pages()
    return row + [f"{pages:,}", share(related, pages)]


def notes(blogs: list[Blog]) -> list[str]:
    """What Hugo needed, per blog: placeholder params, posts left out, or why it was skipped."""
    lines = []
    for blog in blogs:
        if blog.skipped:
            lines.append(f"- {blog.skipped}.")
        if blog.params:
            lines.append(f"- {blog.name}: hugo.toml defines {len(blog.params)} params the "
                         f"posts read with `{{{{< param >}}}}`: {', '.join(blog.params)}.")
        for path, why in blog.excluded.items():
            lines.append(f"- {blog.name}: `{path}` left out of both tools: Hugo says "
                         f"`{why}`.")
    return lines


def hugo_version(hugo: str) -> str:
    result = subprocess.run([hugo, "version"], capture_output=True, text=True)
    words = result.stdout.split()
    return words[1] if len(words) > 1 else "(version unknown)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5,
                        help="first builds and rebuilds of each tool per blog (default 5)")
    parser.add_argument("--devsets", type=Path, default=DEVSETS,
                        help="folder of real blogs (default ../shared/devsets)")
    parser.add_argument("--blogs", default=",".join(BLOGS),
                        help=f"blogs to build, comma-separated (default {','.join(BLOGS)})")
    parser.add_argument("--no-write", action="store_true",
                        help="print the tables only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    names = [name.strip() for name in args.blogs.split(",") if name.strip()]
    for name in names:
        if not (args.devsets / name / "posts").is_dir():
            raise SystemExit(f"no posts folder in {args.devsets / name}")
    hugo = shutil.which("hugo")
    if hugo is None:
        print("Hugo skipped: no `hugo` on PATH (Debian: apt-get install hugo); "
              "feedsearch is measured alone")

    blogs: list[Blog] = []
    with tempfile.TemporaryDirectory(prefix="feedsearch-generators-") as scratch:
        for name in names:
            print(f"[{name}] preparing", file=sys.stderr, flush=True)
            blog = prepare(name, args.devsets / name / "posts", Path(scratch) / name, hugo)
            tools: list[Tool] = [blog.feedsearch] + ([blog.hugo] if blog.hugo else [])
            for number in range(args.rounds):
                order = tools if number % 2 == 0 else tools[::-1]
                print(f"[{name}] round {number + 1} of {args.rounds}: "
                      f"{', '.join(tool.name for tool in order)}", file=sys.stderr, flush=True)
                for tool in order:
                    tool.round()
            blog.outputs = output_row(blog)  # read while the builds are still there
            blogs.append(blog)

    timings = table(["blog", "posts built", "measure", "feedsearch median s", "Hugo median s",
                     "feedsearch / Hugo", "feedsearch min-max s", "Hugo min-max s"],
                    [row for blog in blogs for row in timing_rows(blog)])
    outputs = table(["blog", "posts", "left out for Hugo", "feedsearch entries",
                     "feedsearch with related", "Hugo pages", "Hugo with related"],
                    [blog.outputs for blog in blogs])
    what = (f"feedsearch {version('feedsearch')}, Hugo "
            f"{hugo_version(hugo) if hugo else 'not run (no hugo on PATH)'}; {args.rounds} "
            f"round{'s' * (args.rounds != 1)}.")
    text = "\n\n".join(part for part in (what, timings, outputs, "\n".join(notes(blogs))) if part)
    print(text)
    if not args.no_write:
        write_section("generators", "## The dev blogs, feedsearch and Hugo (bench/generators.py)"
                      "\n\n" + __doc__.split("\n\n", 1)[1].strip() + "\n\n" + text)


if __name__ == "__main__":
    main()
