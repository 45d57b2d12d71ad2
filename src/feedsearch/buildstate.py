"""What one build knows, stage by stage: the state every stage of build.py reads and adds
to, the report it ends with, and the two things stages ask for on the way (bodies loaded
from the store, the related map computed or stored)."""

from __future__ import annotations

from collections.abc import Iterable
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
    from and the map it replaces), or else the stored one, loaded on first use."""

    index: Path
    computed: dict[str, list[dict]] | None = None
    state: Any = None
    previous: dict[str, list[dict]] | None = None
    stored: dict[str, list[dict]] | None = None

    def get(self) -> dict[str, list[dict]]:
        if self.computed is not None:
            return self.computed
        if self.stored is None:
            self.stored = store.load_related(self.index)
        return self.stored


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
            from .related_store import load_term_counts

            self.terms = TermCache() if self.fresh else load_term_counts(self.options.index)
        return self.terms
