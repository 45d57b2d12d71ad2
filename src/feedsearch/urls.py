"""URLs: essay URLs from the base URL, and absolute URLs inside essay HTML."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urljoin, urlsplit


def is_web_address(value: str) -> bool:
    """Is ``value`` an http(s) URL with a host that the URL functions can all take (a
    bracketed IPv6 host closed, a port that is a number)?"""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and \
        not any(c.isspace() for c in value)


def parses(url: str) -> bool:
    """Can the URL functions take ``url``? ``http://[::1`` (an IPv6 host left open) and
    ``http://[zz]/`` they cannot."""
    try:
        urlsplit(url)
    except ValueError:
        return False
    return True


def normalize_base_url(url: str) -> str:
    """A base URL that ends in exactly one slash."""
    return url.rstrip("/") + "/"


def essay_url(base_url: str, slug: str) -> str:
    return f"{normalize_base_url(base_url)}{slug}/"


URL_ATTRIBUTES = frozenset({"href", "src", "poster", "cite"})


def resolve_url_attribute(name: str, value: str, base: str) -> str:
    """One attribute's value with its URL (or each srcset URL) resolved against ``base``."""
    if name == "srcset":
        return _absolute_srcset(value, base)
    if name in URL_ATTRIBUTES:
        return join_url(base, value.strip())
    return value


def join_url(base: str, url: str) -> str:
    """``url`` resolved against ``base``; a URL that cannot be parsed (``http://[::1``, an
    unclosed IPv6 host) is left as it is, broken but harmless, instead of failing."""
    try:
        return urljoin(base, url)
    except ValueError:
        return url


_HTML_SPACE = " \t\n\r\x0c"  # HTML's whitespace; Python's isspace() has more


def srcset_candidates(srcset: str) -> list[tuple[str, str]]:
    """(url, descriptor) pairs. As HTML parses srcset, a URL runs to the next whitespace
    (so it may contain commas), and its descriptors run to the next comma."""
    candidates = []
    position, length = 0, len(srcset)
    while position < length:
        while position < length and srcset[position] in _HTML_SPACE + ",":
            position += 1
        start = position
        while position < length and srcset[position] not in _HTML_SPACE:
            position += 1
        url = srcset[start:position]
        trailing_comma = url.endswith(",")
        url = url.rstrip(",")
        descriptor = ""
        if not trailing_comma:
            end = srcset.find(",", position)
            end = length if end == -1 else end
            descriptor = srcset[position:end].strip(_HTML_SPACE)
            position = end
        if url:
            candidates.append((url, descriptor))
    return candidates


def _absolute_srcset(srcset: str, base: str) -> str:
    return ", ".join(" ".join(filter(None, [join_url(base, url), descriptor]))
                     for url, descriptor in srcset_candidates(srcset))


_IGNORED_IN_URLS = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def url_scheme(url: str) -> str:
    """The scheme a browser would see: it drops tabs and newlines anywhere in a URL and
    leading and trailing spaces and control characters, so "java\tscript:" is javascript."""
    cleaned = _IGNORED_IN_URLS.sub("", url).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b"
                                                   "\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15"
                                                   "\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e"
                                                   "\x1f \u00a0\u3000\u2000\u2001\u2002"
                                                   "\u2003\u2004\u2005\u2006\u2007\u2008"
                                                   "\u2009\u200a\u2028\u2029\u202f\u205f"
                                                   "\ufeff")
    cleaned = cleaned.strip()
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else ""


_WEB_URL = re.compile(r"^https?://[^\s<>\"\x00-\x1f\x7f]+$", re.I)


def web_url(value: object) -> str | None:
    """``value`` if it is an absolute http(s) URL with nothing a feed cannot carry and a
    host the URL functions can take, else None."""
    text = str(value).strip() if value is not None else ""
    return text if _WEB_URL.match(text) and is_web_address(text) else None


def as_iri(identifier: str) -> str:
    """An id as Atom needs it (an absolute IRI): kept when it has a scheme, else a UUID
    derived from it, the same every time."""
    if url_scheme(identifier) and not re.search(r"\s", identifier):
        return identifier
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, identifier)}"
