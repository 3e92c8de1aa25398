"""`/api/v1/dlq`: dead letters: list, show, reprocess with filters (audited), the audit trail. ADMIN only."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath, JSONBody, QueryParameter

from lia_core.domain.delivery import JobName
from lia_core.domain.users import Role, User
from lia_core.ports import DeadLetterFilter
from lia_core.services import ReprocessDeadLetters
from lia_core.services.audit_queries import MAX_AUDIT_LIST
from lia_entrypoints.http.context import AuthRequest, ServicesDep, TzDep, actor_of, runtime_of
from lia_entrypoints.http.dto.base import OPTIONAL_INSTANT_PATTERN, read_instant
from lia_entrypoints.http.dto.delivery import ReprocessIn
from lia_entrypoints.http.problems import problem_responses
from lia_entrypoints.schemas.delivery import (
    AuditOut,
    DeadLetterDetailsOut,
    DeadLetterOut,
    ReprocessOut,
)

__all__ = ["DlqController", "admins_only"]

_SINCE_DOC = "Failed at or after (ISO 8601; without an offset, in the ISP's timezone)."
_UNTIL_DOC = "Failed before (ISO 8601; without an offset, in the ISP's timezone)."


def admins_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: only admins may pass."""
    user = connection.user
    if not isinstance(user, User) or user.role is not Role.ADMIN:
        raise PermissionDeniedException("the dead-letter queue needs the ADMIN role")


class DlqController(Controller):
    """Dead letters: messages given up on, with their cause."""

    path = "/dlq"
    tags = ["delivery"]
    guards = [admins_only]

    @get("/", summary="List dead letters", responses=problem_responses(401, 403, 422))
    async def list_dead_letters(
        self,
        services: ServicesDep,
        tz: TzDep,
        job_name: Annotated[JobName | None, QueryParameter(description="Only this job.")] = None,
        err_code: Annotated[str | None, QueryParameter(description="Only this error code.")] = None,
        since: Annotated[
            str | None, QueryParameter(description=_SINCE_DOC, pattern=OPTIONAL_INSTANT_PATTERN)
        ] = None,
        until: Annotated[
            str | None, QueryParameter(description=_UNTIL_DOC, pattern=OPTIONAL_INSTANT_PATTERN)
        ] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=10_000, description="At most.")] = 100,
    ) -> list[DeadLetterOut]:
        """Dead letters matching the filters, oldest failure first."""
        where = DeadLetterFilter(
            job_name=job_name,
            err_code=err_code or None,
            since=read_instant(since, tz, field="since") if since else None,
            until=read_instant(until, tz, field="until") if until else None,
        )
        return [
            DeadLetterOut.of(d, tz) for d in await services.list_dead_letters(where, limit=limit)
        ]

    @get("/audit", summary="List reprocessing runs", responses=problem_responses(401, 403, 422))
    async def list_dlq_audit(
        self,
        services: ServicesDep,
        tz: TzDep,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_AUDIT_LIST, description="At most.")] = 50,
    ) -> list[AuditOut]:
        """The audit trail of reprocessing runs, newest first."""
        return [AuditOut.of(e, tz) for e in await services.list_dlq_audit(limit=limit)]

    @post(
        "/reprocess",
        status_code=200,
        summary="Reprocess dead letters",
        responses=problem_responses(401, 403, 422),
    )
    async def reprocess_dead_letters(
        self, data: JSONBody[ReprocessIn], request: AuthRequest, services: ServicesDep, tz: TzDep
    ) -> ReprocessOut:
        """Requeue the matching dead letters (each job at most `LIA_DELIVERY__MAX_DLQ_REPROCESS` times); audited."""
        settings = runtime_of(request.app.state).settings
        cmd = ReprocessDeadLetters(
            where=data.to_filter(tz),
            actor=actor_of(request),
            dry_run=data.dry_run,
            max_reprocess=settings.delivery.max_dlq_reprocess,
            limit=data.limit,
        )
        return ReprocessOut.of_report(await services.reprocess_dead_letters(cmd), tz)

    @get("/{job_id:str}", summary="Get a dead letter", responses=problem_responses(401, 403, 404))
    async def get_dead_letter(
        self, job_id: FromPath[str], services: ServicesDep, tz: TzDep
    ) -> DeadLetterDetailsOut:
        """One dead letter with its job and message content."""
        return DeadLetterDetailsOut.of(await services.get_dead_letter(job_id), tz)
