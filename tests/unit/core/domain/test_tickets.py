"""The ticket aggregate: its timeline grows in time order and its status follows TRANSITIONS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from lia_core.domain.recipients import Phone
from lia_core.domain.tickets import (
    TRANSITIONS,
    EventKind,
    Priority,
    Severity,
    SupportLevel,
    Ticket,
    TicketStatus,
    Timeline,
    TimelineEvent,
)
from lia_core.errors import InvalidTransition, ValidationError

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def _opened() -> Ticket:
    return Ticket.open(
        id="T-1", department="suporte", priority=Priority.MEDIUM, severity=Severity.LOW, at=T0
    )


def test_open_records_created_and_waits_in_the_queue() -> None:
    """A new ticket is open, unversioned, and its timeline starts with created at the open time."""
    ticket = _opened()
    assert ticket.status is TicketStatus.OPEN
    assert ticket.version == 0
    assert [(e.kind, e.at) for e in ticket.timeline.events] == [(EventKind.CREATED, T0)]


def test_recording_follows_the_transition_table() -> None:
    """Waiting, answering, resolving and reopening move the status as TRANSITIONS says."""
    ticket = _opened().record(EventKind.WAITING_CUSTOMER_ON, at=T0 + timedelta(minutes=5))
    assert ticket.status is TicketStatus.WAITING_CUSTOMER
    ticket = ticket.record(EventKind.WAITING_CUSTOMER_OFF, at=T0 + timedelta(minutes=9))
    assert ticket.status is TicketStatus.OPEN
    ticket = ticket.record(EventKind.RESOLVED, at=T0 + timedelta(minutes=20), by="ana")
    assert ticket.status is TicketStatus.RESOLVED
    assert ticket.timeline.events[-1].by == "ana"
    reopened = ticket.record(EventKind.REOPENED, at=T0 + timedelta(hours=2), reason="voltou")
    assert reopened.status is TicketStatus.OPEN
    assert reopened.timeline.events[-1].reason == "voltou"


def test_a_refused_event_raises_and_changes_nothing() -> None:
    """A public reply to a resolved ticket is an InvalidTransition naming the event and status."""
    resolved = _opened().record(EventKind.RESOLVED, at=T0 + timedelta(minutes=1))
    with pytest.raises(InvalidTransition) as caught:
        resolved.record(EventKind.HUMAN_PUBLIC_REPLY, at=T0 + timedelta(minutes=2))
    assert (caught.value.action, caught.value.status) == ("human_public_reply", "resolved")
    assert resolved.can_record(EventKind.PRIVATE_NOTE)
    assert len(resolved.timeline.events) == 2


def test_a_late_event_is_slotted_in_time_order() -> None:
    """An event older than the last one (a delayed callback) lands in its place, after equals."""
    ticket = _opened().record(EventKind.BOT_REPLY, at=T0 + timedelta(minutes=10))
    late = ticket.record(EventKind.HANDED_TO_HUMAN, at=T0 + timedelta(minutes=3))
    tie = late.record(EventKind.PRIVATE_NOTE, at=T0 + timedelta(minutes=3))
    kinds = [e.kind for e in tie.timeline.events]
    assert kinds == [
        EventKind.CREATED,
        EventKind.HANDED_TO_HUMAN,
        EventKind.PRIVATE_NOTE,
        EventKind.BOT_REPLY,
    ]


def test_a_tuple_of_events_is_sorted_into_a_timeline() -> None:
    """Built from events in any order, the timeline is oldest first; a Timeline passes through."""
    later = TimelineEvent(kind=EventKind.BOT_REPLY, at=T0 + timedelta(minutes=1))
    first = TimelineEvent(kind=EventKind.CREATED, at=T0)
    ticket = attrs.evolve(_opened(), timeline=(later, first))
    assert ticket.timeline.events == (first, later)
    timeline = Timeline((first, later))
    assert attrs.evolve(ticket, timeline=timeline).timeline is timeline


def test_an_empty_id_or_naive_instant_is_refused() -> None:
    """A blank id and a naive event time are ValidationErrors naming the field."""
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(_opened(), id=" ")
    assert caught.value.field == "id"
    with pytest.raises(ValidationError) as naive:
        _opened().record(EventKind.BOT_REPLY, at=datetime(2026, 5, 4, 10, 0))
    assert naive.value.field == "at"


class TicketLifecycle(RuleBasedStateMachine):
    """Any sequence of events: the status is the table's, refusals change nothing, time only grows."""

    def __init__(self) -> None:
        super().__init__()
        self.ticket = _opened()
        self.model = TicketStatus.OPEN
        self.now = T0

    @rule(kind=st.sampled_from(EventKind), minutes=st.integers(0, 90))
    def record(self, kind: EventKind, minutes: int) -> None:
        """Record *kind* a little later; the model says whether it is allowed and where it leads."""
        self.now += timedelta(minutes=minutes)
        if kind in TRANSITIONS:
            allowed, target = TRANSITIONS[kind]
            ok, after = self.model in allowed, target
        else:
            ok = not self.model.is_final or kind in (EventKind.PRIVATE_NOTE, EventKind.SLA_MET)
            after = self.model
        before = self.ticket
        if ok:
            self.ticket = self.ticket.record(kind, at=self.now)
            self.model = after
            assert len(self.ticket.timeline.events) == len(before.timeline.events) + 1
        else:
            with pytest.raises(InvalidTransition):
                self.ticket.record(kind, at=self.now)

    @invariant()
    def status_matches_the_model(self) -> None:
        """The aggregate's status is the model's."""
        assert self.ticket.status is self.model

    @invariant()
    def timeline_is_in_time_order(self) -> None:
        """Appends never break the order the SLA clock relies on."""
        epochs = [e.epoch for e in self.ticket.timeline.events]
        assert epochs == sorted(epochs)


TestTicketLifecycle = TicketLifecycle.TestCase


@given(st.lists(st.integers(0, 600), min_size=1, max_size=20))
def test_appending_in_any_order_equals_sorting(offsets: list[int]) -> None:
    """Appending events one by one gives the same timeline as sorting them all at once."""
    events = [
        TimelineEvent(kind=EventKind.PRIVATE_NOTE, at=T0 + timedelta(minutes=m)) for m in offsets
    ]
    grown = Timeline()
    for event in events:
        grown = grown.appended(event)
    assert grown == Timeline(tuple(events))


def test_a_ticket_at_n1_carries_no_escalation_record() -> None:
    """An escalation reason on an N1 ticket is refused naming it and saying why."""
    with pytest.raises(ValidationError) as refused:
        attrs.evolve(_opened(), escalation_reason="Anatel", escalated_at=T0)
    assert (refused.value.field, str(refused.value)) == (
        "escalation_reason",
        "a ticket at N1 has no escalation record",
    )


def _events(*kinds_at: tuple[EventKind, int]) -> Timeline:
    return Timeline(tuple(TimelineEvent(kind=k, at=T0 + timedelta(minutes=m)) for k, m in kinds_at))


def test_waiting_spans_open_and_close_only_on_their_own_events() -> None:
    """Other events neither open nor close a span; a span closed at the instant it opened
    is no wait; one still open ends in None."""
    timeline = _events(
        (EventKind.CREATED, 0),
        (EventKind.WAITING_CUSTOMER_ON, 1),
        (EventKind.BOT_REPLY, 2),
        (EventKind.WAITING_CUSTOMER_OFF, 3),
        (EventKind.WAITING_CUSTOMER_ON, 5),
        (EventKind.WAITING_CUSTOMER_OFF, 5),
        (EventKind.PRIVATE_NOTE, 6),
    )
    minute = timedelta(minutes=1)
    assert timeline.waiting_spans() == ((T0 + minute, T0 + 3 * minute),)
    still = _events((EventKind.CREATED, 0), (EventKind.WAITING_CUSTOMER_ON, 1))
    assert still.waiting_spans() == ((T0 + minute, None),)


def test_until_keeps_an_event_at_that_very_instant() -> None:
    """The timeline as known at *now* holds what happened at *now*, not what came after."""
    timeline = _events((EventKind.CREATED, 0), (EventKind.BOT_REPLY, 1), (EventKind.BOT_REPLY, 2))
    kept = timeline.until(T0 + timedelta(minutes=1)).events
    assert [e.at for e in kept] == [T0, T0 + timedelta(minutes=1)]


def test_since_last_is_what_came_after_the_latest_event_of_a_kind() -> None:
    """The events after the latest one of the kind; all when there is none; none after the last."""
    kinds = [
        EventKind.CREATED,
        EventKind.CUSTOMER_MESSAGE,
        EventKind.ESCALATED,
        EventKind.BOT_REPLY,
        EventKind.ESCALATED,
        EventKind.CUSTOMER_MESSAGE,
        EventKind.BOT_REPLY,
    ]
    events = tuple(
        TimelineEvent(kind=kind, at=T0 + timedelta(minutes=i)) for i, kind in enumerate(kinds)
    )
    timeline = Timeline(events)
    assert timeline.since_last(EventKind.ESCALATED) == events[5:]
    assert timeline.since_last(EventKind.CUSTOMER_MESSAGE) == events[6:]
    assert timeline.since_last(EventKind.BOT_REPLY) == ()
    assert timeline.since_last(EventKind.CREATED) == events[1:]
    assert timeline.since_last(EventKind.RESOLVED) == events
    assert Timeline(()).since_last(EventKind.CREATED) == ()


def test_open_keeps_every_field_it_is_given() -> None:
    """Each optional field given to open is on the ticket as given."""
    ticket = Ticket.open(
        id="T-9",
        department="fibra",
        priority=Priority.HIGH,
        severity=Severity.HIGH,
        at=T0,
        subject="Sem sinal",
        level=SupportLevel.N2,
        assignee="ana",
        vip=True,
        conversation_id="c-9",
        contact=Phone("5521999990001"),
        failure_id="f-1",
        sla_policy="ouro",
        by="bot",
        reason="triagem",
    )
    assert (ticket.subject, ticket.level, ticket.assignee, ticket.vip) == (
        "Sem sinal",
        SupportLevel.N2,
        "ana",
        True,
    )
    assert (ticket.conversation_id, ticket.contact, ticket.failure_id, ticket.sla_policy) == (
        "c-9",
        Phone("5521999990001"),
        "f-1",
        "ouro",
    )
    created = ticket.timeline.events[0]
    assert (created.kind, created.at, created.by, created.reason) == (
        EventKind.CREATED,
        T0,
        "bot",
        "triagem",
    )
