"""`OPTIONS` answered with every method of the path, before guards and authentication.

Litestar 2 builds a path's default `OPTIONS` handler with the first handlers registered on
it, so `Allow` missed methods (`OPTIONS /api/v1/failures` said `OPTIONS, POST`), and the
handler inherited its controller's guards, which read a user that `OPTIONS` never has (500 on
`/api/v1/dlq`). This middleware answers from the finished route table instead.
"""

from __future__ import annotations

from litestar import Litestar
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.routes import HTTPRoute
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Receive,
    Scope,
    Send,
)

__all__ = ["AnswerOptions"]


def _allow(app: Litestar, handler: object) -> str | None:
    for route in app.routes:
        if isinstance(route, HTTPRoute) and any(h is handler for h in route.route_handlers):
            return ", ".join(sorted(route.methods))
    return None


class AnswerOptions(ASGIMiddleware):
    """Answer `OPTIONS` with 204 and the `Allow` header of the path's route."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Answer `OPTIONS` here; pass every other method on."""
        allow = None
        if scope.get("method") == "OPTIONS":
            allow = _allow(scope["litestar_app"], scope.get("route_handler"))
        if allow is None:
            await next_app(scope, receive, send)
            return
        start: HTTPResponseStartEvent = {
            "type": "http.response.start",
            "status": 204,
            "headers": [(b"allow", allow.encode("latin-1"))],
        }
        body: HTTPResponseBodyEvent = {
            "type": "http.response.body",
            "body": b"",
            "more_body": False,
        }
        await send(start)
        await send(body)
