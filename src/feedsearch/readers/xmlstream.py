"""Safe, streaming reading of XML that comes from elsewhere (blog exports, saved feeds).

defusedxml's parser refuses any entity declaration (external entities read local files or
the network; nested internal ones expand into gigabytes), and expat never fetches a DTD.
Elements are handed over one at a time and dropped once read, so a file of hundreds of
megabytes is never held whole. Characters that XML 1.0 forbids, which some exports contain
in old posts, are removed on the way in instead of failing the whole file.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from .errors import ReadError

# ASCII control characters that XML 1.0 forbids; in UTF-8 they are single bytes that never
# occur inside a multi-byte character, so removing them from the bytes is safe. So are
# U+FFFE and U+FFFF (three bytes no other character contains), and character references
# to any of these or to a surrogate ("&#1;", "&#xFFFE;"), which old posts hold too.
_ILLEGAL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 13))
_NON_CHARACTERS = re.compile(b"\xef\xbf[\xbe\xbf]")
_REFERENCE = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")
_LONGEST_HELD = 24  # bytes that may be the start of a reference cut by a chunk's end
_CHUNK = 1 << 20


def _illegal_reference(match: re.Match) -> bytes:
    hex_digits, digits = match.groups()
    number = int(hex_digits, 16) if hex_digits else int(digits)
    legal = number in (9, 10, 13) or 0x20 <= number <= 0xD7FF or \
        0xE000 <= number <= 0xFFFD or 0x10000 <= number <= 0x10FFFF
    return match.group(0) if legal else b""


class _LegalBytes:
    """A binary file (UTF-8 by then) without the characters XML forbids."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self._held = b""

    def read(self, size: int = _CHUNK) -> bytes:
        """The next bytes; b"" only at the end of the file (the parser stops there)."""
        while True:
            chunk = self._stream.read(size)
            data = self._held + chunk
            cut = _whole_part(data) if chunk else len(data)
            data, self._held = data[:cut], data[cut:]
            data = _REFERENCE.sub(_illegal_reference, _NON_CHARACTERS.sub(
                b"", data.translate(None, _ILLEGAL_BYTES)))
            if data or not chunk:
                return data


def _whole_part(data: bytes) -> int:
    """Where ``data`` stops being whole: before a last "&" that may begin a reference cut
    by the chunk's end, or a last byte 0xEF that may begin U+FFFE."""
    cut = len(data)
    for mark, reach in ((b"&", _LONGEST_HELD), (b"\xef", 2)):
        position = data.rfind(mark, max(0, len(data) - reach))
        if position >= 0:
            cut = min(cut, position)
    return cut


_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
              (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_DECLARED = re.compile(r"""(<\?xml[^>]*?encoding\s*=\s*["'])[^"']*(["'])""")
_DECLARED_NAME = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']"""
                            rb"""([A-Za-z0-9._:-]{1,40})["']""")
_READ_AS_IS = frozenset({"utf-8", "ascii"})  # already the bytes the parser is given


class _Utf8:
    """A file in another encoding than UTF-8 (UTF-16 or UTF-32 known by its byte order
    mark; Shift_JIS, EUC-JP, GB2312, windows-1252... as its declaration says) as UTF-8, its
    declaration saying so. expat reads no multi-byte encoding but its own, and the control
    characters XML forbids are single bytes only in UTF-8."""

    def __init__(self, stream: BinaryIO, encoding: str, bom: bytes = b"") -> None:
        self._stream, self._first = stream, True
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        stream.read(len(bom))

    def read(self, size: int = _CHUNK) -> bytes:
        chunk = self._stream.read(size)
        text = self._decoder.decode(chunk, final=not chunk)
        if self._first and text:
            text, self._first = _DECLARED.sub(r"\1UTF-8\2", text, count=1), False
        return text.encode("utf-8", "surrogatepass")


def _as_utf8(stream: BinaryIO):
    head = stream.peek(256)[:256] if hasattr(stream, "peek") else b""
    for bom, encoding in _WIDE_BOMS:
        if head.startswith(bom):
            return _Utf8(stream, encoding, bom)
    declared = _DECLARED_NAME.match(head)
    if declared is None:
        return stream
    name = declared.group(1).decode("ascii")
    try:
        encoding = codecs.lookup(name).name
    except LookupError:
        raise ReadError(f"the XML declares the encoding {name!r}, which feedsearch does not "
                        "know; not read") from None
    return stream if encoding in _READ_AS_IS else _Utf8(stream, encoding)


def iter_elements(path: Path) -> Iterator[tuple[str, Element, dict[str, str]]]:
    """("root", root, namespaces) first, then ("child", element, namespaces) for each element
    ``depth`` levels below the root once it is complete: 1 for Atom's entries and feed
    metadata, 2 for RSS's items and channel metadata. ``namespaces`` maps each URI declared
    so far to its prefix. Each element is removed from the tree once handed over."""
    namespaces: dict[str, str] = {}
    stack: list[Element] = []
    depth = 2
    try:
        with path.open("rb") as raw:
            source = _LegalBytes(_as_utf8(raw))
            for event, value in iterparse(source, events=("start-ns", "start", "end")):
                if event == "start-ns":
                    prefix, uri = value
                    namespaces.setdefault(uri, prefix)
                elif event == "start":
                    if not stack:
                        depth = 1 if local_name(value.tag) == "feed" else 2
                        yield "root", value, namespaces
                    stack.append(value)
                else:
                    stack.pop()
                    if len(stack) == depth:
                        yield "child", value, namespaces
                        stack[-1].remove(value)
    except DefusedXmlException as exc:
        raise ReadError("the XML declares entities, which exports and feeds never need and "
                        "which can read local files or expand without end; refused, not read"
                        ) from exc
    except ParseError as exc:
        raise ReadError(f"not well-formed XML ({_where(exc)})") from exc
    except LookupError as exc:  # a declaration the check above could not read, but expat did
        raise ReadError(f"the XML declares an encoding feedsearch does not know ({exc}); "
                        "not read") from exc
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from exc


@dataclass
class XmlHead:
    """The beginning of an XML file: its root element and the namespaces declared so far,
    which is what tells an export from a feed (see readers/registry.py)."""

    name: str
    uri: str
    namespaces: dict[str, str]

    def describe(self) -> str:
        return f"an XML file whose root element is <{self.name}>"


def sniff(path: Path) -> XmlHead:
    """Read an XML file up to its root element. Raises ReadError for a file that is empty,
    unsafe or not XML."""
    elements = iter_elements(path)
    try:
        _event, root, namespaces = next(elements, (None, None, {}))
    finally:
        elements.close()
    if root is None:
        raise ReadError("an empty XML file; not read")
    return XmlHead(local_name(root.tag), namespace(root.tag), dict(namespaces))


def elements_after_root(path: Path) -> Iterator[tuple[str, Element, dict[str, str]]]:
    """:func:`iter_elements` without the root: the elements a reader reads, once
    :func:`sniff` has said what the file is."""
    elements = iter_elements(path)
    next(elements, None)
    return elements


def _where(error: ParseError) -> str:
    message = str(error)
    return re.sub(r":\s*line", " at line", message)


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def text_of(element: Element | None) -> str:
    """An element's text, stripped; "" when it is missing or empty."""
    if element is None:
        return ""
    return "".join(element.itertext()).strip()
