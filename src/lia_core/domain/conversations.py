"""Contacts, conversations and their messages, as the inbound pipeline keeps them."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime, timedelta

import attrs

from lia_core.domain.customers import CustomerAddress
from lia_core.domain.delivery import Channel, JobStatus
from lia_core.domain.inbound import InboundMessage, MessageKind, MessageStatus, ReceiptError
from lia_core.domain.recipients import ContactKey
from lia_core.errors import ValidationError

__all__ = [
    "Awaiting",
    "Contact",
    "Conversation",
    "ConversationStatus",
    "Direction",
    "GateMemory",
    "OutboundRef",
    "PendingInbound",
    "StoredMessage",
    "outbound_status",
]


class ConversationStatus(enum.StrEnum):
    """Who holds a conversation: the bot (active), the human queue, an agent, or nobody."""

    ACTIVE = "active"
    WAITING = "waiting"
    TRANSFERRED = "transferred"
    RESOLVED = "resolved"
    ARCHIVED = "archived"

    @classmethod
    def parse(cls, raw: str, *, field: str = "status") -> ConversationStatus:
        """Parse a status name, rejecting unknown ones."""
        try:
            return cls(raw.strip().lower())
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise ValidationError(
                f"unknown conversation status {raw!r}; use one of {names}", field=field
            ) from None


class Direction(enum.StrEnum):
    """From the customer, or to them."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


class Awaiting(enum.StrEnum):
    """The question the gate asked and is waiting to hear answered."""

    CEP = "cep"
    ADDRESS = "address"


@attrs.define(kw_only=True)
class Contact:
    """A person who wrote to the ISP, keyed by canonical phone (or provider identity)."""

    phone: ContactKey
    name: str = ""
    document: str | None = None
    crm_id: str | None = None
    addresses: tuple[CustomerAddress, ...] = ()
    """Where their contracts are: from the CRM, or the CEP they typed."""
    address_source: str | None = None
    """``crm`` or ``customer``."""
    address_checked_at: datetime | None = None
    last_interaction_at: datetime | None = None
    created_at: datetime
    updated_at: datetime

    def has_fresh_address(self, now: datetime, ttl: timedelta) -> bool:
        """Whether the stored addresses are recent enough to trust without asking again."""
        return (
            bool(self.addresses)
            and self.address_checked_at is not None
            and now - self.address_checked_at <= ttl
        )

    @property
    def primary_address(self) -> CustomerAddress | None:
        """The first known address (the flat columns of the contact table show it)."""
        return self.addresses[0] if self.addresses else None


@attrs.define(kw_only=True)
class GateMemory:
    """What the outage gate remembers between two messages of one conversation."""

    awaiting: Awaiting | None = None
    attempts: int = 0
    """How many answers to the pending question could not be understood."""
    options: tuple[CustomerAddress, ...] = ()
    """The addresses offered when asking which one the customer means."""
    outage_ids: tuple[str, ...] = ()
    """Failures that answered this conversation: it was marked as answered by the outage."""
    escaped: bool = False
    """The customer asked for a human while answered by the outage."""
    reminded_at: datetime | None = None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form for storage."""
        return {
            "awaiting": self.awaiting.value if self.awaiting else None,
            "attempts": self.attempts,
            "options": [attrs.asdict(o) for o in self.options],
            "outage_ids": list(self.outage_ids),
            "escaped": self.escaped,
            "reminded_at": self.reminded_at.isoformat() if self.reminded_at else None,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, object] | None) -> GateMemory:
        """Inverse of `to_dict` (None or {} is an empty memory)."""
        if not raw:
            return cls()
        awaiting = raw.get("awaiting")
        options = raw.get("options") or []
        outage_ids = raw.get("outage_ids") or []
        reminded_at = raw.get("reminded_at")
        attempts = raw.get("attempts") or 0
        if not isinstance(options, list) or not isinstance(outage_ids, list):
            raise ValueError("stored gate memory is corrupt: options and outage_ids must be lists")
        return cls(
            awaiting=Awaiting(str(awaiting)) if awaiting else None,
            attempts=int(str(attempts)),
            options=tuple(CustomerAddress(**o) for o in options),
            outage_ids=tuple(str(i) for i in outage_ids),
            escaped=bool(raw.get("escaped")),
            reminded_at=datetime.fromisoformat(str(reminded_at)) if reminded_at else None,
        )


@attrs.define(kw_only=True)
class Conversation:
    """One chat with a contact on one channel (one per channel and reply address)."""

    id: str
    channel: Channel
    chat_id: str
    """Where replies go: the id the platform gave."""
    contact_phone: str
    client_name: str = ""
    status: ConversationStatus = ConversationStatus.ACTIVE
    last_message: str = ""
    last_message_at: datetime
    created_at: datetime
    updated_at: datetime
    status_reason: str | None = None
    """Why it is in its status (e.g. why it went to the human queue)."""
    gate: GateMemory = attrs.field(factory=GateMemory)
    version: int = 0
    """Optimistic-concurrency version: 0 until first saved, then bumped by every save."""

    @property
    def answered_by_outage(self) -> bool:
        """Whether an outage notice answered this conversation."""
        return bool(self.gate.outage_ids)


@attrs.frozen(kw_only=True)
class PendingInbound:
    """A stored inbound message the gate has not handled yet."""

    id: str
    message: InboundMessage
    stored_at: datetime


@attrs.frozen(kw_only=True)
class StoredMessage:
    """A message of a conversation, either way, with its delivery status."""

    id: str
    conversation_id: str | None
    channel: Channel
    direction: Direction
    contact_phone: str
    kind: MessageKind
    text: str
    status: MessageStatus
    sent_at: datetime
    provider_message_id: str | None = None
    reply_id: str | None = None
    details: Mapping[str, str] = attrs.field(factory=dict)
    job_key: str | None = None
    """Outbound: the idempotency key of the outbox job that carries it (unique)."""
    error: ReceiptError | None = None
    status_at: datetime | None = None


@attrs.frozen(kw_only=True)
class OutboundRef:
    """Which stored outbound message an outbox job (or a provider id) carries: what a realtime
    event about its delivery names."""

    message_id: str
    conversation_id: str | None
    job_key: str
    channel: Channel
    """The job's channel (the one the provider id belongs to)."""
    provider_message_id: str | None = None


_JOB_TO_MESSAGE: Mapping[JobStatus, MessageStatus] = {
    JobStatus.PENDING: MessageStatus.PENDING,
    JobStatus.SENDING: MessageStatus.PENDING,
    JobStatus.UNCERTAIN: MessageStatus.PENDING,
    JobStatus.SENT: MessageStatus.SENT,
    JobStatus.DEAD: MessageStatus.FAILED,
}


def outbound_status(job: JobStatus | None, receipt: MessageStatus | None) -> MessageStatus:
    """An outbound message's status: the provider's latest receipt, else what its job says."""
    from_job = _JOB_TO_MESSAGE[job] if job is not None else MessageStatus.PENDING
    if receipt is None:
        return from_job
    return receipt if receipt.rank >= from_job.rank else from_job
