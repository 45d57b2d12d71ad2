"""URLs: essay URLs from the base URL, and absolute URLs inside essay HTML."""

from __future__ import annotations

from urllib.parse import urljoin


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
        return urljoin(base, value.strip())
    return value


def _absolute_srcset(srcset: str, base: str) -> str:
    """Resolve each candidate's URL. As HTML parses srcset, a URL runs to the next
    whitespace (so it may contain commas); its descriptors run to the next comma."""
    candidates = []
    position, length = 0, len(srcset)
    while position < length:
        while position < length and (srcset[position].isspace() or srcset[position] == ","):
            position += 1
        start = position
        while position < length and not srcset[position].isspace():
            position += 1
        url = srcset[start:position]
        trailing_comma = url.endswith(",")
        url = url.rstrip(",")
        descriptor = ""
        if not trailing_comma:
            end = srcset.find(",", position)
            end = length if end == -1 else end
            descriptor = srcset[position:end].strip()
            position = end
        if url:
            candidates.append(" ".join(filter(None, [urljoin(base, url), descriptor])))
    return ", ".join(candidates)
