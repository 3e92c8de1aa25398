"""Realtime events across real processes on PostgreSQL: what one process commits, another hears;
what it rolls back, nobody does."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.memory.realtime import InProcessEventBus
from lia_adapters.sql import SqlUnitOfWorkFactory
from lia_adapters.sql.realtime import PgEventListener, libpq_conninfo
from lia_core.domain.realtime import RealtimeEvent

from .publisher import ticket_event

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[3]


async def test_a_commit_in_another_process_reaches_this_one_and_a_rollback_does_not(
    migrated_postgres_engine: AsyncEngine, postgres_url: str
) -> None:
    """A separate process rolls back one unit of work, fails one and commits one: this process's
    listener hears exactly the committed event."""
    channel = f"lia_test_{uuid.uuid4().hex[:12]}"
    bus = InProcessEventBus()
    heard: list[RealtimeEvent] = []
    bus.subscribe(heard.append)
    listener = PgEventListener(libpq_conninfo(postgres_url), bus, channel=channel)
    listener.start()
    try:
        async with asyncio.timeout(10):
            await listener.wait_listening()
        publisher = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.integration.realtime.publisher",
            postgres_url,
            channel,
            cwd=ROOT,
            stderr=subprocess.PIPE,
        )
        _, stderr = await publisher.communicate()
        assert publisher.returncode == 0, stderr.decode()
        async with asyncio.timeout(10):
            while not heard:  # noqa: ASYNC110 - the listener task fills the list
                await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)  # anything else would have come in the same commit order
        assert [e.ticket_id for e in heard] == ["t-committed"]
        assert heard[0].department == "suporte"
    finally:
        await listener.close()


async def test_the_listener_comes_back_after_its_connection_is_killed(
    migrated_postgres_engine: AsyncEngine, postgres_url: str
) -> None:
    """Its backend terminated, the listener reconnects, says so (`on_restored`), and hears again."""
    channel = f"lia_test_{uuid.uuid4().hex[:12]}"
    name = f"lia-listen-{uuid.uuid4().hex[:8]}"
    conninfo = libpq_conninfo(
        make_url(postgres_url)
        .update_query_dict({"application_name": name})
        .render_as_string(hide_password=False)
    )
    bus = InProcessEventBus()
    heard: list[RealtimeEvent] = []
    bus.subscribe(heard.append)
    restored: list[bool] = []
    listener = PgEventListener(
        conninfo,
        bus,
        channel=channel,
        backoff_initial=0.05,
        on_restored=lambda: restored.append(True),
    )
    listener.start()
    factory = SqlUnitOfWorkFactory(migrated_postgres_engine, channel=channel)
    try:
        async with asyncio.timeout(10):
            await listener.wait_listening()
            async with migrated_postgres_engine.connect() as conn:
                await conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :n"
                    ),
                    {"n": name},
                )
                await conn.commit()
            while not restored:  # noqa: ASYNC110 - the listener task reconnects
                await asyncio.sleep(0.01)
            async with factory() as uow:
                uow.events.publish(ticket_event("t-after"))
                await uow.commit()
            while not heard:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        assert [e.ticket_id for e in heard] == ["t-after"]
        assert listener.connections == 2
    finally:
        await listener.close()
