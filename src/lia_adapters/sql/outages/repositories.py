"""SQL failures and region catalogue, on one connection owned by a `SqlUnitOfWork`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from lia_adapters.sql.base import ConnectionSource, exists
from lia_adapters.sql.bulk import insert_one
from lia_adapters.sql.errors import wrap_db_errors
from lia_adapters.sql.outages import mapping
from lia_adapters.sql.outages.tables import (
    OUTAGE_CATALOGUE_REVISION,
    massive_failures,
    regions,
    revisions,
)
from lia_core.domain.failures import FailureStatus, MassiveFailure
from lia_core.domain.regions import NamedRegion
from lia_core.errors import ConcurrencyConflict, NotFound

__all__ = ["SqlFailureRepository", "SqlRegionCatalogue"]


async def _bump_catalogue_revision(conn: AsyncConnection) -> None:
    # Done *before* the failure or region write it accounts for: every outage write then
    # takes this one row lock first, so two such transactions queue up instead of
    # deadlocking on each other's rows. A write that then fails leaves a bump that only
    # matters if the caller commits anyway, and an extra change merely refreshes caches.
    await conn.execute(
        update(revisions)
        .where(revisions.c.name == OUTAGE_CATALOGUE_REVISION)
        .values(value=revisions.c.value + 1)
    )


class SqlFailureRepository:
    """Failures in the `massive_failures` table."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def add(self, failure: MassiveFailure) -> None:
        """Insert a new failure at version 1. Raises AlreadyExists."""
        conn = self._connection()
        values = mapping.failure_values(failure) | {"version": 1}
        with wrap_db_errors(entity="failure", entity_id=failure.id):
            await _bump_catalogue_revision(conn)
            await insert_one(conn, massive_failures, values)
        failure.version = 1

    async def get(self, failure_id: str) -> MassiveFailure:
        """Load one failure. Raises NotFound."""
        result = await self._connection().execute(
            select(massive_failures).where(massive_failures.c.id == failure_id)
        )
        row = result.mappings().one_or_none()
        if row is None:
            raise NotFound(entity="failure", entity_id=failure_id)
        return mapping.failure_from_row(row)

    async def update(self, failure: MassiveFailure) -> None:
        """Save *failure* if its stored version is still the one read, then bump its version.

        Raises:
            NotFound: the failure does not exist.
            ConcurrencyConflict: someone else saved it since it was read.
        """
        conn = self._connection()
        values = mapping.failure_values(failure) | {"version": failure.version + 1}
        del values["id"]  # the key is in the WHERE clause; rewriting it would defeat HOT updates
        with wrap_db_errors(entity="failure", entity_id=failure.id):
            await _bump_catalogue_revision(conn)
            result = await conn.execute(
                update(massive_failures)
                .where(
                    massive_failures.c.id == failure.id,
                    massive_failures.c.version == failure.version,
                )
                .values(values)
            )
        if result.rowcount == 0:
            if not await exists(conn, massive_failures, failure.id):
                raise NotFound(entity="failure", entity_id=failure.id)
            raise ConcurrencyConflict(entity="failure", entity_id=failure.id)
        failure.version += 1

    async def list(
        self,
        statuses: Collection[FailureStatus] | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> Sequence[MassiveFailure]:
        """Failures with one of *statuses* (all when None), most recent start first, one page."""
        query = (
            select(massive_failures)
            .order_by(massive_failures.c.starts_at.desc(), massive_failures.c.id.desc())
            .limit(limit)
            .offset(offset or None)
        )
        if statuses is not None:
            query = query.where(massive_failures.c.status.in_([s.value for s in statuses]))
        result = await self._connection().execute(query)
        return [mapping.failure_from_row(row) for row in result.mappings()]

    async def due(self, now: datetime) -> Sequence[MassiveFailure]:
        """Scheduled failures whose start is at or before *now*, earliest first."""
        result = await self._connection().execute(
            select(massive_failures)
            .where(
                massive_failures.c.status == FailureStatus.SCHEDULED.value,
                massive_failures.c.starts_at <= now,
            )
            .order_by(massive_failures.c.starts_at, massive_failures.c.id)
        )
        return [mapping.failure_from_row(row) for row in result.mappings()]

    async def count_by_status(self) -> Mapping[FailureStatus, int]:
        """How many failures are in each status (a `Counter`: absent statuses count zero)."""
        result = await self._connection().execute(
            select(massive_failures.c.status, func.count()).group_by(massive_failures.c.status)
        )
        return Counter({FailureStatus(status): count for status, count in result})

    async def revision(self) -> int:
        """The outage-catalogue counter, bumped by every failure or region write."""
        value = await self._connection().scalar(
            select(revisions.c.value).where(revisions.c.name == OUTAGE_CATALOGUE_REVISION)
        )
        if value is None:
            raise LookupError(
                f"lia_revisions has no {OUTAGE_CATALOGUE_REVISION!r} row: was the schema migrated?"
            )
        return int(value)


class SqlRegionCatalogue:
    """Catalogue regions in the `regions` table."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def add(self, region: NamedRegion) -> None:
        """Insert a new region at version 1. Raises AlreadyExists."""
        conn = self._connection()
        values = mapping.region_values(region) | {"version": 1}
        with wrap_db_errors(entity="region", entity_id=region.id):
            await _bump_catalogue_revision(conn)
            await insert_one(conn, regions, values)

    async def get(self, region_id: str) -> NamedRegion:
        """Load one region. Raises NotFound."""
        result = await self._connection().execute(select(regions).where(regions.c.id == region_id))
        row = result.mappings().one_or_none()
        if row is None:
            raise NotFound(entity="region", entity_id=region_id)
        return mapping.region_from_row(row)

    async def update(self, region: NamedRegion) -> None:
        """Store *region* as version ``region.version + 1`` if nobody changed it since it was read.

        Raises:
            NotFound: the region does not exist.
            ConcurrencyConflict: someone else saved it since it was read.
        """
        conn = self._connection()
        values = mapping.region_values(region) | {
            "version": region.version + 1,
            "updated_at": func.now(),
        }
        del values["id"]
        with wrap_db_errors(entity="region", entity_id=region.id):
            await _bump_catalogue_revision(conn)
            result = await conn.execute(
                update(regions)
                .where(regions.c.id == region.id, regions.c.version == region.version)
                .values(values)
            )
        if result.rowcount == 0:
            if not await exists(conn, regions, region.id):
                raise NotFound(entity="region", entity_id=region.id)
            raise ConcurrencyConflict(entity="region", entity_id=region.id)

    async def remove(self, region_id: str) -> None:
        """Delete a region. Raises NotFound."""
        conn = self._connection()
        with wrap_db_errors(entity="region", entity_id=region_id):
            await _bump_catalogue_revision(conn)
            result = await conn.execute(delete(regions).where(regions.c.id == region_id))
        if result.rowcount == 0:
            raise NotFound(entity="region", entity_id=region_id)

    async def all(self) -> Mapping[str, NamedRegion]:
        """Every region by id."""
        result = await self._connection().execute(select(regions).order_by(regions.c.id))
        return {row["id"]: mapping.region_from_row(row) for row in result.mappings()}
