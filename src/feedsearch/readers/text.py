"""Plain-text essays: the first line is the title.

Text copied from a blog page drags along the page's navigation at its end. Trimming rule:
among the last 12 non-blank lines, find the earliest line that is page furniture
("Next", "Previous", "Share this:", "Like Loading...", "Related", "0 Comments", "Leave a
comment", a row of links; the list is in furniture.py) such that every line after it is
either furniture too or a short title-like line (at most 12 words, not ending in sentence
punctuation); cut the text there.
"""

from __future__ import annotations

import html as htmllib

from ..model import Document
from .base import Reader, SourceFile
from .errors import ReadError
from .furniture import is_furniture
from .meta import shorten, to_datetime
from .registry import register

_TRAILING_WINDOW = 12


@register
class TextReader(Reader):
    extensions = (".txt", ".text")

    def parse(self, source: SourceFile) -> Document:
        lines = source.text.split("\n")
        while lines and not lines[0].strip():
            lines.pop(0)
        title = " ".join(lines[0].split()) if lines else ""
        body_lines = trim_navigation(lines[1:])
        paragraphs = _paragraphs(body_lines)
        if not paragraphs:
            raise ReadError("no text after the title line")
        name_date, name_slug = source.name_date_and_slug()
        date = to_datetime(name_date, source.default_tz) if name_date else None
        if date is None:
            source.warn("no date in the file name; searchable, but left out of the feeds")
        text = "\n\n".join(paragraphs)
        return Document(
            slug=name_slug,
            title=title,
            source=source.relpath,
            html="".join(f"<p>{htmllib.escape(p, quote=False)}</p>\n" for p in paragraphs),
            text=text,
            date=date,
            summary=shorten(paragraphs[0]),
        )


def trim_navigation(lines: list[str]) -> list[str]:
    """``lines`` without the trailing navigation block described in the module docstring."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    window = filled[-_TRAILING_WINDOW:]
    for position, index in enumerate(window):
        if not is_furniture(lines[index]):
            continue
        rest = [lines[i].strip() for i in window[position + 1:]]
        if all(is_furniture(line) or _title_like(line) for line in rest):
            return lines[:index]
    return lines


def _title_like(line: str) -> bool:
    return len(line.split()) <= 12 and not line.endswith((".", "!", "?", "…", ":", ";", ",", '"'))


def _paragraphs(lines: list[str]) -> list[str]:
    blocks = "\n".join(lines).split("\n\n")
    return [" ".join(block.split()) for block in blocks if block.strip()]
