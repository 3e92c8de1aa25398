"""The public shapes of the ticket desk: tickets, their timelines, both SLA clocks, listings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from lia_core.desk.index import TicketIndex
from lia_core.desk.service import TicketView
from lia_core.domain.tickets import (
    EventKind,
    Priority,
    Severity,
    SupportLevel,
    Ticket,
    TicketStatus,
    TimelineEvent,
)
from lia_core.ports.tickets import TicketSummary
from lia_core.sla.readings import (
    ClockReading,
    Metric,
    NoClock,
    NoClockReason,
    Outcome,
    SlaState,
    SlaStatus,
)
from lia_entrypoints.schemas.base import Out, local

__all__ = [
    "ClockOut",
    "SlaOut",
    "TicketListOut",
    "TicketOut",
    "TicketSummaryOut",
    "TimelineEventOut",
]


class ClockOut(Out):
    """One SLA clock (first response or resolution) as read when the ticket was shown."""

    metric: Metric
    running: bool
    """True while the clock counts (not stopped, not paused)."""
    no_clock: NoClockReason | None = None
    """Why there is no clock (outage_gate, not_started, no_target); null when there is one."""
    started_at: datetime | None = None
    due_at: datetime | None = None
    """When the target is consumed (while paused: if work resumed now)."""
    target_seconds: float | None = None
    elapsed_seconds: float | None = None
    """Counted time (business or wall, pauses excluded) until now or the stop."""
    fraction: float | None = None
    """elapsed / target; may exceed 1."""
    state: SlaState | None = None
    paused: bool = False
    stopped_at: datetime | None = None
    outcome: Outcome | None = None
    """hit or miss once the clock stopped."""

    @classmethod
    def of(cls, clock: ClockReading | NoClock, tz: tzinfo) -> ClockOut:
        """Render a reading, or the reason there is none."""
        if isinstance(clock, NoClock):
            return cls(metric=clock.metric, running=False, no_clock=clock.reason)
        return cls(
            metric=clock.metric,
            running=clock.outcome is None and not clock.paused,
            started_at=clock.started_at.astimezone(tz),
            due_at=clock.due_at.astimezone(tz),
            target_seconds=clock.target.total_seconds(),
            elapsed_seconds=clock.elapsed.total_seconds(),
            fraction=round(clock.fraction, 4),
            state=clock.state,
            paused=clock.paused,
            stopped_at=local(clock.stopped_at, tz),
            outcome=clock.outcome,
        )


class SlaOut(Out):
    """Both clocks, computed from the timeline at read time under the policy that applies."""

    policy: str
    """The SLA policy's name."""
    state: SlaState | None
    """The most urgent running clock's state; null when none runs."""
    first_response: ClockOut
    resolution: ClockOut

    @classmethod
    def of(cls, status: SlaStatus, index: TicketIndex, tz: tzinfo) -> SlaOut:
        """Render an SLA status (its state is the index's, computed from the same reading)."""
        return cls(
            policy=status.policy,
            state=index.sla_state,
            first_response=ClockOut.of(status.first_response, tz),
            resolution=ClockOut.of(status.resolution, tz),
        )


class TimelineEventOut(Out):
    """One event of a ticket's timeline."""

    kind: EventKind
    at: datetime
    by: str | None
    """A username, a service (``sla-monitor``) or ``rule:<name>``."""
    reason: str | None
    data: dict[str, str]
    """What changed, as text: {"from": "N1", "to": "N2"}, {"rule": "..."}, ..."""

    @classmethod
    def of(cls, event: TimelineEvent, tz: tzinfo) -> TimelineEventOut:
        """Render one event."""
        return cls(
            kind=event.kind,
            at=event.at.astimezone(tz),
            by=event.by,
            reason=event.reason,
            data=dict(event.data),
        )


class TicketSummaryOut(Out):
    """A ticket as lists show it: its state and its stored SLA index, without the timeline."""

    id: str
    subject: str
    department: str
    assignee: str | None
    level: SupportLevel
    priority: Priority
    severity: Severity
    status: TicketStatus
    vip: bool
    contact: str | None
    """The customer's phone (E.164) or provider identity."""
    conversation_id: str | None
    failure_id: str | None
    opened_at: datetime
    updated_at: datetime
    sla_state: SlaState | None
    """The most urgent running clock's state when the ticket last changed or was checked."""
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None
    version: int

    @classmethod
    def of(cls, summary: TicketSummary, tz: tzinfo) -> TicketSummaryOut:
        """Render a summary."""
        return cls(
            id=summary.id,
            subject=summary.subject,
            department=summary.department,
            assignee=summary.assignee,
            level=summary.level,
            priority=summary.priority,
            severity=summary.severity,
            status=summary.status,
            vip=summary.vip,
            contact=None if summary.contact is None else str(summary.contact),
            conversation_id=summary.conversation_id,
            failure_id=summary.failure_id,
            opened_at=summary.opened_at.astimezone(tz),
            updated_at=summary.updated_at.astimezone(tz),
            sla_state=summary.index.sla_state,
            first_response_due_at=local(summary.index.first_response_due_at, tz),
            resolution_due_at=local(summary.index.resolution_due_at, tz),
            version=summary.version,
        )


class TicketListOut(Out):
    """Tickets matching a filter, newest opened first."""

    count: int
    """How many are listed (at most the limit asked for)."""
    items: list[TicketSummaryOut]

    @classmethod
    def of(cls, summaries: Sequence[TicketSummary], tz: tzinfo) -> TicketListOut:
        """Render a listing."""
        return cls(count=len(summaries), items=[TicketSummaryOut.of(s, tz) for s in summaries])


class TicketOut(Out):
    """One ticket in full: its state, both SLA clocks read now, and its timeline."""

    id: str
    subject: str
    department: str
    assignee: str | None
    level: SupportLevel
    priority: Priority
    severity: Severity
    status: TicketStatus
    vip: bool
    contact: str | None
    conversation_id: str | None
    failure_id: str | None
    opened_at: datetime
    escalation_reason: str | None
    escalated_at: datetime | None
    escalated_by: str | None
    cycle: int
    """How many times the ticket was reopened."""
    sla: SlaOut
    timeline: list[TimelineEventOut]
    """Oldest first."""
    version: int
    """Send it back as `If-Match` to act only on this version (409 if it moved)."""

    @classmethod
    def of_view(cls, view: TicketView, tz: tzinfo) -> TicketOut:
        """Render a ticket as the desk read it (its clocks computed at that moment)."""
        return cls.of(view.ticket, view.status, view.index, tz)

    @classmethod
    def of(cls, ticket: Ticket, status: SlaStatus, index: TicketIndex, tz: tzinfo) -> TicketOut:
        """Render a ticket with the SLA status read for it."""
        return cls(
            id=ticket.id,
            subject=ticket.subject,
            department=ticket.department,
            assignee=ticket.assignee,
            level=ticket.level,
            priority=ticket.priority,
            severity=ticket.severity,
            status=ticket.status,
            vip=ticket.vip,
            contact=None if ticket.contact is None else str(ticket.contact),
            conversation_id=ticket.conversation_id,
            failure_id=ticket.failure_id,
            opened_at=ticket.opened_at.astimezone(tz),
            escalation_reason=ticket.escalation_reason,
            escalated_at=local(ticket.escalated_at, tz),
            escalated_by=ticket.escalated_by,
            cycle=ticket.cycle,
            sla=SlaOut.of(status, index, tz),
            timeline=[TimelineEventOut.of(e, tz) for e in ticket.timeline.events],
            version=ticket.version,
        )
