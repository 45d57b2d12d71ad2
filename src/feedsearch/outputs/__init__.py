"""Outputs: one per kind of file a build writes, found through the registry below.

An output says which files it writes (paths relative to OUT) from the published essays, the
related map and the site settings, and what besides the essays decides their bytes
(:meth:`Output.settings`). The build skips an output whose essays and settings are as at
its last build and whose files are all in place; it loops over the enabled outputs in the
order registered here, which is the order the build's report lists their files.

A new output is a module in this package with an :class:`Output` subclass decorated with
:func:`register`, plus its name in ``_BUILT_IN``. Output modules import heavy libraries
(feedgen, YAML) inside ``render``, so that a build which skips them never loads them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any, ClassVar

from ..model import Document
from ..settings import BuildOptions

_BUILT_IN = ("feeds", "feeds_page", "related_json", "site_data", "sitemap",
             "site_search")  # in the order of the report
_REGISTRY: list[Output] = []


@dataclass
class OutputContext:
    """What an output is made from. ``documents`` are the published essays, in file order,
    whose bodies (html, text) may not be loaded: ``load_bodies`` loads those of the essays
    an output is about to render. ``related()`` is the related map, computed or loaded on
    first use."""

    documents: list[Document]
    options: BuildOptions
    base_url: str
    out: Path
    load_bodies: Callable[[list[Document]], None]
    related: Callable[[], dict[str, list[dict]]]
    data_dir: Path | None = None  # the site's data folder (--data-dir), if any
    site_kind: str = ""  # the kind of site SOURCE is ("hugo"), if it is one
    # The JSON of the related lists the store holds as they are (RelatedMap.unchanged_texts).
    related_texts: Callable[[], dict[str, bytes]] = dict

    def folder(self, root: str) -> Path:
        """Where an output's files go: OUT, or the data folder (``root`` "data")."""
        if root == "data":
            assert self.data_dir is not None
            return self.data_dir
        return self.out

    def present(self, name: str, root: str = "out") -> bool:
        return (self.folder(root) / name).is_file()


@dataclass
class Rendered:
    """An output's files by path under OUT (None: the file is as it should be, keep it),
    and what it keeps for its next render (JSON-ready; the feeds keep each feed's key)."""

    files: dict[str, bytes | None]
    state: Any = None


class Output:
    """One kind of output."""

    name: ClassVar[str]
    uses_related: ClassVar[bool] = False  # its files depend on the related map
    related_format: ClassVar[bool] = False  # a choice of --related-format, writing ``path``
    path: ClassVar[str] = ""
    root: ClassVar[str] = "out"  # its files' folder: "out", or "data" (--data-dir)

    def enabled(self, options: BuildOptions) -> bool:
        return True

    def settings(self, options: BuildOptions, base_url: str) -> object:
        """What besides the essays (and the related map, if it uses it) decides its files;
        its repr is part of the output's key."""
        return base_url

    def render(self, context: OutputContext, previous: Any) -> Rendered:
        """The output's files; ``previous`` is what its last render kept, or None."""
        raise NotImplementedError

    def summary(self, out: Path, names: list[str]) -> list[str]:
        """Lines for the build's summary on the terminal, given the files written."""
        return []


def register(cls: type[Output]) -> type[Output]:
    """Class decorator: add an output to the registry (after the built-in ones)."""
    _REGISTRY.append(cls())
    return cls


def all_outputs() -> list[Output]:
    """Every registered output, the built-in ones first, in their order."""
    for module in _BUILT_IN:
        import_module(f"{__package__}.{module}")
    return list(_REGISTRY)


def enabled_outputs(options: BuildOptions) -> list[Output]:
    return [output for output in all_outputs() if output.enabled(options)]


def related_formats() -> dict[str, str]:
    """The site generators whose data file of the related map an output writes (the
    choices of ``--related-format``), each with the path of that file under OUT."""
    return {output.name: output.path for output in all_outputs()
            if output.related_format}
