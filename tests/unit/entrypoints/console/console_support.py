"""Helpers for the console's HTTP tests: signing in through the form, reading the CSRF token."""

from __future__ import annotations

import re

import httpx

from lia_core.domain.users import Role
from lia_core.services import CreateUser
from lia_entrypoints.bootstrap import Runtime

from ..http.api_support import PASSWORD, Client

_TOKEN = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_of(response: httpx.Response) -> str:
    """The CSRF token a console page embeds in its forms."""
    found = _TOKEN.search(response.text)
    assert found is not None, "the page has no CSRF token"
    return found.group(1)


async def sign_in(client: Client, runtime: Runtime, username: str, role: Role) -> str:
    """Create an account with *role*, sign in through the login form; return the CSRF token."""
    await runtime.services.create_user(
        CreateUser(actor="tester", username=username, role=role, password=PASSWORD)
    )
    token = csrf_of(await client.get("/console/login"))
    response = await client.post(
        "/console/login",
        data={"username": username, "password": PASSWORD, "_csrf_token": token},
    )
    assert response.status_code == 303, response.text
    return token


async def post_form(client: Client, path: str, token: str, **fields: str) -> httpx.Response:
    """Post a console form with its CSRF token, as the browser would."""
    return await client.post(path, data={**fields, "_csrf_token": token})
