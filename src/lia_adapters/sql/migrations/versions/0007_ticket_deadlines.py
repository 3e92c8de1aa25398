"""Tickets keep their explicit deadlines and the outage-gate mark across a reload.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

A ticket built by a library user may carry an absolute resolution or first-response deadline
(overriding the SLA policy's targets) and the "answered by the outage gate" mark (no clock);
revision 0006 had no columns for them, so a stored ticket lost them. Existing rows: no
deadline, not gate-answered.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add ``deadline``, ``first_response_deadline`` and ``answered_by_outage_gate``."""
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("deadline", _TIMESTAMP, nullable=True))
        batch.add_column(sa.Column("first_response_deadline", _TIMESTAMP, nullable=True))
        batch.add_column(
            sa.Column(
                "answered_by_outage_gate",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )


def downgrade() -> None:
    """Drop the three columns."""
    with op.batch_alter_table("tickets") as batch:
        for column in ("answered_by_outage_gate", "first_response_deadline", "deadline"):
            batch.drop_column(column)
