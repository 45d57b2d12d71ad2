"""Essays' words as the index analyses them, counted, for related posts: each distinct
word is analysed once, and each term gets a number, a column of the count matrix."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from .index import text_analyzer
from .model import Document

if TYPE_CHECKING:  # NumPy is loaded where arrays are made, not in parsing workers
    import numpy as np

_TOKEN = re.compile(r"\w+(?:\.?\w+)*", re.UNICODE)  # the index tokenizer's pattern
TITLE_WEIGHT = 3  # a title's words say what an essay is about: each counts three times
# A process keeps one analyser per language, whose word cache makes each essay faster to
# analyse than the one before; it starts again past this many distinct words (some 60 MB
# in each parsing worker).
_MAX_CACHED_WORDS = 200_000
_ANALYSERS: dict[str, Analyser] = {}


class TermCache(dict):
    """Each essay's analysed term counts by content hash, as (term numbers, counts) arrays,
    and the terms those numbers stand for, so that a rebuild analyses only new and changed
    essays and builds the count matrix from arrays. ``added`` are the hashes counted in
    this build; terms from ``saved_terms`` on are new."""

    def __init__(self, vocabulary: list[str] | None = None,
                 rows: dict[str, tuple[np.ndarray, np.ndarray]] | None = None) -> None:
        super().__init__(rows or {})
        self.vocabulary: list[str] = vocabulary if vocabulary is not None else []
        self.saved_terms = len(self.vocabulary)
        self.added: set[str] = set()
        self._numbers: dict[str, int] | None = None

    def count(self, document: Document, language: str = "en",
              terms: dict[str, int] | None = None) -> None:
        """Keep one essay's term counts as a build reads it, so that its text need not be
        kept until the related map is made. ``terms`` are its :func:`essay_terms`, when
        the worker that parsed it counted them; else they are counted here."""
        if not document.content_hash or document.content_hash in self:
            return
        import numpy as np

        if terms is None:
            terms = essay_terms(language, document)
        if self._numbers is None:  # built once: count() is called before count_matrix
            self._numbers = {term: n for n, term in enumerate(self.vocabulary)}
        self[document.content_hash] = (
            np.fromiter(map(self._number, terms), dtype=np.uint32, count=len(terms)),
            np.fromiter(terms.values(), dtype=np.uint32, count=len(terms)))
        self.added.add(document.content_hash)

    def _number(self, term: str) -> int:
        number = self._numbers.get(term)
        if number is None:
            number = self._numbers[term] = len(self.vocabulary)
            self.vocabulary.append(term)
        return number


def essay_terms(language: str, document: Document) -> dict[str, int]:
    """An essay's analysed terms and their counts, title words weighted. Made where the
    essay is parsed (a worker process, in a build), so that the process feeding the index
    has only to look its terms up."""
    analyser = _ANALYSERS.get(language)
    if analyser is None or len(analyser.cache) > _MAX_CACHED_WORDS:
        analyser = _ANALYSERS[language] = Analyser(language)
    counts = term_counts_of(analyser, document, TITLE_WEIGHT)
    return {analyser.terms[number]: count for number, count in counts.items()}


class Analyser:
    """The index's analysis, fast for whole archives: each distinct word is analysed once,
    and each analysed term gets a number, the column of a term-count matrix."""

    STOP = -1

    def __init__(self, language: str = "en", vocabulary: list[str] | None = None) -> None:
        self.language = language
        self.analyzer = text_analyzer(language)
        self.cache: dict[str, int] = {}  # word -> term number, or STOP
        self.terms: list[str] = vocabulary if vocabulary is not None else []
        self.numbers: dict[str, int] = {term: n for n, term in enumerate(self.terms)}

    def number(self, term: str | None) -> int:
        if term is None:
            return self.STOP
        number = self.numbers.get(term)
        if number is None:
            number = self.numbers[term] = len(self.terms)
            self.terms.append(term)
        return number

    def counts(self, text: str) -> Counter[int]:
        """Term number -> count, for the words of ``text`` that are not stop words."""
        words = _TOKEN.findall(text.lower())
        unknown = sorted(set(words).difference(self.cache))
        if unknown:
            # Whoosh reuses one Token object: read each as it comes.
            analysed = [None if t.stopped else t.text
                        for t in self.analyzer(" ".join(unknown), removestops=False)]
            if len(analysed) != len(unknown):  # an analyser that splits or joins words
                analysed = [next((t.text for t in self.analyzer(word)), None)
                            for word in unknown]
            for word, term in zip(unknown, analysed, strict=True):
                self.cache[word] = self.number(term)
        counts = Counter(map(self.cache.__getitem__, words))
        counts.pop(self.STOP, None)
        return counts


def arrays(counts: Counter[int]) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    ids = np.fromiter(counts.keys(), dtype=np.uint32, count=len(counts))
    values = np.fromiter(counts.values(), dtype=np.uint32, count=len(counts))
    return ids, values


def term_counts_of(analyser: Analyser, document: Document, title_weight: int) -> Counter[int]:
    counts = analyser.counts(document.text)
    for term, count in analyser.counts(document.title).items():
        counts[term] += count * title_weight
    return counts
