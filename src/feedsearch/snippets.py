"""Snippets: the passages of an essay where the matched words are, with the words marked.

Whoosh's own ``hit.highlights`` is not used. It runs the whole essay through the stemming
analyser for every hit (most of a search's time), silently gives nothing past the first
32K characters, and breaks ties between equally good passages by object identity
(``Fragment.__lt__`` compares ``id()``), so one search could show different snippets from
run to run. Here each distinct word of the essay is analysed once, occurrences are found
with one regular expression, and passages are chosen by how many different query words
they hold, then how many occurrences, then position.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right

PASSAGES = 2
_WORD = re.compile(r"\w+", re.UNICODE)
_SPACE = re.compile(r"\s+")


def _surface_forms(text: str, stems: frozenset[str], analyzer) -> dict[str, str]:
    """Lower-cased words of ``text`` whose analysed form is one of ``stems``, with it."""
    # A word and its stem share their first letters, so only words that start like a
    # stem need analysing.
    prefixes = {stem[:3] for stem in stems}
    words = sorted(w for w in set(_WORD.findall(text.lower())) if w[:3] in prefixes)
    # One pass of the analyser over the distinct words, which keeps stop words, so its
    # tokens come one per word, in order.
    analysed = [token.text for token in analyzer(" ".join(words), removestops=False)]
    if len(analysed) != len(words):  # an analyser that splits or joins words: go one by one
        analysed = [" ".join(t.text for t in analyzer(word, removestops=False))
                    for word in words]
    return {word: stem for word, stem in zip(words, analysed, strict=True) if stem in stems}


def _passages(matches: list[tuple[int, int, str]], chars: int, count: int):
    """Up to ``count`` non-overlapping windows of ``chars`` characters, best first."""
    lead = chars // 4
    starts = [m[0] for m in matches]
    candidates = []
    for start, _end, _stem in matches:
        window = (max(0, start - lead), max(0, start - lead) + chars)
        inside = [m for m in matches[bisect_left(starts, window[0]):
                                     bisect_right(starts, window[1])] if m[1] <= window[1]]
        candidates.append((-len({m[2] for m in inside}), -len(inside), window[0], window))
    chosen: list[tuple[int, int]] = []
    for *_, window in sorted(candidates):
        if all(window[1] <= w[0] or window[0] >= w[1] for w in chosen):
            chosen.append(window)
        if len(chosen) == count:
            break
    return sorted(chosen)


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """The window moved inward to whole words: it starts after a space, tab or line break
    (unless it starts the text) and ends before one (unless it ends the text). A window
    that holds no break at all (one very long word) is kept as it is."""
    end = min(end, len(text))
    if start > 0 and not text[start - 1].isspace():
        found = _SPACE.search(text, start, end)
        if found:
            start = found.end()
    if end < len(text) and not text[end].isspace():
        cut = end
        while cut > start and not text[cut].isspace():
            cut -= 1
        if cut > start:
            end = cut
    return start, end


def _render(text: str, window: tuple[int, int], matches) -> str:
    start, end = _whole_words(text, *window)
    pieces, position = [], start
    for match_start, match_end, _stem in matches:
        if match_start < position or match_end > end:
            continue
        pieces.append(html.escape(text[position:match_start], quote=False))
        pieces.append(f"<mark>{html.escape(text[match_start:match_end], quote=False)}</mark>")
        position = match_end
    pieces.append(html.escape(text[position:end], quote=False))
    return " ".join("".join(pieces).split())


def make_snippet(text: str, stems: frozenset[str], analyzer, chars: int) -> str:
    """The best passages of ``text`` holding the analysed words ``stems`` (as ``analyzer``
    makes them), or the start of the text when none occurs in it (a match on the title or
    tags only)."""
    if text and stems:
        forms = _surface_forms(text, stems, analyzer)
        if forms:
            pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(forms))) + r")\b",
                                 re.IGNORECASE)
            matches = [(m.start(), m.end(), forms[m.group(0).lower()])
                       for m in pattern.finditer(text)]
            windows = _passages(matches, chars, PASSAGES)
            if windows:
                return " … ".join(_render(text, window, matches) for window in windows)
    plain = " ".join(text.split())
    return html.escape(plain[:chars].rsplit(" ", 1)[0] + ("…" if len(plain) > chars else ""),
                       quote=False)
