"""A Hugo site's build with feedsearch in it: ``python bench/hugo_site.py [--sizes
1000,10000] [--rounds 5] [--work DIR]``.

For each size N, a Hugo site of N essays is generated (bench/synth.py's text, topics, tags
and dates): ``hugo.toml`` (baseURL https://example.org/), ``content/posts/`` and
``content/notes/`` (a quarter of the essays), each section with its ``_index.md``, and an
undated ``content/about.md``. Essays are plain files named by their title (one in fifty
named with capitals and spaces, as a writer saves them), dated file names
(``2019-03-04-title.md``) and page bundles (``title/index.md`` with ``cover.png`` and a
``figure`` shortcode); a quarter have TOML front matter with a time zone (what ``hugo
new`` writes), the others YAML; one in twelve sets ``slug``; one in a hundred is a draft
and one in two hundred is dated in the future (Hugo publishes neither). Layouts:
``_default/single.html`` (the essay and ``{{ partial "related.html" . }}``), ``list.html``
(paginated), and the partial as ``feedsearch template hugo`` prints it.

Timed, each as its own process, as a Hugo user runs them:
- a cold ``feedsearch build SITE --out SITE/static/feeds --index IDX --quiet --json``
  (IDX outside the site), once;
- then ``--rounds`` rounds of: that build with nothing changed (its report must say
  nothing was added, updated or removed), ``hugo --quiet`` (what the site's build costs
  anyway), and the build after one sentence is appended to the middle essay (the report
  must say "updated": 1; the file is then restored and built again, unmeasured). Medians
  and ranges.

Checked after the builds (public/ emptied and built once more by ``hugo --quiet``): each
essay's page (found by the source path that single.html writes into it) has
``<aside class="related-posts">`` with at least one link; every related link, every item
of ``static/feeds/feed.xml``, ``atom.xml`` and ``feed.json`` (read as JSON) resolves to a
file Hugo wrote in public/ (the base URL stripped, percent-decoded, ``/x/`` is
``public/x/index.html``); coverage, the share of essays whose page shows a non-empty list
(and, beside it, the share with a non-empty list in ``data/related.json``); and which
pages that are not essays (the About page) are shown a list. Examples of each fault are
listed under the tables.

The bar: a nothing-changed feedsearch build adds under 1 s to a Hugo user's site build at
1,000 essays.
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import table, write_section  # noqa: E402
from run import APPENDED, seconds  # noqa: E402
from synth import Generator  # noqa: E402

BIN = Path(sys.executable).parent
HUGO = shutil.which("hugo") or "/usr/bin/hugo"
BASE_URL = "https://example.org/"
BAR = 1.0  # seconds a nothing-changed build may add at 1,000 essays
EXAMPLES = 5  # of each kind of fault, printed
# A 1x1 transparent PNG, the bundles' cover image.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
                       "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")

CONFIG = f"""baseURL = "{BASE_URL}"
languageCode = "en-us"
title = "Generated essays"
paginate = 20

[taxonomies]
  tag = "tags"
"""
SINGLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body>
<article class="essay" data-source="{{ with .File }}{{ .Path }}{{ end }}">
<h1>{{ .Title }}</h1>
<p><time>{{ .Date.Format "2006-01-02" }}</time>
{{- range .GetTerms "tags" }} <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
{{ .Content }}
</article>
{{ partial "related.html" . }}
</body></html>
"""
LIST = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1>
<ul>
{{- range (.Paginate .Pages).Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>
{{- end }}
</ul>
{{ with .Paginator.Next }}<a href="{{ .URL }}">Older</a>{{ end }}
</body></html>
"""
ABOUT = "---\ntitle: About\n---\n\nThis site is a benchmark's: its essays are generated.\n"


@dataclass
class Essay:
    """One generated essay: its file under content/, and whether Hugo publishes it."""

    path: str
    published: bool


@dataclass
class Checks:
    essays: int = 0  # published essays
    pages: int = 0  # their pages found in public/
    with_list: int = 0
    in_data: int = 0  # essays with a non-empty list in data/related.json
    related_links: int = 0
    feed_links: int = 0
    missing_pages: list[str] = field(default_factory=list)
    no_list: list[str] = field(default_factory=list)
    broken_related: list[str] = field(default_factory=list)
    broken_feed: list[str] = field(default_factory=list)
    other_lists: list[str] = field(default_factory=list)  # pages not essays, with a list

    @property
    def broken(self) -> int:
        return len(self.broken_related) + len(self.broken_feed)


def name_of(title: str, number: int, used: set[str], spaced: bool) -> str:
    """A file name made from the title, as a writer names files; unique in its folder."""
    name = title if spaced else title.lower().replace(" ", "-")
    if name.casefold() in used:
        name = f"{name} {number}" if spaced else f"{name}-{number}"
    used.add(name.casefold())
    return name


def front_matter(essay: dict, toml: bool, extra: dict) -> str:
    if toml:
        lines = [f"title = {json.dumps(essay['title'])}",
                 f"date = {essay['date']}T09:30:00+01:00", f"tags = {json.dumps(essay['tags'])}",
                 f"author = {json.dumps(essay['author'])}"]
        lines += [f"{key} = {json.dumps(value)}" for key, value in extra.items()]
        return "+++\n" + "\n".join(lines) + "\n+++\n\n"
    lines = [f"title: {json.dumps(essay['title'])}", f"date: {essay['date']}",
             f"tags: {json.dumps(essay['tags'])}", f"author: {essay['author']}"]
    lines += [f"{key}: {json.dumps(value)}" for key, value in extra.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def generate_site(count: int, site: Path, seed: int = 7) -> list[Essay]:
    """A Hugo site of ``count`` essays in ``site`` (see the module's notes)."""
    generator = Generator(seed)
    content = site / "content"
    for folder in ("posts", "notes"):
        (content / folder).mkdir(parents=True, exist_ok=True)
        (content / folder / "_index.md").write_text(
            f"---\ntitle: {folder.capitalize()}\n---\n", encoding="utf-8")
    (site / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    (content / "about.md").write_text(ABOUT, encoding="utf-8")
    layouts = site / "layouts"
    (layouts / "_default").mkdir(parents=True, exist_ok=True)
    (layouts / "partials").mkdir(parents=True, exist_ok=True)
    (layouts / "_default" / "single.html").write_text(SINGLE, encoding="utf-8")
    (layouts / "_default" / "list.html").write_text(LIST, encoding="utf-8")
    partial = subprocess.run([str(BIN / "feedsearch"), "template", "hugo"], check=True,
                             capture_output=True, text=True).stdout
    (layouts / "partials" / "related.html").write_text(partial, encoding="utf-8")
    used: dict[str, set[str]] = {"posts": set(), "notes": set()}
    essays = []
    for number in range(count):
        essay = generator.essay(number)
        section = "notes" if number % 4 == 3 else "posts"
        extra: dict[str, object] = {}
        if number % 12 == 5:
            extra["slug"] = "-".join(essay["title"].lower().split()[:3]) + f"-{number}"
        published = True
        if number % 100 == 42:
            extra["draft"] = True
            published = False
        if number % 200 == 117:
            essay["date"] = f"{2030 + number % 5}-06-01"
            published = False
        form = number % 5
        spaced = form in (2, 3) and number % 50 == 2
        name = name_of(essay["title"], number, used[section], spaced)
        if form == 0:
            relative = f"{section}/{name}/index.md"
        elif form == 1:
            relative = f"{section}/{essay['date']}-{name}.md"
        else:
            relative = f"{section}/{name}.md"
        paragraphs = list(essay["paragraphs"])
        if form == 0:
            paragraphs.insert(1, f'{{{{< figure src="cover.png" alt="{essay["title"]}" >}}}}')
        text = front_matter(essay, number % 4 == 1, extra) + "\n\n".join(paragraphs) + "\n"
        path = content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if form == 0:
            (path.parent / "cover.png").write_bytes(PNG)
        essays.append(Essay(f"content/{relative}", published))
    return essays


@dataclass
class Run:
    seconds: float
    report: dict
    warnings: list[str]


def feedsearch_build(site: Path, index: Path) -> Run:
    command = [str(BIN / "feedsearch"), "build", str(site), "--out",
               str(site / "static" / "feeds"), "--index", str(index), "--quiet", "--json"]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return Run(elapsed, json.loads(done.stdout),
               [line for line in done.stderr.splitlines() if line.strip()])


def hugo_build(site: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run([HUGO, "--quiet"], cwd=site, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"hugo failed in {site}:\n{done.stderr}")
    return elapsed


def one_changed(site: Path, index: Path, path: Path) -> float:
    """Append a sentence to ``path``, build, then restore it and build again."""
    original, stat = path.read_bytes(), path.stat()
    try:
        path.write_bytes(original + APPENDED.encode())
        changed = feedsearch_build(site, index)
    finally:
        path.write_bytes(original)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        restored = feedsearch_build(site, index)
    for run, what in ((changed, "the change"), (restored, "the restore")):
        if run.report["updated"] != 1:
            print(f"warning: the build after {what} of {path} reported "
                  f"{run.report['updated']} updated, not 1", file=sys.stderr)
    return changed.seconds


def public_file(public: Path, url: str) -> Path | None:
    """The file in public/ a link to ``url`` is served from; None for a URL off the site."""
    if url.startswith(BASE_URL):
        url = "/" + url[len(BASE_URL):]
    elif "://" in url or not url.startswith("/"):
        return None
    path = unquote(urlsplit(url).path)
    if path.endswith("/"):
        path += "index.html"
    return public / path.lstrip("/")


def resolves(public: Path, url: str) -> bool:
    target = public_file(public, url)
    return target is not None and target.is_file()


ASIDE = re.compile(r'<aside class="related-posts">(.*?)</aside>', re.S)
HREF = re.compile(r'href="([^"]*)"')
WHY = re.compile(r"<small>(.*?)</small>")
SOURCE = re.compile(r'<article class="essay" data-source="([^"]*)"')


def feed_urls(feeds: Path) -> list[tuple[str, str]]:
    """(feed file, item URL) of every item of feed.xml, atom.xml and feed.json."""
    urls = []
    if (feeds / "feed.xml").exists():
        for item in ET.parse(feeds / "feed.xml").getroot().iter("item"):
            urls.append(("feed.xml", (item.findtext("link") or "").strip()))
    atom = "{http://www.w3.org/2005/Atom}"
    if (feeds / "atom.xml").exists():
        for entry in ET.parse(feeds / "atom.xml").getroot().iter(f"{atom}entry"):
            links = [link for link in entry.iter(f"{atom}link")
                     if link.get("rel", "alternate") == "alternate"]
            urls.append(("atom.xml", links[0].get("href", "") if links else ""))
    if (feeds / "feed.json").exists():
        data = json.loads((feeds / "feed.json").read_text(encoding="utf-8"))
        urls += [("feed.json", item.get("url", "")) for item in data.get("items", [])]
    return urls


def check(site: Path, essays: list[Essay]) -> Checks:
    public = site / "public"
    pages: dict[str, Path] = {}
    for page in public.rglob("*.html"):
        found = SOURCE.search(page.read_text(encoding="utf-8"))
        if found:
            pages["content/" + html.unescape(found.group(1)).lstrip("/")] = page
    result = Checks()
    related = json.loads((site / "data" / "related.json").read_text(encoding="utf-8"))
    data_keys = {key for key, items in related.items() if items}
    for essay in essays:
        if not essay.published:
            continue
        result.essays += 1
        page = pages.get(essay.path)
        if page is None:
            result.missing_pages.append(essay.path)
            continue
        result.pages += 1
        key = "/" + page.parent.relative_to(public).as_posix() + "/"
        result.in_data += key in data_keys
        aside = ASIDE.search(page.read_text(encoding="utf-8"))
        links = HREF.findall(aside.group(1)) if aside else []
        if not links:
            listed = "in data/related.json" if key in data_keys else "not in data/related.json"
            result.no_list.append(f"{essay.path} ({key}, {listed})")
            continue
        result.with_list += 1
        for link in links:
            result.related_links += 1
            if not resolves(public, html.unescape(link)):
                result.broken_related.append(f"{key} -> {html.unescape(link)}")
    essay_paths = {essay.path for essay in essays}
    for source, page in sorted(pages.items()):
        aside = ASIDE.search(page.read_text(encoding="utf-8"))
        if source not in essay_paths and aside and HREF.search(aside.group(1)):
            why = sorted({html.unescape(w) for w in WHY.findall(aside.group(1))})
            result.other_lists.append(f"{source} ({len(HREF.findall(aside.group(1)))} "
                                      f"links, why: {'; '.join(why)})")
    for feed, url in feed_urls(site / "static" / "feeds"):
        result.feed_links += 1
        if not resolves(public, url):
            result.broken_feed.append(f"{feed}: {url or '(no link)'}")
    return result


def bare(value: float) -> str:
    """Seconds, as bench/run.py writes them, without the unit (the column says it)."""
    return seconds(value).removesuffix(" s")


def spread(values: list[float]) -> str:
    return f"{bare(statistics.median(values))} ({bare(min(values))}–" \
           f"{bare(max(values))})"


def measure(count: int, root: Path, rounds: int) -> tuple[list[str], list[str], Checks]:
    def step(what: str) -> None:
        print(f"[{count:,}] {what}", file=sys.stderr, flush=True)

    site, index = root / "site", root / "index"
    if not (site / "hugo.toml").exists():
        step("generating the site")
        shutil.rmtree(site, ignore_errors=True)
    else:
        step("generating the site again (same seed)")
        shutil.rmtree(site)
    essays = generate_site(count, site)
    shutil.rmtree(index, ignore_errors=True)
    step("cold feedsearch build")
    cold = feedsearch_build(site, index)
    warnings = set(cold.warnings)
    step("first hugo build (not timed)")
    hugo_build(site)
    changed_file = [e for e in essays if e.published][len(essays) // 2]
    nothing, hugo, one = [], [], []
    data_file = site / "data" / "related.json"
    rewritten = 0
    for number in range(rounds):
        step(f"round {number + 1} of {rounds}")
        before = data_file.stat().st_mtime_ns
        unchanged = feedsearch_build(site, index)
        rewritten += data_file.stat().st_mtime_ns != before
        counts = {key: unchanged.report[key] for key in ("added", "updated", "removed")}
        if any(counts.values()):
            raise SystemExit(f"the build with nothing changed changed something: {counts}")
        warnings |= set(unchanged.warnings)
        nothing.append(unchanged.seconds)
        hugo.append(hugo_build(site))
        one.append(one_changed(site, index, site / changed_file.path))
    step("checks (public/ emptied, hugo once more)")
    shutil.rmtree(site / "public")
    hugo_build(site)
    checks = check(site, essays)
    if rewritten:
        print(f"note: data/related.json was rewritten by {rewritten} of {rounds} builds "
              "with nothing changed", file=sys.stderr)
    for line in sorted(warnings)[:EXAMPLES]:
        print(f"[{count:,}] feedsearch said: {line}", file=sys.stderr)
    coverage = checks.with_list / checks.essays if checks.essays else 0.0
    timing = [f"{count:,}", bare(cold.seconds), spread(nothing), spread(one), spread(hugo),
              f"{statistics.median(nothing) / statistics.median(hugo):.2f}",
              f"{coverage:.1%}", str(checks.broken)]
    checked = [f"{count:,}", f"{checks.essays:,}", f"{checks.pages:,}",
               f"{checks.with_list:,}", f"{coverage:.1%}",
               f"{checks.in_data / checks.essays if checks.essays else 0:.1%}",
               f"{checks.related_links:,}", str(len(checks.broken_related)),
               f"{checks.feed_links:,}", str(len(checks.broken_feed))]
    return timing, checked, checks


def examples(count: int, checks: Checks) -> list[str]:
    lines = []
    for what, items in (("essays with no page in public/", checks.missing_pages),
                        ("essay pages with no related list", checks.no_list),
                        ("broken related links", checks.broken_related),
                        ("broken feed links", checks.broken_feed),
                        ("pages that are not essays, shown a related list",
                         checks.other_lists)):
        if items:
            lines.append(f"{count:,} essays, {what} ({len(items)}): "
                         + "; ".join(f"`{item}`" for item in items[:EXAMPLES]))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000",
                        help="essays in the site, comma-separated (default 1000)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--work", type=Path,
                        help="keep each site and its index in DIR/<size>/")
    parser.add_argument("--no-write", action="store_true",
                        help="print the tables only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    timings, checked, notes = [], [], []
    with tempfile.TemporaryDirectory(prefix="feedsearch-hugo-") as scratch:
        work = (args.work or Path(scratch)).resolve()
        for count in sizes:
            timing, row, checks = measure(count, work / str(count), args.rounds)
            timings.append(timing)
            checked.append(row)
            notes += examples(count, checks)
    first = table(["essays", "cold build, s", "nothing changed, s: median (min–max)",
                   "one change, s: median (min–max)", "hugo build, s: median (min–max)",
                   "nothing changed / hugo", "coverage", "broken links"], timings)
    second = table(["essays", "published", "pages found", "pages with a list", "coverage",
                    "non-empty in related.json", "related links", "broken",
                    "feed items", "broken"], checked)
    verdicts = []
    for timing in timings:
        if timing[0] == "1,000":
            median = float(timing[2].split()[0])
            verdicts.append(f"At 1,000 essays a nothing-changed build adds {median:.2f} s to "
                            f"the site's build (bar: under {BAR:.0f} s): "
                            f"{'met' if median < BAR else 'not met'}.")
    text = "\n\n".join([first, second, *(["\n".join(f"- {n}" for n in notes)] if notes else []),
                        *verdicts])
    print(text)
    if not args.no_write:
        command = f"python bench/hugo_site.py --sizes {args.sizes} --rounds {args.rounds}"
        write_section("hugo-site", "## Hugo site: the time feedsearch adds (bench/hugo_site.py)"
                      "\n\n" + __doc__.split("\n\n", 1)[1].strip() + "\n\n"
                      f"Command: `{command}`\n\n" + text)


if __name__ == "__main__":
    main()
