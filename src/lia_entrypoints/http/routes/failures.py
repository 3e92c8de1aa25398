"""`/api/v1/failures`: declare, edit, list, look up, check a location, and the lifecycle actions."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from litestar import Controller, Response, get, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody, QueryParameter

from lia_core.domain.failures import FailureAction
from lia_core.services import (
    ChangeFailureStatus,
    FailureTab,
    ListFailures,
    ResolveAndBroadcast,
    Services,
)
from lia_entrypoints.http.auth import managers_only
from lia_entrypoints.http.context import AuthRequest, ServicesDep, TzDep, actor_of
from lia_entrypoints.http.dto.failures import CheckIn, FailureIn, NotifyIn, ResolveIn
from lia_entrypoints.http.problems import problem_responses
from lia_entrypoints.schemas.delivery import NoticeOut
from lia_entrypoints.schemas.failures import (
    CheckOut,
    FailureDetailsOut,
    FailureListOut,
    FailureOut,
    ResolutionOut,
)

__all__ = ["FailureController"]

_STATUS_DOC = "Tab: active (active + paused), scheduled, resolved (resolved + cancelled), all."
_ACTION_ERRORS = problem_responses(401, 403, 404, 409, 422)


async def _change(
    services: Services,
    request: AuthRequest,
    tz: ZoneInfo,
    failure_id: str,
    action: FailureAction,
    resolution_message: str | None = None,
) -> FailureOut:
    failure = await services.change_failure_status(
        ChangeFailureStatus(
            failure_id=failure_id,
            action=action,
            actor=actor_of(request),
            resolution_message=resolution_message,
        )
    )
    return FailureOut.of(failure, tz)


class FailureController(Controller):
    """Mass outages ("falhas massivas")."""

    path = "/failures"
    tags = ["failures"]

    @post(
        "/",
        guards=[managers_only],
        summary="Declare a failure",
        responses=problem_responses(401, 403, 409, 422),
    )
    async def create_failure(
        self, data: JSONBody[FailureIn], request: AuthRequest, services: ServicesDep, tz: TzDep
    ) -> FailureOut:
        """Register a failure: active now, or scheduled when `starts_at` is in the future."""
        failure = await services.declare_failure(data.to_command(actor=actor_of(request), tz=tz))
        return FailureOut.of(failure, tz)

    @get("/", summary="List failures", responses=problem_responses(401, 422))
    async def list_failures(
        self,
        services: ServicesDep,
        tz: TzDep,
        status: Annotated[FailureTab, QueryParameter(description=_STATUS_DOC)] = FailureTab.ACTIVE,
    ) -> FailureListOut:
        """One tab of the supervisor page, most recent start first, with the counts of every tab."""
        return FailureListOut.of(await services.list_failures(ListFailures(tab=status)), tz)

    @post(
        "/check", status_code=200, summary="Check a location", responses=problem_responses(401, 422)
    )
    async def check_location(
        self, data: JSONBody[CheckIn], services: ServicesDep, tz: TzDep
    ) -> CheckOut:
        """Which active failures cover a location (city and bairro, or CEP), most severe first."""
        query = data.to_query()
        return CheckOut.of(query.location, await services.check_location(query), tz)

    @get("/{failure_id:str}", summary="Get a failure", responses=problem_responses(401, 404))
    async def get_failure(
        self, failure_id: FromPath[str], services: ServicesDep, tz: TzDep
    ) -> FailureDetailsOut:
        """One failure by id, with how many contacts got its notice and its resolution."""
        return FailureDetailsOut.of_counts(await services.failure_details(failure_id), tz)

    @put(
        "/{failure_id:str}",
        guards=[managers_only],
        summary="Edit a scheduled failure",
        responses=_ACTION_ERRORS,
    )
    async def edit_failure(
        self,
        failure_id: FromPath[str],
        data: JSONBody[FailureIn],
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
    ) -> FailureOut:
        """Replace a scheduled failure's form (the body is the one that creates a failure): it
        stays scheduled, or becomes active at once when the new `starts_at` is omitted or past;
        409 once it is active, paused, resolved or cancelled."""
        failure = await services.edit_failure(
            data.to_edit(failure_id, actor=actor_of(request), tz=tz)
        )
        return FailureOut.of(failure, tz)

    @post(
        "/{failure_id:str}/activate",
        status_code=200,
        guards=[managers_only],
        summary="Activate a scheduled failure",
        responses=_ACTION_ERRORS,
    )
    async def activate_failure(
        self, failure_id: FromPath[str], request: AuthRequest, services: ServicesDep, tz: TzDep
    ) -> FailureOut:
        """Scheduled → active, now rather than at `starts_at`."""
        return await _change(services, request, tz, failure_id, FailureAction.ACTIVATE)

    @post(
        "/{failure_id:str}/pause",
        status_code=200,
        guards=[managers_only],
        summary="Pause an active failure",
        responses=_ACTION_ERRORS,
    )
    async def pause_failure(
        self, failure_id: FromPath[str], request: AuthRequest, services: ServicesDep, tz: TzDep
    ) -> FailureOut:
        """Active → paused: customers are no longer told about it until it resumes."""
        return await _change(services, request, tz, failure_id, FailureAction.PAUSE)

    @post(
        "/{failure_id:str}/resume",
        status_code=200,
        guards=[managers_only],
        summary="Resume a paused failure",
        responses=_ACTION_ERRORS,
    )
    async def resume_failure(
        self, failure_id: FromPath[str], request: AuthRequest, services: ServicesDep, tz: TzDep
    ) -> FailureOut:
        """Paused → active."""
        return await _change(services, request, tz, failure_id, FailureAction.RESUME)

    @post(
        "/{failure_id:str}/resolve",
        status_code=202,
        guards=[managers_only],
        summary="Resolve a failure and broadcast its resolution",
        responses=_ACTION_ERRORS,
    )
    async def resolve_failure(
        self,
        failure_id: FromPath[str],
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
        data: JSONBody[ResolveIn | None] = None,
    ) -> ResolutionOut:
        """Active or paused → resolved; with `broadcast` (default) the resolution message is
        queued for every contact that got the notice (202: the worker delivers them)."""
        body = data or ResolveIn()
        cmd = ResolveAndBroadcast(
            failure_id=failure_id,
            actor=actor_of(request),
            broadcast=body.broadcast,
            resolution_message=body.resolution_message,
        )
        return ResolutionOut.of(await services.resolve_and_broadcast(cmd), tz)

    @post(
        "/{failure_id:str}/notify",
        guards=[managers_only],
        summary="Notify a contact of a failure",
        responses={
            200: ResponseSpec(NoticeOut, description="The contact was already notified"),
            **_ACTION_ERRORS,
        },
    )
    async def notify_contact(
        self, failure_id: FromPath[str], data: JSONBody[NotifyIn], services: ServicesDep, tz: TzDep
    ) -> Response[NoticeOut]:
        """Queue an active failure's notice for one contact: 201, or 200 when already notified."""
        result = await services.notify_contact(data.to_command(failure_id))
        notice = NoticeOut.of(failure_id, result, tz)
        return Response(notice, status_code=201 if result.created else 200)

    @post(
        "/{failure_id:str}/cancel",
        status_code=200,
        guards=[managers_only],
        summary="Cancel a scheduled failure",
        responses=_ACTION_ERRORS,
    )
    async def cancel_failure(
        self, failure_id: FromPath[str], request: AuthRequest, services: ServicesDep, tz: TzDep
    ) -> FailureOut:
        """Scheduled → cancelled."""
        return await _change(services, request, tz, failure_id, FailureAction.CANCEL)
