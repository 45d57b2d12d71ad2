"""Every build setting, declared once: its name, type, default, help, flag and config key.

Each setting is a dataclass field whose metadata says how people set it. From these
declarations come the ``build`` command's options (cli/options.py), the keys that
``feedsearch.toml`` accepts and how they are checked (config.py), and the template that
``init`` writes. A new setting is one field here; nothing else repeats its default.

The classes here carry no code that uses them, so that a build which finds nothing to do
never loads the feed or related-posts code.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import MISSING, dataclass, field, fields
from datetime import UTC, tzinfo
from pathlib import Path
from typing import Any

STYLESHEET_NAME = "feed.xsl"
# The feeds page (outputs/feeds_page.py), at BASE_URL + FEEDS_PAGE_URL; the feeds link to it.
FEEDS_PAGE_NAME = "feeds/index.html"
FEEDS_PAGE_URL = "feeds/"
MAX_FILE_BYTES = 10 * 1024 * 1024  # the default of --max-file-size, here and in readers
# What a build does with an essay that has no date: leave it out of the feeds, or date it
# by its file's modification time.
UNDATED_CHOICES = ("skip", "mtime")


@dataclass(frozen=True)
class Setting:
    """How one option is set: from the command line, from feedsearch.toml, or both.

    ``param`` is the name the command line and the config file use for it (a field's name
    unless they differ); ``kind`` is the Python type a config value must have
    (``float`` accepts integers too); ``check`` names a validator the command line applies
    to flag and config values alike ("web_url", "language", "timezone"). ``example`` is the
    value ``init``'s template shows, commented out when ``commented``.
    """

    name: str
    default: Any
    help: str
    kind: type = str
    flag: str | None = None
    config: str | None = None
    param: str = ""
    minimum: float | None = None
    choices: tuple[str, ...] = ()
    check: str | None = None
    comment: str = ""
    example: Any = None
    commented: bool = False
    default_text: str | None = None  # what --help says when the default is computed
    choices_from: str | None = None  # a registry that lists the choices ("related_formats")

    @property
    def section(self) -> str:
        return (self.config or "").partition(".")[0]

    @property
    def key(self) -> str:
        return (self.config or "").partition(".")[2]

    @property
    def multiple(self) -> bool:
        return self.kind is list


def setting(default: Any = None, *, help: str, default_factory: Any = MISSING,
            **how: Any) -> Any:
    """A dataclass field that is also a setting (see :class:`Setting` for ``how``)."""
    metadata = {"setting": dict(help=help, **how)}
    if default_factory is not MISSING:
        return field(default_factory=default_factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def default_workers() -> int:
    """Processes for parsing: every core but the one that feeds Whoosh."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(0, min(cores - 1, 8))


@dataclass(frozen=True)
class RelatedOptions:
    limit: int = setting(5, kind=int, flag="--related-limit", config="related.limit",
                         param="related_limit", minimum=0, comment="related essays per essay",
                         help="Related essays listed per essay.")
    text_weight: float = setting(0.5, kind=float, flag="--text-weight",
                                 config="related.text_weight", minimum=0,
                                 comment="how much shared words count",
                                 help="Weight of shared words in related posts.")
    tag_weight: float = setting(0.5, kind=float, flag="--tag-weight",
                                config="related.tag_weight", minimum=0,
                                comment="how much shared tags count (rare tags more)",
                                help="Weight of shared tags in related posts.")
    min_score: float = setting(0.0, kind=float, flag="--min-score", config="related.min_score",
                               minimum=0, help="Leave out related essays scoring this or less.")
    date_weight: float = setting(0.0, kind=float, flag="--date-weight",
                                 config="related.date_weight", minimum=0,
                                 comment="> 0: essays close in time count as more related",
                                 help="Weight of closeness in time in related posts.")
    date_scale_days: float = 365.0
    include_newer: bool = setting(True, kind=bool, flag="--include-newer/--only-older",
                                  config="related.include_newer",
                                  comment="false: list only essays published before each essay",
                                  help="May an essay's related list hold essays published "
                                       "after it?")
    terms_per_essay: int = 200  # only each essay's strongest words are compared
    # Beside the words: how much the pages and sites two essays both link to count, and a
    # shared author (related.py; chosen on real blogs, docs/benchmarks.md).
    link_weight: float = 0.1
    author_weight: float = 0.05
    # Second-order smoothing (related_lists.py): an essay's text score against another
    # is blended with the scores its ``neighbours`` closest essays give that other, each
    # essay keeping its ``candidates`` best scores.
    smoothing: float = 0.3
    neighbours: int = 10
    candidates: int = 30
    # Above this many multiply-adds the exact search for neighbours would take, each
    # essay's neighbours come from candidates (related_neighbours.py).
    exact_work: float = 4e9
    candidate_terms: int = 30  # each essay's strongest terms that find its candidates
    candidate_pool: int = 60  # candidates scored with every term
    use_tags: bool = True  # False: text (and dates) only, as if no essay had tags
    plain_tfidf: bool = False  # raw tf, title once, no pruning (a baseline for benchmarks)
    language: str = "en"  # analysed as the index analyses text
    # How scores are computed: a new method gets a new number, so that a map made by an
    # earlier one is computed again, never reused or merged (its repr is the map's key).
    method: int = field(default=5, init=False)


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
    page: str | None = None  # URL of the feeds page (--feeds-page), which the feeds link to


@dataclass
class BuildOptions:
    """Everything a build is told. Fields are in the order ``build --help`` lists them."""

    source: Path = setting(kind=Path, config="paths.source", example="essays",
                           comment="The folder of essays (Markdown, HTML, text).",
                           help="The folder of essays.")
    out: Path = setting(kind=Path, flag="--out", config="paths.out", example="public",
                        comment="Feeds and related.json go here; publish this folder with "
                                "your site.",
                        help="Folder for feeds and related.json.")
    index: Path = setting(kind=Path, flag="--index", config="paths.index", param="index_dir",
                          example=".feedsearch",
                          comment="The search index; keep it out of the published folder.",
                          help="Folder for the search index (never inside --out).")
    base_url: str | None = setting(flag="--base-url", config="site.base_url", check="web_url",
                                   example="https://example.org/",
                                   comment="The site's address: essay URLs are "
                                           "base_url/<slug>/ and feeds link there.",
                                   help="The site's address; essay URLs are BASE_URL/<slug>/.")
    site_kind: str = setting("auto", flag="--site-kind", config="site.kind",
                             choices=("auto", "none", "hugo", "jekyll", "eleventy"),
                             comment="auto: read a Hugo, Jekyll or Eleventy site as its "
                                     "generator does, when SOURCE is one (or its content)",
                             help="SOURCE is a Hugo, Jekyll or Eleventy site, or its content "
                                  "folder: read its essays, URLs and data folder as the "
                                  "generator does (auto: when its config file is found; "
                                  "none: a plain folder of essays).")
    permalink: str | None = setting(flag="--permalink", config="site.permalink",
                                    check="permalink", commented=True,
                                    example="/{year}/{month}/{slug}/",
                                    comment="essay URLs: a pattern of {year} {month} {day} "
                                            "{slug} {section} {path} {filename} {title} "
                                            "{categories}, or hugo, jekyll, eleventy",
                                    help="Essay URLs under BASE_URL: a pattern such as "
                                         "/{year}/{month}/{slug}/ ({day} {section} {path} "
                                         "{filename} {title} {categories} too), or the "
                                         "default URLs of hugo, jekyll or eleventy [default: "
                                         "the detected site's, else /{slug}/].")
    data_dir: Path | None = setting(kind=Path, flag="--data-dir", config="paths.data_dir",
                                    commented=True, example="data",
                                    comment="also write related.json (and related.yml for "
                                            "Jekyll) here, where the site generator reads "
                                            "data",
                                    help="Also write related.json here (Jekyll: and "
                                         "related.yml), keyed by each essay's path, where "
                                         "the site generator reads data [default: the "
                                         "detected site's data folder].")
    title: str = setting("Essays", flag="--title", config="site.title", help="The feeds' title.")
    description: str = setting("", flag="--description", config="site.description",
                               help="The feeds' description.")
    author: str | None = setting(flag="--author", config="site.author", example="",
                                 help="The site's author, named in the feeds.")
    language: str = setting("en-us", flag="--language", config="site.language",
                            check="language", help="The feeds' language code.")
    default_tz: tzinfo = setting(UTC, flag="--timezone", config="site.timezone",
                                 check="timezone", example="UTC",
                                 comment="Time zone for dates written without one.",
                                 default_text="UTC",
                                 help="Time zone for dates written without one (default UTC).")
    feed_limit: int = setting(20, kind=int, flag="--feed-limit", config="feeds.limit",
                              minimum=1, comment="entries per feed", help="Entries per feed.")
    full_content: bool = setting(True, kind=bool, flag="--full-content/--summary-only",
                                 config="feeds.full_content", comment="false: summaries only",
                                 help="Feeds carry whole essays, or summaries only.")
    tag_feeds: bool = setting(True, kind=bool, flag="--tag-feeds/--no-tag-feeds",
                              config="feeds.tag_feeds",
                              comment="public/tags/<tag>/feed.xml and atom.xml",
                              help="Write OUT/tags/<tag>/feed.xml and atom.xml.")
    author_feeds: bool = setting(False, kind=bool, flag="--author-feeds",
                                 config="feeds.author_feeds",
                                 comment="public/authors/<author>/feed.xml and atom.xml",
                                 help="Write OUT/authors/<author>/ feeds too.")
    feeds_page: bool = setting(True, kind=bool, flag="--feeds-page/--no-feeds-page",
                               config="feeds.page",
                               comment="public/feeds/index.html: every feed, to subscribe",
                               help="Write OUT/feeds/index.html, a page listing every feed "
                                    "with its address to copy and the newest essays; the "
                                    "feeds link to it.")
    xsl: bool = setting(False, kind=bool, flag="--xsl", config="feeds.xsl",
                        comment="feed.xsl for browsers that still run XSLT (they are "
                                "dropping it: see page)",
                        help="Write OUT/feed.xsl so a feed opened in a browser reads as a "
                             "page. Browsers are removing XSLT (Chrome from late 2026, "
                             "Firefox and Safari have announced the same), so fewer show it "
                             "each year; OUT/feeds/index.html (--feeds-page) needs none.")
    xsl_url: str | None = setting(flag="--xsl-url", config="feeds.xsl_url", check="web_url",
                                  commented=True, example="https://example.org/feeds.xsl",
                                  help="Link the feeds to your own XSL stylesheet.")
    websub_hub: str | None = setting(flag="--websub-hub", config="feeds.websub_hub",
                                     check="web_url", commented=True,
                                     example="https://pubsubhubbub.appspot.com/",
                                     help="Announce this WebSub hub in the feeds.")
    include_drafts: bool = setting(False, kind=bool, flag="--drafts", config="feeds.drafts",
                                   comment="include essays marked draft",
                                   help="Include essays marked as drafts.")
    include_future: bool = setting(False, kind=bool, flag="--future", config="feeds.future",
                                   comment="include essays dated in the future",
                                   help="Include essays dated in the future.")
    undated: str = setting("skip", flag="--undated", config="feeds.undated",
                           choices=UNDATED_CHOICES,
                           comment="essays with no date: skip (searchable, not in the "
                                   "feeds) or mtime (dated by their file's modification time)",
                           help="Essays with no date: left out of the feeds (skip) or dated "
                                "by their file's modification time (mtime).")
    include_pages: bool = setting(False, kind=bool, flag="--pages", config="feeds.pages",
                                  comment="include the pages of exports (WordPress, Ghost, "
                                          "Blogger, Substack)",
                                  help="Include the pages of exports (WordPress, Ghost, "
                                       "Blogger, Substack: About, Contact...) as essays.")
    sitemap: bool = setting(False, kind=bool, flag="--sitemap", config="site.sitemap",
                            comment="write sitemap.xml of the essays' URLs",
                            help="Write OUT/sitemap.xml, the essays' URLs for search engines.")
    site_search: bool = setting(False, kind=bool, flag="--site-search", config="site.search",
                                comment="write search/index.html and its Pagefind index "
                                        "(pagefind/), search for the published site",
                                help="Write OUT/search/index.html, a search page for the "
                                     "published site, and its index OUT/pagefind/ (Pagefind).")
    related: RelatedOptions = field(default_factory=RelatedOptions)
    related_formats: tuple[str, ...] = setting((), kind=list, flag="--related-format",
                                               config="related.formats", commented=True,
                                               example=["hugo", "eleventy", "jekyll"],
                                               comment="also write the data files they read",
                                               choices_from="related_formats",
                                               help="Also write the related map as the data "
                                                    "file this generator reads")
    max_file_size: int = setting(MAX_FILE_BYTES, kind=int, flag="--max-file-size",
                                 config="build.max_file_size", check="size",
                                 example="10MB", default_text="10MB",
                                 comment="larger files, and larger posts in exports, are "
                                         "skipped with a warning",
                                 help="Skip, with a warning, any file larger than this, and "
                                      "any post of an export larger than this: 10MB, 500KB, "
                                      "or a number of bytes")
    read_timeout: float = setting(60.0, kind=float, flag="--read-timeout", minimum=0,
                                  config="build.read_timeout",
                                  comment="seconds one file may take to read; 0: no limit",
                                  help="Skip, with a warning, a file still being read after "
                                       "this many seconds (0: no limit).")
    workers: int = setting(kind=int, flag="--workers", minimum=0,
                           default_factory=default_workers,
                           default_text="one per core but one; 0: parse in the build's own "
                                        "process",
                           help="Processes that parse files while the index is written")
    rebuild: bool = setting(False, kind=bool, flag="--rebuild",
                            help="Build the index and store anew from the sources, whatever "
                                 "an earlier build left.")
    lock_timeout: float = setting(60.0, kind=float, flag="--lock-timeout", minimum=0,
                                  help="Seconds to wait while another build of the same "
                                       "index runs.")

    def feed_site(self, base_url: str) -> FeedSite:
        stylesheet = self.xsl_url or (base_url + STYLESHEET_NAME if self.xsl else None)
        return FeedSite(self.title, base_url, self.description, self.language, self.author,
                        self.feed_limit, self.full_content, self.tag_feeds, self.author_feeds,
                        stylesheet, self.websub_hub,
                        base_url + FEEDS_PAGE_URL if self.feeds_page else None)

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> BuildOptions:
        """BuildOptions from settings by their ``param`` names (a command's parameters, a
        config file's values); settings not given keep their defaults."""
        related = {s.name: params[s.param] for s in _declared(RelatedOptions)
                   if params.get(s.param) is not None}
        own = {s.name: params[s.param] for s in _declared(cls)
               if params.get(s.param) is not None}
        if "related_formats" in own:
            own["related_formats"] = tuple(own["related_formats"])
        return cls(related=RelatedOptions(**related), **own)


def _declared(cls: type) -> Iterator[Setting]:
    for spec in fields(cls):
        how = spec.metadata.get("setting")
        if how is None:
            continue
        default = spec.default if spec.default is not MISSING else None
        yield Setting(name=spec.name, default=default, **{"param": spec.name, **how})


def build_settings() -> list[Setting]:
    """Every build setting, in the order of ``build --help``: BuildOptions' fields, with
    RelatedOptions' where the ``related`` field is."""
    result: list[Setting] = []
    for spec in fields(BuildOptions):
        if spec.name == "related":
            result += _declared(RelatedOptions)
        elif "setting" in spec.metadata:
            result += [s for s in _declared(BuildOptions) if s.name == spec.name]
    return result


# --- checks: one per kind of value, the same for a flag, a config key and init's answers

_SIZE_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024 ** 2, "mb": 1024 ** 2,
               "g": 1024 ** 3, "gb": 1024 ** 3}


def checked(check: str | None, value: Any) -> Any:
    """``value`` as the setting's ``check`` accepts it (a size in bytes, a lower-cased
    language code, a time zone), or ValueError saying what is wrong with it."""
    if value is None or check is None:
        return value
    if check == "web_url":
        from .urls import is_web_address

        if value and not is_web_address(value):
            raise ValueError(f"{value!r} is not an http(s) URL such as https://example.org/")
        return value or None
    if check == "language":
        if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*",
                                                          value):
            raise ValueError(f"{value!r} is not a language code such as en-us or de")
        return value.lower()
    if check == "timezone":
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ValueError(f"unknown time zone {value!r} (try e.g. Europe/Berlin)") from exc
    if check == "size":
        return byte_size(value)
    if check == "permalink":
        from .permalinks import check_pattern

        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{value!r} is not a permalink such as /{{year}}/{{slug}}/ or "
                             "hugo, jekyll, eleventy")
        return check_pattern(value.strip())
    raise KeyError(check)


def byte_size(value: Any) -> int:
    """10MB, 500KB, 1.5GB or a number of bytes (MB is 1024 * 1024 bytes)."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", str(value))
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _SIZE_UNITS or float(match.group(1)) <= 0:
        raise ValueError(f"{value!r} is not a size such as 10MB, 500KB or 1GB")
    return max(1, int(float(match.group(1)) * _SIZE_UNITS[unit]))
