"""What the commands share: state, option validators, and small output helpers."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import click

from ..config import Config
from ..settings import byte_size, checked


@dataclass
class State:
    config: Config
    debug: bool = False


def fail(message: str) -> click.ClickException:
    return click.ClickException(message)


def index_option(function):
    return click.option("--index", "index_dir", required=True,
                        type=click.Path(file_okay=False, path_type=Path),
                        help="The index folder a build wrote.")(function)


def json_option(function):
    return click.option("--json", "as_json", is_flag=True,
                        help="Print JSON for scripts.")(function)


def library_call(function, *args):
    """Call a library function of essays.py; its NotFound (no index yet, no such essay) is
    the command's one-line error."""
    from ..essays import NotFound
    from ..store import DamagedStore

    try:
        return function(*args)
    except (NotFound, DamagedStore) as exc:
        raise fail(str(exc)) from exc


class ByteSize(click.ParamType):
    """A size such as 10MB, 500KB, 1.5GB or a number of bytes (MB is 1024 * 1024 bytes)."""

    name = "SIZE"

    def convert(self, value, param, ctx) -> int:
        try:
            return byte_size(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


BYTE_SIZE = ByteSize()


def _check(kind: str):
    """A click callback running the setting check ``kind`` (settings.checked)."""
    def callback(_ctx, _param, value):
        if value is None or (kind == "timezone" and not isinstance(value, str)):
            return value
        try:
            return checked(kind, value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from exc

    return callback


timezone = _check("timezone")
language = _check("language")
web_url = _check("web_url")
permalink = _check("permalink")


def complete_slug(ctx: click.Context, _param, incomplete: str) -> list:
    """Shell completion of an essay's slug, from the index named with --index or by the
    config (found as the commands find it). Completion never fails: nothing is offered when
    there is no index to read."""
    import os

    from click.shell_completion import CompletionItem

    from ..config import ConfigError, config_path, load_config
    from ..store import DamagedStore, slugs_starting

    index_dir = ctx.params.get("index_dir")
    try:
        if index_dir is None:
            given = (ctx.find_root().params or {}).get("config_path")
            index_dir = load_config(config_path(given, Path("."), os.environ)).get("index_dir")
        if index_dir is None:
            return []
        return [CompletionItem(slug) for slug in slugs_starting(Path(index_dir), incomplete)]
    except (ConfigError, DamagedStore, OSError, sqlite3.Error):
        return []
