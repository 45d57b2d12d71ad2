"""Lines of an essay copied out of a browser: which are the page's and which the essay's.

The rules are data (data/text_copies.toml: per platform and language, the lines that end an
essay, navigation and counts, and bylines); this module compiles them for an archive's
language and tells, line by line, what a line is. Dates are read with ``dateparser`` in
the archive's language and English, whole-line only and never relative ("ten years ago"),
so a sentence of the essay is never taken for a date.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import cache, lru_cache
from importlib import resources

_DATA = "text_copies.toml"
# A year (1800-2999), or a numeric date such as 3/3/24: what a whole-line date must hold.
_MAY_BE_DATE = re.compile(r"(?<!\d)(1[89]\d\d|2\d\d\d)(?!\d)|\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.+\-Z ]*)?")
_NAME_WORD = re.compile(r"^(?:[A-ZÀ-ÞĀ-ſ][\w.'’\-]*|de|da|di|du|del|della|der|den|van|von|le|la"
                        r"|y|e|and|&|al|bin|ibn|[A-Z]\.)$")
_PARTS = re.compile(r"\s+[·•|∙/]\s+")  # the separators of a byline's parts
# Words a title has and a name has not.
_TITLE_WORDS = frozenset("the a an of on in to for my our your why how what when with at from "
                         "is are was not no about into after before".split())
_SLUG_TAG = re.compile(r"[a-z0-9][a-z0-9\-_]*")
_SENTENCE_END = (".", "!", "?", "…", ":", ";", ",", '"', "”", "»")
TITLE_WORDS = 30  # a line of more words is the essay's prose, whatever its punctuation


class Kind(Enum):
    """What one line of a copy is."""

    END = "end"  # the page after the essay begins
    FURNITURE = "furniture"  # navigation, buttons, counts
    BYLINE = "byline"  # a date and/or author
    DATE = "date"  # a date, alone on its line
    SHORT = "short"  # a title-like line: a title, subtitle, name, heading
    PROSE = "prose"  # a sentence of the essay


@dataclass(frozen=True)
class Byline:
    date: date | None = None
    author: str | None = None


@dataclass(frozen=True)
class CopyRules:
    """The compiled rules for one language (with English's)."""

    end: re.Pattern
    furniture: re.Pattern
    bylines: tuple[re.Pattern, ...]
    languages: tuple[str, ...]

    def kind(self, line: str) -> Kind:
        text = normal(line)
        if self.end.fullmatch(text):
            return Kind.END
        if self.date_of(text) is not None:
            return Kind.DATE
        if self.byline(text) is not None:
            return Kind.BYLINE
        if self.furniture.fullmatch(text) or self._menu_row(text):
            return Kind.FURNITURE
        return Kind.SHORT if title_like(text) else Kind.PROSE

    def _menu_row(self, text: str) -> bool:
        """A menu on one line ("Home Now Blog", "Home | About | Contact"): every word a
        navigation word."""
        words = [word for word in re.split(r"[\s|·•∙/]+", text) if word]
        return len(words) >= 2 and len(words) <= 10 and all(
            self.furniture.fullmatch(word) and not word.isdigit() for word in words)

    def date_of(self, text: str) -> date | None:
        """The date a whole line (or part of a byline) is, or None."""
        text = normal(text).strip(" ,.·•|–—-")
        if match := _ISO_DATE.fullmatch(text):
            return _day(*(int(part) for part in match.groups()))
        if len(text.split()) > 8 or not _MAY_BE_DATE.search(text):
            return None  # (dateparser is asked only about a line that holds a year)
        return _parsed_date(text, self.languages)

    def byline(self, text: str) -> Byline | None:
        """The date and author a byline names; None when the line is no byline (every
        part a pattern names must be a date or a person's name)."""
        text = normal(text)
        for pattern in self.bylines:
            match = pattern.fullmatch(text)
            if match is None:
                continue
            found = match.groupdict()
            day = self.date_of(found["date"]) if found.get("date") else None
            author = found.get("author")
            if (found.get("date") and day is None) or (author and not person_name(author)):
                continue
            if day is not None or author:
                return Byline(day, normal(author) if author else None)
        return self._parts_byline(text)

    def _parts_byline(self, text: str) -> Byline | None:
        """A byline of parts ("By Ines Halloran · 2 min read · Jan 9, 2022"): every part
        a date, a byline, or navigation such as the reading time; at least one date or
        name among them."""
        parts = [part for part in _PARTS.split(text) if part.strip()]
        if len(parts) < 2:
            return None
        day, author = None, None
        for part in parts:
            found = self.byline(part) if not _PARTS.search(part) else None
            if (when := self.date_of(part)) is not None:
                day = day or when
            elif found is not None:
                day, author = day or found.date, author or found.author
            elif person_name(part) and 2 <= len(part.split()) <= 4 and "," not in part:
                author = author or normal(part)  # "2024-03-02 · 3 min · Deniz Okonkwo"
            elif not (self.furniture.fullmatch(normal(part)) or self.end.fullmatch(normal(part))
                      or tag_like(part)):
                return None
        return Byline(day, author) if day or author else None


def tag_like(text: str) -> bool:
    """A line of tags or category names ("Teaching, Literacy", "Winter Riding",
    "#repair #community"): a few words, each capitalised or a hashtag, and no sentence."""
    text = normal(text)
    words = text.replace(",", " ").split()
    if not (0 < len(words) <= 8 and title_like(text)):
        return False
    if all(word[0].isupper() or word[0] in "#&" or word[0].isdigit() for word in words):
        return True
    items = [item.strip() for item in text.split(",")]
    if len(items) >= 2:  # "beekeeping, first year, patience"
        return all(item and len(item.split()) <= 3 and item.islower() for item in items)
    return " " not in text and bool(_SLUG_TAG.fullmatch(text))  # "code-review"


def normal(line: str) -> str:
    return " ".join(line.split())


def title_like(text: str) -> bool:
    """A line that could be a title, subtitle, name or heading: not too long, and not
    ending as a sentence does (a question or exclamation may be a title)."""
    words = text.split()
    return 0 < len(words) <= TITLE_WORDS and not text.endswith(
        tuple(c for c in _SENTENCE_END if c not in "?!"))


def person_name(text: str) -> bool:
    """Looks like one to four people's names: "Dana Reyes", "Dana Reyes and Jo Park" (not
    a title in title case: "The Bedtime Negotiations", "Notes on Rain")."""
    words = normal(text).split()
    return 0 < len(words) <= 8 and not any(c.isdigit() for c in text) and \
        all(_NAME_WORD.match(word.strip(",")) for word in words) and words[0][0].isupper() \
        and not any(word.strip(",").lower() in _TITLE_WORDS for word in words)


@cache
def rules_for(language: str) -> CopyRules:
    """The rules for an archive in ``language`` ("en", "es"...): English's and its own."""
    tables = tomllib.loads(resources.files("feedsearch.data").joinpath(_DATA).read_text("utf-8"))
    wanted = ("en",) if language == "en" else ("en", language)
    chosen = [table[lang] for table in tables.values() for lang in wanted if lang in table]
    return CopyRules(
        end=_union(pattern for table in chosen for pattern in table.get("end", ())),
        furniture=_union(pattern for table in chosen for pattern in table.get("furniture", ())),
        bylines=tuple(re.compile(pattern, re.I) for table in chosen
                      for pattern in table.get("bylines", ())),
        languages=tuple(dict.fromkeys((language, "en"))),
    )


def _union(patterns) -> re.Pattern:
    """One pattern of many (their named groups, which only bylines read, made plain)."""
    plain = (re.sub(r"\(\?P<\w+>", "(?:", pattern) for pattern in patterns)
    return re.compile("|".join(f"(?:{pattern})" for pattern in plain) or "(?!)", re.I)


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=4096)  # a copy's bylines repeat across an archive; its sentences do not
def _parsed_date(text: str, languages: tuple[str, ...]) -> date | None:
    import dateparser  # its language data loads on first use: only for copies with dates

    supported = [lang for lang in languages if lang in _dateparser_languages()] or ["en"]
    found = dateparser.parse(text, languages=supported, settings={
        "STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"],
        "PARSERS": ["custom-formats", "absolute-time"]})
    return found.date() if found is not None else None


@cache
def _dateparser_languages() -> frozenset[str]:
    from dateparser.languages.loader import default_loader

    return frozenset(default_loader.get_locale_map().keys())
