"""Gamification runs: settings (singleton), monthly scores, badges, the top-N history; users'
participation flag.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06

As the seed schema has them (``gamification_settings`` with id 1 only, ``gamification_scores``,
``gamification_badges``, ``gamification_history`` with its indexes); a run rewrites a month's
rows, whose ids it derives from the month, so running it twice leaves the same rows.
``users.participates_in_gamification`` (default true) leaves an agent out of the ranking.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMP = sa.DateTime(timezone=True)
_ACTOR = 128
_ROW_ID = 200


def _key(length: int = 64) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def _int(name: str, *, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def upgrade() -> None:
    """Create the four gamification tables and add the users' participation flag."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column(
                "participates_in_gamification",
                sa.Boolean(),
                nullable=False,
                server_default=sa.true(),
            )
        )
    op.create_table(
        "gamification_settings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        *(
            _int(name)
            for name in (
                "nps_weight",
                "volume_weight",
                "resolution_weight",
                "response_time_weight",
                "solucionador_nps_min",
                "solucionador_resolution_min",
                "velocista_nps_min",
                "velocista_top_n",
                "campeao_volume_top_n",
                "target_response_time",
                "target_volume",
                "history_size",
            )
        ),
        sa.Column("updated_by", sa.String(_ACTOR), nullable=True),
        sa.Column("updated_at", _TIMESTAMP, nullable=False),
        sa.CheckConstraint("id = 1", name="ck_gamification_settings_singleton"),
    )
    op.create_table(
        "gamification_scores",
        sa.Column("id", _key(_ROW_ID), primary_key=True),
        sa.Column("agent_id", _key(_ACTOR), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        _int("total_conversations"),
        _int("resolved"),
        _int("avg_nps", nullable=True),
        _int("success_rate"),
        _int("avg_response_time", nullable=True),
        _int("volume_score"),
        _int("nps_score"),
        _int("resolution_score"),
        _int("time_score"),
        _int("points"),
        _int("total_score"),
        _int("ranking"),
        sa.Column("calculated_at", _TIMESTAMP, nullable=False),
    )
    op.create_index(
        "gamification_scores_agent_period_idx",
        "gamification_scores",
        ["agent_id", "period"],
        unique=True,
    )
    op.create_index("gamification_scores_period_idx", "gamification_scores", ["period", "ranking"])
    op.create_index("gamification_scores_total_score_idx", "gamification_scores", ["total_score"])
    op.create_table(
        "gamification_badges",
        sa.Column("id", _key(_ROW_ID), primary_key=True),
        sa.Column("agent_id", _key(_ACTOR), nullable=False),
        sa.Column("badge_type", sa.String(32), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        _int("metric"),
        sa.Column("awarded_at", _TIMESTAMP, nullable=False),
    )
    for name, column in (
        ("gamification_badges_agent_id_idx", "agent_id"),
        ("gamification_badges_period_idx", "period"),
        ("gamification_badges_badge_type_idx", "badge_type"),
    ):
        op.create_index(name, "gamification_badges", [column])
    op.create_table(
        "gamification_history",
        sa.Column("id", _key(_ROW_ID), primary_key=True),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("agent_id", _key(_ACTOR), nullable=False),
        _int("ranking"),
        _int("total_score"),
        sa.Column("metrics", _json(), nullable=False),
        sa.Column("badges", _json(), nullable=False),
        sa.Column("created_at", _TIMESTAMP, nullable=False),
    )
    op.create_index(
        "gamification_history_period_idx", "gamification_history", ["period", "ranking"]
    )


def downgrade() -> None:
    """Drop the gamification tables and the users' flag."""
    for table in (
        "gamification_history",
        "gamification_badges",
        "gamification_scores",
        "gamification_settings",
    ):
        op.drop_table(table)
    with op.batch_alter_table("users") as batch:
        batch.drop_column("participates_in_gamification")
