"""Realtime events between processes on SQLite, through the ``realtime_relay`` table.

PostgreSQL's NOTIFY carries every process's events to every `lia serve`; SQLite has no such
thing. So on SQLite a unit of work that commits events also writes them to
``realtime_relay`` in its transaction (`write_events`: never on rollback, in commit order),
and `lia serve` reads the rows other processes wrote (`SqliteEventRelay`, a few times a
second) into its bus: the events of `lia worker` (offers, the return timer, sends) and of CLI
commands reach its WebSocket clients. Each process delivers its own events in-process at
commit, as before, and the reader skips them by their origin. Rows older than `RELAY_KEEP`
are pruned by the writers now and then, and by the reader.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy import delete, func, insert, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from lia_adapters.memory.realtime import InProcessEventBus
from lia_adapters.sql.relay.tables import realtime_relay
from lia_core.domain.realtime import PublishedEvent, RealtimeEvent, from_wire, wire_of
from lia_core.errors import ValidationError

__all__ = ["RELAY_KEEP", "SqliteEventRelay", "new_origin", "prune", "write_events"]

log = structlog.get_logger(__name__)

RELAY_KEEP = timedelta(minutes=10)
"""How long a relayed event is kept: far longer than a reader's pause between reads."""
_READ_LIMIT = 1000
_R = realtime_relay.c


def new_origin() -> str:
    """A token naming this process's writes (a fresh one per unit-of-work factory)."""
    return secrets.token_hex(8)


async def write_events(
    conn: AsyncConnection, origin: str, events: Sequence[PublishedEvent]
) -> None:
    """Add *events* to the relay in *conn*'s transaction (they leave only if it commits)."""
    now = datetime.now(UTC)
    rows = [{"origin": origin, "payload": wire_of(e), "created_at": now} for e in events]
    await conn.execute(insert(realtime_relay), rows)


async def prune(conn: AsyncConnection, *, keep: timedelta = RELAY_KEEP) -> None:
    """Drop relayed events older than *keep*, in *conn*'s transaction."""
    await conn.execute(delete(realtime_relay).where(_R.created_at < datetime.now(UTC) - keep))


class SqliteEventRelay:
    """Reads the events other processes committed into this process's bus (`lia serve` on SQLite).

    Starts after the newest row (what was committed before is history, as with LISTEN). A
    read that fails (the database busy or gone) is logged and retried at the next interval.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        bus: InProcessEventBus,
        *,
        origin: str,
        interval: float = 0.2,
        prune_every: float = 60.0,
    ) -> None:
        self._engine = engine
        self._bus = bus
        self._origin = origin
        self._interval = interval
        self._prune_every = prune_every
        self.on_restored: Callable[[], None] | None = None
        """Kept for the listener's interface: a relay misses nothing, it never resyncs."""
        self._task: asyncio.Task[None] | None = None
        self.last_id = 0
        """The newest row read."""

    def start(self) -> None:
        """Start reading in the background (inside the running event loop)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="lia-realtime-relay")

    async def close(self) -> None:
        """Stop reading."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        pruned_at = loop.time()
        started = False
        while True:
            try:
                if not started:
                    self.last_id = await self._newest()
                    started = True
                await self.read()
                if loop.time() - pruned_at >= self._prune_every:
                    async with self._engine.begin() as conn:
                        await prune(conn)
                    pruned_at = loop.time()
            except (sa_exc.DBAPIError, OSError) as exc:
                log.warning("realtime.relay_read_failed", error=str(exc).splitlines()[0])
            await asyncio.sleep(self._interval)

    async def _newest(self) -> int:
        async with self._engine.connect() as conn:
            newest = (await conn.execute(select(func.max(_R.id)))).scalar_one()
        return int(newest or 0)

    async def read(self) -> int:
        """Deliver the rows committed since the last read by other processes; how many."""
        async with self._engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(_R.id, _R.origin, _R.payload)
                    .where(_R.id > self.last_id)
                    .order_by(_R.id)
                    .limit(_READ_LIMIT)
                )
            ).all()
        if not rows:
            return 0
        self.last_id = rows[-1][0]
        if not self._bus.listeners:
            return 0  # nobody in this process listens: not worth decoding
        events: list[RealtimeEvent] = []
        for _id, origin, payload in rows:
            if origin == self._origin:
                continue  # delivered in-process when it committed
            try:
                events.append(from_wire(payload))
            except ValidationError as exc:  # written by another version of LIA
                log.warning("realtime.bad_payload", error=str(exc))
        if events:
            self._bus.deliver(events)
        return len(events)
