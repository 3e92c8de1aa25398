"""The console's cookies and headers: session, CSRF, Content-Security-Policy."""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping
from typing import Any

from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import MutableScopeHeaders
from litestar.middleware.session.client_side import ClientSideSessionBackend, CookieBackendConfig
from litestar.types import ASGIApp, Message, Receive, Scope, ScopeSession, Send

from lia_entrypoints.settings import Settings

__all__ = [
    "CONSOLE_PATH",
    "CSP",
    "CSRF_HEADER",
    "ChangedOnlySessionBackend",
    "SecurityHeaders",
    "csrf_config",
    "secure_headers",
    "session_config",
]

CONSOLE_PATH = "/console"
"""Where the console is served."""
CSRF_HEADER = "x-csrftoken"
"""The header htmx sends the CSRF token in (forms send the `_csrf_token` field)."""

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
"""No inline script or style, nothing from another origin, never framed."""

_HEADERS = (
    ("content-security-policy", CSP),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
    ("x-frame-options", "DENY"),
)


def _is_https(settings: Settings) -> bool:
    url = settings.http.public_url
    return url is not None and url.lower().startswith("https://")


def _derived_key(settings: Settings, purpose: bytes) -> bytes:
    # One secret (the token-signing key) yields independent keys per use: a leaked session
    # key does not forge API tokens, and rotating LIA_JWT_SECRET signs everyone out.
    return hashlib.sha256(b"lia console " + purpose + b"\0" + settings.jwt_key().encode()).digest()


def session_config(settings: Settings) -> CookieBackendConfig:
    """An encrypted cookie session (stateless: any replica reads it), HttpOnly and SameSite=Lax,
    Secure when the public URL is https, lasting as long as an API token."""
    return CookieBackendConfig(
        secret=_derived_key(settings, b"session"),
        key="lia_session",
        path=CONSOLE_PATH,
        max_age=settings.http.jwt_ttl_minutes * 60,
        secure=_is_https(settings),
        httponly=True,
        samesite="lax",
    )


_LOADED = "lia.session.loaded"


class ChangedOnlySessionBackend(ClientSideSessionBackend):
    """The encrypted cookie session, written back only by a response that changed it.

    Litestar's backend re-sends the whole cookie on every response. A console page keeps
    requests in flight (htmx polls, the live stream): one that read the cookie before a form
    post answered after it would send the old session back and erase the post's flash
    message, the sign-in's new credentials version, or bring back a shown flash. A request
    that did not touch the session now leaves the browser's cookie alone.
    """

    async def load_from_connection(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> dict[str, Any]:
        """The session from the cookie, remembered as loaded to compare against at the end."""
        data = await super().load_from_connection(connection)
        connection.scope.setdefault("state", {})[_LOADED] = dict(data)
        return data

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        """Set (or clear) the cookie only when this request changed the session."""
        loaded = connection.scope.get("state", {}).get(_LOADED)
        current = dict(scope_session) if isinstance(scope_session, dict) else {}
        if loaded and current == loaded:  # an empty one falls through: clears a stale cookie
            return
        await super().store_in_message(scope_session, message, connection)


def csrf_config(settings: Settings) -> CSRFConfig:
    """Double-submit CSRF tokens for every unsafe console request (form field or htmx header)."""
    return CSRFConfig(
        secret=_derived_key(settings, b"csrf").hex(),
        cookie_name="lia_csrf",
        cookie_path=CONSOLE_PATH,
        header_name=CSRF_HEADER,
        cookie_secure=_is_https(settings),
        cookie_httponly=True,
        cookie_samesite="lax",
    )


def secure_headers(headers: MutableMapping[str, str], *, static: bool = False) -> None:
    """Set the CSP and hardening headers; pages are never cached (they show live counts)."""
    for name, value in _HEADERS:
        headers[name] = value
    if not static:
        headers["cache-control"] = "no-store"


class SecurityHeaders:
    """ASGI middleware: the CSP and hardening headers on every console response, errors included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers to responses under the console path and to `/`."""
        path: str = scope.get("path", "")
        if not (path == "/" or path.startswith(CONSOLE_PATH)):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                secure_headers(
                    MutableScopeHeaders.from_message(message),
                    static=path.startswith(CONSOLE_PATH + "/static/"),
                )
            await send(message)

        await self.app(scope, receive, send_with_headers)
