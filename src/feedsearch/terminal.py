"""Readable text output for people; colour only on a terminal and never with NO_COLOR."""

from __future__ import annotations

import html
import os
import re
import sys

import click

from .search import SearchResults

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def _use_color() -> bool:
    return "NO_COLOR" not in os.environ and sys.stdout.isatty()


def snippet_for_terminal(snippet: str, color: bool) -> str:
    """A ``<mark>``-ed HTML snippet as terminal text, matched words in colour."""
    pieces = []
    for position, part in enumerate(_MARK.split(snippet)):
        text = html.unescape(part)
        marked = position % 2 == 1  # split() alternates plain text and marked words
        pieces.append(click.style(text, fg="yellow", bold=True) if marked and color else text)
    return "".join(pieces)


def print_results(results: SearchResults, color: bool | None = None) -> None:
    color = _use_color() if color is None else color
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
    if results.suggestion:
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
