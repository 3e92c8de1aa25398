"""Login throttling and token revocation: failed sign-ins per key, credentials versions.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06

`login_failures` counts failed sign-ins per username and per client address in the database,
so every `lia serve` replica throttles together; `users.credentials_version` is bumped by a
password change, and tokens and console sessions issued under an older one are refused.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def upgrade() -> None:
    """Create login_failures; add users.credentials_version (0 for every account)."""
    op.create_table(
        "login_failures",
        sa.Column("key", _key(128), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column(
                "credentials_version", sa.Integer(), nullable=False, server_default=sa.text("0")
            )
        )


def downgrade() -> None:
    """Drop both."""
    with op.batch_alter_table("users") as batch:
        batch.drop_column("credentials_version")
    op.drop_table("login_failures")
