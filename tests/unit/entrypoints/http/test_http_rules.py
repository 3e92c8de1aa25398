"""The desk-policy API: the policy in force, revisions, loading (ADMIN), faults by line (422)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lia_adapters.memory import InMemoryStore
from lia_core.desk.commands import OpenTicket
from lia_core.domain.activity import Actor
from lia_core.domain.tickets import Priority
from lia_core.domain.users import Role
from lia_entrypoints.bootstrap import Runtime

from .api_support import Client, Headers, login_as, problem

BASE = "/api/v1/rules"
EXAMPLE = (Path(__file__).parents[4] / "docs" / "examples" / "desk-policy.toml").read_text()


@pytest.fixture
async def admin(client: Client, runtime: Runtime) -> Headers:
    """Auth header of a logged-in ADMIN."""
    return await login_as(client, runtime, "alice", Role.ADMIN)


async def test_load_show_and_history(
    client: Client, admin: Headers, supervisor: Headers, store: InMemoryStore
) -> None:
    """An admin's load is revision 1 (201); managers read it, its history and by number."""
    builtin = (await client.get(BASE, headers=supervisor)).json()
    assert (builtin["builtin"], builtin["revision"]) == (True, None)
    dry = await client.post(BASE, json={"source": EXAMPLE, "dry_run": True}, headers=admin)
    assert (dry.status_code, dry.json()["stored"]) == (200, False)
    loaded = await client.post(
        BASE, json={"source": EXAMPLE, "filename": "desk.toml"}, headers=admin
    )
    assert loaded.status_code == 201, loaded.text
    assert loaded.json()["revision"]["revision"] == 1
    current = (await client.get(BASE, headers=supervisor)).json()
    assert (current["builtin"], current["source"]) == (False, EXAMPLE)
    assert current["revision"]["loaded_by"] == "alice"
    assert (await client.get(f"{BASE}/1", headers=supervisor)).json() == current
    history = (await client.get(f"{BASE}/history", headers=supervisor)).json()
    assert [r["revision"] for r in history] == [1]
    loads = [(e.action, e.actor) for e in store.activity.values() if e.entity == "rules"]
    assert loads == [("rules.load", "alice")]


async def test_a_bad_document_is_422_listing_each_line(client: Client, admin: Headers) -> None:
    """Each fault of the document is one entry of `errors` with its line and field."""
    body = problem(
        await client.post(
            BASE,
            json={"source": 'colour = 1\n[calendar]\ntimezone = "X/Y"\n', "filename": "b.toml"},
            headers=admin,
        ),
        422,
    )
    assert [(e["line"], e["field"]) for e in body["errors"]] == [
        (1, "colour"),
        (3, "calendar.timezone"),
    ]
    assert body["errors"][1]["message"] == "b.toml:3: unknown timezone 'X/Y'"


async def test_roles(client: Client, supervisor: Headers, agent: Headers) -> None:
    """A supervisor cannot load; an agent cannot read; an unknown revision is 404."""
    problem(await client.post(BASE, json={"source": ""}, headers=supervisor), 403)
    problem(await client.get(BASE, headers=agent), 403)
    problem(await client.get(f"{BASE}/5", headers=supervisor), 404)


async def test_explain_a_ticket(
    client: Client, admin: Headers, supervisor: Headers, agent: Headers, runtime: Runtime
) -> None:
    """Managers read which rules match a ticket; agents are refused; unknown tickets are 404."""
    await client.post(BASE, json={"source": EXAMPLE}, headers=admin)
    ticket = await runtime.services.desk.open(
        OpenTicket(subject="reclamação na Anatel", priority=Priority.HIGH), Actor(name="sofia")
    )
    path = f"/api/v1/tickets/{ticket.id}/explain"
    response = await client.get(path, headers=supervisor)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["ticket_id"], body["revision"], body["sla_policy"]) == (ticket.id, 1, "standard")
    matched = {r["rule"] for r in body["rules"] if r["matched"]}
    assert {"regulator-complaint", "notify-high-priority"} <= matched
    problem(await client.get(path, headers=agent), 403)
    problem(await client.get("/api/v1/tickets/nope/explain", headers=supervisor), 404)
