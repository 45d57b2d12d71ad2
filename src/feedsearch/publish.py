"""Writing outputs: atomically, and only under the folders a build was given."""

from __future__ import annotations

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


STAGING = "staging"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes, roots: tuple[Path, ...],
                 staging: Path | None = None) -> Path:
    """Write ``data`` to a temporary file, then rename it into place at ``path``.

    Readers of ``path`` see the old file or the new one, never a half-written one; a file
    that already holds ``data`` is not written at all. The
    temporary file goes in ``staging`` (a folder of the index, so that a build killed
    half-way leaves nothing stray among the published files) when it is on the same file
    system as ``path``, else beside ``path``. The file gets the usual mode (0666 less the
    umask), not the 0600 of temporary files.
    """
    target = confined(path, roots)
    if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
        return target  # unchanged: left as it is, so deploys and caches see no change
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = target.parent
    if staging is not None:
        staging = confined(staging, roots)
        staging.mkdir(parents=True, exist_ok=True)
        if staging.stat().st_dev == folder.stat().st_dev:
            folder = staging
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), 0o666 & ~_umask())
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def clear_staging(staging: Path) -> None:
    """Temporary files a killed build left behind."""
    if staging.is_dir():
        for leftover in staging.glob(".*.tmp"):
            leftover.unlink(missing_ok=True)


def remove_stale(out: Path, names: list[str]) -> None:
    """Remove files an output wrote under ``out`` at an earlier build and writes no more
    (a tag that is gone, an option turned off), then the folders that leaves empty. Only
    names the build recorded are ever removed."""
    root = Path(out).resolve()
    for name in names:
        path = Path(out) / name
        try:
            folder = confined(path.parent, (root,))
        except OutsideOutputError:
            continue
        if path.is_symlink() or not path.is_file():
            continue  # not a file this build wrote: a person put it there
        path.unlink()
        while folder != root and folder.is_relative_to(root):
            try:
                folder.rmdir()  # only when empty
            except OSError:
                break
            folder = folder.parent
