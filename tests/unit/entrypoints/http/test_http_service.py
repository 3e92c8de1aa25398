"""Service routes and the error contract: health, OpenAPI, unknown routes, unexpected errors."""

from __future__ import annotations

import logging

import attrs
import pytest
from litestar.testing import AsyncTestClient
from structlog.testing import capture_logs

from lia_core import __version__
from lia_core.domain.regions import NamedRegion
from lia_core.errors import DatabaseUnavailable
from lia_core.services import FailureListing, ListFailures
from lia_core.services.failures import ListFailuresHandler
from lia_core.services.regions import ListRegionsHandler
from lia_entrypoints.bootstrap import Runtime
from lia_entrypoints.http import create_app
from lia_entrypoints.settings import Settings

from .api_support import Client, Headers, problem

ACCESS_LOGGER = "lia_entrypoints.http.access"

SECRET_DETAIL = "password=hunter2 at /srv/lia/secret.py"


class ExplodingListFailures(ListFailuresHandler):
    """A use case that fails the way a bug would."""

    async def __call__(self, query: ListFailures) -> FailureListing:
        """Raise an unexpected error whose message must not reach the client."""
        raise RuntimeError(SECRET_DETAIL)


class UnreachableDatabase(ListRegionsHandler):
    """A catalogue whose database does not answer."""

    async def __call__(self) -> tuple[NamedRegion, ...]:
        """Raise as a dead connection pool would."""
        raise ConnectionRefusedError(SECRET_DETAIL)


async def test_health_is_ok_without_a_token(client: Client) -> None:
    """/health answers 200 with the database status and version, no token needed."""
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "version": __version__}


async def test_health_is_503_when_the_database_fails(settings: Settings, runtime: Runtime) -> None:
    """/health answers 503 problem details when the cheap query fails."""
    services = attrs.evolve(
        runtime.services, list_regions=UnreachableDatabase(runtime.services.list_regions.uow)
    )
    broken = attrs.evolve(runtime, services=services)
    async with AsyncTestClient(create_app(settings, runtime=broken)) as client:
        body = problem(await client.get("/health"), 503)
    assert SECRET_DETAIL not in body["detail"]


class DeadDatabase(ListRegionsHandler):
    """A catalogue whose database adapter reports itself unavailable, saying when to retry."""

    async def __call__(self) -> tuple[NamedRegion, ...]:
        """Raise as the SQL adapter does when the server refuses connections."""
        raise DatabaseUnavailable("the database does not answer", retry_after=4.2)


async def test_health_says_when_to_retry_when_the_database_is_unavailable(
    settings: Settings, runtime: Runtime
) -> None:
    """/health's 503 carries Retry-After when the adapter said how long to wait."""
    services = attrs.evolve(
        runtime.services, list_regions=DeadDatabase(runtime.services.list_regions.uow)
    )
    async with AsyncTestClient(
        create_app(settings, runtime=attrs.evolve(runtime, services=services))
    ) as client:
        response = await client.get("/health")
    problem(response, 503)
    assert response.headers["retry-after"] == "5"


async def test_openapi_lists_the_routes_and_the_bearer_scheme(client: Client) -> None:
    """The OpenAPI document is served with title, version, every route and the bearer scheme."""
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["info"] == {
        "title": "LIA",
        "version": __version__,
        "description": doc["info"]["description"],
    }
    assert set(doc["paths"]) >= {
        "/health",
        "/api/v1/auth/login",
        "/api/v1/failures",
        "/api/v1/failures/check",
        "/api/v1/failures/{failure_id}",
        "/api/v1/failures/{failure_id}/activate",
        "/api/v1/failures/{failure_id}/pause",
        "/api/v1/failures/{failure_id}/resume",
        "/api/v1/failures/{failure_id}/resolve",
        "/api/v1/failures/{failure_id}/cancel",
        "/api/v1/regions",
        "/api/v1/regions/{region_id}",
    }
    schemes = doc["components"]["securitySchemes"]
    assert [(s["type"], s["scheme"].lower()) for s in schemes.values()] == [("http", "bearer")]
    (scheme_name,) = schemes
    assert doc["paths"]["/api/v1/failures"]["post"]["security"] == [{scheme_name: []}]
    assert "security" not in doc["paths"]["/api/v1/auth/login"]["post"]
    create = doc["paths"]["/api/v1/failures"]["post"]
    assert create["operationId"] == "create_failure"
    for status in ("400", "401", "403", "422"):
        assert list(create["responses"][status]["content"]) == ["application/problem+json"], status
    edit = doc["paths"]["/api/v1/failures/{failure_id}"]["put"]
    assert edit["operationId"] == "edit_failure"
    assert (
        edit["requestBody"]["content"]["application/json"]["schema"]
        == create["requestBody"]["content"]["application/json"]["schema"]
    )
    assert {"401", "403", "404", "409", "422"} <= set(edit["responses"])
    failure_in = doc["components"]["schemas"]["FailureIn"]
    assert "ISP's timezone" in failure_in["properties"]["starts_at"]["description"]


async def test_unknown_route_and_method_are_problem_details(client: Client) -> None:
    """An unknown path is 404 and a wrong method 405, both as problem details."""
    assert problem(await client.get("/nowhere"), 404)["type"] == "about:blank"
    response = await client.delete("/health")
    problem(response, 405)
    assert "GET" in response.headers["allow"]


async def test_unexpected_error_is_500_without_internals(
    settings: Settings, runtime: Runtime, supervisor: Headers
) -> None:
    """A bug answers 500 problem details that reveal nothing, and is logged with its traceback."""
    services = attrs.evolve(
        runtime.services, list_failures=ExplodingListFailures(runtime.services.list_failures.uow)
    )
    broken = attrs.evolve(runtime, services=services)
    async with AsyncTestClient(create_app(settings, runtime=broken)) as client:
        with capture_logs() as logs:
            response = await client.get("/api/v1/failures", headers=supervisor)
    body = problem(response, 500)
    assert SECRET_DETAIL not in response.text
    assert "Traceback" not in response.text
    assert body["type"] == "about:blank"
    errors = [e for e in logs if e["event"] == "http.unhandled_error"]
    assert len(errors) == 1
    assert errors[0]["error"] == "RuntimeError"
    assert errors[0]["exc_info"] is not None


async def test_each_request_is_logged_once_with_its_outcome(
    client: Client, supervisor: Headers, caplog: pytest.LogCaptureFixture
) -> None:
    """The access log has one line per request with method, path, status and user."""
    caplog.set_level(logging.INFO, logger=ACCESS_LOGGER)
    with capture_logs() as logs:
        await client.get("/api/v1/failures", headers=supervisor)
        await client.get("/api/v1/failures")
    lines = [(e["method"], e["status"], e["user"]) for e in logs if e["event"] == "http.request"]
    assert lines == [("GET", 200, "sofia"), ("GET", 401, None)]


@pytest.mark.parametrize(
    ("level", "paths"),
    [
        (logging.DEBUG, ["/health", "/api/v1/failures"]),
        (logging.INFO, ["/api/v1/failures"]),
        (logging.WARNING, []),
    ],
)
async def test_the_access_log_follows_the_level(
    client: Client, caplog: pytest.LogCaptureFixture, level: int, paths: list[str]
) -> None:
    """/health is logged at DEBUG only, other requests at INFO; above INFO no line is built."""
    caplog.set_level(level, logger=ACCESS_LOGGER)
    with capture_logs() as logs:
        await client.get("/health")
        assert (await client.get("/api/v1/failures")).status_code == 401
    assert [e["path"] for e in logs if e["event"] == "http.request"] == paths
