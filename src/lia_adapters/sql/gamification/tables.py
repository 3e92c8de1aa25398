"""Tables of the gamification runs (revision 0017): settings, scores, badges, history; and
(revision 0022) one row per month run, so a month run with nobody to rank is kept too."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Index, Integer, String, Table

from lia_adapters.sql.base import metadata
from lia_adapters.sql.column_types import ACTOR, Json, UtcDateTime, key

__all__ = [
    "gamification_badges",
    "gamification_history",
    "gamification_runs",
    "gamification_scores",
    "gamification_settings",
]

_ROW_ID = 200  # "<period>:<badge>:<agent>": a run's rows have ids it can rewrite alike

gamification_settings = Table(
    "gamification_settings",
    metadata,
    # The singleton: one row, id 1.
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("nps_weight", Integer, nullable=False),
    Column("volume_weight", Integer, nullable=False),
    Column("resolution_weight", Integer, nullable=False),
    Column("response_time_weight", Integer, nullable=False),
    Column("solucionador_nps_min", Integer, nullable=False),
    Column("solucionador_resolution_min", Integer, nullable=False),
    Column("velocista_nps_min", Integer, nullable=False),
    Column("velocista_top_n", Integer, nullable=False),
    Column("campeao_volume_top_n", Integer, nullable=False),
    Column("target_response_time", Integer, nullable=False),
    Column("target_volume", Integer, nullable=False),
    Column("history_size", Integer, nullable=False),
    Column("updated_by", String(ACTOR), nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
    CheckConstraint("id = 1", name="ck_gamification_settings_singleton"),
)

gamification_scores = Table(
    "gamification_scores",
    metadata,
    Column("id", key(_ROW_ID), primary_key=True),
    Column("agent_id", key(ACTOR), nullable=False),
    Column("period", String(7), nullable=False),
    Column("total_conversations", Integer, nullable=False),
    Column("resolved", Integer, nullable=False),
    # The average answer * 100 (867: 8.67), NULL with no answers.
    Column("avg_nps", Integer, nullable=True),
    Column("success_rate", Integer, nullable=False),
    Column("avg_response_time", Integer, nullable=True),
    Column("volume_score", Integer, nullable=False),
    Column("nps_score", Integer, nullable=False),
    Column("resolution_score", Integer, nullable=False),
    Column("time_score", Integer, nullable=False),
    # The exact weighted total * 100; total_score is it rounded half up.
    Column("points", Integer, nullable=False),
    Column("total_score", Integer, nullable=False),
    Column("ranking", Integer, nullable=False),
    Column("calculated_at", UtcDateTime, nullable=False),
    Index("gamification_scores_agent_period_idx", "agent_id", "period", unique=True),
    Index("gamification_scores_period_idx", "period", "ranking"),
    Index("gamification_scores_total_score_idx", "total_score"),
)

gamification_badges = Table(
    "gamification_badges",
    metadata,
    Column("id", key(_ROW_ID), primary_key=True),
    Column("agent_id", key(ACTOR), nullable=False),
    Column("badge_type", String(32), nullable=False),
    Column("period", String(7), nullable=False),
    Column("metric", Integer, nullable=False),
    Column("awarded_at", UtcDateTime, nullable=False),
    Index("gamification_badges_agent_id_idx", "agent_id"),
    Index("gamification_badges_period_idx", "period"),
    Index("gamification_badges_badge_type_idx", "badge_type"),
)

gamification_history = Table(
    "gamification_history",
    metadata,
    Column("id", key(_ROW_ID), primary_key=True),
    Column("period", String(7), nullable=False),
    Column("agent_id", key(ACTOR), nullable=False),
    Column("ranking", Integer, nullable=False),
    Column("total_score", Integer, nullable=False),
    # A snapshot of the agent's scores row, as JSON.
    Column("metrics", Json, nullable=False),
    Column("badges", Json, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("gamification_history_period_idx", "period", "ranking"),
)

gamification_runs = Table(
    "gamification_runs",
    metadata,
    Column("period", String(7), primary_key=True),
    Column("calculated_at", UtcDateTime, nullable=False),
)
