"""People in the loop: agent profiles, assignments (the department queues) and offers.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

One assignment per conversation handed to humans (its department, holder, waiting time and
return timer), one offer per time-limited proposal to an agent, one profile per agent
(capacity, skills, presence, offer counters). The queues are partial indexes on
assignments, so listing and offering read only what waits.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)
_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_OPEN = sa.text("closed_at IS NULL")
_QUEUED = sa.text("closed_at IS NULL AND assignee IS NULL")
_OFFERABLE = sa.text("closed_at IS NULL AND assignee IS NULL AND offer_id IS NULL")
_RETURNING = sa.text("return_due_at IS NOT NULL AND closed_at IS NULL")
_PENDING = sa.text("status = 'pending'")


def _key(length: int = 64) -> sa.types.TypeEngine[str]:
    # Byte-order collation on PostgreSQL so ORDER BY matches Python's string order.
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def _partial(name: str, table: str, columns: list[str], where: sa.TextClause) -> None:
    op.create_index(name, table, columns, postgresql_where=where, sqlite_where=where)


def upgrade() -> None:
    """Create ``agent_profiles``, ``assignments`` and ``offers`` with their indexes."""
    op.create_table(
        "agent_profiles",
        sa.Column("username", _key(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("skills", _JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("auto_offline", sa.Boolean(), nullable=False),
        sa.Column("last_seen_at", _TIMESTAMP, nullable=True),
        sa.Column("status_at", _TIMESTAMP, nullable=True),
        sa.Column("load", sa.Integer(), nullable=False),
        sa.Column("offers_offered", sa.Integer(), nullable=False),
        sa.Column("offers_accepted", sa.Integer(), nullable=False),
        sa.Column("offers_rejected", sa.Integer(), nullable=False),
        sa.Column("offers_timed_out", sa.Integer(), nullable=False),
        sa.Column("last_offered_at", _TIMESTAMP, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("username", name="pk_agent_profiles"),
    )
    op.create_table(
        "assignments",
        sa.Column("conversation_id", _key(), nullable=False),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("priority", sa.String(8), nullable=False),
        sa.Column("vip", sa.Boolean(), nullable=False),
        sa.Column("urgency", sa.Integer(), nullable=False),
        sa.Column("waiting_since", _TIMESTAMP, nullable=True),
        sa.Column("assignee", _key(), nullable=True),
        sa.Column("assigned_at", _TIMESTAMP, nullable=True),
        sa.Column("first_human_reply_at", _TIMESTAMP, nullable=True),
        sa.Column("return_due_at", _TIMESTAMP, nullable=True),
        sa.Column("offer_id", _key(), nullable=True),
        sa.Column("passed_over", _JSON, nullable=False),
        sa.Column("previous_assignee", _key(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("closed_at", _TIMESTAMP, nullable=True),
        sa.Column("updated_at", _TIMESTAMP, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name="pk_assignments"),
    )
    queue = ["department", "urgency", "waiting_since", "conversation_id"]
    _partial("ix_assignments_queue", "assignments", queue, _QUEUED)
    _partial("ix_assignments_offerable", "assignments", queue, _OFFERABLE)
    _partial("ix_assignments_assignee", "assignments", ["assignee"], _OPEN)
    _partial("ix_assignments_department", "assignments", ["department", "assignee"], _OPEN)
    _partial("ix_assignments_return_due_at", "assignments", ["return_due_at"], _RETURNING)
    op.create_table(
        "offers",
        sa.Column("id", _key(), nullable=False),
        sa.Column("conversation_id", _key(), nullable=False),
        sa.Column("agent", _key(), nullable=False),
        sa.Column("department", sa.String(64), nullable=False),
        sa.Column("offered_at", _TIMESTAMP, nullable=False),
        sa.Column("due_at", _TIMESTAMP, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_at", _TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_offers"),
    )
    op.create_index("ix_offers_conversation_id", "offers", ["conversation_id"])
    op.create_index("ix_offers_agent_offered_at", "offers", ["agent", "offered_at"])
    _partial("ix_offers_pending_due_at", "offers", ["due_at"], _PENDING)
    _partial("ix_offers_pending_agent", "offers", ["agent"], _PENDING)


def downgrade() -> None:
    """Drop the three tables (their indexes go with them)."""
    op.drop_table("offers")
    op.drop_table("assignments")
    op.drop_table("agent_profiles")
