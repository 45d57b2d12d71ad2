"""A build: archive -> documents -> index, feeds and related posts, written atomically.

A build is a sequence of stages over one :class:`BuildState`:

    read, index and store -> related -> outputs -> commit -> publish

- **read, index and store** (intake.py): each essay, as soon as it is read (in file
  order; files are parsed in worker processes meanwhile), is indexed by Whoosh, stored in
  the document store and its words counted for related posts; then its bodies are let go
  (:class:`Bodies` loads them again for a stage that needs them), so memory holds no
  essay's text for long. Files unchanged since the last build are not parsed: their
  essays come from the store.
- **related**: the related map, recomputed only where essays changed (related_update), or
  the stored one when nothing did.
- **outputs**: each enabled output (outputs/) renders its files, unless its essays and
  settings are as at its last build and its files are in place.
- **commit**: the index, then the store, each in one transaction.
- **publish**: files written atomically into OUT, then files that the outputs wrote last
  time and no longer write are removed; what each output wrote is recorded for the next
  build.

Before them, a build that finds nothing changed since the last returns that build's report
(unchanged.py). The state and report are buildstate.py's (the counts and notes of the read
too); the outputs and publish stages, rendering.py's.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from . import __version__, faults, interrupts, locking, store, unchanged
from .buildstate import Bodies, BuildReport, BuildState, RelatedMap, count_read
from .collection import without_collection
from .intake import read_and_index
from .progress import BuildProgress, as_progress
from .rendering import Rendered, publish, records, render_outputs
from .settings import BuildOptions
from .sites import EssayUrls, Site, detect
from .sources import Earlier
from .urls import is_web_address, normalize_base_url

__all__ = ["BuildError", "BuildInterrupted", "BuildOptions", "BuildReport", "build",
           "check_folders"]

DEFAULT_BASE_URL = "http://localhost:8000/"
STORE_FORMAT = "16"
BEHIND = unchanged.BEHIND  # meta: a quick build left the related map and outputs behind


class BuildError(Exception):
    """A build that cannot start: a missing folder, or folders that overlap."""


class BuildInterrupted(KeyboardInterrupt):
    """A build stopped by Ctrl-C or SIGTERM: the index and store are as before it (or, if it
    stopped between their commits, as the next build heals them); ``outputs_intact`` says
    whether it stopped before writing any output (else each is whole, old or new)."""

    def __init__(self, outputs_intact: bool, terminated: bool) -> None:
        self.outputs_intact, self.terminated = outputs_intact, terminated
        self.exit_code = 143 if terminated else 130  # 128 + the signal's number
        super().__init__("interrupted; the previous outputs are intact" if outputs_intact
                         else "interrupted while writing the outputs: each file is whole, "
                              "old or new; the next build finishes them")


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
    if options.data_dir is not None:
        data = Path(options.data_dir).resolve()
        if data.is_relative_to(idx):
            raise BuildError("--data-dir cannot be the index folder or inside it")


def build(options: BuildOptions,
          progress: BuildProgress | Callable[[int], Callable[[str], None]] | None = None,
          *, quick: bool = False) -> BuildReport:
    """Run a whole build. ``progress`` hears of each stage and how far it is
    (progress.BuildProgress); the older form, ``progress(total)`` returning a callback
    called once per file, works too.

    ``quick`` is the preview's first pass after an edit (serve.py): the essays are read,
    indexed and stored, so that search and the essays' pages show the edit at once, but
    the related map and the outputs are left as the last build made them, and noted as
    behind, so that the next build brings them up to date though no file changed since.
    A quick build of a store that must be made from nothing is a whole one.

    Only one build of an index runs at a time: a second one waits up to
    ``options.lock_timeout`` seconds, then raises BuildError naming the lock.
    """
    started = time.perf_counter()
    faults.arm()
    check_folders(options)
    try:
        with locking.exclusive(Path(options.index) / locking.LOCK_NAME,
                               options.lock_timeout) as lock:
            report = _build_locked(options, as_progress(progress), quick)
            if note := lock.note():
                report.notes.insert(0, note)
    except locking.LockTimeout as exc:
        raise BuildError(str(exc)) from exc
    except BuildInterrupted:
        raise
    except KeyboardInterrupt as exc:
        raise BuildInterrupted(True, isinstance(exc, interrupts.Terminated)) from exc
    except Exception as exc:
        from .index import whoosh_index  # loaded already if the index was opened

        if isinstance(exc, whoosh_index.LockError):
            raise BuildError(f"the search index in {options.index} is locked by another "
                             "writer (Whoosh's MAIN_WRITELOCK); try again later") from exc
        raise
    report.seconds = time.perf_counter() - started
    return report


def _build_locked(options: BuildOptions, progress: BuildProgress,
                  quick: bool = False) -> BuildReport:
    state = _start(options)
    state.progress = progress
    if (report := unchanged.unchanged_build(state)) is not None:
        return report
    _load_earlier(state)
    writer = store.StoreWriter(options.index, replace_all=state.fresh)
    try:
        bodies = Bodies(writer, state.earlier.documents.values())
        read_and_index(state, writer, bodies)
        count_read(state)
        interrupts.check()
        if quick and not state.fresh:
            state.related = RelatedMap(options.index)  # the stored one, left as it is
            progress.stage("saving the store", len(state.documents))
            writer.finish(_changes(state, None))
            return state.report
        progress.stage("related posts", len(state.documents))
        _find_related(state, bodies)
        rendered = render_outputs(state, bodies)
        interrupts.check()
        progress.stage("saving the store", len(state.documents))
        writer.finish(_changes(state, rendered))
    except BaseException:
        writer.abort()
        raise
    try:
        publish(state, rendered)
    except KeyboardInterrupt as exc:
        raise BuildInterrupted(False, isinstance(exc, interrupts.Terminated)) from exc
    return state.report


def _start(options: BuildOptions) -> BuildState:
    """What the last build left, and whether it can be built upon."""
    report = BuildReport()
    site = _site(options)
    site_url = site.base_url if site is not None and site.base_url and \
        is_web_address(site.base_url) else None
    base_url = normalize_base_url(options.base_url or site_url or DEFAULT_BASE_URL)
    if not options.base_url and site_url:
        report.notes.append(f"base URL {base_url} from {site.config}")  # type: ignore[union-attr]
    elif not options.base_url:
        report.notes.append(f"no --base-url given: feed links point at {base_url}")
    data_dir = options.data_dir or (site.data_dir if site is not None else None)
    if data_dir is not None and Path(data_dir).resolve().is_relative_to(
            Path(options.index).resolve()):
        raise BuildError(f"the data folder {data_dir} is inside the index folder; give "
                         "--index a folder of its own")
    if site is not None:
        report.notes.append(site.note(data_dir))
    language = options.language.lower().split("-")[0]
    # A setting that changes what the index and store hold of unchanged files: a change
    # of one rebuilds from the sources.
    fingerprint = (f"{__version__}|{STORE_FORMAT}|{base_url}|{options.default_tz}|{language}"
                   f"|{options.undated}|{options.permalink}"
                   f"|{site.fingerprint() if site is not None else ''}")
    previous, problem = _earlier(options.index, fingerprint)
    fresh = options.rebuild or problem is not None or \
        previous.get("fingerprint") != fingerprint
    if problem is not None:
        report.notes.append(f"{problem}; rebuilt from the sources")
    elif options.rebuild:
        report.notes.append("rebuilt from the sources (--rebuild)")
    state = BuildState(options, base_url, language, fingerprint, previous, fresh, Earlier(),
                       report)
    state.site, state.data_dir = site, Path(data_dir) if data_dir is not None else None
    state.urls = EssayUrls(base_url, options.permalink, site)
    state.start_notes = len(report.notes)
    return state


def _site(options: BuildOptions) -> Site | None:
    """The site SOURCE is (or is the content of), as ``--site-kind`` allows."""
    site = detect(Path(options.source), options.site_kind)
    if site is None and options.site_kind not in ("auto", "none"):
        raise BuildError(f"{options.source} is not a {options.site_kind} site, nor inside "
                         f"one: no {options.site_kind} config file found there or above")
    return site


def _earlier(index_dir: Path, fingerprint: str) -> tuple[dict[str, str], str | None]:
    """The last build's meta, and what is wrong with the store or the index, if anything:
    then the build starts from nothing, and heals them."""
    try:
        previous = store.get_meta(index_dir)
    except (store.DamagedStore, sqlite3.DatabaseError):
        store.remove_store(index_dir)
        return {}, _damaged(index_dir)
    if previous.get("fingerprint") != fingerprint:
        return previous, None
    from . import index

    if previous.get("index_files") == index.files_signature(index_dir):
        return previous, None  # as the last build left it
    return previous, index.problem(index_dir)


def _load_earlier(state: BuildState) -> None:
    """The last build's essays, when it was made with the same settings (without bodies:
    a rebuild that finds nothing changed never needs them), its files of many essays and
    its files' sizes and times. A store found damaged here is made anew, as in _earlier."""
    if state.fresh:
        return
    index_dir = Path(state.options.index)
    try:
        state.earlier = Earlier(store.load_documents(index_dir, bodies=False),
                                json.loads(state.previous.get("exports", "{}")),
                                state.earlier.stats or store.load_file_stats(index_dir),
                                state.earlier.seen)
    except (store.DamagedStore, sqlite3.DatabaseError, ValueError):
        store.remove_store(index_dir)
        state.earlier, state.previous, state.fresh = Earlier(), {}, True
        state.report.notes.append(f"{_damaged(index_dir)}; rebuilt from the sources")
        state.start_notes = len(state.report.notes)


def _damaged(index_dir: Path) -> str:
    return f"the document store in {index_dir} was damaged"


def _find_related(state: BuildState, bodies: Bodies) -> None:
    """The stored map when no essay and no setting changed; else the map computed again
    where changes can reach."""
    index, options = state.options.index, state.related_options
    unchanged = not state.fresh and not state.changed and not state.removed and \
        not state.previous.get(BEHIND)
    if unchanged and state.previous.get("related_options") == repr(options):
        state.related = RelatedMap(index)  # still exact: stored as it is
        return
    from .related_map import load_lists
    from .related_store import load_related_state
    from .related_update import update_related

    # Arrays, records and lists by the hundred thousand, none of them cyclic: a collection
    # pass over them all, set off again and again, cost seconds at 100,000 essays.
    with without_collection():
        cache = state.term_cache()
        # Essays analysed by no earlier build (a store from before counts were kept).
        bodies.load([d for d in state.documents if d.content_hash not in cache])
        previous = None if state.fresh else load_lists(index)
        computed, related_state = update_related(
            state.documents, options, cache, previous,
            None if state.fresh else load_related_state(index))
        state.related = RelatedMap(index, computed, related_state, previous)


def _changes(state: BuildState, rendered: list[Rendered] | None) -> store.StoreChanges:
    """The store's part of the build, the index's files as it leaves them included. The
    outputs are recorded with no key before their files are written, and with every file
    they wrote last time or will write now (an output disabled since keeps its record until
    its files are gone), so a build killed while writing leaves the next one all it must
    render and clean up. A quick build (``rendered`` None) keeps the outputs' records and
    the related map's settings as they were, and notes that both are behind."""
    if rendered is None:
        meta = _meta(state, state.previous.get("outputs", "{}"))
        meta["related_options"] = state.previous.get("related_options", "")
        if state.changed or state.removed or state.previous.get(BEHIND):
            meta[BEHIND] = "1"
        return _store_changes(state, meta)
    pending = {name: {key: record[key] for key in ("files", "folder") if key in record}
                     | {"key": "", "state": None}
               for name, record in records(state.previous).items()}
    for part in rendered:
        before = pending.get(part.output.name, {})
        folder = str(part.folder) if part.folder is not None else None
        # Files written last time into another folder (a data folder moved) are not
        # this folder's: they are never removed from it.
        earlier = before.get("files", []) if before.get("folder") == folder else []
        pending[part.output.name] = {"key": "", "state": None,
                                     "files": list(dict.fromkeys([*part.files, *earlier]))}
        if folder is not None:
            pending[part.output.name]["folder"] = folder
    meta = _meta(state, json.dumps(pending))
    if (record := unchanged.record(state)) is not None:
        meta[unchanged.RECORD] = record
    return _store_changes(state, meta)


def _meta(state: BuildState, outputs: str) -> dict[str, str]:
    from . import index  # loaded by the read stage

    return {"fingerprint": state.fingerprint, "base_url": state.base_url,
            "title": state.options.title,
            "related_options": repr(state.related_options),
            "exports": json.dumps(state.read.exports),
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "outputs": outputs,
            "index_files": index.files_signature(state.options.index)}


def _store_changes(state: BuildState, meta: dict[str, str]) -> store.StoreChanges:
    related = state.related
    assert related is not None
    changes = store.StoreChanges(state.removed, meta, file_stats=state.read.stats,
                                 previous_stats=state.earlier.stats)
    if related.computed is not None:
        from .related_store import state_rows

        changes.related, changes.previous_related = related.computed, related.previous
        changes.related_state = state_rows(related.state)
    if state.terms is not None:
        from .related_store import term_rows

        changes.terms = term_rows(state.terms)
        if not state.fresh:
            earlier = state.earlier.documents
            changes.terms.stale = [earlier[source].content_hash for source in
                                   [d.source for d in state.changed] + state.removed
                                   if source in earlier]
    return changes


