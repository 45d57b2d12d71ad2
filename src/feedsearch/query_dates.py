"""Dates as a person types them in a query or a filter (``2019``, ``2019-05``,
``2019-05-03``), as bounds. Apart from the query parser so that ``list`` can filter by date
without loading Whoosh."""

from __future__ import annotations

import calendar
import re
from datetime import datetime

EARLIEST = datetime(1000, 1, 1)
LATEST = datetime(9999, 12, 31, 23, 59, 59)
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class QueryError(ValueError):
    """The query text cannot be understood."""


def date_bounds(text: str) -> tuple[datetime, datetime]:
    """``2019`` -> all of 2019; ``2019-05`` -> May 2019; ``2019-05-03`` -> that day."""
    match = _PARTIAL_DATE.match(text.strip())
    if not match:
        raise QueryError(f"not a date: {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if month is None:
            return datetime(year, 1, 1), datetime(year, 12, 31, 23, 59, 59)
        last = calendar.monthrange(year, month)[1]
        if day is None:
            return datetime(year, month, 1), datetime(year, month, last, 23, 59, 59)
        return datetime(year, month, day), datetime(year, month, day, 23, 59, 59)
    except ValueError as exc:
        raise QueryError(f"not a date: {text!r} ({exc})") from exc


def span(since: str | None, until: str | None) -> tuple[datetime, datetime]:
    """The first and last moment (naive UTC) from ``since`` to ``until``; an open side
    reaches the earliest or latest date there is."""
    start = date_bounds(since)[0] if since else EARLIEST
    end = date_bounds(until)[1] if until else LATEST
    if start > end:
        raise QueryError(f"the date range {since} to {until} is empty")
    return start, end
