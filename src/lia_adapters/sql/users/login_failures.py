"""SqlLoginFailureLog: failed sign-ins per key in `login_failures`, counted by one upsert."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import case, delete, select

from lia_adapters.sql.base import ConnectionSource
from lia_adapters.sql.bulk import upsert
from lia_adapters.sql.users.tables import login_failures
from lia_core.domain.login_throttle import FailedLogins

__all__ = ["SqlLoginFailureLog"]

_T = login_failures.c


class SqlLoginFailureLog:
    """`login_failures`: one row per key; the count restarts after a quiet spell."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def recent(self, keys: Sequence[str], *, since: datetime) -> Mapping[str, FailedLogins]:
        """The keys' counts whose last failure is at or after *since*."""
        if not keys:
            return {}
        result = await self._connection().execute(
            select(_T.key, _T.failures, _T.last_failed_at).where(
                _T.key.in_(list(keys)), _T.last_failed_at >= since
            )
        )
        return {
            row.key: FailedLogins(key=row.key, count=row.failures, last_at=row.last_failed_at)
            for row in result
        }

    async def record(
        self, keys: Sequence[str], *, at: datetime, since: datetime
    ) -> Mapping[str, FailedLogins]:
        """One `INSERT … ON CONFLICT DO UPDATE … RETURNING` per key: the database adds the
        failure, so failures racing on several replicas are each counted."""
        conn = self._connection()
        counted: dict[str, FailedLogins] = {}
        for key in dict.fromkeys(keys):
            insert = upsert(login_failures, conn.dialect.name).values(
                key=key, failures=1, last_failed_at=at
            )
            statement = insert.on_conflict_do_update(
                index_elements=[_T.key],
                set_={
                    "failures": case((_T.last_failed_at < since, 1), else_=_T.failures + 1),
                    "last_failed_at": at,
                },
            ).returning(_T.failures)
            failures = (await conn.execute(statement)).scalar_one()
            counted[key] = FailedLogins(key=key, count=failures, last_at=at)
        return counted

    async def forget(self, key: str) -> None:
        """Delete the key's row."""
        await self._connection().execute(delete(login_failures).where(_T.key == key))

    async def purge(self, *, before: datetime, limit: int) -> int:
        """Delete up to *limit* rows last failed before *before* (a scan: the table is small
        outside an attack, and this runs once per retention round)."""
        stale = select(_T.key).where(_T.last_failed_at < before).limit(limit)
        result = await self._connection().execute(
            delete(login_failures).where(_T.key.in_(stale), _T.last_failed_at < before)
        )
        return int(result.rowcount)
