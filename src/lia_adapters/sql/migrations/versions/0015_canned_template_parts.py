"""A canned response's WhatsApp template can carry header and button parameters.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06

An approved WhatsApp template sent after the 24-hour window took body parameters only; a
template with a variable header (a text, an image, a document) or buttons (a URL's end, a
quick reply's payload) could not be filled. ``canned_responses.whatsapp_parts`` keeps them,
``{"header": {"kind", "value", "filename"?}, "buttons": [{"kind", "index", "value"}]}``,
their values with the same ``{{variables}}`` as the body. Existing responses have none.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON_OR_NULL = sa.JSON(none_as_null=True).with_variant(
    postgresql.JSONB(none_as_null=True), "postgresql"
)


def upgrade() -> None:
    """Add ``canned_responses.whatsapp_parts`` (nullable)."""
    with op.batch_alter_table("canned_responses") as batch:
        batch.add_column(sa.Column("whatsapp_parts", _JSON_OR_NULL, nullable=True))


def downgrade() -> None:
    """Drop it."""
    with op.batch_alter_table("canned_responses") as batch:
        batch.drop_column("whatsapp_parts")
