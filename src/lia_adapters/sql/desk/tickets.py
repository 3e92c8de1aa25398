"""SQL tickets: one row per ticket (state and SLA index), one row per timeline event."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs
from sqlalchemy import Executable, RowMapping, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from lia_adapters.sql import bulk
from lia_adapters.sql.base import ConnectionSource
from lia_adapters.sql.bulk import insert_one
from lia_adapters.sql.desk.tables import ticket_events, tickets
from lia_adapters.sql.errors import wrap_db_errors
from lia_core.desk.index import TicketIndex
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
from lia_core.ports.tickets import TicketFilter, TicketSummary
from lia_core.sla.readings import SlaState

__all__ = ["SqlTicketRepository"]

_LIVE = ("open", "waiting_customer")


def _state(ticket: Ticket) -> dict[str, object]:
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
        "resolved_at": (
            ticket.timeline.last(EventKind.RESOLVED).at  # type: ignore[union-attr]
            if ticket.status.is_final and ticket.timeline.last(EventKind.RESOLVED) is not None
            else None
        ),
    }


def _new_row(ticket: Ticket, index: TicketIndex, at: datetime) -> dict[str, object]:
    return {
        "id": ticket.id,
        **_state(ticket),
        **_index(index),
        "opened_at": ticket.opened_at,
        "updated_at": at,
        "version": 1,
    }


def _index(index: TicketIndex) -> dict[str, object]:
    return {
        "sla_state": None if index.sla_state is None else index.sla_state.value,
        "first_response_due_at": index.first_response_due_at,
        "resolution_due_at": index.resolution_due_at,
        "next_check_at": index.next_check_at,
    }


def _event_rows(
    ticket_id: str, events: Sequence[TimelineEvent], start: int
) -> list[dict[str, Any]]:
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


def _index_from(row: RowMapping) -> TicketIndex:
    state = row["sla_state"]
    return TicketIndex(
        sla_state=None if state is None else SlaState(state),
        first_response_due_at=row["first_response_due_at"],
        resolution_due_at=row["resolution_due_at"],
        next_check_at=row["next_check_at"],
    )


def _contact(raw: str | None) -> ContactKey | None:
    return None if raw is None else load_contact(raw)


def _ticket(row: RowMapping, events: Sequence[RowMapping]) -> Ticket:
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
        contact=_contact(row["contact"]),
        failure_id=row["failure_id"],
        escalation_reason=row["escalation_reason"],
        escalated_at=row["escalated_at"],
        escalated_by=row["escalated_by"],
        sla_policy=row["sla_policy"],
        deadline=row["deadline"],
        first_response_deadline=row["first_response_deadline"],
        answered_by_outage_gate=row["answered_by_outage_gate"],
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
    )


def _summary(row: RowMapping) -> TicketSummary:
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
        contact=_contact(row["contact"]),
        conversation_id=row["conversation_id"],
        failure_id=row["failure_id"],
        opened_at=row["opened_at"],
        updated_at=row["updated_at"],
        index=_index_from(row),
        version=row["version"],
    )


_CHANGES = [c.name for c in tickets.columns if c.name not in ("id", "version", "opened_at")]


def _update_from(rows: bulk.Unnest) -> Executable:
    """PostgreSQL: ``UPDATE tickets SET …, version = version + 1 FROM unnest(…) v
    WHERE id = v.id AND version = v.version RETURNING id``."""
    return (
        update(tickets)
        .where(tickets.c.id == rows.source.c.id, tickets.c.version == rows.source.c.version)
        .values({"version": tickets.c.version + 1, **{n: rows.columns[n] for n in _CHANGES}})
        .returning(tickets.c.id)
    )


def _update_one() -> Executable:
    """SQLite, per row of an executemany: ``UPDATE … WHERE id = :_id AND version = :_version``."""
    return (
        update(tickets)
        .where(tickets.c.id == bindparam("_id"), tickets.c.version == bindparam("_version"))
        .values({"version": tickets.c.version + 1, **{n: bindparam(n) for n in _CHANGES}})
    )


_UPDATE_TICKETS = bulk.Batch(
    tickets,
    ["id", "version", *_CHANGES],
    postgresql=_update_from,
    sqlite=_update_one,
    sqlite_params=lambda rows: [
        {"_id": r["id"], "_version": r["version"], **{n: r[n] for n in _CHANGES}} for r in rows
    ],
)


class SqlTicketRepository:
    """Tickets in `tickets` and their timelines in `ticket_events` (rows only ever inserted)."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection
        self._stored_events: dict[str, int] = {}
        """Events stored per ticket this unit of work loaded or wrote: saves append the rest."""

    async def add(self, ticket: Ticket, index: TicketIndex, *, at: datetime) -> Ticket:
        """Insert the ticket (version 1) and its events. AlreadyExists on a taken id or a
        conversation that already has a live ticket (a unique partial index)."""
        conn = self._connection()
        with wrap_db_errors(entity="ticket", entity_id=ticket.id):
            await insert_one(conn, tickets, _new_row(ticket, index, at))
        await self._append(conn, [ticket])
        return attrs.evolve(ticket, version=1)

    async def add_many(
        self, items: Sequence[tuple[Ticket, TicketIndex]], *, at: datetime
    ) -> Sequence[Ticket]:
        """One multi-row insert of tickets, one of their events (the gate's batch)."""
        if not items:
            return []
        conn = self._connection()
        rows = [_new_row(ticket, index, at) for ticket, index in items]
        with wrap_db_errors(entity="ticket", entity_id=items[0][0].id):
            await conn.execute(insert(tickets), rows)
        await self._append(conn, [ticket for ticket, _ in items])
        return [attrs.evolve(ticket, version=1) for ticket, _ in items]

    async def _append(self, conn: AsyncConnection, saved: Sequence[Ticket]) -> None:
        """Insert the events each ticket gained since it was stored (one statement)."""
        unknown = [t.id for t in saved if t.id not in self._stored_events]
        if unknown:
            counts = await conn.execute(
                select(ticket_events.c.ticket_id, func.count())
                .where(ticket_events.c.ticket_id.in_(unknown))
                .group_by(ticket_events.c.ticket_id)
            )
            self._stored_events.update(dict.fromkeys(unknown, 0))
            self._stored_events.update({tid: int(n) for tid, n in counts.all()})
        rows: list[dict[str, Any]] = []
        for ticket in saved:
            count = self._stored_events[ticket.id]
            rows += _event_rows(ticket.id, ticket.timeline.events[count:], count)
            self._stored_events[ticket.id] = len(ticket.timeline.events)
        if rows:
            await conn.execute(insert(ticket_events), rows)

    async def _load(self, rows: Sequence[RowMapping]) -> list[Ticket]:
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        result = await self._connection().execute(
            select(ticket_events)
            .where(ticket_events.c.ticket_id.in_(ids))
            .order_by(ticket_events.c.ticket_id, ticket_events.c.seq)
        )
        by_ticket: dict[str, list[RowMapping]] = {tid: [] for tid in ids}
        for event in result.mappings():
            by_ticket[event["ticket_id"]].append(event)
        for tid, events in by_ticket.items():
            self._stored_events[tid] = len(events)
        return [_ticket(row, by_ticket[row["id"]]) for row in rows]

    async def get(self, ticket_id: str, *, for_update: bool = False) -> Ticket:
        """Load a ticket and its whole timeline. NotFound."""
        query = select(tickets).where(tickets.c.id == ticket_id)
        if for_update:
            query = query.with_for_update()
        result = await self._connection().execute(query)
        row = result.mappings().one_or_none()
        if row is None:
            raise NotFound(entity="ticket", entity_id=ticket_id)
        return (await self._load([row]))[0]

    async def live_for_conversations(
        self, conversation_ids: Collection[str]
    ) -> Mapping[str, Ticket]:
        """The live ticket of each conversation that has one (by the unique partial index)."""
        if not conversation_ids:
            return {}
        result = await self._connection().execute(
            select(tickets).where(
                tickets.c.conversation_id.in_(list(conversation_ids)),
                tickets.c.status.in_(_LIVE),
            )
        )
        loaded = await self._load(list(result.mappings()))
        return {t.conversation_id: t for t in loaded if t.conversation_id is not None}

    async def save(self, ticket: Ticket, index: TicketIndex, *, at: datetime) -> Ticket:
        """``UPDATE … WHERE id = :id AND version = :read``, then insert the new events."""
        return (await self.save_many([(ticket, index)], at=at))[0]

    async def save_many(
        self, items: Sequence[tuple[Ticket, TicketIndex]], *, at: datetime
    ) -> Sequence[Ticket]:
        """Conditional updates by id and version (one statement on PostgreSQL), then events."""
        if not items:
            return []
        conn = self._connection()
        rows = [
            {"id": t.id, "version": t.version, **_state(t), **_index(i), "updated_at": at}
            for t, i in items
        ]
        result = await _UPDATE_TICKETS.execute(conn, rows)
        if result.returns_rows:  # PostgreSQL names the rows it changed
            changed = set(result.scalars())
            lost = [str(row["id"]) for row in rows if row["id"] not in changed]
        else:  # SQLite's executemany counts them
            lost = [] if result.rowcount == len(rows) else [t.id for t, _ in items]
        if lost:
            await self._refuse(conn, lost)
        saved = [ticket for ticket, _ in items]
        await self._append(conn, saved)
        return [attrs.evolve(ticket, version=ticket.version + 1) for ticket in saved]

    async def _refuse(self, conn: AsyncConnection, lost: Sequence[str]) -> None:
        """NotFound for a ticket that does not exist, else ConcurrencyConflict."""
        found = set(
            (await conn.execute(select(tickets.c.id).where(tickets.c.id.in_(lost)))).scalars()
        )
        for ticket_id in lost:
            if ticket_id not in found:
                raise NotFound(entity="ticket", entity_id=ticket_id)
        raise ConcurrencyConflict(entity="ticket", entity_id=lost[0])

    async def list(self, filter: TicketFilter, *, limit: int) -> Sequence[TicketSummary]:
        """Matching tickets, newest opened first (each filter has its own index)."""
        query = select(tickets)
        f = filter
        conditions = [
            (f.status, tickets.c.status),
            (f.level, tickets.c.level),
            (f.priority, tickets.c.priority),
            (f.department, tickets.c.department),
            (f.assignee, tickets.c.assignee),
            (f.sla, tickets.c.sla_state),
            (f.failure_id, tickets.c.failure_id),
        ]
        for value, column in conditions:
            if value is not None:
                query = query.where(column == str(value))
        if f.departments is not None:
            query = query.where(tickets.c.department.in_(sorted(f.departments)))
        query = query.order_by(tickets.c.opened_at.desc(), tickets.c.id.desc()).limit(limit)
        result = await self._connection().execute(query)
        return [_summary(row) for row in result.mappings()]

    async def due(self, now: datetime, *, limit: int) -> Sequence[Ticket]:
        """Live tickets due for a look, earliest first; rows locked SKIP LOCKED on PostgreSQL."""
        # The status is checked in SQL, before the limit: a final row left with a next check
        # must not take a slot (enough of them would starve the monitor).
        query = (
            select(tickets)
            .where(
                tickets.c.next_check_at.is_not(None),
                tickets.c.next_check_at <= now,
                tickets.c.status.in_(_LIVE),
            )
            .order_by(tickets.c.next_check_at, tickets.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        result = await self._connection().execute(query)
        return await self._load(list(result.mappings()))

    async def opened_for_contact(
        self, contact: ContactKey, *, since: datetime
    ) -> Sequence[datetime]:
        """Opening instants of the contact's tickets since *since*, oldest first."""
        result = await self._connection().execute(
            select(tickets.c.opened_at)
            .where(tickets.c.contact == str(contact), tickets.c.opened_at >= since)
            .order_by(tickets.c.opened_at)
        )
        return list(result.scalars())

    async def reschedule_live(self, at: datetime) -> int:
        """Set next_check_at of every live ticket to *at*; the monitor recomputes them."""
        result = await self._connection().execute(
            update(tickets).where(tickets.c.status.in_(_LIVE)).values(next_check_at=at)
        )
        return int(result.rowcount or 0)
