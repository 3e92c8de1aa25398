"""The relational schema as SQLAlchemy Core tables; Alembic migrations must produce exactly this."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)

from lia_adapters.sql.column_types import Json, UtcDateTime, key

__all__ = [
    "OUTAGE_CATALOGUE_REVISION",
    "massive_failures",
    "metadata",
    "regions",
    "revisions",
    "users",
]

# Deterministic constraint names, so later migrations (and SQLite batch rebuilds) can refer to them.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

OUTAGE_CATALOGUE_REVISION = "outage_catalogue"
"""The `lia_revisions` row bumped by every failure or catalogue-region write."""

_ACTOR = 128  # usernames are at most 64 characters; room for service actors such as "scheduler"

massive_failures = Table(
    "massive_failures",
    metadata,
    Column("id", key(), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("notification_message", Text, nullable=False),
    Column("resolution_message", Text, nullable=True),
    Column("severity", String(16), nullable=False),
    Column("status", String(16), nullable=False, index=True),
    # {"cities": [{"city", "neighbourhoods"}], "ceps": [spec], "region_ids": [id]}
    Column("affected_regions", Json, nullable=False),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("estimated_resolution", UtcDateTime, nullable=True),
    Column("created_by", String(_ACTOR), nullable=False),
    Column("created_at", UtcDateTime, nullable=False, index=True),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("activated_at", UtcDateTime, nullable=True),
    Column("paused_at", UtcDateTime, nullable=True),
    Column("resolved_at", UtcDateTime, nullable=True),
    Column("resolved_by", String(_ACTOR), nullable=True),
    Column("cancelled_at", UtcDateTime, nullable=True),
    Column("cancelled_by", String(_ACTOR), nullable=True),
    Column("version", Integer, nullable=False),
)

regions = Table(
    "regions",
    metadata,
    Column("id", key(), primary_key=True),
    Column("name", String(200), nullable=False),
    # {"cities": [{"city", "neighbourhoods"}], "ceps": [spec]}
    Column("rules", Json, nullable=False),
    Column("version", Integer, nullable=False),
    # Audit columns kept by the database: the domain's regions carry no timestamps.
    Column("created_at", UtcDateTime, nullable=False, server_default=text("CURRENT_TIMESTAMP")),
    Column("updated_at", UtcDateTime, nullable=False, server_default=text("CURRENT_TIMESTAMP")),
)

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

revisions = Table(
    "lia_revisions",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", BigInteger, nullable=False),
)
