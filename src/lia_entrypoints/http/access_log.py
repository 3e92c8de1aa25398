"""One structured log line per HTTP request: method, path, status, duration, user."""

from __future__ import annotations

import logging
import time

import structlog
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from lia_core.domain.users import User
from lia_entrypoints.http.problems import status_for

__all__ = ["AccessLog"]

_NAME = "lia_entrypoints.http.access"
log = structlog.get_logger(_NAME)
_LEVELS = logging.getLogger(_NAME)
"""The stdlib logger under it: its level decides before the event is even built."""


class AccessLog(ASGIMiddleware):
    """Log ``http.request`` once per request (``/health`` at DEBUG) once its status is known."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Time the request and capture its status."""
        started = time.perf_counter()
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await next_app(scope, receive, capture)
        except Exception as exc:
            status = status_for(exc)
            raise
        finally:
            # Load balancers poll /health every few seconds: keep it out of the INFO stream.
            health = scope["path"] == "/health"
            # Under LIA_LOG_LEVEL=WARNING no line is written: skip building one (a webhook burst).
            if _LEVELS.isEnabledFor(logging.DEBUG if health else logging.INFO):
                user = scope.get("user")
                (log.debug if health else log.info)(
                    "http.request",
                    method=scope.get("method"),
                    path=scope["path"],
                    status=status,
                    duration_ms=round((time.perf_counter() - started) * 1000, 1),
                    user=user.username if isinstance(user, User) else None,
                )
