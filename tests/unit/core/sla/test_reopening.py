"""Reopened tickets, explicit first-response deadlines, the resolution clock against a minute oracle."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from hypothesis import assume, given
from hypothesis import strategies as st

from lia_core.sla import (
    AlertPolicy,
    BusinessCalendar,
    ClockReading,
    EventKind,
    Outcome,
    Priority,
    Severity,
    SlaPolicy,
    SlaState,
    SlaTargets,
    Target,
    Ticket,
    TimeBasis,
    TimelineEvent,
    decide_alerts,
    sla_status,
    worst_state,
)
from lia_core.testing.sla import business_calendars, sla_policies, ticket_timelines

from .oracle import PROPERTIES, is_working_minute

MINUTE = timedelta(minutes=1)
START = datetime(2026, 1, 5, 0, 0, tzinfo=UTC)
ALWAYS = BusinessCalendar.always()
ONE_HOUR = SlaPolicy(
    name="one-hour",
    calendar=ALWAYS,
    by_priority={Priority.MEDIUM: SlaTargets(resolution=Target.calendar(60))},
)


def _timeline(
    *events: tuple[EventKind, int], first_response_deadline: datetime | None = None
) -> Ticket:
    return Ticket(
        id="t-7",
        department="suporte",
        priority=Priority.MEDIUM,
        severity=Severity.LOW,
        opened_at=START,
        timeline=tuple(TimelineEvent(kind=k, at=START + m * MINUTE) for k, m in events),
        first_response_deadline=first_response_deadline,
    )


def _uncounted_spans(ticket: Ticket, now: datetime, *, waits: bool) -> list[range]:
    """Minute offsets (from creation) that the resolution clock must not count, from the rules."""
    created = ticket.timeline.events[0].at
    spans: list[range] = []
    waiting: datetime | None = None
    resolved: datetime | None = None
    for event in ticket.timeline.events:
        if event.at > now:
            break
        offset = (event.at - created) // MINUTE
        if waits and event.kind is EventKind.WAITING_CUSTOMER_ON and waiting is None:
            waiting = event.at
        elif waits and event.kind is EventKind.WAITING_CUSTOMER_OFF and waiting is not None:
            spans.append(range((waiting - created) // MINUTE, offset))
            waiting = None
        elif event.kind is EventKind.RESOLVED and resolved is None:
            resolved = event.at
        elif event.kind is EventKind.REOPENED and resolved is not None:
            spans.append(range((resolved - created) // MINUTE, offset))
            resolved = None
    if waiting is not None:
        spans.append(range((waiting - created) // MINUTE, 10**9))
    return spans


def _standing_resolution(ticket: Ticket, now: datetime) -> datetime | None:
    """The resolution not reopened since, as known at *now*."""
    standing: datetime | None = None
    for event in ticket.timeline.events:
        if event.at > now:
            break
        if event.kind is EventKind.RESOLVED and standing is None:
            standing = event.at
        elif event.kind is EventKind.REOPENED:
            standing = None
    return standing


def _counts(ticket: Ticket, policy: SlaPolicy, now: datetime) -> Callable[[int], bool]:
    """Whether the resolution clock counts the minute at an offset from creation."""
    created = ticket.timeline.events[0].at
    standing = _standing_resolution(ticket, now)
    end = (min(now, standing) if standing is not None else now) - created
    # An open wait ends where the clock ends: the due time is "if work resumed now".
    skipped = [
        range(span.start, min(span.stop, end // MINUTE))
        for span in _uncounted_spans(ticket, now, waits=policy.pause_while_waiting)
    ]
    target = policy.targets_for(ticket.priority, ticket.severity).resolution
    assert target is not None

    def counted(minute: int) -> bool:
        if any(minute in span for span in skipped):
            return False
        at = created + minute * MINUTE
        return target.basis is TimeBasis.CALENDAR or is_working_minute(policy.calendar, at)

    return counted


def _oracle_elapsed_minutes(ticket: Ticket, policy: SlaPolicy, now: datetime) -> int:
    """Resolution minutes counted one by one: working, not waiting, not spent resolved."""
    created = ticket.timeline.events[0].at
    standing = _standing_resolution(ticket, now)
    end = min(now, standing) if standing is not None else now
    counted = _counts(ticket, policy, now)
    return sum(counted(minute) for minute in range(max(0, (end - created) // MINUTE)))


def _oracle_due(ticket: Ticket, policy: SlaPolicy, now: datetime, *, limit: int) -> datetime | None:
    """The end of the minute that completes the target, counting one by one (None past *limit*)."""
    target = policy.targets_for(ticket.priority, ticket.severity).resolution
    assert target is not None
    counted = _counts(ticket, policy, now)
    left = target.minutes
    for minute in range(limit):
        if counted(minute):
            left -= 1
            if left == 0:
                return ticket.timeline.events[0].at + (minute + 1) * MINUTE
    return None


RESOLUTION_KINDS = (
    EventKind.RESOLVED,
    EventKind.REOPENED,
    EventKind.WAITING_CUSTOMER_ON,
    EventKind.WAITING_CUSTOMER_OFF,
    EventKind.BOT_REPLY,
)
"""The events that move the resolution clock (and one that must not)."""
DUE_LIMIT = 10 * 24 * 60
"""The due-time oracle counts at most ten days of minutes."""


@PROPERTIES
@given(
    ticket_timelines(kinds=RESOLUTION_KINDS, max_gap_minutes=6 * 60, max_events=6),
    sla_policies(st.just(ALWAYS) | business_calendars()),
    st.integers(0, 3 * 24 * 60),
)
def test_resolution_elapsed_agrees_with_a_minute_by_minute_oracle(
    ticket: Ticket, policy: SlaPolicy, later: int
) -> None:
    """Resolution time counts working minutes outside waits and outside time spent resolved."""
    now = ticket.timeline.events[0].at + later * MINUTE
    reading = sla_status(ticket, policy, now=now).resolution
    assert isinstance(reading, ClockReading)
    assert reading.elapsed == _oracle_elapsed_minutes(ticket, policy, now) * MINUTE
    due = _oracle_due(ticket, policy, now, limit=DUE_LIMIT)
    if due is None:
        assert reading.due_at > ticket.timeline.events[0].at + DUE_LIMIT * MINUTE
    else:
        assert reading.due_at == due
    if _standing_resolution(ticket, now) is None:
        assert reading.outcome is None
    else:
        assert reading.outcome is (
            Outcome.MISS if reading.elapsed > reading.target else Outcome.HIT
        )


@PROPERTIES
@given(ticket_timelines(), sla_policies(), st.integers(0, 24 * 60))
def test_a_resolved_ticket_runs_no_clock(ticket: Ticket, policy: SlaPolicy, later: int) -> None:
    """After a resolution that is not reopened (and follows any handoff) no clock runs or alerts."""
    now = ticket.timeline.events[-1].at + later * MINUTE
    standing = _standing_resolution(ticket, now)
    handed = ticket.timeline.first(EventKind.HANDED_TO_HUMAN)
    assume(standing is not None and (handed is None or handed <= standing))
    status = sla_status(ticket, policy, now=now)
    assert worst_state(status) is None
    assert decide_alerts([status], [], AlertPolicy(), now=now) == ()


def test_a_reopened_ticket_is_measured_to_its_final_resolution() -> None:
    """20 min to resolve, 80 min resolved, reopened, 30 more: 50 of 60 minutes, a hit at the end."""
    ticket = _timeline(
        (EventKind.CREATED, 0),
        (EventKind.RESOLVED, 20),
        (EventKind.REOPENED, 100),
        (EventKind.RESOLVED, 130),
    )
    before_reopening = sla_status(ticket, ONE_HOUR, now=START + 90 * MINUTE).resolution
    assert isinstance(before_reopening, ClockReading)
    assert before_reopening.outcome is Outcome.HIT
    assert before_reopening.elapsed == 20 * MINUTE

    reopened = sla_status(ticket, ONE_HOUR, now=START + 110 * MINUTE).resolution
    assert isinstance(reopened, ClockReading)
    assert reopened.outcome is None
    assert reopened.elapsed == 30 * MINUTE
    assert reopened.due_at == START + 140 * MINUTE

    final = sla_status(ticket, ONE_HOUR, now=START + 200 * MINUTE).resolution
    assert isinstance(final, ClockReading)
    assert final.outcome is Outcome.HIT
    assert final.elapsed == 50 * MINUTE
    assert final.stopped_at == START + 130 * MINUTE


def test_a_ticket_reopened_too_late_misses() -> None:
    """Once reopened, the clock runs on and breaches when the remaining minutes run out."""
    ticket = _timeline((EventKind.CREATED, 0), (EventKind.RESOLVED, 50), (EventKind.REOPENED, 60))
    reading = sla_status(ticket, ONE_HOUR, now=START + 71 * MINUTE).resolution
    assert isinstance(reading, ClockReading)
    assert reading.state is SlaState.BREACHED
    assert reading.due_at == START + 70 * MINUTE


def test_an_explicit_first_response_deadline_overrides_the_target() -> None:
    """A first-response deadline starts a clock even without a target and is judged by it."""
    ticket = _timeline(
        (EventKind.CREATED, 0),
        (EventKind.HANDED_TO_HUMAN, 10),
        (EventKind.HUMAN_PUBLIC_REPLY, 25),
        first_response_deadline=START + 20 * MINUTE,
    )
    first = sla_status(ticket, ONE_HOUR, now=START + 30 * MINUTE).first_response
    assert isinstance(first, ClockReading)
    assert first.due_at == START + 20 * MINUTE
    assert first.outcome is Outcome.MISS
