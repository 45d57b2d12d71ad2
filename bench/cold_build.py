"""The first build against bare Whoosh, alternated in one run:
``python bench/cold_build.py [--sizes 1000,2000,10000] [--pairs 5] [--work DIR]
[--section NAME]``.

For each size, a generated archive (bench/synth.py) is built once to learn its documents;
then, for each of ``--pairs`` rounds, these run one after another (in the order A B C in
even rounds and C B A in odd ones, so that a slow stretch of a shared machine falls on
each), the disk synced before each:
- A, cold build: ``feedsearch build`` as its own process, into an empty index and output
  folder, as a person or a script runs it; wall seconds, and CPU seconds of the build and
  its parsing workers (``os.wait4``);
- B, bare Whoosh, same features: one single-process Whoosh writer, with the build's writer
  memory, given the same essays' index fields (prepared before the clock starts) and did-
  you-mean the way Whoosh offers it, a spelling field over each essay's title, summary and
  text (what feedsearch itself indexed until it took its spelling words from the counting
  it does for related posts); committed, nothing else;
- C, bare Whoosh, search fields only: as B without the spelling field: no did-you-mean.

Reported per size: each measure's median and range, and the ratio of the cold build to
each ceiling: of the medians, and the median of the rounds' own ratios. In CPU time the
ratios count the parsing worker's work, which runs beside the indexing on a second core.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import table, write_section  # noqa: E402
from run import generated, run_build, spelling_field  # noqa: E402

from feedsearch import index, store  # noqa: E402
from feedsearch.index import index_fields, make_schema, whoosh_index  # noqa: E402

LANGUAGE = "en"
WRITER_MB = getattr(index, "WRITER_MB", 128)
MEASURES = ("cold build", "Whoosh, same features", "Whoosh, search fields only")


def bare_whoosh(fields: list[dict], folder: Path, spelling: bool) -> tuple[float, float]:
    """Wall and CPU seconds of one Whoosh writer indexing ``fields`` into a new index."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    schema = make_schema(LANGUAGE)
    if spelling:
        schema.add("spell", spelling_field())
    os.sync()
    started, cpu = time.perf_counter(), time.process_time()
    writer = whoosh_index.create_in(str(folder), schema).writer(limitmb=WRITER_MB)
    for values in fields:
        writer.add_document(**values) if spelling else \
            writer.add_document(**{k: v for k, v in values.items() if k != "spell"})
    writer.commit()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    shutil.rmtree(folder, ignore_errors=True)
    return seconds, cpu


def cold_build(root: Path) -> tuple[float, float, int]:
    for folder in ("out", "index"):
        shutil.rmtree(root / folder, ignore_errors=True)
    os.sync()
    build = run_build(root)
    return build.seconds, build.cpu, build.report["documents"]


def measure(count: int, root: Path, scratch: Path, pairs: int) -> dict[str, dict]:
    def step(what: str) -> None:
        print(f"[{count:,}] {what}", file=sys.stderr, flush=True)

    generated(count, root, step)
    step("first build, unmeasured")
    cold_build(root)
    documents = list(store.load_documents(root / "index").values())
    fields = [{**index_fields(d), "spell": f"{d.title}\n{d.summary}\n{d.text}"}
              for d in documents]
    runs = {
        "cold build": lambda: cold_build(root)[:2],
        "Whoosh, same features": lambda: bare_whoosh(fields, scratch / "bare", True),
        "Whoosh, search fields only": lambda: bare_whoosh(fields, scratch / "bare", False),
    }
    wall: dict[str, list[float]] = {name: [] for name in MEASURES}
    cpu: dict[str, list[float]] = {name: [] for name in MEASURES}
    for round_number in range(pairs):
        order = MEASURES if round_number % 2 == 0 else tuple(reversed(MEASURES))
        for name in order:
            step(f"round {round_number + 1}/{pairs}: {name}")
            seconds, cpu_seconds = runs[name]()
            wall[name].append(seconds)
            cpu[name].append(cpu_seconds)
    return {"essays": len(documents), "wall": wall, "cpu": cpu}


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


def ratios(result: dict, kind: str, ceiling: str) -> str:
    build, bare = result[kind]["cold build"], result[kind][ceiling]
    of_medians = statistics.median(build) / statistics.median(bare)
    per_round = statistics.median(b / c for b, c in zip(build, bare, strict=True))
    return f"{of_medians:.2f} ({per_round:.2f})"


def report(results: dict[int, dict], pairs: int) -> str:
    sizes = list(results)
    headers = ["measure", *(f"{results[size]['essays']:,} essays" for size in sizes)]
    rows = []
    for name in MEASURES:
        rows.append([f"{name}, s", *(spread(results[s]["wall"][name]) for s in sizes)])
        rows.append([f"{name}, CPU s", *(spread(results[s]["cpu"][name]) for s in sizes)])
    for ceiling in MEASURES[1:]:
        rows.append([f"cold build / {ceiling}", *(ratios(results[s], "wall", ceiling)
                                                  for s in sizes)])
        rows.append([f"cold build / {ceiling}, CPU", *(ratios(results[s], "cpu", ceiling)
                                                       for s in sizes)])
    return (f"{pairs} rounds per size; seconds as median (min-max); ratios as the ratio of "
            "the medians (the median of the rounds' own ratios).\n\n" + table(headers, rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,2000,10000",
                        help="archive sizes, comma-separated (default 1000,2000,10000)")
    parser.add_argument("--pairs", type=int, default=5, help="rounds per size (default 5)")
    parser.add_argument("--work", type=Path,
                        help="keep archives in DIR/<size>/ and reuse them")
    parser.add_argument("--no-write", action="store_true",
                        help="print the table only; leave docs/benchmarks.md alone")
    parser.add_argument("--section", default="cold",
                        help="the section of docs/benchmarks.md to write (default cold): "
                             "a long run at one size can keep its own beside the others")
    args = parser.parse_args()
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    with tempfile.TemporaryDirectory(prefix="feedsearch-cold-") as scratch:
        work = (args.work or Path(scratch)).resolve()
        results = {count: measure(count, work / str(count), Path(scratch), args.pairs)
                   for count in sizes}
    text = report(results, args.pairs)
    print(text)
    if not args.no_write:
        title = "## The first build against bare Whoosh (bench/cold_build.py" + \
            (f" --sizes {args.sizes})" if args.section != "cold" else ")")
        write_section(args.section, title + "\n\n" + __doc__.split("\n\n", 1)[1].strip()
                      + "\n\n" + text)


if __name__ == "__main__":
    main()
