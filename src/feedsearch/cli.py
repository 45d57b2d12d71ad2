"""The command line: each command parses options, calls one library function, prints.

Heavy modules are imported inside the commands that need them, so that ``search`` never
loads the HTML and Markdown stack.
"""

from __future__ import annotations

import json
import re
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__


def _fail(message: str) -> click.ClickException:
    return click.ClickException(message)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="feedsearch")
def cli() -> None:
    """Search, feeds and related posts for an archive of essays.

    \b
    Build everything from a folder of Markdown, HTML and text essays:
      feedsearch build essays/ --out public --index .feedsearch --base-url https://example.org/
    Then search it:
      feedsearch search "asking for help" --index .feedsearch
    """


@contextmanager
def _progress_bar():
    """A per-file progress callback, shown on stderr only when stderr is a terminal."""
    bars = []

    def start(total: int):
        if not sys.stderr.isatty():
            return None
        bar = click.progressbar(length=total, label="Reading", file=sys.stderr)
        bar.__enter__()
        bars.append(bar)
        return lambda _name: bar.update(1)

    try:
        yield start
    finally:
        for bar in bars:
            bar.__exit__(None, None, None)


def _timezone(_ctx, _param, value: str | None):
    if value is None:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise click.BadParameter(f"unknown time zone {value!r} (try e.g. Europe/Berlin)") from exc


def _language(_ctx, _param, value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        raise click.BadParameter(f"{value!r} is not a language code such as en-us or de")
    return value.lower()


def _web_url(_ctx, _param, value: str | None) -> str | None:
    if value is not None and not re.match(r"https?://[^/\s]+", value):
        raise click.BadParameter(f"{value!r} is not an http(s) URL")
    return value


@cli.command()
@click.argument("source", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for feeds and related.json.")
@click.option("--index", "index_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the search index (never inside --out).")
@click.option("--base-url", callback=_web_url,
              help="The site's address; essay URLs are BASE_URL/<slug>/.")
@click.option("--title", default="Essays", show_default=True, help="The feeds' title.")
@click.option("--description", default="", help="The feeds' description.")
@click.option("--author", help="The site's author, named in the feeds.")
@click.option("--language", default="en-us", show_default=True, callback=_language,
              help="The feeds' language code.")
@click.option("--timezone", "default_tz", callback=_timezone,
              help="Time zone for dates written without one (default UTC).")
@click.option("--feed-limit", default=20, show_default=True, type=click.IntRange(min=1),
              help="Entries per feed.")
@click.option("--summary-only", is_flag=True, help="Feeds carry summaries, not full essays.")
@click.option("--tag-feeds/--no-tag-feeds", default=True, show_default=True,
              help="Write OUT/tags/<tag>/feed.xml and atom.xml.")
@click.option("--author-feeds", is_flag=True, help="Write OUT/authors/<author>/ feeds too.")
@click.option("--xsl", is_flag=True,
              help="Write OUT/feed.xsl so a feed opened in a browser reads as a page.")
@click.option("--xsl-url", callback=_web_url, help="Link the feeds to your own XSL stylesheet.")
@click.option("--websub-hub", callback=_web_url, help="Announce this WebSub hub in the feeds.")
@click.option("--drafts", "include_drafts", is_flag=True,
              help="Include essays marked as drafts.")
@click.option("--future", "include_future", is_flag=True,
              help="Include essays dated in the future.")
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
def build(source, out, index_dir, as_json, summary_only, default_tz, **options) -> None:
    """Read SOURCE and write the search index, the feeds and the related-posts map.

    \b
    Example:
      feedsearch build corpus --out public --index .feedsearch --base-url https://example.org/
    """
    from .build import BuildError, BuildOptions
    from .build import build as run_build

    if default_tz is not None:
        options["default_tz"] = default_tz
    build_options = BuildOptions(source, out, index_dir, full_content=not summary_only,
                                 **options)
    try:
        with _progress_bar() as progress:
            report = run_build(build_options, progress)
    except BuildError as exc:
        raise _fail(str(exc)) from exc
    except OSError as exc:
        raise _fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")) from exc
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    if as_json:
        click.echo(json.dumps({
            "documents": report.documents, "added": report.added, "updated": report.updated,
            "removed": report.removed, "unchanged": report.unchanged,
            "skipped": report.skipped, "drafts": report.drafts, "future": report.future,
            "warnings": [str(w) for w in report.warnings],
            "outputs": [str(p) for p in report.outputs], "index": str(index_dir),
            "seconds": round(report.seconds, 3)}, indent=2))
        return
    tag_feeds = sum(1 for p in report.outputs if "tags" in p.parts) // 2
    click.echo(f"Feeds:   {out / 'feed.xml'}  {out / 'atom.xml'}  {out / 'feed.json'}")
    if tag_feeds:
        click.echo(f"         {out / 'tags'}/<tag>/feed.xml and atom.xml ({tag_feeds} tags)")
    click.echo(f"Related: {out / 'related.json'}")
    click.echo(f"Index:   {index_dir}")
    click.echo(report.summary(), err=True)


@cli.command()
@click.argument("query")
@click.option("--index", "index_dir", required=True, type=click.Path(path_type=Path),
              help="The index folder a build wrote.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(min=1))
@click.option("--page", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON.")
def search(query, index_dir, limit, page, as_json) -> None:
    """Search the index for QUERY.

    \b
    Words must all occur (any of them when no essay has all); "quoted phrases" match as
    written; title:, tag: and author: search one field; -word leaves a word out.
    Example:
      feedsearch search '"hardest sentence" help' --index .feedsearch
    """
    from .search import SearchError
    from .search import search as run_search
    from .search_query import QueryError

    try:
        results = run_search(index_dir, query, limit=limit, page=page)
    except (SearchError, QueryError) as exc:
        raise _fail(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
        return
    from .terminal import print_results

    print_results(results, color=None)


@cli.command()
@click.argument("slug")
@click.option("--index", "index_dir", required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def related(slug, index_dir, as_json) -> None:
    """Show the essays related to SLUG.

    \b
    Example:
      feedsearch related asking-for-help --index .feedsearch
    """
    from . import store

    _require_store(index_dir)
    items = store.get_related(index_dir, slug)
    if items is None:
        raise _fail(f"no essay with slug {slug!r} in {index_dir}")
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    from .terminal import print_related

    print_related(slug, items)


@cli.command()
@click.option("--index", "index_dir", required=True, type=click.Path(path_type=Path))
def export(index_dir) -> None:
    """Print every indexed essay as JSON Lines (newest first).

    \b
    Example:
      feedsearch export --index .feedsearch > essays.jsonl
    """
    from . import store

    _require_store(index_dir)
    for document in store.iter_documents(index_dir):
        click.echo(json.dumps(document.record(), ensure_ascii=False))


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the document as JSON.")
def inspect(file, as_json) -> None:
    """Read one FILE and show the document feedsearch makes of it.

    \b
    Example:
      feedsearch inspect corpus/asking-for-help.md --json
    """
    from .corpus import read_file
    from .readers import ReadError

    if not file.exists():
        raise _fail(f"{file}: no such file")
    try:
        document, warnings = read_file(file, file.as_posix())
    except ReadError as exc:
        raise _fail(f"{file}: {exc}") from exc
    for warning in warnings:
        click.echo(f"warning: {file}: {warning}", err=True)
    record = document.record()
    if as_json:
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    for key, value in record.items():
        if key != "text":
            click.echo(f"{key:>8}: {', '.join(value) if isinstance(value, list) else value}")
    click.echo(f"\n{record['text']}")


def _require_store(index_dir: Path) -> None:
    from . import store

    if not store.store_path(index_dir).exists():
        raise _fail(f"no index at {index_dir}: run feedsearch build first")


def main() -> None:
    cli(prog_name="feedsearch")
