"""The providers' rate caps shared by every worker: one row of send slots per provider key.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06

Before this revision each `lia worker` kept its own token bucket, so N workers sent at N
times the cap. `SqlRateGate` takes slots from these rows in one atomic statement.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create rate_gates."""
    op.create_table(
        "rate_gates",
        sa.Column(
            "key",
            sa.String(200).with_variant(sa.String(200, collation="C"), "postgresql"),
            primary_key=True,
        ),
        sa.Column("tat", sa.Double(), nullable=False),
        sa.Column("taken_at", sa.Double(), nullable=False),
        sa.Column("granted", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    """Drop it (each worker paces alone again)."""
    op.drop_table("rate_gates")
