"""Related-posts quality on real blogs, and the map's speed: ``python bench/related_quality.py
[--devsets DIR] [--real NAME=DIR] [--timing 1000,10000] [--archive DIR]``.

Each real blog (every blog in ``../shared/devsets``: its posts and labels.json, the tags
its writers gave; and any ``--real NAME=DIR``, the same layout or a plain folder of a
blog's posts, whose dated posts are judged by the tags feedsearch reads in them) is built
once by ``feedsearch.build`` and scored in one run against the blog's own tags, as
``../shared/devsets/score.py`` scores it:

- P@5: for each tagged post, the share of its first five related posts that share a tag
  with it (an empty slot is a miss), averaged over tagged posts;
- feedsearch, text only: the map made with every essay's tags emptied (what a blog
  without tags gets);
- plain TF-IDF cosine, text only: score.py's baseline over the same posts (title three
  times and the Markdown body, sublinear tf, min_df 2, max_df 50%);
- feedsearch with tags, beside the best the tags allow (each post's min(5, posts sharing a
  tag with it) / 5: no list can do better) and Hugo-like tag overlap (posts sharing the
  most tags, newer first: Hugo's related content with a tags index, every post given a
  list where any post shares a tag);
- noise: the 95% interval of text only minus TF-IDF, from 2,000 bootstrap resamples of the
  tagged posts (paired: the same posts for both), so that a difference inside it is not
  one;
- coverage: the share of posts with a list.

Scale: the related map of the first ``--timing`` essays of a generated archive
(bench/synth.py, or ``--archive``, an archive built before, such as bench/large.py's),
in-process, from term counts made as a build makes them while it reads (counting is not
timed: a build does it per essay as it reads), with the vectors, the neighbours and the
lists timed apart. Each size is run both ways the neighbours can be found (exact, and
from candidates: related_neighbours.py; exact only up to 20,000 essays), with how many
lists and entries the candidates give the same as the exact search, and same-topic P@5
(the generator's ground truth) for each.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import table, write_section  # noqa: E402
from synth import generate  # noqa: E402

from feedsearch import store  # noqa: E402
from feedsearch.analysis import TermCache  # noqa: E402
from feedsearch.build import BuildOptions, build  # noqa: E402
from feedsearch.related import RelatedOptions, prepare, related_map  # noqa: E402
from feedsearch.related_lists import lists_for  # noqa: E402
from feedsearch.related_neighbours import neighbours_of  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEVSETS = ROOT.parent / "shared" / "devsets"
K = 5
RESAMPLES = 2_000
EXACT_UP_TO = 20_000  # the exact search is timed up to this size (at 100,000: 80 s)


def scorer(devsets: Path):
    """score.py, read as a module: its devset loader, its TF-IDF baseline and its body."""
    spec = importlib.util.spec_from_file_location("devset_score", devsets / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no score.py in {devsets}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def hits(related: dict[str, list[str]], labels: dict[str, dict]) -> dict[str, int]:
    """Tagged post -> how many of its first five related posts share a tag with it."""
    result = {}
    for path, label in labels.items():
        tags = set(label["tags"])
        if tags:
            result[path] = sum(1 for other in related.get(path, [])[:K]
                               if tags & set(labels.get(other, {}).get("tags", ())))
    return result


def precision(counts: dict[str, int]) -> float:
    return sum(counts.values()) / (K * len(counts)) if counts else float("nan")


def best_allowed(labels: dict[str, dict]) -> dict[str, int]:
    by_tag: dict[str, set[str]] = {}
    for path, label in labels.items():
        for tag in label["tags"]:
            by_tag.setdefault(tag, set()).add(path)
    return {path: min(K, len(set().union(*(by_tag[t] for t in label["tags"])) - {path}))
            for path, label in labels.items() if label["tags"]}


def hugo_like(labels: dict[str, dict], dates: dict[str, float]) -> dict[str, list[str]]:
    by_tag: dict[str, set[str]] = {}
    for path, label in labels.items():
        for tag in label["tags"]:
            by_tag.setdefault(tag, set()).add(path)
    result = {}
    for path, label in labels.items():
        shared: dict[str, int] = {}
        for tag in label["tags"]:
            for other in by_tag[tag] - {path}:
                shared[other] = shared.get(other, 0) + 1
        result[path] = sorted(shared, key=lambda o: (-shared[o], -dates.get(o, 0), o))[:K]
    return result


def interval(ours: dict[str, int], theirs: dict[str, int], seed: int = 7) -> str:
    """The 95% bootstrap interval of P@5(ours) - P@5(theirs) over the same posts."""
    posts = sorted(ours)
    differences = np.array([ours[p] - theirs.get(p, 0) for p in posts], dtype=float) / K
    rng = np.random.default_rng(seed)
    means = differences[rng.integers(0, len(posts), (RESAMPLES, len(posts)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return f"{differences.mean():+.3f} ({low:+.3f} to {high:+.3f})"


def by_source(documents, related: dict[str, list[dict]]) -> dict[str, list[str]]:
    source = {d.slug: d.source for d in documents}
    return {source[slug]: [source[e["slug"]] for e in entries]
            for slug, entries in related.items()}


def blog(name: str, root: Path, score, work: Path) -> tuple[list[str], list[str]]:
    """One blog's row in the quality table and in the table of differences. ``root`` is a
    devset (posts/ and labels.json) or a plain folder of posts, whose dated posts are
    judged by the tags feedsearch reads in them."""
    devset = score.load_devset(root) if (root / "labels.json").exists() else None
    posts = devset.posts if devset is not None else root
    build(BuildOptions(posts, work / name / "out", work / name / "index"))
    documents = list(store.iter_documents(work / name / "index"))
    if devset is not None:
        labels = devset.labels
    else:
        documents = [d for d in documents if d.date is not None]
        labels = {d.source: {"title": d.title, "tags": sorted({t.casefold() for t in d.tags})}
                  for d in documents}
    documents = [d for d in documents if d.source in labels]
    started = time.perf_counter()
    with_tags = by_source(documents, related_map(documents, RelatedOptions()))
    seconds = time.perf_counter() - started
    untagged = [dataclasses.replace(d, tags=[]) for d in documents]
    text_only = by_source(untagged, related_map(untagged, RelatedOptions()))
    texts = {p: (posts / p).read_text(encoding="utf-8", errors="replace") for p in labels}
    titles = {p: v["title"] for p, v in labels.items()}
    tfidf = score.tfidf_related({p: f"{titles[p]} {titles[p]} {titles[p]} "
                                    f"{score.body_of(texts[p])}" for p in labels})
    dates = {d.source: d.date.timestamp() if d.date else 0 for d in documents}
    ours, plain = hits(text_only, labels), hits(tfidf, labels)
    covered = sum(1 for p in labels if with_tags.get(p)) / len(labels)
    covered_text = sum(1 for p in labels if text_only.get(p)) / len(labels)
    row = [name, f"{len(labels)}", f"{precision(ours):.3f}", f"{precision(plain):.3f}",
           f"{precision(ours) - precision(plain):+.3f}",
           f"{precision(hits(with_tags, labels)):.3f}", f"{precision(best_allowed(labels)):.3f}",
           f"{precision(hits(hugo_like(labels, dates), labels)):.3f}",
           f"{covered_text:.0%} / {covered:.0%}", f"{seconds:.2f}"]
    return row, [name, interval(ours, plain)]


def timing(archive: Path | None, sizes: list[int], work: Path) -> list[list[str]]:
    """At each size, the map both ways (exact search and candidates): seconds by stage,
    how many lists are the same, and same-topic P@5 (the generator's ground truth)."""
    if archive is None:
        generate(max(sizes), work / "generated")
        archive = work / "generated"
    index = archive / "index"
    if not (index / "documents.sqlite").exists():
        build(BuildOptions(archive / "essays", archive / "out", index))
    topics = json.loads((archive / "topics.json").read_text())
    rows = []
    for size in sizes:
        cache, documents = TermCache(), []
        for document in itertools.islice(store.iter_documents(index), size):
            cache.count(document)
            documents.append(dataclasses.replace(document, html="", text="."))
        maps = {}
        for way, limit in (("exact", float("inf")), ("candidates", 0.0)):
            if way == "exact" and size > EXACT_UP_TO:
                continue
            options = RelatedOptions(exact_work=limit)
            started = time.perf_counter()
            prepared = prepare(documents, options, cache)
            prepared_at = time.perf_counter()
            prepared.neighbours = neighbours_of(prepared, np.arange(len(prepared.ordered)))
            neighbours_at = time.perf_counter()
            maps[way] = lists_for(prepared, range(len(prepared.ordered)))
            done = time.perf_counter()
            rows.append([f"{len(documents):,}", way, f"{prepared_at - started:.1f} s",
                         f"{neighbours_at - prepared_at:.1f} s",
                         f"{done - neighbours_at:.1f} s", f"{done - started:.1f} s",
                         f"{same_topic(maps[way], topics):.3f}",
                         agreement(maps[way], maps.get("exact"))])
    return rows


def same_topic(related: dict[str, list[dict]], topics: dict[str, int]) -> float:
    """P@5 that a listed essay is on the essay's topic."""
    hits = sum(1 for slug, entries in related.items() for e in entries[:K]
               if topics.get(e["slug"]) == topics.get(slug))
    return hits / (K * len(related)) if related else float("nan")


def agreement(related: dict[str, list[dict]], exact: dict[str, list[dict]] | None) -> str:
    """The share of lists the same as the exact search's (the same essays in the same
    order), and of their entries (the same essays)."""
    if exact is None or related is exact:
        return "-"
    same = sum(1 for slug in exact if [e["slug"] for e in related[slug]] ==
               [e["slug"] for e in exact[slug]]) / len(exact)
    shared = sum(len({e["slug"] for e in related[slug]} & {e["slug"] for e in exact[slug]})
                 for slug in exact)
    return f"{same:.1%} lists, {shared / max(1, sum(map(len, exact.values()))):.1%} entries"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devsets", type=Path, default=DEVSETS)
    parser.add_argument("--real", action="append", default=[], metavar="NAME=DIR",
                        help="another blog: a devset (posts/ and labels.json) or a folder "
                             "of its posts, judged by their own tags")
    parser.add_argument("--timing", default="1000,10000",
                        help="sizes of the generated archive to time the map at ('' for none)")
    parser.add_argument("--archive", type=Path,
                        help="a generated archive built before (essays/ and index/)")
    parser.add_argument("--no-blogs", action="store_true", help="the scale part only")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    score = None if args.no_blogs and not args.real else scorer(args.devsets)
    blogs = [] if args.no_blogs else \
        [(p.name, p) for p in sorted(args.devsets.iterdir()) if (p / "labels.json").exists()]
    for spec in args.real:
        name, _, folder = spec.partition("=")
        blogs.append((name, Path(folder)))
    sizes = [int(s) for s in args.timing.split(",") if s.strip()]
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        results = [blog(name, root, score, work) for name, root in blogs]
        times = timing(args.archive, sizes, work) if sizes else []
    quality = table(["blog", "posts", "P@5 text only", "TF-IDF", "difference",
                     "P@5 with tags", "best the tags allow", "Hugo-like tags",
                     "coverage (text only / with tags)", "map, seconds"],
                    [row for row, _ in results])
    noise = table(["blog", "text only - TF-IDF, 95% bootstrap interval"],
                  [row for _, row in results])
    speed = table(["essays", "neighbours by", "vectors", "neighbours", "lists", "related map",
                   "P@5 same topic", "same as exact"], times)
    print(quality + "\n\n" + noise + ("\n\n" + speed if times else ""))
    if not args.no_write:
        write_section("related", "## Related posts (bench/related_quality.py)\n\n"
                      + __doc__.split("\n\n", 1)[1].strip() + "\n\n" + quality + "\n\n"
                      + noise + ("\n\n" + speed if times else ""))


if __name__ == "__main__":
    main()
