"""The related map as the data files site generators read: Hugo's ``data/related.json``,
Eleventy's ``_data/related.json`` and Jekyll's ``_data/related.yml`` (``--related-format``).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..settings import BuildOptions
from . import Output, OutputContext, Rendered, register


class SiteData(Output):
    """One generator's data file, written when ``--related-format`` names it."""

    uses_related = True
    related_format = True

    def enabled(self, options: BuildOptions) -> bool:
        return self.name in options.related_formats

    def render(self, context: OutputContext, previous: object) -> Rendered:
        return Rendered({self.path: self.encode(context.related())})

    def encode(self, related: dict[str, list[dict]]) -> bytes:
        return (json.dumps(dict(related), ensure_ascii=False, indent=2) + "\n").encode()

    def summary(self, out: Path, names: list[str]) -> list[str]:
        return [f"Data:    {out / self.path}"]


@register
class Hugo(SiteData):
    name, path = "hugo", "data/related.json"


@register
class Eleventy(SiteData):
    name, path = "eleventy", "_data/related.json"


@register
class Jekyll(SiteData):
    name, path = "jekyll", "_data/related.yml"

    def encode(self, related: dict[str, list[dict]]) -> bytes:
        import yaml

        return yaml.safe_dump(dict(related), sort_keys=False, allow_unicode=True,
                              width=1000).encode("utf-8")


@register
class DataFolder(Output):
    """The related map in the site's data folder (``--data-dir``, by default the detected
    site's ``data/`` or ``_data/``), keyed by each essay's path in the site
    (``/posts/first/``): the one key a template knows of the page it renders (Hugo's
    ``.RelPermalink`` less the base URL's folder, Jekyll's and Eleventy's ``page.url``).
    Each entry gains its own ``path``, for links relative to the site. Jekyll sites get
    ``related.yml`` too."""

    name = "data-folder"
    root = "data"
    uses_related = True

    def enabled(self, options: BuildOptions) -> bool:
        return True  # written when the build has a data folder (rendering.py)

    def settings(self, options: BuildOptions, base_url: str) -> object:
        return base_url, tuple(options.related_formats)  # the site is in the fingerprint

    def render(self, context: OutputContext, previous: object) -> Rendered:
        from .related_json import related_json_bytes

        # Eleventy's page.url keeps spaces and letters outside ASCII as they are; Hugo's
        # .RelPermalink and Jekyll's page.url percent-encode them, as the feeds' URLs do.
        by_path = data_by_path(context.related(), context.documents, context.base_url,
                               raw=context.site_kind == "eleventy")
        files = {"related.json": related_json_bytes(by_path)}
        if context.site_kind == "jekyll" or "jekyll" in context.options.related_formats:
            files["related.yml"] = Jekyll().encode(by_path)
        return Rendered(files)

    def summary(self, out: Path, names: list[str]) -> list[str]:
        return [f"Data:    {out / name}" for name in names]


def site_path(url: str, base_url: str, raw: bool = False) -> str:
    """An essay's path in the site: its URL less the base URL (``/posts/first/``), or the
    URL's own path for an essay published elsewhere (a canonical URL); percent-encoded as
    in the URL, or decoded (``raw``) for a generator whose page URLs are (Eleventy's)."""
    from urllib.parse import unquote, urlsplit

    path = "/" + url[len(base_url):] if url.startswith(base_url) else urlsplit(url).path or "/"
    return unquote(path) if raw else path


def data_by_path(related: dict[str, list[dict]], documents: list, base_url: str,
                 raw: bool = False) -> dict[str, list[dict]]:
    """The related map keyed by each essay's path, each entry with its ``path``."""
    paths = {d.slug: site_path(d.url or "", base_url, raw) for d in documents}
    return {paths[slug]: [{**entry, "path": paths.get(entry.get("slug"))
                           or site_path(entry.get("url") or "", base_url, raw)}
                          for entry in items]
            for slug, items in related.items() if slug in paths}
