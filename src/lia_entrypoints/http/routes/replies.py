"""`/api/v1/conversations/{id}/messages|notes` (agents' replies and private notes) and
`/api/v1/templates` (canned responses). Any role reads templates; SUPERVISOR and ADMIN change
them; an AGENT writes only in conversations of their departments (403 otherwise)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, delete, get, post, put
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, HeaderParameter, JSONBody, PathParameter

from lia_core.domain.users import Role, User
from lia_core.errors import IdempotencyKeyReused
from lia_core.services.conversations import notes_of
from lia_entrypoints.http.context import AuthRequest, ServicesDep, TzDep, actor_of
from lia_entrypoints.http.dto.replies import (
    KEY_PATTERN,
    PreviewIn,
    ReplyIn,
    TemplateIn,
    TemplateUpdateIn,
)
from lia_entrypoints.http.dto.tickets import NoteIn
from lia_entrypoints.http.problems import problem_responses
from lia_entrypoints.http.routes.tickets import IfMatch, expected_version
from lia_entrypoints.schemas.conversations import NoteOut
from lia_entrypoints.schemas.replies import PreviewOut, ReplyOut, TemplateOut

__all__ = ["ReplyController", "TemplateController"]

KeyPath = Annotated[
    str, PathParameter(pattern=KEY_PATTERN, description="The canned response's key.")
]
IDEMPOTENCY_KEY = "Idempotency-Key"
IdempotencyKey = Annotated[
    str,
    HeaderParameter(
        name=IDEMPOTENCY_KEY,
        required=False,
        description=(
            "The client's key for this reply (1-255 visible ASCII characters): a retry with the "
            "same key and the same body queues nothing and answers 200 with the reply queued "
            "the first time (its current status); the same key with another body or in another "
            "conversation is refused, 422 naming `Idempotency-Key`. Keys belong to the account "
            "sending them (another account's same key is its own) and do not expire."
        ),
    ),
]


def _editors_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: canned responses are written by supervisors and admins."""
    user = connection.user
    if not isinstance(user, User) or user.role is Role.AGENT:
        raise PermissionDeniedException("changing canned responses needs SUPERVISOR or ADMIN")


class ReplyController(Controller):
    """What agents write in a conversation: replies to the customer and private notes."""

    path = "/conversations"
    tags = ["conversations"]

    @post(
        "/{conversation_id:str}/messages",
        status_code=201,
        summary="Reply to the customer",
        responses={
            200: ResponseSpec(
                ReplyOut,
                description="Already queued under this `Idempotency-Key` (same body): the "
                "reply queued the first time, nothing queued again",
            ),
            **problem_responses(401, 403, 404, 409, 422),
        },
    )
    async def reply_to_conversation(
        self,
        conversation_id: FromPath[str],
        data: JSONBody[ReplyIn],
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
        idempotency_key: IdempotencyKey = "",
    ) -> Response[ReplyOut]:
        """Queue a reply through the outbox: the message is `PENDING` until the provider
        confirms it, then `SENT`, `DELIVERED`, `READ` from its receipts. 409 on WhatsApp
        after the 24-hour customer-service window (counted from the provider's time of the
        customer's last message) for a free text, or a template naming no approved WhatsApp
        template; 403 for an agent outside the conversation's department. With an
        `Idempotency-Key`, a retry answers 200 with the reply already queued."""
        command = data.to_command(conversation_id, idempotency_key=idempotency_key or None)
        try:
            sent = await services.replies.reply(
                command, author=request.user, actor=actor_of(request)
            )
        except IdempotencyKeyReused as reused:
            raise reused.named(IDEMPOTENCY_KEY) from None
        return Response(ReplyOut.of(sent, tz), status_code=201 if sent.created else 200)

    @post(
        "/{conversation_id:str}/notes",
        status_code=201,
        summary="Add a private note",
        responses=problem_responses(401, 403, 404, 409, 422),
    )
    async def add_conversation_note(
        self,
        conversation_id: FromPath[str],
        data: JSONBody[NoteIn],
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
    ) -> NoteOut:
        """A note for staff on the conversation's open ticket; never sent to the customer.
        409 when the conversation has no open ticket."""
        ticket = await services.replies.note(
            conversation_id, data.text, author=request.user, actor=actor_of(request)
        )
        return NoteOut.of(conversation_id, notes_of(ticket)[-1], tz)


class TemplateController(Controller):
    """Canned responses agents reply with, and their preview in a conversation."""

    path = "/templates"
    tags = ["templates"]

    @get("/", summary="List canned responses", responses=problem_responses(401))
    async def list_templates(self, services: ServicesDep, tz: TzDep) -> list[TemplateOut]:
        """Every canned response, by key."""
        return [TemplateOut.of(r, tz) for r in await services.canned.list()]

    @post(
        "/",
        guards=[_editors_only],
        summary="Create a canned response",
        responses=problem_responses(401, 403, 409, 422),
    )
    async def create_template(
        self, data: JSONBody[TemplateIn], request: AuthRequest, services: ServicesDep, tz: TzDep
    ) -> TemplateOut:
        """Save a new canned response; 409 when the key is taken, 422 naming the field for an
        unknown variable."""
        return TemplateOut.of(
            await services.canned.create(data.to_command(), actor_of(request)), tz
        )

    @get("/{key:str}", summary="Get a canned response", responses=problem_responses(401, 404, 422))
    async def get_template(self, key: KeyPath, services: ServicesDep, tz: TzDep) -> TemplateOut:
        """One canned response."""
        return TemplateOut.of(await services.canned.get(key), tz)

    @put(
        "/{key:str}",
        guards=[_editors_only],
        summary="Replace a canned response",
        responses=problem_responses(401, 403, 404, 409, 422),
    )
    async def replace_template(
        self,
        key: KeyPath,
        data: JSONBody[TemplateUpdateIn],
        request: AuthRequest,
        services: ServicesDep,
        tz: TzDep,
        if_match: IfMatch = "",
    ) -> TemplateOut:
        """Replace the content (one version up); 409 when `If-Match` names an older version."""
        updated = await services.canned.update(
            data.to_command(key), actor_of(request), expected_version=expected_version(if_match)
        )
        return TemplateOut.of(updated, tz)

    @delete(
        "/{key:str}",
        guards=[_editors_only],
        summary="Delete a canned response",
        responses=problem_responses(401, 403, 404, 409, 422),
    )
    async def delete_template(
        self, key: KeyPath, request: AuthRequest, services: ServicesDep, if_match: IfMatch = ""
    ) -> None:
        """Delete it (204); 409 when `If-Match` names an older version."""
        await services.canned.delete(
            key, actor_of(request), expected_version=expected_version(if_match)
        )

    @post(
        "/{key:str}/preview",
        status_code=200,
        summary="Preview a canned response in a conversation",
        responses=problem_responses(401, 403, 404, 422),
    )
    async def preview_template(
        self, key: KeyPath, data: JSONBody[PreviewIn], request: AuthRequest, services: ServicesDep
    ) -> PreviewOut:
        """The text as it would be sent in the conversation, and the variables that would be
        empty there (nothing is sent)."""
        preview = await services.canned.preview(key, data.conversation_id, agent=request.user)
        return PreviewOut.of(preview)
