"""The escalation view of a ticket: an immutable value that commands replace, never mutate."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs

from lia_core.domain.tickets import Priority, Severity, SupportLevel, TicketStatus
from lia_core.errors import ValidationError
from lia_core.escalation import _convert
from lia_core.validation import require_aware, require_text

__all__ = ["Ticket"]


@attrs.frozen(kw_only=True)
class Ticket:
    """Priority, severity, support level, queue, assignee, status, escalation record and SLA target.

    Enum fields accept a member or its value ("high"); anything else raises ValidationError.
    Invariants (checked on construction): ids and names are not blank, instants are
    timezone-aware, the escalation reason and time are set together, and a ticket at N1
    has no escalation record.
    """

    ticket_id: str
    queue: str
    """The department or queue holding the ticket (e.g. "suporte", "financeiro")."""
    priority: Priority = attrs.field(converter=_convert.priority)
    """A Priority, or its value ("high"); anything else raises ValidationError."""
    severity: Severity = attrs.field(converter=_convert.severity)
    opened_at: datetime
    level: SupportLevel = attrs.field(default=SupportLevel.N1, converter=_convert.support_level)
    status: TicketStatus = attrs.field(default=TicketStatus.OPEN, converter=_convert.status)
    assignee: str | None = None
    """The agent working on it; None while it waits in the queue."""
    escalation_reason: str | None = None
    """Why the last escalation happened; cleared when the ticket returns to N1."""
    escalated_at: datetime | None = None
    """When the last escalation happened; cleared when the ticket returns to N1."""
    sla_target: timedelta | None = None
    """The resolution target the SLA policy set (see lia_core.sla), if any."""
    sla_due_at: datetime | None = None
    """When the resolution target is due, if known."""

    def __attrs_post_init__(self) -> None:
        require_text(self.ticket_id, "ticket_id")
        require_text(self.queue, "queue")
        if self.assignee is not None:
            require_text(self.assignee, "assignee")
        require_aware(self.opened_at, "opened_at")
        for name in ("escalated_at", "sla_due_at"):
            value = getattr(self, name)
            if value is not None:
                require_aware(value, name)
        if (self.escalation_reason is None) != (self.escalated_at is None):
            raise ValidationError(
                "escalation_reason and escalated_at are set together", field="escalation_reason"
            )
        if self.escalation_reason is not None:
            require_text(self.escalation_reason, "escalation_reason")
            if self.level is SupportLevel.N1:
                raise ValidationError(
                    "a ticket at N1 has no escalation record", field="escalation_reason"
                )
        if self.sla_target is not None and self.sla_target <= timedelta(0):
            raise ValidationError("sla_target must be positive", field="sla_target")

    @classmethod
    def open(
        cls,
        *,
        ticket_id: str,
        queue: str,
        priority: Priority,
        severity: Severity,
        at: datetime,
        level: SupportLevel = SupportLevel.N1,
        assignee: str | None = None,
        sla_target: timedelta | None = None,
        sla_due_at: datetime | None = None,
    ) -> Ticket:
        """A new open ticket (at N1 unless triage placed it higher), not yet escalated."""
        return cls(
            ticket_id=ticket_id,
            queue=queue,
            priority=priority,
            severity=severity,
            opened_at=at,
            level=level,
            assignee=assignee,
            sla_target=sla_target,
            sla_due_at=sla_due_at,
        )

    @property
    def is_escalated(self) -> bool:
        """True above N1."""
        return self.level is not SupportLevel.N1
