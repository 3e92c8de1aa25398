"""`/api/v1/messages` (queue a message) and `/api/v1/outbox` (the jobs, and settling uncertain ones)."""

from __future__ import annotations

from typing import Annotated, Any

import attrs
from litestar import Controller, Response, get, post
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody, QueryParameter

from lia_core.domain.delivery import JobStatus
from lia_core.domain.users import User
from lia_core.services import ListOutbox, SettleJob
from lia_core.services.outbox import MAX_LIST
from lia_entrypoints.http.auth import MANAGERS
from lia_entrypoints.http.context import AuthRequest, ServicesDep, TzDep, actor_of
from lia_entrypoints.http.dto.delivery import MessageIn, SettleIn
from lia_entrypoints.http.problems import problem_responses
from lia_entrypoints.http.request_id import current_request_id
from lia_entrypoints.schemas.delivery import JobOut

__all__ = ["MessageController", "OutboxController"]


def senders_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: only supervisors and admins may send messages."""
    user = connection.user
    if not isinstance(user, User) or user.role not in MANAGERS:
        raise PermissionDeniedException("sending messages needs the SUPERVISOR or ADMIN role")


class MessageController(Controller):
    """Outbound messages."""

    path = "/messages"
    tags = ["delivery"]

    @post(
        "/",
        guards=[senders_only],
        summary="Queue a message",
        responses={
            200: ResponseSpec(JobOut, description="Already queued under this idempotency key"),
            **problem_responses(401, 403, 422),
        },
    )
    async def send_message(
        self, data: JSONBody[MessageIn], services: ServicesDep, tz: TzDep
    ) -> Response[JobOut]:
        """Queue a message for the worker: 201 with the new job, 200 with the one already queued."""
        command = attrs.evolve(data.to_command(), request_id=current_request_id())
        result = await services.enqueue_message(command)
        return Response(JobOut.of(result.job, tz), status_code=201 if result.created else 200)


class OutboxController(Controller):
    """The outbox: every job, pending, being sent, sent, retried or dead."""

    path = "/outbox"
    tags = ["delivery"]

    @get("/", summary="List outbox jobs", responses=problem_responses(401, 422))
    async def list_outbox(
        self,
        services: ServicesDep,
        tz: TzDep,
        status: Annotated[JobStatus | None, QueryParameter(description="Only this status.")] = None,
        to: Annotated[str | None, QueryParameter(description="Only this recipient.")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIST, description="At most.")] = 100,
    ) -> list[JobOut]:
        """Jobs, newest first, filtered by status and recipient."""
        query = ListOutbox(status=status, recipient=to.strip() if to else None, limit=limit)
        return [JobOut.of(j, tz) for j in await services.list_outbox(query)]

    @post(
        "/{job_id:str}/settle",
        status_code=200,
        guards=[senders_only],
        summary="Settle an uncertain job",
        responses=problem_responses(401, 403, 404, 409, 422),
    )
    async def settle_job(
        self,
        job_id: FromPath[str],
        data: JSONBody[SettleIn],
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
    ) -> JobOut:
        """An uncertain send was delivered (`sent`) or must go again (`resend`); 409 otherwise."""
        command = SettleJob(
            job_id=job_id,
            outcome=data.outcome,
            actor=actor_of(request),
            provider_message_id=data.provider_message_id,
        )
        return JobOut.of(await services.settle_job(command), tz)
