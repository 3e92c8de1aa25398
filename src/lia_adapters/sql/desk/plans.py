"""Where the SLA monitor's visit plans are stored, and how a batch of them is applied.

A ticket's plan (`lia_core.desk.plan`) is a row of `ticket_plans`, written whole by the
monitor's planner (or a pipeline visit) and never edited. Its clock row says how far the
ticket is in it: `plan_step`, the next visit's number, and `plan_seq`, the position of that
visit's first event; both NULL when no plan holds. On PostgreSQL a visit moves those two
integers on in one statement (`visits.VISIT_DUE`); elsewhere the remaining plan is written
again (`store`), which is simpler and costs nothing that matters on SQLite.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

import attrs
from sqlalchemy import Executable, bindparam, delete, update
from sqlalchemy.ext.asyncio import AsyncConnection

from lia_adapters.sql import bulk
from lia_adapters.sql.desk.tables import ticket_clocks, ticket_plans
from lia_adapters.sql.desk.visits import VISIT_DUE
from lia_adapters.sql.errors import wrap_db_errors
from lia_core.desk.index import TicketIndex
from lia_core.desk.plan import AppliedVisit, DueVisits, PlannedAlert, VisitPlan
from lia_core.domain.tickets import EventKind

__all__ = ["apply_planned", "clock_plan", "drop", "read", "set_plans", "store"]

_KINDS = {kind.value: kind for kind in EventKind}
"""Event kinds by stored name: a dictionary lookup, not an enum call, per applied event."""


def read(raw: object, step: int | None, seq: int | None) -> VisitPlan | None:
    """The plan a clock row points into: *raw*'s visits from *step*, the first event at *seq*."""
    if step is None or seq is None or not isinstance(raw, Mapping):
        return None
    plan = VisitPlan.from_data(raw)
    if plan is None:
        return None
    return attrs.evolve(plan, seq=seq, stored=plan.stored[step:])


def fitting(index: TicketIndex, events: int | None) -> VisitPlan | None:
    """*index*'s plan when it starts after *events* stored events (a plan made for another
    timeline would write events at the wrong positions); None otherwise."""
    plan = index.plan
    if plan is None or (events is not None and plan.seq != events):
        return None
    return plan


def clock_plan(index: TicketIndex, events: int | None = None) -> dict[str, int | None]:
    """The clock row's `plan_step` and `plan_seq` for *index* (see `fitting`)."""
    plan = fitting(index, events)
    return {
        "plan_step": None if plan is None else 0,
        "plan_seq": None if plan is None else plan.seq,
    }


def _replace(insert: Any) -> Executable:
    """``… ON CONFLICT (ticket_id) DO UPDATE SET plan = excluded.plan``."""
    return cast(
        Executable,
        insert.on_conflict_do_update(
            index_elements=["ticket_id"], set_={"plan": insert.excluded["plan"]}
        ),
    )


_UPSERT = bulk.Batch.insert(ticket_plans, ["ticket_id", "plan"], on_conflict=_replace)

_START = bulk.Batch(
    ticket_clocks,
    ["ticket_id", "plan_seq"],
    postgresql=lambda rows: (
        update(ticket_clocks)
        .where(ticket_clocks.c.ticket_id == rows.source.c.ticket_id)
        .values(plan_step=0, plan_seq=rows.columns["plan_seq"])
    ),
    sqlite=lambda: (
        update(ticket_clocks)
        .where(ticket_clocks.c.ticket_id == bindparam("_ticket_id"))
        .values(plan_step=0, plan_seq=bindparam("plan_seq"))
    ),
    sqlite_params=lambda rows: [
        {"_ticket_id": r["ticket_id"], "plan_seq": r["plan_seq"]} for r in rows
    ],
)


async def store(conn: AsyncConnection, plans: Sequence[tuple[str, VisitPlan]]) -> None:
    """Write each ticket's plan whole (one statement); its clock row is set by the caller."""
    if plans:
        rows = [{"ticket_id": tid, "plan": plan.to_data()} for tid, plan in plans]
        await _UPSERT.execute(conn, rows)


async def set_plans(conn: AsyncConnection, plans: Sequence[tuple[str, VisitPlan]]) -> None:
    """The planner's write: the plans, then their clock rows pointed at their first visit."""
    if plans:
        await store(conn, plans)
        await _START.execute(
            conn, [{"ticket_id": tid, "plan_seq": plan.seq} for tid, plan in plans]
        )


async def drop(conn: AsyncConnection, ticket_ids: Collection[str]) -> None:
    """Delete the plans of tickets that will never be visited again (resolved, closed)."""
    if ticket_ids:
        await conn.execute(delete(ticket_plans).where(ticket_plans.c.ticket_id.in_(ticket_ids)))


async def apply_planned(
    conn: AsyncConnection, now: datetime, *, limit: int, revision: int | None
) -> DueVisits:
    """PostgreSQL: take the due tickets and apply every plan that holds (`VISIT_DUE`)."""
    params = {"now": now, "limit": limit, "revision": "" if revision is None else str(revision)}
    with wrap_db_errors(entity="ticket", entity_id="due"):
        result = await conn.execute(VISIT_DUE, params)
    row = result.one()
    applied = tuple(
        AppliedVisit(
            ticket_id=ticket_id,
            department=department,
            cycle=cycle,
            kinds=tuple([_KINDS[e["kind"]] for e in events]),
            data=tuple([e["data"] for e in events]),
            alerts=tuple([PlannedAlert(policy=p, cause=c, text=t) for p, c, t in alerts]),
            next_check_at=None if next_check is None else datetime.fromisoformat(next_check),
        )
        for ticket_id, next_check, department, cycle, events, alerts in json.loads(row.applied)
    )
    return DueVisits(applied=applied, unplanned=tuple(json.loads(row.unplanned)))
