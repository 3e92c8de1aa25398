"""`/api/v1/tickets` in-process: open, list with filters, show with clocks, the commands, and
their refusals as problem details (409 refused or stale, 422 naming the field, 404, 403)."""

from __future__ import annotations

from typing import Any

import pytest

from lia_adapters.memory import FixedClock, InMemoryStore
from lia_core.domain.activity import ActivityFilter, Actor
from lia_core.domain.users import Role
from lia_core.services import UpdateUser
from lia_entrypoints.bootstrap import Runtime

from .api_support import Client, Headers, login_as, problem

OPEN = {"phone": "+55 21 99999-8888", "subject": "Internet caindo"}


async def _open(client: Client, headers: Headers, **extra: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/tickets", json={**OPEN, **extra}, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_open_show_and_escalate_past_n3_is_409(
    client: Client, supervisor: Headers, clock: FixedClock
) -> None:
    """A ticket escalates to N3 with its reasons on the timeline; once more is 409 with why."""
    ticket = await _open(client, supervisor, priority="high")
    assert ticket["timeline"][0]["by"] == "sofia"
    base = f"/api/v1/tickets/{ticket['id']}"
    up = await client.post(f"{base}/escalate", json={"reason": "técnico"}, headers=supervisor)
    assert up.status_code == 200, up.text
    assert up.json()["level"] == "N2"
    top = await client.post(
        f"{base}/escalate", json={"to": "N3", "reason": "core"}, headers=supervisor
    )
    assert top.json()["level"] == "N3"
    refused = await client.post(f"{base}/escalate", json={"reason": "mais"}, headers=supervisor)
    body = problem(refused, 409)
    assert "already at N3" in body["detail"]

    clock.advance(minutes=30)
    shown = (await client.get(base, headers=supervisor)).json()
    assert [e["reason"] for e in shown["timeline"] if e["kind"] == "escalated"] == [
        "técnico",
        "core",
    ]
    running = [
        c for c in (shown["sla"]["first_response"], shown["sla"]["resolution"]) if c["running"]
    ]
    assert running
    assert all(c["elapsed_seconds"] >= 0 and c["due_at"] for c in running)


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("escalate", {}),
        ("deescalate", {"to": "N1"}),
        ("reassign", {"department": "financial"}),
        ("priority", {"priority": "high"}),
        ("reopen", {}),
    ],
)
async def test_missing_reason_is_422_naming_it(
    client: Client, supervisor: Headers, action: str, body: dict[str, str]
) -> None:
    """Every command that needs a reason is refused without one, naming the field."""
    ticket = await _open(client, supervisor)
    response = await client.post(
        f"/api/v1/tickets/{ticket['id']}/{action}", json=body, headers=supervisor
    )
    problem(response, 422, field="reason")


async def test_if_match_guards_against_a_stale_version(client: Client, supervisor: Headers) -> None:
    """If-Match with the version read acts; an older one is 409 and changes nothing."""
    ticket = await _open(client, supervisor)
    base = f"/api/v1/tickets/{ticket['id']}"
    version = ticket["version"]
    noted = await client.post(
        f"{base}/notes", json={"text": "primeira"}, headers={**supervisor, "If-Match": str(version)}
    )
    assert noted.status_code == 201, noted.text
    stale = await client.post(
        f"{base}/notes",
        json={"text": "segunda"},
        headers={**supervisor, "If-Match": f'"{version}"'},
    )
    problem(stale, 409)
    notes = [
        e["reason"]
        for e in (await client.get(base, headers=supervisor)).json()["timeline"]
        if e["kind"] == "private_note"
    ]
    assert notes == ["primeira"]
    bad = await client.post(
        f"{base}/notes", json={"text": "x"}, headers={**supervisor, "If-Match": "abc"}
    )
    assert bad.status_code in (400, 422), bad.text


async def test_lifecycle_and_list_filters(client: Client, supervisor: Headers) -> None:
    """wait, unwait, resolve, reopen move the status; the list's query filters select."""
    first = await _open(client, supervisor, department="financial")
    second = await _open(client, supervisor, phone="+55 21 98888-7777", priority="urgent")
    base = f"/api/v1/tickets/{first['id']}"
    assert (await client.post(f"{base}/wait", headers=supervisor)).json()["status"] == (
        "waiting_customer"
    )
    assert (await client.post(f"{base}/unwait", headers=supervisor)).json()["status"] == "open"
    resolved = await client.post(f"{base}/resolve", json={"reason": "ok"}, headers=supervisor)
    assert resolved.json()["status"] == "resolved"
    problem(await client.post(f"{base}/wait", headers=supervisor), 409)
    reopened = await client.post(f"{base}/reopen", json={"reason": "voltou"}, headers=supervisor)
    assert reopened.json()["cycle"] == 1

    async def ids(**query: str) -> list[str]:
        response = await client.get("/api/v1/tickets", params=query, headers=supervisor)
        assert response.status_code == 200, response.text
        return [t["id"] for t in response.json()["items"]]

    assert set(await ids()) == {first["id"], second["id"]}
    assert await ids(department="financial") == [first["id"]]
    assert await ids(priority="urgent") == [second["id"]]
    assert await ids(level="N2") == []
    assert await ids(status="resolved") == []
    problem(await client.get("/api/v1/tickets?sla=late", headers=supervisor), 422)
    problem(await client.get("/api/v1/tickets?limit=0", headers=supervisor), 422)


async def test_reassign_priority_and_bad_bodies(client: Client, supervisor: Headers) -> None:
    """Reassign and priority change the ticket; an unknown field or a blank note is 422."""
    ticket = await _open(client, supervisor)
    base = f"/api/v1/tickets/{ticket['id']}"
    moved = await client.post(
        f"{base}/reassign",
        json={"department": "financial", "assignee": "bia", "reason": "cobrança"},
        headers=supervisor,
    )
    assert (moved.json()["department"], moved.json()["assignee"]) == ("financial", "bia")
    again = await client.post(
        f"{base}/reassign", json={"department": "financial", "reason": "x"}, headers=supervisor
    )
    problem(again, 409)
    raised = await client.post(
        f"{base}/priority", json={"priority": "urgent", "reason": "VIP"}, headers=supervisor
    )
    assert raised.json()["priority"] == "urgent"
    problem(await client.post(f"{base}/notes", json={"text": "   "}, headers=supervisor), 422)
    problem(
        await client.post(f"{base}/escalate", json={"reason": "x", "extra": 1}, headers=supervisor),
        422,
    )


async def test_not_found_and_agent_outside_departments(
    client: Client, runtime: Runtime, supervisor: Headers, agent: Headers
) -> None:
    """An unknown ticket is 404; an agent may not read or act on another department's ticket."""
    problem(await client.get("/api/v1/tickets/nope", headers=supervisor), 404)
    problem(
        await client.post(
            "/api/v1/tickets/nope/escalate", json={"reason": "x"}, headers=supervisor
        ),
        404,
    )
    ticket = await _open(client, supervisor, department="financial")
    base = f"/api/v1/tickets/{ticket['id']}"
    problem(await client.get(base, headers=agent), 403)
    problem(await client.post(f"{base}/escalate", json={"reason": "x"}, headers=agent), 403)
    listed = (await client.get("/api/v1/tickets", headers=agent)).json()
    assert ticket["id"] not in [t["id"] for t in listed["items"]]
    admin = await login_as(client, runtime, "ana", Role.ADMIN)
    assert (await client.get(base, headers=admin)).status_code == 200


async def test_tickets_need_a_token(client: Client) -> None:
    """Without a bearer token every ticket route is 401."""
    problem(await client.get("/api/v1/tickets"), 401)


async def test_agent_works_the_tickets_of_their_departments(
    client: Client, runtime: Runtime, supervisor: Headers, agent: Headers
) -> None:
    """An agent of "financial" lists, reads and escalates financial tickets, not support's."""
    await runtime.services.update_user(
        UpdateUser(username="artur", actor=Actor(name="ana"), departments=("financial",))
    )
    theirs = await _open(client, supervisor, department="financial")
    other = await _open(client, supervisor, phone="+55 21 98888-7777")
    listed = (await client.get("/api/v1/tickets", headers=agent)).json()
    assert [t["id"] for t in listed["items"]] == [theirs["id"]]
    base = f"/api/v1/tickets/{theirs['id']}"
    assert (await client.get(base, headers=agent)).status_code == 200
    done = await client.post(
        f"{base}/escalate", json={"reason": "cobrança indevida"}, headers=agent
    )
    assert done.status_code == 200, done.text
    escalated = [e for e in done.json()["timeline"] if e["kind"] == "escalated"]
    assert escalated[-1]["by"] == "artur"
    problem(await client.get(f"/api/v1/tickets/{other['id']}", headers=agent), 403)


async def test_the_audit_log_keeps_who_from_where(
    client: Client, store: InMemoryStore, supervisor: Headers
) -> None:
    """An escalation over HTTP is audited with the account, the client's address and agent."""
    ticket = await _open(client, supervisor)
    headers = {**supervisor, "User-Agent": "lia-tests/1.0"}
    await client.post(
        f"/api/v1/tickets/{ticket['id']}/escalate", json={"reason": "técnico"}, headers=headers
    )
    async with store.unit_of_work() as uow:
        entries = await uow.activity.list(
            ActivityFilter(entity="ticket", entity_id=ticket["id"]), limit=10
        )
    escalation = next(e for e in entries if e.action == "ticket.escalate")
    assert escalation.actor == "sofia"
    assert escalation.reason == "técnico"
    assert escalation.user_agent == "lia-tests/1.0"
    assert escalation.ip
