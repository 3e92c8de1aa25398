"""One row per month's gamification run, so a month run with nobody to rank is kept too.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06

Before this revision a run was known only by its score rows: a month run when no agent had
tickets or answers read as never run (`lia gamification ranking` said "not run yet" right
after `run`, and the worker re-ran it every tick). Months already run get their row from
their scores.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create gamification_runs and fill it from the months that have scores."""
    op.create_table(
        "gamification_runs",
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("calculated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute(
        "INSERT INTO gamification_runs (period, calculated_at) "
        "SELECT period, MAX(calculated_at) FROM gamification_scores GROUP BY period"
    )


def downgrade() -> None:
    """Drop it (months are known by their scores again)."""
    op.drop_table("gamification_runs")
