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
from lia_adapters.sql.desk import plans as plan_store
from lia_adapters.sql.desk.tables import ticket_clocks, ticket_events, ticket_plans, tickets
from lia_adapters.sql.errors import wrap_db_errors
from lia_adapters.sql.outages.tables import massive_failures
from lia_core.desk.index import TicketIndex
from lia_core.desk.plan import (
    AppliedVisit,
    DueTicket,
    DueVisits,
    VisitPlan,
    VisitsApplied,
    apply_due,
)
from lia_core.domain.failures import FailureStatus
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
from lia_core.errors import AlreadyExists, ConcurrencyConflict, NotFound
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


def _new_row(ticket: Ticket, at: datetime) -> dict[str, object]:
    return {
        "id": ticket.id,
        **_state(ticket),
        "opened_at": ticket.opened_at,
        "updated_at": at,
        "version": 1,
    }


def _index(index: TicketIndex, events: int | None = None) -> dict[str, object]:
    """The `ticket_clocks` columns, pointing at the plan's first visit when it fits
    (`plans.fitting`; the plan row itself is written by `_store_plans`)."""
    return {
        "sla_state": None if index.sla_state is None else index.sla_state.value,
        "first_response_due_at": index.first_response_due_at,
        "resolution_due_at": index.resolution_due_at,
        "next_check_at": index.next_check_at,
        **plan_store.clock_plan(index, events),
    }


def _clock_row(ticket: Ticket, index: TicketIndex) -> dict[str, object]:
    """A final ticket's clock row is always empty: the monitor's statement takes clock rows
    by `next_check_at` alone, so one left due would take a slot in every batch."""
    kept = TicketIndex() if ticket.status.is_final else index
    return {
        "ticket_id": ticket.id,
        "opened_at": ticket.opened_at,
        **_index(kept, len(ticket.timeline.events)),
    }


async def _store_plans(conn: AsyncConnection, items: Sequence[tuple[Ticket, TicketIndex]]) -> None:
    """Write the plans the clock rows now point at (`_clock_row`: a live ticket's fitting plan)."""
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
        stored_events=len(events),
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
_ROW = list(tickets.columns)
_INDEXED = [
    ticket_clocks.c.sla_state,
    ticket_clocks.c.first_response_due_at,
    ticket_clocks.c.resolution_due_at,
    ticket_clocks.c.next_check_at,
]
"""The index columns a summary shows (the plan is only for the monitor)."""
_CLOCKS = [
    "ticket_id",
    "sla_state",
    "first_response_due_at",
    "resolution_due_at",
    "next_check_at",
    "plan_step",
    "plan_seq",
]
_VISITED = [
    "id",
    "version",
    "level",
    "priority",
    "escalation_reason",
    "escalated_at",
    "escalated_by",
    "updated_at",
]
_VISITED_CHANGES = _VISITED[2:]
_WITH_CLOCKS = tickets.join(ticket_clocks, ticket_clocks.c.ticket_id == tickets.c.id)


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


_APPLY_VISITS = bulk.Batch(
    tickets,
    _VISITED,
    postgresql=lambda rows: (
        update(tickets)
        .where(tickets.c.id == rows.source.c.id, tickets.c.version == rows.source.c.version)
        .values(
            {"version": tickets.c.version + 1, **{n: rows.columns[n] for n in _VISITED_CHANGES}}
        )
        .returning(tickets.c.id)
    ),
    sqlite=lambda: (
        update(tickets)
        .where(tickets.c.id == bindparam("_id"), tickets.c.version == bindparam("_version"))
        .values({"version": tickets.c.version + 1, **{n: bindparam(n) for n in _VISITED_CHANGES}})
    ),
    sqlite_params=lambda rows: [
        {"_id": r["id"], "_version": r["version"], **{n: r[n] for n in _VISITED_CHANGES}}
        for r in rows
    ],
)

_UPDATE_CLOCKS = bulk.Batch(
    ticket_clocks,
    _CLOCKS,
    postgresql=lambda rows: (
        update(ticket_clocks)
        .where(ticket_clocks.c.ticket_id == rows.source.c.ticket_id)
        .values({n: rows.columns[n] for n in _CLOCKS[1:]})
    ),
    sqlite=lambda: (
        update(ticket_clocks)
        .where(ticket_clocks.c.ticket_id == bindparam("_ticket_id"))
        .values({n: bindparam(n) for n in _CLOCKS[1:]})
    ),
    sqlite_params=lambda rows: [
        {"_ticket_id": r["ticket_id"], **{n: r[n] for n in _CLOCKS[1:]}} for r in rows
    ],
)

_EVENT_COLUMNS = ["ticket_id", "seq", "kind", "at", "actor", "reason", "data"]
_INSERT_EVENTS = bulk.Batch.insert(ticket_events, _EVENT_COLUMNS, on_conflict=lambda s: s)


def _visited_row(visits: VisitsApplied, at: datetime) -> dict[str, object]:
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


class SqlTicketRepository:
    """Tickets in `tickets` and their timelines in `ticket_events` (rows only ever inserted)."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def add(self, ticket: Ticket, index: TicketIndex, *, at: datetime) -> Ticket:
        """Insert the ticket (version 1) and its events. AlreadyExists on a taken id or a
        conversation that already has a live ticket (a unique partial index)."""
        conn = self._connection()
        with wrap_db_errors(entity="ticket", entity_id=ticket.id):
            await insert_one(conn, tickets, _new_row(ticket, at))
            await insert_one(conn, ticket_clocks, _clock_row(ticket, index))
        await _store_plans(conn, [(ticket, index)])
        await self._append(conn, [ticket])
        return attrs.evolve(ticket, version=1, stored_events=len(ticket.timeline.events))

    async def add_many(
        self, items: Sequence[tuple[Ticket, TicketIndex]], *, at: datetime
    ) -> Sequence[Ticket]:
        """One multi-row insert of tickets, one of their events (the gate's batch)."""
        if not items:
            return []
        conn = self._connection()
        rows = [_new_row(ticket, at) for ticket, _ in items]
        with wrap_db_errors(entity="ticket", entity_id=items[0][0].id):
            await conn.execute(insert(tickets), rows)
            await conn.execute(
                insert(ticket_clocks), [_clock_row(ticket, index) for ticket, index in items]
            )
        await _store_plans(conn, items)
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
            rows += _event_rows(ticket.id, ticket.timeline.events[count:], count)
        if rows:
            try:
                with wrap_db_errors(entity="ticket event", entity_id=rows[0]["ticket_id"]):
                    await conn.execute(insert(ticket_events), rows)
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
        return [_ticket(row, by_ticket[row["id"]]) for row in rows]

    async def get(self, ticket_id: str, *, for_update: bool = False) -> Ticket:
        """Load a ticket and its whole timeline. NotFound."""
        query = select(*_ROW).where(tickets.c.id == ticket_id)
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
            select(*_ROW).where(
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
        rows = [{"id": t.id, "version": t.version, **_state(t), "updated_at": at} for t, _ in items]
        result = await _UPDATE_TICKETS.execute(conn, rows)
        if result.returns_rows:  # PostgreSQL names the rows it changed
            changed = set(result.scalars())
            lost = [str(row["id"]) for row in rows if row["id"] not in changed]
        else:  # SQLite's executemany counts them
            lost = [] if result.rowcount == len(rows) else [t.id for t, _ in items]
        if lost:
            await self._refuse(conn, lost)
        await _UPDATE_CLOCKS.execute(conn, [_clock_row(t, i) for t, i in items])
        await _store_plans(conn, items)
        await plan_store.drop(conn, [t.id for t, _ in items if t.status.is_final])
        saved = [ticket for ticket, _ in items]
        await self._append(conn, saved)
        return [
            attrs.evolve(
                ticket, version=ticket.version + 1, stored_events=len(ticket.timeline.events)
            )
            for ticket in saved
        ]

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
        """Matching tickets, newest opened first (each filter has its own index; the SLA
        state's is on `ticket_clocks`, so that filter walks that table's order)."""
        query = select(*_ROW, *_INDEXED).select_from(_WITH_CLOCKS)
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
        return [_summary(row) for row in result.mappings()]

    def _due_query(self, now: datetime, *columns: Any) -> Any:
        """Due live tickets, earliest first, both rows locked SKIP LOCKED (PostgreSQL).

        The status is checked in SQL, before the limit: a final ticket left with a next check
        must not take a slot (enough of them would starve the monitor).
        """
        return (
            select(*columns)
            .select_from(_WITH_CLOCKS)
            .where(
                ticket_clocks.c.next_check_at.is_not(None),
                ticket_clocks.c.next_check_at <= now,
                tickets.c.status.in_(_LIVE),
            )
            .order_by(ticket_clocks.c.next_check_at, ticket_clocks.c.ticket_id)
            .with_for_update(skip_locked=True)
        )

    async def due(self, now: datetime, *, limit: int) -> Sequence[Ticket]:
        """Live tickets due for a look, earliest first; rows locked SKIP LOCKED on PostgreSQL."""
        result = await self._connection().execute(self._due_query(now, *_ROW).limit(limit))
        return await self._load(list(result.mappings()))

    async def visit_due(self, now: datetime, *, limit: int, revision: int | None) -> DueVisits:
        """PostgreSQL: one statement (`VISIT_DUE`); SQLite: the same rules row by row."""
        conn = self._connection()
        if conn.dialect.name != "postgresql":
            return await self._visit_due_rows(now, limit=limit, revision=revision)
        return await plan_store.apply_planned(conn, now, limit=limit, revision=revision)

    async def _visit_due_rows(
        self, now: datetime, *, limit: int, revision: int | None
    ) -> DueVisits:
        """`apply_due` over each due row, its facts read in two statements."""
        due = await self._due_rows(now, limit=limit)
        contacts = {d.contact for d in due if d.plan is not None and d.plan.contacts and d.contact}
        latest = await self._last_opened(contacts) if contacts else {}
        linked = [d.failure_id for d in due if d.plan is not None and d.plan.outage is not None]
        active: set[str] = set()
        if linked:
            found = await self._connection().execute(
                select(massive_failures.c.id).where(
                    massive_failures.c.id.in_([f for f in linked if f is not None]),
                    massive_failures.c.status == FailureStatus.ACTIVE.value,
                )
            )
            active = set(found.scalars())
        visits: list[VisitsApplied] = []
        unplanned: list[str] = []
        for d in due:
            made = d.plan.made_at if d.plan is not None else None
            checked = attrs.evolve(
                d,
                contact_opened_after=(
                    made is not None
                    and d.contact is not None
                    and d.contact in latest
                    and latest[d.contact] > made
                ),
                outage_active=None if d.failure_id is None else d.failure_id in active,
            )
            applied = apply_due(checked, revision=revision, now=now)
            if applied is None:
                unplanned.append(d.id)
            else:
                visits.append(applied)
        await self._apply_visits(visits, at=now)
        return DueVisits(
            applied=tuple(AppliedVisit.of(v) for v in visits), unplanned=tuple(unplanned)
        )

    async def _due_rows(self, now: datetime, *, limit: int) -> Sequence[DueTicket]:
        """As `due`, reading only what a visit plan needs (no timelines)."""
        columns = (
            tickets.c.id,
            tickets.c.version,
            ticket_clocks.c.plan_step,
            ticket_clocks.c.plan_seq,
            tickets.c.contact,
            tickets.c.failure_id,
        )
        taken = await self._connection().execute(self._due_query(now, *columns).limit(limit))
        rows = list(taken)
        planned = [row.id for row in rows if row.plan_step is not None]
        stored: dict[str, object] = {}
        if planned:
            found = await self._connection().execute(
                select(ticket_plans.c.ticket_id, ticket_plans.c.plan).where(
                    ticket_plans.c.ticket_id.in_(planned)
                )
            )
            stored = {tid: raw for tid, raw in found.all()}
        return [
            DueTicket(
                id=row.id,
                version=row.version,
                plan=plan_store.read(stored.get(row.id), row.plan_step, row.plan_seq),
                contact=_contact(row.contact),
                failure_id=row.failure_id,
            )
            for row in rows
        ]

    async def unplanned(self, *, before: datetime, limit: int) -> Sequence[Ticket]:
        """The clock rows by the partial `ix_ticket_clocks_unplanned`, then their tickets by
        primary key (a final ticket's clock row has no next check: see `_clock_row`)."""
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
            select(*_ROW)
            .where(tickets.c.id.in_(ids), tickets.c.status.in_(_LIVE))
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
            select(*_ROW).where(tickets.c.id.in_(list(ticket_ids)))
        )
        loaded = {t.id: t for t in await self._load(list(result.mappings()))}
        return [loaded[tid] for tid in ticket_ids if tid in loaded]

    async def _apply_visits(self, applied: Sequence[VisitsApplied], *, at: datetime) -> None:
        """One conditional update of the rows, one insert of their events."""
        if not applied:
            return
        conn = self._connection()
        ruled = [v for v in applied if v.changes_ticket]
        if ruled:
            rows = [_visited_row(v, at) for v in ruled]
            result = await _APPLY_VISITS.execute(conn, rows)
            if result.returns_rows:
                changed = set(result.scalars())
                lost = [v.ticket_id for v in ruled if v.ticket_id not in changed]
            else:
                lost = [] if result.rowcount == len(rows) else [v.ticket_id for v in ruled]
            if lost:
                await self._refuse(conn, lost)
        await _UPDATE_CLOCKS.execute(
            conn, [{"ticket_id": v.ticket_id, **_index(v.index)} for v in applied]
        )
        # The remaining plan is written again from its next visit (PostgreSQL's statement
        # moves `plan_step` on instead: see `plan_store`).
        await plan_store.store(
            conn, [(v.ticket_id, v.index.plan) for v in applied if v.index.plan is not None]
        )
        events: list[dict[str, Any]] = []
        for visits in applied:
            events += _event_rows(visits.ticket_id, visits.events, visits.seq)
        if events:
            with wrap_db_errors(entity="ticket event", entity_id=applied[0].ticket_id):
                await _INSERT_EVENTS.execute(conn, events)

    async def _last_opened(self, contacts: Collection[ContactKey]) -> Mapping[ContactKey, datetime]:
        """One grouped query over the (contact, opened_at) index."""
        if not contacts:
            return {}
        keys = {str(c): c for c in contacts}
        result = await self._connection().execute(
            select(tickets.c.contact, func.max(tickets.c.opened_at))
            .where(tickets.c.contact.in_(list(keys)))
            .group_by(tickets.c.contact)
        )
        return {keys[contact]: latest for contact, latest in result.all()}

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
        live = select(tickets.c.id).where(tickets.c.status.in_(_LIVE))
        result = await self._connection().execute(
            update(ticket_clocks)
            .where(ticket_clocks.c.ticket_id.in_(live.scalar_subquery()))
            .values(next_check_at=at)
        )
        return int(result.rowcount or 0)
