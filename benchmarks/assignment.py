"""Offers on PostgreSQL: 10,000 waiting conversations, 200 online agents in 10 departments.

Target (issue 14): every conversation is offered within 5 s. Each department has 20 online
agents with room for 50 conversations each (200 x 50 = 10,000 seats) and 1,000 conversations
waiting (priorities and VIPs mixed). The worker's assignment tick (`services.assignment_tick`:
presence sweep, offer timeouts, return timer, then offers per department in SKIP LOCKED
batches) runs until every conversation has a pending offer; the time is from the first tick
to the last offer committed. Then it checks: one pending offer per conversation, no agent
past capacity, loads recounted. Prints one JSON document; exits 1 on a miss.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from _report import python_version, report
from _support import fresh_schema
from sqlalchemy import text

from lia_adapters.memory import FixedClock, PlainTextHasher
from lia_adapters.sql import SqlUnitOfWorkFactory
from lia_adapters.system import UuidGenerator
from lia_core.assignment import AssignmentPolicy
from lia_core.domain.agents import AgentProfile, Presence
from lia_core.domain.assignments import Assignment
from lia_core.domain.tickets import Priority
from lia_core.domain.users import Role, User
from lia_core.services import Services

TARGET_SECONDS = 5.0
T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
PRIORITIES = list(Priority)


async def seed(
    factory: SqlUnitOfWorkFactory, *, conversations: int, agents: int, departments: int
) -> None:
    """Agents online (heard from at T0) spread over the departments; conversations queued."""
    capacity = -(-conversations // agents)  # enough seats for every conversation
    async with factory() as uow:
        for n in range(agents):
            name = f"agent{n:03d}"
            department = f"dept{n % departments:02d}"
            await uow.users.add(
                User(
                    id=f"u-{n}",
                    username=name,
                    role=Role.AGENT,
                    password_hash="x",
                    created_at=T0,
                    departments=frozenset({department}),
                )
            )
            profile = AgentProfile(
                username=name, capacity=capacity, status=Presence.ONLINE, last_seen_at=T0
            )
            await uow.agents.save(profile)
        waiting = [
            Assignment(
                conversation_id=f"c-{n:05d}",
                department=f"dept{n % departments:02d}",
                priority=PRIORITIES[n % len(PRIORITIES)],
                vip=n % 7 == 0,
                waiting_since=T0 - timedelta(seconds=n),
                updated_at=T0,
            )
            for n in range(conversations)
        ]
        for start in range(0, len(waiting), 2000):
            await uow.assignments.save_many(waiting[start : start + 2000])
        await uow.commit()


async def main() -> int:
    """Seed, tick until everything is offered, check, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--departments", type=int, default=10)
    args = parser.parse_args()
    async with fresh_schema() as (_url, engine):
        factory = SqlUnitOfWorkFactory(engine)
        await seed(
            factory,
            conversations=args.conversations,
            agents=args.agents,
            departments=args.departments,
        )
        async with engine.begin() as conn:
            await conn.execute(text("ANALYZE"))
        services = Services.build(
            uow=factory,
            clock=FixedClock(T0 + timedelta(seconds=5)),
            ids=UuidGenerator(),
            hasher=PlainTextHasher(),
            assignment_policy=AssignmentPolicy(),
        )
        started = time.perf_counter()
        ticks: list[dict[str, float | int]] = []
        offered = 0
        while offered < args.conversations and len(ticks) < 20:
            tick_start = time.perf_counter()
            done = await services.assignment_tick()
            offered += done.offered
            ticks.append(
                {"offered": done.offered, "seconds": round(time.perf_counter() - tick_start, 3)}
            )
            if done.offered == 0:
                break
        elapsed = time.perf_counter() - started
        async with engine.connect() as conn:
            per_conversation = (
                await conn.execute(
                    text(
                        "SELECT count(DISTINCT conversation_id), count(*) FROM offers WHERE status = 'pending'"
                    )
                )
            ).one()
            stored = text("SELECT username, load FROM agent_profiles")
            loads: dict[str, int] = {name: load for name, load in await conn.execute(stored)}
            capacity = (
                await conn.execute(text("SELECT max(capacity) FROM agent_profiles"))
            ).scalar_one()
            pending = text(
                "SELECT agent, count(*) FROM offers WHERE status = 'pending' GROUP BY agent"
            )
            per_agent: Counter[str] = Counter(
                {agent: count for agent, count in await conn.execute(pending)}
            )
    correct = (
        per_conversation[0] == per_conversation[1] == args.conversations
        and max(per_agent.values(), default=0) <= capacity
        and all(loads[a] == per_agent[a] for a in loads)
    )
    met = correct and elapsed <= TARGET_SECONDS
    return report(
        {
            "benchmark": "assignment offers",
            "python": python_version(),
            "conversations": args.conversations,
            "agents": args.agents,
            "departments": args.departments,
            "offered": offered,
            "seconds_to_offer_all": round(elapsed, 3),
            "target_seconds": TARGET_SECONDS,
            "ticks": ticks,
            "one_offer_per_conversation_within_capacity": correct,
        },
        met=met,
    )


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
