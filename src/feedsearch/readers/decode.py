"""Bytes to text, once, the same way for every reader."""

from __future__ import annotations

import codecs
import re
import unicodedata

from .errors import ReadError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Browsers read these labels as windows-1252; so do we (WHATWG Encoding Standard).
_WINDOWS_1252_ALIASES = {"latin-1", "latin1", "iso-8859-1", "iso8859-1", "ascii", "us-ascii",
                         "l1", "cp819", "windows-1252", "cp1252"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first 2 KB, if any."""
    match = _META_CHARSET.search(data[:2048])
    return match.group(1).decode("ascii").lower() if match else None


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode a file: BOM, then strict UTF-8, then the declared charset, then detection
    (for other scripts' encodings), then windows-1252.

    The text comes back NFC-normalised with ``\\n`` newlines. Empty and binary files raise
    :class:`ReadError` with the reason.
    """
    if not data.strip():
        raise ReadError("empty file")
    text = _decode_bytes(data, declared)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise ReadError("empty file")
    return text


def _decode_bytes(data: bytes, declared: str | None) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise ReadError(f"not valid {encoding} after its byte-order mark") from exc
    if b"\x00" in data[:8192]:
        raise ReadError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for encoding in _candidates(declared, data):
        try:
            return data.decode(encoding)
        except (UnicodeError, LookupError):  # also labels of codecs that refuse ("undefined")
            continue
    return data.decode("latin-1")


def _candidates(declared: str | None, data: bytes) -> list[str]:
    found = []
    if declared:
        declared = declared.strip().lower()
        found.append("cp1252" if declared in _WINDOWS_1252_ALIASES else declared)
    else:
        detected = _detect(data)
        if detected:
            found.append(detected)
    found.append("cp1252")
    return found


# Detection is trusted for the encodings of other scripts; text it takes for one of the
# Western single-byte encodings is read as windows-1252, as browsers read it.
_WESTERN = {"cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "mac_roman",
            "cp850", "cp437", "ascii", "utf_8"}


_MIN_EVIDENCE = 32  # non-ASCII bytes; fewer say too little to tell encodings apart


def _detect(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    sample = data[:65536]
    if sum(1 for byte in sample if byte > 127) < _MIN_EVIDENCE:
        return None
    best = from_bytes(sample).best()
    if best is None or best.encoding in _WESTERN:
        return None
    return best.encoding
