"""RSS 2.0, Atom 1.0 and JSON Feed 1.1: the site's feeds, and one pair per tag and per author.

Each feed is rendered again only when its entries or settings changed (its key, kept from
the last render) or one of its files is missing; the others are kept as they are.
"""

from __future__ import annotations

from pathlib import Path

from ..settings import BuildOptions
from . import Output, OutputContext, Rendered, register

GROUPS = ("tags", "authors")


@register
class Feeds(Output):
    name = "feeds"

    def settings(self, options: BuildOptions, base_url: str) -> object:
        return options.feed_site(base_url)

    def render(self, context: OutputContext, previous: dict | None) -> Rendered:
        from ..feeds import feed_files

        files, keys = feed_files(context.documents, context.options.feed_site(context.base_url),
                                 previous or {}, present=context.present,
                                 bodies=context.load_bodies)
        return Rendered(files, keys)

    def summary(self, out: Path, names: list[str]) -> list[str]:
        lines = [f"Feeds:   {out / 'feed.xml'}  {out / 'atom.xml'}  {out / 'feed.json'}"]
        for group in GROUPS:
            count = sum(1 for name in names if name.startswith(f"{group}/")) // 2
            if count:
                lines.append(f"         {out / group}/<{group[:-1]}>/feed.xml and atom.xml "
                             f"({count} {group})")
        return lines
