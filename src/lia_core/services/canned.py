"""Canned responses: create, list, show, update, delete, and preview one for a conversation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from lia_core.domain.activity import Actor
from lia_core.domain.canned import CannedResponse, RenderedResponse, validate_key
from lia_core.domain.conversations import Conversation
from lia_core.domain.template_parts import TemplateButton, TemplateHeader
from lia_core.domain.tickets import Ticket
from lia_core.domain.users import Role, User
from lia_core.errors import ConcurrencyConflict, NotFound, NotPermitted
from lia_core.ports import Clock, IdGenerator, UnitOfWork, UnitOfWorkFactory
from lia_core.services.activity import record

__all__ = [
    "CannedResponses",
    "Preview",
    "SaveCannedResponse",
    "check_author",
    "conversation_values",
    "holder_of",
    "live_ticket",
]


def conversation_values(
    conversation: Conversation, *, agent: User, ticket: Ticket | None
) -> Mapping[str, str]:
    """What each canned-response variable says in *conversation*, replied to by *agent*."""
    name = " ".join(conversation.client_name.split())
    return {
        "contact.name": name,
        "contact.first_name": name.split(" ", 1)[0] if name else "",
        "agent.name": agent.full_name or agent.username,
        "conversation.id": conversation.id,
        "ticket.id": ticket.id if ticket is not None else "",
    }


async def live_ticket(uow: UnitOfWork, conversation_id: str) -> Ticket | None:
    """The conversation's open (or waiting) ticket, if it has one."""
    live = await uow.tickets.live_for_conversations({conversation_id})
    return live.get(conversation_id)


async def holder_of(uow: UnitOfWork, conversation_id: str) -> str | None:
    """The agent the conversation is assigned to, if any."""
    try:
        return (await uow.assignments.get(conversation_id)).assignee
    except NotFound:
        return None


def check_author(
    author: User, conversation_id: str, ticket: Ticket | None, *, holder: str | None = None
) -> None:
    """An agent writes only in conversations assigned to them or whose open ticket is in one
    of their departments.

    Supervisors and admins write anywhere; a disabled account nowhere.
    """
    if not author.is_active:
        raise NotPermitted(
            f"{author.username} is disabled", entity="conversation", entity_id=conversation_id
        )
    if author.role is not Role.AGENT or holder == author.username:
        return
    if ticket is None:
        raise NotPermitted(
            f"{author.username} may not write here: conversation {conversation_id} has no open "
            "ticket in a department of theirs",
            entity="conversation",
            entity_id=conversation_id,
        )
    if ticket.department not in author.departments:
        raise NotPermitted(
            f"{author.username} does not work in department {ticket.department!r}",
            entity="conversation",
            entity_id=conversation_id,
        )


@attrs.frozen(kw_only=True)
class SaveCannedResponse:
    """The content of a canned response, as created or as it replaces the stored one."""

    key: str
    title: str
    body: str
    whatsapp_template: str | None = None
    whatsapp_language: str = "pt_BR"
    whatsapp_header: TemplateHeader | None = None
    """The approved template's header parameter (variables allowed); needs the template."""
    whatsapp_buttons: tuple[TemplateButton, ...] = ()
    """The approved template's button parameters (variables allowed); need the template."""


@attrs.frozen(kw_only=True)
class Preview:
    """A canned response rendered for one conversation (nothing is sent)."""

    response: CannedResponse
    conversation_id: str
    rendered: RenderedResponse
    """The body, and the WhatsApp header and button parameters, filled for the conversation."""


@attrs.frozen
class CannedResponses:
    """The canned-response use cases; every change writes its audit entry in its transaction."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator

    async def create(self, command: SaveCannedResponse, actor: Actor) -> CannedResponse:
        """Save a new response. ValidationError naming the field; AlreadyExists for a used key."""
        now = self.clock.now()
        response = CannedResponse.create(
            key=command.key,
            title=command.title,
            body=command.body,
            whatsapp_template=command.whatsapp_template,
            whatsapp_language=command.whatsapp_language,
            whatsapp_header=command.whatsapp_header,
            whatsapp_buttons=command.whatsapp_buttons,
            by=actor.name,
            at=now,
        )
        async with self.uow() as uow:
            await uow.canned_responses.add(response)
            await record(
                uow,
                self.ids,
                actor,
                at=now,
                action="template.create",
                entity="template",
                entity_id=response.key,
                to_state=f"v{response.version}",
            )
            await uow.commit()
        return response

    async def list(self) -> Sequence[CannedResponse]:
        """Every response, by key."""
        async with self.uow() as uow:
            return await uow.canned_responses.list()

    async def get(self, key: str) -> CannedResponse:
        """One response. Raises NotFound."""
        async with self.uow() as uow:
            return await uow.canned_responses.get(validate_key(key))

    async def update(
        self, command: SaveCannedResponse, actor: Actor, *, expected_version: int | None = None
    ) -> CannedResponse:
        """Replace a response's content; ConcurrencyConflict when *expected_version* is stale."""
        now = self.clock.now()
        key = validate_key(command.key)
        async with self.uow() as uow:
            stored = await uow.canned_responses.get(key)
            if expected_version is not None and expected_version != stored.version:
                raise ConcurrencyConflict(entity="template", entity_id=key)
            changed = stored.changed(
                title=command.title,
                body=command.body,
                whatsapp_template=command.whatsapp_template,
                whatsapp_language=command.whatsapp_language,
                whatsapp_header=command.whatsapp_header,
                whatsapp_buttons=command.whatsapp_buttons,
                by=actor.name,
                at=now,
            )
            await uow.canned_responses.update(changed)
            await record(
                uow,
                self.ids,
                actor,
                at=now,
                action="template.update",
                entity="template",
                entity_id=key,
                from_state=f"v{stored.version}",
                to_state=f"v{changed.version}",
            )
            await uow.commit()
        return changed

    async def delete(self, key: str, actor: Actor, *, expected_version: int | None = None) -> None:
        """Delete a response. NotFound; ConcurrencyConflict when *expected_version* is stale."""
        now = self.clock.now()
        key = validate_key(key)
        async with self.uow() as uow:
            stored = await uow.canned_responses.get(key)
            if expected_version is not None and expected_version != stored.version:
                raise ConcurrencyConflict(entity="template", entity_id=key)
            await uow.canned_responses.remove(key)
            await record(
                uow,
                self.ids,
                actor,
                at=now,
                action="template.delete",
                entity="template",
                entity_id=key,
                from_state=f"v{stored.version}",
            )
            await uow.commit()

    async def preview(self, key: str, conversation_id: str, *, agent: User) -> Preview:
        """*key* rendered for *conversation_id* as *agent* would send it (NotFound, NotPermitted)."""
        async with self.uow() as uow:
            response = await uow.canned_responses.get(validate_key(key))
            conversation = await uow.conversations.get(conversation_id)
            ticket = await live_ticket(uow, conversation_id)
            holder = await holder_of(uow, conversation_id)
        check_author(agent, conversation_id, ticket, holder=holder)
        values = conversation_values(conversation, agent=agent, ticket=ticket)
        return Preview(
            response=response,
            conversation_id=conversation_id,
            rendered=response.render(values),
        )
