"""The SLA monitor's visit plans move to their own table; a clock row keeps its place in it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

A monitor visit used to rewrite the whole plan (about 1.7 kB of JSON) on the ticket's clock
row, only to drop its first visit. The plan now lives in `ticket_plans`, written by the
monitor's planner alone; the clock row holds where the ticket is in it (`plan_step`, the next
visit's number, and `plan_seq`, its first event's position), so a visit rewrites a row of a
hundred bytes. Existing plans are not carried over: a plan is a shortcut the planner makes
again within seconds (the tickets are found by the partial index `ix_ticket_clocks_unplanned`,
whose condition becomes ``plan_step IS NULL``), and until then the monitor's pipeline visits
them as it visits any ticket without a plan.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql")
_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_JSON_OR_NULL = sa.JSON(none_as_null=True).with_variant(
    postgresql.JSONB(none_as_null=True), "postgresql"
)
_UNPLANNED = sa.text("plan_step IS NULL AND next_check_at IS NOT NULL")
_UNPLANNED_BEFORE = sa.text("plan IS NULL AND next_check_at IS NOT NULL")


def _in_place() -> bool:
    """Whether columns can be dropped without a batch copy (SQLite 3.35+, or not SQLite)."""
    return op.get_bind().dialect.name != "sqlite" or sqlite3.sqlite_version_info >= (3, 35)


def _unplanned_index(where: sa.TextClause) -> None:
    op.create_index(
        "ix_ticket_clocks_unplanned",
        "ticket_clocks",
        ["next_check_at"],
        postgresql_where=where,
        sqlite_where=where,
    )


def upgrade() -> None:
    """Create ``ticket_plans``; replace ``ticket_clocks.plan`` by ``plan_step``/``plan_seq``."""
    op.create_table(
        "ticket_plans",
        sa.Column("ticket_id", _KEY, nullable=False),
        sa.Column("plan", _JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name="fk_ticket_plans_ticket_id_tickets"
        ),
        sa.PrimaryKeyConstraint("ticket_id", name="pk_ticket_plans"),
    )
    op.drop_index("ix_ticket_clocks_unplanned", table_name="ticket_clocks")
    if _in_place():
        op.drop_column("ticket_clocks", "plan")
        op.add_column("ticket_clocks", sa.Column("plan_step", sa.Integer(), nullable=True))
        op.add_column("ticket_clocks", sa.Column("plan_seq", sa.Integer(), nullable=True))
    else:  # nothing references ticket_clocks: its copy-and-swap is safe
        with op.batch_alter_table("ticket_clocks") as batch:
            batch.drop_column("plan")
            batch.add_column(sa.Column("plan_step", sa.Integer(), nullable=True))
            batch.add_column(sa.Column("plan_seq", sa.Integer(), nullable=True))
    _unplanned_index(_UNPLANNED)


def downgrade() -> None:
    """Put ``plan`` back on ``ticket_clocks`` (empty: the planner plans again), drop the table."""
    op.drop_index("ix_ticket_clocks_unplanned", table_name="ticket_clocks")
    if _in_place():
        op.drop_column("ticket_clocks", "plan_step")
        op.drop_column("ticket_clocks", "plan_seq")
        op.add_column("ticket_clocks", sa.Column("plan", _JSON_OR_NULL, nullable=True))
    else:
        with op.batch_alter_table("ticket_clocks") as batch:
            batch.drop_column("plan_step")
            batch.drop_column("plan_seq")
            batch.add_column(sa.Column("plan", _JSON_OR_NULL, nullable=True))
    _unplanned_index(_UNPLANNED_BEFORE)
    op.drop_table("ticket_plans")
