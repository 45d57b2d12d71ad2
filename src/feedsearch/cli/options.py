"""The build's command-line options, made from the settings' declarations (settings.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..settings import Setting, build_settings
from .common import BYTE_SIZE, language, permalink, timezone, web_url

_CHECKS = {"web_url": web_url, "language": language, "timezone": timezone,
           "permalink": permalink}
_TYPES = {"size": BYTE_SIZE}


def build_setting_options(function: Callable) -> Callable:
    """Decorate a command with every build setting that has a flag, in declared order."""
    for spec in reversed(build_settings()):
        if spec.flag:
            function = click.option(spec.flag, spec.param, **_option_arguments(spec))(function)
    return function


def _option_arguments(spec: Setting) -> dict[str, Any]:
    arguments: dict[str, Any] = {"help": _help(spec)}
    if spec.kind is bool:
        arguments["default"] = spec.default
        if "/" in spec.flag:
            arguments["show_default"] = True
        else:
            arguments["is_flag"] = True
        return arguments
    arguments["type"] = _type(spec)
    if spec.multiple:
        arguments["multiple"] = True
    elif spec.default_text is None and spec.default not in (None, ""):
        arguments["default"] = spec.default
        arguments["show_default"] = True
    if spec.check in _CHECKS:
        arguments["callback"] = _CHECKS[spec.check]
    return arguments


def _choices(spec: Setting) -> dict[str, str]:
    """The choices of a setting, each with what it writes, from the registry it names."""
    if spec.choices_from == "related_formats":
        from ..outputs import related_formats

        return related_formats()
    return dict.fromkeys(spec.choices, "")


def _type(spec: Setting) -> Any:
    if spec.check in _TYPES:
        return _TYPES[spec.check]
    if spec.choices or spec.choices_from:
        return click.Choice(list(_choices(spec)))
    if spec.kind is Path:
        return click.Path(file_okay=False, path_type=Path)
    if spec.kind is int:
        return click.IntRange(min=spec.minimum)
    if spec.kind is float:
        return click.FloatRange(min=spec.minimum)
    return None


def _help(spec: Setting) -> str:
    if spec.default_text and spec.kind is not str:
        return f"{spec.help} [default: {spec.default_text}]."
    if spec.choices_from:
        files = ", ".join(f"OUT/{path}" for path in _choices(spec).values())
        return f"{spec.help} ({files})."
    return spec.help
