"""Small string helpers that every layer shares: slugs, and the characters XML forbids.

They live here, below readers, feeds and search alike, so that no layer reaches into
another's package for them.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_SLUG = re.compile(r"[^\w]+")
# Characters XML 1.0 forbids (C0 controls but tab, newline and return; non-characters;
# lone surrogates): feed writers raise on them and parsers refuse them.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def slugify(text: str) -> str:
    """A slug safe as one path segment: lower-case letters, digits and single hyphens.

    Letters of any script are kept; everything else (``/``, ``.``, spaces) becomes a hyphen,
    so no slug can name a parent folder or an absolute path.
    """
    text = unicodedata.normalize("NFKC", text).lower().replace("_", "-")
    slug = _NOT_SLUG.sub("-", text).strip("-")
    return re.sub(r"-{2,}", "-", slug)[:120].strip("-")



def counted(count: int, noun: str) -> str:
    """``1 essay``, ``2 essays``, ``1,204 essays``: a count and its noun, agreeing."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
