"""`/api/v1/audit`: the audit log of staff actions, newest first. SUPERVISOR and ADMIN."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import get
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import QueryParameter

from lia_core.domain.users import User
from lia_core.services import ListActivity
from lia_core.services.activity import DEFAULT_ACTIVITY_LIMIT, MAX_ACTIVITY_LIMIT
from lia_entrypoints.http.auth import MANAGERS
from lia_entrypoints.http.context import ServicesDep, TzDep
from lia_entrypoints.http.dto.base import PLAIN_TEXT_PATTERN, SINCE_PATTERN
from lia_entrypoints.http.problems import problem_responses
from lia_entrypoints.schemas.activity import ActivityOut

__all__ = ["audit_readers", "list_activity"]

_SINCE_DOC = (
    "At or after: a duration ago (`30m`, `2h`, `7d`, `2w`) or ISO 8601 "
    "(without an offset, in the ISP's timezone)."
)


def audit_readers(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: supervisors and admins read the audit log."""
    user = connection.user
    if not isinstance(user, User) or user.role not in MANAGERS:
        raise PermissionDeniedException("the audit log needs the SUPERVISOR or ADMIN role")


@get(
    "/audit",
    guards=[audit_readers],
    tags=["audit"],
    summary="List the audit log",
    responses=problem_responses(401, 403, 422),
)
async def list_activity(
    services: ServicesDep,
    tz: TzDep,
    entity: Annotated[
        str | None,
        QueryParameter(
            max_length=64,
            pattern=PLAIN_TEXT_PATTERN,
            description="Only this kind of entity (`failure`, `region`, `ticket`, `user`, …).",
        ),
    ] = None,
    entity_id: Annotated[
        str | None,
        QueryParameter(
            max_length=255, pattern=PLAIN_TEXT_PATTERN, description="Only this entity's id."
        ),
    ] = None,
    user: Annotated[
        str | None,
        QueryParameter(
            max_length=128, pattern=PLAIN_TEXT_PATTERN, description="Only what this user did."
        ),
    ] = None,
    since: Annotated[
        str | None, QueryParameter(max_length=64, pattern=SINCE_PATTERN, description=_SINCE_DOC)
    ] = None,
    limit: Annotated[
        int, QueryParameter(ge=1, le=MAX_ACTIVITY_LIMIT, description="At most this many entries.")
    ] = DEFAULT_ACTIVITY_LIMIT,
) -> list[ActivityOut]:
    """Who did what (tickets, outages, regions, dead letters, users, rules), newest first."""
    query = ListActivity(entity=entity, entity_id=entity_id, user=user, since=since, limit=limit)
    return [ActivityOut.of(e, tz) for e in await services.list_activity(query)]
