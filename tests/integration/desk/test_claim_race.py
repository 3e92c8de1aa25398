"""Ten agents in four processes race over 1,000 conversations on one PostgreSQL.

Each conversation is claimed by three agents at once (of different processes, in shuffled
orders); it must end with exactly one owner, and the other two claims must each have been
refused as taken (InvalidTransition, HTTP 409): never two winners, never a lost claim.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from lia_adapters.sql import SqlUnitOfWorkFactory
from lia_core.domain.agents import AgentProfile
from lia_core.domain.assignments import Assignment
from lia_core.domain.users import Role, User

from .claim_race import AGENTS, CONVERSATIONS, RIVALS

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("processes")]

ROOT = Path(__file__).resolve().parents[3]
PROCESSES = 4


async def seed(engine: AsyncEngine) -> None:
    """Ten agents of `support` and 1,000 conversations waiting in its queue."""
    now = datetime.now(UTC)
    async with SqlUnitOfWorkFactory(engine)() as uow:
        for n in range(AGENTS):
            await uow.users.add(
                User(
                    id=f"u-{n}",
                    username=f"agent{n}",
                    role=Role.AGENT,
                    password_hash="x",
                    created_at=now,
                    departments=frozenset({"support"}),
                )
            )
            await uow.agents.save(AgentProfile(username=f"agent{n}", capacity=100))
        await uow.assignments.save_many(
            [
                Assignment(
                    conversation_id=f"c-{n:04d}",
                    department="support",
                    waiting_since=now,
                    updated_at=now,
                )
                for n in range(CONVERSATIONS)
            ]
        )
        await uow.commit()


async def test_ten_racing_agents_leave_one_owner_per_conversation(
    migrated_postgres_engine: AsyncEngine, postgres_url: str
) -> None:
    """Every conversation has one owner; the two rival claims on it were each refused."""
    await seed(migrated_postgres_engine)
    start = time.time() + 2.5  # every process imported and connected by then
    racers = [
        subprocess.Popen(  # noqa: ASYNC220 - the racers start together at `start`
            [
                sys.executable,
                "-m",
                "tests.integration.desk.claim_race",
                postgres_url,
                str(start),
                *(f"agent{n}" for n in range(k, AGENTS, PROCESSES)),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for k in range(PROCESSES)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in racers]
    results = [json.loads(line) for out in outputs for line in out.splitlines()]
    assert all(p.returncode == 0 for p in racers)
    assert [r["errors"] for r in results] == [[]] * AGENTS
    won = [cid for r in results for cid in r["won"]]
    assert sorted(won) == [f"c-{n:04d}" for n in range(CONVERSATIONS)]  # one winner each
    assert sum(r["refused"] for r in results) == CONVERSATIONS * (RIVALS - 1)
    assert sum(1 for r in results if r["won"]) > 1  # it was a race, not one process alone
    async with migrated_postgres_engine.connect() as conn:
        owners: dict[str, int] = dict(
            (
                await conn.execute(
                    text("SELECT assignee, count(*) FROM assignments GROUP BY assignee")
                )
            ).all()
        )
        loads: dict[str, int] = dict(
            (await conn.execute(text("SELECT username, load FROM agent_profiles"))).all()
        )
        claims = (
            await conn.execute(
                text("SELECT count(*) FROM activity_logs WHERE action = 'conversation.claim'")
            )
        ).scalar_one()
    assert owners == {r["agent"]: len(r["won"]) for r in results if r["won"]}
    assert claims == CONVERSATIONS
    assert loads == {f"agent{n}": owners.get(f"agent{n}", 0) for n in range(AGENTS)}
