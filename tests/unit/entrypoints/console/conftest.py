"""Fixtures for the console's HTTP tests: the HTTP tests' app, and signed-in staff."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient

from lia_core.domain.users import Role
from lia_entrypoints.bootstrap import Runtime
from lia_entrypoints.http import create_app
from lia_entrypoints.settings import Settings

from ..http.api_support import Client
from ..http.conftest import clock, runtime, settings, store
from .console_support import sign_in

__all__ = ["clock", "runtime", "settings", "store"]


@pytest.fixture
async def client(settings: Settings, runtime: Runtime) -> AsyncIterator[Client]:
    """A test client that shows redirects instead of following them (the tests check them)."""
    app = create_app(settings, runtime=runtime)
    async with AsyncTestClient(app) as test_client:
        test_client.follow_redirects = False
        yield test_client


@pytest.fixture
async def admin_session(client: Client, runtime: Runtime) -> str:
    """CSRF token of a signed-in ADMIN (the client holds the session cookie)."""
    return await sign_in(client, runtime, "ana", Role.ADMIN)


@pytest.fixture
async def supervisor_session(client: Client, runtime: Runtime) -> str:
    """CSRF token of a signed-in SUPERVISOR."""
    return await sign_in(client, runtime, "sofia", Role.SUPERVISOR)


@pytest.fixture
async def agent_session(client: Client, runtime: Runtime) -> str:
    """CSRF token of a signed-in AGENT."""
    return await sign_in(client, runtime, "artur", Role.AGENT)
