"""The command line: each command parses options, calls one library function, prints.

Settings come from flags, then feedsearch.toml (found in the current folder or given with
--config), then defaults. Heavy modules are imported inside the commands that need them, so
that ``search`` never loads the HTML and Markdown stack.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .. import __version__
from ..config import CONFIG_NAME, ConfigError, find_config, load_config
from .common import State


class FeedsearchGroup(click.Group):
    """Turns an unexpected exception into one line; ``--debug`` shows the traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:
            # The reader of our output went away (| head): stop quietly, as Unix tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(1)
        except Exception as exc:
            if isinstance(ctx.obj, State) and ctx.obj.debug:
                raise
            raise click.ClickException(
                f"unexpected error: {type(exc).__name__}: {exc} "
                "(run again with --debug to see the details, and please report it)") from exc


@click.group(cls=FeedsearchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="feedsearch")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help=f"Settings file (default: ./{CONFIG_NAME} when it exists).")
@click.option("--debug", is_flag=True, help="Show the full traceback of an unexpected error.")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, debug: bool) -> None:
    """Search, feeds and related posts for an archive of essays.

    \b
    Build the index, feeds and related posts from a folder of essays:
      feedsearch build essays --out public --index .feedsearch --base-url https://example.org/
    Search it:
      feedsearch search "asking for help" --index .feedsearch
    With a feedsearch.toml in the folder (feedsearch init writes one), just:
      feedsearch build
      feedsearch search asking for help
    """
    if config_path is not None and not config_path.is_file():
        raise click.ClickException(f"config file {config_path} does not exist")
    try:
        config = load_config(config_path or find_config(Path(".")))
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    ctx.obj = State(config=config, debug=debug)
    # Every command takes its defaults from the config; flags still win.
    ctx.default_map = {name: dict(config.values) for name in ctx.command.commands}


def _register() -> None:
    from . import building, reading

    for module in (building, reading):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="feedsearch")
