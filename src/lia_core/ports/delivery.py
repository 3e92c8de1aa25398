"""Delivery ports: channel senders, the outbox, dead letters, their audit, and outage notices."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol

import attrs

from lia_core.domain.delivery import (
    Channel,
    DeadLetter,
    JobName,
    JobStatus,
    MessageContent,
    OutboundJob,
)
from lia_core.domain.notices import FailureNotice, NoticeKind
from lia_core.domain.recipients import Recipient

__all__ = [
    "AuditSink",
    "DeadLetterFilter",
    "DeadLetterRepository",
    "DlqAuditRepository",
    "MessageSender",
    "NoticeRepository",
    "OutboundMessage",
    "OutboxRepository",
    "ReprocessAudit",
]


@attrs.frozen(kw_only=True)
class OutboundMessage:
    """What a channel adapter is asked to deliver."""

    job_id: str
    idempotency_key: str
    channel: Channel
    recipient: Recipient
    content: MessageContent
    request_id: str | None = None
    """The request that caused the job (`JobContext.request_id`), for the adapter's logs."""


class MessageSender(Protocol):
    """Delivers messages on one channel (WhatsApp Cloud, Evolution, Twilio SMS, FCM, sandbox)."""

    @property
    def channel(self) -> Channel:
        """The channel this sender serves."""
        ...

    async def send(self, message: OutboundMessage) -> str:
        """Deliver *message*; return the provider's message id.

        Raises:
            DeliveryError: with a `SendFailure` saying how to treat it (permanent,
                unreachable, rate limited, transient, uncertain, channel down).
        """
        ...


class OutboxRepository(Protocol):
    """Durable outbound jobs."""

    async def add(self, job: OutboundJob) -> bool:
        """Store a job; False (and nothing stored) when its idempotency key already exists."""
        ...

    async def add_many(self, jobs: Sequence[OutboundJob]) -> int:
        """Store many jobs in one statement, skipping known idempotency keys; return how many were new."""
        ...

    async def get(self, job_id: str) -> OutboundJob:
        """Load one job. Raises NotFound."""
        ...

    async def get_by_key(self, idempotency_key: str) -> OutboundJob:
        """Load the job queued under *idempotency_key*. Raises NotFound."""
        ...

    async def claim(
        self, *, owner: str, now: datetime, lease_seconds: float, limit: int
    ) -> Sequence[OutboundJob]:
        """Lease up to *limit* due jobs to *owner*: live lane first, then by due time.

        Due means pending with ``next_attempt_at <= now``, or sending with an expired lease
        (its worker died). Claimed jobs become ``sending`` with the lease set. Concurrent
        claimers never get the same job.
        """
        ...

    async def save(self, job: OutboundJob, *, owner: str) -> None:
        """Write back a claimed job's new state; the lease must still be *owner*'s.

        Only what a claimed job's transitions change is written (status, attempts, due time,
        channel and fallbacks, lease, provider id, last error, timestamps): the content,
        recipient, key, lane and context are fixed when the job is queued.

        Raises:
            ConcurrencyConflict: the lease expired and another worker holds the job.
        """
        ...

    async def save_many(self, jobs: Sequence[OutboundJob], *, owner: str) -> Sequence[str]:
        """Write back claimed jobs (distinct ids) that *owner* still leases, in few statements
        (what `save` writes of each).

        Returns the ids not written, in the order given: their lease expired and another
        worker holds them (its outcome wins), or they are gone.
        """
        ...

    async def update(self, job: OutboundJob) -> None:
        """Write back a job that is not leased (dead-letter reprocessing). Raises NotFound."""
        ...

    async def list(
        self,
        *,
        status: JobStatus | None = None,
        recipient: str | None = None,
        limit: int = 100,
    ) -> Sequence[OutboundJob]:
        """Jobs, newest first, filtered by status and recipient."""
        ...

    async def count_by_status(self) -> Mapping[JobStatus, int]:
        """How many jobs are in each status."""
        ...

    async def settle_delivered(
        self, delivered: Mapping[str, str], *, now: datetime
    ) -> Sequence[str]:
        """Mark *uncertain* jobs sent: idempotency key → provider message id from a receipt.

        Jobs in any other status are left alone. Returns the ids of the jobs settled.
        """
        ...


@attrs.frozen(kw_only=True)
class DeadLetterFilter:
    """Which dead letters a listing or reprocessing run covers (all fields optional)."""

    job_name: JobName | None = None
    err_code: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    job_ids: frozenset[str] | None = None
    """Only these jobs (a person's selection); None: any job."""


class DeadLetterRepository(Protocol):
    """Jobs given up on, with their normalised cause."""

    async def add(self, dead: DeadLetter) -> None:
        """Record a dead letter (replacing an older one for the same job)."""
        ...

    async def get(self, job_id: str) -> DeadLetter:
        """The dead letter of a job. Raises NotFound."""
        ...

    async def list(
        self, where: DeadLetterFilter, *, limit: int | None = None
    ) -> Sequence[DeadLetter]:
        """Dead letters matching *where*, oldest failure first."""
        ...

    async def remove(self, job_id: str) -> None:
        """Forget a job's dead letter (it was requeued). Raises NotFound."""
        ...

    async def count(self) -> int:
        """How many dead letters there are."""
        ...


@attrs.frozen(kw_only=True)
class ReprocessAudit:
    """One dead-letter reprocessing run: who, which filters, what happened."""

    action_id: str
    actor: str
    at: datetime
    filters: Mapping[str, str]
    dry_run: bool
    matched: int
    requeued: int
    skipped: int
    sample_ids: tuple[str, ...]


class DlqAuditRepository(Protocol):
    """The audit trail of reprocessing runs."""

    async def add(self, entry: ReprocessAudit) -> None:
        """Record a run."""
        ...

    async def list(self, *, limit: int = 50) -> Sequence[ReprocessAudit]:
        """Recent runs, newest first."""
        ...


class AuditSink(Protocol):
    """Somewhere outside the database that wants to hear about reprocessing runs (a webhook)."""

    async def publish(self, entry: ReprocessAudit) -> None:
        """Deliver *entry*; failures are the caller's to log, the audit row stays authoritative."""
        ...


class NoticeRepository(Protocol):
    """Who was told about which failure (``failure_notifications``)."""

    async def record(self, notice: FailureNotice) -> bool:
        """Store a notice; False when this contact already has one of this kind for this failure."""
        ...

    async def record_many(self, notices: Sequence[FailureNotice]) -> int:
        """Store many notices, skipping existing ones; return how many were new."""
        ...

    async def page(
        self, failure_id: str, kind: NoticeKind, *, after: str | None, limit: int
    ) -> Sequence[FailureNotice]:
        """Notices of a failure ordered by recipient, starting after recipient *after* (keyset paging)."""
        ...

    async def counts(self, failure_id: str) -> Mapping[NoticeKind, int]:
        """How many notices of each kind a failure has."""
        ...

    async def counts_many(
        self, failure_ids: Collection[str]
    ) -> Mapping[str, Mapping[NoticeKind, int]]:
        """`counts` of several failures in one query: failure id → kind → count (absent: zero)."""
        ...

    async def delivery(self, failure_id: str) -> Mapping[tuple[NoticeKind, JobStatus | None], int]:
        """How a failure's notices stand in the outbox, in one query: (kind, job status) → how
        many; status None for a notice whose job is not in the outbox (a resolution whose key
        was already queued), so the counts of a kind add up to its notices."""
        ...

    async def notified(
        self, failure_ids: Collection[str], recipients: Collection[str]
    ) -> set[tuple[str, str]]:
        """The (failure id, recipient) pairs among these that already got the notice."""
        ...
