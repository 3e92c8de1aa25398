"""Minute-by-minute oracles for the SLA clock, written without the calendar's index."""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
from hypothesis import settings

from lia_core.sla import BusinessCalendar

PROPERTIES = settings(max_examples=settings().max_examples * 3 // 2)
"""1.5x the examples of the project profile (tests/conftest.py), whose other settings apply."""

MINUTE = timedelta(minutes=1)


@functools.cache
def _package_days(country: str, subdiv: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdiv, years=year))


def is_working_minute(calendar: BusinessCalendar, at: datetime) -> bool:
    """Whether the minute starting at *at* is working time, read from local wall time."""
    local = at.astimezone(ZoneInfo(calendar.timezone))
    day = local.date()
    rules = calendar.holidays
    if day in rules.custom:
        return False
    if rules.country is not None:
        for subdiv in rules.subdivisions or (None,):
            if day in _package_days(rules.country, subdiv, day.year):
                return False
    minute = local.hour * 60 + local.minute
    return any(s.start <= minute < s.end for s in calendar.hours.days[day.weekday()])


def count_minutes(calendar: BusinessCalendar, start: datetime, end: datetime) -> int:
    """Working minutes in [start, end), counted one by one."""
    count = 0
    at = start
    while at < end:
        count += is_working_minute(calendar, at)
        at += MINUTE
    return count


def add_minutes(
    calendar: BusinessCalendar, start: datetime, minutes: int, *, limit: int
) -> datetime | None:
    """The end of the *minutes*-th working minute from *start*, or None within *limit* minutes."""
    at = start
    left = minutes
    for _ in range(limit):
        if is_working_minute(calendar, at):
            left -= 1
            if left == 0:
                return at + MINUTE
        at += MINUTE
    return None
