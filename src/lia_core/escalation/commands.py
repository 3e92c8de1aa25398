"""Ticket commands: escalate, de-escalate, reassign, set priority; each returns a Change.

A refused command raises (InvalidTransition for a forbidden move, ValidationError for bad
input, NothingToChange for a no-op) and, tickets being immutable, changes nothing.
"""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from lia_core.domain.tickets import EventKind, Priority, Severity, SupportLevel, Ticket
from lia_core.errors import InvalidTransition, ValidationError
from lia_core.escalation.errors import NothingToChange
from lia_core.escalation.events import (
    Change,
    PriorityChanged,
    TicketDeescalated,
    TicketEscalated,
    TicketEvent,
    TicketReassigned,
)
from lia_core.validation import as_enum, require_aware, require_text

__all__ = ["KEEP", "Keep", "deescalate", "escalate", "reassign", "set_priority"]


class Keep(enum.Enum):
    """The type of KEEP: "leave this field as it is" where None is a meaningful value."""

    KEEP = "keep"


KEEP = Keep.KEEP
"""Passed as ``assignee`` to reassign: keep the current agent (None unassigns)."""


def _refuse(ticket: Ticket, action: str, status: str) -> InvalidTransition:
    return InvalidTransition(entity="ticket", entity_id=ticket.id, action=action, status=status)


def _check_active(ticket: Ticket, action: str, by: str, at: datetime) -> str:
    if ticket.status.is_final:
        raise _refuse(ticket, action, ticket.status.value)
    require_aware(at, "at")
    return require_text(by, "by")


def _optional_reason(reason: str | None) -> str | None:
    return None if reason is None else require_text(reason, "reason")


def _moved(ticket: Ticket, to: SupportLevel, reason: str, by: str, at: datetime) -> Change:
    """Move *ticket* to level *to* (validated by the caller) and record the move."""
    event: TicketEvent
    move = {"from": ticket.level.value, "to": to.value}
    if to.rank > ticket.level.rank:
        moved = attrs.evolve(
            ticket.record(EventKind.ESCALATED, at=at, by=by, reason=reason, data=move),
            level=to,
            escalation_reason=reason,
            escalated_at=at,
            escalated_by=by,
        )
        event = TicketEscalated(
            ticket_id=ticket.id,
            from_level=ticket.level,
            to_level=to,
            reason=reason,
            by=by,
            at=at,
        )
    else:
        keep_record = to is not SupportLevel.N1
        moved = attrs.evolve(
            ticket.record(EventKind.DEESCALATED, at=at, by=by, reason=reason, data=move),
            level=to,
            escalation_reason=ticket.escalation_reason if keep_record else None,
            escalated_at=ticket.escalated_at if keep_record else None,
            escalated_by=ticket.escalated_by if keep_record else None,
        )
        event = TicketDeescalated(
            ticket_id=ticket.id,
            from_level=ticket.level,
            to_level=to,
            reason=reason,
            by=by,
            at=at,
        )
    return Change(ticket=moved, events=(event,))


def escalate(
    ticket: Ticket, *, reason: str, by: str, at: datetime, to: SupportLevel | None = None
) -> Change:
    """Move *ticket* up one level, or to level *to*; the reason and time are recorded.

    Raises:
        InvalidTransition: the ticket is resolved or closed, already at N3, or *to* is
            not above its level.
        ValidationError: blank reason or actor, naive *at*, *to* not a level.
    """
    return _step(ticket, +1, "escalate", reason=reason, by=by, at=at, to=to)


def deescalate(
    ticket: Ticket, *, reason: str, by: str, at: datetime, to: SupportLevel | None = None
) -> Change:
    """Move *ticket* down one level, or to level *to*; back at N1 the escalation record clears.

    Raises:
        InvalidTransition: the ticket is resolved or closed, already at N1, or *to* is
            not below its level.
        ValidationError: blank reason or actor, naive *at*, *to* not a level.
    """
    return _step(ticket, -1, "de-escalate", reason=reason, by=by, at=at, to=to)


def _step(
    ticket: Ticket,
    direction: int,
    action: str,
    *,
    reason: str,
    by: str,
    at: datetime,
    to: SupportLevel | None,
) -> Change:
    """Move one level in *direction* (+1 up, -1 down), or to *to*, which must lie that way."""
    actor = _check_active(ticket, action, by, at)
    why = require_text(reason, "reason")
    to = None if to is None else as_enum(to, SupportLevel, "to")
    edge = SupportLevel.N3 if direction > 0 else SupportLevel.N1
    if ticket.level is edge:
        raise _refuse(ticket, action, f"already at {edge}")
    target = to if to is not None else SupportLevel.from_rank(ticket.level.rank + direction)
    if (target.rank - ticket.level.rank) * direction <= 0:
        side = "below" if direction > 0 else "above"
        raise _refuse(ticket, action, f"at {ticket.level}, not {side} {target}")
    return _moved(ticket, target, why, actor, at)


def reassign(
    ticket: Ticket,
    *,
    by: str,
    at: datetime,
    department: str | None = None,
    assignee: str | Keep | None = KEEP,
    level: SupportLevel | None = None,
    severity: Severity | None = None,
    reason: str | None = None,
) -> Change:
    """Change the department, the agent (None unassigns), the level or the severity in one step.

    Events: TicketReassigned when the department, agent or severity changed, then TicketEscalated
    or TicketDeescalated when the level changed (a level change needs a reason).

    Raises:
        InvalidTransition: the ticket is resolved or closed.
        NothingToChange: every given value equals the current one.
        ValidationError: blank department, agent, reason or actor; a level change without reason.
    """
    actor = _check_active(ticket, "reassign", by, at)
    why = _optional_reason(reason)
    new_department = (
        ticket.department if department is None else require_text(department, "department")
    )
    if isinstance(assignee, Keep):
        new_assignee = ticket.assignee
    else:
        new_assignee = None if assignee is None else require_text(assignee, "assignee")
    new_severity = ticket.severity if severity is None else as_enum(severity, Severity, "severity")
    new_level = ticket.level if level is None else as_enum(level, SupportLevel, "level")
    staffing = (new_department, new_assignee, new_severity) != (
        ticket.department,
        ticket.assignee,
        ticket.severity,
    )
    if not staffing and new_level is ticket.level:
        raise NothingToChange(ticket_id=ticket.id, action="reassign")
    if new_level is not ticket.level and why is None:
        raise ValidationError("changing the level needs a reason", field="reason")
    events: list[TicketEvent] = []
    current = ticket
    if staffing:
        current = ticket
        moves: dict[str, str] = {}
        if new_department != ticket.department:
            moves.update({"from_department": ticket.department, "to_department": new_department})
        if new_assignee != ticket.assignee:
            moves.update(
                {"from_assignee": ticket.assignee or "", "to_assignee": new_assignee or ""}
            )
        if moves:
            current = current.record(EventKind.REASSIGNED, at=at, by=actor, reason=why, data=moves)
        if new_severity is not ticket.severity:
            severities = {"from": ticket.severity.value, "to": new_severity.value}
            current = current.record(
                EventKind.SEVERITY_CHANGED, at=at, by=actor, reason=why, data=severities
            )
        current = attrs.evolve(
            current, department=new_department, assignee=new_assignee, severity=new_severity
        )
        events.append(
            TicketReassigned(
                ticket_id=ticket.id,
                from_department=ticket.department,
                to_department=new_department,
                from_assignee=ticket.assignee,
                to_assignee=new_assignee,
                from_severity=ticket.severity,
                to_severity=new_severity,
                reason=why,
                by=actor,
                at=at,
            )
        )
    if new_level is not ticket.level:
        assert why is not None  # checked above; narrows the type
        moved = _moved(current, new_level, why, actor, at)
        current = moved.ticket
        events.extend(moved.events)
    return Change(ticket=current, events=tuple(events))


def set_priority(
    ticket: Ticket, priority: Priority, *, by: str, at: datetime, reason: str | None = None
) -> Change:
    """Raise or lower the priority of *ticket*.

    Raises:
        InvalidTransition: the ticket is resolved or closed.
        NothingToChange: *priority* is already the ticket's.
        ValidationError: blank reason or actor, naive *at*.
    """
    actor = _check_active(ticket, "set priority of", by, at)
    why = _optional_reason(reason)
    priority = as_enum(priority, Priority, "priority")
    if priority is ticket.priority:
        raise NothingToChange(ticket_id=ticket.id, action="set priority of")
    event = PriorityChanged(
        ticket_id=ticket.id,
        from_priority=ticket.priority,
        to_priority=priority,
        reason=why,
        by=actor,
        at=at,
    )
    changed = ticket.record(
        EventKind.PRIORITY_CHANGED,
        at=at,
        by=actor,
        reason=why,
        data={"from": ticket.priority.value, "to": priority.value},
    )
    return Change(ticket=attrs.evolve(changed, priority=priority), events=(event,))
