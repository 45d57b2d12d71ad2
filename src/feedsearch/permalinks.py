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
        return PurePosixPath(self.path).stem.lower() == "index"

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
    string) and ``category``."""
    found: list[str] = []
    for key in ("category", "categories"):
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
_JEKYLL_TOKEN = re.compile(r":(categories|collection|output_ext|short_year|i_month|i_day|"
                           r"y_day|year|month|day|hour|minute|second|title|slug|name|path|"
                           r"basename)")
_JEKYLL_PRETTY = re.compile(r"[^\w.~!$&'()+,;=@]+")
_JEKYLL_DEFAULT = re.compile(r"(?:\W|_)+")


def jekyll_slug(text: str, pretty: bool = True) -> str:
    """Jekyll's ``slugify``: mode "pretty" (what ``:title`` uses, case kept) keeps
    ``._~!$&'()+,;=@`` and ``_`` (as Jekyll 4.3 does), the default mode (``:slug``) only
    letters and digits, lower case; each run of anything else is one hyphen, none at
    either end."""
    if pretty:
        return _JEKYLL_PRETTY.sub("-", text).strip("-")
    return _JEKYLL_DEFAULT.sub("-", text).strip("-").lower()


def jekyll_path(page: Page, style: str = "date", collection: str = "posts",
                folder_categories: tuple[str, ...] = ()) -> str:
    """The path Jekyll gives ``page``, a post (or a document of ``collection``), under
    the site's ``permalink`` (a style's name or a pattern); front matter ``permalink``
    wins. ``:title`` is front matter ``slug`` or the file name after its date."""
    pattern = page.text("permalink") or JEKYLL_STYLES.get(style, style)
    if collection != "posts" and not page.text("permalink") and style in JEKYLL_STYLES:
        pattern = "/:collection/:path:output_ext"
    date = page.date
    stem = PurePosixPath(page.path).stem
    name_title = re.sub(r"^\d{4}-\d{1,2}-\d{1,2}-", "", stem)
    slug = page.text("slug") or name_title
    cats = [c.lower() for c in dict.fromkeys([*folder_categories, *categories(page)])]
    values = {
        "year": lambda: f"{date.year:04d}" if date else "",
        "short_year": lambda: f"{date.year % 100:02d}" if date else "",
        "month": lambda: f"{date.month:02d}" if date else "",
        "i_month": lambda: str(date.month) if date else "",
        "day": lambda: f"{date.day:02d}" if date else "",
        "i_day": lambda: str(date.day) if date else "",
        "y_day": lambda: f"{date.timetuple().tm_yday:03d}" if date else "",
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
        "output_ext": lambda: ".html",
    }
    path = _JEKYLL_TOKEN.sub(lambda m: values[m.group(1)](), pattern)
    if page.text("permalink"):
        return literal_path(path)
    return clean_path(path)


# --- Eleventy ---------------------------------------------------------------------------

_ELEVENTY_PAGE_VALUE = re.compile(r"\{\{\s*page\.(fileSlug|filePathStem)\s*\}\}")


def _eleventy_value(page: Page, name: str) -> str:
    """Eleventy's ``page.fileSlug`` (the file name less a leading date, the folder's name
    for an index file) or ``page.filePathStem`` (the path less its extension)."""
    if name == "filePathStem":
        return "/" + str(PurePosixPath(page.path).with_suffix(""))
    return re.sub(r"^\d{4}-\d{2}-\d{2}-", "", page.name)


def eleventy_path(page: Page) -> str | None:
    """The path Eleventy gives ``page``: front matter ``permalink`` when it is a plain
    path; else the file's path under the input folder as folders, ``index`` the folder's
    own page. In a permalink, ``{{ page.fileSlug }}`` and ``{{ page.filePathStem }}`` are
    filled in; None for one that needs more of a template (``{{ title | slugify }}``),
    which only Eleventy can fill in."""
    given = page.text("permalink")
    if given:
        given = _ELEVENTY_PAGE_VALUE.sub(lambda m: _eleventy_value(page, m.group(1)), given)
        if "{{" in given or "{%" in given:
            return None
        return literal_path(given)
    parts = list(page.folders)
    if not page.is_index:
        parts.append(PurePosixPath(page.path).stem)
    elif PurePosixPath(page.path).parts[:-1]:
        parts.append(page.name)
    return clean_path("/".join(parts) + "/")
