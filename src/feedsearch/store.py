"""The document store beside the Whoosh index: every Document as its reader made it.

Feeds, related posts and ``export`` read Documents from here, so a rebuild never parses an
unchanged file again and the search index stores only what search output needs. SQLite
gives one transaction per build: a build killed half-way leaves the previous state.

The store keeps rows: Documents, file stats, the related map, meta values, and the bytes
that related posts keep between builds (term counts, the last map's state: their tables
are store_related.py's, their meaning related_store.py's).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from .collection import without_collection
from .model import Document

if TYPE_CHECKING:
    from .store_related import StateRows, TermRows

STORE_NAME = "documents.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    source TEXT PRIMARY KEY, slug TEXT NOT NULL, hash TEXT NOT NULL, data TEXT NOT NULL,
    html TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS documents_slug ON documents (slug);
CREATE INDEX IF NOT EXISTS documents_hash ON documents (hash);
CREATE TABLE IF NOT EXISTS related (slug TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS related_state (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS terms (id INTEGER PRIMARY KEY, term TEXT NOT NULL,
                                   word TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS term_counts (hash TEXT PRIMARY KEY, ids BLOB NOT NULL,
                                        counts BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS words (word TEXT PRIMARY KEY) WITHOUT ROWID;
"""


def store_path(index_dir: Path) -> Path:
    return Path(index_dir) / STORE_NAME


class DamagedStore(Exception):
    """The document store cannot be read (cut short, overwritten, not SQLite)."""

    def __init__(self, index_dir: Path) -> None:
        super().__init__(f"the document store in {index_dir} is damaged: run feedsearch "
                         "build, which rebuilds it from the sources")


def _connect(index_dir: Path, create: bool = False) -> sqlite3.Connection:
    path = store_path(index_dir)
    if not create and not path.exists():
        raise FileNotFoundError(path)
    try:
        connection = sqlite3.connect(path, timeout=30)
        if create:
            # Write-ahead logging: searches keep reading the last commit while a build
            # writes.
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(_SCHEMA)
            return connection
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            # A read-only folder or file system: the write-ahead log's shared memory cannot
            # be made there; read the file as it is.
            connection.close()
            connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1",
                                         uri=True)
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return connection
    except sqlite3.DatabaseError as exc:
        raise DamagedStore(index_dir) from exc


def remove_store(index_dir: Path) -> None:
    """Delete a damaged store (and its write-ahead log), for a build to make it anew."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store_path(index_dir)}{suffix}").unlink(missing_ok=True)


def loads(data: str | bytes):
    """JSON the store holds, decoded by orjson: a rebuild decodes every essay's row and
    related list, and at 100,000 essays the standard library took seconds over it. What
    orjson refuses (a lone surrogate escaped in an old row) the standard library reads."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def _document(data: str | bytes, html: str = "", text: str = "") -> Document:
    record = loads(data)
    record["html"], record["text"] = html, text
    return Document.from_dict(record, own=True)


def load_documents(index_dir: Path, bodies: bool = True) -> dict[str, Document]:
    """Every stored Document by source path; empty when there is no store yet. Without
    ``bodies``, html and text are left empty (see :meth:`StoreWriter.fill_bodies`): a
    rebuild that finds nothing changed never needs them."""
    if not store_path(index_dir).exists():
        return {}
    # The JSON as bytes: orjson reads UTF-8, and no string of it need be made first.
    columns = "source, CAST(data AS BLOB), html, text" if bodies else \
        "source, CAST(data AS BLOB)"
    with closing(_connect(index_dir)) as db:
        rows = db.execute(f"SELECT {columns} FROM documents ORDER BY source").fetchall()
    with without_collection():
        return {row[0]: _document(*row[1:]) for row in rows}


def _fill(db: sqlite3.Connection, documents: list[Document]) -> None:
    if not documents:
        return
    wanted = {document.source: document for document in documents}
    if len(wanted) < 500:
        marks = ",".join("?" * len(wanted))
        rows = db.execute(f"SELECT source, html, text FROM documents "
                          f"WHERE source IN ({marks})", list(wanted))
    else:
        rows = db.execute("SELECT source, html, text FROM documents")
    for source, html, text in rows:
        document = wanted.get(source)
        if document is not None:
            document.html, document.text = html, text


def iter_documents(index_dir: Path) -> Iterator[Document]:
    """Stored Documents, newest first (undated last), then by slug."""
    with closing(_connect(index_dir)) as db:
        rows = db.execute("SELECT data, html, text FROM documents").fetchall()
    documents = [_document(*row) for row in rows]
    documents.sort(key=lambda d: d.slug)
    documents.sort(key=lambda d: d.date.timestamp() if d.date else float("-inf"), reverse=True)
    yield from documents


def slugs_starting(index_dir: Path, prefix: str, limit: int = 200) -> list[str]:
    """The essays' slugs that start with ``prefix``, in order (for shell completion)."""
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with closing(_connect(index_dir)) as db:
        rows = db.execute("SELECT DISTINCT slug FROM documents WHERE slug LIKE ? ESCAPE '\\' "
                          "ORDER BY slug LIMIT ?", (pattern, limit)).fetchall()
    return [slug for (slug,) in rows]


def get_document(index_dir: Path, slug: str) -> Document | None:
    with closing(_connect(index_dir)) as db:
        row = db.execute("SELECT data, html, text FROM documents WHERE slug = ?",
                         (slug,)).fetchone()
    return _document(*row) if row else None


def load_file_stats(index_dir: Path) -> dict[str, tuple[int, int, str]]:
    """Each source file's size, modification time (ns) and content hash at the last build:
    a file whose size and time are unchanged is not read again."""
    if not store_path(index_dir).exists():
        return {}
    with closing(_connect(index_dir)) as db:
        try:
            rows = db.execute("SELECT path, size, mtime_ns, hash FROM files").fetchall()
        except sqlite3.OperationalError:  # a store from before this table
            return {}
    with without_collection():
        return {path: (size, mtime, digest) for path, size, mtime, digest in rows}


def get_texts(index_dir: Path, slugs: list[str]) -> dict[str, str]:
    """The plain text of a few documents, for search snippets."""
    if not slugs:
        return {}
    marks = ",".join("?" * len(slugs))
    with closing(_connect(index_dir)) as db:
        rows = db.execute(f"SELECT slug, text FROM documents WHERE slug IN ({marks})", slugs)
        return dict(rows.fetchall())


def words_starting(index_dir: Path, prefix: str) -> list[str]:
    """The words as written that essays have held, beginning with ``prefix`` (a range of
    the table's key, read in order)."""
    with closing(_connect(index_dir)) as db:
        rows = db.execute("SELECT word FROM words WHERE word >= ? AND word < ?",
                          (prefix, prefix + "\U0010ffff")).fetchall()
    return [word for (word,) in rows]


def load_related(index_dir: Path) -> dict[str, list[dict]]:
    """The whole stored related map, by slug, decoded (a build decodes a list only when it
    looks at it: related_map.StoredLists)."""
    with closing(_connect(index_dir)) as db:
        rows = db.execute("SELECT slug, data FROM related ORDER BY slug").fetchall()
    with without_collection():
        return {slug: loads(data) for slug, data in rows}


def get_related(index_dir: Path, slug: str) -> list[dict] | None:
    with closing(_connect(index_dir)) as db:
        row = db.execute("SELECT data FROM related WHERE slug = ?", (slug,)).fetchone()
    return loads(row[0]) if row else None


def get_meta(index_dir: Path) -> dict[str, str]:
    if not store_path(index_dir).exists():
        return {}
    with closing(_connect(index_dir)) as db:
        return dict(db.execute("SELECT key, value FROM meta").fetchall())


def update_meta(index_dir: Path, values: dict[str, str]) -> None:
    with closing(_connect(index_dir, create=True)) as db, db:
        db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", values.items())


@dataclass
class StoreChanges:
    """What a build commits besides the essays it stored as it read them. The related map
    (unless None) and meta are replaced whole; given what the store held
    (``previous_related``, ``previous_stats``), only the rows that differ are written."""

    removed: list[str]
    meta: dict[str, str]
    related: dict[str, list[dict]] | None = None
    previous_related: dict[str, list[dict]] | None = None
    related_state: StateRows | None = None
    terms: TermRows | None = None
    file_stats: dict[str, tuple[int, int, str]] | None = None
    previous_stats: dict[str, tuple[int, int, str]] | None = None


class StoreWriter:
    """One build's writes, in one transaction from the first essay read to the end of the
    build: searches keep reading the last build until it commits, and a build killed on
    the way leaves that build as it was. Essays are stored as they are read, so the build
    need not keep their bodies."""

    def __init__(self, index_dir: Path, replace_all: bool = False) -> None:
        Path(index_dir).mkdir(parents=True, exist_ok=True)
        self.db = _connect(index_dir, create=True)
        self.db.isolation_level = None  # transactions as written here, DDL included
        self.db.execute("BEGIN IMMEDIATE")
        self.replace_all = replace_all
        if replace_all:  # a new store format may have changed any table: start over
            for (table,) in self.db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                self.db.execute(f'DROP TABLE "{table}"')
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)

    def put_row(self, values: tuple) -> None:
        """Store an essay as :func:`row` gives it, new or replacing the one from the same
        source."""
        self.db.execute("INSERT OR REPLACE INTO documents (source, slug, hash, data, html, "
                        "text) VALUES (?, ?, ?, ?, ?, ?)", values)

    def fill_bodies(self, documents: list[Document]) -> None:
        """Give Documents without bodies their html and text, as this build stored them."""
        _fill(self.db, documents)

    def finish(self, changes: StoreChanges) -> None:
        """Delete removed sources, write the rest, and commit (see StoreChanges)."""
        from .store_related import save_related, save_state, save_terms

        db, fresh = self.db, self.replace_all
        try:
            db.executemany("DELETE FROM documents WHERE source = ?",
                           [(s,) for s in changes.removed])
            if changes.related is not None:  # None: the stored map is still the build's
                save_related(db, changes.related,
                             None if fresh else changes.previous_related)
                save_state(db, changes.related_state)
            if changes.terms is not None:
                save_terms(db, changes.terms)
            if changes.file_stats is not None:
                _save_file_stats(db, changes.file_stats,
                                 None if fresh else changes.previous_stats)
            db.execute("DELETE FROM meta")
            db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", changes.meta.items())
            db.execute("COMMIT")
        except BaseException:
            self.abort()
            raise
        db.close()

    def abort(self) -> None:
        with suppress(sqlite3.Error):
            self.db.execute("ROLLBACK")
        self.db.close()


def row(document: Document) -> tuple[str, str, str, str, str, str]:
    """An essay as the store's documents table holds it (JSON text, so a document that
    cannot be encoded fails here, before anything is written)."""
    data = document.to_dict()
    html, text = data.pop("html"), data.pop("text")
    return (document.source, document.slug, document.content_hash,
            json.dumps(data, ensure_ascii=False), html, text)


def _save_file_stats(db: sqlite3.Connection, stats: dict[str, tuple[int, int, str]],
                     previous: dict[str, tuple[int, int, str]] | None) -> None:
    if previous is None:
        db.execute("DELETE FROM files")
        previous = {}
    db.executemany("DELETE FROM files WHERE path = ?",
                   [(path,) for path in previous if path not in stats])
    db.executemany("INSERT OR REPLACE INTO files (path, size, mtime_ns, hash) "
                   "VALUES (?, ?, ?, ?)",
                   ((path, *stat) for path, stat in sorted(stats.items())
                    if tuple(previous.get(path, ())) != tuple(stat)))
