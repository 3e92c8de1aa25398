"""Read side of the inbound pipeline: a contact, the conversation list, one conversation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs

from lia_core.domain.assignments import Assignment
from lia_core.domain.conversations import (
    Contact,
    Conversation,
    ConversationStatus,
    StoredMessage,
)
from lia_core.domain.recipients import ContactKey, parse_contact
from lia_core.domain.tickets import EventKind, Ticket
from lia_core.errors import NotFound, ValidationError
from lia_core.ports import UnitOfWorkFactory

__all__ = [
    "ContactDetails",
    "ConversationDetails",
    "GetContactHandler",
    "GetConversationHandler",
    "ListConversations",
    "ListConversationsHandler",
    "StaffNote",
    "notes_of",
]

MAX_LIST = 500


def contact_key(raw: str) -> ContactKey:
    """How a typed phone finds its contact (``(31) 8765-4321`` and ``5531987654321`` alike)."""
    return parse_contact(raw, field="phone")


@attrs.frozen(kw_only=True)
class ContactDetails:
    """A contact and their conversations, most recent first."""

    contact: Contact
    conversations: tuple[Conversation, ...]


@attrs.frozen
class GetContactHandler:
    """`lia contact show PHONE`."""

    uow: UnitOfWorkFactory

    async def __call__(self, phone: str) -> ContactDetails:
        """Raises NotFound, or ValidationError for a malformed phone."""
        key = contact_key(phone)
        async with self.uow() as uow:
            contact = await uow.contacts.get(key)
            conversations = await uow.conversations.list(contact_phone=str(key), limit=MAX_LIST)
        return ContactDetails(contact=contact, conversations=tuple(conversations))


@attrs.frozen(kw_only=True)
class ListConversations:
    """Filter for the conversation list."""

    status: ConversationStatus | None = None
    phone: str | None = None
    limit: int = 50

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIST:
            raise ValidationError(f"limit must be between 1 and {MAX_LIST}", field="limit")


@attrs.frozen
class ListConversationsHandler:
    """`lia conversation list`."""

    uow: UnitOfWorkFactory

    async def __call__(self, query: ListConversations) -> Sequence[Conversation]:
        """Conversations, most recent message first."""
        phone = str(contact_key(query.phone)) if query.phone else None
        async with self.uow() as uow:
            return await uow.conversations.list(
                status=query.status, contact_phone=phone, limit=query.limit
            )


@attrs.frozen(kw_only=True)
class StaffNote:
    """A private note staff wrote about a conversation (kept on its ticket; never sent)."""

    ticket_id: str
    at: datetime
    by: str | None
    text: str


def notes_of(ticket: Ticket) -> tuple[StaffNote, ...]:
    """The private notes on *ticket*'s timeline, oldest first."""
    return tuple(
        StaffNote(ticket_id=ticket.id, at=e.at, by=e.by, text=e.reason or "")
        for e in ticket.timeline.events
        if e.kind is EventKind.PRIVATE_NOTE
    )


@attrs.frozen(kw_only=True)
class ConversationDetails:
    """A conversation and its last messages, oldest first, with its open ticket's notes."""

    conversation: Conversation
    messages: tuple[StoredMessage, ...]
    notes: tuple[StaffNote, ...] = ()
    """Private notes on the conversation's open ticket, oldest first (staff only)."""
    ticket: Ticket | None = None
    """The conversation's live (open or waiting) ticket, if it has one."""
    assignment: Assignment | None = None
    """Its place at the desk (queue, offer, agent), if it was ever handed to humans."""


@attrs.frozen
class GetConversationHandler:
    """`lia conversation show ID`."""

    uow: UnitOfWorkFactory

    async def __call__(self, conversation_id: str, *, limit: int = 100) -> ConversationDetails:
        """Raises NotFound."""
        if not 1 <= limit <= MAX_LIST:
            raise ValidationError(f"limit must be between 1 and {MAX_LIST}", field="limit")
        async with self.uow() as uow:
            conversation = await uow.conversations.get(conversation_id)
            messages = await uow.messages.for_conversation(conversation_id, limit=limit)
            live = await uow.tickets.live_for_conversations({conversation_id})
            try:
                assignment: Assignment | None = await uow.assignments.get(conversation_id)
            except NotFound:  # never handed to humans
                assignment = None
        ticket = live.get(conversation_id)
        return ConversationDetails(
            conversation=conversation,
            messages=tuple(messages),
            notes=notes_of(ticket) if ticket is not None else (),
            ticket=ticket,
            assignment=assignment,
        )
