"""Delivery receipts find their message: an index on ``outbox_jobs.provider_message_id``.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

A receipt names the provider's message id; the realtime event `message.status_updated`
names the stored message and its conversation, reached through the job that was sent with
that id. Without the index each batch of receipts would scan the outbox.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``ix_outbox_jobs_provider_message_id``."""
    op.create_index("ix_outbox_jobs_provider_message_id", "outbox_jobs", ["provider_message_id"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_outbox_jobs_provider_message_id", table_name="outbox_jobs")
