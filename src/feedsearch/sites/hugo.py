"""Hugo sites: essays are the pages under ``content/`` (``contentDir``), a section's list
page (``_index.md``) is not one, data is read from ``data/`` (``dataDir``)."""

from __future__ import annotations

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
        return cls(root, path.relative_to(root).as_posix(), content=(content,),
                   data=_folder(config.get("datadir"), "data"),
                   base_url=text_value(config.get("baseurl")),
                   rules={"permalinks": tuple(sorted(patterns.items()))})

    def essay_file(self, site_path: str) -> bool:
        name = PurePosixPath(site_path).name
        return not name.startswith("_index.") and super().essay_file(site_path)

    def url_path(self, page: Page) -> str | None:
        return hugo_path(page, dict(self.rules.get("permalinks", ())))


def _folder(value: object, default: str) -> str:
    """A folder the config names, as a path in the site without ``./`` or slashes around."""
    text = text_value(value)
    if not text:
        return default
    return PurePosixPath(text.strip("/")).as_posix().removeprefix("./") or default
