"""Jekyll sites: essays are the posts in ``_posts/`` (and a category folder's
``_posts/``), drafts those in ``_drafts/``, and the documents of collections that are
output; layouts, includes, sass, data and the built ``_site/`` are not read."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from ..permalinks import Page, jekyll_path
from . import Site, first_file, load_config, register, text_value

CONFIG_NAMES = ("_config.yml", "_config.yaml", "_config.toml")
_DATED = re.compile(r"^\d{2,4}-\d{1,2}-\d{1,2}-.+")


@register
class JekyllSite(Site):
    kind = "jekyll"
    label = "Jekyll"

    @classmethod
    def detect(cls, root: Path) -> Site | None:
        path = first_file(root, CONFIG_NAMES)
        if path is None:
            return None
        config = load_config(path)
        url = (text_value(config.get("url")) or "").rstrip("/")
        base = (text_value(config.get("baseurl")) or "").strip("/")
        base_url = f"{url}/{base}/" if url and base else (f"{url}/" if url else None)
        collections_dir = (text_value(config.get("collections_dir")) or "").strip("/")
        return cls(root, path.name, content=("",),
                   data=(text_value(config.get("data_dir")) or "_data").strip("/"),
                   base_url=base_url,
                   rules={"permalink": text_value(config.get("permalink")) or "date",
                          "collections": _collections(config.get("collections")),
                          "collections_dir": collections_dir,
                          "skip": tuple(sorted({"_site", text_value(config.get(
                              "destination")) or "_site"}))})

    def _parts(self, site_path: str) -> tuple[str, ...] | None:
        """The path's parts inside the collections' folder (``collections_dir``; the
        site's root when there is none), or None for a file outside it."""
        parts = PurePosixPath(site_path).parts
        collections_dir = self.rules.get("collections_dir", "")
        if not collections_dir:
            return parts
        inside = PurePosixPath(collections_dir).parts
        return parts[len(inside):] if parts[:len(inside)] == inside else None

    def _holder(self, site_path: str) -> tuple[str, int] | None:
        """The special folder the file is in (``_posts``, ``_drafts``, or a collection's
        ``_name``) and where it is among the path's parts; None for any other file, and
        for one in a folder whose name starts with ``_`` inside it (Jekyll skips those)."""
        parts = self._parts(site_path)
        if parts is None:
            return None
        folders = parts[:-1]
        names = {"_posts", "_drafts"} | {f"_{c}" for c, _ in self.rules["collections"]}
        for index, part in enumerate(folders):
            if part in names:
                inner = folders[index + 1:]
                return None if any(p.startswith("_") for p in inner) else (part, index)
            if part.startswith("_"):
                return None
        return None

    def walks(self, folder: str) -> bool:
        name = PurePosixPath(folder.rstrip("/")).name
        if name in self.rules.get("skip", ()) or not super().walks(folder):
            return False
        if not name.startswith("_"):
            return True
        return self._holder(folder.rstrip("/") + "/x") is not None

    def essay_file(self, site_path: str) -> bool:
        held = self._holder(site_path)
        if held is None or not super().essay_file(site_path):
            return False
        stem = PurePosixPath(site_path).stem
        return held[0] != "_posts" or bool(_DATED.match(stem))

    def is_draft(self, site_path: str) -> bool:
        held = self._holder(site_path)
        return held is not None and held[0] == "_drafts"

    def url_path(self, page: Page) -> str | None:
        held = self._holder(page.path)
        parts = self._parts(page.path)
        if held is None or parts is None:
            return None
        name, index = held
        collection = "posts" if name in ("_posts", "_drafts") else name[1:]
        # The path less the collection's folder: blog/_posts/x.md is blog/x.md (:path).
        inner = Page("/".join(parts[:index] + parts[index + 1:]), page.slug, page.title,
                     page.date, page.fields)
        own = dict(self.rules["collections"]).get(collection, "")
        return jekyll_path(inner, self.rules["permalink"], collection, tuple(parts[:index]),
                           own)

    def page_path(self, site_path: str) -> str:
        return site_path  # the folders before _posts are categories: url_path needs them


def _collections(value: object) -> tuple[tuple[str, str], ...]:
    """The collections whose documents are pages, each with its own permalink ("" for
    Jekyll's default), from ``collections:`` as a mapping; ``posts`` is always one, and
    its permalink, when it has one, wins over the site's."""
    found = []
    for name, settings in (value.items() if isinstance(value, dict) else ()):
        if not isinstance(settings, dict):
            continue
        permalink = text_value(settings.get("permalink")) or ""
        if str(name) == "posts":
            if permalink:
                found.append(("posts", permalink))
        elif settings.get("output") is True:
            found.append((str(name), permalink))
    return tuple(sorted(found))
