"""The preview's speed on generated archives: ``python bench/serve_speed.py [N ...]
[--work DIR] [--edits 5]`` (N: 1,000 and 10,000 essays by default).

``feedsearch serve``'s server is started on N generated essays (bench/search_speed.py's
archive; built first, or found built in ``--work``/N), then asked, over HTTP on localhost,
each query of bench/search_speed.py's mix (known-item, one- and two-word, phrases,
filtered) as the search page (``/search?q=...``, the HTML a browser gets) and as the API
(``/api/search?q=...``), warm (after one query), in one process; p50 and p95 of the time
from sending a request to the last byte. Then ``--edits`` times, one essay's title is
changed and the time until the preview serves the essay with the new title is taken (what
a writer waits for; an open page also polls every half second, so it reloads up to half a
second later), and the time until the whole build after it has ended (related posts and
feeds up to date; the preview shows an edit after a quick build, and then builds whole).
Each edit is made once the last one's whole build has ended.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import table, write_section  # noqa: E402
from search_speed import generate, percentile, query_mix  # noqa: E402

from feedsearch import store  # noqa: E402
from feedsearch.serve import start  # noqa: E402
from feedsearch.settings import BuildOptions  # noqa: E402


def fetch(url: str) -> tuple[float, bytes]:
    began = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        body = response.read()
    return time.perf_counter() - began, body


def query_string(text: str, filters) -> str:
    pairs = [("q", text)]
    if filters is not None:
        pairs += [("tag", tag) for tag in filters.tags]
        pairs += [("since", filters.since)] if filters.since else []
    return urllib.parse.urlencode(pairs)


def edit_times(served, essays: Path, documents, count: int,
               whole_built: threading.Event) -> tuple[list[float], list[float]]:
    """Seconds from saving a new title to the preview serving it, and to the end of the
    whole build that follows (related posts and feeds up to date), ``count`` times; each
    edit is made once the last one's whole build is done."""
    times, wholes = [], []
    markdown = [d for d in documents if d.source.endswith(".md") and
                re.search(r"(?m)^title:", (essays / d.source).read_text(encoding="utf-8"))]
    for number, document in enumerate(random.Random(9).sample(markdown, count)):
        path = essays / document.source
        text = path.read_text(encoding="utf-8")
        title = f"Edited title number {number} at {time.time_ns()}"
        changed = re.sub(r"(?m)^title:.*$", f"title: {title}", text, count=1)
        whole_built.clear()
        began = time.perf_counter()
        path.write_text(changed, encoding="utf-8")
        url = served.url + f"essays/{document.slug}/"
        while title.encode() not in fetch(url)[1]:
            if time.perf_counter() - began > 60:
                raise SystemExit(f"the edit of {document.source} never showed")
            time.sleep(0.02)
        times.append(time.perf_counter() - began)
        if not whole_built.wait(120):
            raise SystemExit(f"the whole build after the edit of {document.source} never ended")
        wholes.append(time.perf_counter() - began)
    return times, wholes


def measure(count: int, work: Path, edits: int) -> list[str]:
    """One row of the table: the preview of ``count`` essays, built in ``work``."""
    if not (work / "essays").exists():
        generate(count, work)
    options = BuildOptions(work / "essays", work / "out", work / "index")
    began = time.perf_counter()
    whole_built = threading.Event()
    served = start(options, port=0, on_build=lambda report: whole_built.set())
    started = time.perf_counter() - began
    try:
        documents = list(store.iter_documents(options.index))
        queries = query_mix(documents, random.Random(5))
        fetch(served.url + "search?q=warm+up")
        pages, api = [], []
        for text, filters in queries:
            pages.append(fetch(served.url + "search?" + query_string(text, filters))[0])
            api.append(fetch(served.url + "api/search?" + query_string(text, filters))[0])
        home = [fetch(served.url)[0] for _ in range(5)]
        shown, whole = edit_times(served, work / "essays", documents, edits, whole_built)
    finally:
        served.stop()
    return [f"{len(documents):,}", f"{started:.1f}",
            f"{1000 * percentile(pages, 0.5):.0f}", f"{1000 * percentile(pages, 0.95):.0f}",
            f"{1000 * percentile(api, 0.95):.0f}", f"{1000 * percentile(home, 0.5):.0f}",
            f"{percentile(shown, 0.5):.2f} ({min(shown):.2f}–{max(shown):.2f})",
            f"{percentile(whole, 0.5):.2f} ({min(whole):.2f}–{max(whole):.2f})"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", type=int, nargs="*", default=[1_000, 10_000])
    parser.add_argument("--work", type=Path, help="keep each archive and index in DIR/<N>")
    parser.add_argument("--edits", type=int, default=5,
                        help="Markdown essays whose title is changed, one at a time")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for count in args.counts:
            rows.append(measure(count, (args.work or Path(scratch)) / str(count), args.edits))
    text = table(["essays", "start (build, then listen), s", "search page p50, ms",
                  "search page p95, ms (goal < 100)", "/api/search p95, ms",
                  "home page p50, ms", "edit shown, s: median (min–max) (goal < 2)",
                  "related posts and feeds updated, s: median (min–max)"], rows)
    print(text)
    if not args.no_write:
        counts = " ".join(str(count) for count in args.counts)
        write_section("serve-speed", "## The preview (bench/serve_speed.py)\n\n"
                      + __doc__.split("\n\n", 1)[1].strip()
                      + f"\n\nCommand: `python bench/serve_speed.py {counts}`\n\n" + text)


if __name__ == "__main__":
    main()
