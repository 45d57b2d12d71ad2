"""'Did you mean': words the archive does not have, replaced by the closest ones it has.

Candidates come from the index's ``spell`` field (the words of titles, summaries and
texts as written). They are ranked by optimal-string-alignment distance, in which two
letters swapped ("nigth") are one slip as a person makes them, not two; then by how many
essays have the word. The first letter is taken as typed. A candidate that the search
analysis drops (a stop word such as "with") is never offered: searching for it would
find nothing.
"""

from __future__ import annotations

import re

SPELL_FIELD = "spell"
SEARCHED_FIELD = "content"
FIRST_LETTERS = 1  # letters of a word taken as typed when looking for its correction
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})
# Words of three letters or more, not a field's name or value (title:..., tag:...).
_WORD = re.compile(r"(?<![\w:])([^\W\d_]{3,})(?![\w:])")


def corrections(reader, analyzer, text: str, maxdist: int = 2) -> dict[str, str]:
    """Each word of ``text`` that no essay has, with its best correction within
    ``maxdist`` slips (words with none are left out)."""
    found: dict[str, str] = {}
    for match in _WORD.finditer(text):
        word = match.group(1)
        if word in found or word.upper() in OPERATORS or known(reader, analyzer, word.lower()):
            continue
        better = best_correction(reader, analyzer, word.lower(), maxdist)
        if better is not None:
            found[word] = better
    return found


def corrected(text: str, replacements: dict[str, str]) -> str | None:
    """``text`` with the words of ``replacements`` replaced, or None when there are none."""
    if not replacements:
        return None
    return _WORD.sub(lambda match: replacements.get(match.group(1), match.group(1)), text)


def known(reader, analyzer, word: str) -> bool:
    """Whether an essay has ``word``, as written or in another form of it ("aged" where
    an essay says "age"), or the search analysis drops it (a stop word)."""
    if reader.frequency(SPELL_FIELD, word) > 0:
        return True
    terms = [token.text for token in analyzer(word)]
    return not terms or any(reader.frequency(SEARCHED_FIELD, term) > 0 for term in terms)


def best_correction(reader, analyzer, word: str, maxdist: int) -> str | None:
    """The closest word of the archive to ``word``, the most common among equals."""
    # An edit distance of two (Whoosh's automaton) holds every swap of two letters. The
    # first letter is taken as typed (slips there are rare), which makes the walk over the
    # archive's words several times faster: a few milliseconds at 10,000 essays.
    candidates = [candidate.decode("utf-8") if isinstance(candidate, bytes) else candidate
                  for candidate in reader.terms_within(SPELL_FIELD, word, max(maxdist, 2),
                                                       prefix=FIRST_LETTERS)]
    ranked = []
    for candidate in candidates:
        distance = slips(word, candidate)
        if candidate == word or distance > maxdist or not _searched(analyzer, candidate):
            continue
        ranked.append((distance, -reader.doc_frequency(SPELL_FIELD, candidate), candidate))
    return min(ranked)[2] if ranked else None


def _searched(analyzer, word: str) -> bool:
    return any(True for _ in analyzer(word))


def slips(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps
    of two neighbouring letters, each one slip."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]
