"""Delivery: the outbox, dead letters, the reprocessing audit and who was told about which outage.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

Types are spelled out here rather than imported from the application, so this revision
keeps producing the same schema whatever later code does.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)  # timestamptz on PostgreSQL, naive UTC on SQLite
_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_ACTOR = sa.String(128)
_RECIPIENT = 512
# Partial-index predicates, the same on both databases (SQLite has had them since 3.8).
_PENDING = sa.text("status = 'pending'")
_SENDING = sa.text("status = 'sending'")


def _key(length: int = 64) -> sa.types.TypeEngine[str]:
    # Byte-order collation on PostgreSQL so ORDER BY matches Python's string order.
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def _create_outbox_jobs() -> None:
    op.create_table(
        "outbox_jobs",
        sa.Column("id", _key(), nullable=False),
        sa.Column("job_name", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient", _key(_RECIPIENT), nullable=False),
        sa.Column("payload", _JSON, nullable=False),
        sa.Column("context_source", sa.String(128), nullable=False),
        sa.Column("correlation_id", sa.String(128), nullable=True),
        sa.Column("idempotency_key", sa.String(640), nullable=False),
        sa.Column("lane", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _TIMESTAMP, nullable=False),
        sa.Column("fallback_channels", _JSON, nullable=False),
        sa.Column("lease_owner", sa.String(128), nullable=True),
        sa.Column("lease_expires_at", _TIMESTAMP, nullable=True),
        sa.Column("provider_message_id", sa.String(255), nullable=True),
        sa.Column("last_error", _JSON, nullable=True),
        sa.Column("dlq_reprocess_count", sa.Integer(), nullable=False),
        sa.Column("created_at", _TIMESTAMP, nullable=False),
        sa.Column("updated_at", _TIMESTAMP, nullable=False),
        sa.Column("sent_at", _TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_jobs"),
        sa.UniqueConstraint("idempotency_key", name="uq_outbox_jobs_idempotency_key"),
    )
    op.create_index(
        "ix_outbox_jobs_pending_due",
        "outbox_jobs",
        ["lane", "next_attempt_at", "id"],
        postgresql_where=_PENDING,
        sqlite_where=_PENDING,
    )
    op.create_index(
        "ix_outbox_jobs_sending_lease",
        "outbox_jobs",
        ["lease_expires_at"],
        postgresql_where=_SENDING,
        sqlite_where=_SENDING,
    )
    op.create_index(
        "ix_outbox_jobs_recipient_created_at", "outbox_jobs", ["recipient", "created_at"]
    )
    op.create_index("ix_outbox_jobs_status_created_at", "outbox_jobs", ["status", "created_at"])
    op.create_index("ix_outbox_jobs_created_at", "outbox_jobs", ["created_at"])


def upgrade() -> None:
    """Create the delivery tables."""
    _create_outbox_jobs()

    op.create_table(
        "dead_letters",
        sa.Column("job_id", _key(), nullable=False),
        sa.Column("job_name", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("origin_queue", sa.String(8), nullable=False),
        sa.Column("err_kind", sa.String(32), nullable=False),
        sa.Column("err_code", sa.String(64), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("provider", sa.String(64), nullable=True),
        sa.Column("excerpt", sa.Text(), nullable=False),
        sa.Column("payload_hash", sa.String(64), nullable=False),
        sa.Column("failed_at", _TIMESTAMP, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("reprocess_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("job_id", name="pk_dead_letters"),
        sa.ForeignKeyConstraint(
            ["job_id"], ["outbox_jobs.id"], name="fk_dead_letters_job_id_outbox_jobs"
        ),
    )
    op.create_index("ix_dead_letters_failed_at", "dead_letters", ["failed_at"])

    op.create_table(
        "dlq_reprocess_audit",
        sa.Column("action_id", _key(), nullable=False),
        sa.Column("actor", _ACTOR, nullable=False),
        sa.Column("at", _TIMESTAMP, nullable=False),
        sa.Column("filters", _JSON, nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("matched", sa.Integer(), nullable=False),
        sa.Column("requeued", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("sample_ids", _JSON, nullable=False),
        sa.PrimaryKeyConstraint("action_id", name="pk_dlq_reprocess_audit"),
    )
    op.create_index("ix_dlq_reprocess_audit_at", "dlq_reprocess_audit", ["at"])

    op.create_table(
        "failure_notifications",
        sa.Column("failure_id", _key(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("recipient", _key(_RECIPIENT), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("job_id", _key(), nullable=False),
        sa.Column("created_at", _TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("failure_id", "kind", "recipient", name="pk_failure_notifications"),
        sa.ForeignKeyConstraint(
            ["failure_id"],
            ["massive_failures.id"],
            name="fk_failure_notifications_failure_id_massive_failures",
        ),
    )


def downgrade() -> None:
    """Drop every table this revision created (their indexes go with them)."""
    op.drop_table("failure_notifications")
    op.drop_table("dlq_reprocess_audit")
    op.drop_table("dead_letters")
    op.drop_table("outbox_jobs")
