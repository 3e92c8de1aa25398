"""Who is signed in to the console: the session cookie → the active account, and role guards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.authentication import (
    AbstractAuthenticationMiddleware,
    AuthenticationResult,
)

from lia_core.domain.users import Role, User
from lia_core.errors import NotFound
from lia_entrypoints.http.context import runtime_of

__all__ = [
    "ROLE_LABELS",
    "SESSION_CREDENTIALS",
    "SESSION_EXPIRES",
    "SESSION_USER",
    "ConsoleAuth",
    "ConsoleSocketAuth",
    "admins",
    "managers",
    "may_manage",
]

SESSION_USER = "user"
"""Session key: the signed-in username."""
SESSION_EXPIRES = "expires"
"""Session key: when the sign-in stops being valid (ISO 8601, UTC), checked on the server."""
SESSION_CREDENTIALS = "cv"
"""Session key: the account's credentials version at sign-in (a password change ends it)."""

ROLE_LABELS = {Role.ADMIN: "Administrador", Role.SUPERVISOR: "Supervisor", Role.AGENT: "Agente"}
"""How each role is named on screen."""

_MANAGERS = frozenset({Role.ADMIN, Role.SUPERVISOR})


class ConsoleAuth(AbstractAuthenticationMiddleware):
    """Authenticate console requests from the session; no session → 401 (the login redirect)."""

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        """The account named by the session, if it is still valid and active."""
        raw = connection.scope.get("session")
        session: dict[str, Any] = raw if isinstance(raw, dict) else {}
        username, expires = session.get(SESSION_USER), session.get(SESSION_EXPIRES)
        if not isinstance(username, str) or not isinstance(expires, str):
            raise NotAuthorizedException("sign in to use the console")
        runtime = runtime_of(connection.app.state)
        # A cookie replayed after its sign-in lapsed is refused even if the browser kept it.
        if datetime.fromisoformat(expires) <= runtime.clock.now():
            raise NotAuthorizedException("the session has expired")
        try:
            user = await runtime.services.get_user(username)
        except NotFound:
            raise NotAuthorizedException("the account no longer exists") from None
        if not user.is_active:
            raise NotAuthorizedException("the account is disabled")
        if session.get(SESSION_CREDENTIALS, 0) != user.credentials_version:
            raise NotAuthorizedException("the password has changed since this sign-in")
        return AuthenticationResult(user=user, auth=session)


class ConsoleSocketAuth(ConsoleAuth):
    """`ConsoleAuth` for the console's WebSocket: a connection without a valid session gets no
    user instead of a refused handshake, so the socket can open and close with 4401 — a
    browser sees a refused handshake as a bare 1006 and cannot tell the person why."""

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        """The session's account, or no user."""
        try:
            return await super().authenticate_request(connection)
        except NotAuthorizedException:
            return AuthenticationResult(user=None, auth=None)


def may_manage(user: User) -> bool:
    """True for roles that may change failures and regions (supervisors and admins)."""
    return user.role in _MANAGERS


def _user(connection: ASGIConnection[Any, Any, Any, Any]) -> User:
    user = connection.user
    if not isinstance(user, User):
        raise NotAuthorizedException("sign in to use the console")
    return user


def managers(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: supervisors and admins only (agents see the outage pages read-only)."""
    if not may_manage(_user(connection)):
        raise PermissionDeniedException("Esta ação é restrita a supervisores e administradores.")


def admins(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: admins only (the outbox and the dead letters)."""
    if _user(connection).role is not Role.ADMIN:
        raise PermissionDeniedException("Esta página é restrita a administradores.")
