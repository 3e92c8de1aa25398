"""What every area of the SQL adapter shares: the one `metadata`, a row, a connection source."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import MetaData, Table, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = ["ConnectionSource", "Row", "exists", "metadata"]

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

Row = RowMapping | Mapping[str, Any]
"""A fetched row by column name."""

ConnectionSource = Callable[[], AsyncConnection]
"""Returns the unit of work's connection (raises when the unit of work is not entered)."""


async def exists(conn: AsyncConnection, table: Table, entity_id: str) -> bool:
    """Whether *table* holds a row with this ``id``."""
    found = await conn.scalar(select(table.c.id).where(table.c.id == entity_id))
    return found is not None
