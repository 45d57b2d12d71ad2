"""Search speed of two versions, one run: ``python bench/search_compare.py --a TREE --b TREE``.

Each tree is a checkout of the project. One generated archive (bench/synth.py, default
10,000 essays) is built once by each version into an index of its own (its own schema and
analysis), by ``PYTHONPATH=TREE/src python -m feedsearch build``. Then, in rounds that
alternate the versions ABBA-style (so that a slow stretch of a shared machine falls on
both), each version:
- runs the query mix of bench/search_speed.py (simulated known-item queries, one- and
  two-word topic queries, phrases, filtered queries) warm, in one process of its own:
  p50 and p95 of the round;
- runs ``feedsearch search`` as a whole process for some queries of the mix (the same
  ones for both versions in a round).
Reported: each version's median over rounds (and range) and B / A of the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import table, write_section  # noqa: E402
from search_speed import percentile, query_mix  # noqa: E402
from synth import generate  # noqa: E402

from feedsearch import store  # noqa: E402

WARM = """
import json, sys, time
from feedsearch.search import search
from feedsearch.search_query import Filters
index, queries = sys.argv[1], json.load(open(sys.argv[2]))
search(index, "warm up")
times = []
for text, filters in queries:
    began = time.perf_counter()
    search(index, text, filters=Filters(**filters) if filters else None)
    times.append(time.perf_counter() - began)
print(json.dumps(times))
"""


class Version:
    def __init__(self, name: str, tree: Path, work: Path) -> None:
        self.name, self.tree = name, tree
        self.index = work / f"index-{name}"
        self.env = {**os.environ, "PYTHONPATH": str(tree / "src"), "NO_COLOR": "1"}
        self.p50: list[float] = []
        self.p95: list[float] = []
        self.whole: list[float] = []

    def check_import(self) -> None:
        """Abort unless this tree's feedsearch is the one its processes import."""
        result = subprocess.run([sys.executable, "-c",
                                 "import feedsearch; print(feedsearch.__file__)"],
                                env=self.env, capture_output=True, text=True, check=True)
        if not Path(result.stdout.strip()).resolve().is_relative_to(self.tree):
            sys.exit(f"{self.name}: python imports feedsearch from {result.stdout.strip()}, "
                     f"not from {self.tree}")

    def build(self, essays: Path, out: Path) -> None:
        subprocess.run([sys.executable, "-m", "feedsearch", "build", str(essays), "--out",
                        str(out), "--index", str(self.index)], env=self.env, check=True,
                       capture_output=True)

    def warm_round(self, queries_file: Path) -> None:
        result = subprocess.run([sys.executable, "-c", WARM, str(self.index),
                                 str(queries_file)], env=self.env, check=True,
                                capture_output=True, text=True)
        times = json.loads(result.stdout)
        self.p50.append(percentile(times, 0.5))
        self.p95.append(percentile(times, 0.95))

    def whole_round(self, texts: list[str]) -> None:
        for text in texts:
            began = time.perf_counter()
            subprocess.run([sys.executable, "-m", "feedsearch", "search", text, "--index",
                            str(self.index)], env=self.env, check=True, capture_output=True)
            self.whole.append(time.perf_counter() - began)


def _spread(values: list[float], scale: float, unit: str, digits: int) -> str:
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{mid * scale:.{digits}f} {unit} ({low * scale:.{digits}f}-{high * scale:.{digits}f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", type=Path, required=True, help="the tree measured first")
    parser.add_argument("--b", type=Path, required=True, help="the tree compared with it")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--whole", type=int, default=8,
                        help="`feedsearch search` processes a round, per version")
    parser.add_argument("--work", type=Path, help="keep the archive and indexes here")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        if not (work / "essays").exists():
            generate(args.size, work)
        versions = [Version("A", args.a.resolve(), work), Version("B", args.b.resolve(), work)]
        for version in versions:
            version.check_import()
            if not version.index.exists():
                version.build(work / "essays", work / f"out-{version.name}")
        documents = list(store.iter_documents(versions[1].index))
        rng = random.Random(5)
        mix = query_mix(documents, rng)
        queries_file = work / "queries.json"
        queries_file.write_text(json.dumps([[text, filters.__dict__ if filters else None]
                                            for text, filters in mix]))
        plain = [text for text, filters in mix if filters is None]
        for number in range(args.rounds):
            order = versions if number % 2 == 0 else versions[::-1]
            texts = rng.sample(plain, args.whole)
            for version in order:
                version.warm_round(queries_file)
                version.whole_round(texts)
    a, b = versions
    rows = []
    for label, attribute, scale, unit, digits in (
            ("warm query p50", "p50", 1000, "ms", 1), ("warm query p95", "p95", 1000, "ms", 1)):
        va, vb = getattr(a, attribute), getattr(b, attribute)
        rows.append([label, _spread(va, scale, unit, digits), _spread(vb, scale, unit, digits),
                     f"{statistics.median(vb) / statistics.median(va):.2f}"])
    for label, share in (("`feedsearch search` p50", 0.5), ("`feedsearch search` p95", 0.95)):
        wa, wb = percentile(a.whole, share), percentile(b.whole, share)
        rows.append([label, f"{wa:.2f} s", f"{wb:.2f} s", f"{wb / wa:.2f}"])
    text = table(["measure", f"A ({args.a.name})", f"B ({args.b.name})", "B / A"], rows)
    note = (f"{args.size:,} essays, {len(mix)} queries a warm round, {args.rounds} rounds "
            f"ABBA; warm: median of the rounds' p50 and p95 (range); `feedsearch search`: "
            f"{args.whole} queries a round, each a whole process, p50 and p95 of all "
            f"{len(a.whole)} runs. Goals: warm p95 <= 50 ms, whole process <= 0.4 s.")
    print(text + "\n\n" + note)
    if not args.no_write:
        write_section("search-compare", "## Search speed, two versions "
                      "(bench/search_compare.py)\n\n" + __doc__.split("\n\n", 1)[1].strip()
                      + "\n\n" + text + "\n\n" + note)


if __name__ == "__main__":
    main()
