"""Storage ports of the inbound pipeline: contacts, conversations, messages and receipts."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol

import attrs

from lia_core.domain.conversations import (
    Contact,
    Conversation,
    ConversationStatus,
    OutboundRef,
    PendingInbound,
    StoredMessage,
)
from lia_core.domain.delivery import Channel, MessageContent
from lia_core.domain.inbound import InboundMessage, StatusUpdate
from lia_core.domain.recipients import ContactKey

__all__ = [
    "ChatKey",
    "ContactRepository",
    "ConversationRepository",
    "ConversationRouter",
    "MessageRepository",
    "Routing",
]

ChatKey = tuple[Channel, str]
"""A conversation's identity: the channel and the reply address."""


class ContactRepository(Protocol):
    """People who wrote, keyed by canonical phone."""

    async def get(self, phone: ContactKey) -> Contact:
        """One contact. Raises NotFound."""
        ...

    async def get_many(self, phones: Collection[ContactKey]) -> Mapping[ContactKey, Contact]:
        """The known contacts among *phones*."""
        ...

    async def save_many(self, contacts: Sequence[Contact]) -> None:
        """Insert or replace contacts by phone (the phone is unique)."""
        ...


class ConversationRepository(Protocol):
    """Conversations, one per channel and reply address."""

    async def get(self, conversation_id: str) -> Conversation:
        """One conversation. Raises NotFound."""
        ...

    async def get_many(self, chats: Collection[ChatKey]) -> Mapping[ChatKey, Conversation]:
        """The known conversations among *chats*."""
        ...

    async def save_many(self, conversations: Sequence[Conversation]) -> None:
        """Insert new conversations (version 0) or replace known ones by id, bumping versions.

        The chat key stays unique: a new conversation for a stored chat key is skipped.

        Raises:
            ConcurrencyConflict: a known one was saved by someone else since it was read
                (its stored version differs), or a new one's id is taken.
        """
        ...

    async def list(
        self,
        *,
        status: ConversationStatus | None = None,
        contact_phone: str | None = None,
        limit: int = 50,
    ) -> Sequence[Conversation]:
        """Conversations, most recent message first."""
        ...


class MessageRepository(Protocol):
    """Messages both ways, and the providers' delivery receipts."""

    async def add_inbound(
        self, messages: Sequence[tuple[str, InboundMessage]], *, stored_at: datetime
    ) -> Sequence[PendingInbound]:
        """Store (id, message) pairs; return only the new ones (a redelivery is skipped)."""
        ...

    async def unprocessed(self, *, stored_before: datetime, limit: int) -> Sequence[PendingInbound]:
        """Inbound messages the gate has not handled, stored before *stored_before*, oldest first."""
        ...

    async def claim_unprocessed(
        self, *, now: datetime, lease_until: datetime, limit: int
    ) -> Sequence[PendingInbound]:
        """Lease up to *limit* unhandled inbound messages to the caller until *lease_until*.

        Oldest first, and never a message another caller's lease (one ending after *now*)
        holds, nor one whose chat has a message under such a lease: one gate at a time per
        conversation, so its messages are handled in order. Concurrent callers never get
        the same message.
        """
        ...

    async def mark_processed(self, handled: Mapping[str, str], *, at: datetime) -> None:
        """Record that the gate handled messages (message id → its conversation id)."""
        ...

    async def add_outbound(self, messages: Sequence[StoredMessage]) -> int:
        """Store replies, skipping those whose job key is known; return how many were new."""
        ...

    async def for_conversation(
        self, conversation_id: str, *, limit: int
    ) -> Sequence[StoredMessage]:
        """The last *limit* messages of a conversation, oldest first, with current statuses."""
        ...

    async def outbound_by_job_key(self, job_key: str) -> StoredMessage | None:
        """The outbound message its job carries under *job_key*, with its current status."""
        ...

    async def last_inbound_at(self, conversation_id: str) -> datetime | None:
        """The provider's timestamp (``sent_at``) of the conversation's latest inbound message.

        None when the customer has not written in it (or the gate has not handled it yet).
        """
        ...

    async def record_receipts(self, updates: Sequence[StatusUpdate]) -> Sequence[StatusUpdate]:
        """Store delivery receipts, never moving a status backwards; return those that moved one
        (one per message: its highest of *updates*)."""
        ...

    async def outbound_refs(
        self,
        *,
        job_keys: Sequence[str] = (),
        provider_ids: Sequence[tuple[Channel, str]] = (),
    ) -> Sequence[OutboundRef]:
        """The stored outbound messages carried by the jobs with *job_keys*, or whose jobs were
        sent with *provider_ids* (on that channel); messages without a job are not found."""
        ...


@attrs.frozen(kw_only=True)
class Routing:
    """Where the normal flow put a conversation, and what (if anything) to answer."""

    status: ConversationStatus
    reason: str
    reply: MessageContent | None = None


class ConversationRouter(Protocol):
    """The normal flow after the gate: a bot, a handoff policy, or the human queue."""

    async def route(self, conversation: Conversation, message: InboundMessage) -> Routing:
        """Decide the conversation's next holder for *message*.

        May be asked again about the same message: the gate re-decides a batch whose
        conversations someone changed before it could write, so routing has no side effect.
        """
        ...
