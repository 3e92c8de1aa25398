"""Tables of NPS in the live flow (revision 0016): surveys sent, answers (`satisfaction_feedback`,
with a detractor's follow-up as the schema's handling columns)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, String, Table, Text, text

from lia_adapters.sql.base import metadata
from lia_adapters.sql.column_types import ACTOR, UtcDateTime, key

__all__ = ["nps_surveys", "satisfaction_feedback"]

_PARTY = 512  # a chat id or contact key: canonical phone or provider identity
_OPEN = text("status = 'open'")
_FOLLOWED = text("handling_status IS NOT NULL")

nps_surveys = Table(
    "nps_surveys",
    metadata,
    Column("id", key(), primary_key=True),
    # The resolved matter (ticket:<id>, conversation:<id>@<instant>): one survey each.
    Column("subject", key(200), nullable=False),
    Column("conversation_id", key(), nullable=False),
    Column("customer", key(_PARTY), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("chat_id", String(_PARTY), nullable=False),
    Column("client_name", Text, nullable=False),
    Column("ticket_id", key(), nullable=True),
    Column("agent", String(ACTOR), nullable=True),
    Column("assistant", String(64), nullable=True),
    Column("department", String(64), nullable=True),
    Column("sent_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("asked_again", Boolean, nullable=False),
    Column("closed_at", UtcDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    Index("ux_nps_surveys_subject", "subject", unique=True),
    # The gate's look-up of a batch's open surveys: partial, it holds only open ones.
    Index(
        "ix_nps_surveys_open",
        "conversation_id",
        "sent_at",
        postgresql_where=_OPEN,
        sqlite_where=_OPEN,
    ),
    Index("ix_nps_surveys_customer_sent_at", "customer", "sent_at"),
    # Revision 0018: `/metrics` counts the surveys of the last day over a range of it.
    Index("ix_nps_surveys_sent_at", "sent_at"),
)

satisfaction_feedback = Table(
    "satisfaction_feedback",
    metadata,
    Column("id", key(), primary_key=True),
    Column("survey_id", key(), nullable=False),
    Column("conversation_id", key(), nullable=False),
    Column("ticket_id", key(), nullable=True),
    Column("customer", key(_PARTY), nullable=False),
    Column("client_name", Text, nullable=False),
    Column("score", Integer, nullable=False),
    # detractor (0-6), passive (7-8: the schema's "neutral"), promoter (9-10).
    Column("category", String(16), nullable=False),
    Column("comment", Text, nullable=False),
    Column("agent", String(ACTOR), nullable=True),
    Column("assistant", String(64), nullable=True),
    Column("department", String(64), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    # A detractor's follow-up (NULL status: none): pending, in_progress, resolved.
    Column("handling_status", String(16), nullable=True),
    Column("handled_by", String(ACTOR), nullable=True),
    Column("taken_at", UtcDateTime, nullable=True),
    Column("handling_notes", Text, nullable=True),
    Column("handling_score", Integer, nullable=True),
    Column("handled_at", UtcDateTime, nullable=True),
    Column("resolved_by", String(ACTOR), nullable=True),
    Column("version", Integer, nullable=False),
    Index("ux_satisfaction_feedback_survey", "survey_id", unique=True),
    Index("ix_satisfaction_feedback_created_at", "created_at", "id"),
    Index("ix_satisfaction_feedback_category_created_at", "category", "created_at"),
    Index("ix_satisfaction_feedback_agent_created_at", "agent", "created_at"),
    Index("ix_satisfaction_feedback_customer_created_at", "customer", "created_at"),
    Index(
        "ix_satisfaction_feedback_handling",
        "handling_status",
        "created_at",
        postgresql_where=_FOLLOWED,
        sqlite_where=_FOLLOWED,
    ),
)
