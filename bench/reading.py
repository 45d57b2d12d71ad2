"""Reading throughput on one core: ``python bench/reading.py [N]``.

Generates N essays with bench/synth.py (four fifths Markdown with front matter, one fifth
HTML pages in blog boilerplate) and times the readers over each kind, file by file, as a
build reads them. Goals (issue 3): at least 250 Markdown files/s and 20 HTML pages/s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import table, write_section  # noqa: E402
from synth import generate  # noqa: E402

from feedsearch.corpus import read_file  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=1000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        generate(args.count, root)
        essays = root / "essays"
        for label, pattern, goal in (("Markdown", "*.md", 250), ("HTML", "*.html", 20)):
            files = sorted(essays.rglob(pattern))
            read_file(files[0], files[0].name)  # imports and caches, outside the timing
            started = time.perf_counter()
            for path in files:
                read_file(path, path.relative_to(essays).as_posix())
            seconds = time.perf_counter() - started
            rows.append([label, len(files), f"{seconds:.2f} s", f"{len(files) / seconds:.0f}",
                         f">= {goal}"])
    text = table(["format", "files", "time", "files/s (1 core)", "goal"], rows)
    print(text)
    if not args.no_write:
        write_section("reading", "## Reading throughput (bench/reading.py)\n\n"
                      + __doc__.split("\n\n", 1)[1].strip() + "\n\n" + text)


if __name__ == "__main__":
    main()
