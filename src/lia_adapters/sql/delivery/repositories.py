"""SQL dead letters, reprocessing audit and failure notices (the outbox is in `outbox`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence

from sqlalchemy import delete, func, literal, select

from lia_adapters.sql import bulk
from lia_adapters.sql.base import ConnectionSource
from lia_adapters.sql.bulk import insert_ignoring_duplicates, insert_or_replace
from lia_adapters.sql.delivery import mapping as mapping
from lia_adapters.sql.delivery.tables import (
    dead_letters,
    dlq_reprocess_audit,
    failure_notifications,
    outbox_jobs,
)
from lia_adapters.sql.errors import wrap_db_errors
from lia_core.domain.delivery import DeadLetter, JobStatus
from lia_core.domain.notices import FailureNotice, NoticeKind
from lia_core.errors import NotFound
from lia_core.ports import DeadLetterFilter, ReprocessAudit

__all__ = ["SqlDeadLetterRepository", "SqlDlqAuditRepository", "SqlNoticeRepository"]

_dead = dead_letters.c
_audit = dlq_reprocess_audit.c
_notices = failure_notifications.c
_jobs = outbox_jobs.c
_IN_LIST = 5000
"""Recipients per query (SQLite binds at most 32,766 parameters)."""


class SqlDeadLetterRepository:
    """Dead letters in the `dead_letters` table, one per job."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def add(self, dead: DeadLetter) -> None:
        """Record a dead letter, replacing an older one for the same job."""
        with wrap_db_errors(entity="dead letter", entity_id=dead.job_id):
            await insert_or_replace(
                self._connection(),
                dead_letters,
                mapping.dead_letter_values(dead),
                unique=["job_id"],
            )

    async def get(self, job_id: str) -> DeadLetter:
        """The dead letter of a job. Raises NotFound."""
        result = await self._connection().execute(
            select(dead_letters).where(_dead.job_id == job_id)
        )
        row = result.mappings().one_or_none()
        if row is None:
            raise NotFound(entity="dead letter", entity_id=job_id)
        return mapping.dead_letter_from_row(row)

    async def list(
        self, where: DeadLetterFilter, *, limit: int | None = None
    ) -> Sequence[DeadLetter]:
        """Dead letters matching *where* (since inclusive, until exclusive), oldest failure first."""
        query = select(dead_letters).order_by(_dead.failed_at, _dead.job_id).limit(limit)
        if where.job_name is not None:
            query = query.where(_dead.job_name == where.job_name.value)
        if where.err_code is not None:
            query = query.where(_dead.err_code == where.err_code)
        if where.since is not None:
            query = query.where(_dead.failed_at >= where.since)
        if where.until is not None:
            query = query.where(_dead.failed_at < where.until)
        if where.job_ids is not None:
            query = query.where(_dead.job_id.in_(sorted(where.job_ids)))
        result = await self._connection().execute(query)
        return [mapping.dead_letter_from_row(row) for row in result.mappings()]

    async def remove(self, job_id: str) -> None:
        """Forget a job's dead letter. Raises NotFound."""
        with wrap_db_errors(entity="dead letter", entity_id=job_id):
            result = await self._connection().execute(
                delete(dead_letters).where(_dead.job_id == job_id)
            )
        if result.rowcount == 0:
            raise NotFound(entity="dead letter", entity_id=job_id)

    async def count(self) -> int:
        """How many dead letters there are."""
        result = await self._connection().execute(select(func.count()).select_from(dead_letters))
        return int(result.scalar_one())


class SqlDlqAuditRepository:
    """Reprocessing runs in the `dlq_reprocess_audit` table."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def add(self, entry: ReprocessAudit) -> None:
        """Record a run. Raises AlreadyExists when its action id is taken."""
        with wrap_db_errors(entity="reprocess audit", entity_id=entry.action_id):
            await self._connection().execute(
                dlq_reprocess_audit.insert().values(mapping.audit_values(entry))
            )

    async def list(self, *, limit: int = 50) -> Sequence[ReprocessAudit]:
        """Recent runs, newest first."""
        result = await self._connection().execute(
            select(dlq_reprocess_audit)
            .order_by(_audit.at.desc(), _audit.action_id.desc())
            .limit(limit)
        )
        return [mapping.audit_from_row(row) for row in result.mappings()]


class SqlNoticeRepository:
    """Failure notices in `failure_notifications`: one per failure, kind and recipient."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def record(self, notice: FailureNotice) -> bool:
        """Store a notice; False when this contact already has one of this kind for this failure."""
        return await self.record_many([notice]) == 1

    async def record_many(self, notices: Sequence[FailureNotice]) -> int:
        """Store the new notices in multi-row statements, skipping existing ones; count them."""
        rows = [mapping.notice_values(notice) for notice in notices]
        entity_id = notices[0].failure_id if notices else ""
        with wrap_db_errors(entity="notice", entity_id=entity_id):
            return await insert_ignoring_duplicates(
                self._connection(),
                failure_notifications,
                rows,
                unique=["failure_id", "kind", "recipient"],
            )

    async def page(
        self, failure_id: str, kind: NoticeKind, *, after: str | None, limit: int
    ) -> Sequence[FailureNotice]:
        """Notices of a failure by recipient, starting after recipient *after* (keyset paging)."""
        query = (
            select(failure_notifications)
            .where(_notices.failure_id == failure_id, _notices.kind == kind.value)
            .order_by(_notices.recipient)
            .limit(limit)
        )
        if after is not None:
            query = query.where(_notices.recipient > after)
        result = await self._connection().execute(query)
        return [mapping.notice_from_row(row) for row in result.mappings()]

    async def counts(self, failure_id: str) -> Mapping[NoticeKind, int]:
        """How many notices of each kind a failure has (a `Counter`: absent kinds count zero)."""
        result = await self._connection().execute(
            select(_notices.kind, func.count())
            .where(_notices.failure_id == failure_id)
            .group_by(_notices.kind)
        )
        return Counter({NoticeKind(kind): count for kind, count in result})

    async def counts_many(
        self, failure_ids: Collection[str]
    ) -> Mapping[str, Mapping[NoticeKind, int]]:
        """`counts` of several failures in one grouped query over the primary key."""
        counts: dict[str, Counter[NoticeKind]] = {fid: Counter() for fid in failure_ids}
        if not counts:
            return counts
        conn = self._connection()
        result = await conn.execute(
            select(_notices.failure_id, _notices.kind, func.count())
            .where(bulk.any_of(conn, _notices.failure_id, "failure_ids"))
            .group_by(_notices.failure_id, _notices.kind),
            {"failure_ids": list(counts)},
        )
        for failure_id, kind, count in result:
            counts[failure_id][NoticeKind(kind)] = count
        return counts

    async def delivery(self, failure_id: str) -> Mapping[tuple[NoticeKind, JobStatus | None], int]:
        """Counts per kind and job status: the notices outer-joined to their jobs by id."""
        joined = failure_notifications.outerjoin(outbox_jobs, _jobs.id == _notices.job_id)
        result = await self._connection().execute(
            select(_notices.kind, _jobs.status, func.count())
            .select_from(joined)
            # The id inlined, not bound: a prepared statement's generic plan guesses a few
            # notices per failure and loops over the jobs' index, ~4x slower than the hash
            # join the planner picks once it sees the id of a failure told 90,000 contacts.
            .where(_notices.failure_id == literal(failure_id, literal_execute=True))
            .group_by(_notices.kind, _jobs.status)
        )
        return Counter(
            {
                (NoticeKind(kind), None if status is None else JobStatus(status)): count
                for kind, status, count in result
            }
        )

    async def notified(
        self, failure_ids: Collection[str], recipients: Collection[str]
    ) -> set[tuple[str, str]]:
        """The (failure id, recipient) pairs among these with a NOTICE (primary-key lookups)."""
        if not failure_ids or not recipients:
            return set()
        conn = self._connection()
        # By recipient (its own index), failure ids filtered here: with a thousand active
        # failures an IN list of them would make the planner scan the whole table.
        query = select(_notices.failure_id, _notices.recipient).where(
            bulk.any_of(conn, _notices.recipient, "recipients"),
            _notices.kind == literal(NoticeKind.NOTICE.value, literal_execute=True),
        )
        wanted = set(failure_ids)
        pairs: set[tuple[str, str]] = set()
        for people in bulk.chunks(sorted(set(recipients)), _IN_LIST):
            result = await conn.execute(query, {"recipients": list(people)})
            pairs.update((fid, who) for fid, who in result if fid in wanted)
        return pairs
