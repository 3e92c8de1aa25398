"""Request ids: `X-Request-Id` taken (or made) per HTTP request, echoed, bound to the logs.

A client or proxy may send `X-Request-Id`; a sane one (1 to 128 characters of letters,
digits and ``. _ : + = @ / -``) is kept, anything else is replaced by a generated id (32
hex digits) rather than refused: the header is a tracing aid, and a provider's webhook
must not bounce because a proxy on the way writes ids of another shape. The id is echoed
in the response's `X-Request-Id`, bound to every log line of the request (structlog
context variables), and read by the webhook routes to stamp the messages they store, so
the jobs those messages cause and the worker's provider calls carry it too.
"""

from __future__ import annotations

import re
import secrets
from contextvars import ContextVar

import structlog
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HEADER", "MAX_LENGTH", "RequestIds", "current_request_id", "read_request_id"]

HEADER = "X-Request-Id"
MAX_LENGTH = 128
"""The longest id kept (the width of the stored columns)."""
_RAW_HEADER = HEADER.lower().encode("latin-1")
_SANE = re.compile(rb"[A-Za-z0-9._:+=@/-]{1,128}")
_CURRENT: ContextVar[str | None] = ContextVar("lia_request_id", default=None)


def read_request_id(raw: bytes | None) -> tuple[str, bool]:
    """The id to use for a header value (None: absent), and whether the sent one was kept."""
    if raw is not None and _SANE.fullmatch(raw):
        return raw.decode("ascii"), True
    return secrets.token_hex(16), False  # a uuid4's 128 random bits, without the UUID object


def current_request_id() -> str | None:
    """The id of the HTTP request being handled in this context (None outside one)."""
    return _CURRENT.get()


class RequestIds(ASGIMiddleware):
    """Take or make each request's id, bind it to the logs and echo it in the response."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Run the request with its id in the context; add the header to the response."""
        raw = next((v for k, v in scope["headers"] if k == _RAW_HEADER), None)
        request_id, kept = read_request_id(raw)
        echoed = request_id.encode("ascii")

        async def echo(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), (_RAW_HEADER, echoed)]
            await send(message)

        token = _CURRENT.set(request_id)
        # bind/reset rather than bound_contextvars(): the same, without a context manager per request.
        bound = structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            if raw is not None and not kept:
                structlog.get_logger(__name__).info(
                    "http.request_id_replaced", sent_length=len(raw)
                )
            await next_app(scope, receive, echo)
        finally:
            structlog.contextvars.reset_contextvars(**bound)
            _CURRENT.reset(token)
