"""A report's range and grouping as people type them: `2026-11-01`, ISO 8601 instants, `week`.

A date is a day of the ISP's calendar: as ``from`` it starts the range at the day's first
instant, as ``to`` it ends it with the day (the range is half-open, ``[from, to)``, so ``to``
is the next day's first instant). An instant without an offset is read in the ISP's timezone.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo

from lia_core.errors import ValidationError
from lia_core.reports.model import GroupBy

__all__ = ["DEFAULT_DAYS", "parse_bound", "parse_group_by", "parse_range"]

DEFAULT_DAYS = 30
"""Without ``from``, a report covers the 30 days that end with ``to`` (default: today)."""
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day_start(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


def parse_bound(raw: str, zone: tzinfo, *, field: str, end: bool) -> datetime:
    """*raw* (``YYYY-MM-DD`` or an ISO 8601 instant) as an aware instant; *end*: ``to``'s reading.

    Raises ValidationError naming *field* when *raw* is neither.
    """
    text = raw.strip()
    try:
        if _DATE.fullmatch(text):
            day = date.fromisoformat(text)
            return _day_start(day + timedelta(days=1) if end else day, zone)
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            f"{field} must be a date (YYYY-MM-DD) or an ISO 8601 instant, not {raw!r}",
            field=field,
        ) from None
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=zone)


def parse_range(
    start: str | None, end: str | None, zone: tzinfo, *, now: datetime
) -> tuple[datetime, datetime]:
    """``[from, to)`` from what was typed; blanks: to = the end of today, from = 30 days before.

    Raises ValidationError naming ``from`` or ``to`` for a bad bound, ``from`` when it is not
    before ``to``.
    """
    today = now.astimezone(zone).date()
    upper = (
        parse_bound(end, zone, field="to", end=True)
        if end and end.strip()
        else _day_start(today + timedelta(days=1), zone)
    )
    lower = (
        parse_bound(start, zone, field="from", end=False)
        if start and start.strip()
        else upper - timedelta(days=DEFAULT_DAYS)
    )
    if lower >= upper:
        raise ValidationError(
            f"from ({lower.isoformat()}) must be before to ({upper.isoformat()})", field="from"
        )
    return lower, upper


def parse_group_by(raw: str | None) -> GroupBy | None:
    """The grouping called *raw* (blank: none); else ValidationError naming ``group_by``."""
    if raw is None or not raw.strip():
        return None
    try:
        return GroupBy(raw.strip().lower())
    except ValueError:
        names = ", ".join(g.value for g in GroupBy)
        raise ValidationError(
            f"unknown grouping {raw!r}; use one of {names}", field="group_by"
        ) from None
