"""Walk an archive, read each file once with the reader for its format, report problems.

Nothing here writes anything. A file that cannot be read gives one warning naming the file
and the reason; the rest of the archive is still read. What one file gives (and what an
earlier build's essays spare reading again) is sources.py's; this module walks the
archive, runs the parse jobs, and tallies what came back.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from functools import cached_property
from pathlib import Path

from . import interrupts
from .model import Document
from .pipeline import run_jobs
from .readers import ReadError, ReadSettings, handles, read_essay
from .readers.errors import as_read_error
from .readers.meta import is_undated_warning
from .sites import Site
from .sources import DEFAULT_MAX_BYTES, Earlier, FileEnd, Item, file_items, file_record, read_bytes

# Site generators' output and tooling folders: never essays of their own.
SKIPPED_FOLDERS = frozenset({"_site", "node_modules", "__pycache__"})
# Documents a writer keeps essays in that no reader takes: each is one warning saying how
# to bring it in, rather than left out unsaid. (A .pages document is a folder on a Mac.)
UNREAD_DOCUMENTS = {
    ".pdf": "a PDF", ".rtf": "an RTF document", ".odt": "an OpenDocument text",
    ".pages": "a Pages document", ".doc": "a Word 97-2003 document",
    ".epub": "an EPUB book", ".wpd": "a WordPerfect document",
}
_SAVE_AS = ("save it as Markdown (.md), HTML, plain text (.txt) or Word (.docx) to include "
            "it")


@dataclass
class FileWarning:
    """One problem with one file."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass
class CorpusRead:
    """What reading an archive gave: documents, and everything that was not one."""

    documents: list[Document] = field(default_factory=list)
    warnings: list[FileWarning] = field(default_factory=list)
    drafts: int = 0
    skipped: int = 0
    reused: int = 0
    notes: list[str] = field(default_factory=list)
    # Per file of many essays: what a later build needs to reuse it without reading it.
    exports: dict[str, dict] = field(default_factory=dict)
    # Per file read or reused: size, modification time (ns) and content hash.
    stats: dict[str, tuple[int, int, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ReadOptions:
    """How an archive is read: ReadSettings (which decide what its files give, the file
    size limit included), plus the number of parsing processes and the time one file may
    take (which do not)."""

    settings: ReadSettings = field(default_factory=ReadSettings)
    workers: int = 0  # processes that parse files (0: all in this one)
    seconds: float | None = None  # a file still being read after this is skipped
    undated: str = "skip"  # "mtime": essays with no date are dated by their file's time


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file the walk found: where it is (as the file system's listing gave it: a path
    object for each of 100,000 files cost more than their ``stat``), its path in the
    archive (the essay's source), and whether it is a symbolic link (read only when it
    points inside the archive)."""

    location: str
    relpath: str
    link: bool = False

    @property
    def path(self) -> Path:
        return Path(self.location)


@dataclass
class Archive:
    """The folder of essays, the folders inside it that are never read (the output, index
    and data folders), and the site it is, if it is one (then only the site's essays are
    read)."""

    root: Path
    exclude: tuple[Path, ...] = ()
    site: Site | None = None

    @cached_property
    def sources(self) -> list[SourceFile]:
        return list(walk_sources(self.root, self.exclude, self.site))

    @property
    def files(self) -> list[Path]:
        return [source.path for source in self.sources]


def iter_source_files(root: Path, exclude: tuple[Path, ...] = ()) -> Iterator[Path]:
    """Every file under ``root`` that a reader handles, in a stable order (see
    :func:`walk_sources`)."""
    for source in walk_sources(root, exclude):
        yield source.path


def walk_sources(root: Path, exclude: tuple[Path, ...] = (),
                 site: Site | None = None) -> Iterator[SourceFile]:
    """Every file under ``root`` that a reader handles, in a stable order: a folder's files
    by name, then its folders by name, each in the same way.

    Hidden files and folders and generator output (``_site``) are left out, symlinked
    folders are not followed, and folders in ``exclude`` (the output and index folders) are
    never walked. In a site, only its content folders are walked and only its essays kept
    (sites/). One directory listing per folder tells names and links apart, so a file
    costs no system call here (the build's one ``stat`` of it is its reading's).
    """
    excluded = {p.resolve() for p in exclude}
    pending = [(os.fspath(root), "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:  # a folder that cannot be listed is left out, as os.walk does
            continue
        files, folders = _split(entries, excluded)
        if site is not None:
            files, folders = _in_site(site, prefix, files, folders)
        for entry in sorted(files, key=lambda e: e.name):
            yield SourceFile(entry.path, prefix + entry.name, entry.is_symlink())
        pending.extend((entry.path, f"{prefix}{entry.name}/")
                       for entry in sorted(folders, key=lambda e: e.name, reverse=True)
                       if not entry.is_symlink())


def _split(entries: list[os.DirEntry], excluded: set[Path]
           ) -> tuple[list[os.DirEntry], list[os.DirEntry]]:
    """A folder's entries to read (files a reader takes, documents no reader takes, folders
    that are documents) and its folders to walk."""
    files, folders = [], []
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        try:
            is_folder = entry.is_dir()
        except OSError:
            is_folder = False
        if not is_folder:
            if handles(name) or _unread_kind(name):
                files.append(entry)
        elif name not in SKIPPED_FOLDERS and Path(entry.path).resolve() not in excluded:
            (files if _unread_kind(name) else folders).append(entry)
    return files, folders


def _in_site(site: Site, prefix: str, files: list[os.DirEntry], folders: list[os.DirEntry]
             ) -> tuple[list[os.DirEntry], list[os.DirEntry]]:
    """The files of one folder that are the site's essays, and its folders that can hold
    some."""
    return ([e for e in files if site.keeps(site.site_path(prefix + e.name))],
            [e for e in folders if site.walks(site.site_path(f"{prefix}{e.name}/"))])


def _unread_kind(name: str) -> str | None:
    """What kind of document no reader takes a file is, by its extension, or None."""
    suffix = os.path.splitext(name)[1].lower()
    return UNREAD_DOCUMENTS.get(suffix) if not handles(name) else None


def date_by_mtime(document: Document, path: Path) -> None:
    """Date an undated essay by its file's modification time, to the second (in UTC), for
    ``--undated mtime``. A file gone since it was read leaves the essay undated."""
    try:
        seconds = int(path.stat().st_mtime)
    except OSError:
        return
    document.date = datetime.fromtimestamp(seconds, UTC)
    document.dated_by_mtime = True


def read_file(path: Path, relpath: str, default_tz: tzinfo = UTC,
              max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Document, list[str]]:
    """Read one file of one essay into a Document. Raises ReadError (with the reason) for
    a bad file."""
    document = read_essay(read_bytes(path, max_bytes), relpath, default_tz)
    return document, document.warnings


def read_corpus(root: Path, *, exclude: tuple[Path, ...] = (),
                known: dict[str, Document] | None = None, workers: int = 0,
                max_bytes: int = DEFAULT_MAX_BYTES, seconds: float | None = None,
                site: Site | None = None, **settings) -> CorpusRead:
    """Read every essay under ``root`` (``settings``: ReadSettings' fields), as ``check``
    does.

    ``known`` maps a source path to the Document read from it by an earlier build: a file
    whose content hash is unchanged is taken from there instead of being parsed again.
    """
    options = ReadOptions(ReadSettings(**settings, max_bytes=max_bytes), workers, seconds)
    return read_archive(Archive(root, exclude, site), options, Earlier(documents=known or {}))


def read_archive(archive: Archive, options: ReadOptions, earlier: Earlier | None = None,
                 on_document: Callable[[Document], None] | None = None,
                 progress: Callable[[str], None] | None = None) -> CorpusRead:
    """Read every essay of ``archive``, reusing what ``earlier`` holds where files did not
    change. ``on_document`` is called with each essay, in file order, as soon as it is
    final; ``progress`` with each file's path as it is reached."""
    tally = _Tally(options.settings, archive.root if options.undated == "mtime" else None,
                   archive.site)
    items = _items(archive, options, earlier or Earlier(), tally.result.stats, progress)
    for item in run_jobs(items, options.workers, options.seconds):
        interrupts.check()
        document = tally.take(item)
        if document is not None and on_document is not None:
            on_document(document)
    return tally.result


def _items(archive: Archive, options: ReadOptions, earlier: Earlier,
           stats: dict[str, tuple[int, int, str]],
           progress: Callable[[str], None] | None) -> Iterator[Item]:
    """Each file's items, in file order; a file that cannot be read is one error item."""
    root = archive.root
    for source in archive.sources:
        relpath = source.relpath
        if progress:
            progress(relpath)
        if not _valid_name(relpath):  # the store, the index and the feeds hold only text
            yield Item(_shown(relpath), error="the file's name is not valid UTF-8; rename "
                                             "it to read it")
            continue
        if kind := _unread_kind(os.path.basename(relpath)):
            yield Item(relpath, error=f"not read: {kind}; {_SAVE_AS}")
            continue
        try:
            if source.link and not source.path.resolve().is_relative_to(root.resolve()):
                raise ReadError("a symbolic link to a file outside the archive; not read")
            yield from file_items(source.location, relpath, options.settings, earlier,
                                  stats)
        except Exception as exc:  # one file never stops a build: it is one warning
            yield Item(relpath, error=str(as_read_error(exc)))


def _valid_name(relpath: str) -> bool:
    try:
        relpath.encode("utf-8")
    except UnicodeEncodeError:  # bytes the file system gave that are not UTF-8
        return False
    return True


def _shown(relpath: str) -> str:
    """A file name that is not valid UTF-8, as a person can be shown it."""
    return relpath.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


@dataclass
class _FileTally:
    """What one file of many essays gave, for its record and note."""

    sources: list[str] = field(default_factory=list)
    drafts: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)


class _Tally:
    """Turns the items read into a CorpusRead: essays (with unique slugs), warnings,
    drafts, and a record and note per file of many essays."""

    def __init__(self, settings: ReadSettings, date_by_mtime_under: Path | None = None,
                 site: Site | None = None) -> None:
        self.settings = settings
        self.site = site
        self.date_by_mtime_under = date_by_mtime_under
        self.result = CorpusRead()
        self.slugs = _SlugAssigner()
        self.files: dict[str, _FileTally] = {}

    def take(self, item: Item) -> Document | None:
        """The essay the item gives, or None (a draft, a problem, a file's end)."""
        result = self.result
        file = self.files.setdefault(item.source, _FileTally()) if item.many else None
        if item.end is not None:
            self._end(item.source, item.end, self.files.pop(item.source))
            return None
        if item.error is not None or item.document is None:
            reason = item.label + (item.error or "not read")
            result.warnings.append(FileWarning(item.source, reason))
            result.skipped += 1
            if file is not None:
                file.skipped += 1
                file.warnings.append(reason)
            return None
        document = item.document
        result.reused += item.reused
        if self.date_by_mtime_under is not None and document.date is None:
            date_by_mtime(document, self.date_by_mtime_under / item.source)
        result.warnings += [FileWarning(item.source, item.label + note)
                            for note in document.warnings
                            if not (document.dated_by_mtime and is_undated_warning(note))]
        if self.site is not None and self.site.unpublished(document):
            document.draft = True  # a Jekyll post in _drafts/, or a page with no URL
        if document.draft and not self.settings.include_drafts:
            result.drafts += 1
            if file is not None:
                file.drafts += 1
            return None
        if warning := self.slugs.assign(document):
            result.warnings.append(warning)
        result.documents.append(document)
        if file is not None:
            file.sources.append(document.source)
        return document

    def _end(self, relpath: str, end: FileEnd, file: _FileTally) -> None:
        result = self.result
        if end.previous is not None:  # the file is unchanged: report what it reported
            record = end.previous
            result.warnings += [FileWarning(relpath, w) for w in record["warnings"]]
            result.drafts += record["drafts"]
            result.skipped += record["skipped"]
        else:
            result.warnings += [FileWarning(relpath, w) for w in end.warnings]
            record = file_record(end, file.sources, file.drafts, file.skipped,
                                 file.warnings + end.warnings, self.settings.include_pages)
        result.notes.append(f"{relpath}: {record['note']}")
        if end.complete:
            result.exports[relpath] = record


class _SlugAssigner:
    """Two essays with one slug are both kept; the one read later gets a suffix.

    Suffixes start again from each essay's own slug every time, so a reused essay loses its
    suffix once its namesake is gone, and an incremental build equals a fresh one.
    """

    def __init__(self) -> None:
        self.taken: dict[str, str] = {}

    def assign(self, document: Document) -> FileWarning | None:
        document.slug = base = document.base_slug or document.slug
        slug, n = base, 2
        while slug in self.taken:
            slug = f"{base}-{n}"
            n += 1
        self.taken[slug] = document.source
        if slug == base:
            return None
        document.slug = slug
        return FileWarning(document.source, f"slug {base!r} is already used by "
                           f"{self.taken[base]}; this essay gets {slug!r}")
