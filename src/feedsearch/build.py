"""A build: archive -> documents -> index, feeds and related posts, written atomically."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from . import __version__, locking, store
from .corpus import FileWarning, iter_source_files, read_corpus
from .model import Document
from .output import STAGING, clear_staging, related_json_bytes, write_atomic
from .pipeline import default_workers
from .settings import STYLESHEET_NAME, FeedSite, RelatedOptions
from .urls import essay_url, normalize_base_url

DEFAULT_BASE_URL = "http://localhost:8000/"
STORE_FORMAT = "10"
GROUP_FOLDERS = ("tags", "authors")


class BuildError(Exception):
    """A build that cannot start: a missing folder, or folders that overlap."""


@dataclass
class BuildOptions:
    source: Path
    out: Path
    index: Path
    base_url: str | None = None
    title: str = "Essays"
    description: str = ""
    language: str = "en-us"
    author: str | None = None
    feed_limit: int = 20
    include_drafts: bool = False
    include_future: bool = False
    include_pages: bool = False  # pages in WordPress exports are essays too
    workers: int = field(default_factory=default_workers)  # processes that parse files
    default_tz: tzinfo = UTC
    full_content: bool = True
    tag_feeds: bool = True
    author_feeds: bool = False
    xsl: bool = False  # write our stylesheet to OUT/feed.xsl and link the feeds to it
    xsl_url: str | None = None  # or link the feeds to a stylesheet of your own
    websub_hub: str | None = None
    lock_timeout: float = 60.0  # seconds to wait for another build of the same index
    related: RelatedOptions = field(default_factory=RelatedOptions)
    related_formats: tuple[str, ...] = ()  # "hugo", "eleventy", "jekyll": data files too

    def feed_site(self, base_url: str) -> FeedSite:
        stylesheet = self.xsl_url or (base_url + STYLESHEET_NAME if self.xsl else None)
        return FeedSite(self.title, base_url, self.description, self.language, self.author,
                        self.feed_limit, self.full_content, self.tag_feeds, self.author_feeds,
                        stylesheet, self.websub_hub)


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


def _build_locked(options: BuildOptions, progress) -> BuildReport:
    from . import index  # Whoosh; opened only when something changed
    report = BuildReport()
    base_url = normalize_base_url(options.base_url or DEFAULT_BASE_URL)
    if not options.base_url:
        report.notes.append(f"no --base-url given: feed links point at {base_url}")

    language = options.language.lower().split("-")[0]
    fingerprint = f"{__version__}|{STORE_FORMAT}|{base_url}|{options.default_tz}|{language}"
    previous = store.get_meta(options.index)
    fresh = previous.get("fingerprint") != fingerprint
    # Without bodies: a rebuild that finds nothing changed never needs them.
    known = {} if fresh else store.load_documents(options.index, bodies=False)
    bodiless = {id(document) for document in known.values()}
    known_stats = {} if fresh else store.load_file_stats(options.index)
    known_slugs = {source: document.slug for source, document in known.items()}

    roots = (Path(options.out), Path(options.index))
    paths = list(iter_source_files(Path(options.source), exclude=roots))
    documents: list[Document] = []
    changed: list[Document] = []
    now = datetime.now(UTC)
    update = index.IndexUpdate(options.index, recreate=fresh, language=language)
    writer = store.StoreWriter(options.index, replace_all=fresh)
    cache: list = []  # the term-count cache, loaded at the first changed essay

    def term_cache():
        if not cache:
            from .related import TermCache

            cache.append(TermCache() if fresh else store.load_term_counts(options.index))
        return cache[0]

    def take(document: Document) -> None:
        """Each essay as soon as it is read: Whoosh indexes it, the store keeps it and its
        words are counted while the next are parsed; then its bodies are let go, so memory
        holds no essay's text for long."""
        if not options.include_future and document.date is not None and document.date > now:
            report.future += 1
            return
        document.url = document.url or essay_url(base_url, document.slug)
        documents.append(document)
        # A reused document is the stored object itself; a new slug (a duplicate appeared
        # or went away) still needs re-indexing.
        if known.get(document.source) is document and \
                known_slugs.get(document.source) == document.slug:
            return
        if id(document) in bodiless:  # reused, but its slug changed
            writer.fill_bodies([document])
        changed.append(document)
        update.add(document)
        writer.put(document)
        term_cache().count(document, language)
        document.html = document.text = ""
        bodiless.add(id(document))

    try:
        try:
            read = read_corpus(
                Path(options.source), exclude=roots, default_tz=options.default_tz,
                include_drafts=options.include_drafts, known=known, paths=paths,
                progress=progress(len(paths)) if progress else None,
                include_pages=options.include_pages, workers=options.workers,
                known_exports={} if fresh else json.loads(previous.get("exports", "{}")),
                on_document=take, known_stats=known_stats)
            present = {d.source for d in documents}
            removed = sorted(source for source in known if source not in present)
            update.remove(removed)
        except BaseException:
            update.cancel()
            raise
        update.commit()  # the index first, the store second: a crash between heals later
        _count(report, read, documents, changed, removed, known)
        outputs = _outputs(options, previous, fresh, read, documents, changed,
                           removed, base_url, language, term_cache, writer, bodiless)
        writer.finish(removed, outputs.computed, {
            "fingerprint": fingerprint, "base_url": base_url, "title": options.title,
            "related_options": repr(outputs.related_options),
            "exports": json.dumps(read.exports),
            "built_at": datetime.now(UTC).isoformat(timespec="seconds")},
            term_counts=cache[0] if cache else None, related_state=outputs.related_state,
            file_stats=read.stats, previous_related=outputs.previous_related,
            previous_stats=known_stats)
    except BaseException:
        writer.abort()
        raise
    files, names, outputs_key, feed_keys = (outputs.files, outputs.names, outputs.key,
                                            outputs.feed_keys)
    out = Path(options.out)
    staging = Path(options.index) / STAGING
    clear_staging(staging)
    for leftover in out.rglob(".*.tmp") if out.is_dir() else ():  # from a killed build
        leftover.unlink(missing_ok=True)
    if files is not None:
        for name, data in files.items():
            if data is not None:  # None: a feed whose entries did not change
                write_atomic(out / name, data, roots, staging)
        _remove_stale_group_feeds(out, files)
    # Recorded only once every output is in place: a build killed before this point
    # leaves no record, and the next one writes all outputs again.
    store.update_meta(options.index, {"outputs_key": outputs_key, "outputs": json.dumps(names),
                                      "feeds": json.dumps(feed_keys)})
    report.outputs = [out / name for name in names]
    return report


def _count(report: BuildReport, read, documents: list[Document], changed: list[Document],
           removed: list[str], known: dict[str, Document]) -> None:
    report.notes += read.notes
    if report.future:
        report.notes.append(f"{report.future} essays dated in the future are left out "
                            "until their date (--future includes them)")
    report.documents = len(documents)
    report.added = sum(1 for d in changed if d.source not in known)
    report.updated = len(changed) - report.added
    report.removed = len(removed)
    report.unchanged = len(documents) - len(changed)
    report.skipped, report.drafts, report.warnings = read.skipped, read.drafts, read.warnings


@dataclass
class _Outputs:
    """What a build writes besides the index, and what the store keeps of it."""

    key: str
    names: list[str]
    feed_keys: dict[str, str]
    related_options: RelatedOptions
    files: dict[str, bytes | None] | None = None
    computed: dict[str, list[dict]] | None = None  # a related map made by this build
    related_state: object = None
    previous_related: dict[str, list[dict]] | None = None


def _outputs(options: BuildOptions, previous: dict[str, str], fresh: bool,
             read, documents: list[Document], changed: list[Document], removed: list[str],
             base_url: str, language: str, term_cache, writer, bodiless: set[int]) -> _Outputs:
    """Feeds, related posts and their data files, unless nothing they are made of changed
    and they are all in place."""
    related_options = replace(options.related, language=language)
    out = Path(options.out)
    unchanged = not fresh and not changed and not removed
    key = _outputs_key(documents, options, base_url, related_options)
    written = json.loads(previous.get("outputs", "[]"))
    feed_keys = json.loads(previous.get("feeds", "{}"))
    if unchanged and previous.get("outputs_key") == key and \
            all((out / name).is_file() for name in written):
        return _Outputs(key, written, feed_keys, related_options)
    from .feeds import feed_files
    from .related import site_data_files
    from .related_update import update_related

    result = _Outputs(key, [], feed_keys, related_options)
    if unchanged and previous.get("related_options") == repr(related_options):
        related = store.load_related(options.index)  # still exact: stored as it is
    else:
        cache = term_cache()
        # Essays analysed by no earlier build (a store from before counts were kept).
        writer.fill_bodies([d for d in documents if d.content_hash not in cache
                            and id(d) in bodiless])
        result.previous_related = None if fresh else store.load_related(options.index)
        result.computed, result.related_state = update_related(
            documents, related_options, cache, result.previous_related,
            None if fresh else store.load_related_state(options.index))
        related = result.computed

    def bodies(entries: list[Document]) -> None:
        writer.fill_bodies([d for d in entries if id(d) in bodiless])
        bodiless.difference_update(id(d) for d in entries)

    files, result.feed_keys = feed_files(documents, options.feed_site(base_url), feed_keys,
                                         present=lambda name: (out / name).is_file(),
                                         bodies=bodies)
    files["related.json"] = related_json_bytes(related)
    files.update(site_data_files(related, options.related_formats))
    result.files, result.names = files, list(files)
    return result


def _outputs_key(documents, options: BuildOptions, base_url: str, related_options) -> str:
    """What the feeds and the related map are made from; equal keys, equal outputs."""
    digest = hashlib.sha256()
    for document in sorted(documents, key=lambda d: d.source):
        digest.update(document.output_identity())
    digest.update(repr((__version__, options.feed_site(base_url), related_options,
                        options.related_formats)).encode())
    return digest.hexdigest()


def _remove_stale_group_feeds(out: Path, files: dict[str, bytes]) -> None:
    """Tag and author feed folders that this build did not write (the tag is gone, or the
    option was turned off); only folders that hold nothing but our feeds are removed."""
    current = {tuple(name.split("/")[:2]) for name in files if name.count("/") == 2}
    for group in GROUP_FOLDERS:
        parent = out / group
        if not parent.is_dir():
            continue
        for folder in parent.iterdir():
            stale = folder.is_dir() and (group, folder.name) not in current
            if stale and {p.name for p in folder.iterdir()} <= {"feed.xml", "atom.xml"}:
                shutil.rmtree(folder)
