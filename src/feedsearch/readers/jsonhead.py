"""What a JSON file is, from its beginning alone: the sniffer of the "json" container.

A Ghost export can be tens of megabytes, and an archive may hold JSON files that are not
exports at all (a site's configuration, a data file); which reader takes a file is decided
from its first :data:`HEAD_BYTES` without loading it. The beginning is parsed as far as it
goes by a small parser that stops where the bytes do (``json`` cannot read a cut value),
so the top of the structure is known even when the rest is megabytes away.

A Ghost export is an object with a ``meta`` object (``exported_on``, milliseconds since
1970, and ``version``) and a ``data`` object of tables (``posts``, ``tags``, ``users``...),
wrapped in ``{"db": [...]}`` as Ghost Admin writes it, or not, as Ghost's importer also
takes it.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field
from json.decoder import scanstring
from pathlib import Path

from .errors import ReadError

HEAD_BYTES = 64 * 1024
GHOST_META_KEYS = ("exported_on", "version")
_SPACE = " \t\n\r"
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_NUMBER_TAIL = re.compile(r"[-+.eE0-9]*")
# What json.loads takes besides JSON's own three words.
_WORDS = {"true": True, "false": False, "null": None, "NaN": float("nan"),
          "Infinity": float("inf"), "-Infinity": float("-inf")}
_MOST_KEYS_SHOWN = 5


@dataclass(frozen=True)
class JsonHead:
    """The beginning of a JSON file: the type of its top-level value, the keys of a top-level
    object, and for a Ghost export its ``meta`` and the tables of ``data`` read so far."""

    top: str  # "object", "array", "string", "number", "true", "false", "null"
    keys: tuple[str, ...] = ()
    meta: dict = field(default_factory=dict)  # the export's meta, when there is one
    data: bool = False  # a "data" object begins in the head
    tables: tuple[str, ...] = ()  # its keys read in the head
    whole: bool = False  # the whole file was read
    api_response: bool = False  # {"posts": [...], "meta": {"pagination": ...}}

    @property
    def ghost(self) -> bool:
        """Does the file look like a Ghost export? Its ``meta`` names the export's time or
        Ghost's version, and a ``data`` object begins (or the head ends before it)."""
        return any(key in self.meta for key in GHOST_META_KEYS) and \
            (self.data or not self.whole)

    def describe(self) -> str:
        if self.ghost:
            return "a Ghost export"
        if self.api_response:
            return ("a JSON file of posts as Ghost's API sends them, not a Ghost export "
                    "(Ghost Admin exports the whole site from Settings)")
        if self.top == "object":
            shown = ", ".join(_shown(key) for key in self.keys[:_MOST_KEYS_SHOWN])
            more = ", ..." if len(self.keys) > _MOST_KEYS_SHOWN or not self.whole else ""
            what = f"an object with the keys {shown}{more}" if shown else "an empty object"
        else:
            what = {"array": "an array", "string": "a string", "number": "a number"}.get(
                self.top, self.top)
        return f"a JSON file whose top level is {what} (not a Ghost export)"


def _shown(key: str) -> str:
    """A key as a warning may show it: quoted, escaped, at most 40 characters."""
    text = json.dumps(key[:40])
    return text if len(key) <= 40 else text[:-1] + '..."'


def sniff(path: Path) -> JsonHead:
    """Read the first :data:`HEAD_BYTES` of a JSON file and say what it holds. Raises
    ReadError ("not JSON: ...") for a file that is empty or whose beginning is not JSON."""
    try:
        with path.open("rb") as stream:
            data = stream.read(HEAD_BYTES + 1)
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from exc
    whole = len(data) <= HEAD_BYTES
    text = decode_head(data[:HEAD_BYTES], whole)
    value, _complete = parse_prefix(text, whole)
    return head_of(value, whole)


def decode_head(data: bytes, whole: bool) -> str:
    """The text of a file's beginning: UTF-8 (with or without a byte order mark), or
    UTF-16 or UTF-32 as json.loads also takes them. A character cut by the end of the head
    is left out."""
    if not data.strip():
        raise ReadError("not JSON: the file is empty")
    encoding = json.detect_encoding(data)
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        return decoder.decode(data, final=whole)
    except UnicodeDecodeError as exc:
        raise ReadError(f"not JSON: not {encoding.upper().removesuffix('-SIG')} text "
                        f"(byte {exc.start:,})") from exc


def head_of(value: object, whole: bool) -> JsonHead:
    """What :func:`sniff` says of a (possibly partial) top-level value."""
    top = _type_name(value)
    if not isinstance(value, dict):
        return JsonHead(top, whole=whole)
    export = value
    db = value.get("db")
    if isinstance(db, list) and db and isinstance(db[0], dict):
        export = db[0]
    meta = export.get("meta")
    meta = {k: v for k, v in meta.items() if not isinstance(v, (dict, list))} \
        if isinstance(meta, dict) else {}
    data = export.get("data")
    api = isinstance(value.get("posts"), list) and isinstance(value.get("meta"), dict) and \
        "pagination" in value["meta"]
    return JsonHead(top, tuple(value), meta, isinstance(data, dict),
                    tuple(data) if isinstance(data, dict) else (), whole, api)


def _type_name(value: object) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if value is True or value is False or value is None:
        return json.dumps(value)
    return "number"


class _Cut(Exception):
    """The text ended before the JSON value did."""


def parse_prefix(text: str, whole: bool) -> tuple[object, bool]:
    """The JSON value at the start of ``text`` as far as ``text`` goes, and whether it is
    complete. Objects and arrays cut by the end of ``text`` are kept with what they hold so
    far. ``whole``: ``text`` is the whole file, so a cut is an error. Raises ReadError
    ("not JSON: ...") for text that is not the beginning of a JSON value."""
    parser = _Parser(text, whole)
    try:
        parser.run()
    except _Cut:
        if whole:
            raise ReadError("not JSON: the file ends before the JSON does") from None
        return parser.root(), False
    return parser.root(), True


class _Parser:
    """An iterative parser (no recursion: nesting is only bounded by the head's size)."""

    def __init__(self, text: str, whole: bool) -> None:
        self.text, self.whole, self.at = text, whole, 0
        self.holder: list = []
        self.stack: list[list] = []  # [container, key] for each open object or array

    def root(self) -> object:
        return self.holder[0] if self.holder else None

    def run(self) -> None:
        state = "value"  # value, first-value, key, first-key, colon, after
        while True:
            ch = self._next()
            if ch is None:
                if state == "after" and not self.stack:
                    return
                raise _Cut
            if state == "after":
                if not self.stack:
                    self._fail("more after the JSON value")
                container = self.stack[-1][0]
                if ch == ",":
                    state = "key" if isinstance(container, dict) else "value"
                    self.at += 1
                elif ch == ("}" if isinstance(container, dict) else "]"):
                    self.stack.pop()
                    self.at += 1
                else:
                    self._fail(f"expected ',' or '{'}' if isinstance(container, dict) else ']'}'")
            elif state in ("key", "first-key"):
                if ch == "}" and state == "first-key":
                    self.stack.pop()
                    self.at += 1
                    state = "after"
                elif ch == '"':
                    self.stack[-1][1] = self._string()
                    state = "colon"
                else:
                    self._fail("expected a name in double quotes")
            elif state == "colon":
                if ch != ":":
                    self._fail("expected ':'")
                self.at += 1
                state = "value"
            elif ch == "]" and state == "first-value":
                self.stack.pop()
                self.at += 1
                state = "after"
            else:
                state = self._value(ch)

    def _value(self, ch: str) -> str:
        """Read the value that begins with ``ch``; the state after it."""
        if ch in "{[":
            container: dict | list = {} if ch == "{" else []
            self._put(container)
            self.stack.append([container, None])
            self.at += 1
            return "first-key" if ch == "{" else "first-value"
        if ch == '"':
            self._put(self._string())
            return "after"
        number = _NUMBER.match(self.text, self.at)
        if number:
            if not self.whole and _NUMBER_TAIL.fullmatch(self.text, number.end()):
                raise _Cut  # the number may go on ("1.5e" before "3")
            self.at = number.end()
            literal = number.group()
            self._put(float(literal) if any(c in literal for c in ".eE") else int(literal))
            return "after"
        rest = self.text[self.at:self.at + 9]
        for word, value in _WORDS.items():
            if rest.startswith(word):
                self.at += len(word)
                self._put(value)
                return "after"
            if word.startswith(rest) and self.at + len(rest) == len(self.text):
                raise _Cut
        self._fail("expected a value")
        raise AssertionError  # not reached

    def _string(self) -> str:
        try:
            value, self.at = scanstring(self.text, self.at + 1, True)
        except json.JSONDecodeError as exc:
            if exc.msg.startswith("Unterminated string") or \
                    (not self.whole and exc.pos >= len(self.text) - 6):
                raise _Cut from None
            self.at = exc.pos
            self._fail(exc.msg.lower())
        return value

    def _put(self, value: object) -> None:
        if not self.stack:
            self.holder.append(value)
            return
        container, key = self.stack[-1]
        if isinstance(container, dict):
            container[key] = value
        else:
            container.append(value)

    def _next(self) -> str | None:
        """The next character that is not space (``self.at`` moved to it), or None."""
        text, at = self.text, self.at
        while at < len(text) and text[at] in _SPACE:
            at += 1
        self.at = at
        return text[at] if at < len(text) else None

    def _fail(self, reason: str) -> None:
        line = self.text.count("\n", 0, self.at) + 1
        column = self.at - (self.text.rfind("\n", 0, self.at) + 1) + 1
        raise ReadError(f"not JSON: {reason} (line {line}, column {column})")
