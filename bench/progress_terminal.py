"""What a person sees during a build: ``python bench/progress_terminal.py [N]``.

Generates N essays (default 2,000) with bench/synth.py and runs ``feedsearch build`` on a
pseudo-terminal, as a person runs it. Prints each stage the build named with when it was
first shown, and the longest time the terminal went without a new line (stage, count and
time). Goal: a named stage and a count at least once a second from start to end.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synth import generate  # noqa: E402

from tests.pty_frames import terminal_frames  # noqa: E402

STAGE = re.compile(r"^([a-z][a-z ]+?)  (\d[\d,]*(?:/[\d,]+)? \w+)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        generate(args.count, work)
        script = Path(sys.executable).parent / "feedsearch"
        status, seen = terminal_frames([str(script), "build", str(work / "essays"), "--out",
                               str(work / "out"), "--index", str(work / "index")])
    shown = [(at, text) for at, text in seen if STAGE.match(text)]
    summary = seen[-1]
    stages: dict[str, float] = {}
    for at, text in shown:
        stages.setdefault(STAGE.match(text).group(1), at)
    for name, at in stages.items():
        print(f"{at:7.2f} s  {name}")
    times = [0.0] + [at for at, _ in shown] + [summary[0]]
    gap = max(b - a for a, b in zip(times, times[1:], strict=False))
    print(f"exit {status}; {len(shown)} lines with a stage and a count over "
          f"{summary[0]:.1f} s; longest without one: {gap:.2f} s (goal <= 1 s)")
    print(summary[1])


if __name__ == "__main__":
    main()
