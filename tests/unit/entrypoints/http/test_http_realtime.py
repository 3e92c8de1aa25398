"""The WebSocket `/api/v1/realtime`, in process: authentication, scoping, heartbeat, unsubscribe."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest
from litestar.exceptions import WebSocketDisconnect
from litestar.testing.websocket_test_session import WebSocketTestSession

from lia_core.domain.activity import Actor
from lia_core.domain.realtime import RealtimeEvent, RealtimeKind
from lia_core.domain.users import Role
from lia_core.services import UpdateUser
from lia_entrypoints.bootstrap import Runtime
from lia_entrypoints.settings import Settings

from .api_support import NOW, Client, Headers, login_as

PATH = "/api/v1/realtime"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The test settings with a 1-second heartbeat and a short wait for the auth message."""
    return Settings(
        _env_file=None,
        data_dir=tmp_path,
        jwt_secret="test-secret-" + "x" * 40,
        realtime={"heartbeat_seconds": 1, "auth_timeout_seconds": 0.5},
    )


@pytest.fixture
async def field_agent(client: Client, runtime: Runtime) -> Headers:
    """Auth header of an AGENT of the `suporte` department."""
    headers = await login_as(client, runtime, "artur", Role.AGENT)
    await runtime.services.update_user(
        UpdateUser(username="artur", actor=Actor.service("test"), departments=("suporte",))
    )
    return headers


def _token(headers: Headers) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


async def _publish(runtime: Runtime, *events: RealtimeEvent) -> None:
    async with runtime.uow() as uow:
        uow.events.publish(*events)
        await uow.commit()


def _frame(ws: WebSocketTestSession) -> dict[str, Any]:
    frame: dict[str, Any] = json.loads(ws.receive_text(timeout=5))
    return frame


def _events(ws: WebSocketTestSession, count: int) -> list[dict[str, Any]]:
    """The next *count* events, from as many `events` frames as they came in (heartbeats,
    which a slow machine can interleave at any time with the 1-second setting, skipped)."""
    events: list[dict[str, Any]] = []
    while len(events) < count:
        frame = _frame(ws)
        if frame["type"] == "heartbeat":
            continue
        assert frame["type"] == "events", frame
        events.extend(frame["events"])
    assert len(events) == count
    return events


def _event(kind: RealtimeKind, **fields: str) -> RealtimeEvent:
    return RealtimeEvent(kind=kind, at=NOW, **fields)  # type: ignore[arg-type]


async def test_a_bearer_header_opens_the_stream(
    client: Client, supervisor: Headers, runtime: Runtime
) -> None:
    """With the API's token in the header the socket says who is listening, then sends events."""
    with await client.websocket_connect(PATH, headers=supervisor) as ws:
        ready = _frame(ws)
        assert ready == {
            "type": "ready",
            "user": "sofia",
            "role": "SUPERVISOR",
            "departments": [],
            "heartbeat_seconds": 1.0,
        }
        await _publish(
            runtime,
            _event(
                RealtimeKind.TICKET_UPDATED, ticket_id="t-1", department="suporte", status="open"
            ),
        )
        assert _frame(ws) == {
            "type": "events",
            "events": [
                {
                    "event": "ticket.updated",
                    "data": {
                        "at": NOW.isoformat(),
                        "department": "suporte",
                        "ticket_id": "t-1",
                        "status": "open",
                    },
                }
            ],
        }


async def test_a_browser_authenticates_with_its_first_message(
    client: Client, supervisor: Headers, runtime: Runtime
) -> None:
    """Without a header the first message carries the token (browsers cannot set headers)."""
    with await client.websocket_connect(PATH) as ws:
        ws.send_json({"type": "auth", "token": _token(supervisor)})
        assert _frame(ws)["type"] == "ready"
        await _publish(runtime, _event(RealtimeKind.SLA_ALERT, ticket_id="t-9"))
        assert _events(ws, 1)[0]["event"] == "sla.alert"


@pytest.mark.parametrize(
    "first",
    [
        {"type": "auth", "token": "not-a-jwt"},
        {"type": "hello"},
        "plain text",
    ],
)
async def test_a_bad_first_message_closes_with_4401(client: Client, first: object) -> None:
    """A wrong token, a wrong message or no JSON at all: the socket closes with 4401."""
    with await client.websocket_connect(PATH) as ws:
        if isinstance(first, str):
            ws.send_text(first)
        else:
            ws.send_json(first)
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text(timeout=5)
    assert closed.value.code == 4401


async def test_a_wrong_header_or_silence_closes_with_4401(client: Client) -> None:
    """A header that is not a valid bearer token, or no auth message in time, closes with 4401."""
    for headers in ({"Authorization": "Bearer nope"}, {"Authorization": "Basic eDp5"}):
        assert await _close_code(client, headers) == 4401
    assert await _close_code(client, {}) == 4401


async def _close_code(client: Client, headers: Headers) -> int:
    """The code the server closes a socket opened with *headers* (and then silent) with."""
    with (
        await client.websocket_connect(PATH, headers=headers) as ws,
        pytest.raises(WebSocketDisconnect) as closed,
    ):
        ws.receive_text(timeout=5)
    return closed.value.code


async def test_an_agent_hears_only_their_departments_and_themselves(
    client: Client, field_agent: Headers, runtime: Runtime
) -> None:
    """An agent of `suporte` hears suporte's events and those naming them; nothing else."""
    with await client.websocket_connect(PATH, headers=field_agent) as ws:
        assert _frame(ws)["departments"] == ["suporte"]
        await _publish(
            runtime,
            _event(RealtimeKind.MESSAGE_RECEIVED, conversation_id="c-1", department="comercial"),
            _event(RealtimeKind.MESSAGE_RECEIVED, conversation_id="c-2"),
            _event(
                RealtimeKind.CONVERSATION_OFFERED,
                conversation_id="c-3",
                agent="bruno",
                department="comercial",
            ),
            _event(RealtimeKind.MESSAGE_RECEIVED, conversation_id="c-4", department="suporte"),
            _event(
                RealtimeKind.CONVERSATION_OFFERED,
                conversation_id="c-5",
                agent="artur",
                department="comercial",
            ),
            _event(
                RealtimeKind.CONVERSATION_TRANSFERRED,
                conversation_id="c-6",
                department="comercial",
                previous_department="suporte",
            ),
        )
        heard = [e["data"]["conversation_id"] for e in _events(ws, 3)]
        assert heard == ["c-4", "c-5", "c-6"]
        await _publish(
            runtime, _event(RealtimeKind.TICKET_UPDATED, ticket_id="t-1", department="comercial")
        )
        assert _frame(ws)["type"] == "heartbeat"  # the comercial ticket never came


async def test_a_quiet_socket_gets_heartbeats(client: Client, supervisor: Headers) -> None:
    """With nothing to send, a heartbeat frame comes every `heartbeat_seconds`."""
    with await client.websocket_connect(PATH, headers=supervisor) as ws:
        _frame(ws)
        started = time.monotonic()
        beat = _frame(ws)
        assert beat["type"] == "heartbeat"
        assert 0.5 < time.monotonic() - started < 3
        assert _frame(ws)["type"] == "heartbeat"


async def _subscribers_become(runtime: Runtime, expected: int) -> None:
    async with asyncio.timeout(10):
        while runtime.hub.subscribers != expected:  # noqa: ASYNC110 - the sockets live in another thread
            await asyncio.sleep(0.01)


async def test_a_hundred_dropped_sockets_leave_nothing_behind(
    client: Client, supervisor: Headers, runtime: Runtime
) -> None:
    """Open 100 sockets, drop them all: the subscriber count (and /metrics) returns to 0."""
    sessions = []
    for _ in range(100):
        ws = (await client.websocket_connect(PATH, headers=supervisor)).__enter__()
        assert _frame(ws)["type"] == "ready"
        sessions.append(ws)
    await _subscribers_become(runtime, 100)
    metrics = await client.get("/metrics")
    assert "lia_realtime_subscribers 100.0" in metrics.text
    for ws in sessions:
        ws.__exit__(None, None, None)
    await _subscribers_become(runtime, 0)
    metrics = await client.get("/metrics")
    assert "lia_realtime_subscribers 0.0" in metrics.text
