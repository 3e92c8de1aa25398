"""`/console/realtime`: the console's WebSocket on the session cookie, same-origin only."""

from __future__ import annotations

import json
from typing import Any

import pytest
from litestar.exceptions import WebSocketDisconnect

from lia_core.domain.realtime import RealtimeEvent, RealtimeKind
from lia_entrypoints.bootstrap import Runtime

from ..http.api_support import NOW, Client

PATH = "/console/realtime"


async def test_a_signed_in_page_listens_with_its_session(
    client: Client, admin_session: str, runtime: Runtime
) -> None:
    """The session cookie is the credential: ready, then the events."""
    with await client.websocket_connect(PATH, headers={"Origin": "http://testserver.local"}) as ws:
        ready = json.loads(ws.receive_text(timeout=5))
        assert (ready["type"], ready["user"], ready["role"]) == ("ready", "ana", "ADMIN")
        async with runtime.uow() as uow:
            uow.events.publish(
                RealtimeEvent(kind=RealtimeKind.AGENT_PRESENCE, at=NOW, agent="bia", status="away")
            )
            await uow.commit()
        (event,) = json.loads(ws.receive_text(timeout=5))["events"]
        assert (event["event"], event["data"]["status"]) == ("agent.presence", "away")


async def test_without_a_session_the_socket_is_closed_with_4401(client: Client) -> None:
    """No session cookie (or an expired one): the socket opens and closes at once with 4401, so
    the page can tell the person their session ended (a refused handshake reaches a browser
    as a bare 1006, which live.js retries for ever)."""
    sent: list[dict[str, Any]] = []
    arrived = iter([{"type": "websocket.connect"}])

    async def receive() -> dict[str, Any]:
        return next(arrived, {"type": "websocket.disconnect", "code": 1000})

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "ws",
        "path": PATH,
        "raw_path": PATH.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "subprotocols": [],
    }
    await client.app(scope, receive, send)
    assert [m["type"] for m in sent] == ["websocket.accept", "websocket.close"]
    assert sent[1]["code"] == 4401


async def test_a_page_of_another_origin_is_refused(client: Client, admin_session: str) -> None:
    """The browser sends the cookie with any site's socket: another Origin gets 4403."""
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        await client.websocket_connect(PATH, headers={"Origin": "https://evil.example"}) as ws,
    ):
        ws.receive_text(timeout=5)
    assert closed.value.code == 4403
