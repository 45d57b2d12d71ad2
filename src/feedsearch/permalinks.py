"""Essay URLs as the site makes them: a pattern (``--permalink /{year}/{month}/{slug}/``) or
the rules of the generator that builds the site (Hugo, Jekyll, Eleventy).

Everything here is a pure function of what a page is (:class:`Page`: where its file is
under the site's content folder, its date, title, slug and the URL front matter it has),
so that the URL feedsearch puts in the feeds and the related map is the URL the generator
gives the page. Each generator's rules are facts of that generator, checked against the
real one where it is installed (tests/test_site_hugo.py):

- **Hugo**: ``content/posts/first.md`` is ``/posts/first/``; every folder and the file name
  are made URL-safe as Hugo does (lower case, spaces to hyphens, most punctuation gone);
  front matter ``slug`` replaces the file name, ``url`` is the whole path; a page bundle
  (``posts/trip/index.md``) is named by its folder; ``[permalinks]`` in the site's config
  sets a pattern per section (``:year``, ``:month``, ``:slug``, ``:title``...).
- **Jekyll**: posts are ``/:categories/:year/:month/:day/:title.html`` unless the site's
  ``permalink`` says otherwise (``pretty``, ``date``, ``ordinal``, ``none`` or a pattern);
  ``:title`` is the file name after its date, or front matter ``slug``; front matter
  ``permalink`` wins.
- **Eleventy**: a page's URL is its path under the input folder, ``posts/first.md`` is
  ``/posts/first/``; front matter ``permalink`` wins.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from urllib.parse import quote

from .strings import slugify

PRESETS = ("hugo", "jekyll", "eleventy")
# The tokens of --permalink patterns, each with what it stands for (for --help and errors).
TOKENS = {
    "year": "the essay's year (2024)", "month": "its month (03)", "day": "its day (09)",
    "slug": "its slug (front matter slug, else the file name without its date)",
    "filename": "its file name, or its folder's for index.md",
    "section": "the first folder under the content folder",
    "path": "every folder under the content folder",
    "title": "its title, as a slug", "categories": "its categories, as folders",
}
_TOKEN = re.compile(r"\{([a-z_]+)\}")


class PermalinkError(ValueError):
    """A pattern that cannot make URLs (an unknown token)."""


@dataclass(frozen=True)
class Page:
    """What an essay's URL is made from. ``path`` is its file's path under the site's
    content folder (``posts/trip/index.md``); ``fields`` the URL front matter it had
    (``url``, ``permalink``, ``slug``, ``categories``)."""

    path: str
    slug: str
    title: str = ""
    date: datetime | None = None
    fields: dict = field(default_factory=dict)

    @property
    def is_index(self) -> bool:
        """Is the file its folder's own page (``trip/index.md``)? As the generators have it,
        the name is ``index`` in lower case."""
        return PurePosixPath(self.path).stem == "index"

    @property
    def folders(self) -> tuple[str, ...]:
        """The folders the page is in; a bundle's (``trip/index.md``) are its folder's."""
        parts = PurePosixPath(self.path).parts[:-1]
        return parts[:-1] if self.is_index and parts else parts

    @property
    def name(self) -> str:
        """The file's name without extension; a bundle's folder name for ``index.md``."""
        pure = PurePosixPath(self.path)
        parts = pure.parts[:-1]
        return parts[-1] if self.is_index and parts else pure.stem

    def text(self, key: str) -> str:
        value = self.fields.get(key)
        return str(value).strip() if isinstance(value, str | int | float) and \
            not isinstance(value, bool) else ""


def check_pattern(pattern: str) -> str:
    """``pattern`` if it is a preset or a path whose ``{tokens}`` are all known; else
    PermalinkError saying which token is not."""
    if pattern in PRESETS:
        return pattern
    unknown = sorted(set(_TOKEN.findall(pattern)) - set(TOKENS))
    if unknown:
        raise PermalinkError(f"unknown token {{{unknown[0]}}} in permalink {pattern!r}; "
                             f"known: {', '.join('{' + t + '}' for t in TOKENS)}")
    if "{" in _TOKEN.sub("", pattern) or "}" in _TOKEN.sub("", pattern):
        raise PermalinkError(f"permalink {pattern!r} has a brace that opens no token")
    return pattern


def pattern_path(pattern: str, page: Page) -> str:
    """The path ``pattern`` gives ``page``: its tokens filled in, each a URL-safe slug;
    front matter ``url`` or ``permalink`` (a path) wins, as every generator has it."""
    given = page.text("url") or page.text("permalink")
    if given and "://" not in given:
        return literal_path(given)
    values = _values(page, slugify)
    return clean_path(_TOKEN.sub(lambda m: values[m.group(1)](), pattern))


def _values(page: Page, segment: Callable[[str], str]) -> dict[str, Callable[[], str]]:
    """Each token's value for ``page``, computed when the pattern uses it."""
    date = page.date
    return {
        "year": lambda: f"{date.year:04d}" if date else "",
        "month": lambda: f"{date.month:02d}" if date else "",
        "day": lambda: f"{date.day:02d}" if date else "",
        "slug": lambda: page.slug,
        "filename": lambda: segment(page.name),
        "section": lambda: segment(page.folders[0]) if page.folders else "",
        "path": lambda: "/".join(segment(folder) for folder in page.folders),
        "title": lambda: slugify(page.title),
        "categories": lambda: "/".join(slugify(c) for c in categories(page)),
    }


def categories(page: Page) -> list[str]:
    """Front matter ``categories`` (a list, or words split by spaces as Jekyll reads a
    string), then ``category``."""
    found: list[str] = []
    for key in ("categories", "category"):
        value = page.fields.get(key)
        if isinstance(value, str):
            found += value.split() if key == "categories" else [value]
        elif isinstance(value, list):
            found += [str(item) for item in value if item is not None]
    return list(dict.fromkeys(item.strip() for item in found if str(item).strip()))


def literal_path(given: str) -> str:
    """A path front matter gives (``url: /about/``), as generators take it: from the
    site's root, with a closing slash unless its last part names a file."""
    path = "/" + given.strip().lstrip("/")
    last = path.rsplit("/", 1)[-1]
    if last and "." not in last:
        path += "/"
    return clean_path(path)


def clean_path(path: str) -> str:
    """One leading slash, no empty folders (a token that was empty leaves none)."""
    collapsed = re.sub(r"/{2,}", "/", "/" + path)
    return collapsed


def url_of(base_url: str, path: str) -> str:
    """The absolute URL of a site path: the base URL's folder, then the path, with what a
    URL cannot carry as it is (spaces, letters outside ASCII) percent-encoded."""
    return base_url.rstrip("/") + quote(clean_path(path), safe="/:@!$&'()*+,;=-._~%")


# --- Hugo -------------------------------------------------------------------------------

_HUGO_KEPT = frozenset("./\\_#+~")


def hugo_urlize(text: str) -> str:
    """A path part as Hugo makes it: letters, digits and marks of any script kept with
    ``. / \\ _ # + ~``, a run of spaces and hyphens one hyphen (none at the start or the
    end), everything else dropped, lower case."""
    out: list[str] = []
    hyphen = False
    for index, char in enumerate(text):
        kept = char.isalpha() or char.isdigit() or unicodedata.category(char).startswith("M") \
            or char in _HUGO_KEPT or (char == "%" and _hex_follows(text, index))
        if kept:
            if hyphen:
                out.append("-")
                hyphen = False
            out.append(char)
        elif out and (char == "-" or char.isspace()):
            hyphen = True
    return "".join(out).lower()


def _hex_follows(text: str, index: int) -> bool:
    return bool(re.fullmatch(r"[0-9A-Fa-f]{2}", text[index + 1:index + 3]))


# Hugo's permalink tokens (``[permalinks] posts = "/:year/:month/:slug/"``) as ours.
_HUGO_TOKEN = re.compile(r":(slugorfilename|contentbasename|filename|sections|section|"
                         r"title|slug|year|month|day)")


def hugo_path(page: Page, patterns: dict[str, str] | None = None) -> str:
    """The path Hugo gives ``page``: front matter ``url``; else its section's pattern
    from the config's ``[permalinks]``; else its folders and its slug or file name."""
    url = page.text("url")
    if url and "://" not in url:
        return literal_path(url)
    section = page.folders[0] if page.folders else ""
    pattern = (patterns or {}).get(section)
    slug = page.text("slug")
    if pattern:
        values = {
            "year": lambda: f"{page.date.year:04d}" if page.date else "",
            "month": lambda: f"{page.date.month:02d}" if page.date else "",
            "day": lambda: f"{page.date.day:02d}" if page.date else "",
            "section": lambda: hugo_urlize(section),
            "sections": lambda: "/".join(hugo_urlize(f) for f in page.folders),
            "title": lambda: hugo_urlize(page.title),
            "slug": lambda: hugo_urlize(slug or page.title),
            "filename": lambda: hugo_urlize(page.name),
            "contentbasename": lambda: hugo_urlize(page.name),
            "slugorfilename": lambda: hugo_urlize(slug or page.name),
        }
        return clean_path(_HUGO_TOKEN.sub(lambda m: values[m.group(1)](), pattern))
    parts = [hugo_urlize(folder) for folder in page.folders]
    parts.append(hugo_urlize(slug) if slug else hugo_urlize(page.name))
    return clean_path("/".join(parts) + "/")


# --- Jekyll -----------------------------------------------------------------------------

JEKYLL_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
# Longer names first: ":slug" must not take the start of ":slugified_categories".
_JEKYLL_TOKEN = re.compile(r":(slugified_categories|categories|collection|output_ext|"
                           r"short_year|short_month|long_month|short_day|long_day|i_month|"
                           r"i_day|y_day|w_year|w_day|week|year|month|day|hour|minute|second|"
                           r"title|slug|name|path|basename)")


def jekyll_slug(text: str, pretty: bool = True) -> str:
    """Jekyll's ``slugify``: mode "pretty" (what ``:title`` uses, case kept) keeps letters,
    marks, decimal digits and ``._~!$&'()+,;=@`` and ``_`` (as Jekyll 4.3 does), the
    default mode (``:slug``) only letters, marks and decimal digits, lower case; each run
    of anything else is one hyphen, none at either end."""
    import regex  # Unicode's classes (\p{M}, \p{Nd}), which the re module lacks

    if pretty:
        return regex.sub(r"[^\p{M}\p{L}\p{Nd}_.~!$&'()+,;=@]+", "-", text).strip("-")
    return regex.sub(r"[^\p{M}\p{L}\p{Nd}]+", "-", text).strip("-").lower()


def jekyll_collection_pattern(style: str) -> str:
    """A collection's default permalink: ``/:collection/:path`` with the ending of the
    site's style (a slash for ``pretty`` or a pattern that ends in one, ``.html`` for the
    other styles or a pattern that ends in ``:output_ext``)."""
    if style == "pretty" or (style not in JEKYLL_STYLES and style.endswith("/")):
        return "/:collection/:path/"
    if style in JEKYLL_STYLES or style.endswith(":output_ext"):
        return "/:collection/:path:output_ext"
    return "/:collection/:path"


def jekyll_path(page: Page, style: str = "date", collection: str = "posts",
                folder_categories: tuple[str, ...] = (), own: str = "") -> str:
    """The path Jekyll gives ``page``, a post (or a document of ``collection``): front
    matter ``permalink``, else the collection's ``own`` permalink, else for posts the
    site's ``permalink`` (a style's name or a pattern) and for other collections
    ``/:collection/:path`` with that style's ending. ``page.path`` is the file's path less
    the collection's folder (``blog/2024-01-05-x.md`` for ``blog/_posts/2024-01-05-x.md``).
    ``:title`` is front matter ``slug`` or the file name after its date."""
    given = page.text("permalink")
    if given:
        pattern = given
    elif own:
        pattern = JEKYLL_STYLES.get(own, own)
    elif collection == "posts":
        pattern = JEKYLL_STYLES.get(style, style)
    else:
        pattern = jekyll_collection_pattern(style)
    date = page.date
    stem = PurePosixPath(page.path).stem
    name_title = re.sub(r"^\d{2,4}-\d{1,2}-\d{1,2}-", "", stem).rstrip(".")
    slug = page.text("slug") or name_title
    cats = list(dict.fromkeys(c.lower() for c in [*folder_categories, *categories(page)]))
    values = {
        "year": lambda: f"{date.year:04d}" if date else "",
        "short_year": lambda: f"{date.year % 100:02d}" if date else "",
        "month": lambda: f"{date.month:02d}" if date else "",
        "i_month": lambda: str(date.month) if date else "",
        "short_month": lambda: date.strftime("%b") if date else "",
        "long_month": lambda: date.strftime("%B") if date else "",
        "day": lambda: f"{date.day:02d}" if date else "",
        "i_day": lambda: str(date.day) if date else "",
        "y_day": lambda: f"{date.timetuple().tm_yday:03d}" if date else "",
        "w_year": lambda: str(date.isocalendar()[0]) if date else "",
        "week": lambda: f"{date.isocalendar()[1]:02d}" if date else "",
        "w_day": lambda: str(date.isocalendar()[2]) if date else "",
        "short_day": lambda: date.strftime("%a") if date else "",
        "long_day": lambda: date.strftime("%A") if date else "",
        "hour": lambda: f"{date.hour:02d}" if date else "",
        "minute": lambda: f"{date.minute:02d}" if date else "",
        "second": lambda: f"{date.second:02d}" if date else "",
        "title": lambda: jekyll_slug(slug),
        "slug": lambda: jekyll_slug(slug, pretty=False),
        "name": lambda: jekyll_slug(stem, pretty=False),
        "basename": lambda: stem,
        "path": lambda: str(PurePosixPath(page.path).with_suffix("")),
        "collection": lambda: collection,
        "categories": lambda: "/".join(cats),
        "slugified_categories": lambda: "/".join(jekyll_slug(c, pretty=False) for c in cats),
        "output_ext": lambda: ".html",
    }
    path = _JEKYLL_TOKEN.sub(lambda m: values[m.group(1)](), pattern)
    # Jekyll's URL#sanitize_url: ".." becomes "/", "./" goes, runs of "/" are one.
    return clean_path(path.replace("..", "/").replace("./", ""))


# --- Eleventy ---------------------------------------------------------------------------

_ELEVENTY_PAGE_VALUE = re.compile(r"\{\{\s*page\.(fileSlug|filePathStem)\s*\}\}")
_ELEVENTY_DATE = re.compile(r"\d{4}-\d{2}-\d{2}-(.*)")


def _eleventy_slug(name: str) -> str:
    """A name less the date in it, as Eleventy's fileSlug has it (``2024-01-05-first`` is
    ``first``; the date may come anywhere, and what is before it goes with it)."""
    match = _ELEVENTY_DATE.search(name)
    return match.group(1) if match else name


def _eleventy_value(page: Page, name: str) -> str:
    """Eleventy's ``page.fileSlug`` (the file name less its date; for an index file its
    folder's name, nothing at the top) or ``page.filePathStem`` (the path less its
    extension, the file name less its date)."""
    pure = PurePosixPath(page.path)
    if name == "filePathStem":
        stem = pure.stem if pure.stem == "index" else _eleventy_slug(pure.stem)
        return "/" + str(pure.parent / stem).removeprefix("./")
    if page.is_index:
        return _eleventy_slug(pure.parent.name) if pure.parent.parts else ""
    return _eleventy_slug(pure.stem)


def eleventy_path(page: Page) -> str | None:
    """The path Eleventy gives ``page``: front matter ``permalink`` (or its ``build``);
    else the file's path under the input folder as folders, where an ``index`` file, or a
    file named as its folder, is the folder's own page. In a permalink,
    ``{{ page.fileSlug }}`` and ``{{ page.filePathStem }}`` are filled in. None for
    ``permalink: false`` (no page) and for a permalink that needs more of a template
    (``{{ title | slugify }}``), which only Eleventy can fill in."""
    given = page.fields.get("permalink")
    if isinstance(given, dict):
        given = given.get("build")
    if given is False:
        return None
    if isinstance(given, str) and given.strip():
        filled = _ELEVENTY_PAGE_VALUE.sub(lambda m: _eleventy_value(page, m.group(1)),
                                          given.strip())
        if "{{" in filled or "{%" in filled:
            return None
        return _eleventy_url(filled)
    pure = PurePosixPath(page.path)
    parts = list(pure.parts[:-1])
    if not page.is_index and not (parts and pure.stem == parts[-1]):
        parts.append(pure.stem)
    return clean_path("/".join(parts) + "/")


def _eleventy_url(path: str) -> str:
    """A permalink as Eleventy's page.url has it: as given, but ``.../index.html`` and
    ``.../index`` are the folder's URL."""
    path = clean_path(path)
    for ending in ("/index.html", "/index"):
        if path.endswith(ending):
            return path[: -len(ending) + 1]
    return path
