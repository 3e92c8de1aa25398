"""Making an outbound job: what every producer (notices, replies, staff alerts) queues."""

from __future__ import annotations

from datetime import datetime

from lia_core.domain.delivery import (
    Channel,
    JobContext,
    JobName,
    Lane,
    MessageContent,
    OutboundJob,
)
from lia_core.domain.recipients import Recipient

__all__ = ["new_job"]


def new_job(
    *,
    job_id: str,
    job_name: JobName,
    channel: Channel,
    recipient: Recipient,
    content: MessageContent,
    context: JobContext,
    idempotency_key: str,
    now: datetime,
    lane: Lane | None = None,
    fallback_channels: tuple[Channel, ...] = (),
) -> OutboundJob:
    """A pending job due now."""
    return OutboundJob(
        id=job_id,
        job_name=job_name,
        channel=channel,
        recipient=recipient,
        content=content,
        context=context,
        idempotency_key=idempotency_key,
        lane=lane or job_name.default_lane,
        next_attempt_at=now,
        fallback_channels=tuple(c for c in dict.fromkeys(fallback_channels) if c is not channel),
        created_at=now,
        updated_at=now,
    )
