"""A build that finds nothing changed: the archive's files as the last build read them,
its settings the same, its outputs in place. Such a build has nothing to read, index,
relate or render, and its report is the last build's; what costs is loading the stored
essays only to find each one as it was (at 100,000 essays, most of a rebuild's seconds).

So a whole build records, in the store's meta (``RECORD``), what its read gave the report
and what its outputs were made from. The next build first lists the archive and compares
each file's size and modification time with the store's record of it, as the read stage
would; only when every file is as recorded, and the settings, the store, the index and the
outputs are as the last build left them, does it return that build's report without
loading an essay. Anything else (a file added, removed or touched, a setting, an output
file gone, a quick build behind) is the whole build, which is what this one would have
done to the same effect.

A last build whose read could come out otherwise a second time records nothing: an essay
held back for its date in the future (the date comes), an essay a stage failed on, or a
file that was still being read when ``--read-timeout`` stopped it.
"""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

from . import store
from .buildstate import BuildReport, BuildState, RelatedMap
from .corpus import Archive, FileWarning
from .intake import read_settings
from .outputs import OutputContext, enabled_outputs
from .pipeline import TIMED_OUT
from .progress import READING
from .rendering import essays_digest, output_key, records
from .sources import RECENT_NS

RECORD = "unchanged"  # meta: what the next build needs to find nothing changed
BEHIND = "behind"  # meta (build.py): a quick build left the related map and outputs behind


def record(state: BuildState) -> str | None:
    """What a whole build's read gave, for the next build to reuse (JSON), or None when
    reading the same files again could give something else."""
    report = state.report
    warnings, notes = state.read_ends
    if report.future or state.failed or \
            any(TIMED_OUT in warning.reason for warning in report.warnings[:warnings]):
        return None
    stats = state.read.stats
    return json.dumps({
        "reading": _reading(state),
        "essays": essays_digest(state.documents).hex(),
        "files": len(stats),
        # Files read to no record (a kind no reader takes, a name that is not UTF-8, a
        # file too large): each gives its warning again while it stays as it is.
        "others": {source.relpath: _stat(source.location) for source in state.sources
                   if source.relpath not in stats},
        "report": {"documents": report.documents, "skipped": report.skipped,
                   "drafts": report.drafts,
                   "warnings": [[w.source, w.reason] for w in report.warnings[:warnings]],
                   "notes": report.notes[state.start_notes:notes]},
    })  # escaped: a file name that is not UTF-8 is kept as its escapes, and read back


def _stat(location: str) -> list[int]:
    """A file's size and modification time (ns) as a record compares them: none (-1) for
    a file that cannot be read, or that changed too lately to tell a next change by its
    time (sources.RECENT_NS)."""
    try:
        now = os.stat(location)
    except OSError:
        return [-1, -1]
    if time.time_ns() - now.st_mtime_ns < RECENT_NS:
        return [now.st_size, -1]
    return [now.st_size, now.st_mtime_ns]


def unchanged_build(state: BuildState) -> BuildReport | None:
    """The report of a build that finds nothing changed since the last (see the module),
    with the store's meta brought up to date; None when something did change."""
    previous = state.previous
    try:
        recorded = json.loads(previous.get(RECORD) or "null")
    except ValueError:
        return None
    if not isinstance(recorded, dict) or state.fresh or previous.get(BEHIND) or \
            previous.get("related_options") != repr(state.related_options) or \
            recorded.get("reading") != _reading(state):
        return None
    from .index import files_signature

    if previous.get("index_files") != files_signature(state.options.index):
        return None  # the index is not as the last build left it
    archive = state.archive = Archive(Path(state.options.source), state.never_read,
                                      state.site)  # listed once: the read stage's too
    stats = state.earlier.stats = store.load_file_stats(state.options.index)  # kept, too
    others = recorded.get("others")
    if len(stats) != recorded.get("files") or not isinstance(others, dict) or \
            not _files_as_recorded(state, archive, stats, others):
        return None
    outputs = _outputs_in_place(state, bytes.fromhex(recorded["essays"]))
    if outputs is None:
        return None
    store.update_meta(state.options.index,
                      {"built_at": datetime.now(UTC).isoformat(timespec="seconds")})
    return _report(state, recorded["report"], outputs)


def _outputs_in_place(state: BuildState, essays: bytes) -> list | None:
    """Each enabled output (its folder when not OUT, and its files) when every one's key,
    folder and files are as the last build recorded them (rendering.render_outputs' own
    test), and no output was turned off since; else None."""
    context = OutputContext([], state.options, state.base_url, Path(state.options.out),
                            lambda documents: None, RelatedMap(state.options.index).get,
                            state.data_dir, state.site.kind if state.site else "")
    recorded = records(state.previous)
    found = []
    for output in enabled_outputs(state.options):
        if output.root == "data" and state.data_dir is None:
            continue
        kept = recorded.get(output.name, {})
        folder = context.folder(output.root).resolve() if output.root != "out" else None
        files = kept.get("files", [])
        if kept.get("key") != output_key(output, state, essays) or \
                kept.get("folder") != (str(folder) if folder is not None else None) or \
                not all(context.present(name, output.root) for name in files):
            return None
        found.append((output, folder, files))
    if set(recorded) != {output.name for output, _, _ in found}:
        return None  # an output turned off: its files are to be removed
    return found


def _reading(state: BuildState) -> list:
    """The settings that change what reading the same files gives, beyond the store's
    fingerprint."""
    return [read_settings(state).key(), state.options.include_future]


def _files_as_recorded(state: BuildState, archive: Archive,
                       stats: dict[str, tuple[int, int, str]], others: dict) -> bool:
    """Is every file of the archive one the store records, with the size and modification
    time it had (the read stage's own test), or one of ``others`` as it was, and no other?"""
    sources = archive.sources
    progress = state.progress
    progress.stage(READING, len(sources), "files")
    if len(sources) != len(stats) + len(others):
        return False
    # Past the first changed file, each file is still looked at, and its stat kept for the
    # read stage (sources.Earlier.seen), which then need not look at it again.
    seen: dict[str, os.stat_result] | None = None
    for source in sources:
        progress.advance(source.relpath)
        known = stats.get(source.relpath)
        if known is None:
            other = others.get(source.relpath)
            if seen is None and (other is None or other[1] < 0 and other[0] >= 0 or
                                 _stat(source.location) != other):
                seen = state.earlier.seen
            continue
        try:
            now = os.stat(source.location)
        except OSError:
            seen = state.earlier.seen if seen is None else seen
            continue
        if seen is None and known[1] >= 0 and \
                (now.st_size, now.st_mtime_ns) == (known[0], known[1]):
            continue
        seen = state.earlier.seen if seen is None else seen
        seen[source.relpath] = now
    return seen is None


def _report(state: BuildState, recorded: dict, outputs: list) -> BuildReport:
    report = state.report
    report.documents = report.unchanged = recorded["documents"]
    report.skipped, report.drafts = recorded["skipped"], recorded["drafts"]
    report.warnings = [FileWarning(source, reason) for source, reason in recorded["warnings"]]
    report.notes += recorded["notes"]
    out = Path(state.options.out)
    report.outputs = [(folder or out) / name for _, folder, files in outputs for name in files]
    report.output_lines = [line for output, folder, files in outputs
                           for line in output.summary(folder or out, list(files))]
    return report
