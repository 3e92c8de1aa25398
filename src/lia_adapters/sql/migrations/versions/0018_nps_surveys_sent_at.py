"""An index on the surveys' sending time, for the `/metrics` count of the last day's surveys.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06

`GET /metrics` reads `lia_nps_surveys_sent` (surveys sent in the last 24 hours) on every
scrape; without this index it would read every survey ever sent.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``ix_nps_surveys_sent_at``."""
    op.create_index("ix_nps_surveys_sent_at", "nps_surveys", ["sent_at"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_nps_surveys_sent_at", table_name="nps_surveys")
