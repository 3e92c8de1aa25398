"""Tables of delivery (revision 0002): the outbox, dead letters, their audit, failure notices."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    text,
)

from lia_adapters.sql.base import metadata
from lia_adapters.sql.column_types import ACTOR, Json, NullableJson, UtcDateTime, key

__all__ = [
    "dead_letters",
    "dlq_reprocess_audit",
    "failure_notifications",
    "outbox_jobs",
    "rate_gates",
]

_RECIPIENT = 512  # phone numbers, e-mail addresses, push tokens
_PENDING = text("status = 'pending'")
_SENDING = text("status = 'sending'")

outbox_jobs = Table(
    "outbox_jobs",
    metadata,
    Column("id", key(), primary_key=True),
    Column("job_name", String(32), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("recipient", key(_RECIPIENT), nullable=False),
    # MessageContent.to_dict(): {"text", "template", "template_language", "params", "data"}
    Column("payload", Json, nullable=False),
    Column("context_source", String(128), nullable=False),
    Column("correlation_id", String(128), nullable=True),
    Column("idempotency_key", String(640), nullable=False, unique=True),
    Column("lane", String(8), nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("fallback_channels", Json, nullable=False),  # ["sms", ...]
    Column("lease_owner", String(128), nullable=True),
    Column("lease_expires_at", UtcDateTime, nullable=True),
    Column("provider_message_id", String(255), nullable=True),
    # {"kind", "code", "http_status", "provider", "excerpt"}, SQL NULL when there is none
    Column("last_error", NullableJson, nullable=True),
    Column("dlq_reprocess_count", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    # Revision 0019: the HTTP request (X-Request-Id) whose handling queued the job.
    Column("request_id", String(128), nullable=True),
    # The claim's two index scans. Partial, so they hold only the few live rows however many
    # finished jobs pile up; their predicates are spelled as the claim query spells them.
    Index(
        "ix_outbox_jobs_pending_due",
        "lane",
        "next_attempt_at",
        "id",
        postgresql_where=_PENDING,
        sqlite_where=_PENDING,
    ),
    Index(
        "ix_outbox_jobs_sending_lease",
        "lease_expires_at",
        postgresql_where=_SENDING,
        sqlite_where=_SENDING,
    ),
    # Listings, newest first: by recipient, by status (also counts per status), everything.
    Index("ix_outbox_jobs_recipient_created_at", "recipient", "created_at"),
    Index("ix_outbox_jobs_status_created_at", "status", "created_at"),
    Index("ix_outbox_jobs_created_at", "created_at"),
    # A delivery receipt names the provider's id: which message it moved (realtime events).
    Index("ix_outbox_jobs_provider_message_id", "provider_message_id"),
)

dead_letters = Table(
    "dead_letters",
    metadata,
    Column("job_id", key(), ForeignKey("outbox_jobs.id"), primary_key=True),
    Column("job_name", String(32), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("origin_queue", String(8), nullable=False),
    Column("err_kind", String(32), nullable=False),
    Column("err_code", String(64), nullable=True),
    Column("http_status", Integer, nullable=True),
    Column("provider", String(64), nullable=True),
    Column("excerpt", Text, nullable=False),
    Column("payload_hash", String(64), nullable=False),
    Column("failed_at", UtcDateTime, nullable=False, index=True),
    Column("attempts", Integer, nullable=False),
    Column("reprocess_count", Integer, nullable=False),
)

dlq_reprocess_audit = Table(
    "dlq_reprocess_audit",
    metadata,
    Column("action_id", key(), primary_key=True),
    Column("actor", String(ACTOR), nullable=False),
    Column("at", UtcDateTime, nullable=False, index=True),
    Column("filters", Json, nullable=False),  # {"job_name": "...", "since": "..."}
    Column("dry_run", Boolean, nullable=False),
    Column("matched", Integer, nullable=False),
    Column("requeued", Integer, nullable=False),
    Column("skipped", Integer, nullable=False),
    Column("sample_ids", Json, nullable=False),  # ["job id", ...]
)

failure_notifications = Table(
    "failure_notifications",
    metadata,
    Column("failure_id", key(), ForeignKey("massive_failures.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("recipient", key(_RECIPIENT), nullable=False),
    Column("name", Text, nullable=False),
    Column("channel", String(16), nullable=False),
    # Not a foreign key: the notice is recorded before its job, and a resolution notice
    # may name a job whose idempotency key was already queued (so never inserted).
    Column("job_id", key(), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    # Where the messages went when not to `recipient` (revision 0003).
    Column("reply_to", String(_RECIPIENT), nullable=True),
    # One notice per failure, kind and contact; the same index serves the keyset paging
    # (failure_id = ? AND kind = ? AND recipient > ? ORDER BY recipient) and the counts.
    PrimaryKeyConstraint("failure_id", "kind", "recipient"),
    # The gate's "which of these senders were told?" (recipient first).
    Index("ix_failure_notifications_recipient", "recipient", "kind", "failure_id"),
    # The reports (revision 0020): deflection reads the notices recorded in a range.
    Index("ix_failure_notifications_created_at", "created_at"),
)

rate_gates = Table(
    "rate_gates",
    metadata,
    # Revision 0024: one row per provider key (`whatsapp:<phone number id>`…), the send slots
    # every worker takes from (`SqlRateGate`). Times are epoch seconds on the database's clock.
    Column("key", key(200), primary_key=True),
    Column("tat", Double, nullable=False),  # when the next slot is due with none saved up
    Column("taken_at", Double, nullable=False),  # the last take
    Column("granted", Integer, nullable=False),  # what the last take got
)
