"""`GET /api/v1/audit`: who may read it, what an API action records, filters and refusals."""

from __future__ import annotations

from typing import Any

import pytest

from lia_adapters.memory import FixedClock
from lia_core.domain.users import Role
from lia_entrypoints.bootstrap import Runtime
from lia_entrypoints.http.dto.base import PLAIN_TEXT_PATTERN, SINCE_PATTERN

from .api_support import TERESOPOLIS_OUTAGE, Client, Headers, login_as, problem

AUDIT = "/api/v1/audit"
SERRA: dict[str, Any] = {"id": "serra", "name": "Serra", "ceps": ["2595"]}
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"}


async def test_an_api_action_is_logged_with_address_and_user_agent(
    client: Client, supervisor: Headers
) -> None:
    """Creating a region over the API logs the account, the client's address and its User-Agent."""
    created = await client.post("/api/v1/regions", json=SERRA, headers=supervisor | BROWSER)
    assert created.status_code == 201, created.text

    listed = await client.get(AUDIT, params={"entity": "region"}, headers=supervisor)
    assert listed.status_code == 200, listed.text
    (entry,) = listed.json()
    assert (entry["actor"], entry["action"], entry["entity_id"]) == (
        "sofia",
        "region.define",
        "serra",
    )
    assert entry["user_agent"] == BROWSER["User-Agent"]
    assert entry["ip"] == "testclient"
    assert entry["at"] == "2026-05-20T12:00:00-03:00"


async def test_failure_lifecycle_reads_newest_first_with_filters(
    client: Client, supervisor: Headers, runtime: Runtime, clock: FixedClock
) -> None:
    """Each failure command adds one entry; user, entity and since narrow the list."""
    admin = await login_as(client, runtime, "root", Role.ADMIN)
    failure = (
        await client.post("/api/v1/failures", json=TERESOPOLIS_OUTAGE, headers=supervisor)
    ).json()
    clock.advance(hours=2)
    activated = await client.post(f"/api/v1/failures/{failure['id']}/activate", headers=admin)
    assert activated.status_code == 200, activated.text

    mine = (await client.get(AUDIT, params={"entity": "failure"}, headers=admin)).json()
    assert [(e["actor"], e["action"], e["from_state"], e["to_state"]) for e in mine] == [
        ("root", "failure.status", "scheduled", "active"),
        ("sofia", "failure.declare", None, "scheduled"),
    ]
    by_sofia = (
        await client.get(AUDIT, params={"user": "sofia", "entity": "failure"}, headers=admin)
    ).json()
    assert [e["action"] for e in by_sofia] == ["failure.declare"]
    recent = (
        await client.get(AUDIT, params={"since": "1h", "entity": "failure"}, headers=admin)
    ).json()
    assert [e["action"] for e in recent] == ["failure.status"]
    one = (await client.get(AUDIT, params={"limit": 1}, headers=admin)).json()
    assert [e["action"] for e in one] == ["failure.status"]
    by_id = await client.get(AUDIT, params={"entity_id": failure["id"]}, headers=admin)
    assert len(by_id.json()) == 2


async def test_agents_may_not_read_the_audit_log(client: Client, agent: Headers) -> None:
    """An AGENT is refused with 403 problem details; no token is 401."""
    body = problem(await client.get(AUDIT, headers=agent), 403)
    assert "SUPERVISOR or ADMIN" in body["detail"]
    problem(await client.get(AUDIT), 401)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "ontem"}, "since"),
        ({"since": "2026-02-30"}, "since"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"user": "ana\x01"}, "user"),
    ],
)
async def test_bad_filters_are_422_naming_the_field(
    client: Client, supervisor: Headers, params: dict[str, str], field: str
) -> None:
    """A filter that cannot be read is 422 problem details naming the parameter."""
    problem(await client.get(AUDIT, params=params, headers=supervisor), 422, field=field)


async def test_the_route_is_declared_in_the_openapi_document(client: Client) -> None:
    """The document states the parameters, their limits and the refusals."""
    operation = (await client.get("/schema/openapi.json")).json()["paths"]["/api/v1/audit"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert set(params) == {"entity", "entity_id", "user", "since", "limit"}
    assert (params["limit"]["schema"]["minimum"], params["limit"]["schema"]["maximum"]) == (1, 1000)
    assert params["since"]["schema"]["pattern"] == SINCE_PATTERN
    assert params["user"]["schema"]["pattern"] == PLAIN_TEXT_PATTERN
    assert {"401", "403", "422"} <= set(operation["responses"])
