"""Bounds on what one essay may claim, whatever its reader: an essay with 10,000 tags
would get 10,000 feeds, each carrying its whole text. Far above any real essay's; an
essay over a bound keeps what fits, with one warning."""

from __future__ import annotations

from ..model import Document

MAX_TAGS = 100
MAX_AUTHORS = 20
MAX_LABEL_CHARS = 100  # a tag's or an author's name
MAX_TITLE_CHARS = 500


def bound(document: Document) -> list[str]:
    """Cut ``document``'s tags, authors and title to the bounds; say what was cut."""
    warnings = []
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
