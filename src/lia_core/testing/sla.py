"""Hypothesis strategies for the SLA clock: weekly hours, calendars, policies and timelines.

Instants are whole minutes between 2020 and 2030, and the default timezones have had no
daylight saving time since 2019, so minute-by-minute oracles agree exactly with the clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import strategies as st

from lia_core.sla import (
    BusinessCalendar,
    EventKind,
    HolidayRules,
    Priority,
    Severity,
    Shift,
    SlaPolicy,
    SlaTargets,
    Target,
    Ticket,
    TimelineEvent,
    WeeklyHours,
)

__all__ = [
    "DST_FREE_ZONES",
    "SUBDIVISIONS",
    "business_calendars",
    "holiday_rules",
    "instants",
    "sla_policies",
    "targets",
    "ticket_timelines",
    "weekly_hours",
]

DST_FREE_ZONES = ("UTC", "America/Sao_Paulo", "America/Manaus", "America/Fortaleza", "Asia/Tokyo")
"""Timezones without daylight saving time since 2019."""
SUBDIVISIONS = ((), ("RJ",), ("SP", "São Paulo Capital"), ("MG",))
"""Brazilian subdivisions the ``holidays`` package knows (state, and a capital city)."""

_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
_LAST_MINUTE = int((datetime(2030, 1, 1, tzinfo=UTC) - _EPOCH).total_seconds() // 60)

CLOCK_KINDS: tuple[EventKind, ...] = (
    EventKind.CREATED,
    EventKind.HANDED_TO_HUMAN,
    EventKind.HUMAN_PUBLIC_REPLY,
    EventKind.BOT_REPLY,
    EventKind.PRIVATE_NOTE,
    EventKind.WAITING_CUSTOMER_ON,
    EventKind.WAITING_CUSTOMER_OFF,
    EventKind.RESOLVED,
    EventKind.REOPENED,
)
"""The event kinds the SLA clock reads (plus notes and bot replies, which it must ignore)."""


def instants(
    *, min_value: datetime = _EPOCH, max_value: datetime | None = None
) -> st.SearchStrategy[datetime]:
    """Whole-minute UTC instants in [min_value, max_value] (default 2020-2029)."""
    low = int((min_value - _EPOCH).total_seconds() // 60)
    high = _LAST_MINUTE if max_value is None else int((max_value - _EPOCH).total_seconds() // 60)
    return st.integers(low, high).map(lambda m: _EPOCH + timedelta(minutes=m))


@st.composite
def _day(draw: st.DrawFn, step: int) -> tuple[Shift, ...]:
    cuts = sorted(draw(st.sets(st.integers(0, 1440 // step), max_size=6)))
    cuts = cuts[: len(cuts) // 2 * 2]
    return tuple(
        Shift(start=a * step, end=b * step) for a, b in zip(cuts[::2], cuts[1::2], strict=True)
    )


def weekly_hours(*, step_minutes: int = 30) -> st.SearchStrategy[WeeklyHours]:
    """Up to three shifts a day on a *step_minutes* grid, at least one shift in the week."""
    week = st.tuples(*[_day(step_minutes)] * 7).map(lambda days: WeeklyHours(days=days))
    return week.filter(lambda hours: hours.minutes_per_week > 0)


def holiday_rules(
    *, first: date = date(2020, 1, 1), last: date = date(2029, 12, 31)
) -> st.SearchStrategy[HolidayRules]:
    """Brazilian national holidays (sometimes a subdivision) plus a few custom dates, or none."""
    custom = st.frozensets(st.dates(first, last), max_size=6)
    national = st.builds(
        HolidayRules,
        country=st.just("BR"),
        subdivisions=st.sampled_from(SUBDIVISIONS),
        custom=custom,
    )
    return st.one_of(st.just(HolidayRules()), st.builds(HolidayRules, custom=custom), national)


def business_calendars(
    *, timezones: tuple[str, ...] = DST_FREE_ZONES
) -> st.SearchStrategy[BusinessCalendar]:
    """Calendars over DST-free zones with random hours and holidays."""
    return st.builds(
        BusinessCalendar,
        hours=weekly_hours(),
        timezone=st.sampled_from(timezones),
        holidays=holiday_rules(),
    )


def targets(*, max_minutes: int = 3 * 24 * 60) -> st.SearchStrategy[Target]:
    """Business or calendar targets up to *max_minutes*."""
    return st.builds(Target.business, st.integers(1, max_minutes)) | st.builds(
        Target.calendar, st.integers(1, max_minutes)
    )


def sla_policies(
    calendars: st.SearchStrategy[BusinessCalendar] | None = None,
) -> st.SearchStrategy[SlaPolicy]:
    """Policies with a target set for every priority and random severity overrides."""
    pair = st.builds(SlaTargets, first_response=targets(), resolution=targets())
    return st.builds(
        SlaPolicy,
        name=st.just("generated"),
        calendar=calendars if calendars is not None else business_calendars(),
        by_priority=st.fixed_dictionaries(dict.fromkeys(Priority, pair)),
        by_severity=st.dictionaries(st.sampled_from(Severity), pair, max_size=2),
        pause_while_waiting=st.booleans(),
        warning_at=st.floats(0.05, 0.95),
    )


@st.composite
def ticket_timelines(
    draw: st.DrawFn,
    *,
    start: st.SearchStrategy[datetime] | None = None,
    kinds: tuple[EventKind, ...] = CLOCK_KINDS,
    max_events: int = 8,
    max_gap_minutes: int = 12 * 60,
) -> Ticket:
    """A created ticket whose timeline goes on with events of *kinds* at whole-minute instants."""
    at = draw(start if start is not None else instants())
    events = [TimelineEvent(kind=EventKind.CREATED, at=at)]
    for kind in draw(st.lists(st.sampled_from(kinds), max_size=max_events)):
        at += timedelta(minutes=draw(st.integers(0, max_gap_minutes)))
        events.append(TimelineEvent(kind=kind, at=at))
    return Ticket(
        id=draw(st.text("abcdef0123456789", min_size=1, max_size=8)),
        department="suporte",
        priority=draw(st.sampled_from(Priority)),
        severity=draw(st.sampled_from(Severity)),
        opened_at=events[0].at,
        timeline=tuple(events),
    )
