"""Tables of the people in the loop (revision 0010): agent profiles, assignments, offers."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, String, Table, Text, text

from lia_adapters.sql.base import metadata
from lia_adapters.sql.column_types import Json, UtcDateTime, key

__all__ = [
    "OFFERABLE",
    "OPEN",
    "PENDING",
    "QUEUED",
    "agent_profiles",
    "assignments",
    "offers",
]

_DEPARTMENT = 64
OPEN = "closed_at IS NULL"
QUEUED = "closed_at IS NULL AND assignee IS NULL"
"""A department queue's predicate, spelled as its partial index spells it."""
OFFERABLE = "closed_at IS NULL AND assignee IS NULL AND offer_id IS NULL"
PENDING = "status = 'pending'"
_RETURNING = "return_due_at IS NOT NULL AND closed_at IS NULL"

agent_profiles = Table(
    "agent_profiles",
    metadata,
    Column("username", key(), primary_key=True),
    Column("capacity", Integer, nullable=False),
    Column("skills", Json, nullable=False),  # a JSON list of names
    Column("status", String(16), nullable=False),
    Column("auto_offline", Boolean, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=True),
    Column("status_at", UtcDateTime, nullable=True),
    # A cache recounted from assignments and offers on every change that moves it.
    Column("load", Integer, nullable=False),
    Column("offers_offered", Integer, nullable=False),
    Column("offers_accepted", Integer, nullable=False),
    Column("offers_rejected", Integer, nullable=False),
    Column("offers_timed_out", Integer, nullable=False),
    Column("last_offered_at", UtcDateTime, nullable=True),
    Column("version", Integer, nullable=False),
)

assignments = Table(
    "assignments",
    metadata,
    Column("conversation_id", key(), primary_key=True),
    Column("department", String(_DEPARTMENT), nullable=False),
    Column("priority", String(8), nullable=False),
    Column("vip", Boolean, nullable=False),
    # 7 - (priority rank * 2 + vip): the queue sorts ascending on one column, then waiting time.
    Column("urgency", Integer, nullable=False),
    Column("waiting_since", UtcDateTime, nullable=True),
    Column("assignee", key(), nullable=True),
    Column("assigned_at", UtcDateTime, nullable=True),
    Column("first_human_reply_at", UtcDateTime, nullable=True),
    Column("return_due_at", UtcDateTime, nullable=True),
    Column("offer_id", key(), nullable=True),
    Column("passed_over", Json, nullable=False),  # a JSON list of usernames
    Column("previous_assignee", key(), nullable=True),
    Column("reason", Text, nullable=False),
    Column("closed_at", UtcDateTime, nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    # A department's queue in order; the offer tick's batch (no offer out) has its own.
    Index(
        "ix_assignments_queue",
        "department",
        "urgency",
        "waiting_since",
        "conversation_id",
        postgresql_where=text(QUEUED),
        sqlite_where=text(QUEUED),
    ),
    Index(
        "ix_assignments_offerable",
        "department",
        "urgency",
        "waiting_since",
        "conversation_id",
        postgresql_where=text(OFFERABLE),
        sqlite_where=text(OFFERABLE),
    ),
    # Loads, "Mine" and an agent's conversations.
    Index(
        "ix_assignments_assignee", "assignee", postgresql_where=text(OPEN), sqlite_where=text(OPEN)
    ),
    # Mine / Unassigned / All per department, from the index alone.
    Index(
        "ix_assignments_department",
        "department",
        "assignee",
        postgresql_where=text(OPEN),
        sqlite_where=text(OPEN),
    ),
    Index(
        "ix_assignments_return_due_at",
        "return_due_at",
        postgresql_where=text(_RETURNING),
        sqlite_where=text(_RETURNING),
    ),
)

offers = Table(
    "offers",
    metadata,
    Column("id", key(), primary_key=True),
    Column("conversation_id", key(), nullable=False, index=True),
    Column("agent", key(), nullable=False),
    Column("department", String(_DEPARTMENT), nullable=False),
    Column("offered_at", UtcDateTime, nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("decided_at", UtcDateTime, nullable=True),
    Index(
        "ix_offers_pending_due_at",
        "due_at",
        postgresql_where=text(PENDING),
        sqlite_where=text(PENDING),
    ),
    Index(
        "ix_offers_pending_agent",
        "agent",
        postgresql_where=text(PENDING),
        sqlite_where=text(PENDING),
    ),
    # Fairness you can read: an agent's offers over time.
    Index("ix_offers_agent_offered_at", "agent", "offered_at"),
    # The reports (revision 0020): offers made in a range.
    Index("ix_offers_offered_at", "offered_at"),
)
