"""The region catalogue API: CRUD, conflicts, and catalogue regions used by failures."""

from __future__ import annotations

from typing import Any

from .api_support import Client, Headers, problem

BASE = "/api/v1/regions"
SERRA: dict[str, Any] = {
    "id": "serra",
    "name": "Serra",
    "cities": [{"city": "Teresópolis", "neighbourhoods": ["Alto"]}],
    "ceps": ["2595"],
}


async def test_region_crud(client: Client, supervisor: Headers) -> None:
    """A region can be created, read, listed, replaced and deleted."""
    created = await client.post(BASE, json=SERRA, headers=supervisor)
    assert created.status_code == 201, created.text
    assert created.json()["rules"]["ceps"] == ["2595"]
    assert (await client.get(f"{BASE}/serra", headers=supervisor)).json()["name"] == "Serra"
    assert [r["id"] for r in (await client.get(BASE, headers=supervisor)).json()] == ["serra"]

    replaced = await client.put(
        f"{BASE}/serra",
        json={"name": "Serra Norte", "cities": [{"city": "Petrópolis"}]},
        headers=supervisor,
    )
    assert replaced.status_code == 200, replaced.text
    body = replaced.json()
    assert body["name"] == "Serra Norte"
    assert body["rules"] == {"cities": [{"city": "Petrópolis", "neighbourhoods": []}], "ceps": []}
    assert body["version"] > created.json()["version"]

    deleted = await client.delete(f"{BASE}/serra", headers=supervisor)
    assert deleted.status_code == 204
    problem(await client.get(f"{BASE}/serra", headers=supervisor), 404)


async def test_duplicate_region_is_409(client: Client, supervisor: Headers) -> None:
    """Creating a region whose id is taken is 409 problem details."""
    assert (await client.post(BASE, json=SERRA, headers=supervisor)).status_code == 201
    body = problem(await client.post(BASE, json=SERRA, headers=supervisor), 409)
    assert "serra" in body["detail"]


async def test_bad_region_input_is_422(client: Client, supervisor: Headers) -> None:
    """A malformed id, a region without rules and a PUT without rules are 422 naming the field."""
    problem(
        await client.post(BASE, json={**SERRA, "id": "Bad Id!"}, headers=supervisor),
        422,
        field="id",
    )
    no_rules = {**SERRA, "cities": [], "ceps": []}
    problem(await client.post(BASE, json=no_rules, headers=supervisor), 422, field="cities")
    assert (await client.post(BASE, json=SERRA, headers=supervisor)).status_code == 201
    response = await client.put(f"{BASE}/serra", json={"name": "Serra"}, headers=supervisor)
    problem(response, 422, field="cities")
    assert (await client.get(f"{BASE}/serra", headers=supervisor)).json()["rules"]["ceps"] == [
        "2595"
    ]


async def test_unknown_region_is_404(client: Client, supervisor: Headers) -> None:
    """Reading, replacing or deleting an unknown region is 404."""
    problem(await client.get(f"{BASE}/nowhere", headers=supervisor), 404)
    body = {"name": "X", "ceps": ["2"]}
    problem(await client.put(f"{BASE}/nowhere", json=body, headers=supervisor), 404)
    problem(await client.delete(f"{BASE}/nowhere", headers=supervisor), 404)


async def test_region_used_by_an_open_failure_cannot_be_deleted(
    client: Client, supervisor: Headers
) -> None:
    """A failure naming a catalogue region matches via it and blocks its deletion until resolved."""
    assert (await client.post(BASE, json=SERRA, headers=supervisor)).status_code == 201
    failure = await client.post(
        "/api/v1/failures",
        json={"name": "Queda na Serra", "message": "Falha em {regiao}", "region_ids": ["serra"]},
        headers=supervisor,
    )
    assert failure.status_code == 201, failure.text
    fid = failure.json()["id"]
    check = await client.post(
        "/api/v1/failures/check", json={"cep": "25953-120"}, headers=supervisor
    )
    assert [f["id"] for f in check.json()["failures"]] == [fid]

    body = problem(await client.delete(f"{BASE}/serra", headers=supervisor), 409)
    assert fid in body["detail"]
    assert (await client.get(f"{BASE}/serra", headers=supervisor)).status_code == 200

    assert (
        await client.post(f"/api/v1/failures/{fid}/resolve", headers=supervisor)
    ).status_code == 202
    assert (await client.delete(f"{BASE}/serra", headers=supervisor)).status_code == 204
