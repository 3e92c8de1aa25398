"""Realtime events across real processes on SQLite: the relay table carries what another
process commits (a worker, a CLI command) to this one; a rollback carries nothing; this
process's own events are delivered once."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.memory.realtime import InProcessEventBus
from lia_adapters.sql import SqlUnitOfWorkFactory
from lia_adapters.sql.relay.relay import SqliteEventRelay, prune
from lia_adapters.sql.relay.tables import realtime_relay
from lia_core.domain.realtime import RealtimeEvent

from .publisher import ticket_event

ROOT = Path(__file__).resolve().parents[3]


async def _heard(heard: list[RealtimeEvent], count: int) -> None:
    async with asyncio.timeout(10):
        while len(heard) < count:  # noqa: ASYNC110 - the relay task fills the list
            await asyncio.sleep(0.01)


async def test_a_commit_in_another_process_reaches_this_one_and_a_rollback_does_not(
    migrated_sqlite_engine: AsyncEngine, sqlite_url: str
) -> None:
    """A separate process rolls back one unit of work, fails one and commits one: the relay
    delivers exactly the committed event; this process's own commit is delivered once."""
    factory = SqlUnitOfWorkFactory(migrated_sqlite_engine, bus=InProcessEventBus())
    heard: list[RealtimeEvent] = []
    factory.bus.subscribe(heard.append)
    async with factory() as uow:  # before the relay starts: history, never replayed
        uow.events.publish(ticket_event("t-before"))
        await uow.commit()
    heard.clear()
    relay = SqliteEventRelay(
        migrated_sqlite_engine, factory.bus, origin=factory.origin, interval=0.02
    )
    relay.start()
    try:
        async with asyncio.timeout(10):
            while relay.last_id == 0:  # noqa: ASYNC110 - started after the newest row
                await asyncio.sleep(0.01)
        publisher = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.integration.realtime.publisher",
            sqlite_url,
            "lia_realtime",
            cwd=ROOT,
            stderr=subprocess.PIPE,
        )
        _, stderr = await publisher.communicate()
        assert publisher.returncode == 0, stderr.decode()
        await _heard(heard, 1)
        async with factory() as uow:
            uow.events.publish(ticket_event("t-mine"))
            await uow.commit()
        await asyncio.sleep(0.2)  # the relay reads the own row too, and must skip it
        assert [e.ticket_id for e in heard] == ["t-committed", "t-mine"]
        assert heard[0].department == "suporte"
    finally:
        await relay.close()


async def test_pruning_keeps_recent_events_and_ids_never_come_back(
    migrated_sqlite_engine: AsyncEngine,
) -> None:
    """Old rows go; new ids keep growing after the newest row was pruned (AUTOINCREMENT), so
    a reader's position never skips a new event."""
    factory = SqlUnitOfWorkFactory(migrated_sqlite_engine)
    async with factory() as uow:
        uow.events.publish(ticket_event("t-1"), ticket_event("t-2"))
        await uow.commit()
    async with migrated_sqlite_engine.begin() as conn:
        first = (await conn.execute(select(func.max(realtime_relay.c.id)))).scalar_one()
        await prune(conn, keep=timedelta(0))
        assert (
            await conn.execute(select(func.count()).select_from(realtime_relay))
        ).scalar_one() == 0
    async with factory() as uow:
        uow.events.publish(ticket_event("t-3"))
        await uow.commit()
    async with migrated_sqlite_engine.connect() as conn:
        after = (await conn.execute(select(func.max(realtime_relay.c.id)))).scalar_one()
    assert after > first
