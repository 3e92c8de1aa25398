"""Inbound: contacts, conversations, messages both ways, delivery receipts; notices' reply_to.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

Types are spelled out here rather than imported from the application, so this revision
keeps producing the same schema whatever later code does.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)  # timestamptz on PostgreSQL, naive UTC on SQLite
_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_PARTY = 512
_PROVIDER_ID = 255
_UNPROCESSED = sa.text("processed_at IS NULL AND direction = 'inbound'")


def _key(length: int = 64) -> sa.types.TypeEngine[str]:
    # Byte-order collation on PostgreSQL so ORDER BY matches Python's string order.
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def _create_contacts() -> None:
    op.create_table(
        "contacts",
        sa.Column("phone", _key(_PARTY), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("document", sa.String(64), nullable=True),
        sa.Column("crm_id", sa.String(128), nullable=True),
        sa.Column("addresses", _JSON, nullable=False),
        sa.Column("address_source", sa.String(16), nullable=True),
        sa.Column("address_checked_at", _TIMESTAMP, nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("city", sa.String(200), nullable=True),
        sa.Column("neighbourhood", sa.String(200), nullable=True),
        sa.Column("state", sa.String(32), nullable=True),
        sa.Column("cep", sa.String(16), nullable=True),
        sa.Column("last_interaction_at", _TIMESTAMP, nullable=True),
        sa.Column("created_at", _TIMESTAMP, nullable=False),
        sa.Column("updated_at", _TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("phone", name="pk_contacts"),
    )


def _create_conversations() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", _key(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("chat_id", _key(_PARTY), nullable=False),
        sa.Column("contact_phone", _key(_PARTY), nullable=False),
        sa.Column("client_name", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("last_message", sa.Text(), nullable=False),
        sa.Column("last_message_at", _TIMESTAMP, nullable=False),
        sa.Column("gate", _JSON, nullable=False),
        sa.Column("answered_by_outage", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TIMESTAMP, nullable=False),
        sa.Column("updated_at", _TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_conversations"),
        sa.UniqueConstraint("channel", "chat_id", name="uq_conversations_channel_chat_id"),
    )
    op.create_index("ix_conversations_contact_phone", "conversations", ["contact_phone"])
    op.create_index("ix_conversations_last_message_at", "conversations", ["last_message_at"])
    op.create_index(
        "ix_conversations_status_last_message_at", "conversations", ["status", "last_message_at"]
    )


def _create_messages() -> None:
    op.create_table(
        "messages",
        sa.Column("id", _key(), nullable=False),
        sa.Column("conversation_id", _key(), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("contact_phone", _key(_PARTY), nullable=False),
        sa.Column("reply_to", _key(_PARTY), nullable=True),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reply_id", sa.Text(), nullable=True),
        sa.Column("details", _JSON, nullable=False),
        sa.Column("provider_message_id", sa.String(_PROVIDER_ID), nullable=True),
        sa.Column("job_key", sa.String(640), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("sent_at", _TIMESTAMP, nullable=False),
        sa.Column("stored_at", _TIMESTAMP, nullable=False),
        sa.Column("processed_at", _TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_messages"),
        sa.UniqueConstraint(
            "channel", "provider_message_id", name="uq_messages_channel_provider_message_id"
        ),
        sa.UniqueConstraint("job_key", name="uq_messages_job_key"),
    )
    op.create_index(
        "ix_messages_conversation_sent_at", "messages", ["conversation_id", "sent_at", "id"]
    )
    op.create_index(
        "ix_messages_unprocessed",
        "messages",
        ["stored_at", "id"],
        postgresql_where=_UNPROCESSED,
        sqlite_where=_UNPROCESSED,
    )


def upgrade() -> None:
    """Create the inbound tables; notices learn where their messages went."""
    _create_contacts()
    _create_conversations()
    _create_messages()
    op.create_table(
        "message_receipts",
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("provider_message_id", sa.String(_PROVIDER_ID), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_rank", sa.Integer(), nullable=False),
        sa.Column("at", _TIMESTAMP, nullable=False),
        sa.Column("error_code", sa.String(64), nullable=True),
        sa.Column("error_title", sa.Text(), nullable=True),
        sa.Column("recipient", sa.String(_PARTY), nullable=False),
        sa.Column("updated_at", _TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("channel", "provider_message_id", name="pk_message_receipts"),
    )
    # A nullable column is added in place on both databases (no SQLite table rebuild).
    with op.batch_alter_table("failure_notifications") as batch:
        batch.add_column(sa.Column("reply_to", sa.String(_PARTY), nullable=True))
    # The gate asks "which of these contacts were told?" for a batch of senders.
    op.create_index(
        "ix_failure_notifications_recipient",
        "failure_notifications",
        ["recipient", "kind", "failure_id"],
    )


def downgrade() -> None:
    """Drop what this revision created (indexes go with their tables)."""
    op.drop_index("ix_failure_notifications_recipient", table_name="failure_notifications")
    with op.batch_alter_table("failure_notifications") as batch:
        batch.drop_column("reply_to")
    op.drop_table("message_receipts")
    op.drop_table("messages")
    op.drop_table("conversations")
    op.drop_table("contacts")
