"""The desk's realtime events: what a ticket's change tells staff screens (`ticket.updated`)."""

from __future__ import annotations

from datetime import datetime

from lia_core.desk.index import TicketIndex
from lia_core.domain.realtime import (
    RealtimeEvent,
    RealtimeKind,
    department_or_none,
    ref_or_none,
)
from lia_core.domain.tickets import Ticket

__all__ = ["nearest_due", "ticket_updated"]


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
