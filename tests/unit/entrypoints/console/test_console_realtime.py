"""`/console/realtime`: the console's WebSocket on the session cookie, same-origin only."""

from __future__ import annotations

import json

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


async def test_without_a_session_the_socket_is_refused(client: Client) -> None:
    """No session cookie: the socket is closed before it opens."""
    with pytest.raises(WebSocketDisconnect), await client.websocket_connect(PATH) as ws:
        ws.receive_text(timeout=5)


async def test_a_page_of_another_origin_is_refused(client: Client, admin_session: str) -> None:
    """The browser sends the cookie with any site's socket: another Origin gets 4403."""
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        await client.websocket_connect(PATH, headers={"Origin": "https://evil.example"}) as ws,
    ):
        ws.receive_text(timeout=5)
    assert closed.value.code == 4403
