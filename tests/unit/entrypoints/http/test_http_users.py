"""The staff accounts API: reading (managers), changing contact fields (ADMIN), refusals."""

from __future__ import annotations

import pytest

from lia_adapters.memory import InMemoryStore
from lia_core.domain.users import Role
from lia_entrypoints.bootstrap import Runtime

from .api_support import Client, Headers, login_as, problem

BASE = "/api/v1/users"


@pytest.fixture
async def admin(client: Client, runtime: Runtime) -> Headers:
    """Auth header of a logged-in ADMIN."""
    return await login_as(client, runtime, "alice", Role.ADMIN)


async def test_admin_updates_contact_fields(
    client: Client, admin: Headers, supervisor: Headers, store: InMemoryStore
) -> None:
    """PATCH sets the given fields and keeps the others; GET shows them to managers."""
    response = await client.patch(
        f"{BASE}/sofia",
        json={"phone": "(21) 99999-8888", "departments": ["support"], "full_name": "Sofia"},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["phone"], body["departments"], body["push_token"]) == (
        "5521999998888",
        ["support"],
        None,
    )
    again = await client.patch(f"{BASE}/sofia", json={"push_token": "tok"}, headers=admin)
    assert again.json() == {**body, "push_token": "tok"}
    shown = await client.get(f"{BASE}/sofia", headers=supervisor)
    assert shown.json() == again.json()
    listed = (await client.get(BASE, headers=supervisor)).json()
    assert [u["username"] for u in listed] == ["alice", "sofia"]
    assert all("password" not in key for u in listed for key in u)
    audited = sorted(
        (e.action, e.entity_id, e.actor)
        for e in store.activity.values()
        if e.action == "user.update"  # the fixtures' accounts are user.create entries
    )
    assert audited == [("user.update", "sofia", "alice")] * 2


async def test_only_admins_change_and_agents_do_not_read(
    client: Client, admin: Headers, supervisor: Headers, agent: Headers
) -> None:
    """A supervisor's PATCH and an agent's GET are 403; without a token 401."""
    problem(await client.patch(f"{BASE}/sofia", json={"full_name": "S"}, headers=supervisor), 403)
    problem(await client.get(BASE, headers=agent), 403)
    problem(await client.get(BASE), 401)


async def test_bad_input_is_422_naming_the_field(client: Client, admin: Headers) -> None:
    """A bad phone, an unknown field and a comma in a department are 422 naming the field."""
    problem(await client.patch(f"{BASE}/alice", json={"phone": "abc"}, headers=admin), 422,
            field="phone")  # fmt: skip
    body = problem(await client.patch(f"{BASE}/alice", json={"nickname": "x"}, headers=admin), 422)
    assert body["errors"][0]["field"] == "nickname"
    body = problem(
        await client.patch(f"{BASE}/alice", json={"departments": ["a,b"]}, headers=admin), 422
    )
    assert body["errors"][0]["field"].startswith("departments")
    problem(await client.patch(f"{BASE}/nobody", json={"full_name": "N"}, headers=admin), 404)
