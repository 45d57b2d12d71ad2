"""The outputs and publish stages of a build: each enabled output renders its files unless
its key and files are as at the last build, then the files are written into OUT, the files
outputs no longer write are removed, and what each output wrote is recorded."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from . import __version__, interrupts, store
from .buildstate import Bodies, BuildState
from .corpus import FileWarning
from .model import Document
from .outputs import Output, OutputContext, enabled_outputs
from .outputs import Rendered as OutputFiles
from .publish import Publisher


@dataclass
class Rendered:
    """One output's part in this build."""

    output: Output
    key: str
    files: dict[str, bytes | None]  # None: in place as it should be
    state: Any = None

    folder: Path | None = None  # where its files are, when not OUT (the data folder)

    def record(self) -> dict:
        record = {"key": self.key, "files": list(self.files), "state": self.state}
        if self.folder is not None:
            record["folder"] = str(self.folder)
        return record


def render_outputs(state: BuildState, bodies: Bodies) -> list[Rendered]:
    """Each enabled output's files, unless its key and files are as at the last build."""
    options = state.options
    assert state.related is not None
    context = OutputContext(state.documents, options, state.base_url, Path(options.out),
                            bodies.load, state.related.get, state.data_dir,
                            state.site.kind if state.site is not None else "",
                            state.related.unchanged_texts)
    earlier = records(state.previous)
    essays = essays_digest(state.documents)
    result = []
    outputs = [output for output in enabled_outputs(options)
               if output.root != "data" or state.data_dir is not None]
    state.progress.stage("feeds and files", len(outputs), "outputs")
    for output in outputs:
        state.progress.advance(output.name)
        key = output_key(output, state, essays)
        record = earlier.get(output.name, {})
        folder = context.folder(output.root).resolve() if output.root != "out" else None
        same_folder = record.get("folder") == (str(folder) if folder is not None else None)
        if record.get("key") == key and same_folder and \
                all(context.present(name, output.root) for name in record["files"]):
            result.append(Rendered(output, key, dict.fromkeys(record["files"]),
                                    record.get("state"), folder))
            continue
        rendered, whole = _render(output, context, record.get("state"), state.report.warnings)
        if rendered is None:  # kept as the last build left it
            rendered = OutputFiles(dict.fromkeys(record.get("files", [])), record.get("state"))
        # Files made without some essays, or not made, get no key: the next build tries
        # again, and once the failure is gone, they are whole.
        files = rendered.files
        if folder is not None:
            files = _leave_others(files, folder, record, state.report.warnings)
        result.append(Rendered(output, key if whole else "", files, rendered.state, folder))
    return result


def _leave_others(files: dict[str, bytes | None], folder: Path, record: dict,
                  warnings: list[FileWarning]) -> dict[str, bytes | None]:
    """The files to write into the site's data folder, less those already there that
    feedsearch did not write (by its record of that folder) and that hold other bytes:
    the folder is the writer's own, and a file of hers is never replaced."""
    ours = set(record.get("files", [])) if record.get("folder") == str(folder) else set()
    kept = {}
    for name, data in files.items():
        if data is not None and name not in ours and _someone_elses(folder / name, data):
            warnings.append(FileWarning(str(folder / name), (
                "is not a file feedsearch wrote; left as it is (move it away, or give "
                "--data-dir another folder, to have the related map written there)")))
            continue
        kept[name] = data
    return kept


def _render(output: Output, context: OutputContext, previous: Any,
            warnings: list[FileWarning]) -> tuple[OutputFiles | None, bool]:
    """The output's files, and whether they hold every essay. Should rendering fail, the
    essays it fails on alone are left out of it, one warning each, and the rest rendered;
    a failure no essay explains (or every essay) is one warning, and the output's files
    stay as the last build left them (None)."""
    try:
        return output.render(context, previous), True
    except Exception as exc:
        failure = exc
    culprits = _culprits(output, context)
    if len(culprits) == len(context.documents):  # every essay: the output itself fails
        culprits = []
    for document, exc in culprits:
        warnings.append(FileWarning(document.source, f"left out of the {output.name} "
                                    f"output: {type(exc).__name__}: {exc}"))
    if culprits:
        left_out = {document.source for document, _ in culprits}
        kept = replace(context, documents=[d for d in context.documents
                                           if d.source not in left_out])
        try:
            return output.render(kept, previous), False
        except Exception as exc:
            failure = exc
    warnings.append(FileWarning(str(context.out), f"the {output.name} output could not be "
                                f"made ({type(failure).__name__}: {failure}); its files "
                                "from the last build are kept"))
    return None, False


def _culprits(output: Output, context: OutputContext) -> list[tuple[Document, Exception]]:
    """The essays the output fails to render on their own, with what each raised."""
    found = []
    for document in context.documents:
        interrupts.check()
        try:
            output.render(replace(context, documents=[document]), None)
        except Exception as exc:
            found.append((document, exc))
    return found


def records(meta: dict[str, str]) -> dict[str, dict]:
    """What each output wrote at the last build: its key, its files, its own state."""
    found = json.loads(meta.get("outputs", "{}"))
    return found if isinstance(found, dict) else {}  # a list: a store before outputs


def essays_digest(documents: list[Document]) -> bytes:
    """What the outputs take from the essays besides their settings (see output_key)."""
    digest = hashlib.sha256()
    for document in sorted(documents, key=lambda d: d.source):
        digest.update(document.output_identity())
    return digest.digest()


def output_key(output: Output, state: BuildState, essays: bytes) -> str:
    """What an output's files are made from; equal keys, equal files."""
    related = state.related_options if output.uses_related else None
    settings = output.settings(state.options, state.base_url)
    described = repr((__version__, state.fingerprint, output.name, settings, related))
    return hashlib.sha256(described.encode() + essays).hexdigest()


def publish(state: BuildState, rendered: list[Rendered]) -> None:
    """Write the outputs' files into OUT (and the data folder), remove those the outputs
    wrote before and no longer write (disabled outputs' included), and record what each
    wrote: only once every file is in place, so a build killed before this point leaves no
    key, and the next one renders all outputs again. A file is removed only from the
    folder it was recorded as written to."""
    out, index = state.roots
    publisher = Publisher(out, index, state.data_dir)
    out_folder = out.resolve()
    earlier = [(folder, name) for record in records(state.previous).values()
               for folder in [_recorded_folder(record, out_folder)]
               for name in record.get("files", [])]
    publisher.clear_leftovers(earlier)
    state.progress.stage("publishing", sum(len(part.files) for part in rendered), "files")
    for part in rendered:
        for name, data in part.files.items():
            interrupts.check()
            state.progress.advance(name)
            if data is not None:  # None: already as it should be
                publisher.write(name, data, part.folder)
    # What outputs wrote before and write no more (a tag gone, an option turned off).
    current = {(part.folder or out_folder, name) for part in rendered for name in part.files}
    publisher.remove_stale([(folder, name) for folder, name in earlier
                            if (folder, name) not in current])
    store.update_meta(index, {"outputs": json.dumps(
        {part.output.name: part.record() for part in rendered})})
    options_out = Path(state.options.out)
    state.report.outputs = [(part.folder or options_out) / name for part in rendered
                            for name in part.files]
    state.report.output_lines = [
        line for part in rendered
        for line in part.output.summary(part.folder or options_out, list(part.files))]


def _someone_elses(path: Path, data: bytes) -> bool:
    """Is there a file at ``path`` in the site's data folder that feedsearch did not write
    (by its records), with other bytes than ``data``? A site's data folder is the
    writer's own: a file of hers is never replaced."""
    try:
        return path.is_symlink() or (path.exists() and path.read_bytes() != data)
    except OSError:
        return True


def _recorded_folder(record: dict, out: Path) -> Path:
    """The folder an output's recorded files are in: the one it recorded, else OUT (given
    resolved)."""
    folder = record.get("folder")
    return Path(folder) if isinstance(folder, str) else out
