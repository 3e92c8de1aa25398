"""Initial schema: mass outages, the region catalogue, staff users and the revision counters.

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Types are spelled out here rather than imported from the application, so this revision
keeps producing the same schema whatever later code does.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)  # timestamptz on PostgreSQL, naive UTC on SQLite
_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_ACTOR = sa.String(128)


def _key(length: int = 64) -> sa.types.TypeEngine[str]:
    # Byte-order collation on PostgreSQL so ORDER BY matches Python's string order.
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def upgrade() -> None:
    """Create the tables and seed the outage-catalogue revision counter."""
    op.create_table(
        "massive_failures",
        sa.Column("id", _key(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("notification_message", sa.Text(), nullable=False),
        sa.Column("resolution_message", sa.Text(), nullable=True),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("affected_regions", _JSON, nullable=False),
        sa.Column("starts_at", _TIMESTAMP, nullable=False),
        sa.Column("estimated_resolution", _TIMESTAMP, nullable=True),
        sa.Column("created_by", _ACTOR, nullable=False),
        sa.Column("created_at", _TIMESTAMP, nullable=False),
        sa.Column("updated_at", _TIMESTAMP, nullable=False),
        sa.Column("activated_at", _TIMESTAMP, nullable=True),
        sa.Column("paused_at", _TIMESTAMP, nullable=True),
        sa.Column("resolved_at", _TIMESTAMP, nullable=True),
        sa.Column("resolved_by", _ACTOR, nullable=True),
        sa.Column("cancelled_at", _TIMESTAMP, nullable=True),
        sa.Column("cancelled_by", _ACTOR, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_massive_failures"),
    )
    op.create_index("ix_massive_failures_status", "massive_failures", ["status"])
    op.create_index("ix_massive_failures_created_at", "massive_failures", ["created_at"])

    op.create_table(
        "regions",
        sa.Column("id", _key(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("rules", _JSON, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", _TIMESTAMP, nullable=False, server_default=sa.text("CURRENT_TIMESTAMP")
        ),
        sa.Column(
            "updated_at", _TIMESTAMP, nullable=False, server_default=sa.text("CURRENT_TIMESTAMP")
        ),
        sa.PrimaryKeyConstraint("id", name="pk_regions"),
    )

    op.create_table(
        "users",
        sa.Column("id", _key(), nullable=False),
        sa.Column("username", _key(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )

    revisions = op.create_table(
        "lia_revisions",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_lia_revisions"),
    )
    op.bulk_insert(revisions, [{"name": "outage_catalogue", "value": 0}])


def downgrade() -> None:
    """Drop every table this revision created."""
    op.drop_table("lia_revisions")
    op.drop_table("users")
    op.drop_table("regions")
    op.drop_index("ix_massive_failures_created_at", table_name="massive_failures")
    op.drop_index("ix_massive_failures_status", table_name="massive_failures")
    op.drop_table("massive_failures")
