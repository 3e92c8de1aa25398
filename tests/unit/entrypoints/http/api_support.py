"""Helpers shared by the HTTP tests: logging in through the API and checking problem details."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient

from lia_core.domain.users import Role
from lia_core.services import CreateUser
from lia_entrypoints.bootstrap import Runtime

NOW = datetime(2026, 5, 20, 15, 0, tzinfo=UTC)
"""The fixed clock's time: noon in São Paulo."""
PASSWORD = "correct horse battery"
"""Every test account's password."""

Client = AsyncTestClient[Litestar]
Headers = dict[str, str]

TERESOPOLIS_OUTAGE: dict[str, Any] = {
    "name": "Rompimento de fibra na Serra",
    "message": "Olá {nome}, há uma falha em {regiao}. Previsão: {previsao}.",
    "severity": "high",
    "cities": [{"city": "Teresópolis", "neighbourhoods": ["Centro", "Alto"]}],
    "ceps": ["25950-000..25959-999"],
    "starts_at": "2026-05-21T02:00",
    "estimated_resolution": "2026-05-21T08:00",
}
"""The issue's scheduled outage: Teresópolis (Centro, Alto) and CEPs 25950-000..25959-999."""


async def login_as(client: Client, runtime: Runtime, username: str, role: Role) -> Headers:
    """Create an account with *role*, log in through the API and return its auth header."""
    await runtime.services.create_user(
        CreateUser(actor="tester", username=username, role=role, password=PASSWORD)
    )
    response = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def problem(response: httpx.Response, status: int, *, field: str | None = None) -> dict[str, Any]:
    """Assert *response* is RFC 9457 problem details with *status* (and *field*); return it."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail", "instance"} <= body.keys()
    assert body["instance"] == response.request.url.path
    if field is not None:
        assert body.get("field") == field, body
    return body
