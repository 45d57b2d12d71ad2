"""The settings of the feeds and of the related-posts map, apart from the code that uses
them, so that a build which finds nothing to do never loads that code."""

from __future__ import annotations

from dataclasses import dataclass, field

STYLESHEET_NAME = "feed.xsl"


@dataclass
class FeedSite:
    """What a feed says about the site it belongs to, and how its feeds are made."""

    title: str
    base_url: str
    description: str = ""
    language: str = "en-us"
    author: str | None = None
    limit: int = 20
    full_content: bool = True
    tag_feeds: bool = True
    author_feeds: bool = False
    stylesheet: str | None = None  # URL of an XSL stylesheet for browsers
    hub: str | None = None  # WebSub hub URL


@dataclass(frozen=True)
class RelatedOptions:
    limit: int = 5
    text_weight: float = 0.5
    tag_weight: float = 0.5
    date_weight: float = 0.0
    date_scale_days: float = 365.0
    min_score: float = 0.0
    include_newer: bool = True  # may an essay list essays published after it?
    terms_per_essay: int = 100  # only each essay's strongest terms are compared
    use_tags: bool = True  # False: text (and dates) only, as if no essay had tags
    plain_tfidf: bool = False  # raw tf, title once, no pruning (a baseline for benchmarks)
    language: str = "en"  # analysed as the index analyses text
    # How scores are computed: a new method gets a new number, so that a map made by an
    # earlier one is computed again, never reused or merged (its repr is the map's key).
    method: int = field(default=2, init=False)
