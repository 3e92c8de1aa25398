"""Who acts through HTTP: the signed-in account with the client's address and user agent."""

from __future__ import annotations

from typing import Any

from litestar import Request

from lia_core.domain.activity import Actor
from lia_core.domain.users import User

__all__ = ["actor_of"]

_MAX_USER_AGENT = 500
"""The audit log keeps a user agent, not an unbounded header."""


def actor_of(request: Request[User, Any, Any]) -> Actor:
    """The audit log's actor for *request*: its account's username, client IP and user agent."""
    agent = request.headers.get("user-agent")
    return Actor(
        name=request.user.username,
        ip=request.client.host if request.client is not None else None,
        user_agent=agent[:_MAX_USER_AGENT] if agent else None,
    )
