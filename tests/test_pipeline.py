"""Parsing in worker processes: results come back in file order, and a build is the same
whatever the number of workers, down to its counted terms."""

from __future__ import annotations

import random
from functools import partial
from pathlib import Path

import pytest

from feedsearch import related_store
from feedsearch.build import BuildOptions, build
from feedsearch.model import Document
from feedsearch.pipeline import POOL_AFTER, Pending, run_jobs
from feedsearch.readers import ReadError

WORDS = ("heron river dusk lantern harbour orchard ledger kettle quarrel mending "
         "patience grief apology garden winter letter silence courage bread ferry").split()


def make_job(number: int) -> Document:
    if number % 7 == 3:
        raise ReadError(f"job {number} fails")
    return Document(slug=f"essay-{number}", title=f"Essay {number}", source=f"{number}.md",
                    text=" ".join(WORDS[: number % len(WORDS) + 1]))


@pytest.mark.parametrize("workers", [0, 2])
def test_jobs_come_back_in_order(workers: int) -> None:
    count = POOL_AFTER * 3  # past the point where the pool starts
    items = [Pending(f"{n}.md", job=partial(make_job, n)) for n in range(count)]
    results = list(run_jobs(items, workers))
    assert [item.source for item in results] == [f"{n}.md" for n in range(count)]
    for number, item in enumerate(results):
        if number % 7 == 3:
            assert (item.document, item.error) == (None, f"job {number} fails")
        else:
            assert item.document.slug == f"essay-{number}"


def write_archive(root: Path, count: int) -> None:
    rng = random.Random(11)
    root.mkdir()
    for number in range(count):
        tags = ", ".join(rng.sample(["grief", "work", "rest", "family"], 2))
        body = "\n\n".join(" ".join(rng.choices(WORDS, k=40)) for _ in range(3))
        (root / f"essay-{number:03}.md").write_text(
            f"---\ntitle: {rng.choice(WORDS).title()} and {rng.choice(WORDS)}\n"
            f"date: 2024-{number % 12 + 1:02}-{number % 27 + 1:02}\ntags: [{tags}]\n---\n\n"
            f"{body}\n", encoding="utf-8")
    (root / "broken.md").write_bytes(b"---\ntitle: [unclosed\n---\n\nBody.\n")


def outputs(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def stored_terms(index_dir: Path) -> dict[str, dict[str, int]]:
    cache = related_store.load_term_counts(index_dir)
    return {digest: {cache.vocabulary[i]: int(c) for i, c in zip(ids, counts, strict=True)}
            for digest, (ids, counts) in cache.items()}


def test_a_build_is_the_same_whatever_the_number_of_workers(tmp_path: Path) -> None:
    archive = tmp_path / "essays"
    write_archive(archive, POOL_AFTER * 3)
    built = {}
    for workers in (0, 2):
        options = BuildOptions(archive, tmp_path / f"out{workers}", tmp_path / f"index{workers}",
                               base_url="https://example.org/", workers=workers)
        report = build(options)
        assert report.documents == POOL_AFTER * 3
        assert [w.source for w in report.warnings] == ["broken.md"]
        built[workers] = (outputs(options.out), stored_terms(options.index))
    assert built[0][0] == built[2][0]
    assert built[0][1] == built[2][1]
    assert len(built[0][1]) == POOL_AFTER * 3
    assert b'"score"' in built[0][0]["related.json"]
