"""Tables of outages: failures, the region catalogue, and the change counter caches watch."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    String,
    Table,
    Text,
    text,
)

from lia_adapters.sql.base import metadata
from lia_adapters.sql.column_types import ACTOR, Json, UtcDateTime, key

__all__ = ["OUTAGE_CATALOGUE_REVISION", "massive_failures", "regions", "revisions"]

OUTAGE_CATALOGUE_REVISION = "outage_catalogue"
"""The `lia_revisions` row bumped by every failure or catalogue-region write."""

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
    Column("created_by", String(ACTOR), nullable=False),
    Column("created_at", UtcDateTime, nullable=False, index=True),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("activated_at", UtcDateTime, nullable=True),
    Column("paused_at", UtcDateTime, nullable=True),
    Column("resolved_at", UtcDateTime, nullable=True),
    Column("resolved_by", String(ACTOR), nullable=True),
    Column("cancelled_at", UtcDateTime, nullable=True),
    Column("cancelled_by", String(ACTOR), nullable=True),
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

revisions = Table(
    "lia_revisions",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", BigInteger, nullable=False),
)
