"""Main-text extraction quality: ``python bench/extraction.py``.

Scores the HTML reader's body text on the ScrapingHub article-extraction benchmark in
../shared/extraction-benchmark/ (181 real article pages with gold text), as that benchmark
scores it: both texts tokenised with ``\\w+``, 4-word shingles counted, per page TP/FP/FN
normalised to sum to 1; precision and recall are means over pages, F1 their harmonic mean.
Reports feedsearch's HTML reader and, in the same run, plain trafilatura (``extract`` with
its defaults) without our cleaning. Skips with a message when the data set is absent.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import table, write_section  # noqa: E402

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "extraction-benchmark"
TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str) -> Counter:
    words = TOKEN.findall(text or "")
    return Counter(tuple(words[i:i + 4]) for i in range(max(0, len(words) - 3)))


def page_scores(extracted: str, gold: str) -> tuple[float | None, float | None]:
    got, want = shingles(extracted), shingles(gold)
    tp = sum((got & want).values())
    fp = sum(got.values()) - tp
    fn = sum(want.values()) - tp
    total = tp + fp + fn
    if total == 0:
        return 1.0, 1.0
    tp, fp, fn = tp / total, fp / total, fn / total
    precision = tp / (tp + fp) if tp + fp > 0 else None
    recall = tp / (tp + fn) if tp + fn > 0 else None
    return precision, recall


def evaluate(extract, pages) -> dict[str, float]:
    precisions, recalls = [], []
    started = time.perf_counter()
    for html_bytes, gold in pages:
        precision, recall = page_scores(extract(html_bytes), gold)
        if precision is not None:
            precisions.append(precision)
        if recall is not None:
            recalls.append(recall)
    seconds = time.perf_counter() - started
    p = sum(precisions) / len(precisions)
    r = sum(recalls) / len(recalls)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r),
            "pages_per_second": len(pages) / seconds}


def feedsearch_extract(html_bytes: bytes) -> str:
    from feedsearch.readers import ReadError, reader_for

    try:
        return reader_for("page.html").read(html_bytes, "page.html").text
    except ReadError:
        return ""


def trafilatura_extract(html_bytes: bytes) -> str:
    import trafilatura

    return trafilatura.extract(html_bytes) or ""


def load_pages() -> list[tuple[bytes, str]]:
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id, entry in sorted(truth.items()):
        path = DATA / "html" / f"{page_id}.html.gz"
        if path.exists():
            pages.append((gzip.decompress(path.read_bytes()), entry["articleBody"]))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if not (DATA / "ground-truth.json").exists():
        print(f"skipped: no benchmark data at {DATA}")
        return
    pages = load_pages()
    rows = []
    for name, extract in (("feedsearch HTML reader", feedsearch_extract),
                          ("trafilatura, plain", trafilatura_extract)):
        result = evaluate(extract, pages)
        rows.append([name, len(pages), f"{result['f1']:.3f}", f"{result['precision']:.3f}",
                     f"{result['recall']:.3f}", f"{result['pages_per_second']:.1f}"])
    text = table(["extractor", "pages", "F1", "precision", "recall", "pages/s (1 core)"], rows)
    print(text)
    if not args.no_write:
        write_section("extraction", "## Main-text extraction (bench/extraction.py)\n\n"
                      + __doc__.split("\n\n", 1)[1].strip() + "\n\n" + text)


if __name__ == "__main__":
    main()
