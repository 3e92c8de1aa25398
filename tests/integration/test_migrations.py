"""The Alembic history builds, on SQLite and PostgreSQL alike, exactly the schema the code uses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, select
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.sql import create_engine
from lia_adapters.sql.migrations import current_revision, head_revision, upgrade
from lia_adapters.sql.tables import OUTAGE_CATALOGUE_REVISION, metadata, revisions


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
