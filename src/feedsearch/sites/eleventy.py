"""Eleventy sites: essays are the Markdown and HTML files under the input folder (``dir.input``
in the config), except includes, layouts, data, the built ``_site/`` and an ``index`` page
that lists others."""

from __future__ import annotations

import os
import re
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

from ..permalinks import Page, eleventy_path
from . import Site, first_file, register

CONFIG_NAMES = ("eleventy.config.js", "eleventy.config.mjs", "eleventy.config.cjs",
                "eleventy.config.ts", ".eleventy.js")


def _dir_option(text: str, key: str) -> str | None:
    """A ``dir`` option the config sets to a plain string (``input: "src"``): the only
    kind that can be read without running the config, which is JavaScript."""
    match = re.search(rf"\b{key}\s*:\s*[\"'`]([^\"'`$]+)[\"'`]", text)
    return match.group(1).strip().strip("/").removeprefix("./") if match else None


@register
class EleventySite(Site):
    kind = "eleventy"
    label = "Eleventy"

    @classmethod
    def detect(cls, root: Path) -> Site | None:
        path = first_file(root, CONFIG_NAMES)
        if path is None:
            return None
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        source = _dir_option(text, "input") or ""
        source = "" if source in (".", "") else source
        within = (source + "/") if source else ""
        skip = {within + (_dir_option(text, name) or default)
                for name, default in (("includes", "_includes"), ("layouts", "_layouts"),
                                      ("data", "_data"))}
        output = _dir_option(text, "output") or "_site"
        skip.add(output)
        return cls(root, path.name, content=(source,),
                   data=within + (_dir_option(text, "data") or "_data"),
                   rules={"skip": tuple(sorted(skip)),
                          "ignore": _ignore_patterns(root, within)})

    def walks(self, folder: str) -> bool:
        folder_path = folder.rstrip("/")
        return folder_path not in self.rules["skip"] and super().walks(folder) and \
            not _ignored(folder_path, self.rules.get("ignore", ()))

    def essay_file(self, site_path: str) -> bool:
        if not super().essay_file(site_path) or \
                _ignored(site_path, self.rules.get("ignore", ())):
            return False
        pure = PurePosixPath(site_path)
        if pure.stem != "index":
            return pure.stem != pure.parent.name or self._alone(pure)
        return self._alone(pure)

    def _alone(self, pure: PurePosixPath) -> bool:
        """Is ``index.md`` (or ``trip/trip.md``, which Eleventy also makes the folder's
        page) the only page of its folder (a post kept with its images), not a page
        listing the others?"""
        folder = self.root / pure.parent
        if pure.parent.as_posix() in ("", ".", *self.content):
            return False
        try:
            names = os.listdir(folder)
        except OSError:
            return False
        pages = [n for n in names if n != pure.name and
                 (os.path.splitext(n)[1].lower() in (".md", ".html", ".njk", ".liquid")
                  or (folder / n).is_dir())]
        return not pages

    def url_path(self, page: Page) -> str | None:
        return eleventy_path(page)


def _ignore_patterns(root: Path, within: str) -> tuple[str, ...]:
    """What ``.eleventyignore`` (at the root and in the input folder) and ``.gitignore``
    name, which Eleventy leaves out: paths and globs from the site's root."""
    patterns: list[str] = []
    for folder, name in (("", ".gitignore"), ("", ".eleventyignore"),
                         (within, ".eleventyignore")):
        try:
            lines = (root / folder / name).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for line in lines:
            line = line.strip()
            if line and not line.startswith(("#", "!")):
                pattern = line.removeprefix("./").strip("/")
                patterns.append(folder + pattern if "/" in pattern else pattern)
    return tuple(dict.fromkeys(patterns))


def _ignored(site_path: str, patterns: tuple[str, ...]) -> bool:
    """Does an ignore pattern name the path, a folder it is in, or (a pattern without a
    slash, as .gitignore has it) its name?"""
    name = PurePosixPath(site_path).name
    for pattern in patterns:
        if "/" in pattern:
            if fnmatch(site_path, pattern) or site_path.startswith(pattern + "/"):
                return True
        elif fnmatch(name, pattern) or any(fnmatch(part, pattern)
                                           for part in PurePosixPath(site_path).parts):
            return True
    return False
