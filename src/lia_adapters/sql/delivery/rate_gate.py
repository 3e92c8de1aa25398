"""SqlRateGate: the providers' rate caps in the database, shared by every worker on any machine.

One row per provider key holds its slot book (`lia_core.domain.slots.grant_slots`, in SQL).
A take is ONE statement, `INSERT … ON CONFLICT DO UPDATE … RETURNING`, run outside any other
transaction: the row lock serialises concurrent takes, and the time is the database's
(`clock_timestamp()` on PostgreSQL), so workers whose clocks disagree still share one cap.
The two dialects differ only in the clock and in the spelling of three functions.
"""

from __future__ import annotations

from typing import Final

import attrs
from sqlalchemy import TextClause, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.sql.errors import database_unavailable
from lia_core.domain.slots import SlotGrant

__all__ = ["SqlRateGate"]

_TAKE: Final = """
INSERT INTO rate_gates AS g (key, tat, taken_at, granted)
SELECT :key, c.now - :span + {granted_new} / :rate, c.now, {granted_new}
FROM (SELECT {now} AS now) AS c WHERE true
ON CONFLICT (key) DO UPDATE SET
  tat = {base} + {granted} / :rate,
  taken_at = excluded.taken_at,
  granted = {granted}
RETURNING tat, taken_at, granted
"""


@attrs.frozen
class _Dialect:
    now: str
    greatest: str
    least: str
    floor: str
    """A format string: the largest whole number not above {0}."""


_DIALECTS: Final = {
    "postgresql": _Dialect(
        now="extract(epoch from clock_timestamp())::float8",
        greatest="greatest",
        least="least",
        floor="floor({0})",
    ),
    # julianday('now') is one value for the whole statement, to the millisecond; the
    # truncating cast floors because its argument is never negative where it is used.
    "sqlite": _Dialect(
        now="(julianday('now') - 2440587.5) * 86400.0",
        greatest="max",
        least="min",
        floor="CAST({0} AS INTEGER)",
    ),
}


def _statement(dialect: str) -> TextClause:
    d = _DIALECTS[dialect]

    def granted(room: str) -> str:
        # The slots due within max_wait, at most :count; the epsilon keeps 9.9999999 a 10.
        whole = d.floor.format(f"{d.greatest}(0, {room} * :rate + 1e-9)")
        return f"{d.least}(:count, {whole})"

    # The book's time with nothing saved up: never earlier than `burst` slots ago.
    base = f"{d.greatest}(g.tat, excluded.taken_at - :span)"
    return text(
        _TAKE.format(
            now=d.now,
            base=base,
            granted=granted(f"(excluded.taken_at + :max_wait - {base})"),
            granted_new=granted("(:max_wait + :span)"),
        )
    )


class SqlRateGate:
    """The `RateGate` over the `rate_gates` table (SQLite or PostgreSQL)."""

    def __init__(self, engine: AsyncEngine) -> None:
        """Take slots through *engine* (each take on a pooled connection, in autocommit)."""
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._take = _statement(engine.dialect.name)

    async def take(
        self, key: str, *, count: int, rate: float, burst: float, max_wait: float
    ) -> SlotGrant:
        """Take up to *count* slots of *key* in one atomic statement on the database's clock.

        Raises:
            DatabaseUnavailable: the database refused or lost the connection, or timed out.
        """
        params = {
            "key": key,
            "count": int(count),
            "rate": float(rate),
            "span": float(burst) / float(rate),
            "max_wait": float(max_wait),
        }
        try:
            async with self._engine.connect() as conn:
                tat, taken_at, granted = (await conn.execute(self._take, params)).one()
        except (sa_exc.DBAPIError, sa_exc.TimeoutError) as error:
            # A restart or failover is an outage the worker rides out, like a unit of work's.
            if (unavailable := database_unavailable(error)) is not None:
                raise unavailable from error
            raise
        interval = 1.0 / rate
        first = float(tat) - int(granted) * interval + interval  # the first granted slot
        return SlotGrant(granted=int(granted), first_in=first - float(taken_at), interval=interval)
