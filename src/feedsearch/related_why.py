"""Why two essays are related, said in each entry of a list, so that a site can show it
and a writer can trust it: the tags they share, the words that weigh most in both, and,
where neither, what else brought them together.

``shared_terms`` are the words whose weights multiplied weigh most in the two essays'
word vectors (at most three, shown as written: "policy", not the index's "polici"; bare
numbers, words of one or two letters and plain words such as "about" are left out, they
say little to a reader).
``why`` says it in a line: "shared tags: grief; shared words: winter, mother, loss",
"links to the same pages", "same author", "similar wording" (related through the essays
both resemble), "published close in time" (nothing in common: the nearest in time;
"nothing in common; listed to fill the list" where either essay has no date), or
"chosen by the writer" (a pin).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

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
    """Makes the entries of one archive's lists, a block of lists at a time."""

    def __init__(self, prepared: Prepared) -> None:
        from .related import kinds

        self.prepared = prepared
        texts = prepared.texts
        self.matrix = texts.matrix
        words, self.links, self.authors = kinds(texts.terms)
        self.shown = texts.words or texts.terms
        # Each essay's tags as compared (case aside), made once: an essay is on many lists.
        self.folded = [[tag.casefold() for tag in d.tags] for d in prepared.ordered]
        # The columns whose word may be named, worked out once for the archive.
        self.telling = words.copy()
        self.telling[:len(self.shown)] &= np.fromiter(map(_telling, self.shown), dtype=bool,
                                                      count=len(self.shown))

    def __call__(self, i: int, j: int, score: float, pinned: bool = False) -> dict:
        """One entry of essay i's list."""
        return self.entries([(i, [(j, score, pinned)])])[0][0]

    def entries(self, choices: list[tuple[int, list[tuple[int, float, bool]]]]
                ) -> list[list[dict]]:
        """The entries of several essays' lists, each list as (position, score, pinned)
        of its essays: the words of all the pairs are weighed together."""
        pairs = [(i, j) for i, chosen in choices for j, _, _ in chosen]
        named, links, authors = self._shared([i for i, _ in pairs], [j for _, j in pairs])
        ordered, shown, folded = self.prepared.ordered, self.shown, self.folded
        lists, at = [], 0
        for i, chosen in choices:
            mine = set(folded[i])
            made = []
            for j, score, pinned in chosen:
                other = ordered[j]
                tags = [tag for tag, tag_folded in zip(other.tags, folded[j], strict=True)
                        if tag_folded in mine] if mine else []
                terms = [shown[c] for c in named[at]]
                made.append({"slug": other.slug, "title": other.title, "url": other.url,
                             "score": round(score, 4), "shared_tags": tags,
                             "shared_terms": terms,
                             "why": _why(tags, terms, pinned, score,
                                         dated=bool(ordered[i].date and other.date),
                                         links=links[at],
                                         authors=authors[at])})
                at += 1
            lists.append(made)
        return lists

    def _shared(self, mine: list[int], theirs: list[int]
                ) -> tuple[list[list[int]], np.ndarray, np.ndarray]:
        """For each pair of essays: the columns of the (at most three) words that weigh
        most in both, heaviest product first, ties by column; and whether they link to a
        page or site in common, and share an author."""
        pairs = len(mine)
        named: list[list[int]] = [[] for _ in range(pairs)]
        if not pairs:
            return named, np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
        matrix = self.matrix
        both = matrix[np.array(mine)].multiply(matrix[np.array(theirs)]).tocsr()
        both.eliminate_zeros()
        rows = np.repeat(np.arange(pairs), np.diff(both.indptr))
        columns, products = both.indices, both.data
        links = np.bincount(rows[self.links[columns]], minlength=pairs) > 0
        authors = np.bincount(rows[self.authors[columns]], minlength=pairs) > 0
        telling = self.telling[columns]
        rows, columns = heaviest_in_rows(rows[telling], columns[telling], products[telling],
                                         SHARED_TERMS)
        for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
            named[row].append(column)
        return named, links, authors


def heaviest_in_rows(rows: np.ndarray, columns: np.ndarray, values: np.ndarray, keep: int
                     ) -> tuple[np.ndarray, np.ndarray]:
    """The ``keep`` largest entries of each row, as (rows, columns) ordered by row, then
    largest first, ties by lowest column. The entries come by row, each row's columns in
    order (CSR order). A row's largest is taken, then the next, ``keep`` times over: a
    few passes over the entries cost far less than sorting them all (pairs of essays
    share hundreds of thousands of words in a large archive)."""
    alive = np.ones(len(rows), dtype=bool)
    taken: list[np.ndarray] = []
    for _ in range(keep):
        left = np.flatnonzero(alive)
        if not len(left):
            break
        left_rows, left_values = rows[left], values[left]
        starts = np.flatnonzero(np.r_[True, left_rows[1:] != left_rows[:-1]])
        row_of = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(left)]))
        best = np.flatnonzero(left_values == np.maximum.reduceat(left_values, starts)[row_of])
        firsts = best[np.r_[True, row_of[best[1:]] != row_of[best[:-1]]]]  # lowest column
        taken.append(left[firsts])
        alive[left[firsts]] = False
    chosen = np.concatenate(taken) if taken else np.zeros(0, dtype=np.int64)
    chosen = chosen[np.argsort(rows[chosen], kind="stable")]  # by row, each pass in turn
    return rows[chosen], columns[chosen]


def _telling(word: str) -> bool:
    return len(word) > 2 and not word.isdigit() and word not in PLAIN_WORDS


def _why(tags: list[str], terms: list[str], pinned: bool, score: float, links: bool,
         authors: bool, dated: bool = True) -> str:
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
    elif not pinned and dated:
        parts.append("published close in time")
    elif not pinned:  # an essay without a date: nothing in common, not even time
        parts.append("nothing in common; listed to fill the list")
    return "; ".join(parts)
