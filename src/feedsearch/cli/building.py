"""Commands that read an archive: build, check, init."""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from click.core import ParameterSource

from .. import interrupts
from ..config import CONFIG_NAME, render_template
from ..progress import READING, BuildProgress
from ..settings import MAX_FILE_BYTES, checked
from ..strings import counted
from ..terminal import say
from .common import BYTE_SIZE, fail, language, timezone, web_url
from .options import build_setting_options


@contextmanager
def _progress(quiet: bool, verbose: bool):
    """What the build shows while it runs: each stage and its count on a terminal, the
    name of each file read with --verbose, nothing otherwise."""
    if verbose:
        progress = _Verbose()
    elif quiet or not sys.stderr.isatty():
        progress = None
    else:
        from ..terminal import TerminalProgress

        progress = TerminalProgress(sys.stderr.fileno())
    try:
        yield progress
    finally:
        if progress is not None:
            progress.close()


class _Verbose(BuildProgress):
    def stage(self, name: str, total: int | None = None, unit: str = "essays") -> None:
        self.reading = name == READING

    def advance(self, item: str = "") -> None:
        if self.reading:
            say(f"reading {item}", err=True)


def _need(value, what: str, key: str):
    if value is None:
        raise click.UsageError(f"no {what} given: pass it, or set {key} in {CONFIG_NAME}")
    return Path(value)


@click.command()
@click.argument("source", required=False, type=click.Path(file_okay=False, path_type=Path))
@build_setting_options
@click.option("--quiet", "-q", is_flag=True, help="Print only warnings and errors.")
@click.option("--verbose", "-v", is_flag=True, help="Name each file as it is read.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when there are warnings.")
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
def build(source, out, index_dir, quiet, verbose, strict, as_json, **settings) -> None:
    """Read SOURCE and write the search index, the feeds and the related-posts map.

    Only new and changed files are read again; the outputs are written atomically.

    \b
    Example:
      feedsearch build corpus --out public --index .feedsearch --base-url https://example.org/
    """
    from ..build import BuildError, BuildInterrupted
    from ..build import build as run_build
    from ..settings import BuildOptions

    source = _need(source, "SOURCE folder", "[paths] source")
    out = _need(out, "--out folder", "[paths] out")
    index_dir = _need(index_dir, "--index folder", "[paths] index")
    build_options = BuildOptions.from_params(
        {**settings, "source": source, "out": out, "index_dir": index_dir})
    try:
        with interrupts.deferred(), _progress(quiet, verbose) as progress:
            report = run_build(build_options, progress)
    except BuildError as exc:
        raise fail(str(exc)) from exc
    except BuildInterrupted as exc:
        say(str(exc), err=True)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(exc.exit_code)  # as entry.interrupted, with the build's own message
    except OSError as exc:
        raise fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")) from exc
    _print_warnings(report.warnings, summarised=sys.stderr.isatty() and not verbose)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    elif not quiet:
        for note in report.notes:
            say(f"note: {note}", err=True)
        _print_outputs(report, out, index_dir)
        click.echo(report.summary(), err=True)
    if strict and report.warnings:
        raise fail(f"{len(report.warnings)} warnings and --strict was given")


def _print_warnings(warnings: list, summarised: bool) -> None:
    """Every warning for scripts and logs; on a terminal, the first few of each kind and
    a count of the rest."""
    from ..terminal import warning_lines

    lines = warning_lines(warnings) if summarised else [f"warning: {w}" for w in warnings]
    for line in lines:
        say(line, err=True)


def _print_outputs(report, out: Path, index_dir: Path) -> None:
    """Where the build wrote, with folders below the current one shown relative to it (a
    config found upward names them in full)."""
    shown_out = _from_here(out)
    for line in report.output_lines:
        say(line.replace(str(out), str(shown_out)) if shown_out != out else line)
    say(f"Index:   {_from_here(index_dir)}")


def _from_here(path: Path) -> Path:
    try:
        return Path(path).relative_to(Path.cwd())
    except ValueError:
        return Path(path)


@click.command()
@click.argument("source", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--timezone", "default_tz", callback=timezone,
              help="Time zone for dates written without one (default UTC).")
@click.option("--max-file-size", type=BYTE_SIZE, default=MAX_FILE_BYTES,
              help="Report any file, or post of an export, larger than this: 10MB, 500KB "
                   "or a number of bytes [default: 10MB].")
@click.option("--read-timeout", type=click.FloatRange(min=0), default=60.0, show_default=True,
              help="Report a file still being read after this many seconds (0: no limit).")
@click.option("--language", callback=language,
              help="The essays' language code, for dates written out in words in text "
                   "copies (default en).")
@click.option("--site-kind", type=click.Choice(["auto", "none", "hugo", "jekyll", "eleventy"]),
              default="auto", show_default=True,
              help="SOURCE is a Hugo, Jekyll or Eleventy site, or its content folder: check "
                   "its essays only, as build reads them.")
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
def check(source, default_tz, max_file_size, read_timeout, language, site_kind,
          as_json) -> None:
    """Read the whole archive and report every problem, writing nothing.

    Missing dates and titles, duplicate slugs, broken front matter, undecodable or empty
    files: one line each. The exit status is 1 when there are problems.

    \b
    Example:
      feedsearch check corpus
    """
    from ..corpus import read_corpus
    from ..sites import detect

    source = _need(source, "SOURCE folder", "[paths] source")
    if not source.is_dir():
        raise fail(f"source folder {source} does not exist")
    options = {"default_tz": default_tz} if default_tz is not None else {}
    if language:
        options["language"] = language.lower().split("-")[0]
    site = detect(source, site_kind)
    if site is None and site_kind not in ("auto", "none"):
        raise fail(f"{source} is not a {site_kind} site, nor inside one")
    result = read_corpus(source, include_drafts=True, max_bytes=max_file_size,
                         seconds=read_timeout or None, site=site, **options)
    problems = [{"source": w.source, "problem": w.reason} for w in result.warnings]
    undated = [d.source for d in result.documents if d.date is None and not d.draft]
    if as_json:
        click.echo(json.dumps({"essays": len(result.documents), "problems": problems,
                               "undated": undated}, ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            say(f"{problem['source']}: {problem['problem']}")
        if undated:
            click.echo(f"{counted(len(undated), 'essay')} with no date, left out of the "
                       "feeds until given one (the fix for each is above)", err=True)
        click.echo(f"{counted(len(result.documents), 'essay')} read, "
                   f"{counted(len(problems), 'problem')}", err=True)
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

    Answers are checked as the flags are (a terminal asks again); off a terminal, the
    folder of essays must be given with --source. The file written is one that build takes.

    \b
    Example:
      feedsearch init --title "My Essays" --base-url https://example.org/ --source essays
    """
    target = Path.cwd() / CONFIG_NAME
    if target.exists() and not force:
        raise fail(f"{CONFIG_NAME} already exists here (use --force to replace it)")
    asking = sys.stdin.isatty()
    if source is not None:
        try:  # a folder given that is not there: refused, nothing written
            _essay_folder(source)
        except click.BadParameter as exc:
            raise click.BadParameter(exc.message, param_hint="'--source'") from exc
    elif not asking:
        raise click.UsageError("give the folder of essays with --source (init asks for it "
                               "only on a terminal)")

    def ask(value, question: str, default: str, check=None) -> str:
        if value is not None or not asking:
            return value if value is not None else default
        return click.prompt(question, default=default, value_proc=check)

    text = render_template(
        title=ask(title, "Site title", "Essays"),
        base_url=ask(base_url, "Site address (base URL)", "https://example.org/", _base_url),
        author=ask(author, "Author", ""),
        source=ask(source, "Folder of essays", "essays", _essay_folder),
    )
    target.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {CONFIG_NAME}. Next: feedsearch build")


def _base_url(answer: str) -> str:
    """An answer to init's question, checked as --base-url is (click asks again)."""
    try:
        return checked("web_url", answer.strip())
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def _essay_folder(answer: str) -> str:
    """The folder of essays must be there: build would refuse a config naming one that
    is not."""
    if not (Path.cwd() / answer).is_dir():
        raise click.BadParameter(f"there is no folder {answer!r} here")
    return answer


@click.command("config")
@build_setting_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def show_config(ctx: click.Context, as_json: bool, **settings) -> None:
    """Show the build settings in effect here, and where each came from: a flag given
    with this command, the config file (which one), or the default.

    \b
    Examples:
      feedsearch config
      feedsearch config --base-url https://example.org/ --json
    """
    from ..settings import build_settings

    config = ctx.obj.config
    rows = []
    for spec in build_settings():
        if not (spec.flag or spec.config):
            continue
        if spec.flag:
            value = settings.get(spec.param)
            given = ctx.get_parameter_source(spec.param)
        else:  # a setting only the config file holds (the folder of essays)
            value = config.get(spec.param, spec.default)
            given = ParameterSource.DEFAULT_MAP if spec.param in config.values else None
        origin = {ParameterSource.COMMANDLINE: "flag",
                  ParameterSource.DEFAULT_MAP: str(config.path)}.get(given, "default")
        rows.append({"setting": spec.config or spec.param, "flag": spec.flag,
                     "value": _plain(value), "from": origin})
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from ..terminal import print_settings

    print_settings(rows, config.path)


def _plain(value):
    """A setting's value as JSON holds it: paths and time zones as text."""
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


COMMANDS = (build, check, init, show_config)
