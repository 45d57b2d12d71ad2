"""The one place that says which reader reads a file.

One-essay formats are chosen by extension. Files that may hold many essays (XML exports
and saved feeds, and so on) are chosen by what they hold: the container's sniffer reads the
file's beginning, and each reader of that container is asked, in order, whether it takes
it (``.xml`` is also what sitemaps and configuration files are called).

Built-in readers are imported when a file of their format is first read, so that a build
which finds nothing changed never loads the HTML, Markdown or XML stacks. A new format is a
module in this package whose reader class is decorated with :func:`register`, plus its line
in ``_BUILT_IN`` (or, outside this package, an import of that module before the build).
"""

from __future__ import annotations

from datetime import UTC, tzinfo
from importlib import import_module
from pathlib import Path

from ..model import Document
from .base import Reader
from .errors import ReadError

# Extension -> the module of its reader, for one-essay formats.
_BUILT_IN = {
    ".md": "markdown", ".markdown": "markdown", ".mdown": "markdown", ".mkd": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".txt": "text", ".text": "text",
    ".docx": "docx",
}
# Extension -> container: files that may hold many essays, whose reader depends on what
# they hold.
_CONTAINERS = {".xml": "xml", ".rss": "xml", ".atom": "xml", ".zip": "zip", ".json": "json"}
# Container -> the modules of its readers (imported when such a file is read), and the
# function that reads a file's beginning for their ``accepts``.
_CONTAINER_READERS = {"xml": ("wxr", "blogger", "feedxml"), "zip": ("substack", "medium"),
                      "json": ("ghost",)}
_SNIFFERS = {"xml": ("xmlstream", "sniff"), "zip": ("ziparchive", "sniff"),
             "json": ("jsonhead", "sniff")}

_BY_EXTENSION: dict[str, Reader] = {}
_BY_CONTAINER: dict[str, list[Reader]] = {}


def register(cls: type[Reader]) -> type[Reader]:
    """Class decorator: make ``cls`` the reader for each of its extensions, or one of the
    readers of its container."""
    instance = cls()
    if cls.container is not None:
        _BY_CONTAINER.setdefault(cls.container, []).append(instance)
    for extension in cls.extensions:
        if cls.container is not None:
            _CONTAINERS.setdefault(extension.lower(), cls.container)
        else:
            _BY_EXTENSION[extension.lower()] = instance
    return cls


def _suffix(name: str) -> str:
    """A name's extension, lower-cased, by PurePosixPath's rule without making one (it is
    asked twice per file per build)."""
    base = name.rpartition("/")[2]
    dot = base.rfind(".")
    return base[dot:].lower() if 0 < dot < len(base) - 1 else ""


def handles(name: str) -> bool:
    """Is there a reader for this file name? (Without loading it.)"""
    suffix = _suffix(name)
    return suffix in _BY_EXTENSION or suffix in _BUILT_IN or suffix in _CONTAINERS


def holds_many(name: str) -> bool:
    """May a file of this name hold many essays (an export file, a saved feed)?"""
    return _suffix(name) in _CONTAINERS


def known_extensions() -> list[str]:
    return sorted(set(_BY_EXTENSION) | set(_BUILT_IN) | set(_CONTAINERS))


def reader_for(name: str) -> Reader | None:
    """The reader of a one-essay format for a file name's extension, or None."""
    suffix = _suffix(name)
    if suffix not in _BY_EXTENSION and suffix in _BUILT_IN:
        import_module(f"{__package__}.{_BUILT_IN[suffix]}")  # registers its reader
    return _BY_EXTENSION.get(suffix)


def reader_for_file(path: Path, name: str) -> Reader:
    """The reader for the file at ``path`` (named ``name`` in the archive): by extension,
    or for a container by what the file holds. Raises ReadError when there is none."""
    container = _CONTAINERS.get(_suffix(name))
    if container is None:
        reader = reader_for(name)
        if reader is None:
            raise ReadError(f"no reader for {_suffix(name) or 'files without an extension'}")
        return reader
    readers = container_readers(container)
    head = _sniff(container, path)
    for reader in readers:
        if reader.accepts(head):
            return reader
    kinds = ", ".join(reader.label for reader in readers)
    what = head.describe() if hasattr(head, "describe") else f"a {container} file"
    raise ReadError(f"{what}; feedsearch reads these {container.upper()} files: {kinds}; "
                    "not read")


def _sniff(container: str, path: Path):
    """What a container's readers are shown of a file: its beginning as the container's
    sniffer reads it, or its path for a container without one."""
    if container not in _SNIFFERS:
        return path
    module, function = _SNIFFERS[container]
    return getattr(import_module(f"{__package__}.{module}"), function)(path)


def container_readers(container: str) -> list[Reader]:
    """The readers of a container, in the order they are asked: the built-in ones in the
    order of ``_CONTAINER_READERS`` (the more particular first: a WordPress export is an RSS
    file too), then any registered from elsewhere."""
    modules = [f"{__package__}.{name}" for name in _CONTAINER_READERS.get(container, ())]
    for module in modules:
        import_module(module)
    rank = {module: n for n, module in enumerate(modules)}
    return sorted(_BY_CONTAINER.get(container, []),
                  key=lambda reader: rank.get(type(reader).__module__, len(rank)))


def read_essay(data: bytes, relpath: str, default_tz: tzinfo = UTC) -> Document:
    """Parse one file of one essay with the reader for its extension. Raises ReadError (with
    the reason) for a file that is not an essay."""
    reader = reader_for(relpath)
    if reader is None:
        raise ReadError(f"no reader for {_suffix(relpath) or 'files without an extension'}")
    return reader.read_document(data, relpath, default_tz)
