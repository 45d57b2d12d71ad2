"""The serve command: the archive in a browser, rebuilt as it changes."""

from __future__ import annotations

import click

from ..terminal import say
from .building import _need
from .common import fail
from .options import build_setting_options


@click.command()
@click.argument("source", required=False, type=click.Path(file_okay=False))
@build_setting_options
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on (this machine only, unless you choose).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="The port to listen on (0: any free one).")
@click.option("--no-watch", is_flag=True, help="Build once; do not rebuild on changes.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the address and problems.")
def serve(source, out, index_dir, host, port, no_watch, quiet, **settings) -> None:
    """Build SOURCE and show it in a browser: the archive, search, each essay with its
    related posts, tags, and the feeds where they are published. Each change to a file
    in SOURCE builds again, and open pages reload themselves.

    \b
    Example:
      feedsearch serve corpus --out public --index .feedsearch
    """
    from pathlib import Path

    from ..serve import ServeError
    from ..serve import serve as run_serve
    from ..settings import BuildOptions

    source = _need(source, "SOURCE folder", "[paths] source")
    out = _need(out, "--out folder", "[paths] out")
    index_dir = _need(index_dir, "--index folder", "[paths] index")
    options = BuildOptions.from_params({**settings, "source": Path(source), "out": out,
                                        "index_dir": index_dir})

    def ready(url: str) -> None:
        click.echo(f"Serving {url} (Ctrl-C stops){'' if no_watch else '; watching ' + str(source)}",
                   err=True)

    def built(report) -> None:
        if not quiet:
            click.echo(report.summary(), err=True)

    def failed(problem: str) -> None:
        say(f"error: {problem}", err=True)

    try:
        run_serve(options, host, port, watch=not no_watch, on_ready=ready, on_build=built,
                  on_error=failed)
    except ServeError as exc:
        raise fail(str(exc)) from exc


COMMANDS = (serve,)
