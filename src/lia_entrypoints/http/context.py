"""Where handlers find the runtime and the inbound pipeline: the app state, filled at startup."""

from __future__ import annotations

from typing import Annotated, Any, TypeAlias, cast
from zoneinfo import ZoneInfo

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import Dependency
from litestar.params import SkipValidationMarker
from litestar.security.jwt import JWTAuth, Token

from lia_core.domain.activity import Actor
from lia_core.domain.users import User
from lia_core.services import Authenticate, Services
from lia_entrypoints.bootstrap import Runtime
from lia_entrypoints.inbound import InboundRuntime

__all__ = [
    "INBOUND_KEY",
    "RUNTIME_KEY",
    "TZ_KEY",
    "AuthRequest",
    "JwtDep",
    "ServicesDep",
    "TzDep",
    "actor_of",
    "inbound_of",
    "login_attempt",
    "provide_services",
    "provide_tz",
    "runtime_of",
]

RUNTIME_KEY = "runtime"
"""App-state key of the `Runtime`."""
INBOUND_KEY = "inbound"
"""App-state key of the `InboundRuntime`."""
TZ_KEY = "tz"
"""App-state key of the ISP's timezone."""

USER_AGENT_MAX = 512
"""Characters of a User-Agent kept in the audit log: enough to tell browsers and scripts
apart, and a client cannot fill the table with one header."""

_NAMED = Dependency(kind="named")
ServicesDep: TypeAlias = Annotated[Services, _NAMED, SkipValidationMarker()]
"""Handler parameter `services`: the use cases."""
TzDep: TypeAlias = Annotated[ZoneInfo, _NAMED, SkipValidationMarker()]
"""Handler parameter `tz`: the ISP's timezone."""
JwtDep: TypeAlias = Annotated[JWTAuth[User, Token], _NAMED, SkipValidationMarker()]
"""Handler parameter `jwt_auth`: the token issuer."""
AuthRequest: TypeAlias = Request[User, Token, Any]
"""A request that passed authentication: ``request.user`` is the account."""


def runtime_of(state: State) -> Runtime:
    """The app's runtime; raises RuntimeError before startup has built it."""
    runtime = state.get(RUNTIME_KEY)
    if not isinstance(runtime, Runtime):
        raise RuntimeError("the LIA runtime is not ready (app not started)")
    return runtime


def inbound_of(state: State) -> InboundRuntime:
    """The app's inbound pipeline; raises RuntimeError before startup has started it."""
    inbound = state.get(INBOUND_KEY)
    if not isinstance(inbound, InboundRuntime):
        raise RuntimeError("the inbound pipeline is not running (app not started)")
    return inbound


def provide_services(state: State) -> Services:
    """Dependency: the use cases."""
    return runtime_of(state).services


def provide_tz(state: State) -> ZoneInfo:
    """Dependency: the ISP's timezone, in which times are read and shown."""
    return cast(ZoneInfo, state[TZ_KEY])


def login_attempt(
    connection: ASGIConnection[Any, Any, Any, Any], username: str, password: str
) -> Authenticate:
    """A sign-in from this connection: the client's address and agent go to the throttle."""
    agent = connection.headers.get("user-agent", "").strip()
    return Authenticate(
        username=username,
        password=password,
        address=connection.client.host if connection.client else None,
        user_agent=agent[:USER_AGENT_MAX] or None,
    )


def actor_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    """Who acts in an authenticated request (API or console): the account, address and agent."""
    user = connection.user
    if not isinstance(user, User):
        raise RuntimeError("actor_of needs an authenticated request")
    agent = connection.headers.get("user-agent", "").strip()
    return Actor(
        name=user.username,
        ip=connection.client.host if connection.client else None,
        user_agent=agent[:USER_AGENT_MAX] or None,
    )
