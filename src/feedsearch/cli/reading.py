"""Commands that read a built index: search, related, list, show, stats, export; and
inspect, which reads one file."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..terminal import say
from .common import complete_slug, fail, index_option, json_option, library_call


@click.command()
@click.argument("query", nargs=-1)
@index_option
@click.option("--tag", "tags", multiple=True, help="Only essays with this tag (repeatable).")
@click.option("--author", "authors", multiple=True, help="Only essays by this author.")
@click.option("--since", help="Only essays from this date on (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", help="Only essays up to this date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance",
              show_default=True, help="Best match first, or newest first.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(min=1),
              help="Results per page.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(min=1))
@json_option
def search(query, index_dir, tags, authors, since, until, sort, limit, page, as_json) -> None:
    """Search the index for QUERY.

    \b
    Words are soft: an essay is found by any of them and ranks higher the more it holds
    (a hyphen inside a word joins it). What is asked exactly must match: "quoted
    phrases", title:, tag: and author: (one field), +word, AND, and date:2019 or
    date:[2018 to 2020]; -word or NOT word leaves essays out.
    Examples:
      feedsearch search grief at the supermarket --index .feedsearch
      feedsearch search '"hardest sentence"' tag:therapy --index .feedsearch --json
      feedsearch search --tag grief --since 2020 --sort date --index .feedsearch
    """
    from ..search import SearchError
    from ..search import search as run_search
    from ..search_query import Filters, QueryError

    filters = Filters(list(tags), list(authors), since, until)
    if not " ".join(query).strip() and filters == Filters():
        raise click.UsageError("give words to search for, or a filter such as --tag")
    try:
        results = run_search(index_dir, " ".join(query), limit=limit, page=page,
                             filters=filters, sort=sort)
    except (SearchError, QueryError) as exc:
        raise fail(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
        return
    from ..terminal import print_results

    print_results(results)


@click.command()
@click.argument("slug", shell_complete=complete_slug)
@index_option
@json_option
def related(slug, index_dir, as_json) -> None:
    """Show the essays related to SLUG, best first.

    \b
    Example:
      feedsearch related asking-for-help --index .feedsearch
    """
    from ..essays import related_essays

    items = library_call(related_essays, index_dir, slug)
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    from ..terminal import print_related

    print_related(slug, items)


@click.command("list")
@index_option
@click.option("--tag", help="Only essays with this tag.")
@click.option("--since", help="Only essays from this date on (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", help="Only essays up to this date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many essays.")
@json_option
def list_essays(index_dir, tag, since, until, limit, as_json) -> None:
    """List the indexed essays, newest first: date, title, tags, source.

    \b
    Examples:
      feedsearch list --index .feedsearch --tag grief
      feedsearch list --index .feedsearch --since 2020 --until 2021-06 --limit 5
    """
    from ..essays import list_essays
    from ..query_dates import QueryError

    try:
        documents = library_call(list_essays, index_dir, tag, since, until, limit)
    except QueryError as exc:
        raise fail(str(exc)) from exc
    if as_json:
        records = [{key: value for key, value in d.record().items() if key != "text"}
                   for d in documents]
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    from ..terminal import print_essay_table

    print_essay_table(documents)


@click.command()
@click.argument("slug", shell_complete=complete_slug)
@index_option
@json_option
def show(slug, index_dir, as_json) -> None:
    """Show one essay's metadata and text.

    \b
    Example:
      feedsearch show rest-is-not-a-reward --index .feedsearch
    """
    from ..essays import get_essay

    document = library_call(get_essay, index_dir, slug)
    _print_record(document.record(), as_json)


@click.command()
@index_option
@json_option
def stats(index_dir, as_json) -> None:
    """Essays per year and per tag, the index's size and the last build.

    \b
    Example:
      feedsearch stats --index .feedsearch
    """
    from ..essays import archive_stats

    figures = library_call(archive_stats, index_dir)
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    from ..terminal import print_stats

    print_stats(figures)


@click.command()
@index_option
def export(index_dir) -> None:
    """Print every indexed essay as JSON Lines, newest first.

    \b
    Example:
      feedsearch export --index .feedsearch > essays.jsonl
    """
    from ..essays import export_records

    for record in library_call(export_records, index_dir):
        click.echo(json.dumps(record, ensure_ascii=False))


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@json_option
def inspect(file, as_json) -> None:
    """Read one FILE and show the document feedsearch makes of it (for an export file or a
    saved feed, each post's; a JSON list with --json).

    \b
    Example:
      feedsearch inspect corpus/asking-for-help.md --json
    """
    from ..essays import inspect_file
    from ..readers import ReadError

    if not file.exists():
        raise fail(f"{file}: no such file")
    try:
        found = inspect_file(file)
    except ReadError as exc:
        raise fail(f"{file}: {exc}") from exc
    for warning in found.warnings:
        say(f"warning: {file}: {warning}", err=True)
    records = [document.record() for document in found.documents]
    if found.many:
        if as_json:
            click.echo(json.dumps(records, ensure_ascii=False, indent=2))
            return
        for number, record in enumerate(records):
            if number:
                click.echo("\n" + "-" * 40)
            _print_record(record, False)
        return
    _print_record(records[0], as_json)


def _print_record(record: dict, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    for key, value in record.items():
        if key != "text":
            shown = ", ".join(value) if isinstance(value, list) else value
            say(f"{key:>8}: {'' if shown is None else shown}")
    say(f"\n{record['text']}", lines=True)


COMMANDS = (search, related, list_essays, show, stats, export, inspect)
