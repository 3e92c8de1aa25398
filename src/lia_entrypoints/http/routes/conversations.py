"""`/api/v1/contacts` and `/api/v1/conversations`: who wrote, and what was said. Any role may read."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import FromPath, PathParameter, QueryParameter

from lia_core.domain.conversations import ConversationStatus
from lia_core.services import ListConversations
from lia_core.services.conversations import MAX_LIST
from lia_entrypoints.http.context import ServicesDep, TzDep
from lia_entrypoints.http.problems import problem_responses
from lia_entrypoints.schemas.conversations import (
    ContactDetailsOut,
    ConversationDetailsOut,
    ConversationOut,
)

__all__ = ["ContactController", "ConversationController"]

_PHONE_DOC = "The contact's phone in any format (`5531987654321`, `(31) 8765-4321`)."


class ContactController(Controller):
    """Contacts: the people who wrote to the ISP."""

    path = "/contacts"
    tags = ["conversations"]

    @get(
        "/{phone:str}",
        summary="Get a contact",
        responses=problem_responses(401, 404, 422),
    )
    async def get_contact(
        self,
        phone: Annotated[str, PathParameter(description=_PHONE_DOC)],
        services: ServicesDep,
        tz: TzDep,
    ) -> ContactDetailsOut:
        """The contact, their stored addresses and their conversations, most recent first."""
        return ContactDetailsOut.of(await services.get_contact(phone), tz)


class ConversationController(Controller):
    """Conversations: one chat per contact and channel, and its messages."""

    path = "/conversations"
    tags = ["conversations"]

    @get("/", summary="List conversations", responses=problem_responses(401, 422))
    async def list_conversations(
        self,
        services: ServicesDep,
        tz: TzDep,
        status: Annotated[
            ConversationStatus | None, QueryParameter(description="Only this status.")
        ] = None,
        phone: Annotated[str | None, QueryParameter(description=_PHONE_DOC)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIST, description="At most.")] = 50,
    ) -> list[ConversationOut]:
        """Conversations, most recent message first, filtered by status and contact."""
        query = ListConversations(status=status, phone=phone or None, limit=limit)
        return [ConversationOut.of(c, tz) for c in await services.list_conversations(query)]

    @get(
        "/{conversation_id:str}",
        summary="Get a conversation",
        responses=problem_responses(401, 404, 422),
    )
    async def get_conversation(
        self,
        conversation_id: FromPath[str],
        services: ServicesDep,
        tz: TzDep,
        limit: Annotated[
            int, QueryParameter(ge=1, le=MAX_LIST, description="The last this many messages.")
        ] = 100,
    ) -> ConversationDetailsOut:
        """The conversation and its last messages, oldest first."""
        details = await services.get_conversation(conversation_id, limit=limit)
        return ConversationDetailsOut.of(details, tz)
