"""Safe reading of ZIP files that come from elsewhere (Substack and Medium exports).

A ZIP is read where it lies, from its path, and never unpacked to disk: a member's name is
only ever compared with the names a reader expects (``posts.csv``, ``posts/<name>.html``),
never used as a path, so a name like ``../../etc/passwd`` or ``/abs/x.html`` is just a
name, and one a reader ignores. Before any member is read the file is checked:

- it is a ZIP, whole (a file cut short has lost its central directory, which is at the
  end, and is refused as damaged);
- it holds at most MAX_MEMBERS files, which is known from its last bytes (the end of
  central directory record) before zipfile builds one object per member;
- no member would unpack more than MAX_RATIO times its packed size once past RATIO_FLOOR
  bytes: a ZIP bomb (real exports are text and HTML, which pack 3 to 10 times);
- what a reader reads is bounded: each member by the file size limit (``--max-file-size``,
  which zipfile checks against the size the member declares), all of them together by
  MAX_UNPACKED_BYTES, and the bytes actually read by the limit too, counted as they come
  (a member's declared size is only what the file says about itself).

Members that no reader reads (an export's subscriber list, say) are never unpacked, so
their size does not matter; their number and their packing ratio do.
"""

from __future__ import annotations

import os
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .base import Entry, InputFile, Reader
from .errors import ReadError
from .limits import MAX_FILE_BYTES

MAX_MEMBERS = 20_000  # an export of a few thousand posts holds a few thousand files
MAX_RATIO = 200  # unpacked : packed, for a member ...
RATIO_FLOOR = 1 << 20  # ... that unpacks to more than this (small files pack as they like)
MAX_UNPACKED_BYTES = 1 << 30  # everything a reader reads from one ZIP
MAX_DIRECTORY_BYTES = 64 << 20  # the central directory: 20,000 entries with long names
_CHUNK = 1 << 16
_SHOWN_NAMES = 5  # names a description lists
_END_RECORD = struct.Struct("<4s4H2LH")  # the end of central directory record
_END_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_ZIP64_RECORD = struct.Struct("<4sQ2H2L4Q")
_ZIP64_RECORD_SIGNATURE = b"PK\x06\x06"
_MOST_COMMENT = 0xFFFF


@dataclass(frozen=True)
class ZipHead:
    """What a ZIP holds, as its readers' ``accepts`` see it: its files' names (folders
    are not listed), at most MAX_MEMBERS of them."""

    names: tuple[str, ...]

    def describe(self) -> str:
        """"a ZIP file holding 3 files (a.txt, b/c.txt, d.png)"."""
        count = len(self.names)
        shown = ", ".join(shown_name(name) for name in self.names[:_SHOWN_NAMES])
        more = ", ..." if count > _SHOWN_NAMES else ""
        return f"a ZIP file holding {count:,} file{'s' * (count != 1)} ({shown}{more})"


def files_in(names: Iterable[str], folder: str, suffix: str) -> dict[str, list[str]]:
    """Where an export's ``folder`` ("posts/") is, and the names of its own files ending in
    ``suffix`` (case-insensitive), in order: {root: [names]}. The root is "" for a folder at
    the top of the ZIP, or one folder that holds the export ("substack-export/", an export
    unpacked and zipped again). "posts/a.html" is a file of "posts/"; "posts/x/a.html",
    "posts/../a.html", "posts\\a.html" and "/posts/a.html" are not."""
    found: dict[str, list[str]] = {}
    for name in names:
        if name.startswith(folder):
            root = ""
        else:
            top, slash, rest = name.partition("/")
            if not slash or not rest.startswith(folder) or top in ("", ".", "..") or \
                    "\\" in top:
                continue
            root = top + "/"
        rest = name[len(root) + len(folder):]
        if rest.lower().endswith(suffix) and "/" not in rest and "\\" not in rest and \
                rest not in (".", ".."):
            found.setdefault(root, []).append(name)
    return found


def shown_name(name: str, most: int = 60) -> str:
    """A member's name as a warning can show it: what is not printable (a terminal's
    escape sequences) becomes "?", and a long name is cut."""
    text = "".join(c if c.isprintable() else "?" for c in name)
    return text if len(text) <= most else text[:most - 3] + "..."


def sniff(path: Path) -> ZipHead:
    """The names of the files in the ZIP at ``path``, once it is known to be a whole ZIP,
    not a bomb and not too many files (else ReadError saying why)."""
    try:
        with ZipArchive(path) as archive:
            return ZipHead(tuple(archive.names))
    except ReadError as exc:
        raise ReadError(f"{exc}; not read") from exc


class ZipExportReader(Reader):
    """A reader of one platform's ZIP export: it takes a ZIP whose member names have the
    platform's layout (``export_root`` finds the folder the export sits in, or None) and
    reads its posts from there (``read``)."""

    extensions = (".zip",)
    container = "zip"
    shape = ""  # "posts.csv beside a posts/ folder": said when a ZIP is not the platform's

    @staticmethod
    def export_root(names: Iterable[str]) -> str | None:
        raise NotImplementedError

    def read(self, archive: ZipArchive, root: str, file: InputFile) -> Iterator[Entry]:
        raise NotImplementedError

    @classmethod
    def accepts(cls, head: ZipHead) -> bool:
        return isinstance(head, ZipHead) and cls.export_root(head.names) is not None

    def entries(self, file: InputFile) -> Iterator[Entry]:
        with ZipArchive(file.path, file.settings.max_bytes) as archive:
            root = self.export_root(archive.names)
            if root is None:
                raise ReadError(f"no {self.shape}: not a {self.label}")
            yield from self.read(archive, root, file)


class ZipArchive:
    """A checked ZIP, open for reading members by name (see the module's docstring)."""

    def __init__(self, path: Path, max_bytes: int = MAX_FILE_BYTES, *,
                 max_members: int = MAX_MEMBERS,
                 max_unpacked: int = MAX_UNPACKED_BYTES) -> None:
        self.max_bytes = max_bytes
        self.max_unpacked = max_unpacked
        self._stream = _open_regular(path)
        try:
            self._zip = _checked_zip(self._stream, max_members)
        except BaseException:
            self._stream.close()
            raise
        self.members = {info.filename: info for info in self._zip.infolist()
                        if not info.is_dir()}
        self.names = list(self.members)
        self._unpacked = 0

    def __enter__(self) -> ZipArchive:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()
        self._stream.close()

    def find(self, name: str) -> zipfile.ZipInfo | None:
        """The member called ``name``; a ZIP written without the UTF-8 flag stores a
        non-ASCII name in bytes that zipfile reads as code page 437, which is tried too."""
        info = self.members.get(name)
        if info is None and not name.isascii():
            info = self.members.get(name.encode("utf-8").decode("cp437"))
        return info

    def reserve(self, infos: Iterable[zipfile.ZipInfo]) -> None:
        """Say which members will be read, before reading any: ReadError when together
        they unpack to more than the archive's bound. (Members over the file size limit
        are left for their readers to report, one by one.)"""
        total = sum(info.file_size for info in infos if info.file_size <= self.max_bytes)
        if total > self.max_unpacked:
            raise ReadError(f"its posts unpack to {total:,} bytes, over the "
                            f"{self.max_unpacked:,}-byte limit for one ZIP file")

    def too_large(self, info: zipfile.ZipInfo) -> bool:
        return info.file_size > self.max_bytes

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """A member's bytes: at most the file size limit, counted as they are read
        whatever the member declares. ReadError for a member over the limit, encrypted,
        packed in a way zipfile cannot unpack, or damaged."""
        name = shown_name(info.filename)
        if self.too_large(info):
            raise ReadError(f"{name} is {info.file_size:,} bytes, over the "
                            f"{self.max_bytes:,}-byte limit (--max-file-size)")
        cap = min(self.max_bytes, info.file_size)
        parts: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as stream:
                while chunk := stream.read(min(_CHUNK, cap + 1 - size)):
                    size += len(chunk)
                    if size > cap:
                        raise ReadError(f"{name} holds more than the {cap:,} bytes it "
                                        "declares")
                    parts.append(chunk)
        except ReadError:
            raise
        except RuntimeError as exc:  # "File ... is encrypted, password required"
            raise ReadError(f"{name} is encrypted") from exc
        except NotImplementedError as exc:  # "That compression method is not supported"
            raise ReadError(f"{name} is packed in a way that cannot be read ({exc})") from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise ReadError(f"{name} is damaged ({type(exc).__name__}: {exc})") from exc
        self._unpacked += size
        if self._unpacked > self.max_unpacked:
            raise ReadError(f"its posts unpack to more than the {self.max_unpacked:,}-byte "
                            "limit for one ZIP file")
        return b"".join(parts)


def _open_regular(path: Path):
    """``path`` open for reading in binary, if it is a regular file (a FIFO put in its
    place is not waited on)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ReadError("not a regular file")
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def _checked_zip(stream, max_members: int) -> zipfile.ZipFile:
    size = os.fstat(stream.fileno()).st_size
    if size == 0:
        raise ReadError("an empty file, not a ZIP")
    declared = _declared_directory(stream, size)
    if declared is not None:
        entries, directory_bytes = declared
        if entries > max_members:
            raise ReadError(_too_many(entries, max_members))
        if directory_bytes > MAX_DIRECTORY_BYTES:
            raise ReadError(f"a ZIP file whose list of files takes {directory_bytes:,} "
                            f"bytes, over the limit of {MAX_DIRECTORY_BYTES:,}")
    try:
        archive = zipfile.ZipFile(stream)
    except zipfile.BadZipFile as exc:
        raise ReadError(f"not a ZIP file, or a damaged or cut-short one ({exc})") from exc
    except (OSError, EOFError, ValueError, struct.error, NotImplementedError) as exc:
        raise ReadError(f"a damaged ZIP file ({type(exc).__name__}: {exc})") from exc
    try:
        _check_members(archive, max_members)
    except BaseException:
        archive.close()
        raise
    return archive


def _check_members(archive: zipfile.ZipFile, max_members: int) -> None:
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(archive.infolist()) > max_members:
        raise ReadError(_too_many(len(archive.infolist()), max_members))
    if not members:
        raise ReadError("an empty ZIP file")
    for info in members:
        if info.file_size > RATIO_FLOOR and \
                info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ReadError(
                f"{shown_name(info.filename)} would unpack {info.compress_size:,} bytes into "
                f"{info.file_size:,} (over {MAX_RATIO} to 1): a ZIP bomb, not an export")


def _too_many(count: int, most: int) -> str:
    return f"a ZIP file of {count:,} files, over the limit of {most:,}"


def _declared_directory(stream, size: int) -> tuple[int, int] | None:
    """(entries, bytes) of the central directory as the ZIP's last record declares them,
    or None when no record is found (zipfile then says what is wrong)."""
    try:
        return _read_directory_record(stream, size)
    finally:
        stream.seek(0)


def _read_directory_record(stream, size: int) -> tuple[int, int] | None:
    tail_size = min(size, _END_RECORD.size + _MOST_COMMENT)
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    at = tail.rfind(_END_SIGNATURE)
    if at < 0 or len(tail) - at < _END_RECORD.size:
        return None
    fields = _END_RECORD.unpack_from(tail, at)
    entries, directory_bytes = fields[4], fields[5]
    if entries == 0xFFFF or directory_bytes == 0xFFFFFFFF:  # ZIP64: the real counts are
        start = size - tail_size + at - _ZIP64_LOCATOR.size  # in a record before this one
        if start < 0:
            return None
        stream.seek(start)
        locator = stream.read(_ZIP64_LOCATOR.size)
        if len(locator) < _ZIP64_LOCATOR.size or \
                not locator.startswith(_ZIP64_LOCATOR_SIGNATURE):
            return None
        record_at = _ZIP64_LOCATOR.unpack(locator)[2]
        if record_at >= size:
            return None
        stream.seek(record_at)
        record = stream.read(_ZIP64_RECORD.size)
        if len(record) < _ZIP64_RECORD.size or not record.startswith(_ZIP64_RECORD_SIGNATURE):
            return None
        fields = _ZIP64_RECORD.unpack(record)
        entries, directory_bytes = fields[7], fields[8]
    return entries, directory_bytes
