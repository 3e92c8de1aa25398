"""SQL tickets: one row per ticket (state), one clock row (SLA index), one row per timeline event."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs
from sqlalchemy import RowMapping, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from lia_adapters.sql.base import ConnectionSource
from lia_adapters.sql.bulk import insert_one
from lia_adapters.sql.desk import plans as plan_store
from lia_adapters.sql.desk import visit_rows
from lia_adapters.sql.desk.rows import (
    INDEXED,
    INSERT_CLOCKS,
    INSERT_EVENTS,
    INSERT_TICKETS,
    LIVE,
    ROW,
    UPDATE_CLOCKS,
    UPDATE_TICKETS,
    WITH_CLOCKS,
    clock_row,
    due_query,
    event_rows,
    new_row,
    refuse,
    state_columns,
    store_plans,
    summary_from,
    ticket_from,
)
from lia_adapters.sql.desk.tables import ticket_clocks, ticket_events, tickets
from lia_adapters.sql.errors import wrap_db_errors
from lia_core.desk.index import TicketIndex
from lia_core.desk.plan import DueVisits, VisitPlan
from lia_core.domain.recipients import ContactKey
from lia_core.domain.tickets import Ticket
from lia_core.errors import AlreadyExists, ConcurrencyConflict, NotFound
from lia_core.ports.tickets import TicketFilter, TicketSummary

__all__ = ["SqlTicketRepository"]


class SqlTicketRepository:
    """Tickets in `tickets` and their timelines in `ticket_events` (rows only ever inserted)."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def add(self, ticket: Ticket, index: TicketIndex, *, at: datetime) -> Ticket:
        """Insert the ticket (version 1) and its events. AlreadyExists on a taken id or a
        conversation that already has a live ticket (a unique partial index)."""
        conn = self._connection()
        with wrap_db_errors(entity="ticket", entity_id=ticket.id):
            await insert_one(conn, tickets, new_row(ticket, at))
            await insert_one(conn, ticket_clocks, clock_row(ticket, index))
        await store_plans(conn, [(ticket, index)])
        await self._append(conn, [ticket])
        return attrs.evolve(ticket, version=1, stored_events=len(ticket.timeline.events))

    async def add_many(
        self, items: Sequence[tuple[Ticket, TicketIndex]], *, at: datetime
    ) -> Sequence[Ticket]:
        """One multi-row insert of tickets, one of their events (the gate's batch)."""
        if not items:
            return []
        conn = self._connection()
        rows = [new_row(ticket, at) for ticket, _ in items]
        with wrap_db_errors(entity="ticket", entity_id=items[0][0].id):
            await INSERT_TICKETS.execute(conn, rows)
            await INSERT_CLOCKS.execute(conn, [clock_row(ticket, index) for ticket, index in items])
        await store_plans(conn, items)
        await self._append(conn, [ticket for ticket, _ in items])
        return [
            attrs.evolve(ticket, version=1, stored_events=len(ticket.timeline.events))
            for ticket, _ in items
        ]

    async def _append(self, conn: AsyncConnection, saved: Sequence[Ticket]) -> None:
        """Insert the events each ticket gained since it was read (one statement).

        A ticket knows how many of its events were stored when read (`stored_events`); one
        built by hand with a version but no such count is looked up.
        """
        unknown = [t.id for t in saved if t.version > 0 and t.stored_events == 0]
        counts: dict[str, int] = {}
        if unknown:
            found = await conn.execute(
                select(ticket_events.c.ticket_id, func.count())
                .where(ticket_events.c.ticket_id.in_(unknown))
                .group_by(ticket_events.c.ticket_id)
            )
            counts = {tid: int(n) for tid, n in found.all()}
        rows: list[dict[str, Any]] = []
        for ticket in saved:
            count = counts.get(ticket.id, 0) if ticket.id in unknown else ticket.stored_events
            rows += event_rows(ticket.id, ticket.timeline.events[count:], count)
        if rows:
            try:
                with wrap_db_errors(entity="ticket event", entity_id=rows[0]["ticket_id"]):
                    await INSERT_EVENTS.execute(conn, rows)
            except AlreadyExists:
                # A monitor visit recorded events after these tickets were read: their new
                # events would take the same positions. The caller reads the ticket again.
                raise ConcurrencyConflict(
                    entity="ticket", entity_id=str(rows[0]["ticket_id"])
                ) from None

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
        return [ticket_from(row, by_ticket[row["id"]]) for row in rows]

    async def get(self, ticket_id: str, *, for_update: bool = False) -> Ticket:
        """Load a ticket and its whole timeline. NotFound."""
        query = select(*ROW).where(tickets.c.id == ticket_id)
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
            select(*ROW).where(
                tickets.c.conversation_id.in_(list(conversation_ids)),
                tickets.c.status.in_(LIVE),
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
            {"id": t.id, "version": t.version, **state_columns(t), "updated_at": at}
            for t, _ in items
        ]
        result = await UPDATE_TICKETS.execute(conn, rows)
        if result.returns_rows:  # PostgreSQL names the rows it changed
            changed = set(result.scalars())
            lost = [str(row["id"]) for row in rows if row["id"] not in changed]
        else:  # SQLite's executemany counts them
            lost = [] if result.rowcount == len(rows) else [t.id for t, _ in items]
        if lost:
            await refuse(conn, lost)
        await UPDATE_CLOCKS.execute(conn, [clock_row(t, i) for t, i in items])
        await store_plans(conn, items)
        await plan_store.drop(conn, [t.id for t, _ in items if t.status.is_final])
        saved = [ticket for ticket, _ in items]
        await self._append(conn, saved)
        return [
            attrs.evolve(
                ticket, version=ticket.version + 1, stored_events=len(ticket.timeline.events)
            )
            for ticket in saved
        ]

    async def list(self, filter: TicketFilter, *, limit: int) -> Sequence[TicketSummary]:
        """Matching tickets, newest opened first (each filter has its own index; the SLA
        state's is on `ticket_clocks`, so that filter walks that table's order)."""
        query = select(*ROW, *INDEXED).select_from(WITH_CLOCKS)
        f = filter
        conditions = [
            (f.status, tickets.c.status),
            (f.level, tickets.c.level),
            (f.priority, tickets.c.priority),
            (f.department, tickets.c.department),
            (f.assignee, tickets.c.assignee),
            (f.sla, ticket_clocks.c.sla_state),
            (f.failure_id, tickets.c.failure_id),
        ]
        for value, column in conditions:
            if value is not None:
                query = query.where(column == str(value))
        if f.departments is not None:
            query = query.where(tickets.c.department.in_(sorted(f.departments)))
        if f.sla is not None:
            order = (ticket_clocks.c.opened_at.desc(), ticket_clocks.c.ticket_id.desc())
        else:
            order = (tickets.c.opened_at.desc(), tickets.c.id.desc())
        result = await self._connection().execute(query.order_by(*order).limit(limit))
        return [summary_from(row) for row in result.mappings()]

    async def due(self, now: datetime, *, limit: int) -> Sequence[Ticket]:
        """Live tickets due for a look, earliest first; rows locked SKIP LOCKED on PostgreSQL."""
        result = await self._connection().execute(due_query(now, *ROW).limit(limit))
        return await self._load(list(result.mappings()))

    async def count_due(self, now: datetime, *, limit: int) -> int:
        """The monitor's partial index alone (an index-only scan of at most *limit* entries)."""
        due = (
            select(ticket_clocks.c.ticket_id)
            .where(ticket_clocks.c.next_check_at.is_not(None), ticket_clocks.c.next_check_at <= now)
            .limit(limit)
            .subquery()
        )
        result = await self._connection().execute(select(func.count()).select_from(due))
        return int(result.scalar_one())

    async def visit_due(self, now: datetime, *, limit: int, revision: int | None) -> DueVisits:
        """PostgreSQL: one statement (`VISIT_DUE`); SQLite: the same rules row by row."""
        conn = self._connection()
        if conn.dialect.name != "postgresql":
            return await visit_rows.visit_due(conn, now, limit=limit, revision=revision)
        return await plan_store.apply_planned(conn, now, limit=limit, revision=revision)

    async def unplanned(self, *, before: datetime, limit: int) -> Sequence[Ticket]:
        """The clock rows by the partial `ix_ticket_clocks_unplanned`, then their tickets by
        primary key (a final ticket's clock row has no next check: see `clock_row`)."""
        conn = self._connection()
        picked = await conn.execute(
            select(ticket_clocks.c.ticket_id)
            .where(
                ticket_clocks.c.plan_step.is_(None),
                ticket_clocks.c.next_check_at.is_not(None),
                ticket_clocks.c.next_check_at < before,
            )
            .order_by(ticket_clocks.c.next_check_at, ticket_clocks.c.ticket_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = list(picked.scalars())
        if not ids:
            return []
        result = await conn.execute(
            select(*ROW)
            .where(tickets.c.id.in_(ids), tickets.c.status.in_(LIVE))
            .with_for_update(skip_locked=True)
        )
        loaded = {t.id: t for t in await self._load(list(result.mappings()))}
        return [loaded[tid] for tid in ids if tid in loaded]

    async def set_plans(self, plans: Sequence[tuple[Ticket, VisitPlan]]) -> int:
        """The plans, then their clock rows pointed at them (rows `unplanned` locked)."""
        kept = [(t.id, p) for t, p in plans if p.seq == len(t.timeline.events) == t.stored_events]
        await plan_store.set_plans(self._connection(), kept)
        return len(kept)

    async def get_many(self, ticket_ids: Sequence[str]) -> Sequence[Ticket]:
        """Load the tickets and their timelines (two statements), in the order given."""
        if not ticket_ids:
            return []
        result = await self._connection().execute(
            select(*ROW).where(tickets.c.id.in_(list(ticket_ids)))
        )
        loaded = {t.id: t for t in await self._load(list(result.mappings()))}
        return [loaded[tid] for tid in ticket_ids if tid in loaded]

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
        live = select(tickets.c.id).where(tickets.c.status.in_(LIVE))
        result = await self._connection().execute(
            update(ticket_clocks)
            .where(ticket_clocks.c.ticket_id.in_(live.scalar_subquery()))
            .values(next_check_at=at)
        )
        return int(result.rowcount or 0)
