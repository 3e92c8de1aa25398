"""What only the SQL stores promise beyond the shared contract: UTC timestamps, readable JSON, errors."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone

import psycopg
import pytest
from sqlalchemy import Text, cast, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.sql import SqlUnitOfWork, SqlUnitOfWorkFactory
from lia_adapters.sql.errors import wrap_db_errors
from lia_adapters.sql.outages.tables import regions
from lia_core.domain.failures import FailureStatus, MassiveFailure, Severity
from lia_core.domain.regions import (
    AffectedRegions,
    Area,
    CepPrefix,
    CepRange,
    CityArea,
    NamedRegion,
)
from lia_core.errors import AlreadyExists, ConcurrencyConflict, PersistenceError

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def a_failure(*, starts_at: datetime = T0) -> MassiveFailure:
    """A minimal valid failure."""
    return MassiveFailure(
        id="f-1",
        name="Falha",
        notification_message="Olá {nome}.",
        resolution_message=None,
        severity=Severity.LOW,
        regions=AffectedRegions(area=Area(cities=(CityArea(city="Petrópolis"),))),
        starts_at=starts_at,
        estimated_resolution=None,
        status=FailureStatus.ACTIVE,
        created_by="ana",
        created_at=T0,
        updated_at=T0,
    )


async def test_timestamps_come_back_in_utc(migrated_engine: AsyncEngine) -> None:
    """A timestamp written with any offset is read back as the same instant, in UTC."""
    factory = SqlUnitOfWorkFactory(migrated_engine)
    local = datetime(2026, 3, 10, 9, 0, tzinfo=timezone(timedelta(hours=-3)))
    async with factory() as uow:
        await uow.failures.add(a_failure(starts_at=local))
        await uow.commit()

    async with factory() as uow:
        loaded = await uow.failures.get("f-1")
    assert loaded.starts_at == local
    assert loaded.starts_at.tzinfo is UTC
    assert loaded.created_at.tzinfo is UTC


async def test_naive_timestamps_are_refused(migrated_engine: AsyncEngine) -> None:
    """Writing a naive datetime fails instead of guessing its timezone."""
    naive = datetime(2026, 3, 10, 12, 0)  # naive on purpose
    async with SqlUnitOfWorkFactory(migrated_engine)() as uow:
        with pytest.raises(sa_exc.StatementError, match="naive datetime"):
            await uow.failures.add(a_failure(starts_at=naive))


async def test_areas_are_stored_as_readable_json(migrated_engine: AsyncEngine) -> None:
    """Areas are JSON documents, accents unescaped and CEP rules in their command-line form."""
    area = Area(
        cities=(CityArea.of("Petrópolis", ["Itaipava"]),),
        ceps=(CepPrefix(prefix="2565"), CepRange(start="25600000", end="25699999")),
    )
    async with SqlUnitOfWorkFactory(migrated_engine)() as uow:
        await uow.regions.add(NamedRegion.define(region_id="serra", name="Serra", area=area))
        await uow.commit()

    async with migrated_engine.connect() as conn:
        rules = await conn.scalar(select(regions.c.rules))
        raw = await conn.scalar(select(cast(regions.c.rules, Text)))
    assert rules == {
        "cities": [{"city": "Petrópolis", "neighbourhoods": ["Itaipava"]}],
        "ceps": ["2565", "25600-000..25699-999"],
    }
    assert "Petrópolis" in str(raw)


async def test_unit_of_work_must_be_entered(migrated_engine: AsyncEngine) -> None:
    """Using a repository outside `async with` is a programming error, reported as such."""
    uow = SqlUnitOfWork(migrated_engine)
    with pytest.raises(RuntimeError, match="async with"):
        await uow.failures.get("f-1")


def _driver_error(orig: Exception) -> sa_exc.DBAPIError:
    """Wrap a driver exception the way SQLAlchemy does."""
    return sa_exc.DBAPIError("UPDATE t", {}, orig)


def _sqlite_error(code: int) -> sqlite3.Error:
    """A sqlite3 error carrying an (extended) result code."""
    error = sqlite3.OperationalError(f"sqlite code {code}")
    error.sqlite_errorcode = code
    return error


@pytest.mark.parametrize(
    ("orig", "expected"),
    [
        (psycopg.errors.UniqueViolation("duplicate key"), AlreadyExists),
        (_sqlite_error(2067), AlreadyExists),  # SQLITE_CONSTRAINT_UNIQUE
        (_sqlite_error(1555), AlreadyExists),  # SQLITE_CONSTRAINT_PRIMARYKEY
        (psycopg.errors.DeadlockDetected("deadlock"), ConcurrencyConflict),
        (psycopg.errors.SerializationFailure("serialization"), ConcurrencyConflict),
        (_sqlite_error(5), ConcurrencyConflict),  # SQLITE_BUSY: busy_timeout expired
        (_sqlite_error(517), ConcurrencyConflict),  # SQLITE_BUSY_SNAPSHOT
    ],
)
def test_driver_errors_become_persistence_errors(
    orig: Exception, expected: type[PersistenceError]
) -> None:
    """Unique violations become AlreadyExists and lock contention ConcurrencyConflict."""
    with pytest.raises(expected) as raised, wrap_db_errors(entity="failure", entity_id="f-1"):
        raise _driver_error(orig)
    assert isinstance(raised.value.__cause__, sa_exc.DBAPIError)


@pytest.mark.parametrize(
    "orig",
    [psycopg.errors.NotNullViolation("null"), _sqlite_error(1299)],  # SQLITE_CONSTRAINT_NOTNULL
)
def test_other_driver_errors_propagate(orig: Exception) -> None:
    """Errors that are bugs rather than outcomes (a NOT NULL violation) pass through unchanged."""
    with pytest.raises(sa_exc.DBAPIError), wrap_db_errors(entity="failure", entity_id="f-1"):
        raise _driver_error(orig)
