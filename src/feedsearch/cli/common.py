"""What the commands share: state, option validators, and small output helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import click

from ..config import Config


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
    _UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024 ** 2, "mb": 1024 ** 2,
              "g": 1024 ** 3, "gb": 1024 ** 3}

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", str(value))
        unit = match.group(2).lower() if match else ""
        if match is None or unit not in self._UNITS or float(match.group(1)) <= 0:
            self.fail(f"{value!r} is not a size such as 10MB, 500KB or 1GB", param, ctx)
        return max(1, int(float(match.group(1)) * self._UNITS[unit]))


BYTE_SIZE = ByteSize()


def timezone(_ctx, _param, value):
    if value is None or not isinstance(value, str):
        return value
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise click.BadParameter(f"unknown time zone {value!r} (try e.g. Europe/Berlin)") from exc


def language(_ctx, _param, value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        raise click.BadParameter(f"{value!r} is not a language code such as en-us or de")
    return value.lower()


def web_url(_ctx, _param, value: str | None) -> str | None:
    from ..urls import is_web_address

    if value and not is_web_address(value):
        raise click.BadParameter(f"{value!r} is not an http(s) URL")
    return value or None
