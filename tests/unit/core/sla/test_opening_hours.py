"""Opening hours: whether a calendar is open at an instant, when it next opens, long closures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from lia_core.sla import BusinessCalendar, HolidayRules, WeeklyHours
from lia_core.testing.sla import business_calendars, instants

from .oracle import PROPERTIES, is_working_minute

MINUTE = timedelta(minutes=1)
SPAN = 3 * 24 * 60


@PROPERTIES
@given(business_calendars(), instants())
def test_is_open_agrees_with_the_minute_oracle(calendar: BusinessCalendar, at: datetime) -> None:
    """A calendar is open at a whole minute exactly when that minute is working time."""
    assert calendar.is_open(at) == is_working_minute(calendar, at)


@PROPERTIES
@given(business_calendars(), instants(), st.integers(0, 59))
def test_next_opening_is_the_first_working_instant(
    calendar: BusinessCalendar, at: datetime, seconds: int
) -> None:
    """next_opening is the instant itself when open, else the first working minute after it."""
    at += timedelta(seconds=seconds)
    opening = calendar.next_opening(at)
    assert opening >= at
    assert calendar.is_open(opening)
    minute = at.replace(second=0) + (MINUTE if seconds else timedelta(0))
    if calendar.is_open(at):
        assert opening == at
        return
    for _ in range(SPAN):
        if is_working_minute(calendar, minute):
            assert opening == minute
            return
        minute += MINUTE
    assert opening > minute


def test_a_closure_longer_than_the_calendar_index_is_walked_past() -> None:
    """Three years of Mondays off (the only working day) push the due time to the next Monday."""
    mondays = {date(2026, 1, 5) + timedelta(weeks=w) for w in range(3 * 53)}
    calendar = BusinessCalendar(
        hours=WeeklyHours.of({0: "08:00-09:00"}),
        timezone="UTC",
        holidays=HolidayRules(custom=frozenset(mondays)),
    )
    start = datetime(2027, 6, 1, tzinfo=UTC)
    first_open_monday = max(mondays) + timedelta(weeks=1)
    expected = datetime.combine(first_open_monday, datetime.min.time(), UTC) + timedelta(hours=8)
    assert calendar.add_business_time(start, timedelta(minutes=30)) == expected + 30 * MINUTE
    assert calendar.next_opening(start) == expected
    assert not calendar.is_open(start)


@settings(max_examples=settings().max_examples // 5)  # each example indexes ~20 years of days
@given(
    business_calendars(),
    instants(),
    instants(
        min_value=datetime(2070, 1, 1, tzinfo=UTC), max_value=datetime(2079, 12, 31, tzinfo=UTC)
    ),
    st.integers(1, 3 * 24 * 60),
)
def test_answers_do_not_depend_on_earlier_calls(
    calendar: BusinessCalendar, near: datetime, far: datetime, minutes: int
) -> None:
    """A calendar that answered about 2020s first answers about 2070s as a fresh one does."""
    fresh = BusinessCalendar(
        hours=calendar.hours, timezone=calendar.timezone, holidays=calendar.holidays
    )
    duration = timedelta(minutes=minutes)
    calendar.add_business_time(near, duration)
    assert calendar.next_opening(far) == fresh.next_opening(far)
    assert calendar.add_business_time(far, duration) == fresh.add_business_time(far, duration)
    assert calendar.add_business_time(near, duration) == fresh.add_business_time(near, duration)
