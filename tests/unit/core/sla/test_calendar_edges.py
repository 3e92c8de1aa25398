"""Calendar edges: measure_and_add against the two lookups it replaces, where a shift opens and closes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from lia_core.sla import BusinessCalendar, WeeklyHours

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
