"""The people-in-the-loop API: heartbeat, agents, queues, offers, claim race, transfer, assign."""

from __future__ import annotations

from datetime import datetime

import pytest

from lia_adapters.memory import FixedClock, InMemoryStore
from lia_core.assignment import SetAgent
from lia_core.domain.activity import Actor
from lia_core.domain.assignments import Assignment
from lia_core.domain.users import Role
from lia_entrypoints.bootstrap import Runtime

from .api_support import Client, Headers, login_as, problem


async def _queue(runtime: Runtime, *ids: str, at: datetime) -> None:
    async with runtime.services.desk.uow() as uow:
        await uow.assignments.save_many(
            [
                Assignment(
                    conversation_id=cid, department="support", waiting_since=at, updated_at=at
                )
                for cid in ids
            ]
        )
        await uow.commit()


@pytest.fixture
async def bia(client: Client, runtime: Runtime) -> Headers:
    """A second AGENT, in support."""
    return await login_as(client, runtime, "bia", Role.AGENT)


async def _in_support(runtime: Runtime, *names: str) -> None:
    for name in names:
        await runtime.services.agents.set(
            SetAgent(username=name, actor=Actor(name="admin"), departments=("support",), capacity=1)
        )


async def test_two_claims_one_wins_and_the_other_is_409(
    client: Client, runtime: Runtime, agent: Headers, bia: Headers, clock: FixedClock
) -> None:
    """The first claim is 200 with the holder; the second 409 naming who holds it."""
    await _in_support(runtime, "artur", "bia")
    await _queue(runtime, "c-1", at=clock.now())
    won = await client.post("/api/v1/conversations/c-1/claim", headers=agent)
    assert won.status_code == 200, won.text
    assert won.json()["assignee"] == "artur"
    lost = problem(await client.post("/api/v1/conversations/c-1/claim", headers=bia), 409)
    assert "assigned to artur" in lost["detail"]
    problem(await client.post("/api/v1/conversations/nope/claim", headers=bia), 404)
    queues = (await client.get("/api/v1/queues", headers=agent)).json()
    assert queues == [{"department": "support", "mine": 1, "unassigned": 0, "all": 1}]


async def test_heartbeat_offer_accept_transfer_and_assign(
    client: Client,
    runtime: Runtime,
    agent: Headers,
    bia: Headers,
    supervisor: Headers,
    clock: FixedClock,
    store: InMemoryStore,
) -> None:
    """An online agent is offered a conversation, accepts it, transfers it; a supervisor assigns."""
    await _in_support(runtime, "artur", "bia")
    beat = await client.post("/api/v1/agents/me/presence", json={"status": "online"}, headers=agent)
    assert beat.status_code == 200, beat.text
    assert beat.json()["presence"] == "online"
    problem(
        await client.post("/api/v1/agents/me/presence", json={"status": "asleep"}, headers=agent),
        422,
        field="status",
    )
    await _queue(runtime, "c-1", at=clock.now())
    assert (await runtime.services.assignment_tick()).offered == 1
    offer_id = next(iter(store.assignment_tables.offers))
    problem(await client.post(f"/api/v1/offers/{offer_id}/accept", headers=bia), 403)
    accepted = await client.post(f"/api/v1/offers/{offer_id}/accept", headers=agent)
    assert accepted.json()["status"] == "accepted"
    listed = {a["username"]: a for a in (await client.get("/api/v1/agents", headers=bia)).json()}
    assert (listed["artur"]["load"], listed["artur"]["offers_accepted"]) == (1, 1)
    problem(
        await client.post(
            "/api/v1/conversations/c-1/transfer", json={"to_agent": "bia"}, headers=agent
        ),
        422,
        field="reason",
    )
    moved = await client.post(
        "/api/v1/conversations/c-1/transfer",
        json={"to_agent": "bia", "reason": "cobrança"},
        headers=agent,
    )
    assert moved.json()["assignee"] == "bia"
    problem(
        await client.post("/api/v1/conversations/c-1/assign", json={"agent": "artur"}, headers=bia),
        403,
    )
    given = await client.post(
        "/api/v1/conversations/c-1/assign", json={"agent": "artur"}, headers=supervisor
    )
    assert given.json()["assignee"] == "artur"
    back = await client.post("/api/v1/conversations/c-1/release", json={}, headers=agent)
    assert back.json()["state"] == "queued"


async def test_an_agent_lists_their_open_offers_to_accept_one(
    client: Client,
    runtime: Runtime,
    agent: Headers,
    bia: Headers,
    supervisor: Headers,
    clock: FixedClock,
) -> None:
    """GET /api/v1/offers gives the caller's open offers with their ids (an API-only agent has
    no other way to learn one); a supervisor reads anyone's; an agent another's is 403; a
    timed-out offer is no longer listed."""
    await _in_support(runtime, "artur")
    await client.post("/api/v1/agents/me/presence", json={"status": "online"}, headers=agent)
    await _queue(runtime, "c-1", at=clock.now())
    assert (await client.get("/api/v1/offers", headers=agent)).json() == []
    assert (await runtime.services.assignment_tick()).offered == 1
    (offer,) = (await client.get("/api/v1/offers", headers=agent)).json()
    assert (offer["conversation_id"], offer["agent"], offer["status"]) == (
        "c-1",
        "artur",
        "pending",
    )
    assert (await client.get("/api/v1/offers", headers=bia)).json() == []
    seen = await client.get("/api/v1/offers", params={"agent": "artur"}, headers=supervisor)
    assert [o["id"] for o in seen.json()] == [offer["id"]]
    problem(await client.get("/api/v1/offers", params={"agent": "artur"}, headers=bia), 403)
    clock.advance(seconds=121)  # past the offer's 120 s
    assert (await client.get("/api/v1/offers", headers=agent)).json() == []
