"""Archives of essays that share no words: ``python bench/unshared.py [--sizes 5000,10000]
[--before TREE] [--work DIR] [--write]``.

Each essay is a few made-up words of its own (or, with ``--script ja``, a run of Japanese
characters with no spaces, which the analysis reads as one word), so no two essays share a
term or a tag: every related list is made of the essays nearest in time, the path whose
cost once grew with the square of the archive. For each size, ``feedsearch build`` runs as
a process: a cold build, a rebuild with nothing changed, and a rebuild after one essay
changed. With ``--before TREE`` (a checkout of another version), that version's cold build
runs too, right after this one's, for the ratio.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import table, write_section  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LETTERS = "bcdfghjklmnpqrstvwxz"
JAPANESE = [chr(c) for c in range(0x3041, 0x3097)] + [chr(c) for c in range(0x4E00, 0x4FD0)]


def word(n: int) -> str:
    """A made-up word of its own for each number."""
    text, n = "", n + 1
    while n:
        n, rest = divmod(n, 20)
        text += LETTERS[rest] + "aeiou"[rest % 5]
    return text


def generate(size: int, folder: Path, script: str) -> None:
    rng = random.Random(size)
    for n in range(size):
        path = folder / f"{n // 1000:03d}" / f"e{n:06d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        if script == "ja":
            title = "".join(rng.choice(JAPANESE) for _ in range(10))
            body = "".join(rng.choice(JAPANESE) for _ in range(400))
        else:
            title = f"{word(n).capitalize()} {word(n + 10_000_000)}"
            body = f"{word(n)} {word(n + 20_000_000)} {word(n + 30_000_000)}."
        date = f"{2000 + n % 20}-{1 + n // 28 % 12:02d}-{1 + n % 28:02d}"
        path.write_text(f"---\ntitle: {title}\ndate: {date}\n---\n\n{body}\n",
                        encoding="utf-8")


def run_build(tree: Path, source: Path, work: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    command = [sys.executable, "-m", "feedsearch", "build", str(source), "--out",
               str(work / "out"), "--index", str(work / "index"), "--quiet"]
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def measure(size: int, work: Path, script: str, before: Path | None) -> list[object]:
    source = work / f"{script}-{size}"
    if not source.is_dir():
        generate(size, source, script)
    builds = work / "builds"
    shutil.rmtree(builds, ignore_errors=True)
    cold = run_build(ROOT, source, builds)
    unchanged = run_build(ROOT, source, builds)
    essay = next(iter(sorted(source.rglob("*.md"))[size // 2:]))
    original = essay.read_text(encoding="utf-8")
    essay.write_text(original + "\nOne more line.\n", encoding="utf-8")
    try:
        one_change = run_build(ROOT, source, builds)
    finally:
        essay.write_text(original, encoding="utf-8")
    row = [f"{size:,}", f"{cold:.1f} s", f"{unchanged:.2f} s", f"{one_change:.1f} s"]
    if before is not None:
        shutil.rmtree(builds, ignore_errors=True)
        earlier = run_build(before, source, builds)
        row += [f"{earlier:.1f} s", f"{earlier / cold:.1f}x"]
    print(" | ".join(row), file=sys.stderr)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,10000")
    parser.add_argument("--script", choices=["latin", "ja"], default="latin")
    parser.add_argument("--before", type=Path, help="another checkout, for its cold build")
    parser.add_argument("--work", type=Path)
    parser.add_argument("--write", action="store_true", help="record in docs/benchmarks.md")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="unshared-"))
    headers = ["essays", "cold build", "nothing changed", "one changed"]
    if args.before:
        headers += ["cold build, before", "before / now"]
    rows = [measure(int(size), work, args.script, args.before)
            for size in args.sizes.split(",")]
    text = table(headers, rows)
    print(text)
    if args.write:
        write_section(f"unshared-{args.script}", (
            f"## Essays that share no words, {args.script} (bench/unshared.py)\n\n"
            "Every related list is the essays nearest in time. `feedsearch build` as a "
            "process; one run each.\n\n" + text))


if __name__ == "__main__":
    main()
