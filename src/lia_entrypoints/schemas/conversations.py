"""The public shapes of contacts, conversations and their messages (HTTP and ``--json``)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from lia_core.domain.conversations import (
    Awaiting,
    Contact,
    Conversation,
    ConversationStatus,
    Direction,
    GateMemory,
    StoredMessage,
)
from lia_core.domain.customers import CustomerAddress
from lia_core.domain.delivery import Channel
from lia_core.domain.inbound import MessageKind, MessageStatus, ReceiptError
from lia_core.services.conversations import ContactDetails, ConversationDetails, StaffNote
from lia_entrypoints.schemas.assignment import AssignmentOut
from lia_entrypoints.schemas.base import Out, local

__all__ = [
    "AddressOut",
    "ContactDetailsOut",
    "ContactOut",
    "ConversationDetailsOut",
    "ConversationOut",
    "GateOut",
    "MessageOut",
    "NoteOut",
    "ReceiptErrorOut",
]


class AddressOut(Out):
    """Where one contract is installed."""

    contract_id: str | None
    street: str | None
    number: str | None
    neighbourhood: str | None
    city: str | None
    state: str | None
    cep: str | None

    @classmethod
    def of(cls, address: CustomerAddress) -> AddressOut:
        """Render an address."""
        return cls(
            contract_id=address.contract_id,
            street=address.street,
            number=address.number,
            neighbourhood=address.neighbourhood,
            city=address.city,
            state=address.state,
            cep=address.cep,
        )


class ContactOut(Out):
    """A person who wrote to the ISP."""

    phone: str
    """Canonical E.164 digits without '+' (or a provider identity such as `…@lid`)."""
    name: str
    document: str | None
    crm_id: str | None
    addresses: list[AddressOut]
    address_source: str | None
    """Where the addresses came from: `crm`, or `customer` (the CEP they typed)."""
    address_checked_at: datetime | None
    """When the addresses were last looked up or given."""
    last_interaction_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, contact: Contact, tz: tzinfo) -> ContactOut:
        """Render a contact with its times in the ISP's timezone."""
        return cls(
            phone=str(contact.phone),
            name=contact.name,
            document=contact.document,
            crm_id=contact.crm_id,
            addresses=[AddressOut.of(a) for a in contact.addresses],
            address_source=contact.address_source,
            address_checked_at=local(contact.address_checked_at, tz),
            last_interaction_at=local(contact.last_interaction_at, tz),
            created_at=contact.created_at.astimezone(tz),
            updated_at=contact.updated_at.astimezone(tz),
        )


class GateOut(Out):
    """What the outage gate remembers about a conversation."""

    awaiting: Awaiting | None
    """The question asked and not yet answered: `cep` or `address`."""
    attempts: int
    """Answers to that question that could not be understood."""
    options: list[AddressOut]
    """The addresses offered when asking which one the customer means."""
    outage_ids: list[str]
    """The failures whose notice answered the conversation."""
    escaped: bool
    """The customer asked for a human while answered by an outage."""
    reminded_at: datetime | None

    @classmethod
    def of(cls, gate: GateMemory, tz: tzinfo) -> GateOut:
        """Render gate memory."""
        return cls(
            awaiting=gate.awaiting,
            attempts=gate.attempts,
            options=[AddressOut.of(a) for a in gate.options],
            outage_ids=list(gate.outage_ids),
            escaped=gate.escaped,
            reminded_at=local(gate.reminded_at, tz),
        )


class ConversationOut(Out):
    """One chat with a contact on one channel."""

    id: str
    channel: Channel
    chat_id: str
    """Where replies go: the id the platform gave."""
    contact_phone: str
    client_name: str
    status: ConversationStatus
    status_reason: str | None
    """Why it is in its status (e.g. why it went to the human queue)."""
    answered_by_outage: bool
    """An outage notice answered it (`gate.outage_ids` says which failures)."""
    last_message: str
    last_message_at: datetime
    created_at: datetime
    updated_at: datetime
    gate: GateOut

    @classmethod
    def of(cls, conversation: Conversation, tz: tzinfo) -> ConversationOut:
        """Render a conversation with its times in the ISP's timezone."""
        return cls(
            id=conversation.id,
            channel=conversation.channel,
            chat_id=conversation.chat_id,
            contact_phone=conversation.contact_phone,
            client_name=conversation.client_name,
            status=conversation.status,
            status_reason=conversation.status_reason,
            answered_by_outage=conversation.answered_by_outage,
            last_message=conversation.last_message,
            last_message_at=conversation.last_message_at.astimezone(tz),
            created_at=conversation.created_at.astimezone(tz),
            updated_at=conversation.updated_at.astimezone(tz),
            gate=GateOut.of(conversation.gate, tz),
        )


class ReceiptErrorOut(Out):
    """Why the provider could not deliver a message."""

    code: str
    title: str

    @classmethod
    def of(cls, error: ReceiptError) -> ReceiptErrorOut:
        """Render a receipt error."""
        return cls(code=error.code, title=error.title)


class MessageOut(Out):
    """A message of a conversation, either way, with its delivery status."""

    id: str
    conversation_id: str | None
    channel: Channel
    direction: Direction
    """`inbound` from the customer, `outbound` to them."""
    contact_phone: str
    kind: MessageKind
    text: str
    status: MessageStatus
    """Inbound messages are `RECEIVED`; outbound ones move PENDING → SENT → DELIVERED → READ."""
    status_at: datetime | None
    """When the status was last reported."""
    sent_at: datetime
    provider_message_id: str | None
    reply_id: str | None
    """The button or list row the customer chose."""
    details: dict[str, str]
    """Kind-specific metadata: media id and mime type, latitude and longitude, …"""
    job_key: str | None
    """Outbound: the idempotency key of the outbox job that carries it."""
    error: ReceiptErrorOut | None

    @classmethod
    def of(cls, message: StoredMessage, tz: tzinfo) -> MessageOut:
        """Render a stored message with its times in the ISP's timezone."""
        return cls(
            id=message.id,
            conversation_id=message.conversation_id,
            channel=message.channel,
            direction=message.direction,
            contact_phone=message.contact_phone,
            kind=message.kind,
            text=message.text,
            status=message.status,
            status_at=local(message.status_at, tz),
            sent_at=message.sent_at.astimezone(tz),
            provider_message_id=message.provider_message_id,
            reply_id=message.reply_id,
            details=dict(message.details),
            job_key=message.job_key,
            error=ReceiptErrorOut.of(message.error) if message.error else None,
        )


class ContactDetailsOut(Out):
    """A contact and their conversations, most recent first."""

    contact: ContactOut
    conversations: list[ConversationOut]

    @classmethod
    def of(cls, details: ContactDetails, tz: tzinfo) -> ContactDetailsOut:
        """Render a contact with its conversations."""
        return cls(
            contact=ContactOut.of(details.contact, tz),
            conversations=[ConversationOut.of(c, tz) for c in details.conversations],
        )


class NoteOut(Out):
    """A private note about a conversation, kept on its ticket's timeline (never sent)."""

    conversation_id: str
    ticket_id: str
    text: str
    by: str | None
    at: datetime

    @classmethod
    def of(cls, conversation_id: str, note: StaffNote, tz: tzinfo) -> NoteOut:
        """Render a note with its time in the ISP's timezone."""
        return cls(
            conversation_id=conversation_id,
            ticket_id=note.ticket_id,
            text=note.text,
            by=note.by,
            at=note.at.astimezone(tz),
        )


class ConversationDetailsOut(Out):
    """A conversation and its last messages, oldest first, and its open ticket's notes."""

    conversation: ConversationOut
    messages: list[MessageOut]
    notes: list[NoteOut]
    """Private notes on the conversation's open ticket, oldest first: staff only, never sent."""
    ticket_id: str | None = None
    """Its live (open or waiting) ticket, if it has one."""
    assignment: AssignmentOut | None = None
    """Its place at the desk (queue, offer, the agent holding it), once handed to humans."""

    @classmethod
    def of(cls, details: ConversationDetails, tz: tzinfo) -> ConversationDetailsOut:
        """Render a conversation with its messages."""
        return cls(
            conversation=ConversationOut.of(details.conversation, tz),
            messages=[MessageOut.of(m, tz) for m in details.messages],
            notes=[NoteOut.of(details.conversation.id, n, tz) for n in details.notes],
            ticket_id=details.ticket.id if details.ticket is not None else None,
            assignment=AssignmentOut.of(details.assignment, tz) if details.assignment else None,
        )
