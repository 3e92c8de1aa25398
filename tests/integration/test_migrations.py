"""The Alembic history builds, on SQLite and PostgreSQL alike, exactly the schema the code uses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.sql import create_engine
from lia_adapters.sql.migrations import current_revision, downgrade, head_revision, upgrade
from lia_adapters.sql.schema import metadata
from lia_adapters.sql.tables import OUTAGE_CATALOGUE_REVISION, revisions

INBOUND_TABLES = {"contacts", "conversations", "messages", "message_receipts"}
"""What revision 0003 adds (besides failure_notifications.reply_to)."""


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on an empty database of each supported kind."""
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


def _schema_differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def test_empty_database_has_no_revision(engine: AsyncEngine) -> None:
    """current_revision() is None before the first upgrade."""
    assert await current_revision(engine) is None


async def test_upgrade_reaches_head(engine: AsyncEngine) -> None:
    """Upgrading an empty database brings it to head_revision() with the counter seeded."""
    await upgrade(engine)

    assert await current_revision(engine) == head_revision()
    async with engine.connect() as conn:
        rows = (await conn.execute(select(revisions.c.name, revisions.c.value))).all()
    assert [tuple(row) for row in rows] == [(OUTAGE_CATALOGUE_REVISION, 0)]


async def test_upgrade_twice_is_a_no_op(engine: AsyncEngine) -> None:
    """A second upgrade changes neither the revision nor the data."""
    await upgrade(engine)
    async with engine.begin() as conn:
        await conn.execute(revisions.update().values(value=41))

    await upgrade(engine)

    assert await current_revision(engine) == head_revision()
    async with engine.connect() as conn:
        assert await conn.scalar(select(revisions.c.value)) == 41


async def test_migrated_schema_matches_the_tables(engine: AsyncEngine) -> None:
    """Autogenerate finds nothing to add: migrations and tables.py describe the same schema."""
    await upgrade(engine)

    async with engine.connect() as conn:
        differences = await conn.run_sync(_schema_differences)
    assert differences == []


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _columns(connection: Connection, table: str) -> set[str]:
    return {column["name"] for column in inspect(connection).get_columns(table)}


async def test_upgrade_creates_every_table_of_the_schema(engine: AsyncEngine) -> None:
    """Head has exactly the tables the code declares, plus Alembic's own."""
    await upgrade(engine)

    async with engine.connect() as conn:
        tables = await conn.run_sync(_tables)
    assert tables == set(metadata.tables) | {"alembic_version"}
    assert tables >= INBOUND_TABLES


async def test_downgrade_from_head_and_upgrade_again(engine: AsyncEngine) -> None:
    """Reverting 0003 drops the inbound tables and reply_to; upgrading again restores them."""
    await upgrade(engine)

    await downgrade(engine, "0002")

    assert await current_revision(engine) == "0002"
    async with engine.connect() as conn:
        tables = await conn.run_sync(_tables)
        notice_columns = await conn.run_sync(_columns, "failure_notifications")
    assert not INBOUND_TABLES & tables
    assert "reply_to" not in notice_columns
    assert "recipient" in notice_columns

    await upgrade(engine)

    async with engine.connect() as conn:
        differences = await conn.run_sync(_schema_differences)
    assert differences == []


async def test_downgrade_to_base_drops_every_table(engine: AsyncEngine) -> None:
    """The whole history reverts: only Alembic's version table is left, at no revision."""
    await upgrade(engine)

    await downgrade(engine, "base")

    assert await current_revision(engine) is None
    async with engine.connect() as conn:
        assert await conn.run_sync(_tables) == {"alembic_version"}
