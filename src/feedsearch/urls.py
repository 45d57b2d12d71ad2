"""URLs: essay URLs from the base URL, and absolute URLs inside essay HTML."""

from __future__ import annotations

from functools import lru_cache
from html import escape
from urllib.parse import urljoin

import lxml.html
from lxml import etree

_URL_ATTRIBUTES = ("href", "src", "poster")


def normalize_base_url(url: str) -> str:
    """A base URL that ends in exactly one slash."""
    return url.rstrip("/") + "/"


def essay_url(base_url: str, slug: str) -> str:
    return f"{normalize_base_url(base_url)}{slug}/"


@lru_cache(maxsize=4096)
def absolutize_html(html: str, base: str) -> str:
    """Every href, src, srcset and poster in ``html`` resolved against ``base``.

    Feed readers and RSS-to-email services show content away from the site, where a
    relative URL points nowhere.
    """
    if not base or not html.strip():
        return html
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in _URL_ATTRIBUTES:
            value = element.get(name)
            if value is not None:
                element.set(name, urljoin(base, value.strip()))
        srcset = element.get("srcset")
        if srcset is not None:
            element.set("srcset", _absolute_srcset(srcset, base))
    inner = [escape(root.text or "", quote=False)]
    inner += [etree.tostring(child, encoding="unicode", method="html") for child in root]
    return "".join(inner)


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
