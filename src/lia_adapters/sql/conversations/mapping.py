"""Conversions between inbound-pipeline objects and rows of the `conversation_tables`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import attrs

from lia_adapters.sql.base import Row
from lia_core.domain.conversations import (
    Contact,
    Conversation,
    ConversationStatus,
    Direction,
    GateMemory,
    PendingInbound,
    StoredMessage,
    outbound_status,
)
from lia_core.domain.customers import CustomerAddress
from lia_core.domain.delivery import Channel, JobStatus
from lia_core.domain.inbound import (
    InboundMessage,
    MessageKind,
    MessageStatus,
    ReceiptError,
    StatusUpdate,
)
from lia_core.domain.recipients import load_contact

__all__ = [
    "contact_from_row",
    "contact_values",
    "conversation_from_row",
    "conversation_values",
    "inbound_values",
    "outbound_values",
    "pending_from_row",
    "receipt_values",
    "stored_message_from_row",
]


def _details(raw: Mapping[str, object] | None) -> dict[str, str]:
    return {str(name): str(value) for name, value in (raw or {}).items()}


def contact_values(contact: Contact) -> dict[str, object]:
    """Every column of a `contacts` row for *contact* (the flat ones show its first address)."""
    first = contact.primary_address or CustomerAddress()
    street = ", ".join(part for part in (first.street, first.number) if part)
    return {
        "phone": str(contact.phone),
        "name": contact.name,
        "document": contact.document,
        "crm_id": contact.crm_id,
        "addresses": [attrs.asdict(address) for address in contact.addresses],
        "address_source": contact.address_source,
        "address_checked_at": contact.address_checked_at,
        "address": street or None,
        "city": first.city,
        "neighbourhood": first.neighbourhood,
        "state": first.state,
        "cep": first.cep,
        "last_interaction_at": contact.last_interaction_at,
        "created_at": contact.created_at,
        "updated_at": contact.updated_at,
    }


def contact_from_row(row: Row) -> Contact:
    """The contact stored in a `contacts` row."""
    return Contact(
        phone=load_contact(row["phone"]),
        name=row["name"],
        document=row["document"],
        crm_id=row["crm_id"],
        addresses=tuple(CustomerAddress(**address) for address in row["addresses"]),
        address_source=row["address_source"],
        address_checked_at=row["address_checked_at"],
        last_interaction_at=row["last_interaction_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def conversation_values(conversation: Conversation) -> dict[str, object]:
    """Every column of a `conversations` row for *conversation*."""
    return {
        "id": conversation.id,
        "channel": conversation.channel.value,
        "chat_id": conversation.chat_id,
        "contact_phone": conversation.contact_phone,
        "client_name": conversation.client_name,
        "status": conversation.status.value,
        "status_reason": conversation.status_reason,
        "last_message": conversation.last_message,
        "last_message_at": conversation.last_message_at,
        "gate": conversation.gate.to_dict(),
        "answered_by_outage": conversation.answered_by_outage,
        "created_at": conversation.created_at,
        "updated_at": conversation.updated_at,
        "version": conversation.version,
    }


def conversation_from_row(row: Row) -> Conversation:
    """The conversation stored in a `conversations` row."""
    return Conversation(
        id=row["id"],
        channel=Channel(row["channel"]),
        chat_id=row["chat_id"],
        contact_phone=row["contact_phone"],
        client_name=row["client_name"],
        status=ConversationStatus(row["status"]),
        status_reason=row["status_reason"],
        last_message=row["last_message"],
        last_message_at=row["last_message_at"],
        gate=GateMemory.from_dict(row["gate"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        version=row["version"],
    )


def inbound_values(
    message_id: str, message: InboundMessage, stored_at: datetime
) -> dict[str, object]:
    """Every column of the `messages` row of a customer's message, not yet processed."""
    return {
        "id": message_id,
        "conversation_id": None,
        "channel": message.channel.value,
        "direction": Direction.INBOUND.value,
        "contact_phone": str(message.sender),
        "reply_to": message.reply_to,
        "display_name": message.display_name,
        "kind": message.kind.value,
        "text": message.text,
        "reply_id": message.reply_id,
        "details": dict(message.details),
        "provider_message_id": message.provider_message_id,
        "job_key": None,
        "status": MessageStatus.RECEIVED.value,
        "sent_at": message.sent_at,
        "stored_at": stored_at,
        "processed_at": None,
        "request_id": message.request_id,
    }


def pending_from_row(row: Row) -> PendingInbound:
    """The customer's message stored in an inbound `messages` row."""
    return PendingInbound(
        id=row["id"],
        stored_at=row["stored_at"],
        message=InboundMessage(
            channel=Channel(row["channel"]),
            provider_message_id=row["provider_message_id"],
            sender=load_contact(row["contact_phone"]),
            reply_to=row["reply_to"],
            sent_at=row["sent_at"],
            kind=MessageKind(row["kind"]),
            display_name=row["display_name"],
            text=row["text"],
            reply_id=row["reply_id"],
            details=_details(row["details"]),
            request_id=row["request_id"],
        ),
    )


def outbound_values(message: StoredMessage) -> dict[str, object]:
    """Every column of the `messages` row of a reply (stored when its job is queued)."""
    return {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "channel": message.channel.value,
        "direction": message.direction.value,
        "contact_phone": message.contact_phone,
        "reply_to": None,
        "display_name": "",
        "kind": message.kind.value,
        "text": message.text,
        "reply_id": message.reply_id,
        "details": dict(message.details),
        "provider_message_id": message.provider_message_id,
        "job_key": message.job_key,
        "status": message.status.value,
        "sent_at": message.sent_at,
        "stored_at": message.sent_at,
        "processed_at": None,
        "request_id": None,
    }


def stored_message_from_row(row: Row) -> StoredMessage:
    """A `messages` row joined to its job (``job_*``) and that job's receipt (``receipt_*``).

    An outbound message with a job shows the job's provider id and the status
    `outbound_status` combines; without one (or inbound), the row as stored.
    """
    message = StoredMessage(
        id=row["id"],
        conversation_id=row["conversation_id"],
        channel=Channel(row["channel"]),
        direction=Direction(row["direction"]),
        contact_phone=row["contact_phone"],
        kind=MessageKind(row["kind"]),
        text=row["text"],
        status=MessageStatus(row["status"]),
        sent_at=row["sent_at"],
        provider_message_id=row["provider_message_id"],
        reply_id=row["reply_id"],
        details=_details(row["details"]),
        job_key=row["job_key"],
    )
    if message.direction is Direction.INBOUND or row["job_status"] is None:
        return message
    receipt = row["receipt_status"]
    code = row["receipt_error_code"]
    return attrs.evolve(
        message,
        provider_message_id=row["job_provider_message_id"],
        status=outbound_status(
            JobStatus(row["job_status"]), MessageStatus(receipt) if receipt else None
        ),
        status_at=row["receipt_at"] if receipt else row["job_updated_at"],
        error=ReceiptError(code=code, title=row["receipt_error_title"] or "") if code else None,
    )


def receipt_values(update: StatusUpdate) -> dict[str, object]:
    """The columns of a `message_receipts` row for *update* (``updated_at`` is the database's)."""
    return {
        "channel": update.channel.value,
        "provider_message_id": update.provider_message_id,
        "status": update.status.value,
        "status_rank": update.status.rank,
        "at": update.at,
        "error_code": update.error.code if update.error else None,
        "error_title": update.error.title if update.error else None,
        "recipient": update.recipient,
    }
