"""What ticket commands report: past-tense events and the new ticket they produced."""

from __future__ import annotations

from datetime import datetime
from typing import TypeAlias

import attrs

from lia_core.domain.tickets import Priority, Severity, SupportLevel, Ticket

__all__ = [
    "Change",
    "PriorityChanged",
    "TicketDeescalated",
    "TicketEscalated",
    "TicketEvent",
    "TicketReassigned",
]


@attrs.frozen(kw_only=True)
class TicketEscalated:
    """The ticket moved up to a higher support level."""

    ticket_id: str
    from_level: SupportLevel
    to_level: SupportLevel
    reason: str
    by: str
    at: datetime


@attrs.frozen(kw_only=True)
class TicketDeescalated:
    """The ticket moved down to a lower support level."""

    ticket_id: str
    from_level: SupportLevel
    to_level: SupportLevel
    reason: str
    by: str
    at: datetime


@attrs.frozen(kw_only=True)
class TicketReassigned:
    """The department, assignee or severity changed (unchanged ones have equal before and after)."""

    ticket_id: str
    from_department: str
    to_department: str
    from_assignee: str | None
    to_assignee: str | None
    from_severity: Severity
    to_severity: Severity
    reason: str | None
    by: str
    at: datetime


@attrs.frozen(kw_only=True)
class PriorityChanged:
    """The ticket's priority was raised or lowered."""

    ticket_id: str
    from_priority: Priority
    to_priority: Priority
    reason: str | None
    by: str
    at: datetime


TicketEvent: TypeAlias = TicketEscalated | TicketDeescalated | TicketReassigned | PriorityChanged
"""Any event a ticket command emits."""


@attrs.frozen(kw_only=True)
class Change:
    """The result of an accepted command: the new ticket and what happened, in order."""

    ticket: Ticket
    events: tuple[TicketEvent, ...]
