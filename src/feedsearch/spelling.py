"""'Did you mean': words the archive does not have, replaced by the closest ones it has.

Candidates are the words as written that essays hold (titles, summaries and texts), which
a build keeps in the document store from the counting it does for related posts. They are
ranked by optimal-string-alignment distance, in which two letters swapped ("nigth") are one
slip as a person makes them, not two; then by how many essays have the word's indexed form.
The first letter is taken as typed. A candidate is offered only when searching for it finds
an essay: a stop word such as "with" never is, nor a word no essay holds in any form any more.
"""

from __future__ import annotations

import re
from collections.abc import Callable

SEARCHED_FIELD = "content"
FIRST_LETTERS = 1  # letters of a word taken as typed when looking for its correction
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})
# Words of three letters or more, not a field's name or value (title:..., tag:...).
_WORD = re.compile(r"(?<![\w:])([^\W\d_]{3,})(?![\w:])")


def corrections(reader, analyzer, words: Callable[[str], list[str]], text: str,
                maxdist: int = 2) -> dict[str, str]:
    """Each word of ``text`` that no essay has, with its best correction within
    ``maxdist`` slips (words with none are left out). ``words(prefix)`` gives the archive's
    words that begin with ``prefix``."""
    found: dict[str, str] = {}
    for match in _WORD.finditer(text):
        word = match.group(1)
        if word in found or word.upper() in OPERATORS or known(reader, analyzer, word.lower()):
            continue
        better = best_correction(reader, analyzer, words, word.lower(), maxdist)
        if better is not None:
            found[word] = better
    return found


def corrected(text: str, replacements: dict[str, str]) -> str | None:
    """``text`` with the words of ``replacements`` replaced, or None when there are none."""
    if not replacements:
        return None
    return _WORD.sub(lambda match: replacements.get(match.group(1), match.group(1)), text)


def known(reader, analyzer, word: str) -> bool:
    """Whether an essay has ``word`` in any form the search analysis gives it ("aged" where
    an essay says "age"), or the search analysis drops it (a stop word)."""
    terms = [token.text for token in analyzer(word)]
    return not terms or any(_held(reader, term) for term in terms)


def best_correction(reader, analyzer, words: Callable[[str], list[str]], word: str,
                    maxdist: int) -> str | None:
    """The closest word of the archive to ``word``, the most common among equals."""
    # The first letter is taken as typed (slips there are rare): only the archive's words
    # that begin with it are compared, in one pass of rapidfuzz's compiled distance. Words
    # are near within two plain edits (two swaps, four edits, are too far), then ranked by
    # slips. (Imported here: a search whose words the archive has never needs it.)
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    nearby = process.extract(word, words(word[:FIRST_LETTERS]), scorer=Levenshtein.distance,
                             score_cutoff=max(maxdist, 2), limit=None)
    ranked = []
    for candidate, _, _ in nearby:
        distance = slips(word, candidate)
        if candidate == word or distance > maxdist:
            continue
        if essays := _essays(reader, analyzer, candidate):
            ranked.append((distance, -essays, candidate))
    return min(ranked)[2] if ranked else None


def _essays(reader, analyzer, word: str) -> int:
    """How many essays hold ``word``'s indexed form (0 for a stop word, or when none that
    holds it is left)."""
    terms = [token.text for token in analyzer(word)]
    return max((reader.doc_frequency(SEARCHED_FIELD, term) for term in terms
                if _held(reader, term)), default=0)


def _held(reader, term: str) -> bool:
    """Whether an essay still in the index holds ``term``: Whoosh counts an essay that was
    deleted or replaced until its segment is merged, so its postings are asked then."""
    if reader.doc_frequency(SEARCHED_FIELD, term) == 0:
        return False
    return not reader.has_deletions() or reader.postings(SEARCHED_FIELD, term).is_active()


def slips(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps
    of two neighbouring letters, each one slip."""
    from rapidfuzz.distance import OSA

    return OSA.distance(a, b)
