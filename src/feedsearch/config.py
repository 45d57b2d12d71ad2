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

CONFIG_NAME = "feedsearch.toml"

# section -> key -> (type, the build/search option it sets)
_KEYS: dict[str, dict[str, tuple[type | tuple[type, ...], str]]] = {
    "site": {
        "title": (str, "title"),
        "description": (str, "description"),
        "base_url": (str, "base_url"),
        "author": (str, "author"),
        "language": (str, "language"),
        "timezone": (str, "default_tz"),
    },
    "paths": {
        "source": (str, "source"),
        "out": (str, "out"),
        "index": (str, "index_dir"),
    },
    "feeds": {
        "limit": (int, "feed_limit"),
        "full_content": (bool, "full_content"),
        "tag_feeds": (bool, "tag_feeds"),
        "author_feeds": (bool, "author_feeds"),
        "xsl": (bool, "xsl"),
        "xsl_url": (str, "xsl_url"),
        "websub_hub": (str, "websub_hub"),
        "drafts": (bool, "include_drafts"),
        "future": (bool, "include_future"),
        "pages": (bool, "include_pages"),
    },
    "related": {
        "limit": (int, "related_limit"),
        "date_weight": ((int, float), "date_weight"),
        "include_newer": (bool, "include_newer"),
        "formats": (list, "related_formats"),
        "text_weight": ((int, float), "text_weight"),
        "tag_weight": ((int, float), "tag_weight"),
        "min_score": ((int, float), "min_score"),
    },
}
_PATH_KEYS = {"source", "out", "index_dir"}
_KIND_NAMES = {str: "a string", int: "an integer", bool: "true or false",
               list: "a list"}


class ConfigError(ValueError):
    """A config file that cannot be read or holds a wrong value; the message says which."""


@dataclass
class Config:
    """Settings by the option names the commands use, plus where they came from."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


def find_config(folder: Path) -> Path | None:
    candidate = Path(folder) / CONFIG_NAME
    return candidate if candidate.is_file() else None


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
    values: dict[str, Any] = {}
    for section, table in data.items():
        if section not in _KEYS or not isinstance(table, dict):
            raise ConfigError(f"{path}: unknown section [{section}] "
                              f"(known: {', '.join(sorted(_KEYS))})")
        for key, value in table.items():
            if key not in _KEYS[section]:
                known = ", ".join(sorted(_KEYS[section]))
                raise ConfigError(f"{path}: unknown key {key!r} in [{section}] (known: {known})")
            kind, option = _KEYS[section][key]
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                expected = _KIND_NAMES.get(kind, "number")
                raise ConfigError(f"{path}: [{section}] {key} must be {expected}, "
                                  f"not {value!r}")
            if option in _PATH_KEYS:
                value = str(Path(path).parent / value)
            values[option] = value
    return Config(Path(path), values)


TEMPLATE = '''\
# feedsearch settings for this archive. Flags on the command line win over this file;
# paths are relative to this file's folder.

[site]
title = {title}
description = {description}
# The site's address: essay URLs are base_url/<slug>/ and feeds link there.
base_url = {base_url}
author = {author}
language = "en-us"
# Time zone for dates written without one.
timezone = "UTC"

[paths]
# The folder of essays (Markdown, HTML, text).
source = {source}
# Feeds and related.json go here; publish this folder with your site.
out = "public"
# The search index; keep it out of the published folder.
index = ".feedsearch"

[feeds]
limit = 20             # entries per feed
full_content = true    # false: summaries only
tag_feeds = true       # public/tags/<tag>/feed.xml and atom.xml
author_feeds = false   # public/authors/<author>/feed.xml and atom.xml
xsl = false            # write feed.xsl so feeds opened in a browser read as a page
# websub_hub = "https://pubsubhubbub.appspot.com/"
drafts = false         # include essays marked draft
future = false         # include essays dated in the future
pages = false          # include the pages of WordPress exports

[related]
limit = 5              # related essays per essay
text_weight = 0.5      # how much shared words count
tag_weight = 0.5       # how much shared tags count (rare tags more)
min_score = 0.0
date_weight = 0.0      # > 0: essays close in time count as more related
include_newer = true   # false: list only essays published before each essay
# formats = ["hugo", "eleventy", "jekyll"]   # also write the data files they read
'''


def render_template(title: str, base_url: str, author: str, source: str,
                    description: str = "") -> str:
    def quoted(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string

    return TEMPLATE.format(title=quoted(title), description=quoted(description),
                           base_url=quoted(base_url), author=quoted(author),
                           source=quoted(source))
