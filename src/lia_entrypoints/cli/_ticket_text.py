"""Text renderings of tickets for the terminal (the ``--json`` forms are the shared schemas)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from lia_entrypoints.cli.output import fields, local_time, table
from lia_entrypoints.schemas.tickets import ClockOut, TicketListOut, TicketOut, TimelineEventOut

__all__ = ["clock_line", "duration", "ticket_details", "ticket_table"]


def duration(seconds: float) -> str:
    """``2h05m``, ``45m``, ``3d04h``: a span rounded down to the minute."""
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d{hours:02d}h"
    if hours:
        return f"{hours}h{mins:02d}m"
    return f"{mins}m"


def clock_line(clock: ClockOut, tz: tzinfo) -> str:
    """``warning 75% (1h30m of 2h00m), due 2026-05-20 14:00 -03, paused`` or why there is none."""
    if clock.no_clock is not None:
        return f"no clock ({clock.no_clock.value.replace('_', ' ')})"
    assert clock.elapsed_seconds is not None
    assert clock.target_seconds is not None
    assert clock.fraction is not None
    assert clock.state is not None
    parts = [
        f"{clock.state.value} {clock.fraction:.0%}"
        f" ({duration(clock.elapsed_seconds)} of {duration(clock.target_seconds)})",
        f"due {local_time(clock.due_at, tz)}",
    ]
    if clock.paused:
        parts.append("paused")
    if clock.outcome is not None:
        parts.append(f"stopped {local_time(clock.stopped_at, tz)}: {clock.outcome.value}")
    return ", ".join(parts)


def _nearest(*dues: datetime | None) -> datetime | None:
    return min((d for d in dues if d is not None), default=None)


def ticket_table(listing: TicketListOut, tz: tzinfo) -> str:
    """One row per ticket: id, status, level, priority, SLA, department, assignee, subject."""
    if not listing.items:
        return "no tickets"
    rows = [
        [
            t.id,
            t.status.value,
            t.level.value,
            t.priority.value,
            t.sla_state.value if t.sla_state is not None else "-",
            local_time(_nearest(t.first_response_due_at, t.resolution_due_at), tz),
            t.department,
            t.assignee or "-",
            t.subject,
        ]
        for t in listing.items
    ]
    headers = ["ID", "STATUS", "LEVEL", "PRIORITY", "SLA", "DUE", "DEPT", "ASSIGNEE", "SUBJECT"]
    return table(headers, rows, widths={"ID": 36, "SUBJECT": 50, "DEPT": 20})


def _event_line(event: TimelineEventOut, tz: tzinfo) -> str:
    data = " ".join(f"{k}={v}" for k, v in sorted(event.data.items()))
    pieces = [local_time(event.at, tz), event.kind.value, f"by {event.by or '-'}"]
    if data:
        pieces.append(data)
    if event.reason:
        pieces.append(f"— {event.reason}")
    return "  " + "  ".join(pieces)


def ticket_details(ticket: TicketOut, tz: tzinfo) -> str:
    """Every field of a ticket, both clocks as the core read them, then its timeline."""
    pairs = [
        ("ID", ticket.id),
        ("Subject", ticket.subject or "-"),
        ("Status", ticket.status.value),
        ("Level", ticket.level.value),
        ("Priority", ticket.priority.value),
        ("Severity", ticket.severity.value),
        ("Department", ticket.department),
        ("Assignee", ticket.assignee or "-"),
        ("Contact", ticket.contact or "-"),
        ("VIP", "yes" if ticket.vip else "no"),
        ("Outage", ticket.failure_id or "-"),
        ("Opened", local_time(ticket.opened_at, tz)),
    ]
    if ticket.escalation_reason is not None:
        pairs.append(
            (
                "Escalated",
                f"{local_time(ticket.escalated_at, tz)} by {ticket.escalated_by or '-'}: "
                f"{ticket.escalation_reason}",
            )
        )
    pairs += [
        ("SLA policy", ticket.sla.policy),
        ("SLA", ticket.sla.state.value if ticket.sla.state is not None else "-"),
        ("First response", clock_line(ticket.sla.first_response, tz)),
        ("Resolution", clock_line(ticket.sla.resolution, tz)),
        ("Reopened", str(ticket.cycle)),
        ("Version", str(ticket.version)),
    ]
    timeline = "\n".join(_event_line(e, tz) for e in ticket.timeline)
    return f"{fields(pairs)}\n\nTimeline:\n{timeline}"
