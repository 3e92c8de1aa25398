"""The desk: tickets with append-only timelines, desk-policy revisions, the audit log, staff contacts.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

Types are spelled out here rather than imported from the application, so this revision
keeps producing the same schema whatever later code does.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)  # timestamptz on PostgreSQL, naive UTC on SQLite
_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_JSON_OR_NULL = sa.JSON(none_as_null=True).with_variant(
    postgresql.JSONB(none_as_null=True), "postgresql"
)
_ACTOR = 128
_PARTY = 512
_LIVE = sa.text("status IN ('open', 'waiting_customer') AND conversation_id IS NOT NULL")
_DUE = sa.text("next_check_at IS NOT NULL")
_LISTED = ("status", "level", "priority", "department", "assignee", "failure_id", "sla_state")


def _key(length: int = 64) -> sa.types.TypeEngine[str]:
    # Byte-order collation on PostgreSQL so ORDER BY matches Python's string order.
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def _create_tickets() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", _key(), nullable=False),
        sa.Column("conversation_id", _key(), nullable=True),
        sa.Column("contact", _key(_PARTY), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("assignee", sa.String(_ACTOR), nullable=True),
        sa.Column("level", sa.String(2), nullable=False),
        sa.Column("priority", sa.String(8), nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("vip", sa.Boolean(), nullable=False),
        sa.Column("failure_id", _key(), nullable=True),
        sa.Column("escalation_reason", sa.Text(), nullable=True),
        sa.Column("escalated_at", _TIMESTAMP, nullable=True),
        sa.Column("escalated_by", sa.String(_ACTOR), nullable=True),
        sa.Column("sla_policy", sa.String(64), nullable=True),
        sa.Column("sla_state", sa.String(8), nullable=True),
        sa.Column("first_response_due_at", _TIMESTAMP, nullable=True),
        sa.Column("resolution_due_at", _TIMESTAMP, nullable=True),
        sa.Column("next_check_at", _TIMESTAMP, nullable=True),
        sa.Column("opened_at", _TIMESTAMP, nullable=False),
        sa.Column("updated_at", _TIMESTAMP, nullable=False),
        sa.Column("resolved_at", _TIMESTAMP, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tickets"),
    )
    op.create_index(
        "ux_tickets_live_conversation",
        "tickets",
        ["conversation_id"],
        unique=True,
        postgresql_where=_LIVE,
        sqlite_where=_LIVE,
    )
    op.create_index(
        "ix_tickets_next_check_at",
        "tickets",
        ["next_check_at"],
        postgresql_where=_DUE,
        sqlite_where=_DUE,
    )
    op.create_index("ix_tickets_opened_at", "tickets", ["opened_at", "id"])
    for column in _LISTED:
        op.create_index(f"ix_tickets_{column}_opened_at", "tickets", [column, "opened_at", "id"])
    op.create_index("ix_tickets_contact_opened_at", "tickets", ["contact", "opened_at"])
    op.create_table(
        "ticket_events",
        sa.Column("ticket_id", _key(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("at", _TIMESTAMP, nullable=False),
        sa.Column("actor", sa.String(_ACTOR), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("data", _JSON_OR_NULL, nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name="fk_ticket_events_ticket_id_tickets"
        ),
        sa.PrimaryKeyConstraint("ticket_id", "seq", name="pk_ticket_events"),
    )


def _create_desk_policy_revisions() -> None:
    op.create_table(
        "desk_policy_revisions",
        sa.Column("revision", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(255), nullable=True),
        sa.Column("loaded_by", sa.String(_ACTOR), nullable=False),
        sa.Column("loaded_at", _TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("revision", name="pk_desk_policy_revisions"),
    )


def _create_activity_logs() -> None:
    op.create_table(
        "activity_logs",
        sa.Column("id", _key(), nullable=False),
        sa.Column("at", _TIMESTAMP, nullable=False),
        sa.Column("actor", sa.String(_ACTOR), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(255), nullable=False),
        sa.Column("from_state", sa.Text(), nullable=True),
        sa.Column("to_state", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("ip", sa.String(64), nullable=True),
        sa.Column("user_agent", sa.Text(), nullable=True),
        sa.Column("details", _JSON_OR_NULL, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_activity_logs"),
    )
    op.create_index("ix_activity_logs_at", "activity_logs", ["at", "id"])
    op.create_index("ix_activity_logs_entity_at", "activity_logs", ["entity", "at", "id"])
    op.create_index("ix_activity_logs_actor_at", "activity_logs", ["actor", "at", "id"])
    op.create_index("ix_activity_logs_entity_id_at", "activity_logs", ["entity", "entity_id", "at"])


def upgrade() -> None:
    """Create the desk's tables and give users their contact fields."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("full_name", sa.Text(), nullable=True))
        batch.add_column(sa.Column("phone", sa.String(32), nullable=True))
        batch.add_column(sa.Column("push_token", sa.String(512), nullable=True))
        batch.add_column(
            sa.Column("departments", _JSON, nullable=False, server_default=sa.text("'[]'"))
        )
    _create_tickets()
    _create_desk_policy_revisions()
    _create_activity_logs()


def downgrade() -> None:
    """Drop the desk's tables and the users' contact fields."""
    op.drop_table("activity_logs")
    op.drop_table("desk_policy_revisions")
    op.drop_table("ticket_events")
    op.drop_table("tickets")
    with op.batch_alter_table("users") as batch:
        for column in ("departments", "push_token", "phone", "full_name"):
            batch.drop_column(column)
