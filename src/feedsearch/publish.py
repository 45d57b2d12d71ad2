"""Writing outputs into OUT: atomically, only under the folders a build was given, and
removing nothing but files feedsearch recorded writing.

OUT is often a folder of the user's own (a site's ``static/`` or data folder), full of files
feedsearch never wrote. So every file a build removes there is one whose name an output
recorded: its own stale outputs, and its own temporary files, whose names are the output's
name with a marker no one else uses.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable
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


STAGING = "staging"  # INDEX/staging: temporary files, when OUT can be renamed into from there
TEMP_MARK = ".feedsearch.tmp"  # a temporary file beside its output: .NAME.feedsearch.tmp


def temp_name(name: str) -> str:
    """The temporary file of the output file ``name`` (a path under OUT), beside it."""
    folder, _, base = name.rpartition("/")
    return f"{folder}/.{base}{TEMP_MARK}" if folder else f".{base}{TEMP_MARK}"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class Publisher:
    """Writes a build's files into ``out``, each atomically: readers of a file see the old
    one or the new one, never half of one.

    The temporary file goes in ``index``'s staging folder, so that a build killed half-way
    leaves nothing stray among the published files, as long as a file renamed from there
    lands in OUT; when OUT is another file system or mount (a bind mount, a container
    volume), where renaming fails, it goes beside its output under :func:`temp_name`.
    Written files get the usual mode (0666 less the umask), not the 0600 of temporary files.
    """

    def __init__(self, out: Path, index: Path, data_dir: Path | None = None) -> None:
        self.out, self.index = Path(out), Path(index)
        self.roots = (self.out, self.index) + ((Path(data_dir),) if data_dir else ())
        # The folders outputs write into: OUT, and the data folder when there is one.
        self.folders = {self.out.resolve()} | ({Path(data_dir).resolve()} if data_dir else set())
        self.staging: Path | None = self.index / STAGING

    def clear_leftovers(self, recorded: Iterable[tuple[Path, str]]) -> None:
        """Temporary files a killed build left: anything in the staging folder (ours
        alone), and beside each output file ``recorded`` (its folder and name), its
        temporary file, in the folders this build writes to."""
        if self.staging is not None and self.staging.is_dir():
            for leftover in self.staging.glob(".*.tmp"):
                leftover.unlink(missing_ok=True)
        resolved = _Resolved()
        for folder, name in recorded:
            if resolved(folder) not in self.folders:
                continue
            path = Path(folder) / temp_name(name)
            if path.is_symlink() or path.is_file():
                path.unlink()

    def write(self, name: str, data: bytes, folder: Path | None = None) -> Path:
        """Write ``data`` to ``name`` under OUT (or ``folder``, the data folder); a file
        that already holds it is left as it is, so deploys and caches see no change."""
        base = Path(folder) if folder is not None else self.out
        target = confined(base / name, self.roots)
        if target.is_file() and target.stat().st_size == len(data) and \
                target.read_bytes() == data:
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.staging is not None:
            try:
                return self._write_through(self._staged(data, target), target)
            except OSError as exc:
                if exc.errno != errno.EXDEV:
                    raise
                self.staging = None  # OUT is elsewhere: stage beside each output from now
        temp = confined(base / temp_name(name), self.roots)
        return self._write_through(self._beside(data, temp), target)

    def _staged(self, data: bytes, target: Path) -> Path:
        staging = confined(self.staging, self.roots)
        staging.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=staging)
        return _filled(fd, Path(temp), data)

    @staticmethod
    def _beside(data: bytes, temp: Path) -> Path:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(temp, flags, 0o600)
        except FileExistsError:  # a killed build's, under a name of ours: replace it
            temp.unlink()
            fd = os.open(temp, flags, 0o600)
        return _filled(fd, temp, data)

    @staticmethod
    def _write_through(temp: Path, target: Path) -> Path:
        try:
            os.replace(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return target

    def remove_stale(self, recorded: list[tuple[Path, str]]) -> None:
        """Remove files an output wrote at an earlier build and writes no more (a tag that
        is gone, an option turned off), then the folders that leaves empty. Only names the
        build recorded are ever removed, and only from the folder recorded with them when
        this build writes there too (a data folder given up is left as it is)."""
        resolved = _Resolved()
        for folder, name in recorded:
            root = resolved(folder)
            if root not in self.folders:
                continue
            path = root / name
            try:
                parent = confined(path.parent, (root,))
            except OutsideOutputError:
                continue
            if path.is_symlink() or not path.is_file():
                continue  # not a file this build wrote: a person put it there
            path.unlink()
            while parent != root and parent.is_relative_to(root):
                try:
                    parent.rmdir()  # only when empty
                except OSError:
                    break
                parent = parent.parent


class _Resolved:
    """Each folder resolved once: a build records thousands of files in a few folders."""

    def __init__(self) -> None:
        self.known: dict[Path, Path] = {}

    def __call__(self, folder: Path) -> Path:
        folder = Path(folder)
        if folder not in self.known:
            self.known[folder] = folder.resolve()
        return self.known[folder]


def _filled(fd: int, temp: Path, data: bytes) -> Path:
    """The temporary file ``temp`` (open as ``fd``) holding ``data``, on disk."""
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), 0o666 & ~_umask())
            os.fsync(handle.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp
