"""The bot's inactivity timer in two real processes on one PostgreSQL: each menu once.

Sessions whose customer went quiet six minutes ago are all due; two timer processes share
them (SKIP LOCKED, versioned saves) and every conversation gets exactly one menu.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.sql import SqlUnitOfWorkFactory
from lia_core.domain.delivery import Channel
from lia_core.handoff import ConversationState, HandoffPolicy
from lia_core.handoff.session import BotSession, next_check

from .test_monitor_processes import ROOT, totals, wait_for_line

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("processes")]

SESSIONS = 200


async def seed(engine: AsyncEngine) -> None:
    """*SESSIONS* conversations the bot holds, quiet for six minutes: their menu is due."""
    quiet_since = datetime.now(UTC) - timedelta(minutes=6)
    state = ConversationState.start(quiet_since)
    sessions = [
        BotSession(
            conversation_id=f"c-{n:04d}",
            channel=Channel.SANDBOX,
            chat_id=f"55219999{n:05d}",
            contact_phone=f"55219999{n:05d}",
            state=state,
            due_at=next_check(state, HandoffPolicy()),
            updated_at=quiet_since,
        )
        for n in range(SESSIONS)
    ]
    async with SqlUnitOfWorkFactory(engine)() as uow:
        await uow.bot_sessions.save_many(sessions)
        await uow.commit()


async def menus_sent(engine: AsyncEngine) -> tuple[int, int]:
    """Menu jobs in the outbox, and sessions that were offered the menu."""
    async with engine.connect() as conn:
        jobs = await conn.execute(
            text("SELECT count(*) FROM outbox_jobs WHERE idempotency_key LIKE 'bot:%:menu:%'")
        )
        offered = await conn.execute(
            text("SELECT count(*) FROM bot_sessions WHERE state->>'phase' = 'timeout_offered'")
        )
        return int(jobs.scalar_one()), int(offered.scalar_one())


@contextmanager
def timer_process(url: str) -> Iterator[subprocess.Popen[str]]:
    """A `bot_timer_loop` process, started and (if still alive) stopped with SIGTERM."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.desk.bot_timer_loop", url, "--batch", "10"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


async def test_two_timers_send_each_menu_once(
    migrated_postgres_engine: AsyncEngine, postgres_url: str
) -> None:
    """Both processes run; the menus they report add up to one per conversation."""
    await seed(migrated_postgres_engine)
    with timer_process(postgres_url) as first, timer_process(postgres_url) as second:
        wait_for_line(first, "started")
        wait_for_line(second, "started")
        deadline = time.monotonic() + 60
        while (await menus_sent(migrated_postgres_engine))[1] < SESSIONS:
            assert time.monotonic() < deadline, "not every menu was sent in time"
            await asyncio.sleep(0.2)
        one, two = totals(first), totals(second)
    assert await menus_sent(migrated_postgres_engine) == (SESSIONS, SESSIONS)
    assert one["menus"] + two["menus"] == SESSIONS, (one, two)
