"""feedsearch.toml: the settings of one archive, so that commands need no arguments.

The file is optional. Flags given on the command line win over it; paths in it are relative
to the folder the file is in.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .settings import Setting, build_settings, checked

CONFIG_NAME = "feedsearch.toml"

SECTIONS = ("site", "paths", "feeds", "related")  # in the order init's template has them
_KIND_NAMES = {str: "a string", int: "an integer", bool: "true or false", list: "a list",
               float: "a number"}


def config_keys() -> dict[str, dict[str, Setting]]:
    """section -> key -> the setting it sets, from the settings' declarations."""
    keys: dict[str, dict[str, Setting]] = {section: {} for section in SECTIONS}
    for spec in build_settings():
        if spec.config:
            keys.setdefault(spec.section, {})[spec.key] = spec
    return keys


class ConfigError(ValueError):
    """A config file that cannot be read or holds a wrong value; the message says which."""


@dataclass
class Config:
    """Settings by the option names the commands use, plus where they came from."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


CONFIG_ENV = "FEEDSEARCH_CONFIG"


def find_config(folder: Path) -> Path | None:
    """The feedsearch.toml in ``folder`` or the nearest folder above it (as git finds its
    repository), so that commands work from anywhere inside the archive; None if none."""
    start = Path(folder).resolve()
    for candidate in (start, *start.parents):
        path = candidate / CONFIG_NAME
        if path.is_file():
            return path
    return None


def config_path(given: Path | None, folder: Path, environ: dict[str, str]) -> Path | None:
    """The config file to read: ``--config``, else $FEEDSEARCH_CONFIG, else the nearest
    feedsearch.toml from ``folder`` up. One named explicitly must exist."""
    if given is None and environ.get(CONFIG_ENV):
        given = Path(environ[CONFIG_ENV])
        if not given.is_file():
            raise ConfigError(f"{CONFIG_ENV} names {given}, which does not exist")
    if given is not None:
        if not given.is_file():
            raise ConfigError(f"config file {given} does not exist")
        return given
    return find_config(folder)


def load_config(path: Path | None) -> Config:
    """Read and check a config file; None gives an empty Config."""
    if path is None:
        return Config()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    keys = config_keys()
    values: dict[str, Any] = {}
    for section, table in data.items():
        if section not in keys or not isinstance(table, dict):
            raise ConfigError(f"{path}: unknown section [{section}] "
                              f"(known: {', '.join(sorted(keys))})")
        for key, value in table.items():
            if key not in keys[section]:
                known = ", ".join(sorted(keys[section]))
                raise ConfigError(f"{path}: unknown key {key!r} in [{section}] (known: {known})")
            spec = keys[section][key]
            _check_type(path, spec, value)
            _check_value(path, spec, value)
            if spec.kind is Path:
                value = str(Path(path).parent / value)
            values[spec.param] = value
    return Config(Path(path), values)


def _check_value(path: Path, spec: Setting, value: Any) -> None:
    """The check its flag makes (settings.checked), named by this file and key: a value
    that the build would refuse is refused here, where the person can find it."""
    problem = None
    try:
        checked(spec.check, value)
    except ValueError as exc:
        problem = str(exc)
    values = value if isinstance(value, list) else [value]
    if spec.minimum is not None and any(v < spec.minimum for v in values):
        problem = f"{value!r} is below the least allowed, {spec.minimum:g}"
    if spec.choices and any(v not in spec.choices for v in values):
        problem = f"{value!r} is not one of {', '.join(spec.choices)}"
    if problem:
        raise ConfigError(f"{path}: [{spec.section}] {spec.key}: {problem}")


def _check_type(path: Path, spec: Setting, value: Any) -> None:
    if spec.check == "size" and isinstance(value, str):
        return  # "10MB": the command line's type reads it
    kind = str if spec.kind is Path else spec.kind
    accepted = (int, float) if kind is float else kind
    if not isinstance(value, accepted) or (kind is not bool and isinstance(value, bool)):
        raise ConfigError(f"{path}: [{spec.section}] {spec.key} must be "
                          f"{_KIND_NAMES.get(kind, 'a ' + kind.__name__)}, not {value!r}")


_HEADER = """\
# feedsearch settings for this archive. Flags on the command line win over this file;
# paths are relative to this file's folder.
"""


def render_template(**answers: str) -> str:
    """A commented feedsearch.toml with every setting that has a config key: the values of
    ``answers`` (by param name: title, base_url, author, source, description), else each
    setting's example or default."""
    lines = [_HEADER]
    for section, specs in config_keys().items():
        lines.append(f"[{section}]")
        for spec in specs.values():
            lines += _template_lines(spec, answers)
        lines.append("")
    return "\n".join(lines)


def _template_lines(spec: Setting, answers: dict[str, str]) -> list[str]:
    if spec.param in answers:
        value = answers[spec.param]
    elif spec.example is not None:
        value = spec.example
    else:
        value = spec.default
    if value is None:
        return []
    line = f"{'# ' if spec.commented else ''}{spec.key} = {_toml(value)}"
    if spec.section == "site" or spec.section == "paths":  # long comments, on their own line
        return [f"# {spec.comment}", line] if spec.comment else [line]
    return [f"{line:<22} # {spec.comment}" if spec.comment else line]


def _toml(value: Any) -> str:
    """A TOML literal: JSON strings, lists and numbers are TOML too."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)
