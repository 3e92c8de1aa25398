"""SQL assignments (agents.py: profiles; offers.py: offers): conditional writes, SKIP LOCKED batches.

A save is ``UPDATE … WHERE key = :key AND version = :version``: of two writers that read the
same row, the second changes nothing and is refused (ConcurrencyConflict). The worker's
batches are read ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite has one writer and ignores
the clause).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, RowMapping, bindparam, case, func, select, update

from lia_adapters.sql import bulk
from lia_adapters.sql.assignment.inbox import inbox_statement
from lia_adapters.sql.assignment.tables import agent_profiles, assignments, offers
from lia_adapters.sql.base import ConnectionSource
from lia_adapters.sql.errors import wrap_db_errors
from lia_core.domain.assignments import Assignment
from lia_core.domain.delivery import Channel
from lia_core.domain.tickets import Priority, TicketStatus
from lia_core.errors import ConcurrencyConflict, NotFound
from lia_core.ports import InboxItem, InboxQuery, QueueCounts
from lia_core.sla.readings import SlaState

__all__ = ["SqlAssignmentRepository"]

_IN_LIST = 5000
_SETTINGS = ("capacity", "skills", "status", "auto_offline", "last_seen_at", "status_at")
_A = assignments.c
_O = offers.c
_P = agent_profiles.c


def _assignment(row: RowMapping) -> Assignment:
    return Assignment(
        conversation_id=row["conversation_id"],
        department=row["department"],
        priority=Priority(row["priority"]),
        vip=row["vip"],
        waiting_since=row["waiting_since"],
        assignee=row["assignee"],
        assigned_at=row["assigned_at"],
        first_human_reply_at=row["first_human_reply_at"],
        return_due_at=row["return_due_at"],
        offer_id=row["offer_id"],
        passed_over=tuple(row["passed_over"]),
        previous_assignee=row["previous_assignee"],
        reason=row["reason"],
        closed_at=row["closed_at"],
        updated_at=row["updated_at"],
        version=row["version"],
    )


def _inbox_item(row: RowMapping) -> InboxItem:
    channel, status, sla = row["channel"], row["ticket_status"], row["sla_state"]
    return InboxItem(
        assignment=_assignment(row),
        channel=Channel(channel) if channel else None,
        client_name=row["client_name"] or "",
        contact_phone=row["contact_phone"],
        last_message_at=row["last_message_at"],
        ticket_id=row["ticket_id"],
        ticket_status=TicketStatus(status) if status else None,
        sla_state=SlaState(sla) if sla else None,
        first_response_due_at=row["first_response_due_at"],
        resolution_due_at=row["resolution_due_at"],
    )


def _assignment_values(a: Assignment) -> dict[str, object]:
    return {
        "conversation_id": a.conversation_id,
        "department": a.department,
        "priority": a.priority.value,
        "vip": a.vip,
        "urgency": a.urgency,
        "waiting_since": a.waiting_since,
        "assignee": a.assignee,
        "assigned_at": a.assigned_at,
        "first_human_reply_at": a.first_human_reply_at,
        "return_due_at": a.return_due_at,
        "offer_id": a.offer_id,
        "passed_over": list(a.passed_over),
        "previous_assignee": a.previous_assignee,
        "reason": a.reason,
        "closed_at": a.closed_at,
        "updated_at": a.updated_at,
    }


_ASSIGNMENT_CHANGES = [
    c.name for c in assignments.columns if c.name not in ("conversation_id", "version")
]


def _update_assignments_from(rows: bulk.Unnest) -> Any:
    """PostgreSQL: ``UPDATE assignments SET …, version = version + 1 FROM unnest(…) v
    WHERE conversation_id = v.conversation_id AND version = v.version RETURNING …``."""
    return (
        update(assignments)
        .where(
            _A.conversation_id == rows.source.c.conversation_id,
            _A.version == rows.source.c.version,
        )
        .values({"version": _A.version + 1, **{n: rows.columns[n] for n in _ASSIGNMENT_CHANGES}})
        .returning(_A.conversation_id)
    )


def _update_assignment() -> Any:
    """SQLite, per row of an executemany: ``UPDATE … WHERE conversation_id = :_id AND version = :_version``."""
    return (
        update(assignments)
        .where(_A.conversation_id == bindparam("_id"), _A.version == bindparam("_version"))
        .values({"version": _A.version + 1, **{n: bindparam(n) for n in _ASSIGNMENT_CHANGES}})
    )


_UPDATE_ASSIGNMENTS = bulk.Batch(
    assignments,
    ["conversation_id", "version", *_ASSIGNMENT_CHANGES],
    postgresql=_update_assignments_from,
    sqlite=_update_assignment,
    sqlite_params=lambda rows: [
        {
            "_id": r["conversation_id"],
            "_version": r["version"],
            **{n: r[n] for n in _ASSIGNMENT_CHANGES},
        }
        for r in rows
    ],
)
"""One statement per batch on PostgreSQL (10,000 offers' assignments in one go)."""

_INSERT_ASSIGNMENTS = bulk.Batch.insert(
    assignments,
    [c.name for c in assignments.columns],
    on_conflict=lambda insert: insert.on_conflict_do_nothing().returning(_A.conversation_id),
)


class SqlAssignmentRepository:
    """Assignments in `assignments`; the queues are its partial indexes."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def get(self, conversation_id: str) -> Assignment:
        """One assignment. Raises NotFound."""
        result = await self._connection().execute(
            select(assignments).where(_A.conversation_id == conversation_id)
        )
        row = result.mappings().one_or_none()
        if row is None:
            raise NotFound(entity="assignment", entity_id=conversation_id)
        return _assignment(row)

    async def get_many(self, conversation_ids: Collection[str]) -> Mapping[str, Assignment]:
        """The known ones among *conversation_ids*."""
        conn = self._connection()
        found: dict[str, Assignment] = {}
        for part in bulk.chunks(sorted(set(conversation_ids)), _IN_LIST):
            result = await conn.execute(select(assignments).where(_A.conversation_id.in_(part)))
            for row in result.mappings():
                found[row["conversation_id"]] = _assignment(row)
        return found

    async def save_many(self, items: Sequence[Assignment]) -> None:
        """Insert new ones, update known ones at their version; bump every version."""
        if not items:
            return
        conn = self._connection()
        new = [a for a in items if a.version == 0]
        known = [a for a in items if a.version != 0]
        with wrap_db_errors(entity="assignment", entity_id=items[0].conversation_id):
            if new:
                rows = [_assignment_values(a) | {"version": 1} for a in new]
                inserted = await _INSERT_ASSIGNMENTS.execute(conn, rows)
                if len(inserted.all()) != len(rows):
                    raise ConcurrencyConflict(entity="assignment", entity_id=new[0].conversation_id)
            if known:
                rows = [_assignment_values(a) | {"version": a.version} for a in known]
                result = await _UPDATE_ASSIGNMENTS.execute(conn, rows)
                # PostgreSQL names the rows it changed; SQLite's executemany counts them.
                changed = len(result.all()) if result.returns_rows else result.rowcount
                if changed != len(rows):
                    raise ConcurrencyConflict(
                        entity="assignment", entity_id=known[0].conversation_id
                    )
        for a in items:
            a.version += 1

    async def queue(
        self, department: str, *, limit: int, offerable: bool = False
    ) -> Sequence[Assignment]:
        """The department's queue in order (the offerable batch locked SKIP LOCKED)."""
        where = [_A.department == department, _A.closed_at.is_(None), _A.assignee.is_(None)]
        if offerable:
            where.append(_A.offer_id.is_(None))
        query = (
            select(assignments)
            .where(*where)
            .order_by(_A.urgency, _A.waiting_since, _A.conversation_id)
            .limit(limit)
        )
        if offerable:
            query = query.with_for_update(skip_locked=True)
        result = await self._connection().execute(query)
        return [_assignment(r) for r in result.mappings()]

    async def held_by(self, agent: str) -> Sequence[Assignment]:
        """Open assignments of *agent*, longest held first."""
        result = await self._connection().execute(
            select(assignments)
            .where(_A.assignee == agent, _A.closed_at.is_(None))
            .order_by(_A.assigned_at, _A.conversation_id)
        )
        return [_assignment(r) for r in result.mappings()]

    async def return_due(self, now: datetime, *, limit: int) -> Sequence[Assignment]:
        """Due return timers, earliest first, locked SKIP LOCKED."""
        result = await self._connection().execute(
            select(assignments)
            .where(_A.return_due_at.is_not(None), _A.closed_at.is_(None), _A.return_due_at <= now)
            .order_by(_A.return_due_at, _A.conversation_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_assignment(r) for r in result.mappings()]

    async def counts(self, agent: str, *, department: str | None = None) -> Sequence[QueueCounts]:
        """Mine / unassigned / all per department, in one GROUP BY over the partial index."""
        mine = func.sum(case((_A.assignee == agent, 1), else_=0), type_=Integer)
        waiting = func.sum(case((_A.assignee.is_(None), 1), else_=0), type_=Integer)
        query = (
            select(_A.department, mine, waiting, func.count())
            .where(_A.closed_at.is_(None))
            .group_by(_A.department)
            .order_by(_A.department)
        )
        if department is not None:
            query = query.where(_A.department == department)
        result = await self._connection().execute(query)
        found = [
            QueueCounts(department=d, mine=int(m or 0), unassigned=int(u or 0), all=int(n))
            for d, m, u, n in result
        ]
        if department is not None and not found:
            found = [QueueCounts(department=department, mine=0, unassigned=0, all=0)]
        return found

    async def inbox(self, query: InboxQuery) -> Sequence[InboxItem]:
        """One statement (sql/assignment/inbox.py): open assignments, joined by key."""
        conn = self._connection()
        result = await conn.execute(inbox_statement(query, conn.dialect.name))
        return [_inbox_item(r) for r in result.mappings()]
