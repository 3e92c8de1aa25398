"""`POST /api/v1/auth/login`: exchange a username and password for a bearer token."""

from __future__ import annotations

from litestar import post
from litestar.params import JSONBody

from lia_core.services import Authenticate
from lia_entrypoints.http.context import JwtDep, ServicesDep
from lia_entrypoints.http.dto.auth import LoginIn, TokenOut
from lia_entrypoints.http.problems import problem_responses

__all__ = ["login"]


@post(
    "/api/v1/auth/login",
    status_code=200,
    tags=["auth"],
    summary="Log in",
    responses=problem_responses(401, 422),
)
async def login(data: JSONBody[LoginIn], services: ServicesDep, jwt_auth: JwtDep) -> TokenOut:
    """Check the credentials and return a bearer token; wrong ones get 401."""
    user = await services.authenticate(Authenticate(username=data.username, password=data.password))
    ttl = jwt_auth.default_token_expiration
    token = jwt_auth.create_token(identifier=user.username, token_extras={"role": user.role.value})
    return TokenOut(access_token=token, expires_in=int(ttl.total_seconds()))
