"""The staff accounts table."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    String,
    Table,
)

from lia_adapters.sql.base import metadata
from lia_adapters.sql.column_types import UtcDateTime, key

__all__ = ["users"]

users = Table(
    "users",
    metadata,
    Column("id", key(), primary_key=True),
    Column("username", key(), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)
