"""Known-item search quality: feedsearch against an SQLite FTS5 baseline, in one run.

    python bench/relevance.py [--synthetic N] [--queries Q] [--devsets DIR] [--no-write]

Archives:
- each real blog of ../shared/devsets (posts, and known-item queries written the way a
  reader describes an essay she half-remembers: a few words about what it says, not its
  title; see that folder's README);
- corpus/, with the hand-written queries in bench/queries/corpus.tsv, written the same way;
- a generated archive of N essays (bench/synth.py), with Q simulated known-item queries:
  three to four words drawn from the target essay in proportion to how well they single it
  out (term frequency times inverse document frequency, title words excluded), the usual
  way of simulating known-item queries when no query log exists.

feedsearch builds each archive and answers each query with its library ``search``. The
baseline is the devsets' own (``score.py``'s ``fts5_search``): an FTS5 table with columns
title and body (``porter unicode61``), the query's words OR-ed, ranked by ``bm25(3.0,
1.0)``; its body is the Markdown after the front matter for the real blogs, and the text
feedsearch extracted for corpus/ and the generated archive. Reported: MRR@10 and
success@1 (and hit@10).
"""

from __future__ import annotations

import argparse
import math
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import table, write_section  # noqa: E402
from synth import generate  # noqa: E402

from feedsearch import store  # noqa: E402
from feedsearch.build import BuildOptions, build  # noqa: E402
from feedsearch.search import search  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEVSETS = ROOT.parent / "shared" / "devsets"
WORD = re.compile(r"[^\W\d_]+")


def fts5_search(docs: dict[str, tuple[str, str]], queries: list[str]) -> list[list[str]]:
    """The devsets' baseline, imported from their score.py so that both report one thing."""
    sys.path.insert(0, str(DEVSETS))
    import score  # noqa: PLC0415

    return score.fts5_search(docs, queries)


def measure(name: str, index_dir: Path, docs: dict[str, tuple[str, str]],
            queries: list[tuple[str, str]], key: str) -> list[list[object]]:
    """Rows for feedsearch and the baseline on one archive; a result is a hit when its
    ``key`` (slug or source) is the query's target."""
    texts = [query for query, _ in queries]
    ours, seconds = [], []
    for text in texts:
        began = time.perf_counter()
        results = search(index_dir, text, limit=10).results
        seconds.append(time.perf_counter() - began)
        ours.append([getattr(hit, key) for hit in results])
    theirs = fts5_search(docs, texts)
    rows = []
    for engine, ranked, p50 in (("feedsearch", ours, f"{1000 * statistics.median(seconds):.1f}"),
                                ("SQLite FTS5 (porter, bm25, OR)", theirs, "-")):
        ranks = [found.index(target) + 1 if target in found else None
                 for found, (_, target) in zip(ranked, queries, strict=True)]
        count = len(ranks)
        rows.append([name, len(docs), count, engine,
                     f"{sum(1 / r for r in ranks if r) / count:.3f}",
                     f"{sum(r == 1 for r in ranks) / count:.3f}",
                     f"{sum(r is not None for r in ranks) / count:.3f}", p50])
    return rows


def devset_rows(root: Path, work: Path) -> list[list[object]]:
    sys.path.insert(0, str(DEVSETS))
    import score  # noqa: PLC0415

    devset = score.load_devset(root)
    options = BuildOptions(devset.posts, work / f"{devset.name}-out",
                           work / f"{devset.name}-index")
    build(options)
    docs = {path: (label["title"], score.body_of((devset.posts / path).read_text(
        encoding="utf-8", errors="replace"))) for path, label in devset.labels.items()}
    return measure(devset.name, options.index, docs, devset.queries, "source")


def store_docs(index_dir: Path) -> dict[str, tuple[str, str]]:
    return {d.slug: (d.title, d.text) for d in store.iter_documents(index_dir)}


def corpus_queries() -> list[tuple[str, str]]:
    lines = (ROOT / "bench" / "queries" / "corpus.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line.strip() and not line.startswith("#")]


def simulated_queries(documents, count: int, seed: int = 11) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    counts = {d.slug: Counter(w.lower() for w in WORD.findall(d.text)) for d in documents}
    df = Counter(word for terms in counts.values() for word in terms)
    total = len(documents)
    queries = []
    for document in rng.sample(documents, min(count, total)):
        title = {w.lower() for w in WORD.findall(document.title)}
        terms = counts[document.slug]
        candidates = [(w, tf * math.log(total / df[w])) for w, tf in terms.items()
                      if w not in title and len(w) > 3 and df[w] < total / 2]
        words, weights = zip(*candidates, strict=True)
        chosen: list[str] = []
        while len(chosen) < rng.randint(3, 4):
            word = rng.choices(words, weights)[0]
            if word not in chosen:
                chosen.append(word)
        queries.append((" ".join(chosen), document.slug))
    return queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=2000, help="essays to generate")
    parser.add_argument("--queries", type=int, default=300, help="simulated queries")
    parser.add_argument("--devsets", type=Path, default=DEVSETS,
                        help="folder of real blogs with queries (default ../shared/devsets)")
    parser.add_argument("--no-write", action="store_true", help="do not update the docs")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        blogs = sorted(p for p in args.devsets.glob("*") if (p / "queries.tsv").is_file()) \
            if args.devsets.is_dir() else []
        if not blogs:
            print(f"no devsets in {args.devsets}: real blogs left out", file=sys.stderr)
        for root in blogs:
            rows += devset_rows(root, work)
        options = BuildOptions(ROOT / "corpus", work / "c-out", work / "c-index")
        build(options)
        rows += measure("corpus/", options.index, store_docs(options.index), corpus_queries(),
                        "slug")
        if args.synthetic:
            generate(args.synthetic, work / "synthetic")
            options = BuildOptions(work / "synthetic" / "essays", work / "s-out",
                                   work / "s-index")
            build(options)
            documents = list(store.iter_documents(options.index))
            rows += measure(f"generated ({args.synthetic})", options.index,
                            store_docs(options.index),
                            simulated_queries(documents, args.queries), "slug")
    headers = ["archive", "essays", "queries", "engine", "MRR@10", "success@1", "hit@10",
               "p50 ms"]
    text = table(headers, rows)
    print(text)
    if not args.no_write:
        write_section("relevance", "## Known-item search quality (bench/relevance.py)\n\n"
                      + __doc__.split("\n\n", 2)[2].strip() + "\n\n" + text)


if __name__ == "__main__":
    main()
