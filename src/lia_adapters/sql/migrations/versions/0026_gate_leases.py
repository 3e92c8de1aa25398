"""The gate in workers: `messages.gate_lease_until`, the lease a gate worker holds a message by.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06

With `LIA_INBOUND__GATE=worker`, `lia serve` only stores messages and `lia worker` leases
them in batches (one worker per message and per chat at a time) to run the gate. NULL for
every existing row: nothing is leased. The claim walks `ix_messages_unprocessed` in order
and skips the chats found in `ix_messages_gate_leased`, a partial index holding only the
leased, unprocessed messages (a new message enters it only when leased, so the webhooks'
inserts never touch it).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_LEASED = sa.text("processed_at IS NULL AND gate_lease_until IS NOT NULL")


def upgrade() -> None:
    """Add messages.gate_lease_until (NULL: not leased) and the index of leased chats."""
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("gate_lease_until", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_messages_gate_leased",
        "messages",
        ["channel", "reply_to"],
        postgresql_where=_LEASED,
        sqlite_where=_LEASED,
    )


def downgrade() -> None:
    """Drop both."""
    op.drop_index("ix_messages_gate_leased", table_name="messages")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("gate_lease_until")
