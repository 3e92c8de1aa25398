"""Ticket commands: each returns the new ticket and its events, or refuses and changes nothing."""

from __future__ import annotations

import copy
from collections.abc import Callable

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lia_core.domain.tickets import EventKind
from lia_core.errors import DomainError, InvalidTransition, LiaError, ValidationError
from lia_core.escalation import (
    KEEP,
    Change,
    NothingToChange,
    Priority,
    PriorityChanged,
    Severity,
    SupportLevel,
    Ticket,
    TicketDeescalated,
    TicketEscalated,
    TicketReassigned,
    TicketStatus,
    deescalate,
    escalate,
    reassign,
    set_priority,
)
from lia_core.testing.escalation import tickets

from .oracle import PROPERTIES
from .tickets import NOW, open_ticket

TICKET = open_ticket()
N1, N2, N3 = SupportLevel.N1, SupportLevel.N2, SupportLevel.N3


def test_escalate_moves_up_one_level_and_records_why() -> None:
    """Escalating an N1 ticket gives N2 with the reason and time, and one TicketEscalated."""
    change = escalate(TICKET, reason="sem sinal após reset", by="ana", at=NOW)
    assert attrs.evolve(change.ticket, timeline=TICKET.timeline) == attrs.evolve(
        TICKET,
        level=N2,
        escalation_reason="sem sinal após reset",
        escalated_at=NOW,
        escalated_by="ana",
    )
    last = change.ticket.timeline.events[-1]
    assert (last.kind, last.by, last.reason, dict(last.data)) == (
        EventKind.ESCALATED,
        "ana",
        "sem sinal após reset",
        {"from": "N1", "to": "N2"},
    )
    assert change.events == (
        TicketEscalated(
            ticket_id="t-1",
            from_level=N1,
            to_level=N2,
            reason="sem sinal após reset",
            by="ana",
            at=NOW,
        ),
    )


def test_escalate_to_a_named_level_skips_levels() -> None:
    """Escalating to N3 from N1 goes straight there."""
    assert escalate(TICKET, to=N3, reason="Procon", by="ana", at=NOW).ticket.level is N3


@pytest.mark.parametrize(
    ("ticket", "to", "message"),
    [
        (attrs.evolve(TICKET, level=N3), None, "already at N3"),
        (attrs.evolve(TICKET, level=N2), N2, "at N2, not below N2"),
        (attrs.evolve(TICKET, level=N2), N1, "at N2, not below N1"),
        (attrs.evolve(TICKET, status=TicketStatus.CLOSED), None, "it is closed"),
    ],
)
def test_escalate_refuses_invalid_moves(
    ticket: Ticket, to: SupportLevel | None, message: str
) -> None:
    """Never above N3, never to a level not above the current one, never once closed."""
    with pytest.raises(InvalidTransition, match=message):
        escalate(ticket, to=to, reason="x", by="ana", at=NOW)


def test_escalate_needs_a_reason_an_actor_and_an_aware_time() -> None:
    """A blank reason or actor, or a naive time, is a ValidationError naming the field."""
    for kwargs, field in (
        ({"reason": "  ", "by": "ana", "at": NOW}, "reason"),
        ({"reason": "x", "by": "", "at": NOW}, "by"),
        ({"reason": "x", "by": "ana", "at": NOW.replace(tzinfo=None)}, "at"),
    ):
        with pytest.raises(ValidationError) as caught:
            escalate(TICKET, **kwargs)  # type: ignore[arg-type]
        assert caught.value.field == field


def test_deescalate_back_to_n1_clears_the_escalation_record() -> None:
    """N3 → N2 keeps the last escalation's reason; N2 → N1 clears it."""
    at_n3 = escalate(TICKET, to=N3, reason="Anatel", by="ana", at=NOW).ticket
    at_n2 = deescalate(at_n3, reason="resolvido em campo", by="bruno", at=NOW).ticket
    assert (at_n2.level, at_n2.escalation_reason) == (N2, "Anatel")
    change = deescalate(at_n2, reason="volta ao N1", by="bruno", at=NOW)
    assert attrs.evolve(change.ticket, timeline=TICKET.timeline) == TICKET
    assert [e.kind for e in change.ticket.timeline.since_last(EventKind.CREATED)] == [
        EventKind.ESCALATED,
        EventKind.DEESCALATED,
        EventKind.DEESCALATED,
    ]
    moves = [e.data for e in change.ticket.timeline.since_last(EventKind.CREATED)]
    assert moves == [
        {"from": "N1", "to": "N3"},
        {"from": "N3", "to": "N2"},
        {"from": "N2", "to": "N1"},
    ]
    assert change.events == (
        TicketDeescalated(
            ticket_id="t-1", from_level=N2, to_level=N1, reason="volta ao N1", by="bruno", at=NOW
        ),
    )


def test_deescalate_refuses_at_n1_and_upwards() -> None:
    """Never below N1, never to a level not below the current one."""
    with pytest.raises(InvalidTransition, match="already at N1"):
        deescalate(TICKET, reason="x", by="ana", at=NOW)
    with pytest.raises(InvalidTransition, match="not above N3"):
        deescalate(attrs.evolve(TICKET, level=N2), to=N3, reason="x", by="ana", at=NOW)


def test_reassign_changes_queue_agent_and_severity_in_one_event() -> None:
    """A reassignment reports before and after of queue, agent and severity."""
    change = reassign(
        TICKET, department="noc", assignee="carla", severity=Severity.CRITICAL, by="ana", at=NOW
    )
    assert (change.ticket.department, change.ticket.assignee, change.ticket.severity) == (
        "noc",
        "carla",
        Severity.CRITICAL,
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
            reason=None,
            by="ana",
            at=NOW,
        ),
    )


def test_reassign_none_unassigns_and_keep_keeps() -> None:
    """assignee=None takes the agent off; KEEP (the default) leaves the agent."""
    held = attrs.evolve(TICKET, assignee="ana")
    assert reassign(held, assignee=None, by="ana", at=NOW).ticket.assignee is None
    assert (
        reassign(held, department="noc", assignee=KEEP, by="ana", at=NOW).ticket.assignee == "ana"
    )


def test_reassign_with_a_level_is_an_escalation_with_its_event() -> None:
    """A level change in a reassignment emits TicketReassigned then TicketEscalated."""
    change = reassign(TICKET, department="noc", level=N3, reason="fibra rompida", by="ana", at=NOW)
    assert [type(e) for e in change.events] == [TicketReassigned, TicketEscalated]
    assert (change.ticket.level, change.ticket.escalation_reason) == (N3, "fibra rompida")
    with pytest.raises(ValidationError, match="needs a reason"):
        reassign(TICKET, level=N2, by="ana", at=NOW)


def test_reassign_that_changes_nothing_is_refused() -> None:
    """Reassigning to the current queue, agent, level and severity is NothingToChange."""
    with pytest.raises(NothingToChange):
        reassign(TICKET, department="suporte", level=N1, severity=Severity.HIGH, by="ana", at=NOW)
    with pytest.raises(NothingToChange):
        reassign(TICKET, by="ana", at=NOW)


def test_refusals_name_the_ticket_the_action_and_the_state() -> None:
    """A closed ticket and a change of nothing are refused with the ticket, action and state."""
    closed = attrs.evolve(TICKET, status=TicketStatus.CLOSED)
    with pytest.raises(InvalidTransition) as refused:
        escalate(closed, reason="x", by="ana", at=NOW)
    error = refused.value
    assert (error.entity, error.entity_id, error.action, error.status) == (
        "ticket",
        "t-1",
        "escalate",
        "closed",
    )
    assert str(error) == "cannot escalate ticket t-1: it is closed"
    with pytest.raises(InvalidTransition) as at_n1:
        deescalate(TICKET, reason="x", by="ana", at=NOW)
    assert (at_n1.value.action, at_n1.value.status) == ("de-escalate", "already at N1")
    with pytest.raises(NothingToChange) as unchanged:
        reassign(TICKET, by="ana", at=NOW)
    assert (unchanged.value.ticket_id, unchanged.value.action) == ("t-1", "reassign")
    assert str(unchanged.value) == "cannot reassign ticket t-1: nothing would change"


def test_set_priority_raises_or_lowers_but_not_to_the_same() -> None:
    """Priority moves either way with a PriorityChanged; the same priority is refused."""
    change = set_priority(TICKET, Priority.URGENT, reason="VIP", by="ana", at=NOW)
    assert change.events == (
        PriorityChanged(
            ticket_id="t-1",
            from_priority=Priority.MEDIUM,
            to_priority=Priority.URGENT,
            reason="VIP",
            by="ana",
            at=NOW,
        ),
    )
    recorded = change.ticket.timeline.events[-1]
    assert (recorded.kind, recorded.reason, recorded.by) == (
        EventKind.PRIORITY_CHANGED,
        "VIP",
        "ana",
    )
    assert recorded.data == {"from": "medium", "to": "urgent"}
    assert (
        set_priority(change.ticket, Priority.LOW, by="ana", at=NOW).ticket.priority is Priority.LOW
    )
    with pytest.raises(NothingToChange):
        set_priority(TICKET, Priority.MEDIUM, by="ana", at=NOW)


def test_ticket_invariants_are_checked() -> None:
    """A ticket at N1 with an escalation record, or with a naive time, cannot exist."""
    with pytest.raises(ValidationError, match="N1"):
        attrs.evolve(TICKET, escalation_reason="x", escalated_at=NOW)
    with pytest.raises(ValidationError, match="together"):
        attrs.evolve(TICKET, level=N2, escalation_reason="x")
    with pytest.raises(ValidationError, match="opened_at"):
        attrs.evolve(TICKET, opened_at=NOW.replace(tzinfo=None))


@PROPERTIES
@given(
    tickets(statuses=(TicketStatus.OPEN, TicketStatus.WAITING_CUSTOMER)),
    st.sampled_from(SupportLevel),
)
def test_escalate_then_deescalate_round_trips_the_level(ticket: Ticket, to: SupportLevel) -> None:
    """Escalating to a higher level then de-escalating back restores the level and staffing."""
    if to.rank <= ticket.level.rank:
        return
    up = escalate(ticket, to=to, reason="teste", by="ana", at=NOW).ticket
    down = deescalate(up, to=ticket.level, reason="teste", by="ana", at=NOW).ticket
    assert down.level is ticket.level
    assert attrs.evolve(
        down,
        timeline=ticket.timeline,
        escalation_reason=None,
        escalated_at=None,
        escalated_by=None,
    ) == attrs.evolve(ticket, escalation_reason=None, escalated_at=None, escalated_by=None)
    assert [e.kind for e in down.timeline.events[-2:]] == [
        EventKind.ESCALATED,
        EventKind.DEESCALATED,
    ]
    if ticket.level is N1:
        assert attrs.evolve(down, timeline=ticket.timeline) == ticket


def _refused_by_oracle(name: str, ticket: Ticket, args: dict[str, object]) -> bool:
    """Whether the command should be refused, decided from the rules stated in the issue."""
    if ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        return True
    rank, to = ticket.level.rank, args.get("to")
    blank = not str(args.get("reason") or "").strip()
    if name == "escalate":
        return blank or rank == 3 or (isinstance(to, SupportLevel) and to.rank <= rank)
    if name == "deescalate":
        return blank or rank == 1 or (isinstance(to, SupportLevel) and to.rank >= rank)
    if name == "set_priority":
        return args["priority"] is ticket.priority
    department, assignee, level, severity = (
        args[k] for k in ("department", "assignee", "level", "severity")
    )
    if department == "" or (isinstance(args["reason"], str) and blank):
        return True
    after = (
        department if department is not None else ticket.department,
        ticket.assignee if assignee is KEEP else assignee,
        level if level is not None else ticket.level,
        severity if severity is not None else ticket.severity,
    )
    if after == (ticket.department, ticket.assignee, ticket.level, ticket.severity):
        return True
    return after[2] is not ticket.level and blank


@st.composite
def commands(draw: st.DrawFn) -> tuple[str, dict[str, object]]:
    """A command name and its arguments, some of them invalid."""
    name = draw(st.sampled_from(["escalate", "deescalate", "reassign", "set_priority"]))
    level = draw(st.none() | st.sampled_from(SupportLevel))
    reason = draw(st.sampled_from(["motivo", "", "  "]))
    if name in ("escalate", "deescalate"):
        return name, {"to": level, "reason": reason}
    if name == "set_priority":
        return name, {"priority": draw(st.sampled_from(Priority))}
    return name, {
        "department": draw(st.none() | st.sampled_from(["suporte", "noc", ""])),
        "assignee": draw(st.sampled_from([KEEP, None, "ana", "carla"])),
        "level": level,
        "severity": draw(st.none() | st.sampled_from(Severity)),
        "reason": reason or None,
    }


def run(name: str, ticket: Ticket, args: dict[str, object]) -> Change | LiaError:
    """Run command *name* on *ticket*; a refusal is returned instead of raised."""
    table: dict[str, Callable[..., Change]] = {
        "escalate": escalate,
        "deescalate": deescalate,
        "reassign": reassign,
        "set_priority": set_priority,
    }
    command = table[name]
    try:
        return command(ticket, by="ana", at=NOW, **args)
    except LiaError as refused:
        return refused


@PROPERTIES
@given(tickets(), commands())
def test_a_command_either_changes_consistently_or_changes_nothing(
    ticket: Ticket, command: tuple[str, dict[str, object]]
) -> None:
    """A command is refused exactly when the rules say so, changing nothing; else it emits events."""
    name, args = command
    before = copy.deepcopy(ticket)
    change = run(name, ticket, args)
    assert ticket == before
    assert isinstance(change, LiaError) == _refused_by_oracle(name, ticket, args)
    if isinstance(change, LiaError):
        assert isinstance(change, DomainError | ValidationError)
        if ticket.status.is_final:
            assert isinstance(change, InvalidTransition)
        return
    assert change.events
    assert all(e.ticket_id == ticket.id for e in change.events)
    assert 1 <= change.ticket.level.rank <= 3
    for event in change.events:
        if isinstance(event, TicketEscalated | TicketDeescalated):
            assert (event.from_level, event.to_level) == (ticket.level, change.ticket.level)
    moved = ticket.level is not change.ticket.level
    assert moved == any(isinstance(e, TicketEscalated | TicketDeescalated) for e in change.events)
