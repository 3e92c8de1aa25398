"""`/api/v1/handoffs`: the handoff ledger, newest first. SUPERVISOR and ADMIN."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import get
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import QueryParameter

from lia_core.domain.users import User
from lia_core.handoff import HandoffReason
from lia_core.services import ListHandoffs
from lia_core.services.handoffs import DEFAULT_HANDOFF_LIMIT, MAX_HANDOFF_LIMIT
from lia_entrypoints.http.auth import MANAGERS
from lia_entrypoints.http.context import ServicesDep, TzDep
from lia_entrypoints.http.dto.base import SINCE_PATTERN
from lia_entrypoints.http.problems import problem_responses
from lia_entrypoints.schemas.handoffs import HandoffOut

__all__ = ["handoff_readers", "list_handoffs"]

_SINCE_DOC = (
    "Handed at or after: a duration ago (`30m`, `2h`, `7d`, `2w`) or ISO 8601 "
    "(without an offset, in the ISP's timezone)."
)
_REASONS = "|".join(r.value for r in HandoffReason)


def handoff_readers(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: supervisors and admins read the ledger."""
    user = connection.user
    if not isinstance(user, User) or user.role not in MANAGERS:
        raise PermissionDeniedException("the handoff ledger needs the SUPERVISOR or ADMIN role")


@get(
    "/handoffs",
    guards=[handoff_readers],
    tags=["handoffs"],
    summary="List the handoff ledger",
    responses=problem_responses(401, 403, 422),
)
async def list_handoffs(
    services: ServicesDep,
    tz: TzDep,
    reason: Annotated[
        str | None,
        QueryParameter(
            max_length=32,
            pattern=f"^({_REASONS})$",
            description="Only this reason code.",
        ),
    ] = None,
    since: Annotated[
        str | None, QueryParameter(max_length=64, pattern=SINCE_PATTERN, description=_SINCE_DOC)
    ] = None,
    limit: Annotated[
        int, QueryParameter(ge=1, le=MAX_HANDOFF_LIMIT, description="At most this many entries.")
    ] = DEFAULT_HANDOFF_LIMIT,
) -> list[HandoffOut]:
    """Every handoff of a conversation to humans (reason, destination, who accepted, when)."""
    query = ListHandoffs(reason=reason, since=since, limit=limit)
    return [HandoffOut.of(e, tz) for e in await services.list_handoffs(query)]
