"""Exact records of ticket commands: timeline entries, events, and every refusal's fields."""

from __future__ import annotations

import attrs
import pytest

from lia_core.domain.tickets import EventKind, TimelineEvent
from lia_core.errors import InvalidTransition, ValidationError
from lia_core.escalation import (
    Change,
    Severity,
    SupportLevel,
    Ticket,
    TicketDeescalated,
    TicketEscalated,
    TicketReassigned,
    TicketStatus,
    deescalate,
    reassign,
)

from .tickets import NOW, open_ticket

TICKET = open_ticket()
N1, N2, N3 = SupportLevel.N1, SupportLevel.N2, SupportLevel.N3


def added(before: Ticket, change: Change) -> tuple[TimelineEvent, ...]:
    """The timeline entries *change* appended to *before*'s timeline."""
    return change.ticket.timeline.events[len(before.timeline.events) :]


def test_reassign_records_queue_agent_severity_and_level_each_with_its_data() -> None:
    """One reassignment records the queue and agent move, the severity and the level, in order."""
    change = reassign(
        TICKET,
        department="noc",
        assignee="carla",
        severity=Severity.CRITICAL,
        level=N3,
        reason=" fibra rompida ",
        by="bruno",
        at=NOW,
    )
    why = "fibra rompida"
    assert added(TICKET, change) == (
        TimelineEvent(
            kind=EventKind.REASSIGNED,
            at=NOW,
            by="bruno",
            reason=why,
            data={
                "from_department": "suporte",
                "to_department": "noc",
                "from_assignee": "",
                "to_assignee": "carla",
            },
        ),
        TimelineEvent(
            kind=EventKind.SEVERITY_CHANGED,
            at=NOW,
            by="bruno",
            reason=why,
            data={"from": "high", "to": "critical"},
        ),
        TimelineEvent(
            kind=EventKind.ESCALATED,
            at=NOW,
            by="bruno",
            reason=why,
            data={"from": "N1", "to": "N3"},
        ),
    )
    assert change.events == (
        TicketReassigned(
            ticket_id="t-1",
            from_department="suporte",
            to_department="noc",
            from_assignee=None,
            to_assignee="carla",
            from_severity=Severity.HIGH,
            to_severity=Severity.CRITICAL,
            reason=why,
            by="bruno",
            at=NOW,
        ),
        TicketEscalated(
            ticket_id="t-1", from_level=N1, to_level=N3, reason=why, by="bruno", at=NOW
        ),
    )
    assert attrs.evolve(change.ticket, timeline=TICKET.timeline) == attrs.evolve(
        TICKET,
        department="noc",
        assignee="carla",
        severity=Severity.CRITICAL,
        level=N3,
        escalation_reason=why,
        escalated_at=NOW,
        escalated_by="bruno",
    )


def test_reassign_unassigning_records_the_agent_as_empty_text() -> None:
    """Taking the agent off records from the agent to "" and reports from the agent to None."""
    held = attrs.evolve(TICKET, assignee="ana")
    change = reassign(held, assignee=None, by="bruno", at=NOW)
    assert added(held, change) == (
        TimelineEvent(
            kind=EventKind.REASSIGNED,
            at=NOW,
            by="bruno",
            reason=None,
            data={"from_assignee": "ana", "to_assignee": ""},
        ),
    )
    assert change.events == (
        TicketReassigned(
            ticket_id="t-1",
            from_department="suporte",
            to_department="suporte",
            from_assignee="ana",
            to_assignee=None,
            from_severity=Severity.HIGH,
            to_severity=Severity.HIGH,
            reason=None,
            by="bruno",
            at=NOW,
        ),
    )
    assert attrs.evolve(change.ticket, timeline=held.timeline) == TICKET


def test_reassign_of_the_severity_alone_records_only_the_severity() -> None:
    """A severity change alone records no queue move, only SEVERITY_CHANGED with its reason."""
    change = reassign(TICKET, severity=Severity.LOW, reason="contornado", by="bruno", at=NOW)
    assert added(TICKET, change) == (
        TimelineEvent(
            kind=EventKind.SEVERITY_CHANGED,
            at=NOW,
            by="bruno",
            reason="contornado",
            data={"from": "high", "to": "low"},
        ),
    )
    assert [type(e) for e in change.events] == [TicketReassigned]


@pytest.mark.parametrize(
    ("start", "level", "event_type", "kind"),
    [
        (N1, N2, TicketEscalated, EventKind.ESCALATED),
        (N3, N2, TicketDeescalated, EventKind.DEESCALATED),
    ],
)
def test_reassign_of_the_level_alone_is_only_a_level_move(
    start: SupportLevel,
    level: SupportLevel,
    event_type: type[TicketEscalated | TicketDeescalated],
    kind: EventKind,
) -> None:
    """A level change alone emits only the move, by the actor, and no TicketReassigned."""
    ticket = (
        TICKET
        if start is N1
        else attrs.evolve(
            TICKET, level=start, escalation_reason="Anatel", escalated_at=NOW, escalated_by="ana"
        )
    )
    change = reassign(ticket, level=level, reason="triagem", by="bruno", at=NOW)
    assert change.events == (
        event_type(
            ticket_id="t-1", from_level=start, to_level=level, reason="triagem", by="bruno", at=NOW
        ),
    )
    assert added(ticket, change) == (
        TimelineEvent(
            kind=kind,
            at=NOW,
            by="bruno",
            reason="triagem",
            data={"from": start.value, "to": level.value},
        ),
    )
    assert change.ticket.level is level
    assert change.ticket.escalated_by == ("bruno" if start is N1 else "ana")


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"department": " "}, "department", "department must not be blank"),
        ({"assignee": ""}, "assignee", "assignee must not be blank"),
        ({"level": N2}, "reason", "changing the level needs a reason"),
    ],
)
def test_reassign_refuses_bad_input_naming_the_field(
    kwargs: dict[str, object], field: str, message: str
) -> None:
    """A blank department or agent, or a level change without reason, names its field."""
    with pytest.raises(ValidationError) as caught:
        reassign(TICKET, by="ana", at=NOW, **kwargs)  # type: ignore[arg-type]
    assert (type(caught.value), caught.value.field, str(caught.value)) == (
        ValidationError,
        field,
        message,
    )


def test_refusals_of_a_closed_ticket_name_the_ticket_action_and_status() -> None:
    """A closed ticket refuses reassign and de-escalate with an InvalidTransition saying why."""
    closed = attrs.evolve(TICKET, level=N2, status=TicketStatus.CLOSED)
    with pytest.raises(InvalidTransition) as reassigning:
        reassign(closed, department="noc", by="ana", at=NOW)
    with pytest.raises(InvalidTransition) as deescalating:
        deescalate(closed, reason="x", by="ana", at=NOW)
    refusals = [
        (e.entity, e.entity_id, e.action, e.status, str(e))
        for e in (reassigning.value, deescalating.value)
    ]
    assert refusals == [
        ("ticket", "t-1", "reassign", "closed", "cannot reassign ticket t-1: it is closed"),
        ("ticket", "t-1", "de-escalate", "closed", "cannot de-escalate ticket t-1: it is closed"),
    ]


def test_deescalate_at_n1_names_the_action() -> None:
    """De-escalating an N1 ticket says it cannot de-escalate it, already at N1."""
    with pytest.raises(InvalidTransition) as caught:
        deescalate(TICKET, reason="x", by="ana", at=NOW)
    assert (caught.value.action, str(caught.value)) == (
        "de-escalate",
        "cannot de-escalate ticket t-1: it is already at N1",
    )
