"""Tables of the inbound pipeline (revision 0003): contacts, conversations, messages, receipts."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from lia_adapters.sql.base import metadata
from lia_adapters.sql.column_types import Json, UtcDateTime, key

__all__ = [
    "LEASED",
    "UNPROCESSED",
    "UNREDACTED",
    "contacts",
    "conversations",
    "message_receipts",
    "messages",
]

_PARTY = 512  # canonical phones, provider identities (…@lid), platform chat ids
_PROVIDER_ID = 255  # as outbox_jobs.provider_message_id, which receipts are joined to
_JOB_KEY = 640  # as outbox_jobs.idempotency_key

UNPROCESSED = "processed_at IS NULL AND direction = 'inbound'"
"""The recovery sweep's predicate, spelled as the partial index spells it."""
LEASED = "processed_at IS NULL AND gate_lease_until IS NOT NULL"
"""Messages a gate worker leased (revision 0026), spelled as its partial index spells it."""
UNREDACTED = "direction = 'inbound' AND redacted_at IS NULL"
"""The retention purge's predicate (revision 0023), spelled as its partial index spells it."""

contacts = Table(
    "contacts",
    metadata,
    Column("phone", key(_PARTY), primary_key=True),
    Column("name", Text, nullable=False),
    Column("document", String(64), nullable=True),
    Column("crm_id", String(128), nullable=True),
    # [{"city", "neighbourhood", "cep", "street", "number", "state", "contract_id"}]
    Column("addresses", Json, nullable=False),
    Column("address_source", String(16), nullable=True),
    Column("address_checked_at", UtcDateTime, nullable=True),
    # The first address, flat, for people reading the table; `addresses` is the source.
    Column("address", Text, nullable=True),
    Column("city", String(200), nullable=True),
    Column("neighbourhood", String(200), nullable=True),
    Column("state", String(32), nullable=True),
    Column("cep", String(16), nullable=True),
    Column("last_interaction_at", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

conversations = Table(
    "conversations",
    metadata,
    Column("id", key(), primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("chat_id", key(_PARTY), nullable=False),
    Column("contact_phone", key(_PARTY), nullable=False, index=True),
    Column("client_name", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("status_reason", Text, nullable=True),
    Column("last_message", Text, nullable=False),
    Column("last_message_at", UtcDateTime, nullable=False, index=True),
    # GateMemory.to_dict(): {"awaiting", "attempts", "options", "outage_ids", "escaped", ...}
    Column("gate", Json, nullable=False),
    # Derived from the gate (outage_ids not empty), stored so staff queries can filter on it.
    Column("answered_by_outage", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    # Bumped by every save, which is conditional on it (revision 0005; older rows are 1).
    Column("version", Integer, nullable=False, server_default=text("1")),
    UniqueConstraint("channel", "chat_id", name="uq_conversations_channel_chat_id"),
    Index("ix_conversations_status_last_message_at", "status", "last_message_at"),
    # The reports (revision 0020): the funnel reads conversations started in a range.
    Index("ix_conversations_created_at", "created_at"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", key(), primary_key=True),
    # Not a foreign key: an inbound message is stored (and acknowledged) before the gate
    # gives it a conversation, and a conversation lost to a concurrent writer's is skipped.
    Column("conversation_id", key(), nullable=True),
    Column("channel", String(16), nullable=False),
    Column("direction", String(8), nullable=False),
    Column("contact_phone", key(_PARTY), nullable=False),
    # Inbound only: where replies go, and the name the platform showed (to rebuild the message).
    Column("reply_to", key(_PARTY), nullable=True),
    Column("display_name", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("reply_id", Text, nullable=True),
    Column("details", Json, nullable=False),  # {"media_id": "...", "latitude": "..."}
    # Inbound: the provider's id, unique per channel so a redelivered webhook is skipped.
    # Outbound: NULL; the job carries the id, and receipts are joined through it.
    Column("provider_message_id", String(_PROVIDER_ID), nullable=True),
    # Outbound: the idempotency key of the job that carries it; NULL (never equal) inbound.
    Column("job_key", String(_JOB_KEY), nullable=True),
    # RECEIVED inbound; PENDING outbound, whose live status is read from job and receipts.
    Column("status", String(16), nullable=False),
    Column("sent_at", UtcDateTime, nullable=False),
    Column("stored_at", UtcDateTime, nullable=False),
    Column("processed_at", UtcDateTime, nullable=True),
    # Revision 0019, inbound only: the webhook request (X-Request-Id) that brought it.
    Column("request_id", String(128), nullable=True),
    # Revision 0023, inbound only: when a retention purge blanked the customer's content.
    Column("redacted_at", UtcDateTime, nullable=True),
    # Revision 0026, inbound only: a gate worker holds the message until then (`lia worker`).
    Column("gate_lease_until", UtcDateTime, nullable=True),
    UniqueConstraint(
        "channel", "provider_message_id", name="uq_messages_channel_provider_message_id"
    ),
    UniqueConstraint("job_key", name="uq_messages_job_key"),
    # A conversation's last messages (ORDER BY sent_at DESC, id DESC LIMIT n).
    Index("ix_messages_conversation_sent_at", "conversation_id", "sent_at", "id"),
    # The reports (revision 0020): the funnel's messages of today.
    Index("ix_messages_sent_at", "sent_at"),
    # The recovery sweep; partial, so it holds only the few messages not yet handled.
    Index(
        "ix_messages_unprocessed",
        "stored_at",
        "id",
        postgresql_where=text(UNPROCESSED),
        sqlite_where=text(UNPROCESSED),
    ),
    # The gate workers' chats under lease (revision 0026); a stored message enters it only
    # when leased, so the webhooks' inserts never touch it.
    Index(
        "ix_messages_gate_leased",
        "channel",
        "reply_to",
        postgresql_where=text(LEASED),
        sqlite_where=text(LEASED),
    ),
    # The retention purge, oldest first; partial, so blanked messages leave it.
    Index(
        "ix_messages_unredacted",
        "stored_at",
        "id",
        postgresql_where=text(UNREDACTED),
        sqlite_where=text(UNREDACTED),
    ),
)

message_receipts = Table(
    "message_receipts",
    metadata,
    Column("channel", String(16), nullable=False),
    Column("provider_message_id", String(_PROVIDER_ID), nullable=False),
    Column("status", String(16), nullable=False),
    # MessageStatus.rank: an upsert keeps the stored row unless the new rank is higher.
    Column("status_rank", Integer, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("error_code", String(64), nullable=True),
    Column("error_title", Text, nullable=True),
    Column("recipient", String(_PARTY), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("channel", "provider_message_id"),
)
