"""The OpenAPI document and the server agree: OPTIONS, closed bodies, times as text, patterns."""

from __future__ import annotations

from typing import Any

import pytest

from .api_support import TERESOPOLIS_OUTAGE, Client, Headers, problem

BASE = "/api/v1/failures"


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/api/v1/failures", "GET, OPTIONS, POST"),
        ("/api/v1/regions/serra", "DELETE, GET, OPTIONS, PUT"),
        ("/api/v1/dlq", "GET, OPTIONS"),
        ("/api/v1/dlq/audit", "GET, OPTIONS"),
        ("/api/v1/dlq/reprocess", "OPTIONS, POST"),
        ("/api/v1/dlq/job-1", "GET, OPTIONS"),
    ],
)
async def test_options_answers_every_method_of_the_path(
    client: Client, path: str, allow: str
) -> None:
    """OPTIONS is 204 with every method the path supports, guarded paths included, no token needed."""
    response = await client.options(path)
    assert response.status_code == 204, response.text
    assert response.headers["allow"] == allow


async def test_a_number_is_not_a_time(client: Client, supervisor: Headers) -> None:
    """`"starts_at": 0` is 422 naming the field (it used to declare an outage begun in 1969)."""
    response = await client.post(
        BASE, json={**TERESOPOLIS_OUTAGE, "starts_at": 0}, headers=supervisor
    )
    problem(response, 422, field="starts_at")
    listed = await client.get(BASE, params={"status": "all"}, headers=supervisor)
    assert listed.json()["items"] == []


@pytest.mark.parametrize(
    "starts_at",
    ["2026-05-21", "2026-05-21 02:00", "2026-05-21T02:00:00.5Z", "2026-05-21T02:00-0300"],
)
async def test_iso_8601_times_are_read_as_before(
    client: Client, supervisor: Headers, starts_at: str
) -> None:
    """A date, a space before the time, fractions and offsets without a colon are still read."""
    response = await client.post(
        BASE,
        json={**TERESOPOLIS_OUTAGE, "starts_at": starts_at, "estimated_resolution": None},
        headers=supervisor,
    )
    assert response.status_code == 201, response.text
    assert response.json()["starts_at"].startswith("2026-05-2")


@pytest.mark.parametrize("starts_at", ["2026-02-30T02:00", "1700000000", "2026-05-21T24:00"])
async def test_impossible_times_are_422(
    client: Client, supervisor: Headers, starts_at: str
) -> None:
    """A day that does not exist, a Unix timestamp as text and hour 24 are refused with the field."""
    response = await client.post(
        BASE, json={**TERESOPOLIS_OUTAGE, "starts_at": starts_at}, headers=supervisor
    )
    problem(response, 422, field="starts_at")


async def test_the_schema_states_what_the_server_enforces(client: Client) -> None:
    """Request bodies are closed and carry the patterns and the one-of rules the server checks."""
    schemas: dict[str, Any] = (await client.get("/schema/openapi.json")).json()["components"][
        "schemas"
    ]
    failure_in = schemas["FailureIn"]
    assert failure_in["additionalProperties"] is False
    assert [alt["required"] for alt in failure_in["anyOf"]] == [
        ["cities"],
        ["ceps"],
        ["region_ids"],
    ]
    assert "pattern" in failure_in["properties"]["starts_at"]
    assert "pattern" in failure_in["properties"]["ceps"]["items"]
    assert schemas["RegionIn"]["properties"]["id"]["pattern"] == "^[a-z0-9][a-z0-9_-]{0,62}$"
    assert all(
        schemas[name]["additionalProperties"] is False
        for name in ("LoginIn", "MessageIn", "NotifyIn", "ReprocessIn", "CityAreaIn")
    )
    assert "additionalProperties" not in schemas["FailureOut"]
