"""`GET /api/v1/handoffs`: the ledger the bot writes, who may read it, filters and refusals."""

from __future__ import annotations

import pytest

from lia_adapters.memory import FixedClock
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import InboundMessage
from lia_core.domain.recipients import Phone
from lia_entrypoints.bootstrap import Runtime
from lia_entrypoints.http.dto.base import SINCE_PATTERN

from .api_support import Client, Headers, problem

HANDOFFS = "/api/v1/handoffs"


async def customer_says(runtime: Runtime, clock: FixedClock, phone: str, text: str) -> None:
    """One WhatsApp message through ingest, the gate and the bot."""
    message = InboundMessage(
        channel=Channel.WHATSAPP,
        provider_message_id=f"m-{phone}-{text}",
        sender=Phone(phone),
        reply_to=phone,
        sent_at=clock.now(),
        text=text,
        display_name="Cliente",
    )
    report = await runtime.services.ingest([message])
    await runtime.services.process_inbound(report.new)


async def test_the_bot_writes_the_ledger_the_api_lists(
    client: Client, supervisor: Headers, runtime: Runtime, clock: FixedClock
) -> None:
    """Two handoffs, newest first; reason and since narrow the list."""
    await customer_says(runtime, clock, "5521999990001", "quero cancelar meu plano")
    clock.advance(hours=2)
    await customer_says(runtime, clock, "5521999990002", "preciso da segunda via do boleto")
    listed = await client.get(HANDOFFS, headers=supervisor)
    assert listed.status_code == 200, listed.text
    newest, oldest = listed.json()
    assert (newest["reason"], newest["department"], newest["priority"]) == (
        "clear_intent",
        "financial",
        "medium",
    )
    assert (oldest["reason"], oldest["department"], oldest["priority"]) == (
        "critical_intent",
        "cancellation",
        "high",
    )
    assert oldest["accepted_by"] is None
    assert oldest["at"] == "2026-05-20T12:00:00-03:00"
    critical = await client.get(HANDOFFS, params={"reason": "critical_intent"}, headers=supervisor)
    assert [e["department"] for e in critical.json()] == ["cancellation"]
    recent = await client.get(HANDOFFS, params={"since": "1h"}, headers=supervisor)
    assert [e["department"] for e in recent.json()] == ["financial"]
    one = await client.get(HANDOFFS, params={"limit": 1}, headers=supervisor)
    assert [e["department"] for e in one.json()] == ["financial"]


async def test_agents_may_not_read_the_ledger(client: Client, agent: Headers) -> None:
    """An AGENT is refused with 403 problem details; no token is 401."""
    body = problem(await client.get(HANDOFFS, headers=agent), 403)
    assert "SUPERVISOR or ADMIN" in body["detail"]
    problem(await client.get(HANDOFFS), 401)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"reason": "because"}, "reason"),
        ({"since": "ontem"}, "since"),
        ({"since": "2026-02-30"}, "since"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
    ],
)
async def test_bad_filters_are_422_naming_the_field(
    client: Client, supervisor: Headers, params: dict[str, str], field: str
) -> None:
    """A filter that cannot be read is 422 problem details naming the parameter."""
    problem(await client.get(HANDOFFS, params=params, headers=supervisor), 422, field=field)


async def test_the_route_is_declared_in_the_openapi_document(client: Client) -> None:
    """The document states the parameters, their limits and the refusals."""
    operation = (await client.get("/schema/openapi.json")).json()["paths"][HANDOFFS]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert set(params) == {"reason", "since", "limit"}
    assert (params["limit"]["schema"]["minimum"], params["limit"]["schema"]["maximum"]) == (1, 1000)
    assert params["since"]["schema"]["pattern"] == SINCE_PATTERN
    assert "critical_intent" in params["reason"]["schema"]["pattern"]
    assert {"401", "403", "422"} <= set(operation["responses"])
