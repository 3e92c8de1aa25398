"""The bot in the live flow: each conversation's bot state and the handoff ledger.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

`bot_sessions` keeps the handoff machine's state per conversation (versioned, with the
timer's due time, partially indexed); `handoffs` is the ledger: reason, destination,
priority, when, and who accepted it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)
_DUE = sa.text("due_at IS NOT NULL")


def _key(length: int = 64) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def upgrade() -> None:
    """Create ``bot_sessions`` and ``handoffs`` with their indexes."""
    op.create_table(
        "bot_sessions",
        sa.Column("conversation_id", _key(), primary_key=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("chat_id", sa.String(512), nullable=False),
        sa.Column("contact_phone", sa.String(512), nullable=False),
        sa.Column(
            "state", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("due_at", _TIMESTAMP, nullable=True),
        sa.Column("out_of_hours_on", sa.Date(), nullable=True),
        sa.Column("updated_at", _TIMESTAMP, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_bot_sessions_due_at",
        "bot_sessions",
        ["due_at"],
        postgresql_where=_DUE,
        sqlite_where=_DUE,
    )
    op.create_table(
        "handoffs",
        sa.Column("id", _key(), primary_key=True),
        sa.Column("conversation_id", _key(), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("level", sa.String(2), nullable=False),
        sa.Column("priority", sa.String(8), nullable=False),
        sa.Column("intent", sa.String(16), nullable=True),
        sa.Column("at", _TIMESTAMP, nullable=False),
        sa.Column("accepted_by", sa.String(128), nullable=True),
        sa.Column("accepted_at", _TIMESTAMP, nullable=True),
    )
    op.create_index("ix_handoffs_at", "handoffs", ["at", "id"])
    op.create_index("ix_handoffs_reason_at", "handoffs", ["reason", "at", "id"])
    op.create_index("ix_handoffs_conversation_at", "handoffs", ["conversation_id", "at"])


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("handoffs")
    op.drop_table("bot_sessions")
