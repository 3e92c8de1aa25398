"""NPS in the live flow: the surveys sent and the answers with their follow-ups.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07

`nps_surveys` holds one survey per resolved matter (``subject`` unique: ``ticket:<id>`` or
``conversation:<id>@<instant>``), its status and who it rates; the gate finds a batch's open
surveys through a partial index. `satisfaction_feedback` holds the answers (score, category,
comment, conversation, agent, assistant, department, time) as the seed schema has them, a
detractor's follow-up in the ``handling_*`` columns; one answer per survey.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)
_PARTY = 512
_ACTOR = 128
_OPEN = sa.text("status = 'open'")
_FOLLOWED = sa.text("handling_status IS NOT NULL")


def _key(length: int = 64) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def upgrade() -> None:
    """Create ``nps_surveys`` and ``satisfaction_feedback`` with their indexes."""
    op.create_table(
        "nps_surveys",
        sa.Column("id", _key(), primary_key=True),
        sa.Column("subject", _key(200), nullable=False),
        sa.Column("conversation_id", _key(), nullable=False),
        sa.Column("customer", _key(_PARTY), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("chat_id", sa.String(_PARTY), nullable=False),
        sa.Column("client_name", sa.Text(), nullable=False),
        sa.Column("ticket_id", _key(), nullable=True),
        sa.Column("agent", sa.String(_ACTOR), nullable=True),
        sa.Column("assistant", sa.String(64), nullable=True),
        sa.Column("department", sa.String(64), nullable=True),
        sa.Column("sent_at", _TIMESTAMP, nullable=False),
        sa.Column("expires_at", _TIMESTAMP, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("asked_again", sa.Boolean(), nullable=False),
        sa.Column("closed_at", _TIMESTAMP, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ux_nps_surveys_subject", "nps_surveys", ["subject"], unique=True)
    op.create_index(
        "ix_nps_surveys_open",
        "nps_surveys",
        ["conversation_id", "sent_at"],
        postgresql_where=_OPEN,
        sqlite_where=_OPEN,
    )
    op.create_index("ix_nps_surveys_customer_sent_at", "nps_surveys", ["customer", "sent_at"])
    op.create_table(
        "satisfaction_feedback",
        sa.Column("id", _key(), primary_key=True),
        sa.Column("survey_id", _key(), nullable=False),
        sa.Column("conversation_id", _key(), nullable=False),
        sa.Column("ticket_id", _key(), nullable=True),
        sa.Column("customer", _key(_PARTY), nullable=False),
        sa.Column("client_name", sa.Text(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("agent", sa.String(_ACTOR), nullable=True),
        sa.Column("assistant", sa.String(64), nullable=True),
        sa.Column("department", sa.String(64), nullable=True),
        sa.Column("created_at", _TIMESTAMP, nullable=False),
        sa.Column("handling_status", sa.String(16), nullable=True),
        sa.Column("handled_by", sa.String(_ACTOR), nullable=True),
        sa.Column("taken_at", _TIMESTAMP, nullable=True),
        sa.Column("handling_notes", sa.Text(), nullable=True),
        sa.Column("handling_score", sa.Integer(), nullable=True),
        sa.Column("handled_at", _TIMESTAMP, nullable=True),
        sa.Column("resolved_by", sa.String(_ACTOR), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ux_satisfaction_feedback_survey", "satisfaction_feedback", ["survey_id"], unique=True
    )
    for name, columns in (
        ("ix_satisfaction_feedback_created_at", ["created_at", "id"]),
        ("ix_satisfaction_feedback_category_created_at", ["category", "created_at"]),
        ("ix_satisfaction_feedback_agent_created_at", ["agent", "created_at"]),
        ("ix_satisfaction_feedback_customer_created_at", ["customer", "created_at"]),
    ):
        op.create_index(name, "satisfaction_feedback", columns)
    op.create_index(
        "ix_satisfaction_feedback_handling",
        "satisfaction_feedback",
        ["handling_status", "created_at"],
        postgresql_where=_FOLLOWED,
        sqlite_where=_FOLLOWED,
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("satisfaction_feedback")
    op.drop_table("nps_surveys")
