"""The indexes the KPI reports read their ranges through (docs/reports.md, "Indexes").

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06

Each report filters one table on a time range; these are the ranges no index served yet:
tickets by resolution (TTR, AHT), the SLA's stopped clocks (ticket_events by kind and time),
conversations by creation (the funnel), messages by time (the funnel's messages of today),
notices by time (deflection), offers by time (offers timed out per agent).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("ix_tickets_resolved_at", "tickets", ("resolved_at",)),
    ("ix_ticket_events_kind_at", "ticket_events", ("kind", "at")),
    ("ix_conversations_created_at", "conversations", ("created_at",)),
    ("ix_messages_sent_at", "messages", ("sent_at",)),
    ("ix_failure_notifications_created_at", "failure_notifications", ("created_at",)),
    ("ix_offers_offered_at", "offers", ("offered_at",)),
)


def upgrade() -> None:
    """Create the reports' indexes."""
    for name, table, columns in INDEXES:
        op.create_index(name, table, list(columns))


def downgrade() -> None:
    """Drop them."""
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
