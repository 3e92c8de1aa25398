"""A ticket's business-hours durations (FRT, TTR; AHT their difference): hand-computed
examples on an 08:00-18:00 Monday-Friday calendar, and a property against the minute oracle."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
from hypothesis import given

from lia_core.domain.tickets import EventKind, Priority, Severity, Ticket, TicketStatus
from lia_core.sla import BusinessCalendar, HolidayRules, WeeklyHours
from lia_core.sla.durations import BusinessDurations, business_durations, with_business_durations
from lia_core.testing.sla import business_calendars, ticket_timelines

from .oracle import PROPERTIES, count_minutes

SP = ZoneInfo("America/Sao_Paulo")
OFFICE = BusinessCalendar(
    hours=WeeklyHours.of(dict.fromkeys(range(5), "08:00-18:00")), timezone="America/Sao_Paulo"
)
FRIDAY_1730 = datetime(2026, 11, 6, 17, 30, tzinfo=SP)
MONDAY = datetime(2026, 11, 9, tzinfo=SP)


def _opened(at: datetime) -> Ticket:
    return Ticket.open(
        id="t", department="support", priority=Priority.MEDIUM, severity=Severity.LOW, at=at
    )


def test_friday_evening_to_monday_morning_is_one_business_hour() -> None:
    """Opened Friday 17:30, first reply Monday 08:30: 60 business minutes (63 h of calendar);
    resolved Monday 10:00: TTR 2 h 30 min of business time, so AHT 1 h 30 min."""
    replied = _opened(FRIDAY_1730).record(
        EventKind.HUMAN_PUBLIC_REPLY, at=MONDAY.replace(hour=8, minute=30), by="ana"
    )
    assert replied.timeline.events[-1].at - FRIDAY_1730 == timedelta(hours=63)
    assert business_durations(replied, OFFICE) == BusinessDurations(first_response=3600.0)
    resolved = replied.record(EventKind.RESOLVED, at=MONDAY.replace(hour=10), by="ana")
    measured = business_durations(resolved, OFFICE)
    assert measured == BusinessDurations(first_response=3600.0, resolution=9000.0)
    assert measured.resolution - measured.first_response == 5400.0  # type: ignore[operator]


def test_a_holiday_counts_nothing() -> None:
    """With Monday a holiday, the reply on Tuesday 08:30 is still 60 business minutes away."""
    calendar = attrs.evolve(OFFICE, holidays=HolidayRules(custom=frozenset({date(2026, 11, 9)})))
    replied = _opened(FRIDAY_1730).record(
        EventKind.HUMAN_PUBLIC_REPLY, at=datetime(2026, 11, 10, 8, 30, tzinfo=SP), by="ana"
    )
    assert business_durations(replied, calendar).first_response == 3600.0


def test_stored_durations_are_kept_and_a_reopening_clears_the_resolution() -> None:
    """A measured first response is not measured again (the calendar may change later); a
    reopened ticket has no resolution until it is resolved again, then measured anew."""
    ticket = _opened(FRIDAY_1730).record(
        EventKind.HUMAN_PUBLIC_REPLY, at=MONDAY.replace(hour=8, minute=30), by="ana"
    )
    ticket = attrs.evolve(ticket, first_response_business_seconds=1.0)
    resolved = with_business_durations(
        ticket.record(EventKind.RESOLVED, at=MONDAY.replace(hour=9), by="ana"), OFFICE
    )
    assert (resolved.first_response_business_seconds, resolved.resolution_business_seconds) == (
        1.0,
        5400.0,
    )
    reopened = with_business_durations(
        resolved.record(EventKind.REOPENED, at=MONDAY.replace(hour=9, minute=30)), OFFICE
    )
    assert reopened.resolution_business_seconds is None
    again = with_business_durations(
        reopened.record(EventKind.RESOLVED, at=MONDAY.replace(hour=11), by="ana"), OFFICE
    )
    assert again.resolution_business_seconds == 3 * 3600 + 30 * 60  # 17:30-18:00, 08:00-11:00
    assert with_business_durations(again, OFFICE) is again


@PROPERTIES
@given(business_calendars(), ticket_timelines(max_gap_minutes=6 * 60))
def test_durations_agree_with_the_minute_oracle(calendar: BusinessCalendar, ticket: Ticket) -> None:
    """FRT counts the working minutes from opening to the first human reply, TTR those to the
    last resolution of a final ticket, one by one; AHT = TTR - FRT is never negative."""
    events = ticket.timeline.events
    resolutions = [e.at for e in events if e.kind is EventKind.RESOLVED]
    if resolutions:
        ticket = attrs.evolve(ticket, status=TicketStatus.RESOLVED)
    measured = business_durations(ticket, calendar)
    replies = [e.at for e in events if e.kind is EventKind.HUMAN_PUBLIC_REPLY]
    opened = ticket.opened_at.astimezone(UTC)
    if replies:
        assert measured.first_response == 60 * count_minutes(calendar, opened, replies[0])
    else:
        assert measured.first_response is None
    if resolutions:
        assert measured.resolution == 60 * count_minutes(calendar, opened, resolutions[-1])
        if measured.first_response is not None and replies[0] <= resolutions[-1]:
            assert measured.resolution >= measured.first_response
    else:
        assert measured.resolution is None


def test_a_stored_resolution_is_kept_while_the_first_response_is_measured() -> None:
    """A resolved ticket stored with a resolution but no first response (older rows) gets its
    first response measured and keeps the resolution it had; once reopened, it has none."""
    resolved = (
        _opened(FRIDAY_1730)
        .record(EventKind.HUMAN_PUBLIC_REPLY, at=MONDAY.replace(hour=8, minute=30), by="ana")
        .record(EventKind.RESOLVED, at=MONDAY.replace(hour=9), by="ana")
    )
    stored = attrs.evolve(resolved, resolution_business_seconds=7.0)
    filled = with_business_durations(stored, OFFICE)
    assert (filled.first_response_business_seconds, filled.resolution_business_seconds) == (
        3600.0,
        7.0,
    )
    reopened = resolved.record(EventKind.REOPENED, at=MONDAY.replace(hour=9, minute=30))
    assert business_durations(reopened, OFFICE) == BusinessDurations(first_response=3600.0)
