"""HTML pages saved from a blog: the essay's body without the site around it."""

from __future__ import annotations

import re
import warnings
from copy import deepcopy
from datetime import date, datetime, time

from bs4 import BeautifulSoup, Tag, XMLParsedAsHTMLWarning

from ..model import Document
from ..urls import parses, web_url
from .base import Reader, SourceFile
from .decode import declared_charset, decode
from .errors import ReadError
from .extract import extract, parse_page
from .furniture import FURNITURE_CLASS
from .htmlmeta import article_element, page_meta
from .htmltext import checked_depth, first_paragraph, html_to_text
from .meta import date_in_url, dated_name_fix, shorten, slugify, to_datetime, undated_warning
from .registry import register

# Where blog platforms put the essay, most specific first.
_BODY_SELECTORS = (
    '[itemprop="articleBody"]', ".entry-content", ".post-content", ".article-content",
    ".gh-content", ".available-content", ".post-body", ".blog-item-content",
    "article .sqs-layout", "article", '[role="main"]', "main",
)
_DROP_TAGS = ("script", "style", "noscript", "template", "form", "nav", "aside", "footer",
              "header", "button", "iframe", "svg", "input", "select", "textarea", "link", "meta")


# htmldate ignores dates after its max_date, by default today: a fixed one keeps what a page
# gives the same whatever the day it is read (a date in the future is the build's to judge).
_LATEST_DAY = "2999-12-31"


@register
class HTMLReader(Reader):
    extensions = (".html", ".htm", ".xhtml")

    def decode(self, data: bytes) -> str:
        return decode(data, declared_charset(data))

    def parse(self, source: SourceFile) -> Document:
        root = parse_page(source.text)
        meta = page_meta(root, article_element(root))
        html, text = extract(root, meta.title)
        if not text:  # trafilatura found nothing: the platforms' own containers
            with warnings.catch_warnings():  # XML saved as .html is still read as a page
                warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
                body = _main_body(_shallow(BeautifulSoup(source.text, "lxml")))
            if body is not None:
                _strip_furniture(body, meta.title)
                html = body.decode_contents().strip()
                text = html_to_text(html)
        if not text:
            raise ReadError("no body text found in the page")

        name_date, name_slug = source.name_date_and_slug()
        # A relative canonical URL still names the essay; a broken one ("http://[::1") not.
        named = meta.url if meta.url and parses(meta.url) else None
        date, updated = self._date(source, meta.date), self._date(source, meta.updated)
        date = published_date(date, root, named, source.default_tz)
        if not meta.authors:
            meta.authors = their_authors(root)
        if date is None:
            fallback = date_in_url(named or "") or name_date
            date = to_datetime(fallback, source.default_tz) if fallback else None
        if date is None:
            source.warn(undated_warning("no published date in the page, its URL or its "
                                        "file name",
                                        "add <time datetime=\"YYYY-MM-DD\"> to the page "
                                        + dated_name_fix(source.relpath)))
        title = meta.title
        if not title:
            title = source.stem
            source.warn("no title in the page; using the file name")
        return Document(
            slug=name_slug if not named else (_url_slug(named) or name_slug),
            title=title,
            source=source.relpath,
            html=html,
            text=text,
            date=date,
            updated=updated,
            authors=meta.authors,
            tags=meta.tags,
            summary=shorten(meta.summary or first_paragraph(text)),
            url=web_url(named),
        )

    @staticmethod
    def _date(source: SourceFile, value: str | None):
        try:
            return to_datetime(value, source.default_tz)
        except ValueError as exc:
            source.warn(f"{exc}; ignored")
            return None


def published_date(ours: datetime | None, root, url: str | None,
                   default_tz) -> datetime | None:
    """The published date. htmldate's original date is right on more real pages than the
    markup we read (bench/page_metadata.py); ours stands (with its time of day, which keeps
    a feed's order within a day) where htmldate's original or newest date agrees with it.
    (On a page that declares only when it was modified, htmldate's date may be that day.)

    htmldate's search of the text makes January 1 of any bare year it meets ("Copyright
    2019", "in 2003"): such a day is taken only where its search of the markup alone
    finds it too, so an undated page is not dated by a year its text mentions."""
    first = _htmldate(root, url, original=True)
    if first is None or (ours is not None and ours.date() == first):
        return ours
    if ours is not None and ours.date() == _htmldate(root, url, original=False):
        return ours
    return datetime.combine(first, time(), default_tz)


def _htmldate(root, url: str | None, original: bool) -> date | None:
    day = _find_date(root, url, original, extensive=True)
    if day is None or (day.month, day.day) != (1, 1):
        return day
    return _find_date(root, url, original, extensive=False)  # the markup's own January 1


def _find_date(root, url: str | None, original: bool, extensive: bool) -> date | None:
    import htmldate

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = htmldate.find_date(deepcopy(root), extensive_search=extensive,
                                       original_date=original, url=url, max_date=_LATEST_DAY)
        return date.fromisoformat(found) if found else None
    except Exception:  # its failure on a strange page is not the page's problem
        return None


def their_authors(root) -> list[str]:
    """The authors trafilatura's metadata finds (bylines, author links and markup we do
    not read), for a page where ours found none."""
    import trafilatura

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = trafilatura.extract_metadata(deepcopy(root))
    except Exception:  # its failure on a strange page is not the page's problem
        return []
    return [name.strip() for name in (found.author or "").split(";") if name.strip()]


def _shallow(soup: BeautifulSoup) -> BeautifulSoup:
    """``soup``, once it is known to nest at most MAX_DEPTH deep: its tree is not capped
    as lxml's is, and searching it costs its size times its depth (else ReadError)."""
    return checked_depth(soup, lambda tag: (c for c in tag.contents if isinstance(c, Tag)))


def _main_body(soup: BeautifulSoup) -> Tag | None:
    for selector in _BODY_SELECTORS:
        found = soup.select_one(selector)
        if found is not None and found.get_text(strip=True):
            return found
    return soup.body


def _strip_furniture(body: Tag, title: str) -> None:
    for element in body.find_all(_DROP_TAGS):
        element.decompose()
    for element in body.find_all(True):
        if element.decomposed:
            continue
        marks = " ".join(element.get("class") or []) + " " + (element.get("id") or "")
        if FURNITURE_CLASS.search(marks):
            element.decompose()
    heading = body.find("h1")
    if heading is not None and heading.get_text(" ", strip=True) == title:
        heading.decompose()


def _url_slug(url: str) -> str:
    path = re.sub(r"[?#].*$", "", url).rstrip("/")
    last = path.rsplit("/", 1)[-1]
    return slugify(re.sub(r"\.html?$", "", last))
