"""Writing outputs: atomically, and only under the folders a build was given."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


class OutsideOutputError(RuntimeError):
    """A path that would land outside the output folders."""


def confined(path: Path, roots: tuple[Path, ...]) -> Path:
    """``path`` resolved, after checking that it lies under one of ``roots``."""
    resolved = Path(path).resolve()
    for root in roots:
        if resolved.is_relative_to(Path(root).resolve()):
            return resolved
    allowed = ", ".join(map(str, roots))
    raise OutsideOutputError(f"refusing to write {path}: it is outside {allowed}")


def write_atomic(path: Path, data: bytes, roots: tuple[Path, ...]) -> Path:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place.

    Readers of ``path`` see the old file or the new one, never a half-written one.
    """
    target = confined(path, roots)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def json_bytes(data: object) -> bytes:
    """Stable, readable JSON: sorted keys would reorder lists' meaning, so keys keep order."""
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
