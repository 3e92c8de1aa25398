"""The SLA clock: bot-first starts, pauses, deadlines, states and outcomes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
from hypothesis import given
from hypothesis import strategies as st

from lia_core.sla import (
    BusinessCalendar,
    ClockReading,
    EventKind,
    Metric,
    NoClock,
    NoClockReason,
    Outcome,
    PolicyBook,
    PolicyRule,
    Priority,
    Severity,
    SlaPolicy,
    SlaState,
    SlaTargets,
    Target,
    Ticket,
    TicketFacts,
    TimelineEvent,
    WeeklyHours,
    read_clock,
    sla_status,
    worst_state,
)
from lia_core.testing.sla import sla_policies, ticket_timelines

from .clocks import one_hour_clock
from .oracle import PROPERTIES

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
OFFICE = BusinessCalendar(hours=WeeklyHours.of({d: "08:00-18:00" for d in range(5)}))
POLICY = SlaPolicy(
    name="standard",
    calendar=OFFICE,
    by_priority={
        Priority.MEDIUM: SlaTargets(
            first_response=Target.business(60), resolution=Target.business(8 * 60)
        ),
        Priority.URGENT: SlaTargets(
            first_response=Target.calendar(15), resolution=Target.calendar(4 * 60)
        ),
    },
    by_severity={Severity.CRITICAL: SlaTargets(first_response=Target.calendar(10))},
)
MONDAY_9 = datetime(2026, 5, 4, 9, 0, tzinfo=SAO_PAULO)
NO_STOP = tuple(k for k in EventKind if k not in (EventKind.HUMAN_PUBLIC_REPLY, EventKind.RESOLVED))
NO_WAIT = tuple(
    k for k in EventKind if k not in (EventKind.WAITING_CUSTOMER_ON, EventKind.WAITING_CUSTOMER_OFF)
)


def _at(minutes: int) -> datetime:
    return MONDAY_9 + timedelta(minutes=minutes)


def _timeline(*events: tuple[EventKind, int], priority: Priority = Priority.MEDIUM) -> Ticket:
    return Ticket(
        id="t-1",
        department="suporte",
        priority=priority,
        severity=Severity.LOW,
        opened_at=_at(events[0][1]) if events else MONDAY_9,
        timeline=tuple(TimelineEvent(kind=k, at=_at(m)) for k, m in events),
    )


def _readings(ticket: Ticket, policy: SlaPolicy, now: datetime) -> list[ClockReading | NoClock]:
    status = sla_status(ticket, policy, now=now)
    return [status.first_response, status.resolution]


@PROPERTIES
@given(ticket_timelines(), sla_policies(), st.integers(0, 5 * 24 * 60), st.integers(0, 5 * 24 * 60))
def test_consumption_never_goes_back_as_now_advances(
    ticket: Ticket, policy: SlaPolicy, later: int, more: int
) -> None:
    """Elapsed time and fraction consumed never decrease when `now` moves forward."""
    first = ticket.timeline.events[0].at + timedelta(minutes=later)
    second = first + timedelta(minutes=more)
    for before, after in zip(
        _readings(ticket, policy, first), _readings(ticket, policy, second), strict=True
    ):
        if isinstance(before, ClockReading):
            assert isinstance(after, ClockReading)
            assert before.elapsed <= after.elapsed
            assert before.fraction <= after.fraction


@PROPERTIES
@given(
    ticket_timelines(kinds=NO_WAIT),
    sla_policies(),
    st.integers(0, 3 * 24 * 60),
    st.integers(0, 3 * 24 * 60),
    st.integers(0, 6 * 24 * 60),
)
def test_pausing_never_moves_a_due_time_earlier(
    ticket: Ticket, policy: SlaPolicy, pause_at: int, pause_for: int, later: int
) -> None:
    """Adding a wait on the customer leaves every due time where it was or later."""
    policy = attrs.evolve(policy, pause_while_waiting=True)
    start = ticket.timeline.events[0].at
    paused = attrs.evolve(
        ticket,
        timeline=(
            *ticket.timeline.events,
            TimelineEvent(
                kind=EventKind.WAITING_CUSTOMER_ON, at=start + timedelta(minutes=pause_at)
            ),
            TimelineEvent(
                kind=EventKind.WAITING_CUSTOMER_OFF,
                at=start + timedelta(minutes=pause_at + pause_for),
            ),
        ),
    )
    now = start + timedelta(minutes=later)
    for plain, waited in zip(
        _readings(ticket, policy, now), _readings(paused, policy, now), strict=True
    ):
        if isinstance(plain, ClockReading):
            assert isinstance(waited, ClockReading)
            assert waited.due_at >= plain.due_at
            assert waited.elapsed <= plain.elapsed


@PROPERTIES
@given(ticket_timelines(kinds=NO_STOP), sla_policies(), st.integers(0, 6 * 24 * 60))
def test_bot_replies_and_private_notes_never_stop_the_first_response_clock(
    ticket: Ticket, policy: SlaPolicy, later: int
) -> None:
    """Without a human public reply the first-response clock is not started or still running."""
    now = ticket.timeline.events[-1].at + timedelta(minutes=later)
    first = sla_status(ticket, policy, now=now).first_response
    if isinstance(first, NoClock):
        assert first.reason is NoClockReason.NOT_STARTED
        assert ticket.timeline.first(EventKind.HANDED_TO_HUMAN) is None
    else:
        assert first.outcome is None
        assert first.stopped_at is None


@PROPERTIES
@given(ticket_timelines(), sla_policies(), st.lists(st.integers(0, 3 * 24 * 60), max_size=4))
def test_bot_replies_and_private_notes_change_nothing(
    ticket: Ticket, policy: SlaPolicy, offsets: list[int]
) -> None:
    """Adding bot replies and private notes anywhere leaves the status identical."""
    start = ticket.timeline.events[0].at
    noisy = attrs.evolve(
        ticket,
        timeline=(
            *ticket.timeline.events,
            *(
                TimelineEvent(
                    kind=(EventKind.BOT_REPLY, EventKind.PRIVATE_NOTE)[i % 2],
                    at=start + timedelta(minutes=m),
                )
                for i, m in enumerate(offsets)
            ),
        ),
    )
    now = ticket.timeline.events[-1].at + timedelta(days=1)
    assert sla_status(noisy, policy, now=now) == sla_status(ticket, policy, now=now)


@PROPERTIES
@given(ticket_timelines(), sla_policies(), st.integers(0, 6 * 24 * 60))
def test_state_follows_the_fraction_consumed(ticket: Ticket, policy: SlaPolicy, later: int) -> None:
    """A running clock is breached from fraction 1, in warning from the policy's threshold."""
    now = ticket.timeline.events[0].at + timedelta(minutes=later)
    for reading in _readings(ticket, policy, now):
        if not isinstance(reading, ClockReading) or reading.outcome is not None:
            continue
        if reading.fraction >= 1:
            assert reading.state is SlaState.BREACHED
            assert reading.due_at <= now or reading.paused
        elif reading.fraction >= policy.warning_at:
            assert reading.state is SlaState.WARNING
        else:
            assert reading.state is SlaState.OK


@PROPERTIES
@given(ticket_timelines(), sla_policies())
def test_outage_gate_contacts_start_no_clock(ticket: Ticket, policy: SlaPolicy) -> None:
    """A contact answered by the outage gate has no clock, whatever happened after."""
    gated = attrs.evolve(ticket, answered_by_outage_gate=True)
    status = sla_status(gated, policy, now=ticket.timeline.events[-1].at)
    assert status.first_response == NoClock(
        metric=Metric.FIRST_RESPONSE, reason=NoClockReason.OUTAGE_GATE
    )
    assert status.resolution == NoClock(metric=Metric.RESOLUTION, reason=NoClockReason.OUTAGE_GATE)
    assert worst_state(status) is None


def test_first_response_starts_at_the_handoff_and_stops_at_a_human_reply() -> None:
    """Bot time is free; the human answers 40 working minutes after the handoff: a hit."""
    ticket = _timeline(
        (EventKind.CREATED, 0),
        (EventKind.BOT_REPLY, 1),
        (EventKind.HANDED_TO_HUMAN, 30),
        (EventKind.PRIVATE_NOTE, 50),
        (EventKind.HUMAN_PUBLIC_REPLY, 70),
    )
    first = sla_status(ticket, POLICY, now=_at(500)).first_response
    assert isinstance(first, ClockReading)
    assert first.started_at == _at(30)
    assert first.due_at == _at(90)
    assert first.elapsed == timedelta(minutes=40)
    assert first.outcome is Outcome.HIT
    assert first.state is SlaState.OK  # 40 of 60 minutes is below the 0.7 warning line


def test_a_late_human_reply_is_a_miss_counted_in_business_time() -> None:
    """Handed over Monday 17:30, answered Tuesday 08:45: 75 working minutes against 60."""
    ticket = _timeline(
        (EventKind.CREATED, 0),
        (EventKind.HANDED_TO_HUMAN, 8 * 60 + 30),
        (EventKind.HUMAN_PUBLIC_REPLY, 23 * 60 + 45),
    )
    first = sla_status(ticket, POLICY, now=_at(2 * 24 * 60)).first_response
    assert isinstance(first, ClockReading)
    assert first.elapsed == timedelta(minutes=75)
    assert first.due_at == _at(23 * 60 + 30)  # Tuesday 08:30
    assert first.outcome is Outcome.MISS
    assert first.state is SlaState.BREACHED


def test_waiting_on_the_customer_pauses_and_reports_paused() -> None:
    """Two hours waiting on the customer push the resolution due time two hours later."""
    ticket = _timeline(
        (EventKind.CREATED, 0),
        (EventKind.WAITING_CUSTOMER_ON, 60),
        (EventKind.WAITING_CUSTOMER_OFF, 180),
    )
    reading = sla_status(ticket, POLICY, now=_at(240)).resolution
    assert isinstance(reading, ClockReading)
    assert reading.elapsed == timedelta(minutes=120)
    assert reading.due_at == _at(24 * 60)  # 8 h from Monday 09:00 plus 2 h paused: Tuesday 09:00
    waiting = sla_status(ticket, POLICY, now=_at(120))
    assert isinstance(waiting.resolution, ClockReading)
    assert waiting.resolution.paused
    no_pause = attrs.evolve(POLICY, pause_while_waiting=False)
    counted = sla_status(ticket, no_pause, now=_at(240)).resolution
    assert isinstance(counted, ClockReading)
    assert counted.elapsed == timedelta(minutes=240)


def test_an_explicit_deadline_overrides_the_resolution_target() -> None:
    """A deadline 30 minutes after creation is the due time, whatever the policy says."""
    ticket = attrs.evolve(_timeline((EventKind.CREATED, 0)), deadline=_at(30))
    reading = sla_status(ticket, POLICY, now=_at(24)).resolution
    assert isinstance(reading, ClockReading)
    assert reading.due_at == _at(30)
    assert reading.state is SlaState.WARNING
    late = sla_status(ticket, POLICY, now=_at(31)).resolution
    assert isinstance(late, ClockReading)
    assert late.state is SlaState.BREACHED


def test_severity_overrides_and_calendar_minutes() -> None:
    """A critical ticket gets the 10 calendar-minute first response even outside hours."""
    saturday = datetime(2026, 5, 9, 22, 0, tzinfo=SAO_PAULO)
    ticket = Ticket(
        id="t-2",
        department="suporte",
        priority=Priority.MEDIUM,
        severity=Severity.CRITICAL,
        opened_at=saturday,
        timeline=(
            TimelineEvent(kind=EventKind.CREATED, at=saturday),
            TimelineEvent(kind=EventKind.HANDED_TO_HUMAN, at=saturday),
        ),
    )
    status = sla_status(ticket, POLICY, now=saturday + timedelta(minutes=8))
    assert isinstance(status.first_response, ClockReading)
    assert status.first_response.due_at == saturday + timedelta(minutes=10)
    assert status.first_response.state is SlaState.WARNING
    assert isinstance(status.resolution, ClockReading)
    assert status.resolution.elapsed == timedelta(0)  # business hours: Saturday is off
    assert worst_state(status) is SlaState.WARNING


def test_warning_threshold_is_configurable() -> None:
    """With warning_at 0.5, half the target consumed is a warning."""
    ticket = _timeline((EventKind.CREATED, 0), (EventKind.HANDED_TO_HUMAN, 0))
    strict = attrs.evolve(POLICY, warning_at=0.5)
    assert isinstance(first := sla_status(ticket, strict, now=_at(30)).first_response, ClockReading)
    assert first.state is SlaState.WARNING
    assert isinstance(first := sla_status(ticket, POLICY, now=_at(30)).first_response, ClockReading)
    assert first.state is SlaState.OK


def test_missing_targets_and_missing_handoff_start_no_clock() -> None:
    """A priority without targets and a ticket still with the bot report why no clock runs."""
    ticket = _timeline((EventKind.CREATED, 0), priority=Priority.LOW)
    status = sla_status(ticket, POLICY, now=_at(10))
    assert status.first_response == NoClock(
        metric=Metric.FIRST_RESPONSE, reason=NoClockReason.NO_TARGET
    )
    bot_only = sla_status(_timeline((EventKind.CREATED, 0)), POLICY, now=_at(10))
    assert bot_only.first_response == NoClock(
        metric=Metric.FIRST_RESPONSE, reason=NoClockReason.NOT_STARTED
    )


def test_policy_selection_is_ordered_with_a_fallback() -> None:
    """The first matching rule wins; nothing matching gives the fallback."""
    vip = attrs.evolve(POLICY, name="vip")
    urgent = attrs.evolve(POLICY, name="urgent")
    fallback = attrs.evolve(POLICY, name="fallback")
    book = PolicyBook(
        rules=(
            PolicyRule(policy=vip, vip=True),
            PolicyRule(policy=urgent, priorities=frozenset({Priority.URGENT, Priority.HIGH})),
        ),
        fallback=fallback,
    )
    assert book.select(TicketFacts(priority=Priority.URGENT, vip=True)) is vip
    assert book.select(TicketFacts(priority=Priority.URGENT)) is urgent
    assert book.select(TicketFacts(priority=Priority.LOW, department="financeiro")) is fallback


def test_events_after_now_are_ignored() -> None:
    """A reply recorded after `now` does not stop the clock read at `now`."""
    ticket = _timeline(
        (EventKind.CREATED, 0), (EventKind.HANDED_TO_HUMAN, 0), (EventKind.HUMAN_PUBLIC_REPLY, 50)
    )
    first = sla_status(ticket, POLICY, now=_at(20)).first_response
    assert isinstance(first, ClockReading)
    assert first.outcome is None
    assert first.elapsed == timedelta(minutes=20)
    assert first.due_at.tzinfo is UTC


def test_read_clock_agrees_with_sla_status() -> None:
    """Reading one clock from explicit instants gives what sla_status gives for the ticket."""
    ticket = _timeline(
        (EventKind.CREATED, 0),
        (EventKind.WAITING_CUSTOMER_ON, 30),
        (EventKind.WAITING_CUSTOMER_OFF, 90),
        (EventKind.WAITING_CUSTOMER_ON, 120),
    )
    assert ticket.timeline.waiting_spans() == ((_at(30), _at(90)), (_at(120), None))
    direct = read_clock(
        metric=Metric.RESOLUTION,
        started_at=_at(0),
        stopped_at=None,
        pauses=ticket.timeline.waiting_spans(),
        target=Target.business(8 * 60),
        calendar=OFFICE,
        now=_at(150),
    )
    assert direct == sla_status(ticket, POLICY, now=_at(150)).resolution
    assert direct.paused
    assert direct.elapsed == timedelta(minutes=60)
    assert sla_status(ticket.until(_at(100)), POLICY, now=_at(150)).resolution != direct


def test_read_clock_stops_at_the_stop_and_reports_its_outcome() -> None:
    """A stopped clock counts up to the stop, whatever `now` is, and says HIT or MISS."""
    hit = one_hour_clock(500, stopped_at=_at(40))
    assert (hit.elapsed, hit.outcome, hit.stopped_at) == (
        timedelta(minutes=40),
        Outcome.HIT,
        _at(40),
    )
    miss = one_hour_clock(500, stopped_at=_at(61))
    assert (miss.outcome, miss.state, miss.stopped_at) == (Outcome.MISS, SlaState.BREACHED, _at(61))
    running = one_hour_clock(30, stopped_at=_at(40))  # the stop is after now: still running at now
    assert (running.elapsed, running.outcome, running.stopped_at) == (
        timedelta(minutes=30),
        None,
        None,
    )


def test_read_clock_warns_at_seventy_percent_by_default() -> None:
    """The default warning threshold is 0.7 of the target; a caller may set another."""
    assert one_hour_clock(41).state is SlaState.OK
    assert one_hour_clock(42).state is SlaState.WARNING
    assert one_hour_clock(42, warning_at=0.9).state is SlaState.OK


def test_read_clock_with_a_deadline_counts_wall_time_to_it() -> None:
    """An explicit deadline replaces the target: due then, the fraction of the wall time."""
    reading = one_hour_clock(20, deadline=_at(30))
    assert reading.due_at == _at(30)
    assert reading.target == timedelta(minutes=30)
    assert reading.fraction == 20 / 30
    assert one_hour_clock(31, deadline=_at(30)).state is SlaState.BREACHED


def test_a_deadline_runs_a_resolution_clock_where_the_policy_sets_no_target() -> None:
    """A priority without targets: no resolution clock, unless the ticket has its own deadline."""
    untargeted = _timeline((EventKind.CREATED, 0), priority=Priority.LOW)
    assert sla_status(untargeted, POLICY, now=_at(10)).resolution == NoClock(
        metric=Metric.RESOLUTION, reason=NoClockReason.NO_TARGET
    )
    dated = attrs.evolve(untargeted, deadline=_at(30))
    reading = sla_status(dated, POLICY, now=_at(10)).resolution
    assert isinstance(reading, ClockReading)
    assert (reading.due_at, reading.state) == (_at(30), SlaState.OK)


def test_a_pause_after_the_due_time_does_not_move_it() -> None:
    """Due 4 calendar hours after creation; a wait begun after that leaves the due time alone."""
    ticket = _timeline(
        (EventKind.CREATED, 0),
        (EventKind.WAITING_CUSTOMER_ON, 300),
        (EventKind.WAITING_CUSTOMER_OFF, 360),
        priority=Priority.URGENT,
    )
    reading = sla_status(ticket, POLICY, now=_at(400)).resolution
    assert isinstance(reading, ClockReading)
    assert (reading.due_at, reading.state) == (_at(240), SlaState.BREACHED)
    assert reading.elapsed == timedelta(minutes=340)
