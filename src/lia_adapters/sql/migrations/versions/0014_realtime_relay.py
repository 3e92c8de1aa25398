"""Realtime events between processes on SQLite: the ``realtime_relay`` table.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06

PostgreSQL carries every process's realtime events with NOTIFY. SQLite has nothing like it,
so the events `lia worker` (offers, the return timer, sends) and CLI commands published
reached no WebSocket client of `lia serve`. On SQLite each commit now also writes its events
here, in its transaction, and `lia serve` reads the new rows (`SqliteEventRelay`). Old rows
are pruned after a few minutes. The table exists on PostgreSQL too (one schema) and stays
empty there.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``realtime_relay`` and its index on ``created_at`` (the pruning)."""
    op.create_table(
        "realtime_relay",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("origin", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_realtime_relay_created_at", "realtime_relay", ["created_at"])


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_realtime_relay_created_at", table_name="realtime_relay")
    op.drop_table("realtime_relay")
