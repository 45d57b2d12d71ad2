"""Rebuilds and search on a large archive, built once: ``python bench/large.py --work DIR
[--count 100000] [--cold] [--rounds 3]``.

A cold build of 100,000 essays takes most of an hour, so this script builds the generated
archive in ``DIR/<count>/`` (bench/synth.py) only when asked (``--cold``, or when it has no
index yet), and otherwise measures on the index an earlier run left. Measured, each as its
own ``feedsearch build`` or ``feedsearch search`` process, as a person or a script runs it:
- the cold build (when run): wall seconds, essays per second, peak RSS and peak PSS of the
  build and its workers;
- a rebuild with nothing changed, ``--rounds`` times: median and range;
- a rebuild after one sentence is appended to one Markdown essay in the middle of the
  archive (the report must say "updated": 1; the file is then restored and built again,
  unmeasured), ``--rounds`` times: median and range;
- search: a warm query in a running process (bench/search_speed.py's mix, drawn from 2,000
  of the essays) and ``feedsearch search`` as a whole process, p50 and p95;
- the index folder's size.

Goals (at 100,000 essays): nothing changed <= 3 s, one change <= 5 s, ``feedsearch search``
p95 <= 0.5 s.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import table, write_section  # noqa: E402
from run import folder_mb, generated, rebuild_one_changed, run_build, search_times, seconds  # noqa: E402
from search_speed import percentile  # noqa: E402

from feedsearch import store  # noqa: E402

SAMPLE = 2_000  # essays the query mix is drawn from (loading all bodies costs minutes)
SEARCH_RUNS = 24
GOALS = {"rebuild, nothing changed": "<= 3 s", "rebuild, one file changed": "<= 5 s",
         "`feedsearch search` p95": "<= 0.5 s"}


def spread(values: list[float]) -> str:
    """Median and range of some runs' seconds."""
    return f"{seconds(statistics.median(values))} ({seconds(min(values))}-" \
           f"{seconds(max(values))}, {len(values)} runs)"


def cold(count: int, root: Path) -> dict[str, str]:
    generated(count, root)
    for folder in ("out", "index"):
        shutil.rmtree(root / folder, ignore_errors=True)
    built = run_build(root)
    essays = built.report["documents"]
    return {"cold build": seconds(built.seconds),
            "cold build, essays/s": f"{essays / built.seconds:.0f}",
            "cold build, peak RSS": f"{built.rss_mb:.0f} MB",
            "cold build, peak PSS, all processes": f"{built.pss_mb:.0f} MB"}


def rebuilds(root: Path, rounds: int) -> dict[str, str]:
    run_build(root)  # unmeasured: brings the index up to date with the archive
    nothing, one = [], []
    for _ in range(rounds):
        unchanged = run_build(root)
        counts = {key: unchanged.report[key] for key in ("added", "updated", "removed")}
        if any(counts.values()):
            raise SystemExit(f"the rebuild with nothing changed changed something: {counts}")
        nothing.append(unchanged.seconds)
        one.append(rebuild_one_changed(root).seconds)
    return {"essays": f"{unchanged.report['documents']:,}",
            "rebuild, nothing changed": spread(nothing),
            "rebuild, one file changed": spread(one)}


def searches(index_dir: Path) -> dict[str, str]:
    rng = random.Random(5)
    slugs = store.slugs_starting(index_dir, "", limit=10**9)
    drawn = rng.sample(slugs, min(SAMPLE, len(slugs)))
    documents = [store.get_document(index_dir, slug) for slug in drawn]
    warm, whole = search_times(index_dir, documents, rng, SEARCH_RUNS)
    return {"warm query p50": f"{1000 * percentile(warm, 0.5):.1f} ms",
            "warm query p95": f"{1000 * percentile(warm, 0.95):.1f} ms",
            "`feedsearch search` p50": seconds(percentile(whole, 0.5)),
            "`feedsearch search` p95": seconds(percentile(whole, 0.95)),
            "index size": f"{folder_mb(index_dir) / 1000:.2f} GB"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True,
                        help="the archive and its index are in DIR/<count>/")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--cold", action="store_true",
                        help="build from nothing first (also done when there is no index)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-write", action="store_true",
                        help="print the table only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    root = (args.work / str(args.count)).resolve()
    results: dict[str, str] = {}
    if args.cold or not (root / "index").exists():
        print(f"[{args.count:,}] cold build", file=sys.stderr, flush=True)
        results |= cold(args.count, root)
    print(f"[{args.count:,}] rebuilds", file=sys.stderr, flush=True)
    results = rebuilds(root, args.rounds) | results
    print(f"[{args.count:,}] search", file=sys.stderr, flush=True)
    results |= searches(root / "index")
    rows = [[name, value, GOALS.get(name, "")] for name, value in results.items()]
    text = table(["measure", f"{args.count:,} essays", "goal"], rows)
    print(text)
    if not args.no_write:
        write_section("large", "## A large archive (bench/large.py)\n\n"
                      + __doc__.split("\n\n", 1)[1].strip() + "\n\n" + text)


if __name__ == "__main__":
    main()
