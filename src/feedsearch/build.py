"""A build: archive -> documents -> index, feeds and related posts, written atomically.

A build is a sequence of stages over one :class:`BuildState`:

    read, index and store -> related -> outputs -> commit -> publish

- **read, index and store**: each essay, as soon as it is read (in file order; files are
  parsed in worker processes meanwhile), is indexed by Whoosh, stored in the document store
  and its words counted for related posts; then its bodies are let go (:class:`Bodies`
  loads them again for a stage that needs them), so memory holds no essay's text for long.
  Files unchanged since the last build are not parsed: their essays come from the store.
- **related**: the related map, recomputed only where essays changed (related_update), or
  the stored one when nothing did.
- **outputs**: each enabled output (outputs/) renders its files, unless its essays and
  settings are as at its last build and its files are in place.
- **commit**: the index, then the store, each in one transaction.
- **publish**: files written atomically into OUT, then files that the outputs wrote last
  time and no longer write are removed; what each output wrote is recorded for the next
  build.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import __version__, locking, store
from .corpus import Archive, CorpusRead, FileWarning, ReadOptions, read_archive
from .model import Document
from .outputs import Output, OutputContext, enabled_outputs
from .publish import Publisher
from .readers import ReadSettings
from .settings import BuildOptions, RelatedOptions
from .sources import Earlier
from .urls import essay_url, is_web_address, normalize_base_url

__all__ = ["BuildError", "BuildOptions", "BuildReport", "build", "check_folders"]

DEFAULT_BASE_URL = "http://localhost:8000/"
STORE_FORMAT = "11"


class BuildError(Exception):
    """A build that cannot start: a missing folder, or folders that overlap."""


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


def check_folders(options: BuildOptions) -> None:
    """Refuse a build whose folders or base URL cannot work (one line each)."""
    if options.base_url and not is_web_address(options.base_url):
        raise BuildError(f"{options.base_url!r} is not an http(s) URL")
    source, out, idx = (Path(p).resolve() for p in (options.source, options.out, options.index))
    if not source.is_dir():
        raise BuildError(f"source folder {options.source} does not exist")
    if out == idx or idx.is_relative_to(out) or out.is_relative_to(idx):
        raise BuildError("--out and --index must be separate folders, neither inside the other")
    if source.is_relative_to(out) or source.is_relative_to(idx):
        raise BuildError("the source folder cannot be inside the output or index folder")


def build(options: BuildOptions,
          progress: Callable[[int], Callable[[str], None]] | None = None) -> BuildReport:
    """Run a whole build. ``progress(total)`` may return a callback called once per file.

    Only one build of an index runs at a time: a second one waits up to
    ``options.lock_timeout`` seconds, then raises BuildError naming the lock.
    """
    started = time.perf_counter()
    check_folders(options)
    try:
        with locking.exclusive(Path(options.index) / locking.LOCK_NAME, options.lock_timeout):
            report = _build_locked(options, progress)
    except locking.LockTimeout as exc:
        raise BuildError(str(exc)) from exc
    except Exception as exc:
        from .index import whoosh_index  # loaded already if the index was opened

        if isinstance(exc, whoosh_index.LockError):
            raise BuildError(f"the search index in {options.index} is locked by another "
                             "writer (Whoosh's MAIN_WRITELOCK); try again later") from exc
        raise
    report.seconds = time.perf_counter() - started
    return report


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
    removed: list[str] = field(default_factory=list)  # sources gone since the last build
    read: CorpusRead = field(default_factory=CorpusRead)
    terms: Any = None  # the term-count cache, loaded at the first changed essay
    related: RelatedMap | None = None

    @property
    def roots(self) -> tuple[Path, Path]:
        return Path(self.options.out), Path(self.options.index)

    @property
    def related_options(self) -> RelatedOptions:
        return replace(self.options.related, language=self.language)

    def term_cache(self):
        if self.terms is None:
            from .analysis import TermCache
            from .related_store import load_term_counts

            self.terms = TermCache() if self.fresh else load_term_counts(self.options.index)
        return self.terms


def _build_locked(options: BuildOptions, progress) -> BuildReport:
    state = _start(options)
    writer = store.StoreWriter(options.index, replace_all=state.fresh)
    try:
        bodies = Bodies(writer, state.earlier.documents.values())
        _read_and_index(state, writer, bodies, progress)
        _count(state)
        _find_related(state, bodies)
        rendered = _render_outputs(state, bodies)
        writer.finish(_changes(state, rendered))
    except BaseException:
        writer.abort()
        raise
    _publish(state, rendered)
    return state.report


def _start(options: BuildOptions) -> BuildState:
    """What the last build left, and whether it can be built upon."""
    report = BuildReport()
    base_url = normalize_base_url(options.base_url or DEFAULT_BASE_URL)
    if not options.base_url:
        report.notes.append(f"no --base-url given: feed links point at {base_url}")
    language = options.language.lower().split("-")[0]
    fingerprint = f"{__version__}|{STORE_FORMAT}|{base_url}|{options.default_tz}|{language}"
    previous, earlier, problem = _earlier(options.index, fingerprint)
    fresh = options.rebuild or problem is not None or \
        previous.get("fingerprint") != fingerprint
    if problem is not None:
        report.notes.append(f"{problem}; rebuilt from the sources")
    elif options.rebuild:
        report.notes.append("rebuilt from the sources (--rebuild)")
    if fresh:
        earlier = Earlier()
    return BuildState(options, base_url, language, fingerprint, previous, fresh, earlier,
                      report)


def _earlier(index_dir: Path, fingerprint: str) -> tuple[dict[str, str], Earlier, str | None]:
    """The last build's meta and, when it was made with the same settings, its essays
    (without bodies: a rebuild that finds nothing changed never needs them); and what is
    wrong with the store or the index, if anything: then the build starts from nothing,
    and heals them."""
    try:
        previous = store.get_meta(index_dir)
        if previous.get("fingerprint") != fingerprint:
            return previous, Earlier(), None
        earlier = Earlier(store.load_documents(index_dir, bodies=False),
                          json.loads(previous.get("exports", "{}")),
                          store.load_file_stats(index_dir))
    except (store.DamagedStore, sqlite3.DatabaseError, ValueError):
        store.remove_store(index_dir)
        return {}, Earlier(), f"the document store in {index_dir} was damaged"
    from . import index

    return previous, earlier, index.problem(index_dir)


class _Intake:
    """Each essay as soon as it is read: Whoosh indexes it, the store keeps it and its words
    are counted while the next are parsed; then its bodies are let go."""

    def __init__(self, state: BuildState, update, writer: store.StoreWriter,
                 bodies: Bodies) -> None:
        self.state, self.update, self.writer, self.bodies = state, update, writer, bodies
        self.now = datetime.now(UTC)
        # A reused essay is the stored object itself; its slug may change on the way (a
        # duplicate appeared or went away), and then it needs indexing again.
        self.known_slugs = {source: d.slug for source, d in state.earlier.documents.items()}

    def take(self, document: Document) -> None:
        state = self.state
        if not state.options.include_future and document.date is not None and \
                document.date > self.now:
            state.report.future += 1
            return
        document.url = document.url or essay_url(state.base_url, document.slug)
        state.documents.append(document)
        reused = state.earlier.documents.get(document.source) is document
        if reused and self.known_slugs.get(document.source) == document.slug:
            return
        if reused:
            self.bodies.load([document])
        state.changed.append(document)
        self.update.add(document)
        self.writer.put(document)
        state.term_cache().count(document, state.language)
        self.bodies.release(document)


def _read_and_index(state: BuildState, writer: store.StoreWriter, bodies: Bodies,
                    progress) -> None:
    from . import index  # Whoosh; opened only when something changed

    options = state.options
    archive = Archive(Path(options.source), state.roots)
    settings = ReadSettings(options.default_tz, options.include_drafts, options.include_pages)
    update = index.IndexUpdate(options.index, recreate=state.fresh, language=state.language)
    try:
        state.read = read_archive(
            archive, ReadOptions(settings, workers=options.workers), state.earlier,
            on_document=_Intake(state, update, writer, bodies).take,
            progress=progress(len(archive.files)) if progress else None)
        present = {document.source for document in state.documents}
        state.removed = sorted(s for s in state.earlier.documents if s not in present)
        update.remove(state.removed)
    except BaseException:
        update.cancel()
        raise
    update.commit()  # the index first, the store second: a crash between heals later


def _count(state: BuildState) -> None:
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
    report.skipped, report.drafts, report.warnings = read.skipped, read.drafts, read.warnings


def _find_related(state: BuildState, bodies: Bodies) -> None:
    """The stored map when no essay and no setting changed; else the map computed again
    where changes can reach."""
    index, options = state.options.index, state.related_options
    unchanged = not state.fresh and not state.changed and not state.removed
    if unchanged and state.previous.get("related_options") == repr(options):
        state.related = RelatedMap(index)  # still exact: stored as it is
        return
    from .related_store import load_related_state
    from .related_update import update_related

    cache = state.term_cache()
    # Essays analysed by no earlier build (a store from before counts were kept).
    bodies.load([d for d in state.documents if d.content_hash not in cache])
    previous = None if state.fresh else store.load_related(index)
    computed, related_state = update_related(
        state.documents, options, cache, previous,
        None if state.fresh else load_related_state(index))
    state.related = RelatedMap(index, computed, related_state, previous)


@dataclass
class _Rendered:
    """One output's part in this build."""

    output: Output
    key: str
    files: dict[str, bytes | None]  # None: in place as it should be
    state: Any = None

    def record(self, key: str | None = None) -> dict:
        return {"key": self.key if key is None else key, "files": list(self.files),
                "state": self.state}


def _render_outputs(state: BuildState, bodies: Bodies) -> list[_Rendered]:
    """Each enabled output's files, unless its key and files are as at the last build."""
    options = state.options
    assert state.related is not None
    context = OutputContext(state.documents, options, state.base_url, Path(options.out),
                            bodies.load, state.related.get)
    records = _records(state.previous)
    essays = _essays_digest(state.documents)
    result = []
    for output in enabled_outputs(options):
        key = _output_key(output, state, essays)
        record = records.get(output.name, {})
        if record.get("key") == key and all(map(context.present, record["files"])):
            result.append(_Rendered(output, key, dict.fromkeys(record["files"]),
                                    record.get("state")))
            continue
        rendered = output.render(context, record.get("state"))
        result.append(_Rendered(output, key, rendered.files, rendered.state))
    return result


def _records(meta: dict[str, str]) -> dict[str, dict]:
    """What each output wrote at the last build: its key, its files, its own state."""
    records = json.loads(meta.get("outputs", "{}"))
    return records if isinstance(records, dict) else {}  # a list: a store before outputs


def _essays_digest(documents: list[Document]) -> bytes:
    digest = hashlib.sha256()
    for document in sorted(documents, key=lambda d: d.source):
        digest.update(document.output_identity())
    return digest.digest()


def _output_key(output: Output, state: BuildState, essays: bytes) -> str:
    """What an output's files are made from; equal keys, equal files."""
    related = state.related_options if output.uses_related else None
    settings = output.settings(state.options, state.base_url)
    described = repr((__version__, state.fingerprint, output.name, settings, related))
    return hashlib.sha256(described.encode() + essays).hexdigest()


def _changes(state: BuildState, rendered: list[_Rendered]) -> store.StoreChanges:
    """The store's part of the build. The outputs are recorded with no key before their
    files are written, and with every file they wrote last time or will write now (an
    output disabled since keeps its record until its files are gone), so a build killed
    while writing leaves the next one all it must render and clean up."""
    related = state.related
    assert related is not None
    pending = {name: {"key": "", "files": record.get("files", []), "state": None}
               for name, record in _records(state.previous).items()}
    for part in rendered:
        earlier = pending.get(part.output.name, {}).get("files", [])
        pending[part.output.name] = {"key": "", "state": None,
                                     "files": list(dict.fromkeys([*part.files, *earlier]))}
    meta = {"fingerprint": state.fingerprint, "base_url": state.base_url,
            "title": state.options.title,
            "related_options": repr(state.related_options),
            "exports": json.dumps(state.read.exports),
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "outputs": json.dumps(pending)}
    changes = store.StoreChanges(state.removed, meta, file_stats=state.read.stats,
                                 previous_stats=state.earlier.stats)
    if related.computed is not None:
        from .related_store import state_rows

        changes.related, changes.previous_related = related.computed, related.previous
        changes.related_state = state_rows(related.state)
    if state.terms is not None:
        from .related_store import term_rows

        changes.terms = term_rows(state.terms)
    return changes


def _publish(state: BuildState, rendered: list[_Rendered]) -> None:
    """Write the outputs' files into OUT, remove those the outputs wrote before and no
    longer write (disabled outputs' included), and record what each wrote: only once
    every file is in place, so a build killed before this point leaves no key, and the
    next one renders all outputs again."""
    out, index = state.roots
    publisher = Publisher(out, index)
    earlier = [name for record in _records(state.previous).values()
               for name in record.get("files", [])]
    publisher.clear_leftovers(earlier)
    for part in rendered:
        for name, data in part.files.items():
            if data is not None:  # None: already as it should be
                publisher.write(name, data)
    # What outputs wrote before and write no more (a tag gone, an option turned off).
    current = {name for part in rendered for name in part.files}
    publisher.remove_stale([name for name in earlier if name not in current])
    store.update_meta(index, {"outputs": json.dumps(
        {part.output.name: part.record() for part in rendered})})
    options_out = Path(state.options.out)
    state.report.outputs = [options_out / name for part in rendered for name in part.files]
    state.report.output_lines = [line for part in rendered
                                 for line in part.output.summary(options_out, list(part.files))]
