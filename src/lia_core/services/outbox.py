"""Use cases that put messages in the outbox and show it."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from lia_core.domain.delivery import (
    Channel,
    JobContext,
    JobName,
    JobStatus,
    Lane,
    MessageContent,
    OutboundJob,
)
from lia_core.domain.jobs import new_job
from lia_core.domain.recipients import parse_address, parse_recipient
from lia_core.errors import ValidationError
from lia_core.ports import Clock, IdGenerator, UnitOfWorkFactory

__all__ = [
    "EnqueueMessage",
    "EnqueueMessageHandler",
    "EnqueueResult",
    "ListOutbox",
    "ListOutboxHandler",
    "new_job",
]

MAX_LIST = 1000


@attrs.frozen(kw_only=True)
class EnqueueMessage:
    """Queue one message; the worker sends it."""

    channel: Channel
    recipient: str
    content: MessageContent
    job_name: JobName | None = None
    lane: Lane | None = None
    source: str = "cli"
    correlation_id: str | None = None
    idempotency_key: str | None = None
    fallback_channels: tuple[Channel, ...] = ()
    request_id: str | None = None
    """The HTTP request that asked for it (`JobContext.request_id`)."""


@attrs.frozen(kw_only=True)
class EnqueueResult:
    """The job, and whether it is new (False: the idempotency key was already queued)."""

    job: OutboundJob
    created: bool


@attrs.frozen(kw_only=True)
class ListOutbox:
    """Filter for listing jobs."""

    status: JobStatus | None = None
    recipient: str | None = None
    limit: int = 100


@attrs.frozen
class EnqueueMessageHandler:
    """Validate and queue a message in one transaction."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator

    async def __call__(self, cmd: EnqueueMessage) -> EnqueueResult:
        """Return the queued job (or the one already queued under the same key)."""
        job_id = self.ids.new_id()
        job = new_job(
            job_id=job_id,
            job_name=cmd.job_name or JobName.for_channel(cmd.channel),
            channel=cmd.channel,
            recipient=parse_recipient(cmd.recipient, channel=cmd.channel),
            content=cmd.content,
            context=JobContext(
                source=cmd.source, correlation_id=cmd.correlation_id, request_id=cmd.request_id
            ),
            idempotency_key=cmd.idempotency_key or f"{cmd.source}:{job_id}",
            now=self.clock.now(),
            lane=cmd.lane,
            fallback_channels=cmd.fallback_channels,
        )
        async with self.uow() as uow:
            created = await uow.outbox.add(job)
            if not created:
                return EnqueueResult(
                    job=await uow.outbox.get_by_key(job.idempotency_key), created=False
                )
            await uow.commit()
        return EnqueueResult(job=job, created=True)


@attrs.frozen
class ListOutboxHandler:
    """Show jobs, newest first."""

    uow: UnitOfWorkFactory

    async def __call__(self, query: ListOutbox) -> Sequence[OutboundJob]:
        """Jobs matching the filter."""
        if not 1 <= query.limit <= MAX_LIST:
            raise ValidationError(f"limit must be between 1 and {MAX_LIST}", field="limit")
        recipient = query.recipient
        if recipient is not None:
            try:
                recipient = str(parse_address(recipient, field="to"))
            except ValidationError:
                recipient = recipient.strip()  # a device token or provider id: match as typed
        async with self.uow() as uow:
            return await uow.outbox.list(
                status=query.status, recipient=recipient, limit=query.limit
            )
