"""Bearer-token authentication (Litestar's JWTAuth) and the role guards."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.security.jwt import JWTAuth, Token

from lia_core.domain.users import Role, User
from lia_core.errors import NotFound
from lia_entrypoints.http.context import runtime_of
from lia_entrypoints.settings import Settings

__all__ = [
    "CREDENTIALS_CLAIM",
    "MANAGERS",
    "admins_only",
    "build_jwt_auth",
    "managers_only",
    "retrieve_user",
]

MANAGERS = frozenset({Role.ADMIN, Role.SUPERVISOR})
"""Roles allowed to manage failures and the region catalogue."""
CREDENTIALS_CLAIM = "cv"
"""The token claim holding the account's credentials version when it was issued."""


async def retrieve_user(
    token: Token, connection: ASGIConnection[Any, Any, Any, Any]
) -> User | None:
    """The active account named by the token's subject, or None (the request is then refused):
    a disabled account, or a token issued before the password last changed, gets 401."""
    try:
        user = await runtime_of(connection.app.state).services.get_user(token.sub)
    except NotFound:
        return None
    # A version, not the issue time: `iat` has whole seconds, and a token issued in the
    # second of a password change would otherwise pass or fail by luck.
    version = token.extras.get(CREDENTIALS_CLAIM, 0)
    return user if user.is_active and version == user.credentials_version else None


def build_jwt_auth(settings: Settings) -> JWTAuth[User, Token]:
    """The JWT configuration: HS256 with the settings' key and token lifetime."""
    return JWTAuth[User, Token](
        token_secret=settings.jwt_key(),
        retrieve_user_handler=retrieve_user,
        default_token_expiration=timedelta(minutes=settings.http.jwt_ttl_minutes),
        description="A token from `POST /api/v1/auth/login`, sent as `Authorization: Bearer …`.",
    )


def managers_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: only supervisors and admins may pass."""
    user = connection.user
    if not isinstance(user, User) or user.role not in MANAGERS:
        raise PermissionDeniedException(
            "managing failures and regions needs the SUPERVISOR or ADMIN role"
        )


def admins_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: only admins may pass (staff accounts, the desk policy)."""
    user = connection.user
    if not isinstance(user, User) or user.role is not Role.ADMIN:
        raise PermissionDeniedException("this needs the ADMIN role")
