"""Conversations carry a version, so a background writer cannot overwrite a person's change.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

Every save of a conversation is ``UPDATE … WHERE id = :id AND version = :read`` and bumps
the version; the gate re-reads and re-decides a conversation that changed since it read
it. Rows stored before this revision start at version 1 (the server default, which on
PostgreSQL 11+ is a catalogue-only change, no table rewrite).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``conversations.version``, 1 for every stored row."""
    op.add_column(
        "conversations",
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
    )


def downgrade() -> None:
    """Drop the version column."""
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("version")
