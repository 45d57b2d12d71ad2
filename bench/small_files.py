"""Many small files against full essays, in one run: ``python bench/small_files.py
[--files 50000] [--essays 10000] [--rounds 2] [--work DIR]``.

Two archives are built cold, each by ``feedsearch build`` as its own process (into an empty
index and output folder, the disk synced before), alternated ABBA-style so that a slow
stretch of a shared machine falls on both:
- small files: ``--files`` Markdown files in folders of 100, every other one empty and the
  rest one line of eight common words (no title, no date: each is an essay with
  warnings, or no essay at all), as an archive of notes or a half-finished import has them;
- full essays: ``--essays`` generated essays of 600 to 1,500 words (bench/synth.py).

Reported: each archive's median build time (and range), files per second, essays built,
warning lines in the JSON report, and peak RSS. The goal: the small files build at least
as many files per second as the full essays, so that a file's cost does not grow with the
archive.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import table, write_section  # noqa: E402
from run import generated, run_build  # noqa: E402

WORDS = "morning water grief light help work the rain".split()
PER_FOLDER = 100


def small_archive(files: int, root: Path) -> None:
    """``files`` files under ``root/essays``: every other one empty, the rest one line."""
    if (root / "done").exists():
        return
    shutil.rmtree(root / "essays", ignore_errors=True)
    rng = random.Random(3)
    for number in range(files):
        folder = root / "essays" / f"d{number % (files // PER_FOLDER or 1):03d}"
        folder.mkdir(parents=True, exist_ok=True)
        text = "" if number % 2 else " ".join(rng.choice(WORDS) for _ in range(8)) + "\n"
        (folder / f"f{number:05d}.md").write_text(text, encoding="utf-8")
    (root / "done").write_text("", encoding="utf-8")


def cold(root: Path):
    for folder in ("out", "index"):
        shutil.rmtree(root / folder, ignore_errors=True)
    os.sync()
    return run_build(root)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50_000)
    parser.add_argument("--essays", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--work", type=Path, help="keep the archives in DIR and reuse them")
    parser.add_argument("--no-write", action="store_true",
                        help="print the table only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="feedsearch-small-") as scratch:
        work = (args.work or Path(scratch)).resolve()
        roots = {"small files": work / f"small-{args.files}",
                 "full essays": work / f"essays-{args.essays}"}
        small_archive(args.files, roots["small files"])
        generated(args.essays, roots["full essays"])
        builds: dict[str, list] = {name: [] for name in roots}
        for round_number in range(args.rounds):
            order = list(roots) if round_number % 2 == 0 else list(reversed(roots))
            for name in order:
                print(f"round {round_number + 1}/{args.rounds}: {name}", file=sys.stderr,
                      flush=True)
                builds[name].append(cold(roots[name]))
    files = {"small files": args.files, "full essays": args.essays}
    rows = []
    for name, runs in builds.items():
        seconds = [run.seconds for run in runs]
        median = statistics.median(seconds)
        rows.append([name, f"{files[name]:,}", f"{runs[-1].report['documents']:,}",
                     f"{median:.1f} ({min(seconds):.1f}-{max(seconds):.1f})",
                     f"{files[name] / median:.0f}", f"{len(runs[-1].report['warnings']):,}",
                     f"{max(run.rss_mb for run in runs):.0f} MB"])
    text = (f"{args.rounds} rounds; seconds as median (min-max).\n\n"
            + table(["archive", "files", "essays built", "cold build, s", "files/s",
                     "warnings (JSON)", "peak RSS"], rows))
    print(text)
    if not args.no_write:
        write_section("small-files", "## Many small files (bench/small_files.py)\n\n"
                      + __doc__.split("\n\n", 1)[1].strip() + "\n\n" + text)


if __name__ == "__main__":
    main()
