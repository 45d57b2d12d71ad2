"""Related-posts quality and speed: ``python bench/related_quality.py [--real NAME=DIR]``.

For corpus/, a generated archive (bench/synth.py: 60 topics, tags drawn from each topic's
pool, a third of the essays untagged) and any real archives given with ``--real`` (a folder
of a published blog's posts, read in place; essays without a date, such as a folder's
README or index page, are left out), in one run:

- (a) feedsearch with the tags hidden from it (text only);
- (b) plain TF-IDF cosine: raw term frequency, title counted once, no pruning;
- (c) Hugo-like tag overlap: essays sharing at least one tag, most shared tags first, newer
  first on ties (Hugo's related content with a tags index);
- (d) feedsearch as built: text, tags weighted by rarity, a list for every essay.

Measures: precision@5 that a listed essay shares a tag with the essay (over essays that have
tags; an empty slot counts as a miss), for the generated archive also precision@5 that it
is on the same topic (the generator's ground truth, over all essays), and coverage (share
of essays with a non-empty list). Judged against the tags a method sees, (c) is the ceiling
of "shares a tag" by construction: it fills a list with tag-sharing essays whenever any
exist, and where fewer than five exist no other essay could count. So (c) and (d) are also
run seeing only half of the tags (each tag kept with probability 1/2, seeded) and judged
against all of them: tags held out, as in real archives, where tagging is partial. For
(a) against (b), the essays where (a) lists more tag-sharing essays than (b), fewer, or as
many. Timing: the related map for 1,000 and 10,000 essays.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import table, write_section  # noqa: E402
from synth import generate  # noqa: E402

from feedsearch import store  # noqa: E402
from feedsearch.build import BuildOptions, build  # noqa: E402
from feedsearch.related import RelatedOptions, related_map  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
K = 5


def hugo_like(documents) -> dict[str, list[dict]]:
    by_tag: dict[str, set[str]] = {}
    for d in documents:
        for tag in d.tags:
            by_tag.setdefault(tag.casefold(), set()).add(d.slug)
    dates = {d.slug: d.date.timestamp() if d.date else 0 for d in documents}
    result = {}
    for d in documents:
        shared: dict[str, int] = {}
        for tag in {t.casefold() for t in d.tags}:
            for other in by_tag[tag]:
                if other != d.slug:
                    shared[other] = shared.get(other, 0) + 1
        ranked = sorted(shared, key=lambda s: (-shared[s], -dates[s], s))[:K]
        result[d.slug] = [{"slug": s} for s in ranked]
    return result


def measure(documents, related, topics=None) -> list[str]:
    tagged = [d.slug for d in documents if d.tags]
    hits = sum(hits_per_essay(documents, related))
    covered = sum(1 for d in documents if related.get(d.slug))
    row = [f"{hits / (K * len(tagged)):.3f}" if tagged else "-"]
    if topics is not None:
        same = sum(1 for d in documents for e in related[d.slug][:K]
                   if topics[e["slug"]] == topics[d.slug])
        row.append(f"{same / (K * len(documents)):.3f}")
    else:
        row.append("-")
    row.append(f"{covered / len(documents):.1%}")
    return row


METHODS = {
    "(a) feedsearch, tags hidden": RelatedOptions(use_tags=False),
    "(b) plain TF-IDF cosine": RelatedOptions(use_tags=False, plain_tfidf=True,
                                              text_weight=1.0, min_score=1e-9),
    "(c) Hugo-like tag overlap": None,
    "(d) feedsearch": RelatedOptions(),
}


def half_tagged(documents, seed: int = 3):
    rng = random.Random(seed)
    return [replace(d, tags=[t for t in d.tags if rng.random() < 0.5]) for d in documents]


def hits_per_essay(documents, related) -> list[int]:
    tags = {d.slug: {t.casefold() for t in d.tags} for d in documents}
    return [sum(1 for e in related[d.slug][:K] if tags[d.slug] & tags[e["slug"]])
            for d in documents if tags[d.slug]]


def paired(name: str, documents, maps: dict[str, dict]) -> list[str]:
    """Essay by essay, (a) against (b) (``maps`` by method, from :func:`evaluate`): more
    tag-sharing essays listed, fewer, as many."""
    ours, plain = (hits_per_essay(documents, maps[method])
                   for method in ("(a) feedsearch, tags hidden", "(b) plain TF-IDF cosine"))
    pairs = list(zip(ours, plain, strict=True))
    return [name, str(sum(a > b for a, b in pairs)), str(sum(a < b for a, b in pairs)),
            str(sum(a == b for a, b in pairs)), f"{sum(ours) - sum(plain):+d}"]


def evaluate(name: str, documents, topics=None) -> tuple[list[list[str]], dict[str, dict]]:
    """Table rows for every method, and the maps each made, by method."""
    rows, maps = [], {}
    partial = half_tagged(documents)
    runs = [(method, options, documents) for method, options in METHODS.items()]
    runs += [(f"{method}, half the tags", options, partial) for method, options
             in METHODS.items() if method.startswith(("(c)", "(d)"))]
    for method, options, seen in runs:
        started = time.perf_counter()
        related = hugo_like(seen) if options is None else related_map(seen, options)
        seconds = time.perf_counter() - started
        maps[method] = related
        rows.append([name, len(documents), method, *measure(documents, related, topics),
                     f"{seconds:.2f}"])
    return rows, maps


def build_archive(source: Path, work: Path):
    options = BuildOptions(source, work / "out", work / "index")
    build(options)
    return list(store.iter_documents(options.index))


def real_archive(spec: str, work: Path) -> tuple[str, list]:
    name, _, folder = spec.partition("=")
    if not folder or not Path(folder).is_dir():
        raise SystemExit(f"--real {spec}: give NAME=FOLDER, a folder of a blog's posts")
    documents = build_archive(Path(folder), work / f"real-{name}")
    return name, [d for d in documents if d.date is not None]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=2000)
    parser.add_argument("--timing", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--archive", type=Path,
                        help="a generated archive to reuse (its essays/ and topics.json)")
    parser.add_argument("--real", action="append", default=[], metavar="NAME=DIR",
                        help="a real blog's posts, read in place (repeatable)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    import json

    rows = []
    pairs = []
    timing_rows = []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        corpus = build_archive(ROOT / "corpus", work / "corpus")
        for name, documents in [("corpus/", corpus)] + [real_archive(spec, work)
                                                        for spec in args.real]:
            table_rows, maps = evaluate(name, documents)
            rows += table_rows
            pairs.append(paired(name, documents, maps))
        archive = args.archive
        if archive is None:
            generate(max([args.synthetic, *args.timing]), work / "synthetic")
            archive = work / "synthetic"
        topics = json.loads((archive / "topics.json").read_text())
        if (archive / "index" / "documents.sqlite").exists():  # built by search_speed.py
            everything = list(store.iter_documents(archive / "index"))
        else:
            everything = build_archive(archive / "essays", work / "built")
        sample = sorted(everything, key=lambda d: d.slug)[: args.synthetic]
        name = f"generated ({len(sample)})"
        table_rows, maps = evaluate(name, sample, topics)
        rows += table_rows
        pairs.append(paired(name, sample, maps))
        for count in args.timing:
            subset = sorted(everything, key=lambda d: d.slug)[:count]
            started = time.perf_counter()
            related_map(subset)
            timing_rows.append([f"{len(subset):,}", f"{time.perf_counter() - started:.1f} s"])
    quality = table(["archive", "essays", "method", "P@5 shares a tag", "P@5 same topic",
                     "coverage", "seconds"], rows)
    against = table(["archive", "(a) lists more", "(a) lists fewer", "as many",
                     "tag-sharing essays listed, (a) - (b)"], pairs)
    timing = table(["essays", "related map (d)"], timing_rows)
    print(quality + "\n\n" + against + "\n\n" + timing)
    if not args.no_write:
        write_section("related", "## Related posts (bench/related_quality.py)\n\n"
                      + __doc__.split("\n\n", 1)[1].strip() + "\n\n" + quality + "\n\n"
                      + against + "\n\n" + timing)


if __name__ == "__main__":
    main()
