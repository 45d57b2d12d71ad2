"""The command line: each command parses options, calls one library function, prints.

Settings come from flags, then feedsearch.toml (given with --config or $FEEDSEARCH_CONFIG,
else the nearest one in the current folder or above it), then defaults. Heavy modules are
imported inside the commands that need them, so that ``search`` never loads the HTML and
Markdown stack.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import click

from .. import __version__
from ..config import CONFIG_ENV, CONFIG_NAME, ConfigError, load_config
from ..config import config_path as find_config_path
from ..interrupts import Terminated
from .common import State


class FeedsearchGroup(click.Group):
    """Every problem is one line: usage mistakes (exit 2) with a pointer to --help, and
    unexpected exceptions (exit 1) unless ``--debug`` asks for the traceback."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True,
             **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
            sys.stdout.flush()  # here, where a reader gone away can still be met quietly
        except BrokenPipeError:
            _reader_gone()
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.format_message(), err=True)
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            click.echo(f"Error: {exc.format_message()}{where}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.exceptions.Abort as exc:
            if isinstance(exc.__cause__, KeyboardInterrupt):  # Ctrl-C, or SIGTERM
                from ..entry import interrupted

                interrupted(143 if isinstance(exc.__cause__, Terminated) else 130)
            click.echo("Aborted.", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)  # ctx.exit(n) comes back as n

    def invoke(self, ctx: click.Context):
        # `init` (to replace a broken file) and --help must work whatever the config holds.
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
        ctx.meta["config_optional"] = bool(rest) and (
            rest[0] == "init" or any(arg in ("--help", "-h") for arg in rest))
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:
            _reader_gone()
        except Exception as exc:
            if isinstance(ctx.obj, State) and ctx.obj.debug:
                raise
            raise click.ClickException(
                f"unexpected error: {type(exc).__name__}: {exc} "
                "(run again with --debug to see the details, and please report it)") from exc


def _reader_gone() -> None:
    """The reader of our output went away (``| head``): what it read is all it wanted, so
    stop quietly with 0. Standard output is pointed at /dev/null first, so that Python's
    own flush at exit does not fail again and print."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(0)


@click.group(cls=FeedsearchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="feedsearch")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help=f"Settings file (default: ${CONFIG_ENV}, else the nearest {CONFIG_NAME} "
                   "in this folder or above it).")
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
    try:
        config = load_config(find_config_path(config_path, Path("."), os.environ))
    except ConfigError as exc:
        if not ctx.meta.get("config_optional"):
            raise click.ClickException(str(exc)) from exc
        config = load_config(None)
    ctx.obj = State(config=config, debug=debug)
    # Every command takes its defaults from the config; flags still win.
    ctx.default_map = {name: dict(config.values) for name in ctx.command.commands}


def _register() -> None:
    from . import building, reading, serving, sites

    for module in (building, reading, serving, sites):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    signal.signal(signal.SIGTERM, _stopped)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not ignored
        signal.signal(signal.SIGINT, _stopped)
    cli(prog_name="feedsearch")


def _stopped(number, _frame) -> None:
    """Ctrl-C or SIGTERM outside a build stops the command at once, with one line and
    130 or 143 (a build takes both over while it runs: interrupts.deferred, which rolls
    back what it has not committed, stops its workers and releases its lock). Not an
    exception: one raised here can land in a callback, where Python only prints it, and
    the command goes on."""
    from ..entry import interrupted

    interrupted(128 + number)
