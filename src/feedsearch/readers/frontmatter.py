"""Front matter: YAML ``---``, TOML ``+++`` and JSON ``{...}`` blocks at the top of a file.

Splitting is python-frontmatter's; loading is ours so that YAML 1.1 surprises do not
reach the user (a title ``NO`` stays the text "NO", a version ``1.10`` stays "1.10") and
TOML is read by the standard library's ``tomllib``.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from typing import Any

import yaml
from frontmatter.default_handlers import BaseHandler, JSONHandler

from .errors import ReadError

# Front matter is a few lines of metadata: bounds far above any real essay's, so that a
# small file cannot claim minutes or gigabytes.
MAX_FRONT_MATTER_CHARS = 256 * 1024
MAX_YAML_NODES = 100_000  # values in the front matter once its aliases are expanded


class _EssayYAMLLoader(yaml.SafeLoader):
    """SafeLoader that resolves only ``true``/``false`` as booleans and no floats, and that
    refuses front matter whose aliases expand to more than MAX_YAML_NODES values (a
    "billion laughs" of nested aliases is a few hundred bytes)."""

    def compose_document(self):
        self._expanded: dict[int, int] = {}
        return super().compose_document()

    def compose_node(self, parent, index):
        node = super().compose_node(parent, index)
        if id(node) not in self._expanded:  # an alias gives a node already counted
            self._expanded[id(node)] = size = 1 + sum(
                self._expanded.get(id(child), 1) for child in _children(node))
            if size > MAX_YAML_NODES:
                raise ReadError(f"front matter holds over {MAX_YAML_NODES:,} values once "
                                "its YAML aliases are expanded; not read")
        return node


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []



_EssayYAMLLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_EssayYAMLLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.Node):
    """An impossible date (2021-02-30) stays text, for the reader to warn about."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_EssayYAMLLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


class YAMLFrontMatter(BaseHandler):
    FM_BOUNDARY = re.compile(r"^-{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "---"

    def load(self, fm: str, **kwargs: object) -> Any:
        try:
            return yaml.load(fm, Loader=_EssayYAMLLoader)  # noqa: S506 (SafeLoader subclass)
        except yaml.YAMLError as exc:
            loosened = _tabs_as_generators_read_them(fm)
            if loosened != fm:
                try:
                    return yaml.load(loosened, Loader=_EssayYAMLLoader)  # noqa: S506
                except yaml.YAMLError:
                    pass  # the first problem is the one to report
            where = getattr(exc, "problem_mark", None)
            line = f" at line {where.line + 1}" if where is not None else ""
            problem = getattr(exc, "problem", None) or "syntax error"
            raise ReadError(f"front matter is not valid YAML{line}: {problem}") from exc


_TRAILING_BLANKS = re.compile(r"[ \t]+$", re.MULTILINE)
_LEADING_TABS = re.compile(r"^\t+", re.MULTILINE)


def _tabs_as_generators_read_them(fm: str) -> str:
    """Front matter with the tabs PyYAML refuses and the sites' own generators accept
    (js-yaml for Eleventy, Go's YAML for Hugo): tabs at the end of a line (``- melody`` and a
    tab) dropped, tabs that indent a line read as two spaces each."""
    if "\t" not in fm:
        return fm
    fm = _TRAILING_BLANKS.sub("", fm)
    return _LEADING_TABS.sub(lambda match: "  " * len(match.group(0)), fm)


class TOMLFrontMatter(BaseHandler):
    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        try:
            return tomllib.loads(fm)
        except tomllib.TOMLDecodeError as exc:
            raise ReadError(f"front matter is not valid TOML: {exc}") from exc


class JSONFrontMatter(JSONHandler):
    def load(self, fm: str, **kwargs: object) -> Any:
        try:
            return json.loads(fm)
        except json.JSONDecodeError as exc:
            raise ReadError(f"front matter is not valid JSON: {exc.msg}") from exc


HANDLERS: tuple[BaseHandler, ...] = (YAMLFrontMatter(), TOMLFrontMatter(), JSONFrontMatter())


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """(metadata, body). A file without front matter gives ({}, text).

    Raises ReadError for front matter that does not parse or is not a mapping.
    """
    stripped = text.lstrip("\ufeff\n ")
    handler = next((h for h in HANDLERS if h.detect(stripped)), None)
    if handler is None:
        return pelican_headers(text)
    try:
        raw, body = handler.split(stripped)
    except ValueError as exc:
        raise ReadError(f"front matter opened with {handler.START_DELIMITER or '{'} "
                        "is never closed") from exc
    if len(raw) > MAX_FRONT_MATTER_CHARS:
        raise ReadError(f"front matter of {len(raw):,} characters, over the "
                        f"{MAX_FRONT_MATTER_CHARS:,} that metadata ever needs; not read")
    try:
        data = handler.load(raw)
    except ValueError as exc:  # Python reads no integer of over 4,300 digits
        if "integer string conversion" not in str(exc):
            raise
        raise ReadError(f"front matter holds a number of over {sys.get_int_max_str_digits():,} "
                        "digits; not read") from exc
    if data is None:
        return {}, body
    if not isinstance(data, dict):
        raise ReadError(f"front matter is a {type(data).__name__}, not a set of key: value pairs")
    return {str(key).lower(): value for key, value in data.items()}, body


# Pelican's Markdown metadata: "Key: value" lines at the top, ended by a blank line.
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z_-]{0,30}):[ \t]*(.*)$")  # value stripped after
PELICAN_KEYS = {"title", "date", "modified", "tags", "category", "slug", "author", "authors",
                "summary", "status", "lang", "save_as", "url", "template"}


def pelican_headers(text: str) -> tuple[dict[str, Any], str]:
    """Pelican-style header lines, when the first line is ``Title:`` or another known key
    and every line up to the first blank one is ``Key: value``; else ({}, text)."""
    lines = text.lstrip("\ufeff").split("\n")
    end = next((i for i, line in enumerate(lines) if not line.strip()), None)
    if end is None:
        return {}, text
    meta: dict[str, Any] = {}
    for line in lines[:end]:
        match = _HEADER_LINE.match(line)
        if match is None:
            return {}, text
        meta[match.group(1).lower()] = match.group(2).strip()
    if not meta or not set(meta) & PELICAN_KEYS or "title" not in meta:
        return {}, text
    if "category" in meta:
        meta["categories"] = meta.pop("category")
    if meta.get("status", "").lower() == "draft":
        meta["draft"] = True
    return meta, "\n".join(lines[end + 1:])
