"""Bounds on what one essay may claim, whatever its reader: an essay with 10,000 tags
would get 10,000 feeds, each carrying its whole text. Far above any real essay's; an
essay over a bound keeps what fits, with one warning."""

from __future__ import annotations

import re
from dataclasses import fields

from ..model import Document
from ..settings import MAX_FILE_BYTES  # noqa: F401 - the default of --max-file-size

MAX_TAGS = 100
MAX_AUTHORS = 20
MAX_LABEL_CHARS = 100  # a tag's or an author's name
MAX_TITLE_CHARS = 500
# Halves of UTF-16 pairs standing alone: not characters, so no UTF-8 file, index or feed
# can hold them. A YAML "\\udcff" or a broken export makes one.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def bound(document: Document) -> list[str]:
    """Cut ``document``'s tags, authors and title to the bounds and replace what is not
    text; say what was changed."""
    warnings = _replace_lone_surrogates(document)
    for field, most in (("tags", MAX_TAGS), ("authors", MAX_AUTHORS)):
        labels: list[str] = getattr(document, field)
        if len(labels) > most:
            warnings.append(f"{len(labels):,} {field}; only the first {most} are kept")
            labels = labels[:most]
        if any(len(label) > MAX_LABEL_CHARS for label in labels):
            warnings.append(f"{field} longer than {MAX_LABEL_CHARS} characters are cut")
            labels = [label[:MAX_LABEL_CHARS].rstrip() for label in labels]
        setattr(document, field, labels)
    if len(document.title) > MAX_TITLE_CHARS:
        warnings.append(f"a title of {len(document.title):,} characters is cut to "
                        f"{MAX_TITLE_CHARS}")
        document.title = document.title[:MAX_TITLE_CHARS].rstrip()
    return warnings


def _replace_lone_surrogates(document: Document) -> list[str]:
    """Each lone surrogate in the essay's text fields becomes U+FFFD, with one warning."""
    found = 0
    for field in fields(document):
        value = getattr(document, field.name)
        if isinstance(value, str):
            value, count = _LONE_SURROGATE.subn("\ufffd", value)
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            pairs = [_LONE_SURROGATE.subn("\ufffd", item) for item in value]
            value, count = [item for item, _ in pairs], sum(n for _, n in pairs)
        else:
            continue
        if count:
            found += count
            setattr(document, field.name, value)
    if not found:
        return []
    return [f"{found:,} lone surrogate{'s' * (found != 1)} (half of a UTF-16 pair, not a "
            "character) replaced with U+FFFD"]
