"""The first stage of a build: read, index and store. Each essay, as soon as it is read
(in file order; files are parsed in worker processes meanwhile), is indexed by Whoosh,
stored in the document store and its words counted for related posts; then its bodies are
let go (buildstate.Bodies loads them again for a stage that needs them), so memory holds
no essay's text for long. Files unchanged since the last build are not parsed: their
essays come from the store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from . import faults, store
from .buildstate import Bodies, BuildState
from .corpus import Archive, FileWarning, ReadOptions, read_archive
from .model import Document
from .progress import READING
from .readers import ReadSettings


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
        assert state.urls is not None
        reused = state.earlier.documents.get(document.source) is document
        same = reused and self.known_slugs.get(document.source) == document.slug
        # A URL made from the slug alone (no site rules, no permalink pattern) is the one
        # stored while the slug is.
        if document.url is None or document.url_from_slug and not (same and state.urls.plain):
            document.url, problem = state.urls.url(document)
            document.url_from_slug = True
            if problem:
                state.url_warnings.append(FileWarning(document.source, problem))
        if same:
            state.documents.append(document)
            return
        if reused:
            self.bodies.load([document])
        try:
            fields, row = self._prepare(document)
        except Exception as exc:  # one essay's failure is its own: a warning, not the build's
            state.failed.append(FileWarning(document.source, _failure(exc)))
            self.bodies.release(document)
            return
        state.documents.append(document)
        state.changed.append(document)
        self.update.add_fields(fields)
        self.writer.put_row(row)
        self.bodies.release(document)

    def _prepare(self, document: Document) -> tuple[dict, tuple]:
        """What the index and the store will hold of the essay, and its words counted for
        related posts: everything that could fail on the essay itself, before any of it is
        written, so that a failure leaves it out of all three."""
        from .index import index_fields

        faults.inject("index", document.source)
        fields = index_fields(document)
        faults.inject("store", document.source)
        row = store.row(document)
        faults.inject("related", document.source)
        self.state.term_cache().count(document, self.state.language)
        return fields, row


def _failure(exc: Exception) -> str:
    """A failure on one essay, as its warning says it: the essay is left out."""
    return f"left out of this build: {type(exc).__name__}: {exc}"


def read_and_index(state: BuildState, writer: store.StoreWriter, bodies: Bodies) -> None:
    from . import index  # Whoosh; opened only when something changed

    options = state.options
    archive = state.archive or Archive(Path(options.source), state.never_read, state.site)
    settings = read_settings(state)
    update = index.IndexUpdate(options.index, recreate=state.fresh, language=state.language)
    state.sources = archive.sources
    state.progress.stage(READING, len(archive.sources), "files")
    try:
        state.read = read_archive(
            archive, ReadOptions(settings, options.workers, options.read_timeout or None,
                                 options.undated),
            state.earlier,
            on_document=_Intake(state, update, writer, bodies).take,
            progress=state.progress.advance)
        present = {document.source for document in state.documents}
        state.removed = sorted(s for s in state.earlier.documents if s not in present)
        update.remove(state.removed)
    except BaseException:
        update.cancel()
        raise
    state.progress.stage("writing the search index", len(state.documents))
    update.commit()  # the index first, the store second: a crash between heals later


def read_settings(state: BuildState) -> ReadSettings:
    """The build's settings as each file is read with them."""
    options = state.options
    return ReadSettings(options.default_tz, options.include_drafts, options.include_pages,
                        options.max_file_size, state.language)
