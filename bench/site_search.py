"""The static search (``--site-search``) measured: ``python bench/site_search.py``.

Bundle: for N generated essays (bench/synth.py; default 1,000 and 10,000), built once with
feedsearch, the time and total size of (a) our bundle, the site-search output's render
(one small HTML page an essay, made for Pagefind, streamed to it; its files returned), and
(b) Pagefind's own CLI (``pagefind --site``, the binary of the ``pagefind_bin`` wheel) on
the same essays written
as plain HTML pages, one a page (title as ``<h1>``, date, the essay's HTML; no filters or
metadata attributes), as a site generator would publish them. Writing those pages is not
timed.

Bytes a browser fetches for one query: the search page (search/index.html and search.js,
the same page for both bundles) opened at ``search/?q=QUERY`` in headless Chromium, with an
empty profile, from a local http.server that counts the bytes of each file it serves: the
page, Pagefind's script and worker, its WebAssembly, the entry and meta files, then the
index chunks, filter files and fragments (one per result shown, the first 10) the query
touches. http.server sends files as they are; "gzip" is the same files with the page,
scripts and JSON gzip-compressed (level 6), as most static hosts serve them (Pagefind's
index files are compressed already).

Known items (with ``--devsets``, default ../shared/devsets): each real blog is built with
``--site-search``, and its queries (queries.tsv) are run in headless Chromium by the search
page's own ``find()`` (search.js: each word searched with Pagefind on its own, essays
scored by the rarity of the words they hold times Pagefind's score for each, with the
page's own ranking options), the first 10 results' URLs sent back to the local server;
beside it
``feedsearch search`` (the library's search, first 10) on the same index, and Pagefind's
CLI on the blog's essays as plain HTML pages, searched by the same ``find()``. hit@1: the
share of queries whose expected post is first; MRR@10 as in devsets/score.py. Typed
titles: the titles of 120 essays of each blog (a seeded sample), each searched as it is
written by all three, and how often that essay comes first.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import gzip
import html
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import table, write_section  # noqa: E402
from synth import generate  # noqa: E402

from feedsearch import store  # noqa: E402
from feedsearch.build import BuildOptions, build  # noqa: E402
from feedsearch.outputs import OutputContext  # noqa: E402
from feedsearch.outputs.site_search import SiteSearch, pagefind_version  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEVSETS = ROOT.parent / "shared" / "devsets"
CHROMIUM = "/usr/bin/chromium"
BASE_URL = "https://blog.example/"
COMPRESSIBLE = (".html", ".js", ".css", ".json")
TITLES = 120  # essays of each blog whose title is also searched as it is written


# --- the two bundles ----------------------------------------------------------------------


def stored_documents(index: Path) -> list:
    """The built essays with their bodies, in file order (as a build's outputs get them)."""
    return sorted(store.load_documents(index).values(), key=lambda d: d.source)


def our_bundle(documents: list, options: BuildOptions, out: Path) -> tuple[float, dict]:
    """The site-search output's render, timed; its files written under ``out``."""
    context = OutputContext(documents, options, BASE_URL, out, lambda batch: None,
                            lambda: {})
    began = time.perf_counter()
    rendered = SiteSearch().render(context, None)
    seconds = time.perf_counter() - began
    for name, data in rendered.files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return seconds, rendered.files


def plain_page(document) -> str:
    title = html.escape(document.title)
    date = document.date.strftime("%Y-%m-%d") if document.date else ""
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}'
            f'</title></head>\n<body><header><a href="/">Home</a></header>\n<main><article>'
            f"<h1>{title}</h1><p><time>{date}</time></p>\n{document.html}\n</article></main>"
            "\n<footer>Essays</footer></body></html>\n")


def plain_site(documents: list, site: Path) -> dict[str, str]:
    """Each essay as site/<slug>/index.html; returns {page URL: source}."""
    urls = {}
    for document in documents:
        page = site / document.slug / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(plain_page(document), encoding="utf-8")
        urls[f"/{document.slug}/"] = document.source
    return urls


def pagefind_cli(site: Path) -> float:
    from pagefind.service import get_executable

    began = time.perf_counter()
    subprocess.run([str(get_executable()), "--site", str(site), "--silent"], check=True,
                   capture_output=True)
    return time.perf_counter() - began


def folder_bytes(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def python_api_seconds(documents: list, count: int) -> float | None:
    """The pagefind package's PagefindIndex, one add_custom_record per essay, written with
    write_files (its get_files hangs once its answer passes 2 MiB), for reference: its
    reading loop sleeps 0.1 s between answers. None if it takes over 10 minutes."""
    from pagefind.index import PagefindIndex

    async def run(folder: str) -> None:
        async with PagefindIndex(config={"force_language": "en", "output_path": folder}) as \
                index:
            for document in documents[:count]:
                await index.add_custom_record(url=document.url, content=document.text,
                                              language="en", meta={"title": document.title})

    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        try:
            asyncio.run(asyncio.wait_for(run(folder), 600))
        except TimeoutError:
            return None
        return time.perf_counter() - began


# --- a local server that counts bytes, and headless Chromium ------------------------------


class _Counted(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def copyfile(self, source, outputfile) -> None:
        data = source.read()
        outputfile.write(data)
        self.server.note(self.path.split("?", 1)[0], len(data))

    def do_POST(self) -> None:  # the known-item page sends its answers
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.posted.append(body)
        self.send_response(204)
        self.end_headers()


class Server(ThreadingHTTPServer):
    """http.server on a free port over ``root``, counting the bytes of each file served."""

    def __init__(self, root: Path) -> None:
        super().__init__(("127.0.0.1", 0), functools.partial(_Counted, directory=str(root)))
        self.lock = threading.Lock()
        self.served: list[tuple[str, int]] = []
        self.posted: list[bytes] = []
        self.last = time.monotonic()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    def note(self, path: str, size: int) -> None:
        with self.lock:
            self.served.append((path, size))
            self.last = time.monotonic()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.shutdown()
        self.server_close()

    def take(self) -> list[tuple[str, int]]:
        with self.lock:
            served, self.served = self.served, []
        return served

    def idle(self) -> float:
        with self.lock:
            return time.monotonic() - self.last


def in_chromium(url: str, done, timeout: float) -> bool:
    """Open ``url`` in headless Chromium (an empty profile, a session of its own) until
    ``done()`` or ``timeout`` seconds; then stop it and everything it started."""
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--no-first-run",
             "--disable-extensions", "--disable-sync", "--disable-breakpad",
             "--disable-crash-reporter", f"--user-data-dir={profile}", url],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + timeout
            while not done():
                if time.monotonic() > deadline or process.poll() is not None:
                    return False
                time.sleep(0.1)
            return True
        finally:
            stop_session(process)


def stop_session(process: subprocess.Popen) -> None:
    """End the process and every process of its session (which it leads)."""
    for signal_number in (signal.SIGTERM, signal.SIGKILL):
        for pid in [process.pid, *in_session(process.pid)]:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal_number)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            continue
        if not in_session(process.pid):
            return


def in_session(session: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == session and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def kind_of(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    if path.startswith("/search/"):
        return "page"
    if name.endswith(".js"):
        return "script"
    if name.startswith("wasm."):
        return "wasm"
    if name.endswith(".json") or name.endswith(".pf_meta"):
        return "entry+meta"
    if "/index/" in path:
        return "index"
    if "/filter/" in path:
        return "filter"
    if "/fragment/" in path:
        return "fragments"
    return "other"


def query_bytes(server: Server, root: Path, query: str) -> dict:
    """What the search page fetches for ``query``, by kind: Chromium runs it until the
    page has fetched fragments (its results) and then nothing for two seconds."""
    from urllib.parse import quote

    server.take()
    seen: list[tuple[str, int]] = []

    def done() -> bool:
        seen.extend(server.take())
        fragments = any("/fragment/" in path for path, _ in seen)
        return (fragments and server.idle() > 2) or (bool(seen) and server.idle() > 8)

    finished = in_chromium(f"{server.url}search/?q={quote(query)}", done, timeout=120)
    seen.extend(server.take())
    by_kind: dict[str, int] = {}
    zipped = 0
    for path, size in seen:
        by_kind[kind_of(path)] = by_kind.get(kind_of(path), 0) + size
        file = root / path.lstrip("/")
        if path.endswith("/"):
            file = file / "index.html"
        compressible = path.endswith(COMPRESSIBLE) or path.endswith("/")
        zipped += len(gzip.compress(file.read_bytes(), 6)) if compressible else size
    fragments = sum(1 for path, _ in seen if "/fragment/" in path)
    return {"total": sum(size for _, size in seen), "gzip": zipped, "kinds": by_kind,
            "files": len(seen), "shown": fragments, "finished": finished}


# --- bundle time, size and bytes a query -------------------------------------------------


def measure_sizes(counts: list[int], work: Path, queries_per: int) -> tuple[str, list[str]]:
    rows, byte_rows, notes = [], [], []
    for count in counts:
        folder = work / f"synth-{count}"
        if not (folder / "essays").exists():
            generate(count, folder)
        options = BuildOptions(folder / "essays", folder / "out", folder / "index",
                               base_url=BASE_URL, sitemap=False)
        if not (folder / "index").exists():
            began = time.perf_counter()
            build(options)
            notes.append(f"{count:,} essays: feedsearch build without --site-search "
                         f"{time.perf_counter() - began:.0f} s")
        documents = stored_documents(options.index)
        ours = folder / "ours"
        shutil.rmtree(ours, ignore_errors=True)
        our_seconds, files = our_bundle(documents, replace(options, site_search=True), ours)
        our_size, our_files = folder_bytes(ours / "pagefind")
        site = folder / "plain"
        shutil.rmtree(site, ignore_errors=True)
        plain_site(documents, site)
        plain_seconds = pagefind_cli(site)
        plain_size, plain_files = folder_bytes(site / "pagefind")
        shutil.copytree(ours / "search", site / "search")  # the same page, on their bundle
        html_size = sum(p.stat().st_size for p in site.rglob("index.html")
                        if "search" not in p.parts)
        rows.append([f"{len(documents):,}", "ours: pages made for Pagefind, in the build",
                     f"{our_seconds:.1f}", f"{our_size / 1e6:.1f}", f"{our_files:,}"])
        rows.append(["", "Pagefind CLI on plain HTML pages", f"{plain_seconds:.1f}",
                     f"{plain_size / 1e6:.1f}", f"{plain_files:,}"])
        notes.append(f"{len(documents):,} essays: the plain HTML pages Pagefind read weigh "
                     f"{html_size / 1e6:.0f} MB")
        build(options)  # OUT as this build leaves it, so that the next one has nothing to do
        nothing = timed(build, options)
        with_search = replace(options, site_search=True)
        first = timed(build, with_search)
        again = timed(build, with_search)
        notes.append(f"{len(documents):,} essays: a build with nothing changed takes "
                     f"{nothing:.2f} s without --site-search and {again:.2f} s with it (its "
                     f"key unchanged, the output is skipped; what it adds is the publish "
                     f"stage's checks of each of the {len(files):,} files it recorded); the "
                     f"build that adds it, {first:.1f} s")
        queries = sample_queries(documents, queries_per)
        for label, root in (("ours", ours), ("Pagefind CLI", site)):
            with Server(root) as server:
                for query in queries:
                    measured = query_bytes(server, root, query)
                    kinds = measured["kinds"]
                    byte_rows.append([
                        f"{len(documents):,}", label, f"`{query}`", measured["shown"],
                        kb(kinds.get("page", 0)), kb(kinds.get("script", 0)),
                        kb(kinds.get("wasm", 0)), kb(kinds.get("entry+meta", 0)),
                        kb(kinds.get("index", 0)), kb(kinds.get("filter", 0)),
                        kb(kinds.get("fragments", 0)), kb(measured["total"]),
                        kb(measured["gzip"])])
                    print(byte_rows[-1], flush=True)
    api = python_api_seconds(documents, 100)
    notes.append("For reference, the pagefind package's PagefindIndex (one awaited "
                 "add_custom_record per essay, then write_files) takes "
                 + (f"{api:.1f} s" if api is not None else "over 10 minutes")
                 + " for 100 essays: its reading loop sleeps 0.1 s between answers, and its "
                 "get_files never returns once the bundle passes 2 MiB, which is why the "
                 "output speaks Pagefind's service protocol itself.")
    text = table(["essays", "bundle", "time, s", "size, MB", "files"], rows)
    text += "\n\n" + table(
        ["essays", "bundle", "query", "results", "page", "scripts", "wasm", "entry+meta",
         "index", "filters", "fragments", "total", "gzip"], byte_rows)
    return text, notes


def timed(work, *args) -> float:
    began = time.perf_counter()
    work(*args)
    return time.perf_counter() - began


def kb(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size else "0"


def sample_queries(documents: list, count: int) -> list[str]:
    """A one-word, a two-word and longer known-item queries (bench/relevance.py's), for the
    bytes a query fetches."""
    from relevance import simulated_queries

    longer = [q for q, _ in simulated_queries(documents, max(1, count - 2))]
    words = documents[len(documents) // 2].title.lower().split()
    return [words[0], " ".join(words[:2]), *longer][:count]


# --- known items on the real blogs -------------------------------------------------------


BENCH_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>known items</title></head>
<body>
<script type="application/json" id="queries">{queries}</script>
<script type="module">
import { find } from "../search/search.js";
const queries = JSON.parse(document.getElementById("queries").textContent);
const answers = [];
for (const query of queries) {
  try {
    const results = await find(query);
    const data = await Promise.all(results.slice(0, 10).map((r) => r.data()));
    answers.push(data.map((d) => d.url));
  } catch (error) {
    answers.push(["error: " + error]);
  }
}
await fetch("/", { method: "POST", body: JSON.stringify(answers) });
</script></body></html>
"""


def static_results(root: Path, queries: list[str]) -> list[list[str]]:
    """Each query's first 10 result URLs, from the search page's find() in Chromium."""
    page = root / "bench-known-items" / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(BENCH_PAGE.replace("{queries}", json.dumps(queries).replace("<", "\\u003c")),
                    encoding="utf-8")
    with Server(root) as server:
        if not in_chromium(f"{server.url}bench-known-items/", lambda: bool(server.posted),
                           timeout=900):
            raise RuntimeError("the known-item page sent no answers from Chromium")
        return json.loads(server.posted[0])


def metrics(results: list[list[str]], targets: list[str]) -> tuple[float, float]:
    ranks = [next((1.0 / i for i, source in enumerate(found[:10], 1) if source == target),
                  0.0) for found, target in zip(results, targets, strict=True)]
    return ranks.count(1.0) / len(ranks), sum(ranks) / len(ranks)


def measure_devsets(devsets: Path, work: Path) -> tuple[str, list[str]]:
    from feedsearch.search import SearchError, search

    rows, notes, first_counts, title_counts, title_sizes = [], [], [], [], []
    for folder in sorted(p for p in devsets.iterdir() if (p / "queries.tsv").is_file()):
        pairs = [line.split("\t") for line in
                 (folder / "queries.tsv").read_text(encoding="utf-8").splitlines()
                 if line.strip()]
        queries, targets = [q for q, _ in pairs], [t.strip() for _, t in pairs]
        here = work / f"devset-{folder.name}"
        shutil.rmtree(here, ignore_errors=True)
        options = BuildOptions(folder / "posts", here / "out", here / "index",
                               site_search=True)
        began = time.perf_counter()
        build(options)
        seconds = time.perf_counter() - began
        documents = stored_documents(options.index)
        by_url = {d.url: d.source for d in documents}
        # Besides the readers' descriptions, titles typed as they are written.
        sample = random.Random(3).sample(documents, min(TITLES, len(documents)))
        titles, title_targets = [d.title for d in sample], [d.source for d in sample]
        feedsearch = []
        for query in queries + titles:
            try:
                hits = search(options.index, query, limit=10).results
            except SearchError:
                hits = []
            feedsearch.append([hit.source for hit in hits])
        ours = [[by_url.get(url, url) for url in found]
                for found in static_results(options.out, queries + titles)]
        site = here / "plain"
        urls = plain_site(documents, site)
        pagefind_cli(site)
        shutil.copytree(options.out / "search", site / "search")
        theirs = [[urls.get(url, url) for url in found]
                  for found in static_results(site, queries + titles)]
        title_firsts = [sum(1 for found, target in zip(results[len(queries):], title_targets,
                                                       strict=True) if found[:1] == [target])
                        for results in (feedsearch, ours, theirs)]
        title_counts.append(title_firsts)
        title_sizes.append(len(titles))
        notes.append(f"{folder.name}: typed titles ({len(titles)} essays' titles as queries) "
                     f"first: feedsearch search {title_firsts[0]}, static search "
                     f"{title_firsts[1]}, Pagefind CLI on plain pages {title_firsts[2]}")
        feedsearch, ours, theirs = (feedsearch[:len(queries)], ours[:len(queries)],
                                    theirs[:len(queries)])
        row = [folder.name, len(documents), len(queries)]
        firsts = []
        for found in (feedsearch, ours, theirs):
            hit1, mrr = metrics(found, targets)
            row += [f"{hit1:.3f}", f"{mrr:.3f}"]
            firsts.append(round(hit1 * len(queries)))
        first_counts.append(firsts)
        rows.append(row)
        print(row, flush=True)
        notes.append(f"{folder.name}: build with --site-search {seconds:.0f} s")
        wins = [(q, t, f[:1], o[:1]) for q, t, f, o in zip(queries, targets, feedsearch, ours,
                                                           strict=True)
                if (f[:1] == [t]) != (o[:1] == [t])]
        notes.append(f"{folder.name}: first result differs in rightness for {len(wins)} "
                     f"queries (static right: "
                     f"{sum(1 for _, t, _, o in wins if o == [t])}, feedsearch right: "
                     f"{sum(1 for _, t, f, _ in wins if f == [t])})")
    totals = [sum(counts) for counts in zip(*first_counts, strict=True)]
    queries = sum(row[2] for row in rows)
    rows.append(["all", f"{sum(row[1] for row in rows):,}", queries,
                 f"{totals[0]} first", "", f"{totals[1]} first", "", f"{totals[2]} first", ""])
    verdict = "met" if totals[1] >= totals[0] else "not met"
    notes.insert(0, f"Bar, the static search puts the expected post first at least as often "
                    f"as feedsearch search: {verdict} ({totals[1]} of {queries} queries, "
                    f"against {totals[0]}).")
    titled = [sum(counts) for counts in zip(*title_counts, strict=True)]
    notes.insert(1, f"Typed titles, all blogs: first for {titled[0]} with feedsearch search, "
                    f"{titled[1]} with the static search, {titled[2]} with Pagefind's CLI on "
                    f"plain pages, of {sum(title_sizes)}.")
    text = table(["devset", "essays", "queries", "feedsearch search hit@1", "MRR@10",
                  "static search hit@1", "MRR@10", "Pagefind CLI, plain pages hit@1",
                  "MRR@10"], rows)
    return text, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="essays to generate, by commas "
                        "(empty: skip the bundle measurements)")
    parser.add_argument("--queries", type=int, default=3, help="queries whose bytes are "
                        "counted, per bundle")
    parser.add_argument("--devsets", type=Path, default=DEVSETS)
    parser.add_argument("--no-devsets", action="store_true")
    parser.add_argument("--work", type=Path, help="keep archives, indexes and bundles here")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is needed to count the bytes of a query")
    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        parts, notes = [], []
        counts = [int(n) for n in args.sizes.split(",") if n.strip()]
        if counts:
            text, more = measure_sizes(counts, work, args.queries)
            parts.append(text)
            notes += more
        if not args.no_devsets and args.devsets.is_dir():
            text, more = measure_devsets(args.devsets, work)
            parts.append(text)
            notes += more
    body = "\n\n".join(parts) + "\n\n" + "\n".join(f"- {note}" for note in notes)
    print(body)
    if not args.no_write:
        command = "python bench/site_search.py " + " ".join(sys.argv[1:])
        write_section("site-search", "## Static search for the published site "
                      "(bench/site_search.py)\n\n" + __doc__.split("\n\n", 1)[1].strip()
                      + f"\n\nCommand: `{command.strip()}`; Pagefind {pagefind_version()}, "
                      f"Chromium {chromium_version()}.\n\n" + body)


def chromium_version() -> str:
    try:
        out = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True,
                             timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "?"
    return next((word for word in out.split() if word[:1].isdigit()), "?")



if __name__ == "__main__":
    main()
