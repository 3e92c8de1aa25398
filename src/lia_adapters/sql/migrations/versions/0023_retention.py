"""Retention: when a processed inbound message's content was blanked, and the purge's index.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06

`lia webhooks purge` (and the worker's retention) blanks the text, display name, details and
reply id of processed inbound messages older than the retention, keeping the row so a
provider's retry of the same message id is still recognised. ``redacted_at`` says it was
done; the partial index holds only the inbound messages not yet blanked, so each batch starts
at the oldest one left instead of walking over every message already purged.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UNREDACTED = sa.text("direction = 'inbound' AND redacted_at IS NULL")


def upgrade() -> None:
    """Add ``messages.redacted_at`` and ``ix_messages_unredacted``."""
    op.add_column("messages", sa.Column("redacted_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_messages_unredacted",
        "messages",
        ["stored_at", "id"],
        postgresql_where=_UNREDACTED,
        sqlite_where=_UNREDACTED,
    )


def downgrade() -> None:
    """Drop them (blanked messages stay blank)."""
    op.drop_index("ix_messages_unredacted", table_name="messages")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("redacted_at")
