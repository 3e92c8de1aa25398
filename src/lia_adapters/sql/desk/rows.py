"""The ticket tables' rows: conversions both ways, the batch statements, the due query.

Shared by the repository (`tickets`) and the row-by-row visits (`visit_rows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Executable, RowMapping, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from lia_adapters.sql import bulk
from lia_adapters.sql.desk import plans as plan_store
from lia_adapters.sql.desk.tables import ticket_clocks, ticket_events, tickets
from lia_core.desk.index import TicketIndex
from lia_core.desk.plan import VisitPlan, VisitsApplied
from lia_core.domain.recipients import ContactKey, load_contact
from lia_core.domain.tickets import (
    EventKind,
    Priority,
    Severity,
    SupportLevel,
    Ticket,
    TicketStatus,
    Timeline,
    TimelineEvent,
)
from lia_core.errors import ConcurrencyConflict, NotFound
from lia_core.ports.tickets import TicketSummary
from lia_core.sla.readings import SlaState

LIVE = ("open", "waiting_customer")


def state_columns(ticket: Ticket) -> dict[str, object]:
    """The `tickets` columns a save writes (everything but id, version and opened_at)."""
    return {
        "conversation_id": ticket.conversation_id,
        "contact": None if ticket.contact is None else str(ticket.contact),
        "subject": ticket.subject,
        "department": ticket.department,
        "assignee": ticket.assignee,
        "level": ticket.level.value,
        "priority": ticket.priority.value,
        "severity": ticket.severity.value,
        "status": ticket.status.value,
        "vip": ticket.vip,
        "failure_id": ticket.failure_id,
        "escalation_reason": ticket.escalation_reason,
        "escalated_at": ticket.escalated_at,
        "escalated_by": ticket.escalated_by,
        "sla_policy": ticket.sla_policy,
        "deadline": ticket.deadline,
        "first_response_deadline": ticket.first_response_deadline,
        "answered_by_outage_gate": ticket.answered_by_outage_gate,
        "first_response_business_seconds": ticket.first_response_business_seconds,
        "resolution_business_seconds": ticket.resolution_business_seconds,
        "resolved_at": (
            ticket.timeline.last(EventKind.RESOLVED).at  # type: ignore[union-attr]
            if ticket.status.is_final and ticket.timeline.last(EventKind.RESOLVED) is not None
            else None
        ),
    }


def new_row(ticket: Ticket, at: datetime) -> dict[str, object]:
    """A new ticket's `tickets` row (version 1)."""
    return {
        "id": ticket.id,
        **state_columns(ticket),
        "opened_at": ticket.opened_at,
        "updated_at": at,
        "version": 1,
    }


def index_columns(index: TicketIndex, events: int | None = None) -> dict[str, object]:
    """The `ticket_clocks` columns, pointing at the plan's first visit when it fits
    (`plans.fitting`; the plan row itself is written by `store_plans`)."""
    return {
        "sla_state": None if index.sla_state is None else index.sla_state.value,
        "first_response_due_at": index.first_response_due_at,
        "resolution_due_at": index.resolution_due_at,
        "next_check_at": index.next_check_at,
        **plan_store.clock_plan(index, events),
    }


def clock_row(ticket: Ticket, index: TicketIndex) -> dict[str, object]:
    """A final ticket's clock row is always empty: the monitor's statement takes clock rows
    by `next_check_at` alone, so one left due would take a slot in every batch."""
    kept = TicketIndex() if ticket.status.is_final else index
    return {
        "ticket_id": ticket.id,
        "opened_at": ticket.opened_at,
        **index_columns(kept, len(ticket.timeline.events)),
    }


async def store_plans(conn: AsyncConnection, items: Sequence[tuple[Ticket, TicketIndex]]) -> None:
    """Write the plans the clock rows now point at (`clock_row`: a live ticket's fitting plan)."""
    found: list[tuple[str, VisitPlan]] = []
    for ticket, index in items:
        plan = (
            None
            if ticket.status.is_final
            else plan_store.fitting(index, len(ticket.timeline.events))
        )
        if plan is not None:
            found.append((ticket.id, plan))
    await plan_store.store(conn, found)


def event_rows(ticket_id: str, events: Sequence[TimelineEvent], start: int) -> list[dict[str, Any]]:
    """The `ticket_events` rows of *events*, numbered from *start*."""
    return [
        {
            "ticket_id": ticket_id,
            "seq": start + offset,
            "kind": event.kind.value,
            "at": event.at,
            "actor": event.by,
            "reason": event.reason,
            "data": dict(event.data) or None,
        }
        for offset, event in enumerate(events)
    ]


def index_from(row: RowMapping) -> TicketIndex:
    """The SLA index a joined clock row holds."""
    state = row["sla_state"]
    return TicketIndex(
        sla_state=None if state is None else SlaState(state),
        first_response_due_at=row["first_response_due_at"],
        resolution_due_at=row["resolution_due_at"],
        next_check_at=row["next_check_at"],
    )


def contact_of(raw: str | None) -> ContactKey | None:
    """The contact key a stored text names (None for none)."""
    return None if raw is None else load_contact(raw)


def ticket_from(row: RowMapping, events: Sequence[RowMapping]) -> Ticket:
    """The ticket a `tickets` row and its event rows (in order) hold."""
    return Ticket(
        id=row["id"],
        department=row["department"],
        priority=row["priority"],
        severity=row["severity"],
        opened_at=row["opened_at"],
        subject=row["subject"],
        level=row["level"],
        status=row["status"],
        assignee=row["assignee"],
        vip=row["vip"],
        conversation_id=row["conversation_id"],
        contact=contact_of(row["contact"]),
        failure_id=row["failure_id"],
        escalation_reason=row["escalation_reason"],
        escalated_at=row["escalated_at"],
        escalated_by=row["escalated_by"],
        sla_policy=row["sla_policy"],
        deadline=row["deadline"],
        first_response_deadline=row["first_response_deadline"],
        answered_by_outage_gate=row["answered_by_outage_gate"],
        first_response_business_seconds=row["first_response_business_seconds"],
        resolution_business_seconds=row["resolution_business_seconds"],
        timeline=Timeline(
            tuple(
                TimelineEvent(
                    kind=EventKind(e["kind"]),
                    at=e["at"],
                    by=e["actor"],
                    reason=e["reason"],
                    data=dict(e["data"] or {}),
                )
                for e in events
            )
        ),
        version=row["version"],
        stored_events=len(events),
    )


def summary_from(row: RowMapping) -> TicketSummary:
    """The list's summary of a row joined with its clock row."""
    return TicketSummary(
        id=row["id"],
        subject=row["subject"],
        department=row["department"],
        assignee=row["assignee"],
        level=SupportLevel(row["level"]),
        priority=Priority(row["priority"]),
        severity=Severity(row["severity"]),
        status=TicketStatus(row["status"]),
        vip=row["vip"],
        contact=contact_of(row["contact"]),
        conversation_id=row["conversation_id"],
        failure_id=row["failure_id"],
        opened_at=row["opened_at"],
        updated_at=row["updated_at"],
        index=index_from(row),
        version=row["version"],
    )


CHANGES = [c.name for c in tickets.columns if c.name not in ("id", "version", "opened_at")]
ROW = list(tickets.columns)
INDEXED = [
    ticket_clocks.c.sla_state,
    ticket_clocks.c.first_response_due_at,
    ticket_clocks.c.resolution_due_at,
    ticket_clocks.c.next_check_at,
]
"""The index columns a summary shows (the plan is only for the monitor)."""
CLOCKS = [
    "ticket_id",
    "sla_state",
    "first_response_due_at",
    "resolution_due_at",
    "next_check_at",
    "plan_step",
    "plan_seq",
]
VISITED = [
    "id",
    "version",
    "level",
    "priority",
    "escalation_reason",
    "escalated_at",
    "escalated_by",
    "updated_at",
]
VISITED_CHANGES = VISITED[2:]
WITH_CLOCKS = tickets.join(ticket_clocks, ticket_clocks.c.ticket_id == tickets.c.id)


def _update_from(rows: bulk.Unnest) -> Executable:
    """PostgreSQL: ``UPDATE tickets SET …, version = version + 1 FROM unnest(…) v
    WHERE id = v.id AND version = v.version RETURNING id``."""
    return (
        update(tickets)
        .where(tickets.c.id == rows.source.c.id, tickets.c.version == rows.source.c.version)
        .values({"version": tickets.c.version + 1, **{n: rows.columns[n] for n in CHANGES}})
        .returning(tickets.c.id)
    )


def _update_one() -> Executable:
    """SQLite, per row of an executemany: ``UPDATE … WHERE id = :_id AND version = :_version``."""
    return (
        update(tickets)
        .where(tickets.c.id == bindparam("_id"), tickets.c.version == bindparam("_version"))
        .values({"version": tickets.c.version + 1, **{n: bindparam(n) for n in CHANGES}})
    )


UPDATE_TICKETS = bulk.Batch(
    tickets,
    ["id", "version", *CHANGES],
    postgresql=_update_from,
    sqlite=_update_one,
    sqlite_params=lambda rows: [
        {"_id": r["id"], "_version": r["version"], **{n: r[n] for n in CHANGES}} for r in rows
    ],
)


APPLY_VISITS = bulk.Batch(
    tickets,
    VISITED,
    postgresql=lambda rows: (
        update(tickets)
        .where(tickets.c.id == rows.source.c.id, tickets.c.version == rows.source.c.version)
        .values({"version": tickets.c.version + 1, **{n: rows.columns[n] for n in VISITED_CHANGES}})
        .returning(tickets.c.id)
    ),
    sqlite=lambda: (
        update(tickets)
        .where(tickets.c.id == bindparam("_id"), tickets.c.version == bindparam("_version"))
        .values({"version": tickets.c.version + 1, **{n: bindparam(n) for n in VISITED_CHANGES}})
    ),
    sqlite_params=lambda rows: [
        {"_id": r["id"], "_version": r["version"], **{n: r[n] for n in VISITED_CHANGES}}
        for r in rows
    ],
)

UPDATE_CLOCKS = bulk.Batch(
    ticket_clocks,
    CLOCKS,
    postgresql=lambda rows: (
        update(ticket_clocks)
        .where(ticket_clocks.c.ticket_id == rows.source.c.ticket_id)
        .values({n: rows.columns[n] for n in CLOCKS[1:]})
    ),
    sqlite=lambda: (
        update(ticket_clocks)
        .where(ticket_clocks.c.ticket_id == bindparam("_ticket_id"))
        .values({n: bindparam(n) for n in CLOCKS[1:]})
    ),
    sqlite_params=lambda rows: [
        {"_ticket_id": r["ticket_id"], **{n: r[n] for n in CLOCKS[1:]}} for r in rows
    ],
)

EVENT_COLUMNS = ["ticket_id", "seq", "kind", "at", "actor", "reason", "data"]
INSERT_EVENTS = bulk.Batch.insert(ticket_events, EVENT_COLUMNS, on_conflict=lambda s: s)
# The gate opens a ticket per handed-over message: one statement of arrays per table, not
# a VALUES list SQLAlchemy and psycopg build parameter by parameter (~6 % of ingest's CPU).
INSERT_TICKETS = bulk.Batch.insert(tickets, [c.name for c in ROW], on_conflict=lambda s: s)
INSERT_CLOCKS = bulk.Batch.insert(
    ticket_clocks, [c.name for c in ticket_clocks.columns], on_conflict=lambda s: s
)


def visited_row(visits: VisitsApplied, at: datetime) -> dict[str, object]:
    """The `tickets` row a visit whose rules changed the ticket writes (conditional on the version read)."""
    state = visits.state
    return {
        "id": visits.ticket_id,
        "version": visits.version,
        "level": state.level.value,
        "priority": state.priority.value,
        "escalation_reason": state.escalation_reason,
        "escalated_at": state.escalated_at,
        "escalated_by": state.escalated_by,
        "updated_at": at,
    }


def due_query(now: datetime, *columns: Any) -> Any:
    """Due live tickets, earliest first, both rows locked SKIP LOCKED (PostgreSQL).

    The status is checked in SQL, before the limit: a final ticket left with a next check
    must not take a slot (enough of them would starve the monitor).
    """
    return (
        select(*columns)
        .select_from(WITH_CLOCKS)
        .where(
            ticket_clocks.c.next_check_at.is_not(None),
            ticket_clocks.c.next_check_at <= now,
            tickets.c.status.in_(LIVE),
        )
        .order_by(ticket_clocks.c.next_check_at, ticket_clocks.c.ticket_id)
        .with_for_update(skip_locked=True)
    )


async def refuse(conn: AsyncConnection, lost: Sequence[str]) -> None:
    """NotFound for a ticket that does not exist, else ConcurrencyConflict."""
    found = set((await conn.execute(select(tickets.c.id).where(tickets.c.id.in_(lost)))).scalars())
    for ticket_id in lost:
        if ticket_id not in found:
            raise NotFound(entity="ticket", entity_id=ticket_id)
    raise ConcurrencyConflict(entity="ticket", entity_id=lost[0])
