"""Essays' words as the index analyses them, counted, for related posts: each distinct
word is analysed once, and each term gets a number, a column of the count matrix.

Beside the words, an essay's counts hold what else says what it is about, as terms no
analysed word can be (they hold a space): each page or site it links to (``link ...``)
and each of its authors (``author ...``). Related posts weigh each kind on its own."""

from __future__ import annotations

import html as html_module
import re
from collections import Counter
from urllib.parse import urlsplit

import numpy as np

from .index import text_analyzer
from .model import Document

_TOKEN = re.compile(r"\w+(?:\.?\w+)*", re.UNICODE)  # the index tokenizer's pattern
# Words "did you mean" may offer: letters only, two or more.
_SPELLED = re.compile(r"[^\W\d_]{2,}")
TITLE_WEIGHT = 3  # a title's words say what an essay is about: each counts three times
LINK = "link "  # the prefix of a link's terms
AUTHOR = "author "  # the prefix of an author's term
# Our sanitised HTML quotes every attribute with double quotes.
_HREF = re.compile(r'<a\s[^>]*?href="([^"]*)"', re.IGNORECASE)


class StoredCounts:
    """The term counts a store holds: their content hashes, and ``load(hashes)``, which
    gives those hashes' (term numbers, counts) arrays."""

    def __init__(self, hashes: set[str], load) -> None:
        self.hashes, self.load = hashes, load


class TermCache(dict):
    """Each essay's analysed term counts by content hash, as (term numbers, counts) arrays,
    and the terms those numbers stand for, so that a rebuild analyses only new and changed
    essays and builds the count matrix from arrays. ``added`` are the hashes counted in
    this build; terms from ``saved_terms`` on are new."""

    def __init__(self, vocabulary: list[str] | None = None,
                 rows: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
                 display: dict[int, str] | None = None,
                 stored: StoredCounts | None = None) -> None:
        super().__init__(rows or {})
        # Counts the store holds and has not given yet: a rebuild after a few changes
        # looks at a few essays' counts, and loading all of them cost most of a second
        # at 100,000 essays.
        self._stored = stored
        self.vocabulary: list[str] = vocabulary if vocabulary is not None else []
        self.saved_terms = len(self.vocabulary)
        # Term number -> the word shown for it (see Analyser.display).
        self.display: dict[int, str] = display if display is not None else {}
        self.saved_display = dict(self.display)
        self.added: set[str] = set()
        self.summary_words: set[str] = set()
        self._analyser: Analyser | None = None

    def __contains__(self, digest: object) -> bool:
        return super().__contains__(digest) or \
            (self._stored is not None and digest in self._stored.hashes)

    def get(self, digest, default=None):
        if super().__contains__(digest):
            return super().__getitem__(digest)
        if self._stored is not None and digest in self._stored.hashes:
            row = self._stored.load([digest])[digest]
            super().__setitem__(digest, row)
            return row
        return default

    def __getitem__(self, digest: str) -> tuple[np.ndarray, np.ndarray]:
        row = self.get(digest)
        if row is None:
            raise KeyError(digest)
        return row

    def load_all(self) -> None:
        """Every count the store holds, loaded at once (for a count matrix of every
        essay)."""
        if self._stored is not None:
            missing = [digest for digest in self._stored.hashes
                       if not dict.__contains__(self, digest)]
            self.update(self._stored.load(missing))
            self._stored = None

    def count(self, document: Document, language: str = "en") -> None:
        """Analyse one essay now (as a build reads it), so that its text need not be kept
        until the related map is made."""
        if not document.content_hash or document.content_hash in self:
            return
        if self._analyser is None or self._analyser.language != language:
            self._analyser = Analyser(language, self.vocabulary, self.display)
        self[document.content_hash] = arrays(term_counts_of(self._analyser, document,
                                                         TITLE_WEIGHT), self.vocabulary)
        self.summary_words.update(_TOKEN.findall(document.summary.lower()))
        self.added.add(document.content_hash)

    def spelled_words(self) -> list[str]:
        """The words as written of the essays counted in this build (titles, summaries and
        texts), but stop words and words with digits: what "did you mean" offers. They
        come from the analysis the counting does anyway, so the index needs no field of
        its own for them."""
        if self._analyser is None:
            return []
        analyser = self._analyser
        cache, stop = analyser.cache, Analyser.STOP
        words = {word for word, term in cache.items() if term != stop}
        # A summary's words are looked at only here: numbering them would add terms that
        # no count holds to the related posts' vocabulary.
        words.update(word for word in self.summary_words.difference(cache)
                     if any(True for _ in analyser.analyzer(word)))
        return sorted(word for word in words if _SPELLED.fullmatch(word))


class Analyser:
    """The index's analysis, fast for whole archives: each distinct word is analysed once,
    and each analysed term gets a number, the column of a term-count matrix."""

    STOP = -1

    def __init__(self, language: str = "en", vocabulary: list[str] | None = None,
                 display: dict[int, str] | None = None) -> None:
        self.language = language
        self.analyzer = text_analyzer(language)
        self.cache: dict[str, int] = {}  # word -> term number, or STOP
        self.terms: list[str] = vocabulary if vocabulary is not None else []
        self.numbers: dict[str, int] = {term: n for n, term in enumerate(self.terms)}
        # Term number -> a word as written that gives it, for people to read ("polici" is
        # shown as "policy"): the shortest seen, then the first in alphabetical order, so
        # the choice does not depend on the order essays are read in.
        self.display: dict[int, str] = display if display is not None else {}

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
            display = self.display
            for word, term in zip(unknown, analysed, strict=True):
                number = self.cache[word] = self.number(term)
                if number != self.STOP:
                    shown = display.get(number)
                    if shown is None or (len(word), word) < (len(shown), shown):
                        display[number] = word
        counts = Counter(map(self.cache.__getitem__, words))
        counts.pop(self.STOP, None)
        return counts


def arrays(counts: Counter[int], vocabulary: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Term numbers and counts, in the order of the terms themselves: the order of the
    count matrix's columns (related.count_matrix), which then needs no sorting."""
    numbers = sorted(counts, key=vocabulary.__getitem__)
    ids = np.fromiter(numbers, dtype=np.uint32, count=len(numbers))
    values = np.fromiter((counts[n] for n in numbers), dtype=np.uint32, count=len(numbers))
    return ids, values


def term_counts_of(analyser: Analyser, document: Document, title_weight: int) -> Counter[int]:
    """The essay's words (its title's ``title_weight`` times), the pages and sites it links
    to, and its authors."""
    counts = analyser.counts(document.text)
    for term, count in analyser.counts(document.title).items():
        counts[term] += count * title_weight
    for feature, count in link_features(document.html).items():
        counts[analyser.number(LINK + feature)] += count
    for author in sorted({author.casefold() for author in document.authors if author}):
        counts[analyser.number(AUTHOR + " ".join(author.split()))] += 1
    return counts


def link_features(html: str) -> Counter[str]:
    """What an essay's links say about it: for a link to another site, that site and the
    page; for a link within the site, the page's last path segment (its slug, usually),
    so that essays citing the same essay or the same outside page are alike."""
    features: Counter[str] = Counter()
    for href in _HREF.findall(html):
        try:
            parts = urlsplit(html_module.unescape(href).strip())
        except ValueError:  # "http://[::1" and the like: a broken link says nothing
            continue
        path = parts.path.rstrip("/")
        if parts.scheme in ("http", "https") and parts.netloc:
            host = parts.netloc.lower().removeprefix("www.")
            features[f"site {host}"] += 1
            features[f"page {host}{path}"] += 1
        elif not parts.scheme and not parts.netloc and path:
            features[f"page {path.rsplit('/', 1)[-1]}"] += 1
    return features
