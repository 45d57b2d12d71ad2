"""What one build knows, stage by stage: the state every stage of build.py reads and adds
to, the report it ends with (and its counts and notes once the archive is read), and the
two things stages ask for on the way (bodies loaded from the store, the related map
computed or stored)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import store
from .corpus import CorpusRead, FileWarning
from .model import Document
from .progress import BuildProgress
from .settings import BuildOptions, RelatedOptions
from .sites import EssayUrls, Site
from .sources import Earlier
from .strings import counted


@dataclass
class BuildReport:
    documents: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: int = 0
    drafts: int = 0
    future: int = 0
    warnings: list[FileWarning] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    # What the outputs say of the files they wrote, for a person ("Feeds: ...").
    output_lines: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "documents": self.documents, "added": self.added, "updated": self.updated,
            "removed": self.removed, "unchanged": self.unchanged, "skipped": self.skipped,
            "drafts": self.drafts, "future": self.future,
            "warnings": [str(w) for w in self.warnings], "notes": list(self.notes),
            "outputs": [str(p) for p in self.outputs], "seconds": round(self.seconds, 3),
        }

    def summary(self) -> str:
        return (f"{self.documents} essays: {self.added} added, {self.updated} updated, "
                f"{self.removed} removed, {self.unchanged} unchanged, {self.skipped} skipped, "
                f"{self.drafts} drafts, "
                + (f"{self.future} scheduled, " if self.future else "")
                + f"{len(self.warnings)} warnings, {self.seconds:.2f}s")


class Bodies:
    """Essays' html and text, loaded from the store only when a stage asks for them.

    Essays from an earlier build are loaded without bodies, and each essay read is let go
    of its bodies once indexed, stored and counted, so a build of 100,000 essays holds
    none of their text for long. Keyed by source: the store holds this build's version of
    each (its transaction sees its own writes).
    """

    def __init__(self, writer: store.StoreWriter, without: Iterable[Document]) -> None:
        self._writer = writer
        self._missing = {document.source for document in without}

    def release(self, document: Document) -> None:
        document.html = document.text = ""
        self._missing.add(document.source)

    def load(self, documents: list[Document]) -> None:
        wanted = [document for document in documents if document.source in self._missing]
        self._writer.fill_bodies(wanted)
        self._missing.difference_update(document.source for document in wanted)


@dataclass
class RelatedMap:
    """The build's related map: ``computed`` by this build (with the state it was computed
    from and the stored map it replaces, ``previous``), or else the stored one, loaded on
    first use. Stored lists are decoded only when looked at (related_map.py)."""

    index: Path
    computed: Mapping[str, list[dict]] | None = None
    state: Any = None
    previous: Mapping[str, list[dict]] | None = None
    stored: Mapping[str, list[dict]] | None = None

    def get(self) -> Mapping[str, list[dict]]:
        if self.computed is not None:
            return self.computed
        if self.stored is None:
            from .related_map import load_lists

            self.stored = load_lists(self.index)
        return self.stored

    def unchanged_texts(self) -> dict[str, bytes]:
        """The JSON of each list this build left as stored: written out as it is, a list
        need not be encoded again."""
        from .related_map import unchanged_texts

        related = self.get()
        return unchanged_texts(related, self.previous if self.computed is not None
                               else self.stored)


@dataclass
class BuildState:
    """Everything one build knows, stage by stage."""

    options: BuildOptions
    base_url: str
    language: str
    fingerprint: str
    previous: dict[str, str]  # the store's meta, as the last build left it
    fresh: bool  # the store is rebuilt from nothing (first build, or settings that changed)
    earlier: Earlier
    report: BuildReport
    documents: list[Document] = field(default_factory=list)  # published, in file order
    changed: list[Document] = field(default_factory=list)  # new or changed in this build
    failed: list[FileWarning] = field(default_factory=list)  # essays a stage failed on
    removed: list[str] = field(default_factory=list)  # sources gone since the last build
    read: CorpusRead = field(default_factory=CorpusRead)
    terms: Any = None  # the term-count cache, loaded at the first changed essay
    related: RelatedMap | None = None
    progress: BuildProgress = field(default_factory=BuildProgress)  # shown on a terminal
    site: Site | None = None  # the Hugo, Jekyll or Eleventy site SOURCE is, if any
    data_dir: Path | None = None  # where the related map also goes, keyed by path
    urls: EssayUrls | None = None  # how essay URLs are made
    url_warnings: list[FileWarning] = field(default_factory=list)
    archive: Any = None  # the archive, its files listed once (corpus.Archive)
    sources: list = field(default_factory=list)  # the archive's files, as walked
    start_notes: int = 0  # the report's notes from before the read (see unchanged.py)
    read_ends: tuple[int, int] = (0, 0)  # the report's warnings and notes once it is read

    @property
    def roots(self) -> tuple[Path, Path]:
        return Path(self.options.out), Path(self.options.index)

    @property
    def never_read(self) -> tuple[Path, ...]:
        """The folders inside SOURCE that the build writes, and so never reads."""
        return self.roots + ((self.data_dir,) if self.data_dir is not None else ())

    @property
    def related_options(self) -> RelatedOptions:
        return replace(self.options.related, language=self.language)

    def term_cache(self):
        if self.terms is None:
            from .analysis import TermCache
            from .related_store import stored_term_counts

            self.terms = TermCache() if self.fresh else stored_term_counts(self.options.index)
        return self.terms


def count_read(state: BuildState) -> None:
    """The report's counts and notes once the archive is read: what was added, updated,
    removed, skipped, left undated, and why the feeds would come out empty."""
    report, read = state.report, state.read
    report.notes += read.notes
    if report.future:
        report.notes.append(f"{report.future} essays dated in the future are left out "
                            "until their date (--future includes them)")
    report.documents = len(state.documents)
    report.added = sum(1 for d in state.changed if d.source not in state.earlier.documents)
    report.updated = len(state.changed) - report.added
    report.removed = len(state.removed)
    report.unchanged = len(state.documents) - len(state.changed)
    report.skipped, report.drafts = read.skipped + len(state.failed), read.drafts
    report.warnings = read.warnings + state.failed + state.url_warnings
    report.notes += _undated_notes(state.documents)
    if empty := _empty_feeds(state):
        report.warnings.append(FileWarning(str(state.options.source), empty))
    state.read_ends = (len(report.warnings), len(report.notes))


def _undated_notes(documents: list[Document]) -> list[str]:
    """How many essays the feeds leave out for want of a date, or carry dated by their
    files' times: a count the summary's reader sees, beside the warning per file."""
    undated = sum(1 for document in documents if document.date is None)
    by_mtime = sum(1 for document in documents if document.dated_by_mtime)
    notes = []
    if undated:
        notes.append(f"{counted(undated, 'essay')} with no date left out of the feeds "
                     "(searchable; `feedsearch check` lists them with the fix for each, "
                     "--undated mtime dates them by their files' modification times)")
    if by_mtime:
        whose = "its file's" if by_mtime == 1 else "their files'"
        notes.append(f"{counted(by_mtime, 'essay')} with no date dated by {whose} "
                     "modification time (--undated mtime)")
    return notes


def _empty_feeds(state: BuildState) -> str | None:
    """Why the feeds will have no entries, when they will not: a build that makes empty
    feeds must say so, not only exit 0."""
    if not state.documents:
        if state.report.skipped or state.report.drafts:
            return "no essay could be published (see the warnings above); the feeds are empty"
        return ("holds no file feedsearch reads (Markdown, HTML, text, Word, exports, saved "
                "feeds); the feeds are empty")
    if not any(document.date for document in state.documents):
        return ("no essay has a date, so the feeds have no entries (essays are searchable; "
                "--undated mtime dates them by their files' modification times)")
    return None
