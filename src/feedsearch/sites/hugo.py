"""Hugo sites: essays are the pages under ``content/`` (``contentDir``), a section's list
page (``_index.md``) is not one, data is read from ``data/`` (``dataDir``)."""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

from ..permalinks import Page, hugo_path
from . import Site, first_file, load_config, register, text_value

CONFIG_NAMES = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json")
# Hugo's older names, shared with other tools: a site only with a content folder beside.
OLD_CONFIG_NAMES = ("config.toml", "config.yaml", "config.yml", "config.json")
FOLDER_CONFIG = ("config/_default/hugo.toml", "config/_default/hugo.yaml",
                 "config/_default/config.toml", "config/_default/config.yaml")


@register
class HugoSite(Site):
    kind = "hugo"
    label = "Hugo"

    @classmethod
    def detect(cls, root: Path) -> Site | None:
        path = first_file(root, CONFIG_NAMES) or first_file(root, FOLDER_CONFIG)
        if path is None:
            path = first_file(root, OLD_CONFIG_NAMES)
            if path is None or not (root / "content").is_dir() or \
                    (root / "_config.yml").is_file():
                return None
        config = load_config(path)
        if path.parent.name == "_default":  # permalinks may have a file of their own
            extra = first_file(path.parent, ("permalinks.toml", "permalinks.yaml"))
            if extra is not None:
                config.setdefault("permalinks", load_config(extra))
        content = _folder(config.get("contentdir"), "content")
        permalinks = config.get("permalinks")
        patterns = {str(section): pattern for section, pattern in permalinks.items()
                    if isinstance(pattern, str)} if isinstance(permalinks, dict) else {}
        languages = config.get("languages")
        default = (text_value(config.get("defaultcontentlanguage")) or "en").lower()
        ignore = config.get("ignorefiles")
        params = config.get("params")
        main = next((value for key, value in params.items() if str(key).lower() ==
                     "mainsections"), None) if isinstance(params, dict) else None
        return cls(root, path.relative_to(root).as_posix(), content=(content,),
                   data=_folder(config.get("datadir"), "data"),
                   base_url=text_value(config.get("baseurl")),
                   rules={"permalinks": tuple(sorted(patterns.items())),
                          "languages": tuple(sorted(str(k).lower() for k in languages))
                          if isinstance(languages, dict) else (),
                          "language": default,
                          "ignore": tuple(p for p in ignore if isinstance(p, str))
                          if isinstance(ignore, list) else (),
                          "sections": tuple(str(m) for m in main) if isinstance(main, list)
                          else ((main,) if isinstance(main, str) else ())})

    def walks(self, folder: str) -> bool:
        if not super().walks(folder) or self._ignored(folder.rstrip("/")):
            return False
        parts = PurePosixPath(self.page_path(folder.rstrip("/") + "/x")).parts
        return len(parts) < 2 or self._in_main_section(parts[0])

    def essay_file(self, site_path: str) -> bool:
        name = PurePosixPath(site_path).name
        if name.startswith("_index.") or self._ignored(site_path) or \
                self._in_bundle(site_path) or not self._a_post(site_path):
            return False
        return self._language(site_path) in ("", self.rules.get("language", "en")) and \
            super().essay_file(site_path)

    def page_path(self, site_path: str) -> str:
        """Under the content folder, less the default language's mark (``index.en.md``
        is the page ``index.md``)."""
        path = super().page_path(site_path)
        language = self._language(site_path)
        if language:
            pure = PurePosixPath(path)
            path = str(pure.with_name(pure.stem.rsplit(".", 1)[0] + pure.suffix))
        return path

    def url_path(self, page: Page) -> str | None:
        return hugo_path(page, dict(self.rules.get("permalinks", ())))

    def _language(self, site_path: str) -> str:
        """The language a file name marks (``index.es.md``: "es"), when it is one the
        site has; "" for a file with no mark. A translation into another language than
        the site's default is that language's page, not an essay of the feeds."""
        stem = PurePosixPath(site_path).stem
        mark = stem.rsplit(".", 1)[1].lower() if "." in stem else ""
        return mark if mark in self.rules.get("languages", ()) else ""

    def _whole_site(self) -> bool:
        """Is SOURCE the site's root or its content folder (not a section the writer
        chose, all of which is read)?"""
        return self.prefix in ("", *(c + "/" for c in self.content))

    def _in_main_section(self, section: str) -> bool:
        sections = self.rules.get("sections", ())
        return not self._whole_site() or not sections or section in sections

    def _a_post(self, site_path: str) -> bool:
        """Is the page in a section (``content/posts/...``), and in one of the site's
        main sections when its config names them (``params.mainSections``, as themes
        use it for the home page)? A page directly under ``content/`` (``about.md``) is
        not a post, unless SOURCE is that very folder's section."""
        parts = PurePosixPath(self.page_path(site_path)).parts
        if not self._whole_site():
            return True
        return len(parts) > 1 and self._in_main_section(parts[0])

    def _in_bundle(self, site_path: str) -> bool:
        """Is the file a resource of a page bundle: inside a folder (or a folder within
        one) that holds an ``index`` page, and not that page itself?"""
        pure = PurePosixPath(site_path)
        own = pure.parent if pure.stem.split(".")[0] == "index" else None
        content = PurePosixPath(self.content[0]) if self.content else PurePosixPath()
        folder = pure.parent
        while folder != content and folder.parts and folder != PurePosixPath("."):
            if folder != own and self._holds_index(folder):
                return True
            folder = folder.parent
        return False

    def _holds_index(self, folder: PurePosixPath) -> bool:
        """Does the folder hold a leaf bundle's page (``index.md``, ``index.en.md``)? Each
        folder is listed once per build (the answers are kept on the site)."""
        known = self.listings.get(folder)
        if known is None:
            try:
                names = os.listdir(self.root / folder)
            except OSError:
                names = []
            known = self.listings[folder] = any(
                name.split(".")[0] == "index" and name.endswith((".md", ".html", ".markdown"))
                for name in names)
        return known

    def _ignored(self, site_path: str) -> bool:
        """Does one of the config's ``ignoreFiles`` patterns match the path?"""
        for pattern in self.rules.get("ignore", ()):
            try:
                if re.search(pattern, site_path):
                    return True
            except re.error:
                continue
        return False


def _folder(value: object, default: str) -> str:
    """A folder the config names, as a path in the site without ``./`` or slashes around."""
    text = text_value(value)
    if not text:
        return default
    return PurePosixPath(text.strip("/")).as_posix().removeprefix("./") or default

