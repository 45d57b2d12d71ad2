"""Builds at scale, in one run: ``python bench/run.py [--sizes 1000,10000] [--work DIR]``.

For each size, a generated archive (bench/synth.py) is built by ``feedsearch build`` run as
its own process, as a person or a script runs it:
- cold build: into an empty index and output folder; seconds, essays per second, CPU time
  (user + system of the build and its parsing workers, from ``os.wait4`` on that one
  child), peak RSS (``ru_maxrss`` from the same call: the largest single process among the
  build and its workers; no other process's peak can leak into it), and peak PSS of the
  build and its workers together (shared pages split among them), sampled every second
  from /proc (Linux only);
- bare Whoosh ceiling: the same schema and the same fields (``index_fields`` of the
  documents the build stored, prepared before the clock starts), with did-you-mean the way
  Whoosh offers it (a spelling field over title, summary and text; see bench/cold_build.py),
  added to a new index by one writer with the build's writer memory (``index.WRITER_MB``),
  committed; nothing else.
  Cold build / ceiling says what reading, the related map, feeds and the document store
  add on top of indexing. In CPU time (all processes' work, whatever runs in parallel) the
  ratio is not skewed by other load on the machine;
- rebuild, nothing changed; rebuild after one sentence is appended to one Markdown essay in
  the middle of the archive (the build's JSON report must say "updated": 1; the file is
  then restored and built again, unmeasured);
- related map: ``related_map`` in-process over the stored documents, with no stored term
  counts (what a cold build computes);
- search: a warm query in a running process (the mix of bench/search_speed.py) and
  ``feedsearch search`` as a whole process, p50 and p95;
- the index folder's and the output folder's total size.

Goals (at 10,000 essays): cold build <= 1.25 x the ceiling, rebuild with nothing changed
<= 1 s, with one file changed <= 3 s, warm query p95 <= 50 ms, whole process p95 <= 0.4 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import table, write_section  # noqa: E402
from search_speed import percentile, query_mix  # noqa: E402
from synth import generate  # noqa: E402

from feedsearch import index, store  # noqa: E402
from feedsearch.index import index_fields, make_schema, whoosh_index  # noqa: E402
from feedsearch.related import RelatedOptions, TermCache, related_map  # noqa: E402
from feedsearch.search import search  # noqa: E402

BIN = Path(sys.executable).parent
BASE_URL = "https://example.org/"
LANGUAGE = "en"  # what the build makes of its default --language en-us
SEARCH_RUNS = 15
WRITER_MB = getattr(index, "WRITER_MB", 128)  # the build's writer memory (Whoosh's default)
APPENDED = "\nOne more sentence, appended by the benchmark to change this essay.\n"


class Build:
    """One ``feedsearch build`` process: wall and CPU seconds, peak RSS of its largest
    process and peak PSS of all of them (MB; 0 when not sampled), its JSON report."""

    def __init__(self, seconds: float, cpu: float, rss_mb: float, pss_mb: float,
                 report: dict) -> None:
        self.seconds, self.cpu, self.report = seconds, cpu, report
        self.rss_mb, self.pss_mb = rss_mb, pss_mb


def tree_pss_kb(pid: int) -> int:
    """Proportional set size of ``pid`` and its descendants, in kB (Linux; else 0)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += next(int(line.split()[1]) for line in rollup.splitlines()
                          if line.startswith("Pss:"))
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError, StopIteration):
            continue
    return total


# Reading smaps_rollup walks a process's page tables: every 0.1 s, this sampler took a
# sixth of a core (measured during a 100,000-essay build) from the build it measured.
PSS_EVERY = 1.0


def sample_pss(pid: int, done: threading.Event, peak: list[int]) -> None:
    while not done.wait(PSS_EVERY):
        peak[0] = max(peak[0], tree_pss_kb(pid))


def run_build(root: Path) -> Build:
    command = [str(BIN / "feedsearch"), "build", str(root / "essays"), "--out",
               str(root / "out"), "--index", str(root / "index"), "--base-url", BASE_URL,
               "-q", "--json"]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err)
        done, peak = threading.Event(), [0]
        sampler = threading.Thread(target=sample_pss, args=(process.pid, done, peak))
        sampler.start()
        # wait4 gives this one child's resource usage (with its reaped workers');
        # RUSAGE_CHILDREN would be the maximum over every child this script has waited for.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode:
            raise SystemExit(f"{' '.join(command)} failed:\n{err.read().decode()}")
        report = json.loads(out.read())
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return Build(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / scale,
                 peak[0] / 1024, report)


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def spelling_field():
    """Whoosh's own did-you-mean: unstemmed words with a word graph."""
    from whoosh.analysis import StandardAnalyzer
    from whoosh.fields import TEXT

    return TEXT(analyzer=StandardAnalyzer(stoplist=None), phrase=False, spelling=True)


def ceiling(documents: list, scratch: Path) -> tuple[float, float]:
    """Wall and CPU seconds a bare Whoosh writer takes to index ``documents`` as feedsearch
    fills them."""
    fields = [{**index_fields(d), "spell": f"{d.title}\n{d.summary}\n{d.text}"}
              for d in documents]
    folder = scratch / "ceiling"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    schema = make_schema(LANGUAGE)
    schema.add("spell", spelling_field())
    started, cpu = time.perf_counter(), time.process_time()
    writer = whoosh_index.create_in(str(folder), schema).writer(limitmb=WRITER_MB)
    for values in fields:
        writer.add_document(**values)
    writer.commit()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    shutil.rmtree(folder, ignore_errors=True)
    return seconds, cpu


def middle_markdown(essays: Path) -> Path:
    files = sorted(essays.rglob("*.md"))
    return files[len(files) // 2]


def rebuild_one_changed(root: Path) -> Build:
    """Append a sentence to one essay, build, then restore it and build again."""
    path = middle_markdown(root / "essays")
    original, stat = path.read_bytes(), path.stat()
    try:
        path.write_bytes(original + APPENDED.encode())
        changed = run_build(root)
    finally:
        path.write_bytes(original)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        restored = run_build(root)
    for build, what in ((changed, "the change"), (restored, "the restore")):
        if build.report["updated"] != 1:
            print(f"warning: the build after {what} of {path} reported "
                  f"{build.report['updated']} updated, not 1", file=sys.stderr)
    return changed


def generated(count: int, root: Path, step: Callable[[str], None] | None = None) -> None:
    """A generated archive of ``count`` essays in ``root``, made unless a whole one is there
    (bench/synth.py writes topics.json last)."""
    if (root / "topics.json").exists():
        return
    if step is not None:
        step("generating the archive")
    shutil.rmtree(root / "essays", ignore_errors=True)
    generate(count, root)


def measure(count: int, root: Path, scratch: Path, with_ceiling: bool = True) -> dict[str, str]:
    def step(what: str) -> None:
        print(f"[{count:,}] {what}", file=sys.stderr, flush=True)

    generated(count, root, step)
    for folder in ("out", "index"):
        shutil.rmtree(root / folder, ignore_errors=True)
    step("cold build")
    cold = run_build(root)
    essays = cold.report["documents"]
    documents = list(store.load_documents(root / "index").values())
    bare = bare_cpu = 0.0
    if with_ceiling:
        step("bare Whoosh ceiling")
        bare, bare_cpu = ceiling(documents, scratch)
    step("rebuilds")
    unchanged = run_build(root)
    if unchanged.report["unchanged"] != essays:
        print(f"warning: the rebuild with nothing changed reported {unchanged.report}",
              file=sys.stderr)
    one = rebuild_one_changed(root)
    step("related map")
    related = timed(lambda: related_map(documents, RelatedOptions(language=LANGUAGE), TermCache()))
    step("search")
    index_dir = root / "index"
    rng = random.Random(5)
    warm, whole = search_times(index_dir, list(store.iter_documents(index_dir)), rng)
    return {
        "essays": f"{essays:,}",
        "cold build": seconds(cold.seconds),
        "cold build, essays/s": f"{essays / cold.seconds:.0f}",
        "cold build, peak RSS": f"{cold.rss_mb:.0f} MB",
        "cold build, peak PSS, all processes": f"{cold.pss_mb:.0f} MB" if cold.pss_mb else "-",
        "cold build, CPU time": seconds(cold.cpu),
        "bare Whoosh ceiling": seconds(bare) if bare else "not run",
        "bare Whoosh ceiling, CPU time": seconds(bare_cpu) if bare else "not run",
        "cold build / ceiling": f"{cold.seconds / bare:.2f}" if bare else "-",
        "cold build / ceiling, CPU time": f"{cold.cpu / bare_cpu:.2f}" if bare else "-",
        "rebuild, nothing changed": seconds(unchanged.seconds),
        "rebuild, one file changed": seconds(one.seconds),
        "related map (in-process)": seconds(related),
        "warm query p50": f"{1000 * percentile(warm, 0.5):.1f} ms",
        "warm query p95": f"{1000 * percentile(warm, 0.95):.1f} ms",
        "`feedsearch search` p50": seconds(percentile(whole, 0.5)),
        "`feedsearch search` p95": seconds(percentile(whole, 0.95)),
        "index size": f"{folder_mb(index_dir):.1f} MB",
        "output size": f"{folder_mb(root / 'out'):.1f} MB",
    }


def search_times(index_dir: Path, documents: list, rng: random.Random,
                 runs: int = SEARCH_RUNS) -> tuple[list[float], list[float]]:
    """Seconds of each query of bench/search_speed.py's mix (drawn from ``documents``) in
    this process once warm, and of ``runs`` of its plain queries as whole ``feedsearch
    search`` processes."""
    queries = query_mix(documents, rng)
    for _ in range(2):  # a process's second search opens the index in memory
        search(index_dir, "warm up")
    warm = [timed(lambda text=text, filters=filters: search(index_dir, text, filters=filters))
            for text, filters in queries]
    plain = [text for text, filters in queries if filters is None]
    environment = {**os.environ, "NO_COLOR": "1"}
    whole = [timed(lambda text=text: subprocess.run(
                [str(BIN / "feedsearch"), "search", text, "--index", str(index_dir)],
                check=True, capture_output=True, env=environment))
             for text in rng.sample(plain, runs)]
    return warm, whole


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


GOALS = {
    "cold build / ceiling": "<= 1.25",
    "rebuild, nothing changed": "<= 1 s at 10,000",
    "rebuild, one file changed": "<= 3 s at 10,000",
    "warm query p95": "<= 50 ms",
    "`feedsearch search` p95": "<= 0.4 s",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000",
                        help="archive sizes, comma-separated (default 1000,10000)")
    parser.add_argument("--work", type=Path,
                        help="keep archives and indexes in DIR/<size>/ and reuse the archives")
    parser.add_argument("--no-ceiling", action="store_true",
                        help="skip the bare Whoosh ceiling (it takes as long as a cold build)")
    parser.add_argument("--no-write", action="store_true",
                        help="print the table only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    results: dict[int, dict[str, str]] = {}
    with tempfile.TemporaryDirectory(prefix="feedsearch-bench-") as scratch:
        work = (args.work or Path(scratch)).resolve()
        for count in sizes:
            results[count] = measure(count, work / str(count), Path(scratch),
                                     with_ceiling=not args.no_ceiling)
    measures = list(results[sizes[0]])
    headers = ["measure", *(f"{count:,} essays" for count in sizes), "goal"]
    rows = [[measure_name, *(results[count][measure_name] for count in sizes),
             GOALS.get(measure_name, "")] for measure_name in measures]
    text = table(headers, rows)
    print(text)
    if not args.no_write:
        write_section("scale", "## Builds at scale (bench/run.py)\n\n"
                      + __doc__.split("\n\n", 1)[1].strip() + "\n\n" + text)


if __name__ == "__main__":
    main()
