"""The SQL outbox: idempotent inserts and the claim query that leases due jobs to one worker.

Claiming, per lane (live, then bulk while the batch has room), is one statement that
reads the candidates and leases them:

- PostgreSQL: ``WITH claimable AS MATERIALIZED (<ids>) UPDATE outbox_jobs SET status =
  'sending', lease_owner, lease_expires_at, updated_at WHERE id IN (SELECT id FROM
  claimable) RETURNING *``. The candidates come from two index scans, each ``ORDER BY
  next_attempt_at, id LIMIT n FOR NO KEY UPDATE SKIP LOCKED``: pending jobs due by now
  (partial index ``ix_outbox_jobs_pending_due`` on (lane, next_attempt_at, id) WHERE
  status = 'pending') and sending jobs whose lease expired (``ix_outbox_jobs_sending_lease``
  on lease_expires_at WHERE status = 'sending'); the first n of the two by due time win.
  SKIP LOCKED makes a concurrent claimer pass over rows another one is taking rather than
  wait or take them too; a row another claimer leased and committed since this statement's
  snapshot is re-checked under the lock and dropped, as it is no longer due. MATERIALIZED
  guarantees the locking subquery runs once (a re-scanned one could lock and lease more
  than n rows). Only when a lane has expired leases can a candidate be locked and not
  chosen; it is unlocked at commit, right after.
- SQLite: ``UPDATE outbox_jobs SET ... WHERE id IN (<ids>) RETURNING *`` without the
  locks. SQLite has a single writer and an UPDATE takes the database write lock before it
  evaluates its subquery, so the candidates are read and leased with no other writer in
  between: BEGIN IMMEDIATE semantics for the one statement. If this unit of work wrote
  earlier it already holds that lock; if it did not, it has no older read snapshot open
  (the driver only opens a transaction before a write), so the statement reads the latest
  commit. The statement must start with UPDATE: the driver opens no transaction before
  ``WITH ... UPDATE``, which would then commit on its own.

The status comparisons are rendered as literals (not bound parameters) so that both
planners can prove the partial-index predicates from the query, prepared or not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Update,
    bindparam,
    func,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from lia_adapters.sql.delivery_mapping import job_from_row, job_values
from lia_adapters.sql.errors import wrap_db_errors
from lia_adapters.sql.repositories import ConnectionSource
from lia_adapters.sql.tables import outbox_jobs
from lia_adapters.sql.upsert import insert_ignoring_duplicates
from lia_core.domain.delivery import JobStatus, Lane, OutboundJob
from lia_core.errors import ConcurrencyConflict, NotFound

__all__ = ["SqlOutboxRepository", "claim_statement"]

_jobs = outbox_jobs.c
_LANES_IN_CLAIM_ORDER = sorted(Lane, key=lambda lane: lane.priority)


def _status_is(status: JobStatus) -> ColumnElement[bool]:
    return _jobs.status == literal(status.value, literal_execute=True)


def _claimable_ids(lane: Lane, now: datetime, limit: int) -> Select[Any]:
    """Ids of the first *limit* due jobs of *lane* by due time (locked, on PostgreSQL)."""
    order = (_jobs.next_attempt_at, _jobs.id)
    pending = (
        select(_jobs.id, _jobs.next_attempt_at)
        .where(_status_is(JobStatus.PENDING), _jobs.lane == lane.value)
        .where(_jobs.next_attempt_at <= now)
        .order_by(*order)
        .limit(limit)
        .with_for_update(skip_locked=True, key_share=True)
        .subquery("pending")
    )
    expired = (
        select(_jobs.id, _jobs.next_attempt_at)
        .where(_status_is(JobStatus.SENDING), _jobs.lane == lane.value)
        .where(_jobs.lease_expires_at <= now)
        .order_by(*order)
        .limit(limit)
        .with_for_update(skip_locked=True, key_share=True)
        .subquery("expired")
    )
    due = union_all(
        select(pending.c.id, pending.c.next_attempt_at),
        select(expired.c.id, expired.c.next_attempt_at),
    ).subquery("due")
    return select(due.c.id).order_by(due.c.next_attempt_at, due.c.id).limit(limit)


def claim_statement(
    dialect: str, *, lane: Lane, owner: str, now: datetime, lease_seconds: float, limit: int
) -> Update:
    """The statement leasing up to *limit* due jobs of *lane* to *owner* (see the module doc)."""
    ids = _claimable_ids(lane, now, limit)
    if dialect == "postgresql":
        claimable = ids.cte("claimable").prefix_with("MATERIALIZED")
        chosen = _jobs.id.in_(select(claimable.c.id))
    else:
        chosen = _jobs.id.in_(ids)
    return (
        update(outbox_jobs)
        .where(chosen)
        .values(
            status=JobStatus.SENDING.value,
            lease_owner=owner,
            lease_expires_at=now + timedelta(seconds=lease_seconds),
            updated_at=now,
        )
        .returning(*outbox_jobs.c)
    )


async def _exists(conn: AsyncConnection, job_id: str) -> bool:
    return await conn.scalar(select(_jobs.id).where(_jobs.id == job_id)) is not None


def _changes(job: OutboundJob) -> dict[str, object]:
    values = job_values(job)
    del values["id"]
    return values


# Built once with bound parameters: the worker saves every job it sends, and composing a
# 20-column UPDATE per call cost more CPU than running it (benchmarks/dispatch.py).
_CHANGED_COLUMNS = [c.name for c in outbox_jobs.columns if c.name != "id"]
_SAVE_LEASED = (
    update(outbox_jobs)
    .where(_jobs.id == bindparam("_job_id"), _status_is(JobStatus.SENDING))
    .where(_jobs.lease_owner == bindparam("_owner"))
    .values({name: bindparam(name) for name in _CHANGED_COLUMNS})
)


class SqlOutboxRepository:
    """Outbound jobs in the `outbox_jobs` table."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def add(self, job: OutboundJob) -> bool:
        """Insert a job; False (and nothing stored) when its idempotency key already exists."""
        return await self.add_many([job]) == 1

    async def add_many(self, jobs: Sequence[OutboundJob]) -> int:
        """Insert the jobs whose idempotency keys are new, in multi-row statements; count them.

        A job id (not key) already taken raises AlreadyExists: ids are UUIDs, so that is a bug.
        """
        rows = [job_values(job) for job in jobs]
        entity_id = jobs[0].id if len(jobs) == 1 else f"{len(jobs)} jobs"
        with wrap_db_errors(entity="job", entity_id=entity_id):
            return await insert_ignoring_duplicates(
                self._connection(), outbox_jobs, rows, unique=["idempotency_key"]
            )

    async def get(self, job_id: str) -> OutboundJob:
        """Load one job. Raises NotFound."""
        result = await self._connection().execute(select(outbox_jobs).where(_jobs.id == job_id))
        row = result.mappings().one_or_none()
        if row is None:
            raise NotFound(entity="job", entity_id=job_id)
        return job_from_row(row)

    async def get_by_key(self, idempotency_key: str) -> OutboundJob:
        """Load the job queued under *idempotency_key* (a unique-index lookup). Raises NotFound."""
        result = await self._connection().execute(
            select(outbox_jobs).where(_jobs.idempotency_key == idempotency_key)
        )
        row = result.mappings().one_or_none()
        if row is None:
            raise NotFound(entity="job", entity_id=idempotency_key)
        return job_from_row(row)

    async def claim(
        self, *, owner: str, now: datetime, lease_seconds: float, limit: int
    ) -> Sequence[OutboundJob]:
        """Lease up to *limit* due jobs to *owner*, live lane first, then by due time."""
        conn = self._connection()
        claimed: list[OutboundJob] = []
        for lane in _LANES_IN_CLAIM_ORDER:
            room = limit - len(claimed)
            if room <= 0:
                break
            statement = claim_statement(
                conn.dialect.name,
                lane=lane,
                owner=owner,
                now=now,
                lease_seconds=lease_seconds,
                limit=room,
            )
            with wrap_db_errors(entity="job", entity_id=f"claim by {owner}"):
                result = await conn.execute(statement)
            claimed.extend(job_from_row(row) for row in result.mappings())
        # RETURNING follows no ORDER BY: restore the claim order.
        claimed.sort(key=lambda job: (job.lane.priority, job.next_attempt_at, job.id))
        return claimed

    async def save(self, job: OutboundJob, *, owner: str) -> None:
        """Write back a claimed job if *owner* still holds its lease.

        Raises:
            NotFound: there is no such job.
            ConcurrencyConflict: the job is no longer sending under *owner*'s lease.
        """
        conn = self._connection()
        with wrap_db_errors(entity="job", entity_id=job.id):
            result = await conn.execute(
                _SAVE_LEASED, {**_changes(job), "_job_id": job.id, "_owner": owner}
            )
        if result.rowcount == 0:
            if not await _exists(conn, job.id):
                raise NotFound(entity="job", entity_id=job.id)
            raise ConcurrencyConflict(entity="job", entity_id=job.id)

    async def update(self, job: OutboundJob) -> None:
        """Write back a job that is not leased (dead-letter reprocessing). Raises NotFound."""
        with wrap_db_errors(entity="job", entity_id=job.id):
            result = await self._connection().execute(
                update(outbox_jobs).where(_jobs.id == job.id).values(_changes(job))
            )
        if result.rowcount == 0:
            raise NotFound(entity="job", entity_id=job.id)

    async def list(
        self, *, status: JobStatus | None = None, recipient: str | None = None, limit: int = 100
    ) -> Sequence[OutboundJob]:
        """Jobs filtered by status and recipient, newest first."""
        query = select(outbox_jobs).order_by(_jobs.created_at.desc(), _jobs.id.desc()).limit(limit)
        if status is not None:
            query = query.where(_jobs.status == status.value)
        if recipient is not None:
            query = query.where(_jobs.recipient == recipient)
        result = await self._connection().execute(query)
        return [job_from_row(row) for row in result.mappings()]

    async def count_by_status(self) -> Mapping[JobStatus, int]:
        """How many jobs are in each status (a `Counter`: absent statuses count zero)."""
        result = await self._connection().execute(
            select(_jobs.status, func.count()).group_by(_jobs.status)
        )
        return Counter({JobStatus(status): count for status, count in result})
