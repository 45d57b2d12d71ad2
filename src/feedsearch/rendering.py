"""The outputs and publish stages of a build: each enabled output renders its files unless
its key and files are as at the last build, then the files are written into OUT, the files
outputs no longer write are removed, and what each output wrote is recorded."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__, interrupts, store
from .buildstate import Bodies, BuildState
from .model import Document
from .outputs import Output, OutputContext, enabled_outputs
from .publish import Publisher


@dataclass
class Rendered:
    """One output's part in this build."""

    output: Output
    key: str
    files: dict[str, bytes | None]  # None: in place as it should be
    state: Any = None

    def record(self) -> dict:
        return {"key": self.key, "files": list(self.files), "state": self.state}


def render_outputs(state: BuildState, bodies: Bodies) -> list[Rendered]:
    """Each enabled output's files, unless its key and files are as at the last build."""
    options = state.options
    assert state.related is not None
    context = OutputContext(state.documents, options, state.base_url, Path(options.out),
                            bodies.load, state.related.get)
    earlier = records(state.previous)
    essays = _essays_digest(state.documents)
    result = []
    for output in enabled_outputs(options):
        key = _output_key(output, state, essays)
        record = earlier.get(output.name, {})
        if record.get("key") == key and all(map(context.present, record["files"])):
            result.append(Rendered(output, key, dict.fromkeys(record["files"]),
                                    record.get("state")))
            continue
        rendered = output.render(context, record.get("state"))
        result.append(Rendered(output, key, rendered.files, rendered.state))
    return result


def records(meta: dict[str, str]) -> dict[str, dict]:
    """What each output wrote at the last build: its key, its files, its own state."""
    found = json.loads(meta.get("outputs", "{}"))
    return found if isinstance(found, dict) else {}  # a list: a store before outputs


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


def publish(state: BuildState, rendered: list[Rendered]) -> None:
    """Write the outputs' files into OUT, remove those the outputs wrote before and no
    longer write (disabled outputs' included), and record what each wrote: only once
    every file is in place, so a build killed before this point leaves no key, and the
    next one renders all outputs again."""
    out, index = state.roots
    publisher = Publisher(out, index)
    earlier = [name for record in records(state.previous).values()
               for name in record.get("files", [])]
    publisher.clear_leftovers(earlier)
    for part in rendered:
        for name, data in part.files.items():
            interrupts.check()
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
