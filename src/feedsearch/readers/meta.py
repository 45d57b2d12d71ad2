"""Small pure functions that turn loose metadata values into Document fields."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, tzinfo

from dateutil import parser as dateparser

from ..strings import slugify

__all__ = ["slugify"]  # re-exported: readers take their slugs from here

_FIRST_DAY = datetime(2000, 1, 1)
_FILENAME_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[-_ ]+(.+)$")
_URL_DATE = re.compile(r"/(\d{4})/(\d{2})/(\d{2})/")


# Every reader's warning for an essay with no date says this, and the fix for its format.
LEFT_OUT_OF_FEEDS = "searchable, but left out of the feeds"


def undated_warning(missing: str, fix: str) -> str:
    """The one warning for an essay with no date: where none was found, and how to give it
    one (``check`` lists these; ``--undated mtime`` dates such essays instead)."""
    return f"{missing}; {LEFT_OUT_OF_FEEDS}: {fix}"


def is_undated_warning(warning: str) -> bool:
    return LEFT_OUT_OF_FEEDS in warning


def dated_name_fix(relpath: str) -> str:
    """"name it 2024-03-05-<name>": the file name that would date the essay."""
    name = relpath.rsplit("/", 1)[-1]
    return f"or start its file name with the date (YYYY-MM-DD-{name})"


def split_dated_name(stem: str) -> tuple[date | None, str]:
    """``2018-06-11-grief`` -> (2018-06-11, ``grief``); other names -> (None, name)."""
    match = _FILENAME_DATE.match(stem)
    if not match:
        return None, stem
    year, month, day, rest = match.groups()
    try:
        return date(int(year), int(month), int(day)), rest
    except ValueError:
        return None, stem


def date_in_url(url: str) -> date | None:
    """The ``/YYYY/MM/DD/`` date that WordPress-style permalinks carry."""
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def to_datetime(value: object, default_tz: tzinfo = UTC) -> datetime | None:
    """A time-zone-aware datetime from a YAML/TOML value or a date string.

    Dates without a time become midnight; values without a zone get ``default_tz``.
    Raises ValueError for a value that is not a date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, time):
        raise ValueError(f"a time without a date: {value}")
    elif isinstance(value, (str, int, float)):
        text = str(value).strip()
        if not re.search(r"\d{4}", text):
            raise ValueError(f"not a date: {text!r}")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            try:
                # What a date leaves out ("2020", "June 2020") is the first month or
                # day, never today's: the same file gives the same date on any day.
                moment = dateparser.parse(text, default=_FIRST_DAY)
            except (ValueError, OverflowError) as exc:
                raise ValueError(f"not a date: {text!r}") from exc
    else:
        raise ValueError(f"not a date: {value!r}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=default_tz)
    try:  # every later stage converts to UTC; a date at the edge of time cannot be
        moment.astimezone(UTC).timestamp()
    except (OverflowError, ValueError) as exc:
        if moment.year >= 9999:  # past the end of time: the latest date there is
            return datetime.max.replace(microsecond=0, tzinfo=UTC)
        raise ValueError(f"date out of range: {value!r}") from exc
    return moment


def as_list(value: object) -> list[str]:
    """Tags or authors given as a list, or as one comma-separated string."""
    if value is None:
        return []
    if isinstance(value, (set, frozenset, dict)):  # YAML !!set, or a mapping: its keys
        value = sorted(str(item) for item in value)
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    # Words and numbers are labels; a null, a yes/no or a nested list or mapping is not.
    labels = [item for item in items if isinstance(item, (str, int, float))
              and not isinstance(item, bool)]
    return [" ".join(str(item).split()) for item in labels if str(item).strip()]


def unique(items: list[str]) -> list[str]:
    """Drop repeats, ignoring case, keeping the first spelling and the order."""
    seen: set[str] = set()
    kept = []
    for item in items:
        key = item.casefold()
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def first_of(mapping: dict, *keys: str) -> object:
    """The first non-empty value among ``keys``."""
    for key in keys:
        value = mapping.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def shorten(text: str, limit: int = 300) -> str:
    """Cut ``text`` at a word boundary, with an ellipsis when anything was cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.-—")
    return cut + "…"
