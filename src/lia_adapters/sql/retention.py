"""SqlRetentionStore: the retention purges, one bounded batch per call (SQLite and PostgreSQL).

Each batch picks its rows oldest first through an index (finished jobs: ``ix_outbox_jobs_status_created_at``;
inbound messages not yet blanked: the partial ``ix_messages_unredacted``, revision 0023; audit
rows: ``ix_activity_logs_at``), so its cost follows the batch, not the table. On PostgreSQL
the picked rows are locked ``FOR UPDATE SKIP LOCKED`` (several workers purging at once share
the rows instead of waiting on each other) and the delete re-checks a job's status, so a job a
person reprocesses meanwhile is either reprocessed or purged, never half of each.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, delete, func, select, text, update

from lia_adapters.sql.base import ConnectionSource
from lia_adapters.sql.conversations.tables import UNREDACTED, conversations, messages
from lia_adapters.sql.delivery.tables import dead_letters, outbox_jobs
from lia_adapters.sql.desk.tables import activity_logs
from lia_core.domain.delivery import JobStatus
from lia_core.domain.retention import FINISHED_JOBS, RetentionTarget

__all__ = ["SqlRetentionStore"]

_FINISHED = sorted(s.value for s in FINISHED_JOBS)
_J = outbox_jobs.c
_M = messages.c
_A = activity_logs.c
_C = conversations.c


def _old_jobs(before: datetime) -> ColumnElement[bool]:
    # created_at first: the (status, created_at) index bounds the range; a job is never
    # changed before it is created, so updated_at only drops the recently finished ones.
    return and_(_J.status.in_(_FINISHED), _J.created_at < before, _J.updated_at < before)


def _old_messages(before: datetime) -> ColumnElement[bool]:
    return and_(text(UNREDACTED), _M.processed_at.is_not(None), _M.stored_at < before)


def _old_previews(before: datetime) -> ColumnElement[bool]:
    # The list's preview of the last message: customer text too. Through the
    # last_message_at index; a conversation with a newer message keeps its preview.
    return and_(_C.last_message_at < before, _C.last_message != "")


class SqlRetentionStore:
    """Purges over the unit of work's connection; the caller commits each batch."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def count(self, target: RetentionTarget, *, before: datetime) -> int:
        """How many rows of *target* a purge with this cutoff would touch."""
        match target:
            case RetentionTarget.OUTBOX:
                query: Select[int] = select(func.count()).where(_old_jobs(before))
            case RetentionTarget.WEBHOOKS:
                previews = select(func.count()).select_from(conversations)
                stale = select(func.count()).select_from(messages).where(_old_messages(before))
                query = select(
                    stale.scalar_subquery()
                    + previews.where(_old_previews(before)).scalar_subquery()
                )
            case RetentionTarget.AUDIT:
                query = select(func.count()).select_from(activity_logs).where(_A.at < before)
        return (await self._connection().execute(query)).scalar_one()

    async def purge(
        self, target: RetentionTarget, *, before: datetime, now: datetime, limit: int
    ) -> int:
        """Purge at most *limit* old rows of *target*, oldest first; how many were purged."""
        match target:
            case RetentionTarget.OUTBOX:
                return await self._purge_jobs(before, limit)
            case RetentionTarget.WEBHOOKS:
                return await self._blank_messages(before, now, limit)
            case RetentionTarget.AUDIT:
                return await self._purge_audit(before, limit)

    async def _purge_jobs(self, before: datetime, limit: int) -> int:
        conn = self._connection()
        picked = (
            select(_J.id)
            .where(_old_jobs(before))
            .order_by(_J.created_at, _J.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = list((await conn.execute(picked)).scalars())
        if not ids:
            return 0
        dead = select(_J.id).where(_J.id.in_(ids), _J.status == JobStatus.DEAD.value)
        await conn.execute(delete(dead_letters).where(dead_letters.c.job_id.in_(dead)))
        gone = await conn.execute(delete(outbox_jobs).where(_J.id.in_(ids), _old_jobs(before)))
        return int(gone.rowcount)

    async def _blank_messages(self, before: datetime, now: datetime, limit: int) -> int:
        picked = (
            select(_M.id)
            .where(_old_messages(before))
            .order_by(_M.stored_at, _M.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        blanked = await self._connection().execute(
            update(messages)
            .where(_M.id.in_(picked), _old_messages(before))
            .values(text="", display_name="", details={}, reply_id=None, redacted_at=now)
        )
        done = int(blanked.rowcount)
        if done >= limit:
            return done
        picked_previews = (
            select(_C.id)
            .where(_old_previews(before))
            .order_by(_C.last_message_at, _C.id)
            .limit(limit - done)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        previews = await self._connection().execute(
            update(conversations)
            .where(_C.id.in_(picked_previews), _old_previews(before))
            .values(last_message="")
        )
        return done + int(previews.rowcount)

    async def _purge_audit(self, before: datetime, limit: int) -> int:
        picked = (
            select(_A.id)
            .where(_A.at < before)
            .order_by(_A.at, _A.id)
            .limit(limit)
            .scalar_subquery()
        )
        gone = await self._connection().execute(
            delete(activity_logs).where(_A.id.in_(picked), _A.at < before)
        )
        return int(gone.rowcount)
