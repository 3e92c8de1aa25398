"""SQL agent profiles, assignments and offers: conditional writes, SKIP LOCKED batches.

A save is ``UPDATE … WHERE key = :key AND version = :version``: of two writers that read the
same row, the second changes nothing and is refused (ConcurrencyConflict). The worker's
batches are read ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite has one writer and ignores
the clause).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, RowMapping, bindparam, case, false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from lia_adapters.sql import bulk
from lia_adapters.sql.assignment.inbox import inbox_statement
from lia_adapters.sql.assignment.tables import agent_profiles, assignments, offers
from lia_adapters.sql.base import ConnectionSource
from lia_adapters.sql.errors import wrap_db_errors
from lia_core.domain.agents import AgentProfile, Presence
from lia_core.domain.assignments import Assignment, Offer, OfferStatus
from lia_core.domain.delivery import Channel
from lia_core.domain.tickets import Priority, TicketStatus
from lia_core.errors import ConcurrencyConflict, NotFound
from lia_core.ports import InboxItem, InboxQuery, QueueCounts
from lia_core.sla.readings import SlaState

__all__ = ["SqlAgentRepository", "SqlAssignmentRepository", "SqlOfferRepository"]

_IN_LIST = 5000
_SETTINGS = ("capacity", "skills", "status", "auto_offline", "last_seen_at", "status_at")
_A = assignments.c
_O = offers.c
_P = agent_profiles.c


def _profile(row: RowMapping) -> AgentProfile:
    return AgentProfile(
        username=row["username"],
        capacity=row["capacity"],
        skills=frozenset(row["skills"]),
        status=Presence(row["status"]),
        auto_offline=row["auto_offline"],
        last_seen_at=row["last_seen_at"],
        status_at=row["status_at"],
        load=row["load"],
        offers_offered=row["offers_offered"],
        offers_accepted=row["offers_accepted"],
        offers_rejected=row["offers_rejected"],
        offers_timed_out=row["offers_timed_out"],
        last_offered_at=row["last_offered_at"],
        version=row["version"],
    )


def _profile_settings(profile: AgentProfile) -> dict[str, object]:
    return {
        "capacity": profile.capacity,
        "skills": sorted(profile.skills),
        "status": profile.status.value,
        "auto_offline": profile.auto_offline,
        "last_seen_at": profile.last_seen_at,
        "status_at": profile.status_at,
    }


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


def _offer(row: RowMapping) -> Offer:
    return Offer(
        id=row["id"],
        conversation_id=row["conversation_id"],
        agent=row["agent"],
        department=row["department"],
        offered_at=row["offered_at"],
        due_at=row["due_at"],
        status=OfferStatus(row["status"]),
        decided_at=row["decided_at"],
    )


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

_HELD = (
    select(func.count()).where(_A.assignee == _P.username, _A.closed_at.is_(None)).scalar_subquery()
)
_WAITING = (
    select(func.count())
    .where(_O.agent == _P.username, _O.status == OfferStatus.PENDING.value)
    .scalar_subquery()
)
_RECOUNT = (
    update(agent_profiles)
    .where(_P.username.in_(bindparam("names", expanding=True)))
    .values(load=_HELD + _WAITING)
    .returning(_P.username, _P.load)
)
"""Every named profile's load from the truth, in one statement."""

# One statement of arrays per gate batch (a VALUES list cost ~4 % of ingest's CPU).
_INSERT_ASSIGNMENTS = bulk.Batch.insert(
    assignments,
    [c.name for c in assignments.columns],
    on_conflict=lambda insert: insert.on_conflict_do_nothing().returning(_A.conversation_id),
)
_OFFER_COLUMNS = [c.name for c in offers.columns]
_INSERT_OFFERS = bulk.Batch.insert(offers, _OFFER_COLUMNS, on_conflict=lambda insert: insert)
"""One ``INSERT … SELECT FROM unnest(…)`` per batch on PostgreSQL; a taken id fails it."""

_DECIDE_OFFER = (
    update(offers)
    .where(_O.id == bindparam("_id"), _O.status == OfferStatus.PENDING.value)
    .values(status=bindparam("status"), decided_at=bindparam("decided_at"))
)


async def _changed(conn: AsyncConnection, statement: Any, rows: list[dict[str, object]]) -> int:
    """Run an UPDATE for each of *rows*; how many rows it changed in all."""
    if len(rows) == 1:
        return int((await conn.execute(statement, rows[0])).rowcount)
    return int((await conn.execute(statement, rows)).rowcount)


class SqlAgentRepository:
    """Profiles in `agent_profiles`."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def get(self, username: str) -> AgentProfile:
        """One profile. Raises NotFound."""
        result = await self._connection().execute(
            select(agent_profiles).where(_P.username == username)
        )
        row = result.mappings().one_or_none()
        if row is None:
            raise NotFound(entity="agent", entity_id=username)
        return _profile(row)

    async def list(self) -> Sequence[AgentProfile]:
        """Every profile, by username."""
        result = await self._connection().execute(select(agent_profiles).order_by(_P.username))
        return [_profile(r) for r in result.mappings()]

    async def save(self, profile: AgentProfile) -> None:
        """Insert (version 0) or update the settings if still at the version read."""
        conn = self._connection()
        settings = _profile_settings(profile)
        if profile.version == 0:
            insert = bulk.upsert(agent_profiles, conn.dialect.name).values(
                username=profile.username,
                load=profile.load,
                offers_offered=0,
                offers_accepted=0,
                offers_rejected=0,
                offers_timed_out=0,
                last_offered_at=None,
                version=1,
                **settings,
            )
            with wrap_db_errors(entity="agent", entity_id=profile.username):
                inserted = await conn.execute(
                    insert.on_conflict_do_nothing().returning(_P.username)
                )
            changed = len(inserted.all())
        else:
            with wrap_db_errors(entity="agent", entity_id=profile.username):
                result = await conn.execute(
                    update(agent_profiles)
                    .where(_P.username == profile.username, _P.version == profile.version)
                    .values(version=_P.version + 1, **settings)
                )
            changed = result.rowcount
        if changed != 1:
            raise ConcurrencyConflict(entity="agent", entity_id=profile.username)
        profile.version += 1

    async def available(self, now: datetime, ttl: timedelta) -> Sequence[AgentProfile]:
        """Online profiles heard from within *ttl* (or with auto-offline off), locked."""
        query = (
            select(agent_profiles)
            .where(
                _P.status == Presence.ONLINE.value,
                or_(_P.auto_offline == false(), _P.last_seen_at >= now - ttl),
            )
            .order_by(_P.username)
            .with_for_update(skip_locked=True)
        )
        result = await self._connection().execute(query)
        return [_profile(r) for r in result.mappings()]

    async def silent(self, now: datetime, ttl: timedelta, *, limit: int) -> Sequence[AgentProfile]:
        """Profiles not offline whose heartbeat is older than *ttl*, locked."""
        query = (
            select(agent_profiles)
            .where(
                _P.status != Presence.OFFLINE.value,
                _P.auto_offline,
                or_(_P.last_seen_at.is_(None), _P.last_seen_at < now - ttl),
            )
            .order_by(_P.username)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        result = await self._connection().execute(query)
        return [_profile(r) for r in result.mappings()]

    async def tally(
        self,
        agent: str,
        *,
        offered: int = 0,
        accepted: int = 0,
        rejected: int = 0,
        timed_out: int = 0,
        offered_at: datetime | None = None,
    ) -> None:
        """Add to the counters in place (no version bump)."""
        values: dict[str, object] = {
            "offers_offered": _P.offers_offered + offered,
            "offers_accepted": _P.offers_accepted + accepted,
            "offers_rejected": _P.offers_rejected + rejected,
            "offers_timed_out": _P.offers_timed_out + timed_out,
        }
        if offered_at is not None:
            values["last_offered_at"] = offered_at
        with wrap_db_errors(entity="agent", entity_id=agent):
            await self._connection().execute(
                update(agent_profiles).where(_P.username == agent).values(values)
            )

    async def recount(self, usernames: Collection[str]) -> Mapping[str, int]:
        """Count open assignments and pending offers per agent; store the loads.

        Agents with a profile: one ``UPDATE … SET load = (counts) … RETURNING``; the others
        (never set, never heard from) are counted with two GROUP BYs.
        """
        names = sorted(set(usernames))
        if not names:
            return {}
        conn = self._connection()
        counted: dict[str, int] = {}
        for part in bulk.chunks(names, _IN_LIST):
            with wrap_db_errors(entity="agent", entity_id=part[0]):  # a deadlock: retried
                stored = await conn.execute(_RECOUNT, {"names": list(part)})
            counted.update({name: int(load) for name, load in stored})
        rest = [n for n in names if n not in counted]
        counted.update(dict.fromkeys(rest, 0))
        for part in bulk.chunks(rest, _IN_LIST):
            held = (
                select(_A.assignee, func.count())
                .where(_A.closed_at.is_(None), _A.assignee.in_(part))
                .group_by(_A.assignee)
            )
            waiting = (
                select(_O.agent, func.count())
                .where(_O.status == OfferStatus.PENDING.value, _O.agent.in_(part))
                .group_by(_O.agent)
            )
            for query in (held, waiting):
                for name, count in await conn.execute(query):
                    counted[name] += int(count)
        return counted


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


class SqlOfferRepository:
    """Offers in `offers`."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def add_many(self, items: Sequence[Offer]) -> None:
        """Insert new offers. Raises AlreadyExists."""
        if not items:
            return
        rows = [
            {
                "id": o.id,
                "conversation_id": o.conversation_id,
                "agent": o.agent,
                "department": o.department,
                "offered_at": o.offered_at,
                "due_at": o.due_at,
                "status": o.status.value,
                "decided_at": o.decided_at,
            }
            for o in items
        ]
        with wrap_db_errors(entity="offer", entity_id=items[0].id):
            await _INSERT_OFFERS.execute(self._connection(), rows)

    async def get(self, offer_id: str) -> Offer:
        """One offer. Raises NotFound."""
        result = await self._connection().execute(select(offers).where(_O.id == offer_id))
        row = result.mappings().one_or_none()
        if row is None:
            raise NotFound(entity="offer", entity_id=offer_id)
        return _offer(row)

    async def decide_many(self, items: Sequence[Offer]) -> None:
        """Store decisions of offers still pending; ConcurrencyConflict otherwise."""
        if not items:
            return
        rows: list[dict[str, object]] = [
            {"_id": o.id, "status": o.status.value, "decided_at": o.decided_at} for o in items
        ]
        with wrap_db_errors(entity="offer", entity_id=items[0].id):
            changed = await _changed(self._connection(), _DECIDE_OFFER, rows)
        if changed != len(rows):
            raise ConcurrencyConflict(entity="offer", entity_id=items[0].id)

    async def due(self, now: datetime, *, limit: int) -> Sequence[Offer]:
        """Pending offers past their time, locked SKIP LOCKED."""
        result = await self._connection().execute(
            select(offers)
            .where(_O.status == OfferStatus.PENDING.value, _O.due_at <= now)
            .order_by(_O.due_at, _O.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_offer(r) for r in result.mappings()]

    async def pending_for(self, agent: str) -> Sequence[Offer]:
        """Pending offers of *agent*, oldest first."""
        result = await self._connection().execute(
            select(offers)
            .where(_O.status == OfferStatus.PENDING.value, _O.agent == agent)
            .order_by(_O.offered_at, _O.id)
        )
        return [_offer(r) for r in result.mappings()]
