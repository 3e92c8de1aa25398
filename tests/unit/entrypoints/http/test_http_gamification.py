"""`/api/v1/gamification`: the November ranking read by any staff, run again by managers, the
settings changed by admins only; a bad month 422 naming `period`, one never run 404."""

from __future__ import annotations

from lia_adapters.memory import InMemoryStore
from lia_core.domain.users import Role
from lia_entrypoints.bootstrap import Runtime
from tests.contract.builders.gamification import store_november

from .api_support import Client, Headers, login_as, problem

BASE = "/api/v1/gamification"


async def test_the_november_ranking(
    client: Client, supervisor: Headers, agent: Headers, store: InMemoryStore
) -> None:
    """A supervisor runs November; an agent reads the same ranking, badges and history."""
    await store_november(store.unit_of_work)
    problem(await client.get(f"{BASE}/2026-11", headers=agent), 404)
    problem(await client.post(f"{BASE}/2026-11/run", headers=agent), 403)
    ran = await client.post(f"{BASE}/2026-11/run", headers=supervisor)
    assert ran.status_code == 200, ran.text
    read = await client.get(f"{BASE}/2026-11", headers=agent)
    assert read.status_code == 200, read.text
    body = read.json()
    assert body == ran.json()
    assert body["period"] == "2026-11"
    assert [(s["rank"], s["agent"], s["total_score"], s["badges"]) for s in body["standings"]] == [
        (1, "bia", 64, ["solucionador"]),
        (2, "ana", 61, ["solucionador", "velocista"]),
        (3, "caio", 38, ["campeao_volume"]),
    ]
    assert body["standings"][1]["avg_response_seconds"] == 100
    assert [h["agent"] for h in body["history"]] == ["bia", "ana", "caio"]
    history = await client.get(f"{BASE}/history", params={"periods": 1}, headers=agent)
    assert [(h["period"], h["rank"]) for h in history.json()] == [
        ("2026-11", 1),
        ("2026-11", 2),
        ("2026-11", 3),
    ]


async def test_a_bad_month_names_the_period(client: Client, agent: Headers) -> None:
    """2026-13 and 'novembro' are 422 naming `period`."""
    for bad in ("2026-13", "novembro"):
        problem(await client.get(f"{BASE}/{bad}", headers=agent), 422, field="period")


async def test_settings_are_changed_by_admins(
    client: Client, runtime: Runtime, supervisor: Headers
) -> None:
    """Read by staff; PATCH by an admin only; weights not summing to 100: 422 naming them."""
    admin = await login_as(client, runtime, "ada", Role.ADMIN)
    shown = await client.get(f"{BASE}/settings", headers=supervisor)
    assert shown.json()["nps_weight"] == 40
    problem(
        await client.patch(f"{BASE}/settings", json={"nps_weight": 50}, headers=supervisor), 403
    )
    refused = await client.patch(f"{BASE}/settings", json={"nps_weight": 50}, headers=admin)
    assert "sum to 100, got 110" in problem(refused, 422, field="weights")["detail"]
    problem(
        await client.patch(f"{BASE}/settings", json={"target_volume": 0}, headers=admin),
        422,
        field="target_volume",
    )
    changed = await client.patch(
        f"{BASE}/settings", json={"nps_weight": 50, "volume_weight": 20}, headers=admin
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["nps_weight"], changed.json()["volume_weight"]) == (50, 20)
    assert (await client.get(f"{BASE}/settings", headers=supervisor)).json() == changed.json()
