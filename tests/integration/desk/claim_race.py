"""A process of racing agents, for the claim-race test.

`python -m tests.integration.desk.claim_race URL START AGENT…` waits until the wall-clock
time START (so every process starts together), then each AGENT (``agentN``), as its own task
on its own connections, claims the conversations `contested` gives it in a shuffled order;
the process prints one JSON line per agent: the ids won, how many claims were refused as
taken (InvalidTransition, HTTP 409), and any other error.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time

from lia_adapters.memory import PlainTextHasher
from lia_adapters.sql import SqlUnitOfWorkFactory, create_engine
from lia_adapters.system import SystemClock, UuidGenerator
from lia_core.assignment import Claim
from lia_core.domain.activity import Actor
from lia_core.errors import InvalidTransition
from lia_core.services import Services

CONVERSATIONS = 1000
AGENTS = 10
RIVALS = 3
"""Agents claiming each conversation (so 2 of every 3 claims must be refused)."""


def contested(agent: int) -> list[str]:
    """The conversations *agent* claims: those whose number mod 10 is within RIVALS of it."""
    return [f"c-{n:04d}" for n in range(CONVERSATIONS) if (n - agent) % AGENTS < RIVALS]


async def race(url: str, agent: str, start: float) -> dict[str, object]:
    """Claim this agent's conversations; the result as the test reads it."""
    engine = create_engine(url)
    services = Services.build(
        uow=SqlUnitOfWorkFactory(engine),
        clock=SystemClock(),
        ids=UuidGenerator(),
        hasher=PlainTextHasher(),
    )
    number = int(agent.removeprefix("agent"))
    order = contested(number)
    random.Random(number).shuffle(order)
    won: list[str] = []
    refused = 0
    errors: list[str] = []
    await asyncio.sleep(max(0.0, start - time.time()))
    try:
        for cid in order:
            try:
                claim = Claim(conversation_id=cid, agent=agent, actor=Actor(name=agent))
                await services.claims.claim(claim)
                won.append(cid)
            except InvalidTransition:
                refused += 1
            except Exception as exc:
                errors.append(f"{cid}: {exc!r}")
    finally:
        await engine.dispose()
    return {"agent": agent, "won": won, "refused": refused, "errors": errors}


async def main(url: str, start: float, agents: list[str]) -> None:
    """Every agent of this process at once."""
    for result in await asyncio.gather(*(race(url, a, start) for a in agents)):
        print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], float(sys.argv[2]), sys.argv[3:]))
