"""Text copied out of a browser, read field by field: ``python bench/text_copies.py``.

Scores the text reader on each set of copies (our own essays, written in the shapes of each
platform's pages): tests/fixtures/copies (20, the set the reader was built with),
tests/fixtures/copies-heldout (18, written apart from the reader, then used to improve it)
and bench/copies (20, written apart from both and kept here as the measuring set). Per
field, the copies read right: the title, the date (the day), the authors, the essay's first
and last words, every sentence and lone paragraph ("Next", a sign-off) of the middle kept,
no line of the page's furniture left in, and the whole copy right. Each copy's
``expected.json`` entry says what a person reads in it; text is compared with runs of
whitespace made one. ``--record`` writes the table to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import table, write_section  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SETS = {"built with (copies)": ROOT / "tests" / "fixtures" / "copies",
        "held out, then used (copies-heldout)": ROOT / "tests" / "fixtures" / "copies-heldout",
        "measuring set (bench/copies)": ROOT / "bench" / "copies"}
FIELDS = ("title", "date", "authors", "start", "end", "middle", "no furniture", "whole")


def plain(text: str) -> str:
    return " ".join(text.replace("\r\n", "\n").replace("\xa0", " ").split())


def fields_right(folder: Path, name: str, want: dict) -> dict[str, bool]:
    from feedsearch.readers import reader_for

    document = reader_for(name).read((folder / name).read_bytes(), name,
                                     language=want.get("language", "en"))
    text = plain(document.text)
    paragraphs = [plain(p) for p in document.text.split("\n\n")]
    day = document.date.date().isoformat() if document.date else None
    right = {
        "title": document.title == want["title"],
        "date": day == want["date"],
        "authors": document.authors == want["authors"],
        "start": text.startswith(plain(want["starts_with"])),
        "end": text.endswith(plain(want["ends_with"])),
        "middle": all(plain(s) in text for s in want.get("must", []))
        and all(plain(s) in paragraphs for s in want.get("must_paragraphs", [])),
        "no furniture": not any(plain(s).lower() in text.lower()
                                for s in want.get("must_not", [])),
    }
    right["whole"] = all(right.values())
    return right


def score(folder: Path) -> tuple[int, dict[str, int], list[str]]:
    expected = json.loads((folder / "expected.json").read_text("utf-8"))
    counts = dict.fromkeys(FIELDS, 0)
    wrong = []
    for name, want in expected.items():
        right = fields_right(folder, name, want)
        for field, ok in right.items():
            counts[field] += ok
        if not right["whole"]:
            wrong.append(f"{folder.name}/{name}: " + ", ".join(f for f, ok in right.items()
                                                                if not ok and f != "whole"))
    return len(expected), counts, wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="write to docs/benchmarks.md")
    parser.add_argument("--wrong", action="store_true", help="list the copies read wrong")
    args = parser.parse_args()
    rows, misses = [], []
    for label, folder in SETS.items():
        if not (folder / "expected.json").exists():
            print(f"skipped {label}: {folder} is missing", file=sys.stderr)
            continue
        total, counts, wrong = score(folder)
        rows.append([label, total] + [f"{counts[f]}/{total}" for f in FIELDS])
        misses += wrong
    text = table(["set", "copies", *FIELDS], rows)
    print(text)
    if args.wrong:
        print("\n".join(misses))
    if args.record:
        write_section("text-copies", "## Text copies (bench/text_copies.py)\n\n"
                      + __doc__.split("\n\n", 1)[1].strip() + "\n\n" + text)


if __name__ == "__main__":
    main()
