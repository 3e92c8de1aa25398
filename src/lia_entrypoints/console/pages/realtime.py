"""`/console/realtime`: the console pages' WebSocket to realtime events, on the session cookie.

The same stream as `/api/v1/realtime` (docs/realtime.md); the console's session (the
cookie is scoped to `/console`, so the API's path never receives it) says who listens. A
cookie rides along on any site's request, so a socket opened from another origin is refused
(4403): no page elsewhere can listen with a signed-in agent's session.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from litestar import WebSocket, websocket

from lia_core.domain.users import User
from lia_entrypoints.console.viewer import SESSION_EXPIRES
from lia_entrypoints.http.context import runtime_of
from lia_entrypoints.http.routes.realtime import UNAUTHORIZED, stream

__all__ = ["FORBIDDEN_ORIGIN", "console_realtime"]

FORBIDDEN_ORIGIN = 4403
"""Close code: the socket was opened by a page of another origin."""


@websocket("/realtime")
async def console_realtime(socket: WebSocket[Any, Any, Any]) -> None:
    """Push the signed-in user's events to the console's pages."""
    origin = socket.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != socket.headers.get("host"):
        await socket.close(code=FORBIDDEN_ORIGIN, reason="cross-origin socket")
        return
    user, session = socket.user, socket.scope.get("session")
    expires = session.get(SESSION_EXPIRES) if isinstance(session, dict) else None
    await socket.accept()
    if not isinstance(user, User) or not isinstance(expires, str):
        # Accepted first: a close before the handshake reaches the browser as a bare 1006,
        # and live.js would keep reconnecting an expired session instead of saying so.
        await socket.close(code=UNAUTHORIZED, reason="sign in to use the console")
        return
    # The session's expiry is on the runtime's clock, as ConsoleAuth reads it.
    clock = runtime_of(socket.app.state).clock
    await stream(socket, user, expires=datetime.fromisoformat(expires), now=clock.now)
