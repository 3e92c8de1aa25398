"""In-memory outbox, dead letters, reprocessing audit and notice records, staged like the SQL ones."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from lia_adapters.memory._tables import Staging
from lia_core.domain.delivery import DeadLetter, JobAction, JobStatus, OutboundJob
from lia_core.domain.notices import FailureNotice, NoticeKind
from lia_core.errors import ConcurrencyConflict, NotFound
from lia_core.ports import DeadLetterFilter, ReprocessAudit

__all__ = [
    "InMemoryDeadLetterRepository",
    "InMemoryDlqAuditRepository",
    "InMemoryNoticeRepository",
    "InMemoryOutboxRepository",
]


class InMemoryOutboxRepository:
    """Jobs in an `InMemoryStore`.

    Claims are written straight to the committed store (as a database commits a claim
    right away), so concurrent claimers in one event loop never share a job.
    """

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    def _view(self) -> dict[str, OutboundJob]:
        return {**self._uow.store.jobs, **self._uow.staged.jobs}

    def _known_keys(self) -> set[str]:
        return {j.idempotency_key for j in self._view().values()}

    async def add(self, job: OutboundJob) -> bool:
        """Stage a job unless its idempotency key exists."""
        if job.idempotency_key in self._known_keys():
            return False
        self._uow.staged.jobs[job.id] = copy.deepcopy(job)
        return True

    async def add_many(self, jobs: Sequence[OutboundJob]) -> int:
        """Stage the jobs whose keys are new."""
        keys = self._known_keys()
        added = 0
        for job in jobs:
            if job.idempotency_key not in keys:
                keys.add(job.idempotency_key)
                self._uow.staged.jobs[job.id] = copy.deepcopy(job)
                added += 1
        return added

    async def get(self, job_id: str) -> OutboundJob:
        """A copy of the job."""
        try:
            return copy.deepcopy(self._view()[job_id])
        except KeyError:
            raise NotFound(entity="job", entity_id=job_id) from None

    async def get_by_key(self, idempotency_key: str) -> OutboundJob:
        """A copy of the job queued under the key."""
        for job in self._view().values():
            if job.idempotency_key == idempotency_key:
                return copy.deepcopy(job)
        raise NotFound(entity="job", entity_id=idempotency_key)

    async def claim(
        self, *, owner: str, now: datetime, lease_seconds: float, limit: int
    ) -> Sequence[OutboundJob]:
        """Lease due jobs, live lane first."""
        store = self._uow.store.jobs
        due = [j for j in store.values() if j.is_due(now)]
        due.sort(key=lambda j: (j.lane.priority, j.next_attempt_at, j.id))
        claimed = []
        for job in due[:limit]:
            job.claim(owner=owner, now=now, lease_seconds=lease_seconds)
            claimed.append(copy.deepcopy(job))
        return claimed

    async def save(self, job: OutboundJob, *, owner: str) -> None:
        """Stage the new state if *owner* still holds the lease."""
        current = self._view().get(job.id)
        if current is None:
            raise NotFound(entity="job", entity_id=job.id)
        if current.status is not JobStatus.SENDING or current.lease_owner != owner:
            raise ConcurrencyConflict(entity="job", entity_id=job.id)
        self._uow.staged.jobs[job.id] = copy.deepcopy(job)

    async def save_many(self, jobs: Sequence[OutboundJob], *, owner: str) -> Sequence[str]:
        """Stage each job *owner* still leases; return the ids of the others."""
        lost: list[str] = []
        for job in jobs:
            try:
                await self.save(job, owner=owner)
            except (NotFound, ConcurrencyConflict):
                lost.append(job.id)
        return lost

    async def update(self, job: OutboundJob) -> None:
        """Stage the new state of an unleased job."""
        if job.id not in self._view():
            raise NotFound(entity="job", entity_id=job.id)
        self._uow.staged.jobs[job.id] = copy.deepcopy(job)

    async def list(
        self, *, status: JobStatus | None = None, recipient: str | None = None, limit: int = 100
    ) -> Sequence[OutboundJob]:
        """Matching jobs, newest first."""
        chosen = [
            j
            for j in self._view().values()
            if (status is None or j.status is status)
            and (recipient is None or str(j.recipient) == recipient)
        ]
        chosen.sort(key=lambda j: (j.created_at, j.id), reverse=True)
        return [copy.deepcopy(j) for j in chosen[:limit]]

    async def count_by_status(self) -> Mapping[JobStatus, int]:
        """Counts per status."""
        return Counter(j.status for j in self._view().values())

    async def settle_delivered(
        self, delivered: Mapping[str, str], *, now: datetime
    ) -> Sequence[str]:
        """Stage uncertain jobs with these keys as sent."""
        settled: list[str] = []
        for job in self._view().values():
            pid = delivered.get(job.idempotency_key)
            if pid is not None and job.allows(JobAction.SETTLE_SENT):
                done = copy.deepcopy(job)
                done.settle_sent(pid, now=now)
                self._uow.staged.jobs[job.id] = done
                settled.append(job.id)
        return settled


def _matches(dead: DeadLetter, where: DeadLetterFilter) -> bool:
    return (
        (where.job_name is None or dead.job_name is where.job_name)
        and (where.err_code is None or dead.error.code == where.err_code)
        and (where.since is None or dead.failed_at >= where.since)
        and (where.until is None or dead.failed_at < where.until)
        and (where.job_ids is None or dead.job_id in where.job_ids)
    )


class InMemoryDeadLetterRepository:
    """Dead letters in an `InMemoryStore`, one per job."""

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    def _view(self) -> dict[str, DeadLetter]:
        merged = {**self._uow.store.dead_letters, **self._uow.staged.dead_letters}
        return {k: v for k, v in merged.items() if k not in self._uow.staged.removed_dead_letters}

    async def add(self, dead: DeadLetter) -> None:
        """Stage a dead letter."""
        self._uow.staged.removed_dead_letters.discard(dead.job_id)
        self._uow.staged.dead_letters[dead.job_id] = dead

    async def get(self, job_id: str) -> DeadLetter:
        """The job's dead letter."""
        try:
            return self._view()[job_id]
        except KeyError:
            raise NotFound(entity="dead letter", entity_id=job_id) from None

    async def list(
        self, where: DeadLetterFilter, *, limit: int | None = None
    ) -> Sequence[DeadLetter]:
        """Matching dead letters, oldest failure first."""
        found = sorted(
            (d for d in self._view().values() if _matches(d, where)),
            key=lambda d: (d.failed_at, d.job_id),
        )
        return found if limit is None else found[:limit]

    async def remove(self, job_id: str) -> None:
        """Stage the removal."""
        await self.get(job_id)
        self._uow.staged.dead_letters.pop(job_id, None)
        self._uow.staged.removed_dead_letters.add(job_id)

    async def count(self) -> int:
        """How many dead letters exist."""
        return len(self._view())


class InMemoryDlqAuditRepository:
    """Reprocessing audit entries in an `InMemoryStore`."""

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    async def add(self, entry: ReprocessAudit) -> None:
        """Stage an entry."""
        self._uow.staged.audit.append(entry)

    async def list(self, *, limit: int = 50) -> Sequence[ReprocessAudit]:
        """Newest first."""
        entries = [*self._uow.store.audit, *self._uow.staged.audit]
        return sorted(entries, key=lambda e: (e.at, e.action_id), reverse=True)[:limit]


class InMemoryNoticeRepository:
    """Failure notices in an `InMemoryStore`, unique per failure, recipient and kind."""

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    def _view(self) -> dict[tuple[str, str, NoticeKind], FailureNotice]:
        return {**self._uow.store.notices, **self._uow.staged.notices}

    async def record(self, notice: FailureNotice) -> bool:
        """Stage the notice unless one exists."""
        return await self.record_many([notice]) == 1

    async def record_many(self, notices: Sequence[FailureNotice]) -> int:
        """Stage the new notices."""
        view = self._view()
        added = 0
        for notice in notices:
            key = (notice.failure_id, str(notice.recipient), notice.kind)
            if key not in view:
                view[key] = self._uow.staged.notices[key] = notice
                added += 1
        return added

    async def page(
        self, failure_id: str, kind: NoticeKind, *, after: str | None, limit: int
    ) -> Sequence[FailureNotice]:
        """The next *limit* notices by recipient after *after*."""
        chosen = sorted(
            (
                n
                for (fid, recipient, k), n in self._view().items()
                if fid == failure_id and k is kind and (after is None or recipient > after)
            ),
            key=lambda n: str(n.recipient),
        )
        return chosen[:limit]

    async def counts(self, failure_id: str) -> Mapping[NoticeKind, int]:
        """Counts per kind."""
        return Counter(k for (fid, _, k) in self._view() if fid == failure_id)

    async def counts_many(
        self, failure_ids: Collection[str]
    ) -> Mapping[str, Mapping[NoticeKind, int]]:
        """Counts per failure and kind."""
        wanted = set(failure_ids)
        counts: dict[str, Counter[NoticeKind]] = {fid: Counter() for fid in wanted}
        for fid, _, kind in self._view():
            if fid in wanted:
                counts[fid][kind] += 1
        return counts

    async def delivery(self, failure_id: str) -> Mapping[tuple[NoticeKind, JobStatus | None], int]:
        """Counts per kind and status of the notices' jobs (None: no such job)."""
        jobs = {**self._uow.store.jobs, **self._uow.staged.jobs}
        return Counter(
            (kind, job.status if (job := jobs.get(notice.job_id)) is not None else None)
            for (fid, _, kind), notice in self._view().items()
            if fid == failure_id
        )

    async def notified(
        self, failure_ids: Collection[str], recipients: Collection[str]
    ) -> set[tuple[str, str]]:
        """Pairs with a notice of kind NOTICE."""
        fids, people = set(failure_ids), set(recipients)
        return {
            (fid, who)
            for (fid, who, kind) in self._view()
            if kind is NoticeKind.NOTICE and fid in fids and who in people
        }
