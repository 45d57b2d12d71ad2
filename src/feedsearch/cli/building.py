"""Commands that read an archive: build, check, init."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from ..config import CONFIG_NAME, render_template
from ..settings import RelatedOptions
from .common import fail, language, timezone, web_url


@contextmanager
def _progress(quiet: bool, verbose: bool):
    """A per-file callback: a progress bar on a terminal, file names with --verbose."""
    bars = []

    def start(total: int):
        if verbose:
            return lambda name: click.echo(f"reading {name}", err=True)
        if quiet or not sys.stderr.isatty():
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


def _need(value, what: str, key: str):
    if value is None:
        raise click.UsageError(f"no {what} given: pass it, or set {key} in {CONFIG_NAME}")
    return Path(value)


@click.command()
@click.argument("source", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for feeds and related.json.")
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the search index (never inside --out).")
@click.option("--base-url", callback=web_url,
              help="The site's address; essay URLs are BASE_URL/<slug>/.")
@click.option("--title", default="Essays", show_default=True, help="The feeds' title.")
@click.option("--description", default="", help="The feeds' description.")
@click.option("--author", help="The site's author, named in the feeds.")
@click.option("--language", default="en-us", show_default=True, callback=language,
              help="The feeds' language code.")
@click.option("--timezone", "default_tz", callback=timezone,
              help="Time zone for dates written without one (default UTC).")
@click.option("--feed-limit", default=20, show_default=True, type=click.IntRange(min=1),
              help="Entries per feed.")
@click.option("--full-content/--summary-only", default=True, show_default=True,
              help="Feeds carry whole essays, or summaries only.")
@click.option("--tag-feeds/--no-tag-feeds", default=True, show_default=True,
              help="Write OUT/tags/<tag>/feed.xml and atom.xml.")
@click.option("--author-feeds", is_flag=True, help="Write OUT/authors/<author>/ feeds too.")
@click.option("--xsl", is_flag=True,
              help="Write OUT/feed.xsl so a feed opened in a browser reads as a page.")
@click.option("--xsl-url", callback=web_url, help="Link the feeds to your own XSL stylesheet.")
@click.option("--websub-hub", callback=web_url, help="Announce this WebSub hub in the feeds.")
@click.option("--drafts", "include_drafts", is_flag=True,
              help="Include essays marked as drafts.")
@click.option("--future", "include_future", is_flag=True,
              help="Include essays dated in the future.")
@click.option("--pages", "include_pages", is_flag=True,
              help="Include the pages of WordPress exports (About, Contact...) as essays.")
@click.option("--related-limit", default=5, show_default=True, type=click.IntRange(min=0),
              help="Related essays listed per essay.")
@click.option("--text-weight", default=RelatedOptions.text_weight, show_default=True,
              type=click.FloatRange(min=0),
              help="Weight of shared words in related posts.")
@click.option("--tag-weight", default=RelatedOptions.tag_weight, show_default=True,
              type=click.FloatRange(min=0),
              help="Weight of shared tags in related posts.")
@click.option("--min-score", default=0.0, show_default=True, type=click.FloatRange(min=0),
              help="Leave out related essays scoring this or less.")
@click.option("--date-weight", default=0.0, show_default=True, type=click.FloatRange(min=0),
              help="Weight of closeness in time in related posts.")
@click.option("--include-newer/--only-older", default=True, show_default=True,
              help="May an essay's related list hold essays published after it?")
@click.option("--related-format", "related_formats", multiple=True,
              type=click.Choice(["hugo", "eleventy", "jekyll"]),
              help="Also write the related map as the data file this generator reads "
                   "(OUT/data/related.json, OUT/_data/related.json, OUT/_data/related.yml).")
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="Processes that parse files while the index is written "
                   "[default: one per core but one; 0: parse in the build's own process].")
@click.option("--lock-timeout", default=60.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds to wait while another build of the same index runs.")
@click.option("--quiet", "-q", is_flag=True, help="Print only warnings and errors.")
@click.option("--verbose", "-v", is_flag=True, help="Name each file as it is read.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when there are warnings.")
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
def build(source, out, index_dir, default_tz, related_limit, text_weight, tag_weight,
          min_score, date_weight, include_newer, quiet, verbose, strict, as_json,
          **options) -> None:
    """Read SOURCE and write the search index, the feeds and the related-posts map.

    Only new and changed files are read again; the outputs are written atomically.

    \b
    Example:
      feedsearch build corpus --out public --index .feedsearch --base-url https://example.org/
    """
    from ..build import BuildError, BuildOptions
    from ..build import build as run_build
    from ..settings import RelatedOptions

    source = _need(source, "SOURCE folder", "[paths] source")
    out = _need(out, "--out folder", "[paths] out")
    index_dir = _need(index_dir, "--index folder", "[paths] index")
    if default_tz is not None:
        options["default_tz"] = default_tz
    related = RelatedOptions(limit=related_limit, text_weight=text_weight,
                             tag_weight=tag_weight, min_score=min_score,
                             date_weight=date_weight, include_newer=include_newer)
    options["related_formats"] = tuple(options["related_formats"])
    if options["workers"] is None:
        del options["workers"]
    build_options = BuildOptions(source, out, index_dir, related=related, **options)
    try:
        with _progress(quiet, verbose) as progress:
            report = run_build(build_options, progress)
    except BuildError as exc:
        raise fail(str(exc)) from exc
    except OSError as exc:
        raise fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")) from exc
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    elif not quiet:
        for note in report.notes:
            click.echo(f"note: {note}", err=True)
        _print_outputs(report, out, index_dir)
        click.echo(report.summary(), err=True)
    if strict and report.warnings:
        raise fail(f"{len(report.warnings)} warnings and --strict was given")


def _print_outputs(report, out: Path, index_dir: Path) -> None:
    groups = {group: sum(1 for p in report.outputs if group in p.parts) // 2
              for group in ("tags", "authors")}
    click.echo(f"Feeds:   {out / 'feed.xml'}  {out / 'atom.xml'}  {out / 'feed.json'}")
    for group, count in groups.items():
        if count:
            click.echo(f"         {out / group}/<{group[:-1]}>/feed.xml and atom.xml "
                       f"({count} {group})")
    click.echo(f"Related: {out / 'related.json'}")
    click.echo(f"Index:   {index_dir}")


@click.command()
@click.argument("source", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--timezone", "default_tz", callback=timezone,
              help="Time zone for dates written without one (default UTC).")
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
def check(source, default_tz, as_json) -> None:
    """Read the whole archive and report every problem, writing nothing.

    Missing dates and titles, duplicate slugs, broken front matter, undecodable or empty
    files: one line each. The exit status is 1 when there are problems.

    \b
    Example:
      feedsearch check corpus
    """
    from ..corpus import read_corpus

    source = _need(source, "SOURCE folder", "[paths] source")
    if not source.is_dir():
        raise fail(f"source folder {source} does not exist")
    options = {"default_tz": default_tz} if default_tz is not None else {}
    result = read_corpus(source, include_drafts=True, **options)
    problems = [{"source": w.source, "problem": w.reason} for w in result.warnings]
    if as_json:
        click.echo(json.dumps({"essays": len(result.documents), "problems": problems},
                              ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            click.echo(f"{problem['source']}: {problem['problem']}")
        click.echo(f"{len(result.documents)} essays read, {len(problems)} problems", err=True)
    if problems:
        sys.exit(1)


@click.command()
@click.option("--title", help="The site's title.")
@click.option("--base-url", callback=web_url, help="The site's address.")
@click.option("--author", help="The author named in the feeds.")
@click.option("--source", help="The folder of essays, relative to here.")
@click.option("--force", is_flag=True, help=f"Overwrite an existing {CONFIG_NAME}.")
def init(title, base_url, author, source, force) -> None:
    """Write a commented feedsearch.toml here, asking a few questions on a terminal.

    \b
    Example:
      feedsearch init --title "My Essays" --base-url https://example.org/ --source essays
    """
    target = Path.cwd() / CONFIG_NAME
    if target.exists() and not force:
        raise fail(f"{CONFIG_NAME} already exists here (use --force to replace it)")
    asking = sys.stdin.isatty()

    def ask(value, question: str, default: str) -> str:
        if value is not None:
            return value
        return click.prompt(question, default=default) if asking else default

    text = render_template(
        title=ask(title, "Site title", "Essays"),
        base_url=ask(base_url, "Site address (base URL)", "https://example.org/"),
        author=ask(author, "Author", ""),
        source=ask(source, "Folder of essays", "essays"),
    )
    target.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {CONFIG_NAME}. Next: feedsearch build")


COMMANDS = (build, check, init)
