"""The desk's realtime events: what a ticket's change tells staff screens (`ticket.updated`,
`sla.alert`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from lia_core.desk.index import TicketIndex
from lia_core.domain.realtime import (
    EncodedEvent,
    RealtimeEvent,
    RealtimeKind,
    department_or_none,
    ref_or_none,
    sla_alert_wire,
    to_wire,
)
from lia_core.domain.tickets import EventKind, Ticket
from lia_core.errors import ValidationError
from lia_core.sla.readings import Metric, SlaState

__all__ = ["nearest_due", "sla_alert_wires", "sla_alerts", "ticket_updated"]

_METRICS = {m.value: m for m in Metric}
_CROSSED = {EventKind.SLA_WARNING: SlaState.WARNING, EventKind.SLA_BREACHED: SlaState.BREACHED}


def nearest_due(index: TicketIndex) -> datetime | None:
    """The sooner of the ticket's two due times (None when no clock runs)."""
    due = [d for d in (index.first_response_due_at, index.resolution_due_at) if d is not None]
    return min(due, default=None)


def ticket_updated(ticket: Ticket, index: TicketIndex, *, at: datetime) -> RealtimeEvent:
    """`ticket.updated` for *ticket* as saved: its state, holder and nearest due time.

    A department or assignee that cannot be a reference (a stored free-text name) is left
    out rather than failing the change; the event then reaches supervisors and admins only.
    """
    return RealtimeEvent(
        kind=RealtimeKind.TICKET_UPDATED,
        at=at,
        ticket_id=ref_or_none(ticket.id),
        conversation_id=ref_or_none(ticket.conversation_id),
        department=department_or_none(ticket.department),
        agent=ref_or_none(ticket.assignee),
        status=ticket.status.value,
        priority=ticket.priority.value,
        waiting_since=ticket.opened_at,
        due_at=nearest_due(index),
    )


def sla_alerts(
    ticket_id: str,
    department: str,
    events: Iterable[tuple[EventKind, Mapping[str, str]]],
    *,
    at: datetime,
) -> list[RealtimeEvent]:
    """`sla.alert` for each threshold crossed among *events* (kind and data, as recorded).

    The ticket id and department go straight to the event, whose validators check them; only
    when they refuse one is it left out (`ref_or_none`): checking first would check every
    reference twice, on the SLA monitor's thousand events a tick.
    """
    alerts = []
    for kind, data in events:
        state = _CROSSED.get(kind)
        if state is None:
            continue
        clock, due = data.get("clock", ""), data.get("due_at")
        fields: dict[str, Any] = {
            "kind": RealtimeKind.SLA_ALERT,
            "at": at,
            "metric": _METRICS.get(clock),
            "sla_state": state,
            "due_at": datetime.fromisoformat(due) if due else None,
        }
        try:
            alert = RealtimeEvent(ticket_id=ticket_id, department=department, **fields)
        except ValidationError:
            alert = RealtimeEvent(
                ticket_id=ref_or_none(ticket_id),
                department=department_or_none(department),
                **fields,
            )
        alerts.append(alert)
    return alerts


def sla_alert_wires(
    ticket_id: str,
    department: str,
    events: Iterable[tuple[EventKind, Mapping[str, str]]],
    *,
    at: datetime,
) -> list[EncodedEvent]:
    """`sla_alerts`, already encoded (`sla_alert_wire`): what the SLA monitor publishes, a
    thousand at a time. A reference the event would refuse takes `sla_alerts`' way (left
    out), so both say the same."""
    wires = []
    for kind, data in events:
        state = _CROSSED.get(kind)
        if state is None:
            continue
        due = data.get("due_at")
        try:
            wire = sla_alert_wire(
                at=at,
                ticket_id=ticket_id,
                department=department,
                metric=_METRICS.get(data.get("clock", "")),
                sla_state=state,
                due_at=datetime.fromisoformat(due) if due else None,
            )
        except ValidationError:
            (alert,) = sla_alerts(ticket_id, department, [(kind, data)], at=at)
            wire = EncodedEvent(to_wire(alert))
        wires.append(wire)
    return wires
