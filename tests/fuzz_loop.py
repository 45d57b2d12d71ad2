"""Run the archive fuzzer (tests/test_fuzz.py) for a time budget: what ``make fuzz`` runs.

Hypothesis has no time budget of its own. This runs pytest on tests/test_fuzz.py with the
"fuzz" profile again and again, each time with a new seed, all runs sharing one deadline
(FUZZ_DEADLINE), until FUZZ_SECONDS have passed. A run ends at its first failure, once
Hypothesis has shrunk it to a minimal archive; the next run starts with a new seed, so one
failure does not end the fuzzing. With --survey, failures are written down and fuzzing
goes on past them within one run, nothing shrunk: to see every kind of failure.

Each run's output is kept in the log folder (.fuzz/ by default): run-N.log, stats.jsonl
(one line per archive built), survey.jsonl; summary.txt says what was done and lists
each distinct failure once, with the log that shows it. The exit status is 1 when
anything failed.

    python tests/fuzz_loop.py --seconds 1800 [--survey] [--logs .fuzz]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float,
                        default=float(os.environ.get("FUZZ_SECONDS", "1800")))
    parser.add_argument("--survey", action="store_true",
                        default=bool(os.environ.get("FUZZ_SURVEY")))
    parser.add_argument("--logs", type=Path, default=ROOT / ".fuzz")
    args = parser.parse_args()

    logs = args.logs
    logs.mkdir(parents=True, exist_ok=True)
    stats, survey = logs / "stats.jsonl", logs / "survey.jsonl"
    for old in (stats, survey, *logs.glob("run-*.log")):
        old.unlink(missing_ok=True)
    started = time.time()
    deadline = started + args.seconds
    env = dict(os.environ, HYPOTHESIS_PROFILE="fuzz", FUZZ_DEADLINE=str(deadline),
               FUZZ_STATS=str(stats))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                      env.get("PYTHONPATH")]))
    if args.survey:
        env["FUZZ_SURVEY"] = str(survey)
    runs: list[tuple[int, int, Path]] = []  # (seed, exit status, log)
    while time.time() < deadline - 5:
        seed = random.SystemRandom().randrange(2**32)
        log = logs / f"run-{len(runs) + 1}.log"
        print(f"fuzz: run {len(runs) + 1}, seed {seed}, "
              f"{(deadline - time.time()) / 60:.1f} minutes left", flush=True)
        with log.open("w", encoding="utf-8") as output:
            done = subprocess.run(
                [sys.executable, "-m", "pytest", str(ROOT / "tests" / "test_fuzz.py"), "-q",
                 "-rs", "-p", "no:cacheprovider", f"--hypothesis-seed={seed}"],
                cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        runs.append((seed, done.returncode, log))
        if done.returncode not in (0, 1):  # pytest itself failed: say so and stop
            print(log.read_text(encoding="utf-8")[-3000:], file=sys.stderr)
            break
    text, failures = summary(runs, stats, survey if args.survey else None,
                             time.time() - started)
    (logs / "summary.txt").write_text(text, encoding="utf-8")
    print(text)
    return 1 if failures or any(code for _, code, _ in runs) else 0


def summary(runs: list[tuple[int, int, Path]], stats: Path, survey: Path | None,
            seconds: float) -> tuple[str, int]:
    """What was done, and each distinct failure once with the log that shows it (the
    survey's file for a survey); the number of failing archives."""
    rows = [json.loads(line) for line in stats.read_text(encoding="utf-8").splitlines()] \
        if stats.exists() else []
    failed = [row for row in rows if not row["ok"]]
    lines = [f"fuzz: {seconds / 60:.1f} minutes, {len(runs)} runs, {len(rows)} archives "
             f"({sum(row['files'] for row in rows)} files), "
             f"{sum(row['builds'] for row in rows)} builds",
             f"      seeds: {', '.join(str(seed) for seed, _, _ in runs)}"]
    if not failed:
        return "\n".join([*lines, "      no failure"]) + "\n", 0
    lines.append(f"      {len(failed)} failing archives"
                 + ("" if survey else " (shrinking included)") + ":")
    logs = [(seed, log.read_text(encoding="utf-8", errors="replace"), log.name)
            for seed, code, log in runs if code]
    for problem, count in collections.Counter(row["problem"] for row in failed).most_common():
        # Hypothesis reports the minimal failures it ends with; one met only on the way, while
        # shrinking another, is in no log.
        where = survey.name if survey else next(
            (f"{name} (seed {seed})" for seed, text, name in logs if problem[:80] in text),
            "met while shrinking another failure")
        lines.append(f"  {count:5d} x {problem}  [{where}]")
    return "\n".join(lines) + "\n", len(failed)


if __name__ == "__main__":
    sys.exit(main())
