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
        return (json.dumps(related, ensure_ascii=False, indent=2) + "\n").encode()

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

        return yaml.safe_dump(related, sort_keys=False, allow_unicode=True,
                              width=1000).encode("utf-8")
