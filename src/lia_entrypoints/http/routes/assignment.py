"""`/api/v1/agents`, `/queues`, `/offers` (and `/{id}/accept|reject`), `/conversations/{id}/claim|…`."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import JSONBody, Parameter, PathParameter

from lia_core.assignment import AnswerOffer, Assign, Claim, Release, Transfer
from lia_core.domain.users import Role
from lia_core.errors import NotPermitted
from lia_entrypoints.http.context import AuthRequest, ServicesDep, TzDep, actor_of
from lia_entrypoints.http.dto.assignment import AssignIn, PresenceIn, ReleaseIn, TransferIn
from lia_entrypoints.http.dto.users import USERNAME_PATTERN
from lia_entrypoints.http.problems import problem_responses
from lia_entrypoints.schemas.assignment import AgentOut, AssignmentOut, OfferOut, QueueOut

__all__ = ["AgentController", "AssignmentController", "OfferController", "list_queues"]

_ID = "^[A-Za-z0-9._:-]{1,64}$"
ConversationPath = Annotated[str, PathParameter(pattern=_ID, description="The conversation's id.")]
OfferPath = Annotated[str, PathParameter(pattern=_ID, description="The offer's id.")]


class AgentController(Controller):
    """Agents and their presence."""

    path = "/agents"
    tags = ["agents"]

    @get("/", summary="List agents", responses=problem_responses(401))
    async def list_agents(self, services: ServicesDep, tz: TzDep) -> list[AgentOut]:
        """Every active account as an agent: presence now, load, capacity, offer counters."""
        return [AgentOut.of(v, tz) for v in await services.agents.list()]

    @post(
        "/me/presence",
        status_code=200,
        summary="Heartbeat: I am here, in this status",
        responses=problem_responses(401, 422),
    )
    async def heartbeat(
        self, data: JSONBody[PresenceIn], request: AuthRequest, services: ServicesDep, tz: TzDep
    ) -> AgentOut:
        """Send every 20 s or so; not heard from for the time limit (60 s) counts as offline."""
        view = await services.agents.heartbeat(request.user, data.status, actor_of(request))
        return AgentOut.of(view, tz)


@get("/queues", tags=["agents"], summary="Queue counts", responses=problem_responses(401, 422))
async def list_queues(
    request: AuthRequest,
    services: ServicesDep,
    department: Annotated[
        str | None, Parameter(max_length=64, description="Only this department.")
    ] = None,
) -> list[QueueOut]:
    """Mine / Unassigned / All per department, Mine counted for the caller."""
    counts = await services.queues.counts(request.user.username, department=department)
    return [QueueOut.of(c) for c in counts]


class OfferController(Controller):
    """Offers of conversations with a time limit."""

    path = "/offers"
    tags = ["agents"]

    @get("/", summary="List open offers", responses=problem_responses(401, 403, 422))
    async def list_offers(
        self,
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
        agent: Annotated[
            str | None,
            Parameter(
                max_length=64,
                pattern=USERNAME_PATTERN,
                description="Whose offers (SUPERVISOR, ADMIN); default: the caller's own.",
            ),
        ] = None,
    ) -> list[OfferOut]:
        """The open offers (pending, still in time), oldest first, with their ids to accept
        or reject; an AGENT sees only their own (403 for another's)."""
        user = request.user
        whose = agent.strip().lower() if agent and agent.strip() else user.username
        if whose != user.username and user.role is Role.AGENT:
            raise NotPermitted(
                "an agent sees only their own offers", entity="offer", entity_id=whose
            )
        return [OfferOut.of(o, tz) for o in await services.queues.offers(whose)]

    @post(
        "/{offer_id:str}/accept",
        status_code=200,
        summary="Accept an offer",
        responses=problem_responses(401, 403, 404, 409, 422),
    )
    async def accept(
        self, offer_id: OfferPath, request: AuthRequest, services: ServicesDep, tz: TzDep
    ) -> OfferOut:
        """The conversation becomes the caller's; 409 once the offer timed out or went elsewhere."""
        cmd = AnswerOffer(
            offer_id=offer_id, agent=request.user.username, accept=True, actor=actor_of(request)
        )
        return OfferOut.of(await services.claims.answer(cmd), tz)

    @post(
        "/{offer_id:str}/reject",
        status_code=200,
        summary="Reject an offer",
        responses=problem_responses(401, 403, 404, 409, 422),
    )
    async def reject(
        self, offer_id: OfferPath, request: AuthRequest, services: ServicesDep, tz: TzDep
    ) -> OfferOut:
        """The next candidate is offered it."""
        cmd = AnswerOffer(
            offer_id=offer_id, agent=request.user.username, accept=False, actor=actor_of(request)
        )
        return OfferOut.of(await services.claims.answer(cmd), tz)


class AssignmentController(Controller):
    """Claim, release, transfer and assign conversations."""

    path = "/conversations"
    tags = ["agents"]

    @post(
        "/{conversation_id:str}/claim",
        status_code=200,
        summary="Claim a conversation",
        responses=problem_responses(401, 403, 404, 409, 422),
    )
    async def claim(
        self,
        conversation_id: ConversationPath,
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
    ) -> AssignmentOut:
        """Take it from its queue; 409 when someone holds it (of two at once, one wins)."""
        cmd = Claim(
            conversation_id=conversation_id, agent=request.user.username, actor=actor_of(request)
        )
        return AssignmentOut.of(await services.claims.claim(cmd), tz)

    @post(
        "/{conversation_id:str}/release",
        status_code=200,
        summary="Release a conversation",
        responses=problem_responses(401, 403, 404, 409, 422),
    )
    async def release(
        self,
        conversation_id: ConversationPath,
        data: JSONBody[ReleaseIn],
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
    ) -> AssignmentOut:
        """Back to its queue (its holder or a supervisor)."""
        cmd = Release(
            conversation_id=conversation_id,
            by=request.user.username,
            actor=actor_of(request),
            reason=data.reason,
        )
        return AssignmentOut.of(await services.claims.release(cmd), tz)

    @post(
        "/{conversation_id:str}/transfer",
        status_code=200,
        summary="Transfer a conversation",
        responses=problem_responses(401, 403, 404, 409, 422),
    )
    async def transfer(
        self,
        conversation_id: ConversationPath,
        data: JSONBody[TransferIn],
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
    ) -> AssignmentOut:
        """To an agent, a department's queue, or an agent in that department; reason required."""
        cmd = Transfer(
            conversation_id=conversation_id,
            by=request.user.username,
            actor=actor_of(request),
            reason=data.reason,
            to_agent=data.to_agent,
            to_department=data.to_department,
        )
        return AssignmentOut.of(await services.claims.transfer(cmd), tz)

    @post(
        "/{conversation_id:str}/assign",
        status_code=200,
        summary="Assign a conversation (supervisors)",
        responses=problem_responses(401, 403, 404, 409, 422),
    )
    async def assign(
        self,
        conversation_id: ConversationPath,
        data: JSONBody[AssignIn],
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
    ) -> AssignmentOut:
        """A supervisor or admin gives it to an agent."""
        cmd = Assign(
            conversation_id=conversation_id,
            agent=data.agent,
            by=request.user.username,
            actor=actor_of(request),
            reason=data.reason,
        )
        return AssignmentOut.of(await services.claims.assign(cmd), tz)
