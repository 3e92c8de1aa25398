"""Tables of the bot in the live flow (revision 0011): bot sessions, the handoff ledger."""

from __future__ import annotations

from sqlalchemy import Column, Date, Index, Integer, String, Table, text

from lia_adapters.sql.base import metadata
from lia_adapters.sql.column_types import ACTOR, Json, UtcDateTime, key

__all__ = ["bot_sessions", "handoffs"]

_PARTY = 512  # a chat id or contact key: canonical phone or provider identity
_DUE = text("due_at IS NOT NULL")

bot_sessions = Table(
    "bot_sessions",
    metadata,
    Column("conversation_id", key(), primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("chat_id", String(_PARTY), nullable=False),
    Column("contact_phone", String(_PARTY), nullable=False),
    # The handoff machine's state as a document: its shape is the core's, not the schema's.
    Column("state", Json, nullable=False),
    Column("due_at", UtcDateTime, nullable=True),
    Column("out_of_hours_on", Date, nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    # The timer's scan: partial, so it holds only sessions the bot still holds.
    Index("ix_bot_sessions_due_at", "due_at", postgresql_where=_DUE, sqlite_where=_DUE),
)

handoffs = Table(
    "handoffs",
    metadata,
    Column("id", key(), primary_key=True),
    Column("conversation_id", key(), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("department", String(64), nullable=False),
    Column("level", String(2), nullable=False),
    Column("priority", String(8), nullable=False),
    Column("intent", String(16), nullable=True),
    Column("at", UtcDateTime, nullable=False),
    Column("accepted_by", String(ACTOR), nullable=True),
    Column("accepted_at", UtcDateTime, nullable=True),
    Index("ix_handoffs_at", "at", "id"),
    Index("ix_handoffs_reason_at", "reason", "at", "id"),
    Index("ix_handoffs_conversation_at", "conversation_id", "at"),
)
