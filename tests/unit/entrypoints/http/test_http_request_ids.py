"""X-Request-Id: taken or made per request, echoed, and carried from a webhook to its job's
send: the request's log lines, the stored job and the worker's provider call share it."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import structlog
from litestar.testing import AsyncTestClient
from structlog.testing import capture_logs

from lia_adapters.memory import (
    FixedClock,
    InMemoryCustomerDirectory,
    InMemoryStore,
    PlainTextHasher,
    SequentialIds,
)
from lia_core.domain.customers import Customer, CustomerAddress
from lia_core.domain.delivery import JobStatus
from lia_entrypoints.bootstrap import Runtime, bootstrap
from lia_entrypoints.http import create_app
from lia_entrypoints.http.request_id import read_request_id
from lia_entrypoints.schemas.delivery import JobOut
from lia_entrypoints.settings import Settings

from .api_support import Client, Headers
from .test_http_webhooks import (
    APP_SECRET,
    COVERED,
    COVERED_WA_ID,
    outage,
    settle,
    signed,
    text_from,
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The WhatsApp webhook configured (no access token: replies go to the sandbox)."""
    return Settings(
        _env_file=None,
        data_dir=tmp_path,
        jwt_secret="test-secret-" + "x" * 40,
        whatsapp={"app_secret": APP_SECRET},
        inbound={"failures_max_age_seconds": 0, "commit_window_ms": 0},
    )


@pytest.fixture
async def runtime(settings: Settings, store: InMemoryStore, clock: FixedClock) -> Runtime:
    """Use cases over the in-memory store; the CRM places the customer in Teresópolis."""
    crm = InMemoryCustomerDirectory(
        (
            Customer(
                crm_id="c1",
                phone=COVERED,
                name="Maria Souza",
                addresses=(CustomerAddress(city="Teresópolis", neighbourhood="Alto"),),
            ),
        )
    )
    return await bootstrap(
        settings,
        uow=store.unit_of_work,
        clock=clock,
        ids=SequentialIds(),
        hasher=PlainTextHasher(),
        directory=crm,
    )


@pytest.fixture
async def client(settings: Settings, runtime: Runtime) -> AsyncIterator[Client]:
    """The app over the runtime."""
    async with AsyncTestClient(create_app(settings, runtime=runtime)) as test_client:
        yield test_client


async def test_a_webhook_its_job_and_the_provider_call_share_the_request_id(
    client: Client, runtime: Runtime, store: InMemoryStore, caplog: pytest.LogCaptureFixture
) -> None:
    """X-Request-Id: abc is echoed, stored on the outage notice the message causes, and on
    every log line of the request, of the job's send and of the sandbox provider's call."""
    caplog.set_level(logging.INFO)  # the access line is built only when INFO is logged
    await outage(runtime)
    raw, headers = signed(text_from(COVERED_WA_ID, "wamid.R1"))
    with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs:
        response = await client.post(
            "/webhooks/whatsapp", content=raw, headers={**headers, "X-Request-Id": "abc"}
        )
        await settle(client)
        assert response.status_code == 200
        assert response.headers["x-request-id"] == "abc"
        jobs = list(store.jobs.values())
        assert [j.context.request_id for j in jobs] == ["abc"]
        report = await runtime.services.dispatcher.run_once(owner="test")
    assert report.sent == 1
    assert store.jobs[jobs[0].id].status is JobStatus.SENT
    by_event = {e["event"]: e for e in logs}
    for event in ("http.request", "delivery.sent", "sandbox.sent"):
        assert by_event[event].get("request_id") == "abc", event
    assert by_event["sandbox.sent"]["job_id"] == jobs[0].id
    assert JobOut.of(store.jobs[jobs[0].id], runtime.settings.tz).request_id == "abc"


async def test_without_the_header_an_id_is_made_and_carried(
    client: Client, runtime: Runtime, store: InMemoryStore
) -> None:
    """No X-Request-Id: the response carries a generated one, and the job stores that one."""
    await outage(runtime)
    raw, headers = signed(text_from(COVERED_WA_ID, "wamid.R2"))
    response = await client.post("/webhooks/whatsapp", content=raw, headers=headers)
    await settle(client)
    made = response.headers["x-request-id"]
    assert read_request_id(made.encode()) == (made, True)
    assert [j.context.request_id for j in store.jobs.values()] == [made]


@pytest.mark.parametrize(
    "sent",
    [b"", b"a b", b"x" * 129, b"abc\xc3\xa9", b"<script>", b"id;drop"],
    ids=["empty", "space", "too-long", "non-ascii", "angle", "semicolon"],
)
def test_a_bad_id_is_replaced_not_refused(sent: bytes) -> None:
    """Empty, spaced, over 128 characters, non-ASCII or punctuation outside the set: a new id."""
    made, kept = read_request_id(sent)
    assert not kept
    assert made != sent.decode("utf-8", "replace")
    assert re.fullmatch(r"[0-9a-f]{32}", made)


@pytest.mark.parametrize(
    "sent",
    [b"abc", b"x" * 128, b"0f8fad5b-d9cb-469f-a165-70867728950e", b"req:1/2+3=4@edge_a.b"],
)
def test_a_sane_id_is_kept(sent: bytes) -> None:
    """Letters, digits and . _ : + = @ / - up to 128 characters are kept as sent."""
    assert read_request_id(sent) == (sent.decode(), True)


async def test_any_request_echoes_its_id_and_a_bad_one_is_logged(client: Client) -> None:
    """A bad id on /health is replaced (200, not an error), logged once; a good one echoed."""
    with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs:
        bad = await client.get("/health", headers={"X-Request-Id": "no spaces please"})
    assert bad.status_code == 200
    made = bad.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    replaced = [e for e in logs if e["event"] == "http.request_id_replaced"]
    assert replaced == [
        {
            "event": "http.request_id_replaced",
            "sent_length": 16,
            "request_id": made,
            "log_level": "info",
        }
    ]
    good = await client.get("/health", headers={"X-Request-Id": "trace-7"})
    assert good.headers["x-request-id"] == "trace-7"
    one, two = (await client.get("/health")), (await client.get("/health"))
    assert one.headers["x-request-id"] != two.headers["x-request-id"]


async def test_a_message_queued_through_the_api_stores_its_request_id(
    client: Client, supervisor: Headers
) -> None:
    """POST /api/v1/messages with X-Request-Id: api-7: the job JSON shows it, GET shows it too."""
    response = await client.post(
        "/api/v1/messages",
        json={"channel": "whatsapp", "to": "5521999990001", "text": "Olá!"},
        headers={**supervisor, "X-Request-Id": "api-7"},
    )
    assert response.status_code == 201
    assert response.headers["x-request-id"] == "api-7"
    assert response.json()["request_id"] == "api-7"
    listed = await client.get("/api/v1/outbox", headers=supervisor)
    assert [j["request_id"] for j in listed.json()] == ["api-7"]
