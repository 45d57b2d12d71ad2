"""The document store's tables for related posts (store.py holds the rest): each essay's
term counts and the terms they number, the map's lists, and the state the map was computed
from, read and written as rows. What the rows mean is related_store.py's; a build writes
them in its one transaction (store.StoreWriter.finish)."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from .related_map import changed_lists
from .store import _connect, store_path


@dataclass
class TermRows:
    """Term counts to add: new terms by number, the rows of essays counted this build, and
    the words as written that those essays hold (for "did you mean")."""

    new_terms: list[tuple[int, str, str]] = field(default_factory=list)  # id, term, word
    rows: list[tuple[str, bytes, bytes]] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    # The content hashes whose counts may no longer be any essay's (those of essays changed
    # or removed in this build); None: look at every stored count.
    stale: list[str] | None = None


@dataclass
class StateRows:
    """The related map's state (related_store.py): the rows that changed, and the keys of
    all of them (any other row goes)."""

    changed: list[tuple[str, bytes]]
    keys: list[str]


def load_terms(index_dir: Path) -> tuple[list[str], list[tuple[str, bytes, bytes]],
                                         dict[int, str]]:
    """The numbered terms (in number order), each essay's term-count row (content hash,
    term numbers and counts, as stored bytes), and the word shown for each term."""
    if not store_path(index_dir).exists():
        return [], [], {}
    with closing(_connect(index_dir)) as db:
        numbered = db.execute("SELECT term, word FROM terms ORDER BY id").fetchall()
        rows = db.execute("SELECT hash, ids, counts FROM term_counts").fetchall()
    vocabulary = [term for term, _ in numbered]
    display = {n: word for n, (_, word) in enumerate(numbered) if word}
    return vocabulary, rows, display


def load_vocabulary(index_dir: Path) -> tuple[list[str], dict[int, str], set[str]]:
    """The numbered terms (in number order), the word shown for each, and the content
    hashes whose term counts are stored (load_term_rows gives them)."""
    if not store_path(index_dir).exists():
        return [], {}, set()
    with closing(_connect(index_dir)) as db:
        numbered = db.execute("SELECT term, word FROM terms ORDER BY id").fetchall()
        hashes = {digest for (digest,) in db.execute("SELECT hash FROM term_counts")}
    return [term for term, _ in numbered], \
        {n: word for n, (_, word) in enumerate(numbered) if word}, hashes


def load_term_rows(index_dir: Path, hashes: list[str]) -> list[tuple[str, bytes, bytes]]:
    """The stored term-count rows of ``hashes`` (content hash, term numbers, counts)."""
    if len(hashes) > TERM_ROWS_ONE_BY_ONE:
        wanted = set(hashes)
        return [row for row in load_terms(index_dir)[1] if row[0] in wanted]
    with closing(_connect(index_dir)) as db:
        return [row for digest in hashes for row in db.execute(
            "SELECT hash, ids, counts FROM term_counts WHERE hash = ?", (digest,))]


TERM_ROWS_ONE_BY_ONE = 2000  # past this many, every row is read in one pass


def load_blobs(index_dir: Path) -> dict[str, bytes]:
    """The related map's stored state, by key (see related_store.py)."""
    if not store_path(index_dir).exists():
        return {}
    with closing(_connect(index_dir)) as db:
        try:
            return dict(db.execute("SELECT key, value FROM related_state").fetchall())
        except sqlite3.OperationalError:  # a store from before this table
            return {}


def related_texts(index_dir: Path) -> dict[str, bytes]:
    """Each stored related list's JSON (UTF-8), by slug, in slug order
    (related_map.StoredLists decodes them)."""
    with closing(_connect(index_dir)) as db:
        return dict(db.execute("SELECT slug, CAST(data AS BLOB) FROM related "
                               "ORDER BY slug").fetchall())


def save_state(db: sqlite3.Connection, state: StateRows | None) -> None:
    if state is None:
        db.execute("DELETE FROM related_state")
        return
    kept = set(state.keys)
    gone = [(key,) for (key,) in db.execute("SELECT key FROM related_state") if key not in kept]
    db.executemany("DELETE FROM related_state WHERE key = ?", gone)
    db.executemany("INSERT OR REPLACE INTO related_state (key, value) VALUES (?, ?)",
                   state.changed)


def save_terms(db: sqlite3.Connection, terms: TermRows) -> None:
    """New terms and the counts of essays analysed in this build; counts of essays no
    longer stored go."""
    db.executemany("INSERT OR REPLACE INTO terms (id, term, word) VALUES (?, ?, ?)",
                   terms.new_terms)
    db.executemany("INSERT OR REPLACE INTO term_counts (hash, ids, counts) VALUES (?, ?, ?)",
                   terms.rows)
    if terms.stale is None:
        db.execute("DELETE FROM term_counts WHERE hash NOT IN (SELECT hash FROM documents)")
    else:
        gone = sorted(set(terms.stale) | {digest for digest, _, _ in terms.rows})
        db.executemany("DELETE FROM term_counts WHERE hash = ? AND NOT EXISTS "
                       "(SELECT 1 FROM documents WHERE hash = ?)",
                       [(digest, digest) for digest in gone])
    db.executemany("INSERT OR IGNORE INTO words (word) VALUES (?)",
                   ((word,) for word in terms.words))


def save_related(db: sqlite3.Connection, related: dict[str, list[dict]],
                  previous: dict[str, list[dict]] | None) -> None:
    if previous is None:
        db.execute("DELETE FROM related")
        previous = {}
    db.executemany("DELETE FROM related WHERE slug = ?",
                   [(slug,) for slug in previous if slug not in related])
    db.executemany("INSERT OR REPLACE INTO related (slug, data) VALUES (?, ?)",
                   ((slug, json.dumps(items, ensure_ascii=False))
                    for slug, items in changed_lists(related, previous)))
