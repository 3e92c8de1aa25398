"""The SLA monitor's visits on SQLite (and any database but PostgreSQL): row by row.

`lia_core.desk.plan.apply_due` decides each due ticket from what these read — its clock row,
its plan, the facts a plan assumed — and the visits applied are written in three batches
(the ruled rows, the clock rows with their remaining plans, the events). PostgreSQL does the
same in one statement (`visits.VISIT_DUE`, applied by `plans.apply_planned`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from lia_adapters.sql.desk import plans as plan_store
from lia_adapters.sql.desk.rows import (
    APPLY_VISITS,
    INSERT_EVENTS,
    UPDATE_CLOCKS,
    contact_of,
    due_query,
    event_rows,
    index_columns,
    refuse,
    visited_row,
)
from lia_adapters.sql.desk.tables import ticket_clocks, ticket_plans, tickets
from lia_adapters.sql.errors import wrap_db_errors
from lia_adapters.sql.outages.tables import massive_failures
from lia_core.desk.plan import AppliedVisit, DueTicket, DueVisits, VisitsApplied, apply_due
from lia_core.domain.failures import FailureStatus
from lia_core.domain.recipients import ContactKey

__all__ = ["last_opened", "visit_due"]


async def visit_due(
    conn: AsyncConnection, now: datetime, *, limit: int, revision: int | None
) -> DueVisits:
    """`apply_due` over each due row, its facts read in two statements."""
    due = await _due_rows(conn, now, limit=limit)
    contacts = {d.contact for d in due if d.plan is not None and d.plan.contacts and d.contact}
    latest = await last_opened(conn, contacts) if contacts else {}
    linked = [d.failure_id for d in due if d.plan is not None and d.plan.outage is not None]
    active: set[str] = set()
    if linked:
        found = await conn.execute(
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
    await _apply_visits(conn, visits, at=now)
    return DueVisits(applied=tuple(AppliedVisit.of(v) for v in visits), unplanned=tuple(unplanned))


async def _due_rows(conn: AsyncConnection, now: datetime, *, limit: int) -> Sequence[DueTicket]:
    """As `due`, reading only what a visit plan needs (no timelines)."""
    columns = (
        tickets.c.id,
        tickets.c.version,
        ticket_clocks.c.plan_step,
        ticket_clocks.c.plan_seq,
        tickets.c.contact,
        tickets.c.failure_id,
    )
    taken = await conn.execute(due_query(now, *columns).limit(limit))
    rows = list(taken)
    planned = [row.id for row in rows if row.plan_step is not None]
    stored: dict[str, object] = {}
    if planned:
        found = await conn.execute(
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
            contact=contact_of(row.contact),
            failure_id=row.failure_id,
        )
        for row in rows
    ]


async def _apply_visits(
    conn: AsyncConnection, applied: Sequence[VisitsApplied], *, at: datetime
) -> None:
    """One conditional update of the rows, one insert of their events."""
    if not applied:
        return
    ruled = [v for v in applied if v.changes_ticket]
    if ruled:
        rows = [visited_row(v, at) for v in ruled]
        result = await APPLY_VISITS.execute(conn, rows)
        if result.returns_rows:
            changed = set(result.scalars())
            lost = [v.ticket_id for v in ruled if v.ticket_id not in changed]
        else:
            lost = [] if result.rowcount == len(rows) else [v.ticket_id for v in ruled]
        if lost:
            await refuse(conn, lost)
    await UPDATE_CLOCKS.execute(
        conn, [{"ticket_id": v.ticket_id, **index_columns(v.index)} for v in applied]
    )
    # The remaining plan is written again from its next visit (PostgreSQL's statement
    # moves `plan_step` on instead: see `plan_store`).
    await plan_store.store(
        conn, [(v.ticket_id, v.index.plan) for v in applied if v.index.plan is not None]
    )
    events: list[dict[str, Any]] = []
    for visits in applied:
        events += event_rows(visits.ticket_id, visits.events, visits.seq)
    if events:
        with wrap_db_errors(entity="ticket event", entity_id=applied[0].ticket_id):
            await INSERT_EVENTS.execute(conn, events)


async def last_opened(
    conn: AsyncConnection, contacts: Collection[ContactKey]
) -> Mapping[ContactKey, datetime]:
    """One grouped query over the (contact, opened_at) index."""
    if not contacts:
        return {}
    keys = {str(c): c for c in contacts}
    result = await conn.execute(
        select(tickets.c.contact, func.max(tickets.c.opened_at))
        .where(tickets.c.contact.in_(list(keys)))
        .group_by(tickets.c.contact)
    )
    return {keys[contact]: latest for contact, latest in result.all()}
