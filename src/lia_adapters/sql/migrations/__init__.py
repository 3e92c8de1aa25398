"""Run the Alembic migration history programmatically on an async engine (no alembic.ini).

Alembic itself (about 10 MB of a process's memory) is imported only to migrate: every `lia
serve` start compares the database's revision with `HEAD` with plain SQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final

from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["HEAD", "alembic_config", "current_revision", "downgrade", "head_revision", "upgrade"]

HEAD: Final = "0026"
"""The newest revision in versions/: what this code needs. Raise it with each new revision
(tests/unit/adapters/sql/test_migration_head.py compares it with Alembic's own reading)."""
_VERSION_TABLE = "alembic_version"

_SCRIPT_LOCATION = Path(__file__).resolve().parent

# Any constant will do: it only has to be the same for every LIA process migrating one database.
_PG_MIGRATION_LOCK = 0x11A_0001


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for this package's history, running on *connection* when given."""
    from alembic.config import Config

    config = Config()
    # Config options go through configparser interpolation, where '%' is special.
    config.set_main_option("script_location", str(_SCRIPT_LOCATION).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision of the migration history: what this code needs (`HEAD`)."""
    return HEAD


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        # pysqlite runs DDL outside any transaction unless told: begin one explicitly so a
        # failed migration leaves nothing half-done, and IMMEDIATE so concurrent upgraders
        # queue on the write lock.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif connection.dialect.name == "postgresql":
        # Two replicas upgrading at once: the second waits, then finds nothing left to do.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})


def _upgrade(connection: Connection, revision: str) -> None:
    from alembic import command

    _lock(connection)
    command.upgrade(alembic_config(connection), revision)


def _downgrade(connection: Connection, revision: str) -> None:
    from alembic import command

    _lock(connection)
    command.downgrade(alembic_config(connection), revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Migrate the database to *revision* (default: head) in one transaction; a no-op when there."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade, revision)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Revert the database to *revision* (``base`` drops everything) in one transaction."""
    async with engine.begin() as conn:
        await conn.run_sync(_downgrade, revision)


def _current(connection: Connection) -> str | None:
    # What Alembic's MigrationContext.get_current_revision reads, without importing Alembic.
    if not inspect(connection).has_table(_VERSION_TABLE):
        return None
    found = list(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    if len(found) > 1:
        raise RuntimeError(f"the database is at several revisions at once: {', '.join(found)}")
    return found[0] if found else None


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    async with engine.connect() as conn:
        return await conn.run_sync(_current)
