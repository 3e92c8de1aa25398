"""Request ids: the webhook request that brought an inbound message, and the request that
queued an outbox job.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06

`messages.request_id` (inbound rows) keeps a webhook's `X-Request-Id` until the gate
handles the message; the jobs it causes copy it to `outbox_jobs.request_id`, and the worker
logs the provider call under it. Both nullable: older rows have none.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``request_id`` to ``messages`` and ``outbox_jobs``."""
    op.add_column("messages", sa.Column("request_id", sa.String(128), nullable=True))
    op.add_column("outbox_jobs", sa.Column("request_id", sa.String(128), nullable=True))


def downgrade() -> None:
    """Drop both columns."""
    with op.batch_alter_table("outbox_jobs") as batch:
        batch.drop_column("request_id")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("request_id")
