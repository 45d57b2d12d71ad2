"""Known-item search quality: feedsearch against an SQLite FTS5 baseline, in one run.

    python bench/relevance.py [--synthetic N] [--queries Q] [--no-write]

Two archives:
- corpus/, with the hand-written queries in bench/queries/corpus.tsv: each written the way a
  reader who half-remembers an essay would type it, not its title;
- a generated archive of N essays (bench/synth.py), with Q simulated known-item queries:
  three to four words drawn from the target essay in proportion to how well they single it
  out (term frequency times inverse document frequency, title words excluded), the usual
  way of simulating known-item queries when no query log exists.

Both engines search the same extracted documents (feedsearch's document store) and get the
same query text. The baseline is an FTS5 table (porter tokenizer) ranked by bm25 with the
title weighted 2 to 1, as feedsearch weights it; like feedsearch, it tries all words first
and any word when nothing has all. Reported: MRR@10 and success@1.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import sqlite3
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
WORD = re.compile(r"[^\W\d_]+")


class Fts5Baseline:
    def __init__(self, documents) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE docs USING fts5(slug UNINDEXED, title, body, "
                        "tokenize='porter unicode61')")
        self.db.executemany("INSERT INTO docs VALUES (?, ?, ?)",
                            [(d.slug, d.title, d.text) for d in documents])

    def search(self, query: str, limit: int = 10) -> list[str]:
        words = [w for w in WORD.findall(query)]
        for joiner in (" AND ", " OR "):
            expression = joiner.join(f'"{w}"' for w in words)
            if not expression:
                return []
            rows = self.db.execute(
                "SELECT slug FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 0, 2.0, 1.0) "
                "LIMIT ?", (expression, limit)).fetchall()
            if rows:
                return [slug for (slug,) in rows]
        return []


def feedsearch_engine(index_dir: Path):
    def run(query: str, limit: int = 10) -> list[str]:
        return [hit.slug for hit in search(index_dir, query, limit=limit).results]

    return run


def score(engine, queries: list[tuple[str, str]]) -> dict[str, float]:
    reciprocal, first, seconds = 0.0, 0, []
    for query, expected in queries:
        started = time.perf_counter()
        ranked = engine(query, 10)
        seconds.append(time.perf_counter() - started)
        if expected in ranked:
            position = ranked.index(expected) + 1
            reciprocal += 1 / position
            first += position == 1
    seconds.sort()
    return {"mrr": reciprocal / len(queries), "success": first / len(queries),
            "p50_ms": 1000 * seconds[len(seconds) // 2]}


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


def evaluate(name: str, index_dir: Path, queries) -> list[list[object]]:
    documents = list(store.iter_documents(index_dir))
    baseline = Fts5Baseline(documents)
    rows = []
    for engine_name, engine in (("feedsearch", feedsearch_engine(index_dir)),
                                ("SQLite FTS5 (porter, bm25)", baseline.search)):
        result = score(engine, queries)
        rows.append([name, len(documents), len(queries), engine_name, f"{result['mrr']:.3f}",
                     f"{result['success']:.3f}", f"{result['p50_ms']:.1f}"])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=2000, help="essays to generate")
    parser.add_argument("--queries", type=int, default=300, help="simulated queries")
    parser.add_argument("--no-write", action="store_true", help="do not update the docs")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        options = BuildOptions(ROOT / "corpus", work / "c-out", work / "c-index")
        build(options)
        rows += evaluate("corpus/", options.index, corpus_queries())
        if args.synthetic:
            generate(args.synthetic, work / "synthetic")
            options = BuildOptions(work / "synthetic" / "essays", work / "s-out",
                                   work / "s-index")
            build(options)
            documents = list(store.iter_documents(options.index))
            rows += evaluate(f"generated ({args.synthetic})", options.index,
                             simulated_queries(documents, args.queries))
    headers = ["archive", "essays", "queries", "engine", "MRR@10", "success@1", "p50 ms"]
    text = table(headers, rows)
    print(text)
    if not args.no_write:
        write_section("relevance", "## Known-item search quality (bench/relevance.py)\n\n"
                      + __doc__.split("\n\n", 2)[2].strip() + "\n\n" + text)


if __name__ == "__main__":
    main()
