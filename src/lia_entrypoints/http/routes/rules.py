"""`/api/v1/rules`: the desk policy in force, its revisions, and loading a new one (ADMIN)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody, Parameter, PathParameter

from lia_entrypoints.http.auth import admins_only, managers_only
from lia_entrypoints.http.context import AuthRequest, ServicesDep, TzDep, actor_of
from lia_entrypoints.http.dto.desk_policy import DeskPolicyIn
from lia_entrypoints.http.problems import problem_responses
from lia_entrypoints.schemas.desk_policy import (
    DeskPolicyLoadOut,
    DeskPolicyOut,
    DeskPolicyRevisionOut,
    TicketExplanationOut,
)

__all__ = ["RulesController", "explain_ticket"]

RevisionPath = Annotated[int, PathParameter(ge=1, le=2**31 - 1, description="A revision number.")]


class RulesController(Controller):
    """The desk policy: escalation rules, SLA policies, the business calendar, alert channels."""

    path = "/rules"
    tags = ["rules"]
    guards = [managers_only]

    @get("/", summary="The desk policy in force", responses=problem_responses(401, 403))
    async def get_rules(self, services: ServicesDep, tz: TzDep) -> DeskPolicyOut:
        """The latest revision as stored, or the built-in policy (`builtin: true`) when none."""
        return DeskPolicyOut.of(await services.show_desk_policy(), tz)

    @get(
        "/history",
        summary="Desk-policy revisions",
        responses=problem_responses(401, 403, 422),
    )
    async def get_rules_history(
        self,
        services: ServicesDep,
        tz: TzDep,
        limit: Annotated[int, Parameter(ge=1, le=1000, description="Most revisions listed.")] = 50,
    ) -> list[DeskPolicyRevisionOut]:
        """Stored revisions, newest first."""
        return [DeskPolicyRevisionOut.of(r, tz) for r in await services.desk_policy_history(limit)]

    @get(
        "/{revision:int}",
        summary="One desk-policy revision",
        responses=problem_responses(401, 403, 404, 422),
    )
    async def get_rules_revision(
        self, revision: RevisionPath, services: ServicesDep, tz: TzDep
    ) -> DeskPolicyOut:
        """A stored revision as it was loaded."""
        return DeskPolicyOut.of(await services.show_desk_policy(revision), tz)

    @post(
        "/",
        guards=[admins_only],
        summary="Load a desk policy",
        responses={
            200: ResponseSpec(DeskPolicyLoadOut, description="Valid; not stored (dry run)"),
            **problem_responses(401, 403, 409, 422),
        },
    )
    async def load_rules(
        self, data: JSONBody[DeskPolicyIn], request: AuthRequest, services: ServicesDep, tz: TzDep
    ) -> Response[DeskPolicyLoadOut]:
        """Check the document and store it as the next revision (201); 422 lists each fault
        with its line. Every replica applies it within `LIA_DESK__POLICY_REFRESH_SECONDS`."""
        loaded = await services.load_desk_policy(data.to_command(actor_of(request)))
        status = 201 if loaded.revision is not None else 200
        return Response(DeskPolicyLoadOut.of(loaded, tz), status_code=status)


@get(
    "/tickets/{ticket_id:str}/explain",
    guards=[managers_only],
    tags=["rules"],
    summary="Explain the rules on a ticket",
    responses=problem_responses(401, 403, 404, 422),
)
async def explain_ticket(
    ticket_id: Annotated[
        str, PathParameter(min_length=1, max_length=64, description="The ticket's id.")
    ],
    services: ServicesDep,
    tz: TzDep,
) -> TicketExplanationOut:
    """Which rules of the desk policy in force match the ticket and why, and what they would
    do; nothing is changed."""
    return TicketExplanationOut.of(await services.explain_ticket(ticket_id), tz)
