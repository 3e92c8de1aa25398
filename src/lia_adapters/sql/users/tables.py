"""The staff accounts table."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Integer,
    String,
    Table,
    Text,
    text,
    true,
)

from lia_adapters.sql.base import metadata
from lia_adapters.sql.column_types import Json, UtcDateTime, key

__all__ = ["login_failures", "users"]

users = Table(
    "users",
    metadata,
    Column("id", key(), primary_key=True),
    Column("username", key(), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    # Contact fields for staff alerts (revision 0006); departments a JSON list of names.
    Column("full_name", Text, nullable=True),
    Column("phone", String(32), nullable=True),
    Column("push_token", String(512), nullable=True),
    Column("departments", Json, nullable=False, server_default=text("'[]'")),
    # Revision 0017: off leaves the person out of the gamification ranking.
    Column("participates_in_gamification", Boolean, nullable=False, server_default=true()),
    # Revision 0025: bumped by a password change; older tokens and sessions are refused.
    Column("credentials_version", Integer, nullable=False, server_default=text("0")),
)

login_failures = Table(
    "login_failures",
    metadata,
    # "user:<name>" or "ip:<address>" (revision 0025): replicas throttle sign-ins together.
    Column("key", key(128), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failed_at", UtcDateTime, nullable=False),
)
