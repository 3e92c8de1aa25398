"""Calendar edges: measure_and_add against the two lookups it replaces, where a shift opens and closes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from lia_core.errors import DomainError, ValidationError
from lia_core.sla import BusinessCalendar, HolidayRules, WeeklyHours

HOUR = 3600.0
MONDAY_9 = datetime(2026, 5, 4, 12, 0, tzinfo=UTC).timestamp()  # 09:00 in São Paulo


def _office() -> BusinessCalendar:
    """A fresh calendar (its index empty), Monday to Friday 08:00-18:00 in São Paulo."""
    return BusinessCalendar(hours=WeeklyHours.of({d: "08:00-18:00" for d in range(5)}))


def _both(start: float, end: float, seconds: float) -> tuple[float, float]:
    """The answer of the two separate lookups, each on its own fresh calendar."""
    return _office().business_seconds(start, end), _office().add_seconds(start, seconds)


CASES = [
    pytest.param(0.0, 2 * HOUR, HOUR, id="due-inside-the-measured-span"),
    pytest.param(0.0, HOUR, 5 * HOUR, id="due-after-the-measured-span"),
    pytest.param(0.0, 9 * HOUR, 9 * HOUR, id="due-exactly-at-the-end"),
    pytest.param(0.0, 9 * HOUR, 0.0, id="zero-seconds-is-due-at-once"),
    pytest.param(0.0, 9 * HOUR, -HOUR, id="negative-seconds-is-due-at-once"),
    pytest.param(HOUR, HOUR, HOUR, id="empty-span"),
    pytest.param(2 * HOUR, HOUR, HOUR, id="end-before-start"),
    pytest.param(0.0, 30 * 24 * HOUR, 3 * 2600 * HOUR, id="due-years-after-the-table"),
    pytest.param(-13 * HOUR, 24 * HOUR, 12 * HOUR, id="start-outside-working-hours"),
]


@pytest.mark.parametrize(("start", "end", "seconds"), CASES)
def test_measure_and_add_equals_the_two_lookups_on_a_fresh_calendar(
    start: float, end: float, seconds: float
) -> None:
    """On a calendar with nothing cached, the pair equals business_seconds and add_seconds."""
    got = _office().measure_and_add(MONDAY_9 + start, MONDAY_9 + end, seconds)
    assert got == _both(MONDAY_9 + start, MONDAY_9 + end, seconds)


@pytest.mark.parametrize(("start", "end", "seconds"), CASES)
def test_measure_and_add_equals_the_two_lookups_on_a_warm_calendar(
    start: float, end: float, seconds: float
) -> None:
    """After other lookups filled the index (years around now), the answer is the same."""
    calendar = _office()
    calendar.add_seconds(MONDAY_9, 2 * 2600 * HOUR)
    got = calendar.measure_and_add(MONDAY_9 + start, MONDAY_9 + end, seconds)
    assert got == _both(MONDAY_9 + start, MONDAY_9 + end, seconds)


def test_measure_and_add_counts_working_time_only() -> None:
    """Monday 09:00 + 10 working hours is Tuesday 09:00; Monday 09:00 to 19:00 is 9 hours."""
    measured, due = _office().measure_and_add(MONDAY_9, MONDAY_9 + 10 * HOUR, 10 * HOUR)
    assert measured == 9 * HOUR
    assert due == MONDAY_9 + 24 * HOUR


@given(
    start=st.floats(-400 * 24 * HOUR, 400 * 24 * HOUR),
    length=st.floats(-HOUR, 60 * 24 * HOUR),
    seconds=st.floats(-HOUR, 3000 * HOUR),
)
@example(start=0.0, length=HOUR, seconds=9 * HOUR)
def test_measure_and_add_equals_the_two_lookups(
    start: float, length: float, seconds: float
) -> None:
    """Any span and any target: the single lookup agrees with the two it replaces."""
    got = _office().measure_and_add(MONDAY_9 + start, MONDAY_9 + start + length, seconds)
    assert got == _both(MONDAY_9 + start, MONDAY_9 + start + length, seconds)


def test_a_shift_is_open_from_its_first_instant_to_just_before_its_end() -> None:
    """08:00 is open, 17:59:59 is open, 18:00 itself is closed (the end is excluded)."""
    office = _office()
    monday_8 = datetime.fromtimestamp(MONDAY_9 - HOUR, UTC)
    assert office.is_open(monday_8)
    assert office.is_open(monday_8 + timedelta(hours=10, seconds=-1))
    assert not office.is_open(monday_8 + timedelta(hours=10))


def _mondays(first: date, last: date) -> int:
    """Mondays from *first* to *last*, both included, counted one by one."""
    return sum((first + timedelta(days=d)).weekday() == 0 for d in range((last - first).days + 1))


WEEKLY_MINUTE = BusinessCalendar(hours=WeeklyHours.of({0: "00:00-00:01"}), timezone="UTC")
"""One working minute a week (Monday 00:00 UTC): years of business time cost little to build."""
NEW_YEAR = datetime(2026, 1, 1, tzinfo=UTC)
TOO_FAR = "no business time found within 50 years"


def test_a_due_time_fifty_years_ahead_is_found_and_one_minute_more_is_refused() -> None:
    """The search covers the start's year to 51 years on (the last year's neighbour included)."""
    fits = _mondays(date(2026, 1, 1), date(2077, 12, 31))
    due = _weekly_minute().add_seconds(NEW_YEAR.timestamp(), fits * 60.0)
    assert datetime.fromtimestamp(due, UTC) == datetime(2077, 12, 27, 0, 1, tzinfo=UTC)
    with pytest.raises(DomainError) as caught:
        _weekly_minute().add_seconds(NEW_YEAR.timestamp(), (fits + 1) * 60.0)
    assert str(caught.value) == TOO_FAR


def test_business_time_is_measured_over_fifty_years_but_not_fifty_one() -> None:
    """Measuring from 2026 into 2076 works; into 2077 the span is refused."""
    end = datetime(2076, 12, 31, tzinfo=UTC).timestamp()
    measured = _weekly_minute().business_seconds(NEW_YEAR.timestamp(), end)
    assert measured == _mondays(date(2026, 1, 1), date(2076, 12, 30)) * 60.0
    with pytest.raises(DomainError) as caught:
        _weekly_minute().business_seconds(NEW_YEAR.timestamp(), end + 86_400.0)
    assert str(caught.value) == TOO_FAR


def _weekly_minute() -> BusinessCalendar:
    """A fresh copy of WEEKLY_MINUTE (its index empty)."""
    return BusinessCalendar(hours=WEEKLY_MINUTE.hours, timezone="UTC")


def _mondays_off(*kept: date) -> BusinessCalendar:
    """Mondays 08:00-18:00 UTC with every Monday of 2025-2027 a holiday except *kept*."""
    mondays = {date(2025, 1, 6) + timedelta(weeks=w) for w in range(3 * 53)} - set(kept)
    return BusinessCalendar(
        hours=WeeklyHours.of({0: "08:00-18:00"}),
        timezone="UTC",
        holidays=HolidayRules(custom=frozenset(d for d in mondays if d.year <= 2027)),
    )


@pytest.mark.parametrize(
    ("kept", "start"),
    [
        ((), datetime(2026, 3, 2, 9, tzinfo=UTC)),
        ((date(2026, 5, 4),), datetime(2026, 3, 2, 9, tzinfo=UTC)),
        ((date(2026, 5, 4),), datetime(2026, 6, 1, 9, tzinfo=UTC)),
    ],
    ids=["no-working-day", "one-working-day-ahead", "one-working-day-behind"],
)
def test_measure_and_add_looks_beyond_years_with_little_or_no_working_time(
    kept: tuple[date, ...], start: datetime
) -> None:
    """Three years with at most one working day: the due time is found in a later year."""
    begin = start.timestamp()
    end = begin + 100 * 86_400.0
    pair = _mondays_off(*kept).measure_and_add(begin, end, 20 * HOUR)
    assert pair == (
        _mondays_off(*kept).business_seconds(begin, end),
        _mondays_off(*kept).add_seconds(begin, 20 * HOUR),
    )
    assert pair[0] == (10 * HOUR if kept and start.month < 5 else 0.0)
    assert datetime.fromtimestamp(pair[1], UTC).year == 2028


def test_zero_seconds_from_outside_working_hours_is_due_at_once() -> None:
    """Nothing to count is due at the start itself, even on a Sunday night."""
    sunday_night = MONDAY_9 - 13 * HOUR
    office = _office()
    assert office.add_seconds(sunday_night, 0.0) == sunday_night
    assert office.measure_and_add(sunday_night, MONDAY_9, 0.0) == (HOUR, sunday_night)


def test_the_fifty_years_are_counted_in_the_calendars_own_years() -> None:
    """From New Year's Eve 23:00 in São Paulo (2027 in UTC): 2026 is the first year counted."""
    calendar = BusinessCalendar(hours=WEEKLY_MINUTE.hours, timezone="America/Sao_Paulo")
    eve = datetime(2027, 1, 1, 2, 0, tzinfo=UTC).timestamp()  # 2026-12-31 23:00 local
    with pytest.raises(DomainError):
        calendar.business_seconds(eve, datetime(2077, 6, 1, tzinfo=UTC).timestamp())


def test_back_to_back_shifts_are_accepted() -> None:
    """A shift may start the minute the previous one ends (08:00-12:00 then 12:00-18:00)."""
    split = WeeklyHours.of({0: "08:00-12:00,12:00-18:00"})
    assert BusinessCalendar(hours=split).business_seconds(MONDAY_9, MONDAY_9 + 9 * HOUR) == 9 * HOUR


def _union_seconds(intervals: tuple[tuple[datetime, datetime], ...]) -> float:
    """The length of the union of *intervals*: each instant counted once."""
    total, reached = 0.0, None
    for a, b in sorted(intervals):
        if reached is not None and a < reached:
            a = reached
        if b > a:
            total += (b - a).total_seconds()
            reached = b
    return total


def test_shifts_that_overlap_across_a_dst_gap_are_counted_once() -> None:
    """São Paulo, 2018-11-04, clocks jump 00:00 -> 01:00: 00:00-00:45 and 01:00-01:30 land on the
    same UTC instants; each instant counts once, and the shift after them still counts."""
    calendar = BusinessCalendar(hours=WeeklyHours.of({6: "00:00-00:45,01:00-01:30,02:00-03:00"}))
    day = date(2018, 11, 4)
    intervals = calendar.working_intervals(day)
    start = datetime(2018, 11, 4, tzinfo=UTC).timestamp()
    measured = calendar.business_seconds(start, start + 86_400.0)
    assert measured == _union_seconds(intervals) == 105 * 60.0


@pytest.mark.parametrize(
    ("rules", "told"),
    [
        ({"country": "BR", "subdivisions": ("XX",)}, "Entity `BR` does not have subdivision XX"),
        ({"country": "ZZ"}, "Country ZZ not available"),
    ],
)
def test_unknown_holiday_regions_are_refused_naming_holidays(
    rules: dict[str, object], told: str
) -> None:
    """A country or subdivision the holidays package lacks: its own words, field holidays."""
    with pytest.raises(ValidationError) as caught:
        HolidayRules(**rules)  # type: ignore[arg-type]
    assert (str(caught.value), caught.value.field) == (told, "holidays")


def test_the_next_opening_is_found_up_to_fifty_years_ahead() -> None:
    """Every Monday a holiday until the end of 2076: the next opening is the first Monday of 2077."""
    first_monday = date(2026, 1, 5)
    days_off = frozenset(first_monday + timedelta(weeks=w) for w in range(53 * 51))
    calendar = BusinessCalendar(
        hours=WEEKLY_MINUTE.hours,
        timezone="UTC",
        holidays=HolidayRules(custom=frozenset(d for d in days_off if d.year <= 2076)),
    )
    assert calendar.next_opening(NEW_YEAR) == datetime(2077, 1, 4, tzinfo=UTC)


def test_a_due_time_on_the_last_day_of_the_search_is_found() -> None:
    """Working one minute each Friday: the last Friday searched, 2077-12-31, can still be due."""
    fridays = BusinessCalendar(hours=WeeklyHours.of({4: "00:00-00:01"}), timezone="UTC")
    count = sum(
        (date(2026, 1, 1) + timedelta(days=d)).weekday() == 4
        for d in range((date(2077, 12, 31) - date(2026, 1, 1)).days + 1)
    )
    due = fridays.add_seconds(NEW_YEAR.timestamp(), count * 60.0)
    assert datetime.fromtimestamp(due, UTC) == datetime(2077, 12, 31, 0, 1, tzinfo=UTC)
