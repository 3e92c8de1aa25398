"""sla_status at its edges: which events start, stop and pause each clock, to the second."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs

from lia_core.sla import (
    BusinessCalendar,
    ClockReading,
    EventKind,
    Metric,
    NoClock,
    NoClockReason,
    Outcome,
    Priority,
    Severity,
    SlaPolicy,
    SlaState,
    SlaStatus,
    SlaTargets,
    Target,
    Ticket,
    TimelineEvent,
    sla_status,
    worst_state,
)

START = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
K = EventKind
HOURLY = SlaPolicy(
    name="hourly",
    calendar=BusinessCalendar.always(),
    by_priority={
        Priority.MEDIUM: SlaTargets(
            first_response=Target.calendar(60), resolution=Target.calendar(240)
        )
    },
)
NO_PAUSES = SlaPolicy(
    name="no-pauses",
    calendar=BusinessCalendar.always(),
    by_priority=HOURLY.by_priority,
    pause_while_waiting=False,
)


def _at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def _ticket(*events: tuple[EventKind, float]) -> Ticket:
    return Ticket(
        id="t-9",
        department="suporte",
        priority=Priority.MEDIUM,
        severity=Severity.LOW,
        opened_at=START,
        timeline=tuple(TimelineEvent(kind=kind, at=_at(m)) for kind, m in events),
    )


def _first(ticket: Ticket, now: float, policy: SlaPolicy = HOURLY) -> ClockReading:
    reading = sla_status(ticket, policy, now=_at(now)).first_response
    assert isinstance(reading, ClockReading)
    return reading


def _resolution(ticket: Ticket, now: float, policy: SlaPolicy = HOURLY) -> ClockReading:
    reading = sla_status(ticket, policy, now=_at(now)).resolution
    assert isinstance(reading, ClockReading)
    return reading


def test_the_status_names_the_ticket_and_the_policy() -> None:
    """The status carries the ticket's id and the policy's name beside both readings."""
    status = sla_status(_ticket((K.CREATED, 0)), HOURLY, now=_at(1))
    assert isinstance(status, SlaStatus)
    assert (status.ticket_id, status.policy) == ("t-9", "hourly")


def test_an_event_exactly_at_now_counts() -> None:
    """A reply recorded at `now` itself stops the clock; one a second later does not yet."""
    replied = _ticket((K.CREATED, 0), (K.HANDED_TO_HUMAN, 10), (K.HUMAN_PUBLIC_REPLY, 20))
    assert _first(replied, 20).outcome is Outcome.HIT
    assert _first(replied, 20 - 1 / 60).outcome is None


def test_only_the_first_creation_and_the_first_handoff_start_clocks() -> None:
    """A second CREATED or HANDED_TO_HUMAN (a re-import, a second transfer) restarts nothing."""
    ticket = _ticket(
        (K.CREATED, 0), (K.HANDED_TO_HUMAN, 10), (K.CREATED, 30), (K.HANDED_TO_HUMAN, 40)
    )
    assert _first(ticket, 50).started_at == _at(10)
    assert _resolution(ticket, 50).started_at == _at(0)


def test_without_a_creation_event_the_first_event_starts_the_resolution_clock() -> None:
    """A timeline imported without CREATED: its oldest event is the start."""
    ticket = _ticket((K.CUSTOMER_MESSAGE, 5), (K.HANDED_TO_HUMAN, 10))
    assert _resolution(ticket, 30).started_at == _at(5)
    assert isinstance(sla_status(ticket, HOURLY, now=_at(4)).resolution, NoClock)


def test_a_reply_before_the_handoff_does_not_stop_the_first_response_clock() -> None:
    """Only a human reply at or after the handoff answers it; the one at the handoff does."""
    early = _ticket((K.CREATED, 0), (K.HUMAN_PUBLIC_REPLY, 5), (K.HANDED_TO_HUMAN, 10))
    assert _first(early, 30).outcome is None
    same = _ticket((K.CREATED, 0), (K.HANDED_TO_HUMAN, 10), (K.HUMAN_PUBLIC_REPLY, 10))
    assert (_first(same, 30).outcome, _first(same, 30).elapsed) == (Outcome.HIT, timedelta(0))
    later = _ticket(
        (K.CREATED, 0),
        (K.HANDED_TO_HUMAN, 10),
        (K.HUMAN_PUBLIC_REPLY, 25),
        (K.HUMAN_PUBLIC_REPLY, 90),
    )
    assert _first(later, 100).stopped_at == _at(25)


def test_resolving_after_the_handoff_without_a_reply_stops_the_first_response_clock() -> None:
    """Nothing is awaited once resolved: the resolution stops it (also at the handoff instant)."""
    resolved = _ticket((K.CREATED, 0), (K.HANDED_TO_HUMAN, 10), (K.RESOLVED, 30))
    assert (_first(resolved, 50).stopped_at, _first(resolved, 50).outcome) == (_at(30), Outcome.HIT)
    at_once = _ticket((K.CREATED, 0), (K.HANDED_TO_HUMAN, 10), (K.RESOLVED, 10))
    assert _first(at_once, 50).stopped_at == _at(10)


def test_a_resolution_before_the_handoff_does_not_stop_its_first_response_clock() -> None:
    """Resolved, reopened, then handed over: the first response is still awaited."""
    ticket = _ticket((K.CREATED, 0), (K.RESOLVED, 5), (K.REOPENED, 8), (K.HANDED_TO_HUMAN, 10))
    assert _first(ticket, 30).outcome is None
    assert _first(ticket, 30).elapsed == timedelta(minutes=20)


def test_the_first_resolution_stands_until_a_reopening() -> None:
    """A second RESOLVED while resolved changes nothing; the clock stopped at the first."""
    ticket = _ticket((K.CREATED, 0), (K.RESOLVED, 30), (K.RESOLVED, 50))
    assert _resolution(ticket, 60).stopped_at == _at(30)


def test_time_spent_resolved_before_a_reopening_is_not_counted() -> None:
    """Resolved at 30, reopened at 50, resolved at 70: 50 minutes counted, stopped at 70."""
    ticket = _ticket((K.CREATED, 0), (K.RESOLVED, 30), (K.REOPENED, 50), (K.RESOLVED, 70))
    reading = _resolution(ticket, 80)
    assert (reading.elapsed, reading.stopped_at) == (timedelta(minutes=50), _at(70))
    reopened = _ticket((K.CREATED, 0), (K.RESOLVED, 30), (K.REOPENED, 30))
    assert _resolution(reopened, 60).elapsed == timedelta(minutes=60)


def test_a_reopening_while_not_resolved_changes_nothing() -> None:
    """A REOPENED without a standing resolution is not a span spent resolved."""
    ticket = _ticket((K.CREATED, 0), (K.REOPENED, 20), (K.RESOLVED, 40))
    assert _resolution(ticket, 60).elapsed == timedelta(minutes=40)


def test_a_resolution_recorded_before_the_creation_is_ignored() -> None:
    """Events out of order (a resolution before the ticket existed) stop no clock."""
    ticket = _ticket((K.RESOLVED, -10), (K.CREATED, 0))
    reading = _resolution(ticket, 30)
    assert (reading.outcome, reading.elapsed) == (None, timedelta(minutes=30))


def test_waiting_pauses_from_the_first_on_to_the_next_off() -> None:
    """ON at 10, ON again at 20, OFF at 30: 20 minutes paused; an OFF alone pauses nothing."""
    ticket = _ticket(
        (K.CREATED, 0), (K.WAITING_CUSTOMER_ON, 10), (K.WAITING_CUSTOMER_ON, 20),
        (K.WAITING_CUSTOMER_OFF, 30), (K.WAITING_CUSTOMER_OFF, 40),
    )  # fmt: skip
    reading = _resolution(ticket, 60)
    assert (reading.elapsed, reading.paused) == (timedelta(minutes=40), False)


def test_a_wait_switched_off_at_the_same_instant_pauses_nothing() -> None:
    """ON and OFF at the same instant: no pause, and a later ON starts a new one."""
    ticket = _ticket(
        (K.CREATED, 0), (K.WAITING_CUSTOMER_ON, 10), (K.WAITING_CUSTOMER_OFF, 10),
        (K.WAITING_CUSTOMER_ON, 50),
    )  # fmt: skip
    reading = _resolution(ticket, 60)
    assert (reading.elapsed, reading.paused) == (timedelta(minutes=50), True)


def test_a_policy_that_does_not_pause_counts_the_waits() -> None:
    """pause_while_waiting=False: waiting on the customer is counted and never paused."""
    ticket = _ticket((K.CREATED, 0), (K.WAITING_CUSTOMER_ON, 10), (K.WAITING_CUSTOMER_OFF, 30))
    assert _resolution(ticket, 40, NO_PAUSES).elapsed == timedelta(minutes=40)
    still = _ticket((K.CREATED, 0), (K.WAITING_CUSTOMER_ON, 10))
    assert _resolution(still, 40, NO_PAUSES).paused is False


def test_a_wait_overlapping_time_spent_resolved_is_not_subtracted_twice() -> None:
    """Waiting 10-40 and resolved 30-50: 40 minutes uncounted, not 50."""
    ticket = _ticket(
        (K.CREATED, 0), (K.WAITING_CUSTOMER_ON, 10), (K.RESOLVED, 30),
        (K.WAITING_CUSTOMER_OFF, 40), (K.REOPENED, 50),
    )  # fmt: skip
    reading = _resolution(ticket, 70)
    assert (reading.elapsed, reading.due_at, reading.state) == (
        timedelta(minutes=30),
        _at(280),
        SlaState.OK,
    )


def test_a_status_answered_by_the_gate_still_names_the_ticket_and_the_policy() -> None:
    """No clock runs for a gated contact, but the status says whose and under which policy."""
    gated = attrs.evolve(_ticket((K.CREATED, 0)), answered_by_outage_gate=True)
    status = sla_status(gated, HOURLY, now=_at(1))
    assert (status.ticket_id, status.policy) == ("t-9", "hourly")


def test_a_resolution_at_the_creation_instant_stops_the_clock() -> None:
    """Resolved the moment it was created: a hit with nothing counted."""
    reading = _resolution(_ticket((K.CREATED, 0), (K.RESOLVED, 0)), 30)
    assert (reading.stopped_at, reading.elapsed, reading.outcome) == (
        _at(0),
        timedelta(0),
        Outcome.HIT,
    )


def test_a_resolution_after_an_ignored_early_one_still_stops_the_clock() -> None:
    """A resolution out of order before the creation is skipped; the later one still counts."""
    ticket = _ticket((K.RESOLVED, -10), (K.CREATED, 0), (K.RESOLVED, 30))
    assert _resolution(ticket, 60).stopped_at == _at(30)


def test_the_worst_state_is_ranked_by_urgency_not_by_name() -> None:
    """A breached clock is worse than an OK or a warning one, whichever clock it is."""
    ticket = _ticket((K.CREATED, 0), (K.HANDED_TO_HUMAN, 200))
    status = sla_status(ticket, HOURLY, now=_at(250))  # first response 50 of 60, resolution 250/240
    assert (status.readings[0].state, status.readings[1].state) == (
        SlaState.WARNING,
        SlaState.BREACHED,
    )
    assert worst_state(status) is SlaState.BREACHED
    early = sla_status(ticket, HOURLY, now=_at(205))
    assert (early.readings[0].state, early.readings[1].state) == (SlaState.OK, SlaState.WARNING)
    assert worst_state(early) is SlaState.WARNING


def test_each_reading_names_its_clock() -> None:
    """The first-response reading is FIRST_RESPONSE and the resolution reading RESOLUTION."""
    ticket = _ticket((K.CREATED, 0), (K.HANDED_TO_HUMAN, 10))
    assert (_first(ticket, 20).metric, _resolution(ticket, 20).metric) == (
        Metric.FIRST_RESPONSE,
        Metric.RESOLUTION,
    )


def test_a_timeline_entirely_after_now_has_not_started() -> None:
    """Read before its first event, neither clock has started."""
    status = sla_status(
        _ticket((K.CUSTOMER_MESSAGE, 5), (K.HANDED_TO_HUMAN, 40)), HOURLY, now=_at(4)
    )
    assert (status.first_response, status.resolution) == (
        NoClock(metric=Metric.FIRST_RESPONSE, reason=NoClockReason.NOT_STARTED),
        NoClock(metric=Metric.RESOLUTION, reason=NoClockReason.NOT_STARTED),
    )


def test_without_a_creation_event_an_oldest_event_at_or_before_now_starts_the_clock() -> None:
    """One event, read at its own instant or later: the resolution clock runs from it."""
    alone = _ticket((K.CUSTOMER_MESSAGE, 30))
    assert _resolution(alone, 30).started_at == _at(30)
    later_second = _ticket((K.CUSTOMER_MESSAGE, 5), (K.CUSTOMER_MESSAGE, 40))
    assert _resolution(later_second, 30).started_at == _at(5)


def test_a_reply_stops_the_first_response_clock_even_when_a_resolution_follows() -> None:
    """Handed at 10, replied at 20, resolved at 50: the first response stopped at 20."""
    ticket = _ticket(
        (K.CREATED, 0), (K.HANDED_TO_HUMAN, 10), (K.HUMAN_PUBLIC_REPLY, 20), (K.RESOLVED, 50)
    )
    assert _first(ticket, 60).stopped_at == _at(20)
