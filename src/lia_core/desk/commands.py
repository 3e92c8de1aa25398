"""What staff ask of a ticket: open one, or one command on it, each a value that applies itself.

Every command returns the next ticket (with its event on the timeline) or raises:
InvalidTransition for a move the state forbids ("already at N3"), ValidationError for bad
input (a missing reason), NothingToChange for a no-op.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeAlias

import attrs

from lia_core.domain.recipients import ContactKey
from lia_core.domain.tickets import EventKind, Priority, Severity, SupportLevel, Ticket
from lia_core.errors import InvalidTransition, ValidationError
from lia_core.escalation.commands import KEEP, Keep, deescalate, escalate, reassign, set_priority
from lia_core.validation import require_text

__all__ = [
    "DEFAULT_DEPARTMENT",
    "KEEP",
    "Deescalate",
    "Escalate",
    "Keep",
    "Note",
    "OpenTicket",
    "Reassign",
    "Reopen",
    "Resolve",
    "SetPriority",
    "TicketCommand",
    "Unwait",
    "Wait",
]

DEFAULT_DEPARTMENT = "support"
"""Where a ticket goes when nobody says (the seeds' departments: commercial, support,
financial, cancellation, general)."""


def _reason(reason: str | None) -> str:
    if reason is None:
        raise ValidationError("a reason is required", field="reason")
    return require_text(reason, "reason")


def _optional(reason: str | None) -> str | None:
    return None if reason is None or not reason.strip() else reason.strip()


@attrs.frozen(kw_only=True)
class OpenTicket:
    """Open a ticket by hand (or from a handoff, with its conversation)."""

    subject: str
    contact: ContactKey | None = None
    priority: Priority = Priority.MEDIUM
    severity: Severity = Severity.LOW
    department: str = DEFAULT_DEPARTMENT
    failure_id: str | None = None
    vip: bool = False
    conversation_id: str | None = None
    reason: str | None = None
    """Why it opened (a handoff's routing reason); the subject when none."""


@attrs.frozen(kw_only=True)
class Escalate:
    """Move the ticket up one level, or to *to*; the reason is required."""

    reason: str
    to: SupportLevel | None = None
    action = "escalate"

    def apply(self, ticket: Ticket, *, by: str, at: datetime) -> Ticket:
        """The escalated ticket."""
        return escalate(ticket, to=self.to, reason=_reason(self.reason), by=by, at=at).ticket


@attrs.frozen(kw_only=True)
class Deescalate:
    """Move the ticket down one level, or to *to*; the reason is required."""

    reason: str
    to: SupportLevel | None = None
    action = "deescalate"

    def apply(self, ticket: Ticket, *, by: str, at: datetime) -> Ticket:
        """The de-escalated ticket."""
        return deescalate(ticket, to=self.to, reason=_reason(self.reason), by=by, at=at).ticket


@attrs.frozen(kw_only=True)
class Reassign:
    """Change department, agent (None unassigns), level or severity; the reason is required."""

    reason: str
    department: str | None = None
    assignee: str | Keep | None = KEEP
    level: SupportLevel | None = None
    severity: Severity | None = None
    action = "reassign"

    def apply(self, ticket: Ticket, *, by: str, at: datetime) -> Ticket:
        """The reassigned ticket."""
        return reassign(
            ticket,
            by=by,
            at=at,
            department=self.department,
            assignee=self.assignee,
            level=self.level,
            severity=self.severity,
            reason=_reason(self.reason),
        ).ticket


@attrs.frozen(kw_only=True)
class SetPriority:
    """Raise or lower the priority; the reason is required."""

    priority: Priority
    reason: str
    action = "priority"

    def apply(self, ticket: Ticket, *, by: str, at: datetime) -> Ticket:
        """The ticket at its new priority."""
        why = _reason(self.reason)
        return set_priority(ticket, self.priority, by=by, at=at, reason=why).ticket


def _record(ticket: Ticket, kind: EventKind, action: str, **event: object) -> Ticket:
    if not ticket.can_record(kind):
        raise InvalidTransition(
            entity="ticket", entity_id=ticket.id, action=action, status=ticket.status.value
        )
    return ticket.record(kind, **event)  # type: ignore[arg-type]


@attrs.frozen(kw_only=True)
class Wait:
    """The desk waits on the customer: both clocks pause."""

    reason: str | None = None
    action = "wait"

    def apply(self, ticket: Ticket, *, by: str, at: datetime) -> Ticket:
        """The ticket waiting on the customer."""
        kind = EventKind.WAITING_CUSTOMER_ON
        return _record(ticket, kind, self.action, at=at, by=by, reason=_optional(self.reason))


@attrs.frozen(kw_only=True)
class Unwait:
    """Stop waiting on the customer: the clocks run again."""

    reason: str | None = None
    action = "unwait"

    def apply(self, ticket: Ticket, *, by: str, at: datetime) -> Ticket:
        """The ticket open again."""
        kind = EventKind.WAITING_CUSTOMER_OFF
        return _record(ticket, kind, self.action, at=at, by=by, reason=_optional(self.reason))


@attrs.frozen(kw_only=True)
class Resolve:
    """Resolve the ticket: both clocks stop, hit or miss recorded."""

    reason: str | None = None
    action = "resolve"

    def apply(self, ticket: Ticket, *, by: str, at: datetime) -> Ticket:
        """The resolved ticket."""
        kind = EventKind.RESOLVED
        return _record(ticket, kind, self.action, at=at, by=by, reason=_optional(self.reason))


@attrs.frozen(kw_only=True)
class Reopen:
    """Reopen a resolved ticket; the reason is required, the clocks re-arm."""

    reason: str
    action = "reopen"

    def apply(self, ticket: Ticket, *, by: str, at: datetime) -> Ticket:
        """The reopened ticket."""
        why = _reason(self.reason)
        return _record(ticket, EventKind.REOPENED, self.action, at=at, by=by, reason=why)


@attrs.frozen(kw_only=True)
class Note:
    """A private note for staff (never sent to the customer); allowed in any status."""

    text: str
    action = "note"

    def apply(self, ticket: Ticket, *, by: str, at: datetime) -> Ticket:
        """The ticket with the note on its timeline."""
        text = require_text(self.text, "text")
        return ticket.record(EventKind.PRIVATE_NOTE, at=at, by=by, reason=text)


TicketCommand: TypeAlias = (
    Escalate | Deescalate | Reassign | SetPriority | Wait | Unwait | Resolve | Reopen | Note
)
"""Any command staff can give a ticket."""
