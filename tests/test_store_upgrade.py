"""A store written by an earlier version (another table layout) is rebuilt, not a crash."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from feedsearch import related_store, store
from feedsearch.build import BuildOptions, build


def test_a_store_from_an_older_format_is_replaced(tmp_path: Path) -> None:
    archive = tmp_path / "essays"
    archive.mkdir()
    (archive / "one.md").write_text("---\ntitle: One\ndate: 2024-01-02\n---\n\nHerons at dusk.\n",
                                    encoding="utf-8")
    index = tmp_path / "index"
    index.mkdir()
    with sqlite3.connect(store.store_path(index)) as db:  # the layout of format 8
        db.executescript(
            "CREATE TABLE documents (source TEXT PRIMARY KEY, slug TEXT NOT NULL, "
            "hash TEXT NOT NULL, data TEXT NOT NULL);"
            "CREATE TABLE term_counts (hash TEXT PRIMARY KEY, data TEXT NOT NULL);"
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "INSERT INTO meta VALUES ('fingerprint', 'an older version');")
    options = BuildOptions(archive, tmp_path / "out", index, base_url="https://example.org/")
    report = build(options)
    assert report.added == 1
    assert len(related_store.load_term_counts(index)) == 1
    assert related_store.load_related_state(index) is not None
    assert build(options).unchanged == 1
