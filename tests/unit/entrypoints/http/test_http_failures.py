"""The failures API: the issue's scenario end to end, editing, listing, and refusals as problem
details."""

from __future__ import annotations

from typing import Any

import pytest

from .api_support import TERESOPOLIS_OUTAGE, Client, Headers, problem

BASE = "/api/v1/failures"


async def create(client: Client, headers: Headers, **changes: Any) -> dict[str, Any]:
    """Declare the Teresópolis outage (with *changes*) and return the created failure."""
    response = await client.post(BASE, json={**TERESOPOLIS_OUTAGE, **changes}, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def check(client: Client, headers: Headers, **location: str) -> list[str]:
    """Ids of the active failures covering *location*."""
    response = await client.post(f"{BASE}/check", json=location, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["affected"] == bool(body["failures"])
    return [f["id"] for f in body["failures"]]


async def act(client: Client, headers: Headers, failure_id: str, action: str) -> dict[str, Any]:
    """Apply a lifecycle action that must succeed; return the failure."""
    response = await client.post(f"{BASE}/{failure_id}/{action}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_done_when_scenario(client: Client, supervisor: Headers) -> None:
    """A scheduled Teresópolis outage matches once active; pause, resume, resolve; then 409."""
    failure = await create(client, supervisor)
    fid = failure["id"]
    assert failure["status"] == "scheduled"
    assert failure["starts_at"] == "2026-05-21T02:00:00-03:00"  # naive input read in the ISP's zone
    assert failure["created_by"] == "sofia"
    assert await check(client, supervisor, city="teresopolis", neighbourhood="ALTO") == []

    assert (await act(client, supervisor, fid, "activate"))["status"] == "active"
    assert await check(client, supervisor, city="teresopolis", neighbourhood="ALTO") == [fid]
    assert await check(client, supervisor, cep="25953-120") == [fid]
    assert await check(client, supervisor, city="Petrópolis") == []

    assert (await act(client, supervisor, fid, "pause"))["status"] == "paused"
    assert await check(client, supervisor, cep="25953120") == []
    assert (await act(client, supervisor, fid, "resume"))["status"] == "active"
    resolved = await client.post(
        f"{BASE}/{fid}/resolve",
        json={"resolution_message": "Olá {nome}, o serviço voltou."},
        headers=supervisor,
    )
    assert resolved.status_code == 202, resolved.text
    report = resolved.json()
    assert (report["notified"], report["queued"], report["already_queued"]) == (0, 0, 0)
    assert report["failure"]["status"] == "resolved"
    assert report["failure"]["resolved_by"] == "sofia"
    assert report["failure"]["resolution_message"] == "Olá {nome}, o serviço voltou."

    refused = problem(await client.post(f"{BASE}/{fid}/pause", headers=supervisor), 409)
    assert refused["detail"] == f"cannot pause failure {fid}: it is resolved"
    assert refused["type"].endswith("invalid-transition")
    assert (await client.get(f"{BASE}/{fid}", headers=supervisor)).json()["status"] == "resolved"


MAINTENANCE: dict[str, Any] = {
    "name": "Manutenção programada em Petrópolis",
    "message": "Olá {nome}, manutenção em {regiao} até {previsao}.",
    "resolution_message": "Pronto, {nome}: manutenção concluída.",
    "severity": "low",
    "cities": [{"city": "Petrópolis"}],
    "region_ids": [],
    "starts_at": "2026-05-22T01:00",
    "estimated_resolution": "2026-05-22T05:00-03:00",
}
"""The same form as TERESOPOLIS_OUTAGE with every field changed: the scheduled edit."""


async def test_edit_replaces_a_scheduled_failure(client: Client, supervisor: Headers) -> None:
    """PUT with the create body replaces every field of a scheduled failure and keeps it scheduled."""
    failure = await create(client, supervisor)
    fid = failure["id"]
    response = await client.put(f"{BASE}/{fid}", json=MAINTENANCE, headers=supervisor)
    assert response.status_code == 200, response.text
    edited = response.json()
    assert edited["status"] == "scheduled"
    assert (edited["id"], edited["created_by"], edited["created_at"]) == (
        fid,
        "sofia",
        failure["created_at"],
    )
    for field in ("name", "message", "resolution_message", "severity", "region_ids"):
        assert edited[field] == MAINTENANCE[field], field
    assert (edited["regions_summary"], edited["regions"]["ceps"]) == ("Petrópolis", [])
    assert edited["starts_at"] == "2026-05-22T01:00:00-03:00"  # naive input read in the ISP's zone
    assert edited["estimated_resolution"] == "2026-05-22T05:00:00-03:00"
    assert (await client.get(f"{BASE}/{fid}", headers=supervisor)).json()["name"] == MAINTENANCE[
        "name"
    ]
    tab = (await client.get(BASE, params={"status": "scheduled"}, headers=supervisor)).json()
    assert [f["id"] for f in tab["items"]] == [fid]


async def test_edit_with_start_omitted_activates_at_once(
    client: Client, supervisor: Headers
) -> None:
    """Editing a scheduled failure without `starts_at` makes it active now, and it matches."""
    fid = (await create(client, supervisor))["id"]
    body = {**MAINTENANCE, "starts_at": None, "estimated_resolution": None}
    response = await client.put(f"{BASE}/{fid}", json=body, headers=supervisor)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "active"
    assert await check(client, supervisor, city="petropolis") == [fid]


async def test_edit_refusals_are_problem_details(client: Client, supervisor: Headers) -> None:
    """Editing an unknown failure is 404; an active one is 409 and leaves it as it was."""
    problem(await client.put(f"{BASE}/nope", json=MAINTENANCE, headers=supervisor), 404)
    failure = await create(client, supervisor, starts_at=None, estimated_resolution=None)
    refused = problem(
        await client.put(f"{BASE}/{failure['id']}", json=MAINTENANCE, headers=supervisor), 409
    )
    assert refused["detail"] == f"cannot edit failure {failure['id']}: it is active"
    assert refused["type"].endswith("invalid-transition")
    stored = (await client.get(f"{BASE}/{failure['id']}", headers=supervisor)).json()
    assert stored["name"] == TERESOPOLIS_OUTAGE["name"]


async def test_failure_without_start_is_active_at_once(client: Client, supervisor: Headers) -> None:
    """Omitting starts_at declares an active failure that matches immediately."""
    failure = await create(client, supervisor, starts_at=None, estimated_resolution=None)
    assert failure["status"] == "active"
    assert await check(client, supervisor, city="TERESÓPOLIS", neighbourhood="centro") == [
        failure["id"]
    ]


async def test_list_tabs_and_counts(client: Client, supervisor: Headers) -> None:
    """Each tab lists its failures and every tab's count is given."""
    scheduled = await create(client, supervisor)
    active = await create(client, supervisor, starts_at=None, estimated_resolution=None)
    cancelled = await create(client, supervisor)
    await act(client, supervisor, cancelled["id"], "cancel")

    default = (await client.get(BASE, headers=supervisor)).json()
    assert default["status"] == "active"
    assert [f["id"] for f in default["items"]] == [active["id"]]
    assert default["counts"] == {"active": 1, "scheduled": 1, "resolved": 1, "all": 3}
    tab = (await client.get(BASE, params={"status": "scheduled"}, headers=supervisor)).json()
    assert [f["id"] for f in tab["items"]] == [scheduled["id"]]
    history = (await client.get(BASE, params={"status": "resolved"}, headers=supervisor)).json()
    assert [(f["id"], f["cancelled_by"]) for f in history["items"]] == [(cancelled["id"], "sofia")]
    everything = (await client.get(BASE, params={"status": "all"}, headers=supervisor)).json()
    assert len(everything["items"]) == 3


async def test_unknown_status_tab_is_422_naming_the_field(
    client: Client, supervisor: Headers
) -> None:
    """?status=bogus is refused with field `status`."""
    body = problem(
        await client.get(BASE, params={"status": "bogus"}, headers=supervisor), 422, field="status"
    )
    assert body["errors"][0]["field"] == "status"


async def test_unknown_failure_is_404(client: Client, supervisor: Headers) -> None:
    """Getting or acting on an unknown id answers 404 problem details."""
    body = problem(await client.get(f"{BASE}/nope", headers=supervisor), 404)
    assert "nope" in body["detail"]
    problem(await client.post(f"{BASE}/nope/activate", headers=supervisor), 404)


async def test_get_on_check_is_not_mistaken_for_a_failure_id(
    client: Client, supervisor: Headers
) -> None:
    """`/check` is its own route: GET on it is 405, not a lookup of failure 'check'."""
    problem(await client.get(f"{BASE}/check", headers=supervisor), 405)


@pytest.mark.parametrize(
    ("changes", "field", "in_detail"),
    [
        ({"message": "Olá {cliente}"}, "message", "{cliente}"),
        ({"resolution_message": "Voltou {quando}"}, "resolution_message", "{quando}"),
        ({"region_ids": ["nowhere"]}, "region_ids", "nowhere"),
        ({"ceps": ["25950-000", "abc"]}, "ceps.1", "abc"),
        ({"cities": [], "ceps": []}, "regions", "at least one"),
        ({"starts_at": "tomorrow"}, "starts_at", ""),
        ({"estimated_resolution": "2026-05-21T01:00"}, "estimated_resolution", "after the start"),
        ({"severity": "apocalyptic"}, "severity", ""),
        ({"name": ""}, "name", ""),
        ({"colour": "red"}, "colour", ""),
    ],
)
async def test_bad_failure_input_is_422_with_field(
    client: Client, supervisor: Headers, changes: dict[str, Any], field: str, in_detail: str
) -> None:
    """Invalid input to create is 422 naming the offending field, and nothing is stored."""
    response = await client.post(BASE, json={**TERESOPOLIS_OUTAGE, **changes}, headers=supervisor)
    body = problem(response, 422, field=field)
    assert in_detail in body["detail"]
    assert {"field": field}.items() <= body["errors"][0].items()
    listing = (await client.get(BASE, params={"status": "all"}, headers=supervisor)).json()
    assert listing["items"] == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"message": "Olá {cliente}"}, "message"),
        ({"region_ids": ["nowhere"]}, "region_ids"),
        ({"cities": [], "ceps": []}, "regions"),
        ({"estimated_resolution": "2026-05-21T01:00"}, "estimated_resolution"),
        ({"name": ""}, "name"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_bad_edit_input_is_422_with_field(
    client: Client, supervisor: Headers, changes: dict[str, Any], field: str
) -> None:
    """Invalid input to edit is checked as create's is: 422 naming the field, nothing changed."""
    failure = await create(client, supervisor)
    body = {**TERESOPOLIS_OUTAGE, **changes}
    problem(
        await client.put(f"{BASE}/{failure['id']}", json=body, headers=supervisor), 422, field=field
    )
    assert (await client.get(f"{BASE}/{failure['id']}", headers=supervisor)).json() == {
        **failure,
        "notices": 0,
        "resolutions": 0,
    }


async def test_missing_fields_are_all_listed(client: Client, supervisor: Headers) -> None:
    """A body missing several required fields lists each in `errors`."""
    body = problem(await client.post(BASE, json={}, headers=supervisor), 422)
    assert {e["field"] for e in body["errors"]} == {"name", "message"}


async def test_malformed_json_is_a_bad_request_problem(client: Client, supervisor: Headers) -> None:
    """A body that is not JSON at all is 400 problem details."""
    response = await client.post(
        BASE, content=b"{not json", headers={**supervisor, "Content-Type": "application/json"}
    )
    assert "malformed" in problem(response, 400)["detail"].lower()


async def test_resolve_with_bad_template_changes_nothing(
    client: Client, supervisor: Headers
) -> None:
    """A resolution message with an unknown placeholder is 422 and the failure stays active."""
    fid = (await create(client, supervisor, starts_at=None, estimated_resolution=None))["id"]
    response = await client.post(
        f"{BASE}/{fid}/resolve", json={"resolution_message": "{oops}"}, headers=supervisor
    )
    problem(response, 422, field="resolution_message")
    assert (await client.get(f"{BASE}/{fid}", headers=supervisor)).json()["status"] == "active"


async def test_check_needs_a_city_or_cep(client: Client, supervisor: Headers) -> None:
    """A check with no location, or a bairro without its city, is 422 naming `city`."""
    problem(await client.post(f"{BASE}/check", json={}, headers=supervisor), 422, field="city")
    response = await client.post(
        f"{BASE}/check", json={"neighbourhood": "Alto"}, headers=supervisor
    )
    problem(response, 422, field="city")
    problem(await client.post(f"{BASE}/check", json={"cep": "12"}, headers=supervisor), 422)


async def test_missing_or_non_object_body_is_422(client: Client, supervisor: Headers) -> None:
    """No body, or a JSON body that is not an object, is 422 with a readable detail."""
    body = problem(await client.post(BASE, headers=supervisor), 422)
    assert body["detail"] == "a JSON body is required"
    body = problem(await client.post(BASE, json=[1, 2], headers=supervisor), 422)
    assert body["errors"] == [{"field": None, "message": body["detail"]}]
