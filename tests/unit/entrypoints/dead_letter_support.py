"""Put jobs of an in-memory store in the dead-letter queue, as the worker would."""

from __future__ import annotations

from datetime import datetime

from lia_adapters.memory import InMemoryStore
from lia_core.domain.delivery import DeadLetter, DeliveryErrorInfo, JobStatus

__all__ = ["bury"]


def bury(
    store: InMemoryStore,
    job_id: str,
    *,
    failed_at: datetime,
    code: str = "21211",
    http_status: int | None = 400,
    excerpt: str = "invalid 'To' number",
) -> DeadLetter:
    """Mark the committed job *job_id* dead with a permanent provider error; return its dead letter."""
    job = store.jobs[job_id]
    error = DeliveryErrorInfo(
        kind="permanent", code=code, http_status=http_status, provider="twilio", excerpt=excerpt
    )
    job.status, job.attempts, job.last_error = JobStatus.DEAD, 1, error
    dead = DeadLetter(
        job_id=job.id,
        job_name=job.job_name,
        channel=job.channel,
        origin_queue=job.lane,
        error=error,
        payload_hash=job.content.digest(),
        failed_at=failed_at,
        attempts=job.attempts,
        reprocess_count=job.dlq_reprocess_count,
    )
    store.dead_letters[job_id] = dead
    return dead
