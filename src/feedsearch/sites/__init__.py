"""Sites: a Hugo, Jekyll or Eleventy site given as SOURCE, read as its generator reads it.

A site is known by its config file (``hugo.toml``, ``_config.yml``, ``eleventy.config.js``)
in SOURCE or in a folder above it (SOURCE may be the site's content folder). Its kind
says which folders hold essays and which never do (layouts, includes, themes, build
output, dependencies), which files are not essays (a section's list page, a README),
which are drafts, where the site's data folder is, its base URL, and each essay's URL as
the generator makes it (permalinks.py). ``Site`` is one site as detected; a new kind of
site is a subclass registered with :func:`register`, plus its module in ``_BUILT_IN``.

Nothing here reads an essay; the archive's walk asks :meth:`Site.walks` and
:meth:`Site.keeps` of each folder and file, and the build asks :meth:`Site.url_path`.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

from ..permalinks import Page

_BUILT_IN = ("hugo", "jekyll", "eleventy")
_KINDS: list[type[Site]] = []
SITE_CHOICES = ("auto", "none", *_BUILT_IN)
# Files at a site's root or in its content that are the project's, not essays.
PROJECT_FILES = frozenset({"readme", "license", "licence", "changelog", "contributing",
                           "code_of_conduct", "security", "authors", "copying"})
# The pages of a site that are essays: Markdown and HTML. Its other files under content
# (Eleventy's directory data, .json and .11tydata.js; Hugo's resources) are not.
PAGE_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".html", ".htm"})
# Folders no generator reads essays from.
TOOLING = frozenset({"node_modules", "vendor", ".git", "__pycache__", ".venv"})


def register(cls: type[Site]) -> type[Site]:
    _KINDS.append(cls)
    return cls


def site_kinds() -> list[type[Site]]:
    for module in _BUILT_IN:
        import_module(f"{__package__}.{module}")
    return list(_KINDS)


@dataclass(frozen=True)
class Site:
    """One detected site. ``prefix`` is SOURCE's path in the site (``content/`` when SOURCE
    is a Hugo site's content folder, empty at its root): a file's path in the site is
    ``prefix`` and its path under SOURCE. ``content`` are the folders that hold essays,
    paths in the site; ``rules`` what else the kind read from the config."""

    kind: ClassVar[str] = ""
    label: ClassVar[str] = ""
    root: Path
    config: str
    prefix: str = ""
    content: tuple[str, ...] = ()
    data: str = "data"
    base_url: str | None = None
    rules: dict[str, Any] = field(default_factory=dict)
    # What a kind learns of the site's folders while it is walked (kept for one build).
    listings: dict = field(default_factory=dict, compare=False, repr=False)

    # --- what a kind defines

    @classmethod
    def detect(cls, root: Path) -> Site | None:
        """The site whose root is ``root``, when its config file is there."""
        raise NotImplementedError

    def essay_file(self, site_path: str) -> bool:
        """Is the file at ``site_path`` (inside a content folder) an essay of the site?"""
        path = PurePosixPath(site_path)
        return path.suffix.lower() in PAGE_SUFFIXES and path.stem.lower() not in PROJECT_FILES

    def is_draft(self, site_path: str) -> bool:
        return False

    def unpublished(self, document) -> bool:
        """Does the site leave the essay out: a draft by where it is (Jekyll's
        ``_drafts/``), or a page the generator writes no file for (``permalink: false``)?"""
        return self.is_draft(self.site_path(document.source)) or \
            document.url_fields.get("permalink") is False

    def url_path(self, page: Page) -> str | None:
        """The essay's path in the site (``/posts/first/``); None: the generator's own
        rules cannot be followed here (a permalink made by a template)."""
        raise NotImplementedError

    def page_path(self, site_path: str) -> str:
        """The file's path as the URL rules see it: under its content folder."""
        for folder in self.content:
            if folder and site_path.startswith(folder + "/"):
                return site_path[len(folder) + 1:]
        return site_path

    # --- the same for every kind

    @property
    def data_dir(self) -> Path:
        return self.root / self.data

    def site_path(self, relpath: str) -> str:
        return self.prefix + relpath

    def walks(self, folder: str) -> bool:
        """Does the walk go into ``folder`` (a path in the site, ending in ``/``)? Only
        into content folders and the folders on the way to them."""
        folder = folder.rstrip("/")
        if PurePosixPath(folder).name in TOOLING:
            return False
        return any(not content or folder == content or folder.startswith(content + "/")
                   or content.startswith(folder + "/") for content in self.content)

    def keeps(self, site_path: str) -> bool:
        """Is the file at ``site_path`` an essay of the site?"""
        inside = any(not content or site_path.startswith(content + "/")
                     for content in self.content)
        return inside and self.essay_file(site_path)

    def fingerprint(self) -> str:
        """What of the site decides what its essays are and their URLs: a change of it
        builds again from the sources."""
        return repr((self.kind, self.prefix, self.content, sorted(self.rules.items())))

    def note(self, data_dir: Path | None) -> str:
        """One line for the build: what was detected and what follows from it."""
        folders = self.prefix or ", ".join(f"{c}/" for c in self.content if c) or \
            "its folder"
        text = f"{self.label} site ({self.config}): essays from {folders}, URLs as " \
               f"{self.label} makes them"
        if data_dir is not None:
            text += f"; related posts also in {data_dir}"
        return text


def detect(source: Path, wanted: str = "auto") -> Site | None:
    """The site SOURCE is, or is the content of: its config file in SOURCE or in one of
    the two folders above it. ``wanted`` is ``auto``, ``none`` or a kind's name (then
    only that kind is looked for)."""
    if wanted == "none":
        return None
    source = Path(source).resolve()
    kinds = [k for k in site_kinds() if wanted in ("auto", k.kind)]
    for depth, root in enumerate([source, *list(source.parents)[:2]]):
        for kind in kinds:
            site = kind.detect(root)
            if site is None:
                continue
            if depth == 0:
                return site
            prefix = source.relative_to(root).as_posix() + "/"
            if any(not c or prefix.startswith(c + "/") or c.startswith(prefix)
                   for c in site.content):
                return _within(site, prefix)
    return None


def _within(site: Site, prefix: str) -> Site:
    """``site`` read from one of its folders, at ``prefix``: the walk starts there, and
    URLs are still made from each file's path under the site's content folder."""
    from dataclasses import replace

    return replace(site, prefix=prefix)


def load_config(path: Path) -> dict[str, Any]:
    """A site's config file (TOML, YAML or JSON) as a dict with lower-case top-level keys;
    an empty dict when it cannot be read (a generator's config is the user's, and a
    broken one is the generator's to report)."""
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".toml":
            data = tomllib.loads(text)
        elif path.suffix == ".json":
            data = json.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, tomllib.TOMLDecodeError):
        return {}
    except Exception as exc:  # a YAML error
        if type(exc).__module__.startswith("yaml"):
            return {}
        raise
    return {str(k).lower(): v for k, v in data.items()} if isinstance(data, dict) else {}


def first_file(root: Path, names: tuple[str, ...]) -> Path | None:
    return next((root / name for name in names if (root / name).is_file()), None)


def text_value(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


@dataclass
class EssayUrls:
    """Each essay's URL: BASE_URL/<slug>/ (the default), a ``--permalink`` pattern or
    preset, or the detected site's own rules. Front matter ``url``/``permalink`` count
    only where a pattern, a preset or a site is in use, as in the generators."""

    base_url: str
    permalink: str | None = None
    site: Site | None = None

    @property
    def plain(self) -> bool:
        return self.permalink is None and self.site is None

    def url(self, document) -> tuple[str, str | None]:
        """The essay's URL, and a warning when its site's rules could not be followed."""
        from ..permalinks import PRESETS, pattern_path, url_of
        from ..urls import essay_url

        if self.plain:
            return essay_url(self.base_url, document.slug), None
        page = self.page(document)
        if self.permalink in PRESETS and (self.site is None or
                                          self.site.kind != self.permalink):
            path = _preset(self.permalink, page)
        elif self.permalink and self.permalink not in PRESETS:
            path = pattern_path(self.permalink, page)
        else:
            path = self.site.url_path(page)  # type: ignore[union-attr]
        if path is None:
            return essay_url(self.base_url, document.slug), (
                f"its permalink {document.url_fields.get('permalink')!r} is a template only "
                f"the site generator can fill in; its URL here is BASE_URL/{document.slug}/")
        return url_of(self.base_url, path), None

    def page(self, document) -> Page:
        """What the URL rules see of ``document``: its path under the content folder (an
        essay in a file of many, a post of an export, is named by its slug)."""
        source = document.source
        if "#" in source:
            folder = source.rsplit("/", 1)[0] + "/" if "/" in source.split("#")[0] else ""
            source = f"{folder}{document.slug}.md"
        path = self.site.page_path(self.site.site_path(source)) if self.site else source
        return Page(path, document.slug, document.title, document.date,
                    document.url_fields)


def _preset(kind: str, page: Page) -> str | None:
    """A generator's default URL rules, for a folder that is not that generator's site."""
    from ..permalinks import eleventy_path, hugo_path, jekyll_path

    if kind == "hugo":
        return hugo_path(page)
    if kind == "jekyll":
        return jekyll_path(page)
    return eleventy_path(page)
