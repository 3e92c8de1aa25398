"""A database that does not answer is a 503 with Retry-After, on the API and on the webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import pytest
import structlog
from litestar.testing import AsyncTestClient

from lia_adapters.sql import SqlRateGate, SqlUnitOfWorkFactory, create_engine
from lia_adapters.sql.errors import RETRY_AFTER_SECONDS
from lia_core.errors import DatabaseUnavailable
from lia_entrypoints.bootstrap import bootstrap
from lia_entrypoints.http import create_app
from lia_entrypoints.settings import Settings

from ...unit.adapters.webhooks.cloud_payloads import TEXT, body, change
from ..delivery.processes import free_port

APP_SECRET = "meta-app-secret"


def dead_url(kind: str, tmp_path: Path) -> str:
    """A PostgreSQL server on a closed local port, or a SQLite file in a missing directory."""
    if kind == "postgres":
        return f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test"
    return f"sqlite+aiosqlite:///{tmp_path}/missing/lia.db"


@pytest.mark.parametrize("kind", ["postgres", "sqlite"])
async def test_unit_of_work_on_a_dead_database_is_unavailable(kind: str, tmp_path: Path) -> None:
    """Entering a unit of work on a database that cannot be reached raises DatabaseUnavailable."""
    engine = create_engine(dead_url(kind, tmp_path))
    try:
        with pytest.raises(DatabaseUnavailable) as info:
            async with SqlUnitOfWorkFactory(engine)() as uow:
                await uow.users.list()
    finally:
        await engine.dispose()
    assert info.value.retry_after == RETRY_AFTER_SECONDS


@pytest.mark.parametrize("kind", ["postgres", "sqlite"])
async def test_api_and_webhook_answer_503_with_retry_after(kind: str, tmp_path: Path) -> None:
    """Login (an API route) and a signed WhatsApp webhook both answer 503 + Retry-After, not 500."""
    url = dead_url(kind, tmp_path)
    settings = Settings(
        _env_file=None,
        database_url=url,
        data_dir=tmp_path,
        whatsapp={"app_secret": APP_SECRET},
        inbound={"commit_window_ms": 0},
    )
    engine = create_engine(url)
    runtime = await bootstrap(settings, uow=SqlUnitOfWorkFactory(engine))
    raw = json.dumps(body(change(TEXT))).encode()
    signature = hmac.new(APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    try:
        async with AsyncTestClient(create_app(settings, runtime=runtime)) as client:
            login = await client.post(
                "/api/v1/auth/login", json={"username": "sofia", "password": "x" * 12}
            )
            webhook = await client.post(
                "/webhooks/whatsapp",
                content=raw,
                headers={
                    "X-Hub-Signature-256": f"sha256={signature}",
                    "Content-Type": "application/json",
                },
            )
    finally:
        await engine.dispose()
    for response in (login, webhook):
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"] == "5"
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert problem["type"] == "urn:lia:problem:unavailable"
        assert "127.0.0.1" not in problem["detail"]  # the driver's words stay in the log


@pytest.mark.parametrize("kind", ["postgres", "sqlite"])
async def test_health_answers_503_with_retry_after_and_logs_no_traceback(
    kind: str, tmp_path: Path
) -> None:
    """A load balancer polling /health during an outage gets 503 + Retry-After; the log says it in one line."""
    url = dead_url(kind, tmp_path)
    settings = Settings(_env_file=None, database_url=url, data_dir=tmp_path)
    engine = create_engine(url)
    runtime = await bootstrap(settings, uow=SqlUnitOfWorkFactory(engine))
    try:
        async with AsyncTestClient(create_app(settings, runtime=runtime)) as client:
            with structlog.testing.capture_logs() as logs:
                response = await client.get("/health")
    finally:
        await engine.dispose()
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    [line] = [e for e in logs if e["event"] == "health.database_unavailable"]
    assert line["log_level"] == "warning"
    assert "exc_info" not in line
    assert line["cause"]  # the driver's first line, for the operator


@pytest.mark.parametrize("kind", ["postgres", "sqlite"])
async def test_the_shared_rate_gate_on_a_dead_database_is_unavailable(
    kind: str, tmp_path: Path
) -> None:
    """A send slot asked of a database that cannot be reached raises DatabaseUnavailable."""
    engine = create_engine(dead_url(kind, tmp_path))
    try:
        with pytest.raises(DatabaseUnavailable) as info:
            await SqlRateGate(engine).take("whatsapp", count=1, rate=10, burst=1, max_wait=1)
    finally:
        await engine.dispose()
    assert info.value.retry_after == RETRY_AFTER_SECONDS
