"""The public shapes of outbound jobs, dead letters and reprocessing runs (HTTP and ``--json``)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from lia_core.domain.delivery import (
    Channel,
    DeadLetter,
    DeliveryErrorInfo,
    JobName,
    JobStatus,
    Lane,
    MessageContent,
    OutboundJob,
)
from lia_core.domain.template_parts import TemplateButton, TemplateHeader
from lia_core.ports import ReprocessAudit
from lia_core.services.broadcast import NotifyResult
from lia_core.services.dead_letters import DeadLetterDetails, ReprocessReport
from lia_core.services.outbox import EnqueueResult
from lia_entrypoints.schemas.base import Out, local

__all__ = [
    "AuditOut",
    "DeadLetterDetailsOut",
    "DeadLetterOut",
    "DeliveryErrorOut",
    "EnqueueOut",
    "JobOut",
    "MessageContentOut",
    "NoticeOut",
    "ReprocessOut",
    "TemplateButtonOut",
    "TemplateHeaderOut",
]


class DeliveryErrorOut(Out):
    """A provider error, normalised."""

    kind: str
    """How it was treated: permanent, unreachable, rate_limited, transient, uncertain, …"""
    code: str | None
    """The provider's error code (`131056`, `21211`, `UNREGISTERED`)."""
    http_status: int | None
    provider: str | None
    excerpt: str
    """The start of the provider's response."""

    @classmethod
    def of(cls, error: DeliveryErrorInfo) -> DeliveryErrorOut:
        """Render an error."""
        return cls(
            kind=error.kind,
            code=error.code,
            http_status=error.http_status,
            provider=error.provider,
            excerpt=error.excerpt,
        )


class TemplateHeaderOut(Out):
    """A template header's parameter."""

    type: str
    """text, image, video or document."""
    value: str
    filename: str | None

    @classmethod
    def of(cls, header: TemplateHeader) -> TemplateHeaderOut:
        """Render a header parameter."""
        return cls(type=header.kind.value, value=header.value, filename=header.filename)


class TemplateButtonOut(Out):
    """A template button's parameter."""

    type: str
    """url or quick_reply."""
    index: int
    value: str

    @classmethod
    def of(cls, button: TemplateButton) -> TemplateButtonOut:
        """Render a button parameter."""
        return cls(type=button.kind.value, index=button.index, value=button.value)


class MessageContentOut(Out):
    """What a job sends."""

    text: str | None
    template: str | None
    template_language: str
    params: list[str]
    header: TemplateHeaderOut | None
    buttons: list[TemplateButtonOut]
    data: dict[str, str]

    @classmethod
    def of(cls, content: MessageContent) -> MessageContentOut:
        """Render message content."""
        header = content.header
        return cls(
            text=content.text,
            template=content.template,
            template_language=content.template_language,
            params=list(content.params),
            header=TemplateHeaderOut.of(header) if header is not None else None,
            buttons=[TemplateButtonOut.of(b) for b in content.buttons],
            data=dict(content.data),
        )


class JobOut(Out):
    """An outbound message job and its delivery state."""

    id: str
    job_name: JobName
    channel: Channel
    recipient: str
    lane: Lane
    status: JobStatus
    attempts: int
    next_attempt_at: datetime
    fallback_channels: list[Channel]
    idempotency_key: str
    source: str
    """What produced the job (`cli`, `api`, `resolution-broadcast`, …)."""
    correlation_id: str | None
    """The entity the job is about (the failure id for notices and resolutions, the message
    id for replies to a customer)."""
    request_id: str | None
    """The HTTP request whose handling queued it (its `X-Request-Id`): the worker logs the
    send under it; None for jobs no request caused (timers, broadcasts, older jobs)."""
    content: MessageContentOut
    provider_message_id: str | None
    last_error: DeliveryErrorOut | None
    dlq_reprocess_count: int
    """How many times it was requeued from the dead-letter queue."""
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None

    @classmethod
    def of(cls, job: OutboundJob, tz: tzinfo) -> JobOut:
        """Render a job with its times in the ISP's timezone."""
        return cls(
            id=job.id,
            job_name=job.job_name,
            channel=job.channel,
            recipient=str(job.recipient),
            lane=job.lane,
            status=job.status,
            attempts=job.attempts,
            next_attempt_at=job.next_attempt_at.astimezone(tz),
            fallback_channels=list(job.fallback_channels),
            idempotency_key=job.idempotency_key,
            source=job.context.source,
            correlation_id=job.context.correlation_id,
            request_id=job.context.request_id,
            content=MessageContentOut.of(job.content),
            provider_message_id=job.provider_message_id,
            last_error=DeliveryErrorOut.of(job.last_error) if job.last_error else None,
            dlq_reprocess_count=job.dlq_reprocess_count,
            created_at=job.created_at.astimezone(tz),
            updated_at=job.updated_at.astimezone(tz),
            sent_at=local(job.sent_at, tz),
        )


class EnqueueOut(Out):
    """A queued message (``created`` false: its idempotency key was already queued)."""

    created: bool
    job: JobOut

    @classmethod
    def of(cls, result: EnqueueResult, tz: tzinfo) -> EnqueueOut:
        """Render an enqueue result."""
        return cls(created=result.created, job=JobOut.of(result.job, tz))


class NoticeOut(Out):
    """An outage notice for one contact (``created`` false: they were already notified)."""

    failure_id: str
    recipient: str
    """The contact as stored: the canonical number (E.164 digits), or a push token as given."""
    created: bool
    job: JobOut | None
    """The notice job; null when the contact had already been notified."""

    @classmethod
    def of(cls, failure_id: str, result: NotifyResult, tz: tzinfo) -> NoticeOut:
        """Render a notify result."""
        return cls(
            failure_id=failure_id,
            recipient=result.recipient,
            created=result.created,
            job=JobOut.of(result.job, tz) if result.job is not None else None,
        )


class DeadLetterOut(Out):
    """A job given up on, with its normalised cause."""

    job_id: str
    job_name: JobName
    channel: Channel
    origin_queue: Lane
    error: DeliveryErrorOut
    payload_hash: str
    """SHA-256 of the message content."""
    failed_at: datetime
    attempts: int
    reprocess_count: int

    @classmethod
    def of(cls, dead: DeadLetter, tz: tzinfo) -> DeadLetterOut:
        """Render a dead letter."""
        return cls(
            job_id=dead.job_id,
            job_name=dead.job_name,
            channel=dead.channel,
            origin_queue=dead.origin_queue,
            error=DeliveryErrorOut.of(dead.error),
            payload_hash=dead.payload_hash,
            failed_at=dead.failed_at.astimezone(tz),
            attempts=dead.attempts,
            reprocess_count=dead.reprocess_count,
        )


class DeadLetterDetailsOut(Out):
    """A dead letter and its job, content included."""

    dead_letter: DeadLetterOut
    job: JobOut

    @classmethod
    def of(cls, details: DeadLetterDetails, tz: tzinfo) -> DeadLetterDetailsOut:
        """Render a dead letter with its job."""
        return cls(dead_letter=DeadLetterOut.of(details.dead, tz), job=JobOut.of(details.job, tz))


class AuditOut(Out):
    """One dead-letter reprocessing run, as audited."""

    action_id: str
    actor: str
    at: datetime
    filters: dict[str, str]
    """The filters that were set (`job_name`, `err_code`, `since`, `until`, `job_ids` comma-separated)."""
    dry_run: bool
    matched: int
    requeued: int
    """Jobs requeued (with `dry_run`: that would have been)."""
    skipped: int
    """Jobs left dead: already reprocessed the maximum number of times."""
    sample_ids: list[str]

    @classmethod
    def of(cls, audit: ReprocessAudit, tz: tzinfo) -> AuditOut:
        """Render an audit entry."""
        return cls(
            action_id=audit.action_id,
            actor=audit.actor,
            at=audit.at.astimezone(tz),
            filters=dict(audit.filters),
            dry_run=audit.dry_run,
            matched=audit.matched,
            requeued=audit.requeued,
            skipped=audit.skipped,
            sample_ids=list(audit.sample_ids),
        )


class ReprocessOut(AuditOut):
    """What a reprocessing run did."""

    skipped_ids: list[str]
    """Every job skipped for having reached the reprocess limit."""
    webhook_published: bool
    """Whether the audit entry was posted to the configured webhook."""

    @classmethod
    def of_report(cls, report: ReprocessReport, tz: tzinfo) -> ReprocessOut:
        """Render a reprocessing report."""
        return cls(
            **AuditOut.of(report.audit, tz).model_dump(),
            skipped_ids=list(report.skipped_ids),
            webhook_published=report.published,
        )
