"""`POST /api/v1/auth/login`: a username and password for a bearer token; and changing
one's own password (`POST /api/v1/auth/password`), which ends every older token."""

from __future__ import annotations

from typing import Any

from litestar import Request, post
from litestar.params import JSONBody

from lia_core.services import ChangePassword
from lia_entrypoints.http.auth import CREDENTIALS_CLAIM
from lia_entrypoints.http.context import (
    AuthRequest,
    JwtDep,
    ServicesDep,
    actor_of,
    login_attempt,
)
from lia_entrypoints.http.dto.auth import LoginIn, PasswordChangeIn, TokenOut
from lia_entrypoints.http.problems import problem_responses

__all__ = ["change_password", "login"]


@post(
    "/api/v1/auth/login",
    status_code=200,
    tags=["auth"],
    summary="Log in",
    responses=problem_responses(401, 422, 429),
)
async def login(
    data: JSONBody[LoginIn],
    request: Request[Any, Any, Any],
    services: ServicesDep,
    jwt_auth: JwtDep,
) -> TokenOut:
    """Check the credentials and return a bearer token; wrong ones get 401, and too many
    failures for the username or the client address 429 with `Retry-After`."""
    user = await services.authenticate(login_attempt(request, data.username, data.password))
    ttl = jwt_auth.default_token_expiration
    token = jwt_auth.create_token(
        identifier=user.username,
        token_extras={"role": user.role.value, CREDENTIALS_CLAIM: user.credentials_version},
    )
    return TokenOut(access_token=token, expires_in=int(ttl.total_seconds()))


@post(
    "/auth/password",
    status_code=204,
    tags=["auth"],
    summary="Change my password",
    responses=problem_responses(401, 422, 429),
)
async def change_password(
    data: JSONBody[PasswordChangeIn], request: AuthRequest, services: ServicesDep
) -> None:
    """Set a new password for the signed-in account; the current one is checked like a
    sign-in (401 when wrong, throttled alike), and every token issued before, this one
    included, stops working: log in again."""
    await services.change_password(
        ChangePassword(
            username=request.user.username,
            new_password=data.password,
            current_password=data.current_password,
            actor=actor_of(request),
        )
    )
