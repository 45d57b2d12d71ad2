"""OUT/sitemap.xml (``--sitemap``): the essays' URLs for search engines, in the sitemaps.org
0.9 format.

A sitemap may list only URLs under the folder it is published in, so essays whose canonical
URL lies elsewhere (another host, another path) are left out. One file holds at most 50,000
URLs; a larger archive gets ``sitemap.xml`` as a sitemap index of ``sitemaps/N.xml``.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from ..model import Document
from ..settings import BuildOptions
from . import Output, OutputContext, Rendered, register

NAME = "sitemap.xml"
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_URLS = 50_000  # per file, as the protocol allows


def sitemap_entries(documents: list[Document], base_url: str) -> list[tuple[str, str | None]]:
    """(URL, last modified) of each essay published under ``base_url``, sorted by URL."""
    entries = {}
    for document in documents:
        url = document.url or ""
        if url.startswith(base_url):
            moment = document.updated or document.date
            entries[url] = moment.isoformat() if moment else None
    return sorted(entries.items())


def urlset(entries: list[tuple[str, str | None]]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{NAMESPACE}">']
    for url, modified in entries:
        lastmod = f"<lastmod>{modified}</lastmod>" if modified else ""
        lines.append(f"  <url><loc>{escape(url)}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def sitemap_index(urls: list[str]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{NAMESPACE}">']
    lines += [f"  <sitemap><loc>{escape(url)}</loc></sitemap>" for url in urls]
    lines.append("</sitemapindex>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def sitemap_files(documents: list[Document], base_url: str) -> dict[str, bytes]:
    """sitemap.xml, or for more than MAX_URLS essays an index and its parts."""
    entries = sitemap_entries(documents, base_url)
    if len(entries) <= MAX_URLS:
        return {NAME: urlset(entries)}
    parts = {f"sitemaps/{n + 1}.xml": urlset(entries[start:start + MAX_URLS])
             for n, start in enumerate(range(0, len(entries), MAX_URLS))}
    return {NAME: sitemap_index([base_url + name for name in parts]), **parts}


@register
class Sitemap(Output):
    name = "sitemap"

    def enabled(self, options: BuildOptions) -> bool:
        return options.sitemap

    def render(self, context: OutputContext, previous: object) -> Rendered:
        return Rendered(sitemap_files(context.documents, context.base_url))

    def summary(self, out: Path, names: list[str]) -> list[str]:
        return [f"Sitemap: {out / NAME}"]
