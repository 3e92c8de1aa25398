"""Business calendars: due times and elapsed time agree with a minute-by-minute oracle."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.errors import DomainError, ValidationError
from lia_core.sla import BusinessCalendar, HolidayRules, Shift, WeeklyHours
from lia_core.testing.sla import business_calendars, instants

from .oracle import PROPERTIES, add_minutes, count_minutes, is_working_minute

SPAN = 3 * 24 * 60
"""Oracle spans stay within three days of minutes."""
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
OFFICE = WeeklyHours.of({d: "08:00-12:00,13:00-18:00" for d in range(5)} | {5: "08:00-12:00"})


@PROPERTIES
@given(business_calendars(), instants(), st.integers(1, SPAN))
def test_due_time_agrees_with_the_minute_oracle(
    calendar: BusinessCalendar, start: datetime, minutes: int
) -> None:
    """add_business_time ends where counting working minutes one by one ends."""
    due = calendar.add_business_time(start, timedelta(minutes=minutes))
    expected = add_minutes(calendar, start, minutes, limit=SPAN)
    if expected is None:
        assert due > start + timedelta(minutes=SPAN)
        assert count_minutes(calendar, start, start + timedelta(minutes=SPAN)) < minutes
    else:
        assert due == expected


@PROPERTIES
@given(business_calendars(), instants(), st.integers(0, SPAN))
def test_elapsed_time_agrees_with_the_minute_oracle(
    calendar: BusinessCalendar, start: datetime, minutes: int
) -> None:
    """business_time counts exactly the working minutes of the span."""
    end = start + timedelta(minutes=minutes)
    assert calendar.business_time(start, end) == timedelta(
        minutes=count_minutes(calendar, start, end)
    )


@PROPERTIES
@given(business_calendars(), instants(), st.integers(1, 40 * 24 * 60))
def test_adding_then_measuring_gives_the_duration_back(
    calendar: BusinessCalendar, start: datetime, minutes: int
) -> None:
    """The working time between a start and its due time is the duration asked for."""
    due = calendar.add_business_time(start, timedelta(minutes=minutes))
    assert calendar.business_time(start, due) == timedelta(minutes=minutes)


@PROPERTIES
@given(st.dates(date(2020, 1, 1), date(2029, 12, 31)))
def test_sao_paulo_days_keep_their_length(day: date) -> None:
    """America/Sao_Paulo has no DST since 2019: every working day lasts exactly its shifts."""
    calendar = BusinessCalendar(hours=WeeklyHours.always(), timezone="America/Sao_Paulo")
    ((start, end),) = calendar.working_intervals(day)
    assert end - start == timedelta(days=1)
    assert start.astimezone(SAO_PAULO).utcoffset() == timedelta(hours=-3)


@PROPERTIES
@given(st.integers(2020, 2029), st.sampled_from([(), ("RJ",), ("SP", "São Paulo Capital")]))
def test_holidays_have_no_working_time(year: int, subdivisions: tuple[str, ...]) -> None:
    """No working interval falls on a national, state or city holiday."""
    rules = HolidayRules(country="BR", subdivisions=subdivisions)
    calendar = BusinessCalendar(hours=WeeklyHours.always(), holidays=rules)
    for day in rules.dates(year):
        assert calendar.working_intervals(day) == ()
        assert not calendar.is_working_day(day)


def test_rio_state_holidays_are_days_off() -> None:
    """Tiradentes (national) and São Jorge (RJ, 23 April) are off in a Rio calendar."""
    rules = HolidayRules(country="BR", subdivisions=("RJ",))
    assert date(2026, 4, 21) in rules
    assert date(2026, 4, 23) in rules
    assert date(2026, 4, 23) not in HolidayRules(country="BR")


def test_city_holidays_from_the_package_and_custom_dates() -> None:
    """São Paulo city's anniversary comes from the package; other towns add custom dates."""
    capital = HolidayRules(country="BR", subdivisions=("SP", "São Paulo Capital"))
    assert date(2026, 1, 25) in capital
    teresopolis = HolidayRules(
        country="BR", subdivisions=("RJ",), custom=frozenset({date(2026, 7, 6)})
    )
    assert date(2026, 7, 6) in teresopolis


def test_due_time_skips_lunch_nights_weekends_and_holidays() -> None:
    """Two working hours from Monday 17:00 before Tiradentes and São Jorge land on Wednesday 09:00."""
    calendar = BusinessCalendar(
        hours=OFFICE, holidays=HolidayRules(country="BR", subdivisions=("RJ",))
    )
    start = datetime(2026, 4, 20, 17, 0, tzinfo=SAO_PAULO)
    due = calendar.add_business_time(start, timedelta(hours=2))
    assert due == datetime(2026, 4, 22, 9, 0, tzinfo=SAO_PAULO)
    lunch = calendar.add_business_time(
        datetime(2026, 4, 22, 11, 30, tzinfo=SAO_PAULO), timedelta(hours=1)
    )
    assert lunch == datetime(2026, 4, 22, 13, 30, tzinfo=SAO_PAULO)


def test_due_time_in_a_dst_zone_follows_wall_clock_hours() -> None:
    """In New York a 09:00-17:00 day stays 8 working hours across the March DST change."""
    calendar = BusinessCalendar(
        hours=WeeklyHours.of({d: "09:00-17:00" for d in range(5)}), timezone="America/New_York"
    )
    friday = datetime(2026, 3, 6, 17, 0, tzinfo=ZoneInfo("America/New_York"))
    due = calendar.add_business_time(friday, timedelta(hours=8))
    assert due == datetime(2026, 3, 9, 17, 0, tzinfo=ZoneInfo("America/New_York"))


def test_far_spans_extend_the_index() -> None:
    """A due time years away (and a start years before) is still found."""
    calendar = BusinessCalendar(hours=OFFICE, timezone="UTC")
    start = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    due = calendar.add_business_time(start, timedelta(hours=44 * 52 * 3))
    assert due.year == 2028
    early = datetime(2021, 1, 4, 8, 0, tzinfo=UTC)
    assert calendar.business_time(early, start) > timedelta(hours=44 * 52 * 4)


@pytest.mark.parametrize("text", ["8-12", "08:00-07:00", "08:61-09:00", "00:00-24:01"])
def test_bad_shifts_are_refused(text: str) -> None:
    """A shift that is not HH:MM-HH:MM within one day is a validation error."""
    with pytest.raises(ValidationError):
        Shift.parse(text)


def test_bad_calendars_are_refused() -> None:
    """No working hours, overlapping shifts, an unknown zone or subdivision are refused."""
    with pytest.raises(ValidationError):
        BusinessCalendar(hours=WeeklyHours.of({}))
    with pytest.raises(ValidationError):
        WeeklyHours.of({0: "08:00-12:00,11:00-13:00"})
    with pytest.raises(ValidationError):
        BusinessCalendar(hours=OFFICE, timezone="Mars/Olympus")
    with pytest.raises(ValidationError):
        HolidayRules(country="BR", subdivisions=("XX",))


def test_a_due_time_beyond_fifty_years_is_refused() -> None:
    """One working minute a week cannot hold 3,000 minutes within 50 years: a domain error."""
    calendar = BusinessCalendar(hours=WeeklyHours.of({0: "00:00-00:01"}), timezone="UTC")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert calendar.add_business_time(start, timedelta(minutes=52)) < datetime(
        2027, 1, 1, tzinfo=UTC
    )
    with pytest.raises(DomainError):
        calendar.add_business_time(start, timedelta(minutes=3_000))


@PROPERTIES
@given(business_calendars(), instants(), st.integers(1, 40 * 24 * 60))
def test_the_last_counted_minute_is_working_time(
    calendar: BusinessCalendar, start: datetime, minutes: int
) -> None:
    """A due time closes a working minute: never a holiday, a day off or outside the shifts."""
    due = calendar.add_business_time(start, timedelta(minutes=minutes))
    last = due - timedelta(minutes=1)
    assert is_working_minute(calendar, last)
    assert calendar.is_working_day(last.astimezone(ZoneInfo(calendar.timezone)).date())


@given(instants())
def test_an_always_open_calendar_keeps_its_timezone_and_never_closes(at: datetime) -> None:
    """`BusinessCalendar.always(tz)`: open at every instant, in the zone it was given (UTC default)."""
    calendar = BusinessCalendar.always("America/Manaus")
    assert calendar.timezone == "America/Manaus"
    assert calendar.is_open(at)
    assert BusinessCalendar.always().timezone == "UTC"


@pytest.mark.parametrize("count", [0, 6, 8])
def test_weekly_hours_need_seven_days(count: int) -> None:
    """Not seven days of shifts: refused naming `days`, saying Monday comes first."""
    with pytest.raises(ValidationError) as refused:
        WeeklyHours(days=((),) * count)
    assert (refused.value.field, str(refused.value)) == (
        "days",
        "weekly hours need 7 days (Monday first)",
    )


@pytest.mark.parametrize(
    ("build", "field", "message"),
    [
        (lambda: Shift(start=600, end=600), "shift", "bad shift 600-600 minutes"),
        (lambda: Shift(start=0, end=1441), "shift", "bad shift 0-1441 minutes"),
        (
            lambda: WeeklyHours.of({0: "08:00-12:00,11:00-13:00"}),
            "days",
            "shifts of a day must be sorted and apart",
        ),
        (
            lambda: BusinessCalendar(hours=WeeklyHours.of({})),
            "hours",
            "a business calendar needs working hours",
        ),
    ],
)
def test_empty_shifts_overlaps_and_no_hours_are_refused_saying_so(
    build: Callable[[], object], field: str, message: str
) -> None:
    """An empty or out-of-day shift, overlapping shifts, a week without hours: each names why."""
    with pytest.raises(ValidationError) as refused:
        build()
    assert (refused.value.field, str(refused.value)) == (field, message)


def test_the_first_interval_of_the_index_is_counted() -> None:
    """The index spans a year either side of the first question asked; time inside its very
    first working interval (1 January of the year before) is counted like any other."""
    calendar = BusinessCalendar.always()
    june = datetime(2026, 6, 1, tzinfo=UTC)
    assert calendar.business_time(june, june + timedelta(days=1)) == timedelta(days=1)
    first = datetime(2025, 1, 1, 1, 0, tzinfo=UTC)
    assert calendar.business_time(first, first + timedelta(hours=1)) == timedelta(hours=1)
    assert calendar.add_business_time(first, timedelta(hours=1)) == first + timedelta(hours=1)
