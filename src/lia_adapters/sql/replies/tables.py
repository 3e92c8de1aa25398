"""Tables of agents' replies (revision 0008; the template's header and buttons: 0015): canned
responses."""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table, Text

from lia_adapters.sql.base import metadata
from lia_adapters.sql.column_types import ACTOR, NullableJson, UtcDateTime, key

__all__ = ["canned_responses"]

canned_responses = Table(
    "canned_responses",
    metadata,
    Column("key", key(), primary_key=True),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    # An approved WhatsApp (HSM) template saying the same thing, for outside the 24-hour window.
    Column("whatsapp_template", String(512), nullable=True),
    Column("whatsapp_language", String(16), nullable=False),
    # The approved template's header and button parameters: {"header": {...}, "buttons": [...]}.
    Column("whatsapp_parts", NullableJson, nullable=True),
    # Bumped by every update, which is conditional on it.
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("updated_by", String(ACTOR), nullable=False),
)
