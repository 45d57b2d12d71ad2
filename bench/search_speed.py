"""Search speed on a large generated archive: ``python bench/search_speed.py [N]``.

Generates N essays (default 10,000) with bench/synth.py, builds them, then measures:
- a warm query in a running process (the library's ``search``): p50 and p95 over a mix of
  simulated known-item queries, one- and two-word topic queries, phrases and filtered ones;
- ``feedsearch search`` as a whole process, as a person or a script runs it: p50 and p95.

Goals (issue 5): warm p95 <= 50 ms, whole process <= 0.4 s.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from relevance import simulated_queries  # noqa: E402
from report import table, write_section  # noqa: E402
from synth import generate  # noqa: E402

from feedsearch import store  # noqa: E402
from feedsearch.build import BuildOptions, build  # noqa: E402
from feedsearch.search import search  # noqa: E402
from feedsearch.search_query import Filters  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def query_mix(documents, rng: random.Random) -> list[tuple[str, Filters | None]]:
    queries: list[tuple[str, Filters | None]] = [
        (q, None) for q, _ in simulated_queries(documents, 150)]
    words = [w for d in rng.sample(documents, 60) for w in d.title.lower().split()[:2]]
    queries += [(w, None) for w in words[:50]]
    queries += [(" ".join(rng.sample(words, 2)), None) for _ in range(30)]
    for document in rng.sample(documents, 20):
        middle = document.text.split()[len(document.text.split()) // 2:][:4]
        queries.append(('"' + " ".join(middle) + '"', None))
    tags = sorted({t for d in documents for t in d.tags})
    queries += [(words[i], Filters(tags=[rng.choice(tags)], since="2012")) for i in range(20)]
    return queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=10_000)
    parser.add_argument("--work", type=Path, help="keep the archive and index here")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        if not (work / "essays").exists():
            generate(args.count, work)
        options = BuildOptions(work / "essays", work / "out", work / "index")
        started = time.perf_counter()
        report = build(options)
        build_seconds = time.perf_counter() - started
        documents = list(store.iter_documents(options.index))
        rng = random.Random(5)
        queries = query_mix(documents, rng)
        search(options.index, "warm up")
        warm = []
        for text, filters in queries:
            began = time.perf_counter()
            search(options.index, text, filters=filters)
            warm.append(time.perf_counter() - began)
        script = Path(sys.executable).parent / "feedsearch"
        whole = []
        for text, _ in rng.sample([q for q in queries if q[1] is None], 20):
            began = time.perf_counter()
            subprocess.run([str(script), "search", text, "--index", str(options.index)],
                           check=True, capture_output=True, env={**os.environ, "NO_COLOR": "1"})
            whole.append(time.perf_counter() - began)
        size = sum(p.stat().st_size for p in options.index.rglob("*") if p.is_file())
    rows = [
        ["essays", len(documents), ""],
        ["build (this run)", f"{build_seconds:.1f} s", f"{report.added} added, "
         f"{report.unchanged} unchanged"],
        ["index size", f"{size / 1e6:.0f} MB", ""],
        ["warm query p50", f"{1000 * percentile(warm, 0.5):.1f} ms", f"{len(warm)} queries"],
        ["warm query p95", f"{1000 * percentile(warm, 0.95):.1f} ms", "goal <= 50 ms"],
        ["`feedsearch search` p50", f"{percentile(whole, 0.5):.2f} s", f"{len(whole)} runs"],
        ["`feedsearch search` p95", f"{percentile(whole, 0.95):.2f} s", "goal <= 0.4 s"],
    ]
    text = table(["measure", "value", "note"], rows)
    print(text)
    if not args.no_write:
        write_section("search-speed", f"## Search speed, {len(documents):,} essays "
                      "(bench/search_speed.py)\n\n" + __doc__.split("\n\n", 1)[1].strip()
                      + "\n\n" + text)


if __name__ == "__main__":
    main()
