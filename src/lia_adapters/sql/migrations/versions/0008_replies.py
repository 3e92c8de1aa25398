"""Agents' replies: canned responses.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

Types are spelled out here rather than imported from the application, so this revision
keeps producing the same schema whatever later code does.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)  # timestamptz on PostgreSQL, naive UTC on SQLite
_ACTOR = 128


def _key(length: int = 64) -> sa.types.TypeEngine[str]:
    # Byte-order collation on PostgreSQL so ORDER BY matches Python's string order.
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def upgrade() -> None:
    """Create ``canned_responses``."""
    op.create_table(
        "canned_responses",
        sa.Column("key", _key(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("whatsapp_template", sa.String(512), nullable=True),
        sa.Column("whatsapp_language", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", _TIMESTAMP, nullable=False),
        sa.Column("updated_at", _TIMESTAMP, nullable=False),
        sa.Column("updated_by", sa.String(_ACTOR), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_canned_responses"),
    )


def downgrade() -> None:
    """Drop ``canned_responses``."""
    op.drop_table("canned_responses")
