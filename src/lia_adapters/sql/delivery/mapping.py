"""Conversions between delivery objects (jobs, dead letters, audit, notices) and table rows."""

from __future__ import annotations

from collections.abc import Mapping

from lia_adapters.sql.base import Row
from lia_core.domain.delivery import (
    Channel,
    DeadLetter,
    DeliveryErrorInfo,
    JobContext,
    JobName,
    JobStatus,
    Lane,
    MessageContent,
    OutboundJob,
)
from lia_core.domain.notices import FailureNotice, NoticeKind
from lia_core.domain.recipients import PushToken, load_contact, load_recipient
from lia_core.ports import ReprocessAudit

__all__ = [
    "OUTCOME_COLUMNS",
    "audit_from_row",
    "audit_values",
    "dead_letter_from_row",
    "dead_letter_values",
    "job_from_row",
    "job_values",
    "notice_from_row",
    "notice_values",
    "outcome_values",
]

OUTCOME_COLUMNS = (
    "status",
    "attempts",
    "next_attempt_at",
    "channel",
    "fallback_channels",
    "lease_owner",
    "lease_expires_at",
    "provider_message_id",
    "last_error",
    "updated_at",
    "sent_at",
)
"""The columns a claimed job's transitions change (sent, failed, retried, fell back, requeued,
dead, uncertain); the others (content, recipient, key, lane, context) are fixed when queued."""


def _error_to_json(error: DeliveryErrorInfo) -> dict[str, object]:
    return {
        "kind": error.kind,
        "code": error.code,
        "http_status": error.http_status,
        "provider": error.provider,
        "excerpt": error.excerpt,
    }


def _optional_str(document: Mapping[str, object], name: str) -> str | None:
    value = document.get(name)
    return None if value is None else str(value)


def _error_from_json(document: Mapping[str, object]) -> DeliveryErrorInfo:
    status = document.get("http_status")
    return DeliveryErrorInfo(
        kind=str(document["kind"]),
        code=_optional_str(document, "code"),
        http_status=status if isinstance(status, int) else None,
        provider=_optional_str(document, "provider"),
        excerpt=str(document.get("excerpt") or ""),
    )


def job_values(job: OutboundJob) -> dict[str, object]:
    """Every column of an `outbox_jobs` row for *job*."""
    return {
        "id": job.id,
        "job_name": job.job_name.value,
        "channel": job.channel.value,
        "recipient": str(job.recipient),
        "payload": job.content.to_dict(),
        "context_source": job.context.source,
        "correlation_id": job.context.correlation_id,
        "idempotency_key": job.idempotency_key,
        "lane": job.lane.value,
        "status": job.status.value,
        "attempts": job.attempts,
        "next_attempt_at": job.next_attempt_at,
        "fallback_channels": [channel.value for channel in job.fallback_channels],
        "lease_owner": job.lease_owner,
        "lease_expires_at": job.lease_expires_at,
        "provider_message_id": job.provider_message_id,
        "last_error": None if job.last_error is None else _error_to_json(job.last_error),
        "dlq_reprocess_count": job.dlq_reprocess_count,
        "created_at": job.created_at,
        "updated_at": job.updated_at,
        "sent_at": job.sent_at,
        "request_id": job.context.request_id,
    }


def outcome_values(job: OutboundJob) -> dict[str, object]:
    """The id and `OUTCOME_COLUMNS` of *job*'s row: what writing back a send's outcome sets.

    Writing only these instead of every column took the payload's JSON and half the arrays
    out of the worker's settling statement (benchmarks/dispatch.py).
    """
    return {
        "id": job.id,
        "status": job.status.value,
        "attempts": job.attempts,
        "next_attempt_at": job.next_attempt_at,
        "channel": job.channel.value,
        "fallback_channels": [channel.value for channel in job.fallback_channels],
        "lease_owner": job.lease_owner,
        "lease_expires_at": job.lease_expires_at,
        "provider_message_id": job.provider_message_id,
        "last_error": None if job.last_error is None else _error_to_json(job.last_error),
        "updated_at": job.updated_at,
        "sent_at": job.sent_at,
    }


def job_from_row(row: Row) -> OutboundJob:
    """The job stored in an `outbox_jobs` row."""
    last_error: Mapping[str, object] | None = row["last_error"]
    return OutboundJob(
        id=row["id"],
        job_name=JobName(row["job_name"]),
        channel=Channel(row["channel"]),
        recipient=load_recipient(row["recipient"]),
        content=MessageContent.from_dict(row["payload"]),
        context=JobContext(
            source=row["context_source"],
            correlation_id=row["correlation_id"],
            request_id=row["request_id"],
        ),
        idempotency_key=row["idempotency_key"],
        lane=Lane(row["lane"]),
        status=JobStatus(row["status"]),
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        fallback_channels=tuple(Channel(name) for name in row["fallback_channels"]),
        lease_owner=row["lease_owner"],
        lease_expires_at=row["lease_expires_at"],
        provider_message_id=row["provider_message_id"],
        last_error=None if last_error is None else _error_from_json(last_error),
        dlq_reprocess_count=row["dlq_reprocess_count"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        sent_at=row["sent_at"],
    )


def dead_letter_values(dead: DeadLetter) -> dict[str, object]:
    """Every column of a `dead_letters` row for *dead*."""
    return {
        "job_id": dead.job_id,
        "job_name": dead.job_name.value,
        "channel": dead.channel.value,
        "origin_queue": dead.origin_queue.value,
        "err_kind": dead.error.kind,
        "err_code": dead.error.code,
        "http_status": dead.error.http_status,
        "provider": dead.error.provider,
        "excerpt": dead.error.excerpt,
        "payload_hash": dead.payload_hash,
        "failed_at": dead.failed_at,
        "attempts": dead.attempts,
        "reprocess_count": dead.reprocess_count,
    }


def dead_letter_from_row(row: Row) -> DeadLetter:
    """The dead letter stored in a `dead_letters` row."""
    return DeadLetter(
        job_id=row["job_id"],
        job_name=JobName(row["job_name"]),
        channel=Channel(row["channel"]),
        origin_queue=Lane(row["origin_queue"]),
        error=DeliveryErrorInfo(
            kind=row["err_kind"],
            code=row["err_code"],
            http_status=row["http_status"],
            provider=row["provider"],
            excerpt=row["excerpt"],
        ),
        payload_hash=row["payload_hash"],
        failed_at=row["failed_at"],
        attempts=row["attempts"],
        reprocess_count=row["reprocess_count"],
    )


def audit_values(entry: ReprocessAudit) -> dict[str, object]:
    """Every column of a `dlq_reprocess_audit` row for *entry*."""
    return {
        "action_id": entry.action_id,
        "actor": entry.actor,
        "at": entry.at,
        "filters": dict(entry.filters),
        "dry_run": entry.dry_run,
        "matched": entry.matched,
        "requeued": entry.requeued,
        "skipped": entry.skipped,
        "sample_ids": list(entry.sample_ids),
    }


def audit_from_row(row: Row) -> ReprocessAudit:
    """The reprocessing run stored in a `dlq_reprocess_audit` row."""
    filters: Mapping[str, object] = row["filters"]
    return ReprocessAudit(
        action_id=row["action_id"],
        actor=row["actor"],
        at=row["at"],
        filters={str(name): str(value) for name, value in filters.items()},
        dry_run=row["dry_run"],
        matched=row["matched"],
        requeued=row["requeued"],
        skipped=row["skipped"],
        sample_ids=tuple(str(job_id) for job_id in row["sample_ids"]),
    )


def notice_values(notice: FailureNotice) -> dict[str, object]:
    """Every column of a `failure_notifications` row for *notice*."""
    return {
        "failure_id": notice.failure_id,
        "kind": notice.kind.value,
        "recipient": str(notice.recipient),
        "name": notice.name,
        "channel": notice.channel.value,
        "job_id": notice.job_id,
        "created_at": notice.created_at,
        "reply_to": notice.reply_to,
    }


def notice_from_row(row: Row) -> FailureNotice:
    """The notice stored in a `failure_notifications` row."""
    channel = Channel(row["channel"])
    raw = row["recipient"]
    return FailureNotice(
        failure_id=row["failure_id"],
        # As NotifyContact made it: a token on push, else the contact key (never parsed again).
        recipient=PushToken(raw) if channel is Channel.PUSH else load_contact(raw),
        name=row["name"],
        channel=channel,
        kind=NoticeKind(row["kind"]),
        job_id=row["job_id"],
        created_at=row["created_at"],
        reply_to=row["reply_to"],
    )
