"""Two workers making offers at once on one PostgreSQL: each conversation offered once, no
agent past capacity (the agents and queued rows a tick takes are locked SKIP LOCKED)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.memory import FixedClock, PlainTextHasher
from lia_adapters.sql import SqlUnitOfWorkFactory, create_engine
from lia_adapters.system import UuidGenerator
from lia_core.domain.agents import AgentProfile, Presence
from lia_core.domain.assignments import Assignment
from lia_core.domain.users import Role, User
from lia_core.services import Services

pytestmark = pytest.mark.postgres

T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
AGENTS, CAPACITY, WAITING = 6, 10, 100


@pytest.fixture
async def second_engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    """The other worker's connections."""
    engine = create_engine(postgres_url)
    yield engine
    await engine.dispose()


def worker(engine: AsyncEngine) -> Services:
    """One worker's use cases at T0 + 5 s."""
    return Services.build(
        uow=SqlUnitOfWorkFactory(engine),
        clock=FixedClock(T0 + timedelta(seconds=5)),
        ids=UuidGenerator(),
        hasher=PlainTextHasher(),
    )


async def test_two_workers_never_offer_twice_or_past_capacity(
    migrated_postgres_engine: AsyncEngine, second_engine: AsyncEngine
) -> None:
    """60 seats, 100 waiting: after both ticks exactly 60 offers, on 60 conversations."""
    async with SqlUnitOfWorkFactory(migrated_postgres_engine)() as uow:
        for n in range(AGENTS):
            name = f"agent{n}"
            await uow.users.add(
                User(
                    id=f"u-{n}",
                    username=name,
                    role=Role.AGENT,
                    password_hash="x",
                    created_at=T0,
                    departments=frozenset({"support"}),
                )
            )
            await uow.agents.save(
                AgentProfile(
                    username=name, capacity=CAPACITY, status=Presence.ONLINE, last_seen_at=T0
                )
            )
        await uow.assignments.save_many(
            [
                Assignment(
                    conversation_id=f"c-{n:03d}",
                    department="support",
                    waiting_since=T0 - timedelta(seconds=n),
                    updated_at=T0,
                )
                for n in range(WAITING)
            ]
        )
        await uow.commit()
    first, second = worker(migrated_postgres_engine), worker(second_engine)
    for _ in range(3):
        await asyncio.gather(first.assignment_tick(), second.assignment_tick())
    async with migrated_postgres_engine.connect() as conn:
        pending = (
            await conn.execute(
                text("SELECT conversation_id, agent FROM offers WHERE status = 'pending'")
            )
        ).all()
        stored = await conn.execute(text("SELECT username, load FROM agent_profiles"))
        loads: dict[str, int] = {name: load for name, load in stored}
    assert len(pending) == AGENTS * CAPACITY
    assert len({cid for cid, _ in pending}) == len(pending)
    per_agent = Counter(agent for _, agent in pending)
    assert max(per_agent.values()) == CAPACITY
    assert loads == dict(per_agent)
