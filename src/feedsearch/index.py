"""The Whoosh index: its schema, and bringing it in line with a build's documents."""

from __future__ import annotations

import html
import json
import os
import re
import warnings
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

with warnings.catch_warnings():
    # Whoosh 2.7.4 has invalid escape sequences that newer Pythons warn about at compile time.
    warnings.simplefilter("ignore", SyntaxWarning)
    from whoosh import index as whoosh_index
    from whoosh.analysis import (
        LanguageAnalyzer,
        LowercaseFilter,
        RegexTokenizer,
        StandardAnalyzer,
        StemFilter,
        StemmingAnalyzer,
        StopFilter,
    )
    from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
    from whoosh.lang import has_stemmer, has_stopwords

from .model import Document

WHOOSH_DIR = "whoosh"
WRITE_LOCK_TIMEOUT = 60.0
# Memory for the writer's postings before it sorts them on disk in runs (Whoosh's default
# is 128); measured in bench/run.py.
WRITER_MB = 128
# Whoosh's stemmers remember each word's stem: -1 is its plain dictionary, unbounded (an
# archive's distinct words, a few MB), where its default least-frequently-used cache
# spent a tenth of a cold build's time on its own bookkeeping.
STEM_CACHE = -1


def text_analyzer(language: str = "en"):
    """The analysis of essay text: stemming and stop words for ``language`` (an ISO 639-1
    code; a tag such as en-us counts by its first part) when Whoosh knows the language,
    else words as written, lower-cased."""
    code = language.lower().split("-")[0]
    if code == "en":
        return StemmingAnalyzer()
    if _stems(code) and has_stopwords(code):
        return LanguageAnalyzer(code)
    return search_analyzer(code, minsize=2)


@cache
def _stems(code: str) -> bool:
    """Whether Whoosh's stemmer for ``code`` works: its Arabic one fails on Python 3.11
    (an invalid escape in a regular expression), so Arabic is searched unstemmed."""
    if not has_stemmer(code):
        return False
    try:
        list(StemFilter(lang=code)(iter(RegexTokenizer()("words"))))
    except Exception:  # whatever a broken stemmer raises
        return False
    return True


def search_analyzer(language: str = "en", minsize: int = 1):
    """The analysis of the searched text: as :func:`text_analyzer`, but words of one
    character are kept, because readers search for them ("1 cat versus 2 cats", the R
    language, C); a query is analysed by the same analyzer, read from the index."""
    code = language.lower().split("-")[0]
    if code == "en":
        return StemmingAnalyzer(minsize=1, cachesize=STEM_CACHE)
    chain = RegexTokenizer() | LowercaseFilter()
    if has_stopwords(code):
        chain = chain | StopFilter(lang=code, minsize=minsize)
    elif minsize > 1:
        chain = chain | StopFilter(stoplist=(), minsize=minsize)
    if _stems(code):
        chain = chain | StemFilter(lang=code, cachesize=STEM_CACHE)
    return chain


def make_schema(language: str = "en") -> Schema:
    """Only what search needs is stored; full documents live in the document store."""
    stem = search_analyzer(language)
    return Schema(
        slug=ID(stored=True, unique=True),
        source=ID(stored=True, unique=True),
        title=TEXT(analyzer=stem, stored=True),
        # Title (twice, as it weighs double), tags, summary, headings (twice) and text in
        # one field, so that a word's occurrences add up before BM25 saturates them, as in
        # BM25F proper; Whoosh scores each field apart and sums, which lets a title word
        # outweigh the text. The weights were chosen on real blogs (docs/search.md).
        content=TEXT(analyzer=stem, phrase=True),
        tags=KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
        author=TEXT(analyzer=StandardAnalyzer(stoplist=None)),
        authors=STORED(),
        date=DATETIME(stored=True),
        updated=DATETIME(),
        # Seconds since 1970 (0 when undated), so newest-first sorting puts undated last.
        sort_date=NUMERIC(numtype=int, bits=64, signed=True, sortable=True),
        date_iso=STORED(),
        url=STORED(),
        hash=STORED(),
    )
    # "Did you mean" takes its words from the document store (spelling.py), which the
    # related posts' word counting fills at no extra cost: a Whoosh spelling field would
    # index every word of every essay a second time, 40% of the index's writing time.


def whoosh_dir(index_dir: Path) -> Path:
    return Path(index_dir) / WHOOSH_DIR


def exists(index_dir: Path) -> bool:
    folder = whoosh_dir(index_dir)
    return folder.is_dir() and whoosh_index.exists_in(str(folder))


def files_signature(index_dir: Path) -> str:
    """The index's files by name and size, as a build leaves them: when they are so at the
    next build, nothing has touched the index, and :func:`problem` need not open it."""
    folder = whoosh_dir(index_dir)
    if not folder.is_dir():
        return ""
    return json.dumps(sorted((entry.name, entry.stat().st_size) for entry in os.scandir(folder)
                             if entry.name.endswith((".toc", ".seg"))))


def problem(index_dir: Path) -> str | None:
    """What is wrong with the index, or None when it opens: a folder or table of contents
    gone, a segment missing or cut short. Cheap (a few reads per segment), as every build
    asks it."""
    if not exists(index_dir):
        return f"the search index in {index_dir} is missing"
    try:
        index = open_index(index_dir)
        # Each segment's compound file, whose table of its parts sits at its end: a file
        # missing or cut short fails here. (Whoosh 2.7 writes compound segments.)
        for segment in index._segments():
            if segment.is_compound():
                segment.open_compound_file(index.storage).close()
    except Exception:  # Whoosh raises what its reading met: EOFError, struct.error, ...
        return f"the search index in {index_dir} is damaged"
    return None


def open_index(index_dir: Path, in_memory: bool = False):
    """Open an existing index for searching. ``in_memory``: for a process that searches
    again and again (see :func:`_storage`)."""
    return _storage(whoosh_dir(index_dir), in_memory).open_index()


def _storage(folder: Path, in_memory: bool = False):
    """The index folder, its segments read through the file system's cache: opening one
    costs a few reads. ``in_memory`` memory-maps them, and Whoosh then copies each
    segment's files into memory as a reader opens (0.6 s at 100,000 essays): worth it only
    to a process that searches many times, where each query then reads postings from
    memory (bench/large.py's warm queries at 100,000 essays: p95 243 ms so, 305 ms from
    files)."""
    from whoosh.filedb.filestore import FileStorage

    return FileStorage(str(folder), supports_mmap=in_memory)


def _open_or_create(index_dir: Path, recreate: bool, language: str):
    folder = whoosh_dir(index_dir)
    folder.mkdir(parents=True, exist_ok=True)
    if recreate or not whoosh_index.exists_in(str(folder)):
        return _storage(folder).create_index(make_schema(language))
    return _storage(folder).open_index()


class IndexUpdate:
    """One commit's changes to the index, given one essay at a time as a build reads them.

    The writer (and Whoosh's lock) is taken at the first change, so a build that changes
    nothing never touches the index. Readers keep seeing the last commit until this lands.
    """

    def __init__(self, index_dir: Path, recreate: bool = False, language: str = "en",
                 lock_timeout: float = WRITE_LOCK_TIMEOUT) -> None:
        self.index_dir, self.language = index_dir, language
        self.recreate = recreate
        self.lock_timeout = lock_timeout
        self.writer = None

    def _writer(self):
        if self.writer is None:
            index = _open_or_create(self.index_dir, self.recreate, self.language)
            self.writer = index.writer(timeout=self.lock_timeout, limitmb=WRITER_MB)
        return self.writer

    def add_fields(self, fields: dict) -> None:
        """Add an essay as :func:`index_fields` gives it, replacing the one from the same
        source (a fresh index has none)."""
        if self.recreate:
            self._writer().add_document(**fields)
        else:
            self._writer().update_document(**fields)

    def remove(self, sources: list[str]) -> None:
        for source in sources:
            self._writer().delete_by_term("source", source)

    def commit(self) -> None:
        if self.writer is None and self.recreate:
            self._writer()  # a fresh index is committed even when empty
        if self.writer is not None:
            self.writer.commit()
            self.writer = None

    def cancel(self) -> None:
        if self.writer is not None:
            self.writer.cancel()
            self.writer = None


def index_fields(document: Document) -> dict:
    """A Document as the fields of one Whoosh document."""
    fields = {
        "slug": document.slug,
        "source": document.source,
        "title": document.title,
        "content": searched_text(document),
        "tags": ",".join(tag.lower() for tag in document.tags),
        "author": " ".join(document.authors),
        "authors": list(document.authors),
        "date_iso": document.date.isoformat() if document.date else None,
        "url": document.url,
        "hash": document.content_hash,
    }
    fields["sort_date"] = int(document.date.timestamp()) if document.date else 0
    if document.date is not None:
        fields["date"] = naive_utc(document.date)
    if document.updated is not None:
        fields["updated"] = naive_utc(document.updated)
    return fields


def searched_text(document: Document) -> str:
    """The text of the ``content`` field: each part repeated as often as it weighs."""
    heads = headings(document.html)
    return "\n".join([document.title, document.title, " ".join(document.tags),
                      document.summary, heads, heads, document.text])


_HEADING_OPEN = re.compile(r"<h[1-6][\s>]", re.I)
_TAG = re.compile(r"<[^<>]*>")


def headings(body_html: str) -> str:
    """The text of the essay's headings, one a line: a heading names what its section is
    about, as a title names the essay. Read from the essay's sanitised HTML by scanning
    (linear in its length, whatever the markup)."""
    found = []
    lowered = body_html.lower()
    for opening in _HEADING_OPEN.finditer(body_html):
        end = lowered.find("</h", opening.end())
        if end < 0:
            break
        inner = body_html[opening.start():end]
        found.append(" ".join(html.unescape(_TAG.sub(" ", inner)).split()))
    return "\n".join(part for part in found if part)


def naive_utc(moment: datetime) -> datetime:
    """Whoosh compares naive datetimes; store every date as naive UTC."""
    return moment.astimezone(UTC).replace(tzinfo=None)
