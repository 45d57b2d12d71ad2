"""Essay HTML made safe to publish in a feed: an allowlist sanitiser (nh3) that also makes
every URL absolute.

Feed readers and RSS-to-email services show content away from the site, so a relative URL
points nowhere there, and script, frames, event handlers and ``javascript:`` links must not
reach a reader at all.
"""

from __future__ import annotations

import copy
from functools import lru_cache

import nh3

from .strings import XML_ILLEGAL
from .urls import URL_ATTRIBUTES, resolve_url_attribute, srcset_candidates, url_scheme

ALLOWED_TAGS = frozenset(nh3.ALLOWED_TAGS | {"video", "audio", "source", "picture", "track"})
_ALLOWED_ATTRIBUTES = copy.deepcopy(nh3.ALLOWED_ATTRIBUTES)
for _tag, _names in {
    "*": {"id", "lang", "dir", "title"},
    "a": {"href", "hreflang"},
    "img": {"srcset", "sizes", "loading"},
    "video": {"src", "poster", "controls", "width", "height", "loop", "muted", "playsinline"},
    "audio": {"src", "controls", "loop"},
    "source": {"src", "srcset", "sizes", "type", "media"},
    "track": {"src", "kind", "srclang", "label"},
    "time": {"datetime"},
    "th": {"abbr"},
}.items():
    _ALLOWED_ATTRIBUTES.setdefault(_tag, set()).update(_names)
ALLOWED_ATTRIBUTES = {tag: frozenset(names) for tag, names in _ALLOWED_ATTRIBUTES.items()}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel", "data"})
_LINK_SCHEMES = frozenset({"", "http", "https", "mailto", "tel"})


def clean_text(text: str | None) -> str:
    """``text`` without the control characters that XML 1.0 forbids."""
    return XML_ILLEGAL.sub("", text or "")


_IMAGE_TAGS = frozenset({"img", "source"})


def _safe_url(url: str, image: bool = False) -> bool:
    """Web, mail and phone links; inline data only as an image."""
    scheme = url_scheme(url)
    if scheme == "data":
        return image and url.strip().lower().startswith("data:image/")
    return scheme in _LINK_SCHEMES


def feed_title(document) -> str:
    """A Document's title without XML-illegal characters; its slug when nothing is left."""
    title = clean_text(document.title)
    return title if title.strip() else document.slug


@lru_cache(maxsize=4096)
def feed_html(html: str, base_url: str) -> str:
    """``html`` sanitised by allowlist, with every href, src, srcset, poster and cite
    resolved against ``base_url`` (the essay's own URL)."""

    def absolute(tag: str, name: str, value: str) -> str | None:
        resolved = resolve_url_attribute(name, value, base_url) if base_url else value
        if name == "srcset":
            safe = [(url, descriptor) for url, descriptor in srcset_candidates(resolved)
                    if _safe_url(url, image=True)]
            return ", ".join(" ".join(filter(None, pair)) for pair in safe) or None
        if name in URL_ATTRIBUTES and not _safe_url(resolved, image=tag in _IMAGE_TAGS):
            return None  # a scheme the allowlist refuses, however it was disguised
        return resolved

    return nh3.clean(
        clean_text(html),
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=absolute,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )
