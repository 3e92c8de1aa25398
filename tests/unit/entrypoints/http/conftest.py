"""Fixtures for the HTTP tests: an app over in-memory adapters, a client, and logged-in staff."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from lia_adapters.memory import FixedClock, InMemoryStore, PlainTextHasher, SequentialIds
from lia_core.domain.users import Role
from lia_entrypoints.bootstrap import Runtime, bootstrap
from lia_entrypoints.http import create_app
from lia_entrypoints.settings import Settings

from .api_support import NOW, Client, Headers, login_as


@pytest.fixture
def store() -> InMemoryStore:
    """The in-memory database behind the app."""
    return InMemoryStore()


@pytest.fixture
def clock() -> FixedClock:
    """A clock that only moves when told to."""
    return FixedClock(NOW)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with a fixed JWT secret and a throw-away data directory."""
    return Settings(_env_file=None, data_dir=tmp_path, jwt_secret="test-secret-" + "x" * 40)


@pytest.fixture
async def runtime(settings: Settings, store: InMemoryStore, clock: FixedClock) -> Runtime:
    """Use cases over the in-memory store."""
    return await bootstrap(
        settings, uow=store.unit_of_work, clock=clock, ids=SequentialIds(), hasher=PlainTextHasher()
    )


@pytest.fixture
async def client(settings: Settings, runtime: Runtime) -> AsyncIterator[Client]:
    """A test client of the app built over the in-memory runtime."""
    async with AsyncTestClient(create_app(settings, runtime=runtime)) as test_client:
        yield test_client


@pytest.fixture
async def supervisor(client: Client, runtime: Runtime) -> Headers:
    """Auth header of a logged-in SUPERVISOR."""
    return await login_as(client, runtime, "sofia", Role.SUPERVISOR)


@pytest.fixture
async def agent(client: Client, runtime: Runtime) -> Headers:
    """Auth header of a logged-in AGENT."""
    return await login_as(client, runtime, "artur", Role.AGENT)
