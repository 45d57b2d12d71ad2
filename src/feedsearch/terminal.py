"""Readable text output for people; colour only on a terminal and never with NO_COLOR."""

from __future__ import annotations

import html
import os
import re
import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from .model import Document
    from .search import SearchResults

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def use_color(stream=None) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set."""
    stream = stream or sys.stdout
    return not os.environ.get("NO_COLOR") and stream.isatty()


def snippet_for_terminal(snippet: str, color: bool) -> str:
    """A ``<mark>``-ed HTML snippet as terminal text, matched words in colour."""
    pieces = []
    for position, part in enumerate(_MARK.split(snippet)):
        text = html.unescape(part)
        marked = position % 2 == 1  # split() alternates plain text and marked words
        pieces.append(click.style(text, fg="yellow", bold=True) if marked and color else text)
    return "".join(pieces)


def print_results(results: SearchResults, color: bool | None = None) -> None:
    color = use_color() if color is None else color
    if results.searched_as:
        click.echo(f"No essay has {results.query!r} as typed; showing results for "
                   f"{results.searched_as!r}.\n")
    if not results.results:
        click.echo(f"No essays match {results.query!r}.")
    for number, hit in enumerate(results.results, 1):
        date = (hit.date or "undated")[:10]
        title = click.style(hit.title, bold=True) if color else hit.title
        click.echo(f"{number:>2}. {title}  ({date})")
        click.echo(f"    {hit.url or hit.source}")
        click.echo(f"    {snippet_for_terminal(hit.snippet, color)}")
        click.echo()
    shown = len(results.results)
    click.echo(f"{shown} of {results.total} essays" if results.total else "0 essays")
    if results.suggestion and not results.searched_as:
        click.echo(f"Did you mean: {results.suggestion}")


def print_related(slug: str, items: list[dict]) -> None:
    if not items:
        click.echo(f"No related essays for {slug}.")
        return
    width = max(len(item["title"]) for item in items)
    click.echo(f"{'score':>6}  {'title':<{width}}  shared tags")
    for item in items:
        tags = ", ".join(item["shared_tags"]) or "-"
        click.echo(f"{item['score']:>6.3f}  {item['title']:<{width}}  {tags}")


def _table(headers: list[str], rows: list[list[str]], widths: list[int]) -> None:
    """Columns cut to ``widths`` (0 = as wide as needed), the last one never cut."""
    sizes = [min(max(len(r[i]) for r in [headers, *rows]), w or 1000)
             for i, w in enumerate(widths)]

    def fit(text: str, size: int) -> str:
        return text if len(text) <= size else text[: size - 1] + "…"

    for row in [headers, *rows]:
        cells = [fit(cell, size).ljust(size) for cell, size in zip(row[:-1], sizes, strict=False)]
        click.echo("  ".join([*cells, row[-1]]).rstrip())


def print_essay_table(documents: list[Document]) -> None:
    rows = [[(d.date.date().isoformat() if d.date else "undated"), d.title,
             ", ".join(d.tags), d.source] for d in documents]
    _table(["date", "title", "tags", "source"], rows, [10, 48, 30, 0])
    click.echo(f"{len(documents)} essays")


def print_stats(figures: dict) -> None:
    click.echo(f"Essays:     {figures['essays']}")
    click.echo(f"Index size: {figures['index_bytes'] / 1024:,.0f} KB")
    click.echo(f"Last build: {figures['last_build'] or 'unknown'}")
    click.echo("\nPer year:")
    for year, count in figures["per_year"].items():
        click.echo(f"  {year:<8} {count:>4}  {'#' * count}")
    click.echo("\nPer tag:")
    for tag, count in figures["per_tag"].items():
        click.echo(f"  {tag:<20} {count:>4}")
