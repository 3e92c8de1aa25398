"""The realtime relay table (revision 0014): SQLite's stand-in for NOTIFY between processes."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text

from lia_adapters.sql.base import metadata
from lia_adapters.sql.column_types import UtcDateTime

__all__ = ["realtime_relay"]

realtime_relay = Table(
    "realtime_relay",
    metadata,
    # AUTOINCREMENT: ids never come back after old rows are pruned, so a reader's "after id"
    # never skips a new row.
    Column("id", Integer, primary_key=True, autoincrement=True),
    # The process that committed it (it delivered the event to its own clients already).
    Column("origin", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_realtime_relay_created_at", "created_at"),
    sqlite_autoincrement=True,
)
