"""`/api/v1/nps`: survey answers and detractors' follow-ups.

Any staff account reads answers (an AGENT only those about themselves, like the desk's other
reads scoped to them); SUPERVISOR and ADMIN list, take and resolve follow-ups. A refused
move is 409 with the reason ("cannot take follow-up F: it is in progress (taken by sofia)"),
a missing or bad field 422 naming it.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath, JSONBody, QueryParameter

from lia_core.domain.feedback import FollowUpStatus
from lia_core.domain.users import User
from lia_core.nps import NpsCategory
from lia_core.services import ListFeedback, ListFollowUps
from lia_core.services.feedback import DEFAULT_FEEDBACK_LIMIT, MAX_FEEDBACK_LIMIT
from lia_entrypoints.http.auth import MANAGERS
from lia_entrypoints.http.context import AuthRequest, ServicesDep, TzDep, actor_of
from lia_entrypoints.http.dto.base import SINCE_PATTERN
from lia_entrypoints.http.dto.nps import ResolveFollowUpIn, TakeFollowUpIn
from lia_entrypoints.http.dto.users import USERNAME_PATTERN
from lia_entrypoints.http.problems import problem_responses
from lia_entrypoints.http.routes.tickets import IfMatch, expected_version
from lia_entrypoints.schemas.nps import FeedbackOut

__all__ = ["NpsController", "follow_up_managers"]

_SINCE_DOC = (
    "Answered at or after: a duration ago (`30m`, `2h`, `7d`, `2w`) or ISO 8601 "
    "(without an offset, in the ISP's timezone)."
)
_MOVE_ERRORS = problem_responses(401, 403, 404, 409, 422)

CategoryFilter = Annotated[
    str,
    QueryParameter(
        required=False,
        enum=["", *(c.value for c in NpsCategory)],
        description="Only answers in this category: detractor (0-6), passive (7-8), "
        "promoter (9-10).",
    ),
]
FollowUpFilter = Annotated[
    str,
    QueryParameter(
        required=False,
        enum=["", *(s.value for s in FollowUpStatus)],
        description="Only follow-ups in this status: pending, in_progress, resolved.",
    ),
]
Limit = Annotated[
    int,
    QueryParameter(ge=1, le=MAX_FEEDBACK_LIMIT, description="At most this many answers."),
]


def follow_up_managers(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: supervisors and admins follow detractors up."""
    user = connection.user
    if not isinstance(user, User) or user.role not in MANAGERS:
        raise PermissionDeniedException(
            "following up detractors needs the SUPERVISOR or ADMIN role"
        )


class NpsController(Controller):
    """NPS answers (`satisfaction_feedback`) and the follow-up of detractors (docs/nps.md)."""

    path = "/nps"
    tags = ["nps"]

    @get("/", summary="List NPS answers", responses=problem_responses(401, 403, 422))
    async def list_nps(
        self,
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
        category: CategoryFilter = "",
        agent: Annotated[
            str,
            QueryParameter(
                required=False,
                max_length=64,
                pattern=f"^(?:{USERNAME_PATTERN.strip('^$')})?$",
                description="Only the answers about this agent (an AGENT: only themselves).",
            ),
        ] = "",
        since: Annotated[
            str,
            QueryParameter(
                required=False, max_length=64, pattern=SINCE_PATTERN, description=_SINCE_DOC
            ),
        ] = "",
        limit: Limit = DEFAULT_FEEDBACK_LIMIT,
    ) -> list[FeedbackOut]:
        """Survey answers, newest first: score, category, comment, who and what they rate."""
        query = ListFeedback(category=category, agent=agent, since=since, limit=limit)
        found = await services.nps.list(query, viewer=request.user)
        return [FeedbackOut.of(f, tz) for f in found]

    @get(
        "/followups",
        guards=[follow_up_managers],
        summary="List detractors' follow-ups",
        responses=problem_responses(401, 403, 422),
    )
    async def list_nps_followups(
        self,
        services: ServicesDep,
        tz: TzDep,
        status: FollowUpFilter = "",
        limit: Limit = DEFAULT_FEEDBACK_LIMIT,
    ) -> list[FeedbackOut]:
        """Detractors' answers with their follow-ups, newest first. SUPERVISOR and ADMIN."""
        found = await services.nps.follow_ups(ListFollowUps(status=status, limit=limit))
        return [FeedbackOut.of(f, tz) for f in found]

    @post(
        "/followups/{feedback_id:str}/take",
        guards=[follow_up_managers],
        status_code=200,
        summary="Take a detractor's follow-up",
        responses=_MOVE_ERRORS,
    )
    async def take_nps_followup(
        self,
        feedback_id: FromPath[str],
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
        if_match: IfMatch = "",
        data: JSONBody[TakeFollowUpIn | None] = None,
    ) -> FeedbackOut:
        """pending → in_progress, the caller its handler; 409 unless pending."""
        taken = await services.nps.take(
            feedback_id,
            by=request.user,
            actor=actor_of(request),
            notes=data.notes if data is not None else None,
            expected_version=expected_version(if_match),
        )
        return FeedbackOut.of(taken, tz)

    @post(
        "/followups/{feedback_id:str}/resolve",
        guards=[follow_up_managers],
        status_code=200,
        summary="Resolve a detractor's follow-up",
        responses=_MOVE_ERRORS,
    )
    async def resolve_nps_followup(
        self,
        feedback_id: FromPath[str],
        data: JSONBody[ResolveFollowUpIn],
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
        if_match: IfMatch = "",
    ) -> FeedbackOut:
        """in_progress → resolved with notes and a handling score 1-5; 409 unless in progress."""
        resolved = await services.nps.resolve(
            feedback_id,
            by=request.user,
            actor=actor_of(request),
            notes=data.notes,
            score=data.score,
            expected_version=expected_version(if_match),
        )
        return FeedbackOut.of(resolved, tz)

    @get(
        "/{feedback_id:str}",
        summary="Get an NPS answer",
        responses=problem_responses(401, 403, 404),
    )
    async def get_nps_answer(
        self, feedback_id: FromPath[str], request: AuthRequest, services: ServicesDep, tz: TzDep
    ) -> FeedbackOut:
        """One answer with its follow-up (an AGENT: only the answers about themselves)."""
        return FeedbackOut.of(await services.nps.show(feedback_id, viewer=request.user), tz)
