"""Column types shared by the tables: UTC timestamps, JSON documents, binary-ordered keys."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = ["ACTOR", "Json", "NullableJson", "UtcDateTime", "key"]

ACTOR = 128
"""Length of actor columns: usernames are at most 64; room for service actors ("scheduler")."""


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant stored in UTC (timestamptz on PostgreSQL, naive UTC on SQLite).

    Naive datetimes are refused on write: their meaning depends on whoever made them.
    Reads always return aware UTC datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert an aware datetime to UTC for storage; refuse naive ones."""
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError(f"refusing to store a naive datetime ({value.isoformat()}): add a tz")
        utc = value.astimezone(UTC)
        # SQLite has no timezone type: keep naive UTC text so it sorts chronologically.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return the stored instant as an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


Json = JSON().with_variant(JSONB(), "postgresql")
"""A JSON document (jsonb on PostgreSQL)."""

NullableJson = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
"""An optional JSON document: Python None is stored as SQL NULL, not as the JSON ``null``."""


def key(length: int = 64) -> TypeEngine[str]:
    """An identifier column compared byte by byte on PostgreSQL too.

    Ordering then matches Python's string order (and the in-memory fake) whatever the
    server's locale; SQLite already compares with BINARY.
    """
    return String(length).with_variant(String(length, collation="C"), "postgresql")
