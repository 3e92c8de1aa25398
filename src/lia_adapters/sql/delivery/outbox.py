"""The SQL outbox: idempotent inserts, the claim (see `claim`), saves and receipt settling."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import Executable, TableValuedAlias, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from lia_adapters.sql import bulk
from lia_adapters.sql.base import ConnectionSource
from lia_adapters.sql.bulk import insert_ignoring_duplicates
from lia_adapters.sql.column_types import UtcDateTime
from lia_adapters.sql.delivery.claim import claim_statement, status_is
from lia_adapters.sql.delivery.mapping import (
    OUTCOME_COLUMNS,
    job_from_row,
    job_values,
    outcome_values,
)
from lia_adapters.sql.delivery.tables import outbox_jobs
from lia_adapters.sql.errors import wrap_db_errors
from lia_core.domain.delivery import JOB_TRANSITIONS, JobAction, JobStatus, Lane, OutboundJob
from lia_core.errors import ConcurrencyConflict, NotFound

__all__ = ["SqlOutboxRepository", "claim_statement"]

_jobs = outbox_jobs.c
_LANES_IN_CLAIM_ORDER = sorted(Lane, key=lambda lane: lane.priority)


async def _exists(conn: AsyncConnection, job_id: str) -> bool:
    return await conn.scalar(select(_jobs.id).where(_jobs.id == job_id)) is not None


def _changes(job: OutboundJob) -> dict[str, object]:
    values = job_values(job)
    del values["id"]
    return values


# Built once with bound parameters: the worker saves every job it sends, and composing a
# 20-column UPDATE per call cost more CPU than running it (benchmarks/dispatch.py). A
# claimed job's outcome changes only the OUTCOME_COLUMNS: those are all it writes.
_CHANGED_COLUMNS = list(OUTCOME_COLUMNS)
_SAVE_LEASED = (
    update(outbox_jobs)
    .where(_jobs.id == bindparam("_job_id"), status_is(JobStatus.SENDING))
    .where(_jobs.lease_owner == bindparam("_owner"))
    .values({name: bindparam(name) for name in _CHANGED_COLUMNS})
)


async def _save_leased(conn: AsyncConnection, job: OutboundJob, owner: str) -> bool:
    """Write one job back if *owner* still leases it; False when nothing was written."""
    with wrap_db_errors(entity="job", entity_id=job.id):
        values = outcome_values(job)
        del values["id"]
        result = await conn.execute(_SAVE_LEASED, {**values, "_job_id": job.id, "_owner": owner})
    return bool(result.rowcount)


def _save_leased_from(rows: bulk.Unnest) -> Executable:
    """PostgreSQL: ``UPDATE outbox_jobs SET <column> = v.<column>, … FROM unnest(…) v
    WHERE id = v.id AND status = 'sending' AND lease_owner = :_owner RETURNING id``."""
    return (
        update(outbox_jobs)
        .where(_jobs.id == rows.columns["id"], status_is(JobStatus.SENDING))
        .where(_jobs.lease_owner == bindparam("_owner"))
        .values({name: rows.columns[name] for name in _CHANGED_COLUMNS})
        .returning(_jobs.id)
    )


_SAVE_LEASED_MANY = bulk.Batch(
    outbox_jobs,
    ["id", *_CHANGED_COLUMNS],
    postgresql=_save_leased_from,
    sqlite=lambda: _SAVE_LEASED,
    sqlite_params=lambda rows: [
        {**{n: row[n] for n in _CHANGED_COLUMNS}, "_job_id": row["id"]} for row in rows
    ],
)

(_SETTLE_FROM,), _SETTLED = JOB_TRANSITIONS[JobAction.SETTLE_SENT]


def _settle_delivered(delivered: TableValuedAlias) -> Executable:
    """``UPDATE outbox_jobs SET status = 'sent', … FROM <key → provider id rows> v
    WHERE idempotency_key = v.key AND status = 'uncertain' RETURNING id``."""
    now = bindparam("now", type_=UtcDateTime)
    return (
        update(outbox_jobs)
        .where(_jobs.idempotency_key == delivered.c.key, status_is(_SETTLE_FROM))
        .values(
            status=_SETTLED.value,
            sent_at=now,
            updated_at=now,
            provider_message_id=delivered.c.value,
        )
        .returning(_jobs.id)
    )


_SETTLE_DELIVERED = bulk.MappingBatch(_settle_delivered)


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
        """Write back a claimed job's outcome (`OUTCOME_COLUMNS`) if *owner* still holds its lease.

        Raises:
            NotFound: there is no such job.
            ConcurrencyConflict: the job is no longer sending under *owner*'s lease.
        """
        conn = self._connection()
        if not await _save_leased(conn, job, owner):
            if not await _exists(conn, job.id):
                raise NotFound(entity="job", entity_id=job.id)
            raise ConcurrencyConflict(entity="job", entity_id=job.id)

    async def save_many(self, jobs: Sequence[OutboundJob], *, owner: str) -> Sequence[str]:
        """Write back the outcomes (`OUTCOME_COLUMNS`) of the jobs *owner* still leases; return
        the ids of the others.

        PostgreSQL takes the whole batch in one UPDATE over arrays (one statement instead of
        one per job was a tenth of the worker's CPU in benchmarks/dispatch.py); SQLite,
        in-process, runs the one-row UPDATE per job.
        """
        if not jobs:
            return []
        rows = [outcome_values(job) for job in jobs]
        with wrap_db_errors(entity="job", entity_id=f"{len(jobs)} jobs"):
            saved = await _SAVE_LEASED_MANY.written(
                self._connection(), rows, key="id", _owner=owner
            )
        return [job.id for job in jobs if job.id not in saved]

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

    async def settle_delivered(
        self, delivered: Mapping[str, str], *, now: datetime
    ) -> Sequence[str]:
        """Settle uncertain jobs as sent (idempotency key → provider id) in one UPDATE; their ids.

        The bulk form of `OutboundJob.settle_sent`, its statuses read from `JOB_TRANSITIONS`.
        """
        if not delivered:
            return []
        with wrap_db_errors(entity="job", entity_id=next(iter(delivered))):
            result = await _SETTLE_DELIVERED.execute(self._connection(), delivered, now=now)
        return list(result.scalars())
