"""Two versions, one run: ``python bench/compare.py --a TREE --b TREE [--size 10000]
[--archive DIR]``.

Each tree is a checkout of the project; its version runs as ``feedsearch build`` in a
process of its own, ``PYTHONPATH=TREE/src python -m feedsearch build``, as a person or a
script runs it. One generated archive (bench/synth.py) is copied once per version, so that
neither version's builds touch the files (and stats) the other reads. Measured, as wall
seconds of the whole process, after the disk is synced:
- cold build: into an empty index and output folder, once per version (reported, not the
  point of the comparison);
- rebuild, nothing changed;
- rebuild after one sentence is appended to one Markdown essay in the middle of the archive
  (the build's JSON report must say "updated": 1; the file is then restored and built
  again, unmeasured).

With ``--archive DIR``, an archive built before (bench/large.py's ``DIR/<count>``, whose
cold build takes most of an hour at 100,000 essays), both versions build that one archive
in turn, with no cold build: each rebuild with nothing changed follows an unmeasured build
by the same version, so that it finds what that version's own last build left, and each
rebuild with one file changed follows an unmeasured change and restore by the same
version, so that it starts from the related map's state as that version keeps it (two
versions may keep it in forms each reads as "none": the map is then computed whole).
Both versions must read the other's store and index (the same store format).

The machines are shared and their load drifts over minutes, so the versions alternate
ABBA-style: each measure runs A then B in even rounds and B then A in odd ones, so that a
slow stretch falls on both. Reported: each version's median and range, and B / A of the
medians.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import table, write_section  # noqa: E402
from synth import generate  # noqa: E402

BASE_URL = "https://example.org/"
APPENDED = "\nOne more sentence, appended by the benchmark to change this essay.\n"
MEASURES = ("cold build", "rebuild, nothing changed", "rebuild, one file changed")


class Version:
    """One tree's code, run on its own copy of the archive under ``root``."""

    def __init__(self, name: str, tree: Path, root: Path) -> None:
        self.name, self.tree, self.root = name, tree, root
        self.env = {**os.environ, "PYTHONPATH": str(tree / "src")}
        self.times: dict[str, list[float]] = {measure: [] for measure in MEASURES}

    def check_import(self) -> None:
        """Abort unless this tree's feedsearch is the one its processes import; compile its
        modules now, so that the first build timed does not."""
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(self.tree / "src")],
                       capture_output=True)  # a file that fails shows in the build
        result = subprocess.run(
            [sys.executable, "-c", "import feedsearch; print(feedsearch.__file__)"],
            env=self.env, cwd=self.root, capture_output=True, text=True)
        found = Path(result.stdout.strip()).resolve() if result.returncode == 0 else None
        if found is None or not found.is_relative_to((self.tree / "src").resolve()):
            raise SystemExit(f"{self.name}: with PYTHONPATH={self.tree / 'src'}, feedsearch "
                             f"is imported from {found or result.stderr.strip()}, not from "
                             f"{self.tree / 'src'}; is {self.tree} a checkout of the project?")

    def build(self) -> tuple[float, dict]:
        """Wall seconds of one ``feedsearch build`` process, and its JSON report."""
        command = [sys.executable, "-m", "feedsearch", "build", str(self.root / "essays"),
                   "--out", str(self.root / "out"), "--index", str(self.root / "index"),
                   "--base-url", BASE_URL, "--quiet", "--json"]
        os.sync()  # the previous build's writes are not left to slow this one
        started = time.perf_counter()
        result = subprocess.run(command, env=self.env, cwd=self.root, capture_output=True)
        seconds = time.perf_counter() - started
        if result.returncode:
            raise SystemExit(f"{self.name}: {' '.join(command)} failed:\n"
                             f"{result.stderr.decode()}")
        return seconds, json.loads(result.stdout)

    def cold(self, archive: Path) -> None:
        for folder in ("essays", "out", "index"):
            shutil.rmtree(self.root / folder, ignore_errors=True)
        shutil.copytree(archive / "essays", self.root / "essays")  # copy2 keeps mtimes
        seconds, report = self.build()
        self.documents = report["documents"]
        self.times["cold build"].append(seconds)

    def unchanged(self, after_own_build: bool = False) -> None:
        if after_own_build:
            _, report = self.build()
            self.documents = report["documents"]
        seconds, report = self.build()
        if report["unchanged"] != self.documents or report["updated"]:
            raise SystemExit(f"{self.name}: the rebuild with nothing changed reported {report}")
        self.times["rebuild, nothing changed"].append(seconds)

    def one_changed(self, after_own_change: bool = False) -> None:
        """Append a sentence to one essay, build, then restore it and build again; first,
        unmeasured, the same once over (``after_own_change``)."""
        files = sorted((self.root / "essays").rglob("*.md"))
        path = files[len(files) // 2]
        original, stat = path.read_bytes(), path.stat()
        try:
            if after_own_change:
                path.write_bytes(original + APPENDED.encode())
                self.build()
                path.write_bytes(original)
                os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
                self.build()
            path.write_bytes(original + APPENDED.encode())
            seconds, changed = self.build()
        finally:
            path.write_bytes(original)
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            _, restored = self.build()
        for report, what in ((changed, "the change"), (restored, "the restore")):
            if report["updated"] != 1:
                raise SystemExit(f"{self.name}: the build after {what} of {path} reported "
                                 f"{report['updated']} updated, not 1: {report}")
        self.times["rebuild, one file changed"].append(seconds)


def git_label(tree: Path) -> str:
    """The tree's short commit, and whether it has uncommitted changes."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(tree), *args], check=True,
                              capture_output=True, text=True).stdout.strip()
    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = bool(git("status", "--porcelain"))
    except (OSError, subprocess.CalledProcessError):
        return str(tree)
    return f"{commit} + uncommitted changes" if dirty else commit


def seconds(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def spread(values: list[float]) -> str:
    return f"{seconds(min(values))}-{seconds(max(values))}" if len(values) > 1 else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", type=Path, required=True, help="tree of version A (before)")
    parser.add_argument("--b", type=Path, required=True, help="tree of version B (after)")
    parser.add_argument("--label-a", help="name of A (default: its git short commit)")
    parser.add_argument("--label-b", help="name of B (default: its git short commit)")
    parser.add_argument("--size", type=int, default=10_000, help="essays (default 10,000)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="measured builds of each version per measure (default 5)")
    parser.add_argument("--work", type=Path,
                        help="keep the archive and the builds in DIR/<size>/, reuse the archive")
    parser.add_argument("--archive", type=Path,
                        help="an archive built before (its essays/, out/ and index/), built "
                             "by both versions in turn, with no cold build")
    parser.add_argument("--write", action="store_true",
                        help="also record the table in docs/benchmarks.md")
    args = parser.parse_args()
    trees = [args.a.resolve(), args.b.resolve()]
    for tree in trees:
        if not (tree / "src" / "feedsearch").is_dir():
            raise SystemExit(f"{tree} has no src/feedsearch: not a checkout of the project")
    labels = [args.label_a or git_label(trees[0]), args.label_b or git_label(trees[1])]

    def step(what: str) -> None:
        print(f"[{args.archive or f'{args.size:,}'}] {what}", file=sys.stderr, flush=True)

    shared = args.archive.resolve() if args.archive else None
    with tempfile.TemporaryDirectory(prefix="feedsearch-compare-") as scratch:
        root = (args.work or Path(scratch)).resolve() / str(args.size)
        archive = root / "archive"
        versions = [Version(name, tree, shared or root / name.lower())
                    for name, tree in zip("AB", trees, strict=True)]
        for version in versions:
            version.root.mkdir(parents=True, exist_ok=True)
            version.check_import()
        if shared is None and not (archive / "topics.json").exists():  # written last
            step("generating the archive")
            shutil.rmtree(archive / "essays", ignore_errors=True)
            generate(args.size, archive)
        for version in versions if shared is None else []:
            step(f"cold build, {version.name}")
            version.cold(archive)
        for number in range(args.rounds):
            order = versions if number % 2 == 0 else versions[::-1]
            step(f"round {number + 1} of {args.rounds}: {''.join(v.name for v in order)}")
            for version in order:
                version.unchanged(after_own_build=shared is not None)
            for version in order:
                version.one_changed(after_own_change=shared is not None)

    a, b = versions
    headers = ["measure", "A median s", "B median s", "B / A", "A min-max s", "B min-max s"]
    rows = [[measure, seconds(statistics.median(a.times[measure])),
             seconds(statistics.median(b.times[measure])),
             f"{statistics.median(b.times[measure]) / statistics.median(a.times[measure]):.2f}",
             spread(a.times[measure]), spread(b.times[measure])] for measure in MEASURES
            if a.times[measure]]
    text = table(headers, rows)
    what = (f"A: {labels[0]}; B: {labels[1]}. {a.documents:,} essays built, {args.rounds} "
            f"round{'s' * (args.rounds != 1)}, "
            + (f"both on {shared.name}/ of an archive built before." if shared else
               f"a generated archive of {args.size:,}, cold builds once each."))
    print(what)
    print(text)
    if args.write:
        write_section("compare", "## Before and after, one run (bench/compare.py)\n\n"
                      + __doc__.split("\n\n", 1)[1].strip() + "\n\n" + what + "\n\n" + text)


if __name__ == "__main__":
    main()
