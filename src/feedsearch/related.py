"""Related posts: text similarity (TF-IDF cosine) blended with tag overlap.

Text vectors use the index's own analysis (Whoosh's stemming analyser), sublinear term
frequency, the title counted twice, and terms pruned when they occur in one essay only or in
more than half of them. Tags count by rarity: sharing a tag few essays carry says more than
sharing one that most carry. Vectors are sparse and candidates come from an inverted index,
so no n-by-n matrix is ever built.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from .index import text_analyzer
from .model import Document


@dataclass(frozen=True)
class RelatedOptions:
    limit: int = 5
    text_weight: float = 0.7
    tag_weight: float = 0.3
    min_score: float = 0.0
    terms_per_essay: int = 80  # the strongest terms of each essay find its candidates
    language: str = "en"  # analysed as the index analyses text


def term_vectors(documents: list[Document], max_df: float = 0.5,
                 language: str = "en") -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors, one per document."""
    analyze = text_analyzer(language)
    counts = []
    for document in documents:
        terms = Counter(token.text for token in analyze(document.text))
        for token in analyze(document.title):
            terms[token.text] += 2
        counts.append(terms)
    total = len(documents)
    df = Counter(term for terms in counts for term in terms)
    vectors = []
    for terms in counts:
        vector = {
            term: (1 + math.log(tf)) * math.log(total / df[term])
            for term, tf in terms.items()
            if 1 < df[term] <= max(2, max_df * total)
        }
        vectors.append(_unit({t: w for t, w in vector.items() if w > 0}))
    return vectors


def tag_vectors(documents: list[Document]) -> list[dict[str, float]]:
    """Unit-length vectors of each document's tags weighted by inverse tag frequency."""
    tags = [{tag.casefold() for tag in d.tags} for d in documents]
    df = Counter(tag for group in tags for tag in group)
    total = len(documents)
    return [_unit({tag: math.log(1 + total / df[tag]) for tag in group}) for group in tags]


def _unit(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in vector.values()))
    return {t: w / norm for t, w in vector.items()} if norm else {}


def _dot_products(vectors: list[dict[str, float]], top_terms: int | None) -> list[dict[int, float]]:
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, vector in enumerate(vectors):
        for term, weight in vector.items():
            postings[term].append((i, weight))
    scores: list[dict[int, float]] = []
    for i, vector in enumerate(vectors):
        strongest = sorted(vector.items(), key=lambda item: (-item[1], item[0]))
        row: dict[int, float] = defaultdict(float)
        for term, weight in strongest[:top_terms] if top_terms else strongest:
            for j, other in postings[term]:
                if j != i:
                    row[j] += weight * other
        scores.append(row)
    return scores


def related_map(documents: list[Document],
                options: RelatedOptions | None = None) -> dict[str, list[dict]]:
    """For each document's slug, its most related documents, best first.

    Each entry is ``{"slug", "title", "url", "score", "shared_tags"}``. Ties are broken by
    date (newer first), then slug, so the map never changes for the same input.
    """
    options = options or RelatedOptions()
    ordered = sorted(documents, key=lambda d: d.slug)
    text_scores = _dot_products(term_vectors(ordered, language=options.language),
                                options.terms_per_essay)
    tag_scores = _dot_products(tag_vectors(ordered), None)
    result: dict[str, list[dict]] = {}
    for i, document in enumerate(ordered):
        candidates = set(text_scores[i]) | set(tag_scores[i])
        scored = []
        for j in candidates:
            score = round(options.text_weight * text_scores[i].get(j, 0.0)
                          + options.tag_weight * tag_scores[i].get(j, 0.0), 4)
            if score > options.min_score:
                scored.append((score, j))
        scored.sort(key=lambda item: (-item[0], -_timestamp(ordered[item[1]]),
                                      ordered[item[1]].slug))
        result[document.slug] = [_entry(document, ordered[j], score)
                                 for score, j in scored[: options.limit]]
    return result


def _timestamp(document: Document) -> float:
    return document.date.timestamp() if document.date else float("-inf")


def _entry(document: Document, other: Document, score: float) -> dict:
    mine = {tag.casefold() for tag in document.tags}
    return {
        "slug": other.slug,
        "title": other.title,
        "url": other.url,
        "score": score,
        "shared_tags": [tag for tag in other.tags if tag.casefold() in mine],
    }
