"""The document store beside the Whoosh index: every Document as its reader made it.

Feeds, related posts and ``export`` read Documents from here, so a rebuild never parses an
unchanged file again and the search index stores only what search output needs. SQLite
gives one transaction per build: a build killed half-way leaves the previous state.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

from .model import Document

STORE_NAME = "documents.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    source TEXT PRIMARY KEY, slug TEXT NOT NULL, hash TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS documents_slug ON documents (slug);
CREATE TABLE IF NOT EXISTS related (slug TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS term_counts (hash TEXT PRIMARY KEY, data TEXT NOT NULL);
"""


def store_path(index_dir: Path) -> Path:
    return Path(index_dir) / STORE_NAME


def _connect(index_dir: Path, create: bool = False) -> sqlite3.Connection:
    path = store_path(index_dir)
    if not create and not path.exists():
        raise FileNotFoundError(path)
    connection = sqlite3.connect(path, timeout=30)
    if create:
        # Write-ahead logging: searches keep reading the last commit while a build writes.
        connection.execute("PRAGMA journal_mode=WAL")
        connection.executescript(_SCHEMA)
    return connection


def load_documents(index_dir: Path) -> dict[str, Document]:
    """Every stored Document by source path; empty when there is no store yet."""
    if not store_path(index_dir).exists():
        return {}
    with closing(_connect(index_dir)) as db:
        rows = db.execute("SELECT source, data FROM documents ORDER BY source").fetchall()
    return {source: Document.from_dict(json.loads(data)) for source, data in rows}


def iter_documents(index_dir: Path) -> Iterator[Document]:
    """Stored Documents one at a time, newest first (undated last), then by slug."""
    with closing(_connect(index_dir)) as db:
        rows = db.execute("SELECT data FROM documents").fetchall()
    documents = [Document.from_dict(json.loads(data)) for (data,) in rows]
    documents.sort(key=lambda d: d.slug)
    documents.sort(key=lambda d: d.date.timestamp() if d.date else float("-inf"), reverse=True)
    yield from documents


def get_document(index_dir: Path, slug: str) -> Document | None:
    with closing(_connect(index_dir)) as db:
        row = db.execute("SELECT data FROM documents WHERE slug = ?", (slug,)).fetchone()
    return Document.from_dict(json.loads(row[0])) if row else None


def get_texts(index_dir: Path, slugs: list[str]) -> dict[str, str]:
    """The plain text of a few documents, for search snippets."""
    if not slugs:
        return {}
    marks = ",".join("?" * len(slugs))
    with closing(_connect(index_dir)) as db:
        rows = db.execute("SELECT slug, json_extract(data, '$.text') FROM documents "
                          f"WHERE slug IN ({marks})", slugs)
        return dict(rows.fetchall())


def load_term_counts(index_dir: Path) -> dict[str, dict[str, int]]:
    """Each stored essay's analysed term counts, by content hash (for related posts)."""
    if not store_path(index_dir).exists():
        return {}
    with closing(_connect(index_dir, create=True)) as db:
        rows = db.execute("SELECT hash, data FROM term_counts").fetchall()
    return {digest: json.loads(data) for digest, data in rows}


def load_related(index_dir: Path) -> dict[str, list[dict]]:
    """The whole stored related map, by slug."""
    with closing(_connect(index_dir)) as db:
        rows = db.execute("SELECT slug, data FROM related ORDER BY slug").fetchall()
    return {slug: json.loads(data) for slug, data in rows}


def get_related(index_dir: Path, slug: str) -> list[dict] | None:
    with closing(_connect(index_dir)) as db:
        row = db.execute("SELECT data FROM related WHERE slug = ?", (slug,)).fetchone()
    return json.loads(row[0]) if row else None


def get_meta(index_dir: Path) -> dict[str, str]:
    if not store_path(index_dir).exists():
        return {}
    with closing(_connect(index_dir)) as db:
        return dict(db.execute("SELECT key, value FROM meta").fetchall())


def update_meta(index_dir: Path, values: dict[str, str]) -> None:
    with closing(_connect(index_dir, create=True)) as db, db:
        db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", values.items())


def save(index_dir: Path, changed: list[Document], removed: list[str],
         related: dict[str, list[dict]] | None, meta: dict[str, str], replace_all: bool = False,
         term_counts: dict[str, dict[str, int]] | None = None) -> None:
    """Write this build's changes in one transaction: ``changed`` documents are stored (new
    or replacing the same source), ``removed`` sources deleted; with ``replace_all`` every
    earlier document goes first. The related map (unless None) and meta are replaced
    whole."""
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    with closing(_connect(index_dir, create=True)) as db, db:
        if replace_all:
            db.execute("DELETE FROM documents")
        db.executemany("DELETE FROM documents WHERE source = ?", [(s,) for s in removed])
        db.executemany(
            "INSERT OR REPLACE INTO documents (source, slug, hash, data) VALUES (?, ?, ?, ?)",
            [(d.source, d.slug, d.content_hash, json.dumps(d.to_dict(), ensure_ascii=False))
             for d in changed],
        )
        if related is not None:  # None: the stored map is still the build's
            db.execute("DELETE FROM related")
            db.executemany("INSERT INTO related (slug, data) VALUES (?, ?)",
                           [(slug, json.dumps(items)) for slug, items in related.items()])
        if term_counts is not None:
            known = {digest for (digest,) in db.execute("SELECT hash FROM term_counts")}
            db.executemany("INSERT INTO term_counts (hash, data) VALUES (?, ?)",
                           [(digest, json.dumps(counts, ensure_ascii=False))
                            for digest, counts in term_counts.items() if digest not in known])
            db.execute("DELETE FROM term_counts WHERE hash NOT IN (SELECT hash FROM documents)")
        db.execute("DELETE FROM meta")
        db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", meta.items())
