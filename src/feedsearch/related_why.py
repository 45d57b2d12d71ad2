"""Why two essays are related, said in each entry of a list, so that a site can show it
and a writer can trust it: the tags they share, the words that weigh most in both, and,
where neither, what else brought them together.

``shared_terms`` are the words whose weights multiplied weigh most in the two essays'
word vectors (at most three, shown as written: "policy", not the index's "polici"; bare
numbers, words of one or two letters and plain words such as "about" are left out, they
say little to a reader).
``why`` says it in a line: "shared tags: grief; shared words: winter, mother, loss",
"links to the same pages", "same author", "similar wording" (related through the essays
both resemble), "published close in time" (nothing in common: the nearest in time), or
"chosen by the writer" (a pin).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .model import Document

if TYPE_CHECKING:
    from .related_lists import Prepared

SHARED_TERMS = 3
# Words that carry little of what an essay is about, left out of ``shared_terms`` (not
# out of the scores: in a real archive they are too common to count anyway, but in a
# small one they can weigh enough to be named). English only, as written.
PLAIN_WORDS = frozenset("""
about above after again against all almost also although always among another any
anyone anything around away back because been before being below between both came can
cannot come could did does doing done down during each either else enough even ever
every few first for from get gets getting give given goes going gone got had has have
having her here hers herself him himself his how however into its itself just last less
let like made make makes many may maybe might more most much must myself near need
never new next nine none nor not nothing now off often once one only onto other others
our ours out over own per put quite rather really said same say says see seem seems
seen she should since some something still such take than that the their theirs them
themselves then there these they thing things this those though three through thus
till too took toward two under until upon very was way ways well went were what when
where whether which while who whom whose why will with within without would yet you
your yours yourself
""".split())


class Explainer:
    """Makes the entries of one archive's lists; one essay's entries are made together,
    so its vector is spread out once."""

    def __init__(self, prepared: Prepared) -> None:
        from .related import kinds

        self.prepared = prepared
        texts = prepared.texts
        self.matrix = texts.matrix
        words, self.links, self.authors = kinds(texts.terms)
        self.shown = texts.words or texts.terms
        # The columns whose word may be named, worked out once for the archive.
        self.telling = words.copy()
        self.telling[:len(self.shown)] &= np.fromiter(map(_telling, self.shown), dtype=bool,
                                                      count=len(self.shown))
        self.dense = np.zeros(self.matrix.shape[1], dtype=np.float64)
        self.current = -1

    def __call__(self, i: int, j: int, score: float, pinned: bool = False) -> dict:
        ordered = self.prepared.ordered
        made = entry(ordered[i], ordered[j], score)
        shared = self._shared(i, j)
        terms = [self.shown[c] for c in shared[self.telling[shared]][:SHARED_TERMS]]
        made["shared_terms"] = terms
        made["why"] = _why(made["shared_tags"], terms, pinned, score,
                           links=bool(self.links[shared].any()),
                           authors=bool(self.authors[shared].any()))
        return made

    def _shared(self, i: int, j: int) -> np.ndarray:
        """The columns both vectors hold, heaviest product first (ties by column)."""
        matrix = self.matrix
        if self.current != i:
            if self.current >= 0:
                self.dense[matrix.indices[matrix.indptr[self.current]:
                                          matrix.indptr[self.current + 1]]] = 0.0
            at = slice(matrix.indptr[i], matrix.indptr[i + 1])
            self.dense[matrix.indices[at]] = matrix.data[at]
            self.current = i
        at = slice(matrix.indptr[j], matrix.indptr[j + 1])
        columns = matrix.indices[at]
        products = self.dense[columns] * matrix.data[at]
        both = products > 0
        columns, products = columns[both], products[both]
        return columns[np.lexsort((columns, -products))]


def _telling(word: str) -> bool:
    return len(word) > 2 and not word.isdigit() and word not in PLAIN_WORDS


def _why(tags: list[str], terms: list[str], pinned: bool, score: float, links: bool,
         authors: bool) -> str:
    parts = ["chosen by the writer"] if pinned else []
    if tags:
        parts.append("shared tags: " + ", ".join(tags))
    if terms:
        parts.append("shared words: " + ", ".join(terms))
    if len(parts) > pinned:
        return "; ".join(parts)
    if links:
        parts.append("links to the same pages")
    elif authors:
        parts.append("same author")
    elif score > 0:
        parts.append("similar wording")
    elif not pinned:
        parts.append("published close in time")
    return "; ".join(parts)


def entry(document: Document, other: Document, score: float) -> dict:
    """An entry's plain fields: what it links to, its score and the tags both carry."""
    mine = {tag.casefold() for tag in document.tags}
    return {
        "slug": other.slug,
        "title": other.title,
        "url": other.url,
        "score": round(score, 4),
        "shared_tags": [tag for tag in other.tags if tag.casefold() in mine],
    }
