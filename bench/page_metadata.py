"""Published date and author of real article pages: ``python bench/page_metadata.py``.

Scores feedsearch's HTML reader against trafilatura's own metadata (``extract_metadata``,
whose date comes from htmldate, as ``bare_extraction(with_metadata=True)`` gets it) on saved
article and blog pages whose date and author are known, in one run. Per system and over the
pages with a gold value: date found (any date), date correct (the same calendar day as the
gold, in the time zone the page gives it in; "within a day" also takes the day before or
after, which a UTC timestamp of an evening's post gives), "correct of found" (correct among
the pages given a date), and the same for authors. An author is correct when a gold name and
an extracted name match: each author string is split into names at ``;`` ``,`` ``&`` ``/``
and the words "and"/"und", a name is its ``\\w+`` words in lower case, and two names match
when the words of one occur, in order, among the other's ("Daniel Lemire" matches "Lemire",
"Daniel J. Lemire" and "Posted by Daniel Lemire"). Our reader reads each page as
``page.html`` (no date in the file name); a page it refuses (no body, no title) finds
nothing. ms/page is our whole read (body included) and trafilatura's ``extract_metadata``
alone. Body F1 of both on the ScrapingHub set is bench/extraction.py's, in the same table
(``--no-body`` leaves it out).

The data: the evaluation sets of htmldate and trafilatura, by their author and by the Data
Culture Group (Northeastern), mostly German and English news and blog pages. Both tools have
been tuned on these pages, so trafilatura's scores here are better than it would get on pages
it has never seen; our misses where it is right are still real misses. Pages and gold are
made from clones of github.com/adbar/htmldate and github.com/adbar/trafilatura (each
option takes the clone's git directory, bare or ``.git``):

    python bench/page_metadata.py --make-data OUT \\
        --htmldate-git htmldate.git --trafilatura-git trafilatura.git

which takes adbar/htmldate at b8952828329abaeeb3be21387b526f2be614ce67 (gold dates:
tests/eval_default.json and tests/eval_mediacloud_2020.json, pages in tests/test_set,
tests/cache, tests/eval) and adbar/trafilatura at e90b0ef51ab026fdb905fb6c5b3c84dd3d784fd5
(gold dates and authors: tests/evaldata.json, pages in tests/cache, tests/eval), writes the
pages under OUT/pages/{htmldate,trafilatura}/tests/... as the repositories have them, and
OUT/gold.json: {path under OUT/pages: {"date": "YYYY-MM-DD" | null, "author": "A; B" | null,
"url", "source"}}. A page in both sets (the same URL, or the same bytes) is kept once, as the
trafilatura copy; where the two sets give it different dates its date is left out
("disputed"). Dates such as "2022-11-1" are written out in full; an empty or missing value
is null (not scored). At those commits that gives 1148 pages, 1091 with a date, 538 with an
author, 14 dates disputed. The pages stay out of this repository. Then:

    python bench/page_metadata.py --pages OUT/pages --gold OUT/gold.json

``--failures FILE`` writes every page where one system is right and the other not, as JSON
lines; ``--record`` writes the table to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
import time
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import table, write_section  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "page-metadata"
HTMLDATE_COMMIT = "b8952828329abaeeb3be21387b526f2be614ce67"
TRAFILATURA_COMMIT = "e90b0ef51ab026fdb905fb6c5b3c84dd3d784fd5"
_NAME_SPLIT = re.compile(r"[;,&/]|\band\b|\bund\b", re.I)
_WORD = re.compile(r"\w+")
_LOOSE_DATE = re.compile(r"^\s*(\d{4})\D(\d{1,2})\D(\d{1,2})\s*$")


# --- scoring rules ---------------------------------------------------------------------

def names(authors: str | list[str] | None) -> list[tuple[str, ...]]:
    """Author string(s) -> names, each as its lower-cased words."""
    if not authors:
        return []
    strings = [authors] if isinstance(authors, str) else authors
    found = []
    for text in strings:
        for part in _NAME_SPLIT.split(text):
            words = tuple(_WORD.findall(part.casefold()))
            if words:
                found.append(words)
    return found


def _within(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    words = iter(long)
    return all(word in words for word in short)  # each found after the one before


def author_matches(gold: str, extracted: str | list[str] | None) -> bool:
    """Some gold name and some extracted name, one's words in order among the other's."""
    return any(_within(a, b) or _within(b, a)
               for a in names(gold) for b in names(extracted))


def day(value: object) -> date | None:
    """A system's date as a calendar day: a datetime keeps its own offset's day."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _LOOSE_DATE.match(str(value)) or _LOOSE_DATE.match(str(value)[:10])
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


# --- the two systems ---------------------------------------------------------------------

@dataclass
class Found:
    date: date | None = None
    authors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""


def feedsearch_meta(html_bytes: bytes) -> Found:
    from feedsearch.readers import ReadError, reader_for

    started = time.perf_counter()
    try:
        with warnings.catch_warnings():  # dateutil's about zone names it does not know
            warnings.simplefilter("ignore")
            document = reader_for("page.html").read(html_bytes, "page.html")
    except ReadError as exc:
        return Found(seconds=time.perf_counter() - started, error=str(exc))
    return Found(day(document.date), list(document.authors), time.perf_counter() - started)


def trafilatura_meta(html_bytes: bytes) -> Found:
    """trafilatura's metadata alone: the page parsed by its load_html, then extract_metadata
    with its defaults (htmldate, extensive search, original date), as bare_extraction runs it;
    the time is extract_metadata's alone."""
    import trafilatura

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tree = trafilatura.load_html(html_bytes)
        if tree is None:
            return Found(error="load_html found no page")
        started = time.perf_counter()
        meta = trafilatura.extract_metadata(tree)
        seconds = time.perf_counter() - started
    authors = [a.strip() for a in (meta.author or "").split(";") if a.strip()]
    return Found(day(meta.date), authors, seconds)


SYSTEMS = (("feedsearch HTML reader", feedsearch_meta),
           ("trafilatura extract_metadata", trafilatura_meta))


# --- the run -------------------------------------------------------------------------------

def score(pages: Path, gold: dict) -> tuple[dict, list[dict]]:
    """Per system: counts and times; and one record per page with what each found."""
    counts = {name: {"date_found": 0, "date_correct": 0, "date_near": 0, "author_found": 0,
                     "author_correct": 0, "seconds": 0.0, "refused": 0}
              for name, _ in SYSTEMS}
    records = []
    for key, want in sorted(gold.items()):
        path = pages / key
        if not path.is_file():
            continue
        data = path.read_bytes()
        record = {"page": key, "url": want.get("url"), "gold_date": want.get("date"),
                  "gold_author": want.get("author")}
        for name, run in SYSTEMS:
            try:
                found = run(data)
            except Exception as exc:  # noqa: BLE001 - a crash is a miss, and is shown
                found = Found(error=f"{type(exc).__name__}: {exc}")
            tally = counts[name]
            tally["seconds"] += found.seconds
            tally["refused"] += bool(found.error)
            gold_day = day(want.get("date"))
            date_ok = author_ok = None
            if gold_day is not None:
                date_ok = found.date == gold_day
                tally["date_found"] += found.date is not None
                tally["date_correct"] += date_ok
                tally["date_near"] += found.date is not None and \
                    abs((found.date - gold_day).days) <= 1
            if want.get("author"):
                author_ok = author_matches(want["author"], found.authors)
                tally["author_found"] += bool(found.authors)
                tally["author_correct"] += author_ok
            record[name] = {"date": found.date.isoformat() if found.date else None,
                            "authors": found.authors, "date_ok": date_ok,
                            "author_ok": author_ok, "error": found.error}
        records.append(record)
    return counts, records


def body_f1() -> dict[str, tuple[int, float]] | None:
    """bench/extraction.py's body F1 on the ScrapingHub set, for both systems."""
    from extraction import DATA, evaluate, feedsearch_extract, load_pages, trafilatura_extract

    if not (DATA / "ground-truth.json").exists():
        return None
    bodies = load_pages()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = evaluate(feedsearch_extract, bodies)["f1"]
        plain = evaluate(trafilatura_extract, bodies)["f1"]
    return {SYSTEMS[0][0]: (len(bodies), ours), SYSTEMS[1][0]: (len(bodies), plain)}


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def report(counts: dict, records: list[dict], bodies: dict | None) -> str:
    n_pages = len(records)
    n_date = sum(day(r["gold_date"]) is not None for r in records)
    n_author = sum(bool(r["gold_author"]) for r in records)
    headers = ["system", f"date found (n={n_date})", "date correct", "within a day",
               "correct of found", f"author found (n={n_author})", "author correct",
               "correct of found", "refused pages", f"ms/page (n={n_pages})"]
    if bodies:
        headers.append(f"body F1 (ScrapingHub, n={next(iter(bodies.values()))[0]})")
    rows = []
    for name, _ in SYSTEMS:
        c = counts[name]
        row = [name, percent(c["date_found"], n_date), percent(c["date_correct"], n_date),
               percent(c["date_near"], n_date), percent(c["date_correct"], c["date_found"]),
               percent(c["author_found"], n_author), percent(c["author_correct"], n_author),
               percent(c["author_correct"], c["author_found"]), c["refused"],
               f"{1000 * c['seconds'] / max(n_pages, 1):.1f}"]
        if bodies:
            row.append(f"{bodies[name][1]:.3f}")
        rows.append(row)
    return table(headers, rows)


def write_failures(path: Path, records: list[dict]) -> None:
    """Pages where exactly one of the two systems is right, one JSON object a line."""
    ours, theirs = (name for name, _ in SYSTEMS)
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            for what in ("date", "author"):
                a, b = record[ours][f"{what}_ok"], record[theirs][f"{what}_ok"]
                if a is None or a == b:
                    continue
                out.write(json.dumps({
                    "field": what, "page": record["page"], "url": record["url"],
                    "gold": record[f"gold_{what}"],
                    "ours": record[ours]["date" if what == "date" else "authors"],
                    "theirs": record[theirs]["date" if what == "date" else "authors"],
                    "winner": "ours" if a else "theirs",
                    "ours_error": record[ours]["error"]}, ensure_ascii=False) + "\n")


# --- making the data set -------------------------------------------------------------------

def _git_tests(git_dir: str, commit: str, out: Path, subdirs: tuple[str, ...]) -> None:
    """Extract the pages and gold files of ``commit``'s tests/ into ``out``."""
    archive = subprocess.run(["git", "--git-dir", git_dir, "archive", "--format=tar", commit,
                              "tests"], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            parts = member.name.split("/")
            wanted = (len(parts) == 3 and parts[1] in subdirs and member.isfile()) or \
                (len(parts) == 2 and parts[1].endswith(".json"))
            if wanted:
                target = out / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(tar.extractfile(member).read())


def _gold_date(value: object) -> str | None:
    if not isinstance(value, str):  # also the NaN some entries have
        return None
    found = day(value)
    return found.isoformat() if found else None


def _gold_author(value: object) -> str | None:
    if isinstance(value, list):
        value = "; ".join(str(v).strip() for v in value if str(v).strip())
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def make_data(out: Path, htmldate_git: str, trafilatura_git: str, htmldate_commit: str,
              trafilatura_commit: str) -> dict:
    pages = out / "pages"
    _git_tests(htmldate_git, htmldate_commit, pages / "htmldate", ("test_set", "cache", "eval"))
    _git_tests(trafilatura_git, trafilatura_commit, pages / "trafilatura", ("cache", "eval"))

    def located(repo: str, subdirs: tuple[str, ...], name: str) -> str | None:
        for subdir in subdirs:
            if (pages / repo / "tests" / subdir / name).is_file():
                return f"{repo}/tests/{subdir}/{name}"
        return None

    def digest(key: str) -> str:
        return hashlib.sha256((pages / key).read_bytes()).hexdigest()

    gold: dict[str, dict] = {}
    by_content: dict[str, str] = {}  # a page's URL, and its bytes' digest -> its key
    evaldata = json.loads((pages / "trafilatura/tests/evaldata.json").read_text("utf-8"))
    for url, item in evaldata.items():
        key = located("trafilatura", ("cache", "eval"), item.get("file", ""))
        entry = {"date": _gold_date(item.get("date")), "author": _gold_author(item.get("author")),
                 "url": url, "source": f"adbar/trafilatura@{trafilatura_commit[:12]} "
                                       "tests/evaldata.json"}
        if key and (entry["date"] or entry["author"]):
            gold[key] = entry
            by_content[digest(key)] = by_content[url.rstrip("/")] = key
    for name in ("eval_default.json", "eval_mediacloud_2020.json"):
        listed = json.loads((pages / "htmldate/tests" / name).read_text("utf-8"))
        for url, item in listed.items():
            key = located("htmldate", ("test_set", "cache", "eval"), item.get("file", ""))
            when = _gold_date(item.get("date"))
            if not key or not when:
                continue
            same = by_content.get(url.rstrip("/")) or by_content.get(digest(key))
            if same is None:
                gold[key] = {"date": when, "author": None, "url": url,
                             "source": f"adbar/htmldate@{htmldate_commit[:12]} tests/{name}"}
            elif gold[same]["date"] is None and "disputed" not in gold[same]:
                gold[same]["date"] = when
                gold[same]["source"] += f" + htmldate tests/{name}"
            elif gold[same]["date"] not in (None, when):
                gold[same]["disputed"] = [gold[same]["date"], when]
                gold[same]["date"] = None
    gold = {key: entry for key, entry in gold.items() if entry["date"] or entry["author"]}
    (out / "gold.json").write_text(json.dumps(gold, indent=1, ensure_ascii=False, sort_keys=True),
                                   encoding="utf-8")
    return gold


# --- main ----------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=SHARED / "pages")
    parser.add_argument("--gold", type=Path, default=SHARED / "gold.json")
    parser.add_argument("--no-body", action="store_true",
                        help="leave out body F1 on the ScrapingHub set")
    parser.add_argument("--failures", type=Path, help="write disagreements here (JSON lines)")
    parser.add_argument("--record", action="store_true", help="write to docs/benchmarks.md")
    parser.add_argument("--make-data", type=Path, metavar="OUT",
                        help="make OUT/pages and OUT/gold.json from the two git snapshots")
    parser.add_argument("--htmldate-git")
    parser.add_argument("--trafilatura-git")
    parser.add_argument("--htmldate-commit", default=HTMLDATE_COMMIT)
    parser.add_argument("--trafilatura-commit", default=TRAFILATURA_COMMIT)
    args = parser.parse_args()
    if args.make_data:
        if not (args.htmldate_git and args.trafilatura_git):
            parser.error("--make-data needs --htmldate-git and --trafilatura-git")
        gold = make_data(args.make_data, args.htmldate_git, args.trafilatura_git,
                         args.htmldate_commit, args.trafilatura_commit)
        print(f"{len(gold)} pages: {sum(bool(g['date']) for g in gold.values())} with a date, "
              f"{sum(bool(g['author']) for g in gold.values())} with an author, "
              f"{sum('disputed' in g for g in gold.values())} dates left out as disputed; "
              f"{args.make_data / 'gold.json'}")
        return
    if not args.gold.exists() or not args.pages.is_dir():
        print(f"skipped: no pages at {args.pages} or no gold at {args.gold} "
              "(see this script's docstring to make them)")
        return
    gold = json.loads(args.gold.read_text(encoding="utf-8"))
    counts, records = score(args.pages, gold)
    bodies = None if args.no_body else body_f1()
    text = report(counts, records, bodies)
    print(text)
    if args.failures:
        write_failures(args.failures, records)
    if args.record:
        write_section("page-metadata", "## Page date and author (bench/page_metadata.py)\n\n"
                      + __doc__.split("\n\n", 1)[1].split("\n\nThe data:")[0].strip()
                      + f"\n\n{len(records)} pages from the htmldate and trafilatura evaluation "
                      "sets, on which both tools were tuned.\n\n" + text)


if __name__ == "__main__":
    main()
