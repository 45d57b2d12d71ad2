"""URLs: essay URLs from the base URL, and absolute URLs inside essay HTML."""

from __future__ import annotations

from functools import lru_cache
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
    inner = [root.text or ""]
    inner += [etree.tostring(child, encoding="unicode", method="html") for child in root]
    return "".join(inner)


def _absolute_srcset(srcset: str, base: str) -> str:
    candidates = []
    for candidate in srcset.split(","):
        bits = candidate.strip().split(None, 1)
        if bits:
            bits[0] = urljoin(base, bits[0])
            candidates.append(" ".join(bits))
    return ", ".join(candidates)
