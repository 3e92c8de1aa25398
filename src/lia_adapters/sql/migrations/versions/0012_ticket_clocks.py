"""A ticket's SLA index moves to its own row, with the SLA monitor's visit plan.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

`ticket_clocks` holds, per ticket, the SLA state, the due times, `next_check_at` and the visit
plan (`lia_core.desk.plan`: what the monitor's coming visits will do, so that a tick applies
them in one statement; the monitor's planner makes it in the background after a save, found
by the partial index `ix_ticket_clocks_unplanned`). A monitor visit then rewrites that narrow row — two indexes — while
the ticket row only has its version and `updated_at` bumped, in place on PostgreSQL (a HOT
update: `fillfactor` 85 leaves room on each page), instead of writing a new entry in each of
the ticket row's indexes. Existing tickets keep their index; they have no plan yet (the
monitor's planner plans them, as it plans every ticket a save left without a plan).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)
_KEY = sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql")
_JSON_OR_NULL = sa.JSON(none_as_null=True).with_variant(
    postgresql.JSONB(none_as_null=True), "postgresql"
)
_DUE = sa.text("next_check_at IS NOT NULL")
_UNPLANNED = sa.text("plan IS NULL AND next_check_at IS NOT NULL")
_INDEX = ("sla_state", "first_response_due_at", "resolution_due_at", "next_check_at")


def upgrade() -> None:
    """Create ``ticket_clocks``, copy every ticket's index, drop it from ``tickets``."""
    op.create_table(
        "ticket_clocks",
        sa.Column("ticket_id", _KEY, nullable=False),
        sa.Column("opened_at", _TIMESTAMP, nullable=False),
        sa.Column("sla_state", sa.String(8), nullable=True),
        sa.Column("first_response_due_at", _TIMESTAMP, nullable=True),
        sa.Column("resolution_due_at", _TIMESTAMP, nullable=True),
        sa.Column("next_check_at", _TIMESTAMP, nullable=True),
        sa.Column("plan", _JSON_OR_NULL, nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name="fk_ticket_clocks_ticket_id_tickets"
        ),
        sa.PrimaryKeyConstraint("ticket_id", name="pk_ticket_clocks"),
    )
    op.execute(
        "INSERT INTO ticket_clocks (ticket_id, opened_at, sla_state, first_response_due_at, "
        "resolution_due_at, next_check_at) SELECT id, opened_at, sla_state, "
        "first_response_due_at, resolution_due_at, next_check_at FROM tickets"
    )
    # A final ticket's clock row is empty (the monitor takes clock rows by next_check_at
    # alone): clear any a library user left on a resolved or closed ticket.
    op.execute(
        "UPDATE ticket_clocks SET sla_state = NULL, first_response_due_at = NULL, "
        "resolution_due_at = NULL, next_check_at = NULL WHERE ticket_id IN "
        "(SELECT id FROM tickets WHERE status NOT IN ('open', 'waiting_customer'))"
    )
    op.create_index(
        "ix_ticket_clocks_next_check_at",
        "ticket_clocks",
        ["next_check_at"],
        postgresql_where=_DUE,
        sqlite_where=_DUE,
    )
    op.create_index(
        "ix_ticket_clocks_unplanned",
        "ticket_clocks",
        ["next_check_at"],
        postgresql_where=_UNPLANNED,
        sqlite_where=_UNPLANNED,
    )
    op.create_index(
        "ix_ticket_clocks_sla_state_opened_at",
        "ticket_clocks",
        ["sla_state", "opened_at", "ticket_id"],
    )
    op.drop_index("ix_tickets_next_check_at", table_name="tickets")
    op.drop_index("ix_tickets_sla_state_opened_at", table_name="tickets")
    # Not a batch (copy-and-swap) where avoidable: on SQLite, dropping `tickets` to swap the
    # copy in breaks the foreign keys of its events and clocks. SQLite 3.35+ drops an
    # unindexed column in place; older ones get the batch.
    if op.get_bind().dialect.name != "sqlite" or sqlite3.sqlite_version_info >= (3, 35):
        for column in _INDEX:
            op.drop_column("tickets", column)
    else:
        with op.batch_alter_table("tickets") as batch:
            for column in _INDEX:
                batch.drop_column(column)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE tickets SET (fillfactor = 85)")


def downgrade() -> None:
    """Put the index back on ``tickets`` (the plans are dropped) and drop ``ticket_clocks``."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE tickets RESET (fillfactor)")
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("sla_state", sa.String(8), nullable=True))
        batch.add_column(sa.Column("first_response_due_at", _TIMESTAMP, nullable=True))
        batch.add_column(sa.Column("resolution_due_at", _TIMESTAMP, nullable=True))
        batch.add_column(sa.Column("next_check_at", _TIMESTAMP, nullable=True))
    for column in _INDEX:
        op.execute(
            f"UPDATE tickets SET {column} = (SELECT c.{column} FROM ticket_clocks c "  # noqa: S608 - fixed names
            "WHERE c.ticket_id = tickets.id)"
        )
    op.create_index(
        "ix_tickets_next_check_at",
        "tickets",
        ["next_check_at"],
        postgresql_where=_DUE,
        sqlite_where=_DUE,
    )
    op.create_index("ix_tickets_sla_state_opened_at", "tickets", ["sla_state", "opened_at", "id"])
    op.drop_table("ticket_clocks")
