"""Ports: what the core needs from the outside world, as Protocols that adapters implement."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

import attrs

from lia_core.domain.delivery import (
    Channel,
    DeadLetter,
    JobName,
    JobStatus,
    MessageContent,
    OutboundJob,
)
from lia_core.domain.failures import FailureStatus, MassiveFailure
from lia_core.domain.notices import FailureNotice, NoticeKind
from lia_core.domain.regions import NamedRegion
from lia_core.domain.users import User

__all__ = [
    "AuditSink",
    "Clock",
    "DeadLetterFilter",
    "DeadLetterRepository",
    "DlqAuditRepository",
    "FailureRepository",
    "IdGenerator",
    "MessageSender",
    "NoticeRepository",
    "OutboundMessage",
    "OutboxRepository",
    "PasswordHasher",
    "RegionCatalogue",
    "ReprocessAudit",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "UserRepository",
]


class Clock(Protocol):
    """The source of the current time."""

    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


class IdGenerator(Protocol):
    """The source of new entity ids."""

    def new_id(self) -> str:
        """A fresh, globally unique id (a UUID string in production)."""
        ...


class PasswordHasher(Protocol):
    """One-way password hashing with a slow, salted algorithm."""

    def hash(self, password: str) -> str:
        """Hash *password* for storage."""
        ...

    def verify(self, password_hash: str, password: str) -> bool:
        """True when *password* matches the stored hash; never raises on a mismatch."""
        ...


class FailureRepository(Protocol):
    """Stored mass outages."""

    async def add(self, failure: MassiveFailure) -> None:
        """Store a new failure. Raises AlreadyExists if the id is taken."""
        ...

    async def get(self, failure_id: str) -> MassiveFailure:
        """Load one failure. Raises NotFound."""
        ...

    async def update(self, failure: MassiveFailure) -> None:
        """Save a changed failure read in this unit of work, bumping its version.

        Raises:
            ConcurrencyConflict: it was changed by someone else since it was read.
        """
        ...

    async def list(
        self, statuses: Collection[FailureStatus] | None = None
    ) -> Sequence[MassiveFailure]:
        """Failures with one of *statuses* (all when None), most recent start first."""
        ...

    async def due(self, now: datetime) -> Sequence[MassiveFailure]:
        """Scheduled failures whose start is at or before *now*."""
        ...

    async def count_by_status(self) -> Mapping[FailureStatus, int]:
        """How many failures are in each status (absent statuses count zero)."""
        ...

    async def revision(self) -> int:
        """A counter that changes whenever any failure or catalogue region is written."""
        ...


class RegionCatalogue(Protocol):
    """Named regions that failures refer to by id."""

    async def add(self, region: NamedRegion) -> None:
        """Store a new region. Raises AlreadyExists."""
        ...

    async def get(self, region_id: str) -> NamedRegion:
        """Load one region. Raises NotFound."""
        ...

    async def update(self, region: NamedRegion) -> None:
        """Replace a region's name and rules. Raises NotFound or ConcurrencyConflict."""
        ...

    async def remove(self, region_id: str) -> None:
        """Delete a region. Raises NotFound."""
        ...

    async def all(self) -> Mapping[str, NamedRegion]:
        """Every region by id."""
        ...


class UserRepository(Protocol):
    """Staff accounts."""

    async def add(self, user: User) -> None:
        """Store a new user. Raises AlreadyExists if the username is taken."""
        ...

    async def get_by_username(self, username: str) -> User:
        """Load a user by canonical username. Raises NotFound."""
        ...

    async def list(self) -> Sequence[User]:
        """Every user, by username."""
        ...


@attrs.frozen(kw_only=True)
class OutboundMessage:
    """What a channel adapter is asked to deliver."""

    job_id: str
    idempotency_key: str
    channel: Channel
    recipient: str
    content: MessageContent


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

        Raises:
            ConcurrencyConflict: the lease expired and another worker holds the job.
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


@attrs.frozen(kw_only=True)
class DeadLetterFilter:
    """Which dead letters a listing or reprocessing run covers (all fields optional)."""

    job_name: JobName | None = None
    err_code: str | None = None
    since: datetime | None = None
    until: datetime | None = None


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


class UnitOfWork(Protocol):
    """One atomic transaction over the repositories; rolls back unless committed."""

    @property
    def failures(self) -> FailureRepository:
        """Stored failures."""
        ...

    @property
    def regions(self) -> RegionCatalogue:
        """The named-region catalogue."""
        ...

    @property
    def users(self) -> UserRepository:
        """Staff accounts."""
        ...

    @property
    def outbox(self) -> OutboxRepository:
        """Outbound message jobs."""
        ...

    @property
    def dead_letters(self) -> DeadLetterRepository:
        """Jobs given up on."""
        ...

    @property
    def dlq_audit(self) -> DlqAuditRepository:
        """The record of dead-letter reprocessing runs."""
        ...

    @property
    def notices(self) -> NoticeRepository:
        """Who was told about which failure."""
        ...

    async def __aenter__(self) -> Self:
        """Begin the transaction."""
        ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed and release the connection."""
        ...

    async def commit(self) -> None:
        """Make the changes durable."""
        ...

    async def rollback(self) -> None:
        """Discard the changes."""
        ...


class UnitOfWorkFactory(Protocol):
    """Makes a fresh unit of work for each use-case call."""

    def __call__(self) -> UnitOfWork:
        """A new, not yet entered, unit of work."""
        ...
