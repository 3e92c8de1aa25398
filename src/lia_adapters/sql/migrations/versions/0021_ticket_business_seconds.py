"""The business-hours durations of a ticket, computed when the event happens (docs/reports.md).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06

`first_response_business_seconds` (opening to the first human public reply) and
`resolution_business_seconds` (opening to the resolution) on the ticket's SLA policy's
business calendar, written by the desk's settle step, so the business-hours variants of FRT,
AHT and TTR read one column instead of walking a calendar per ticket. Tickets stored before
this revision keep NULL and are left out of the business-hours averages.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("first_response_business_seconds", "resolution_business_seconds")


def upgrade() -> None:
    """Add the two nullable columns (old tickets: NULL)."""
    for name in COLUMNS:
        op.add_column("tickets", sa.Column(name, sa.Float(), nullable=True))


def downgrade() -> None:
    """Drop them, in place: SQLite (3.35+) drops a plain column without the batch mode's table
    copy, which the foreign keys of ticket_clocks and ticket_events onto tickets would refuse."""
    for name in COLUMNS:
        op.drop_column("tickets", name)
