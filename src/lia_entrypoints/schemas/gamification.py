"""The public shapes of gamification (`/api/v1/gamification`, `lia gamification … --json`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from lia_core.nps.gamification import GamificationSettings
from lia_core.nps.runs import HistoryRow, ScoreRow, StoredRun
from lia_entrypoints.schemas.base import Out

__all__ = [
    "BadgeOut",
    "GamificationSettingsOut",
    "HistoryOut",
    "RankingOut",
    "StandingOut",
    "history_out",
]


class GamificationSettingsOut(Out):
    """Weights (%), targets and badge thresholds (the schema's `gamification_settings`)."""

    nps_weight: int
    volume_weight: int
    resolution_weight: int
    response_time_weight: int
    """The four weights sum to 100."""
    target_volume: int
    """Conversations in a month that give a volume score of 100."""
    target_response_seconds: int
    """An average first response within this gives a time score of 100."""
    solucionador_nps_min: int
    solucionador_resolution_min: int
    velocista_nps_min: int
    velocista_top_n: int
    campeao_volume_top_n: int
    history_size: int
    """How many of the top places the history keeps (5)."""

    @classmethod
    def of(cls, settings: GamificationSettings) -> GamificationSettingsOut:
        """Render *settings*."""
        w = settings.weights
        return cls(
            nps_weight=w.nps,
            volume_weight=w.volume,
            resolution_weight=w.resolution,
            response_time_weight=w.response_time,
            target_volume=settings.target_volume,
            target_response_seconds=settings.target_response_seconds,
            solucionador_nps_min=settings.solucionador_nps_min,
            solucionador_resolution_min=settings.solucionador_resolution_min,
            velocista_nps_min=settings.velocista_nps_min,
            velocista_top_n=settings.velocista_top_n,
            campeao_volume_top_n=settings.campeao_volume_top_n,
            history_size=settings.history_size,
        )


class StandingOut(Out):
    """One agent's place in the month: metrics, scores (0-100) and badges."""

    rank: int
    agent: str
    total_score: int
    """The weighted total, rounded half up (0-100)."""
    points: int
    """The exact weighted total * 100 (0-10,000)."""
    conversations: int
    """Tickets opened in the month that the agent holds."""
    resolved: int
    avg_nps: float | None
    """The average answer (0-10, two decimals); null with no answers."""
    avg_response_seconds: int | None
    """The average first response; null when nothing was answered."""
    nps_score: int
    volume_score: int
    resolution_score: int
    time_score: int
    badges: list[str]
    """`solucionador`, `velocista`, `campeao_volume`."""

    @classmethod
    def of(cls, row: ScoreRow) -> StandingOut:
        """Render a scores row."""
        return cls(
            rank=row.rank,
            agent=row.agent_id,
            total_score=row.total_score,
            points=row.points,
            conversations=row.conversations,
            resolved=row.resolved,
            avg_nps=None if row.avg_nps_centi is None else row.avg_nps_centi / 100,
            avg_response_seconds=row.avg_response_seconds,
            nps_score=row.nps_score,
            volume_score=row.volume_score,
            resolution_score=row.resolution_score,
            time_score=row.time_score,
            badges=[b.value for b in row.badges],
        )


class BadgeOut(Out):
    """A badge won in the month and the value that earned it (%, seconds, conversations)."""

    badge: str
    agent: str
    metric: int


class HistoryOut(Out):
    """A place in a month's top-N history."""

    period: str
    rank: int
    agent: str
    total_score: int
    badges: list[str]

    @classmethod
    def of(cls, row: HistoryRow) -> HistoryOut:
        """Render a history row."""
        return cls(
            period=row.period,
            rank=row.rank,
            agent=row.agent_id,
            total_score=row.total_score,
            badges=[b.value for b in row.badges],
        )


class RankingOut(Out):
    """A month's run: the ranking best first, the badges, the top-N history rows."""

    period: str
    """`YYYY-MM`, a month in the ISP's timezone."""
    calculated_at: datetime
    standings: list[StandingOut]
    badges: list[BadgeOut]
    history: list[HistoryOut]

    @classmethod
    def of(cls, run: StoredRun, tz: tzinfo) -> RankingOut:
        """Render a stored run, its time in *tz*."""
        return cls(
            period=run.period,
            calculated_at=run.calculated_at.astimezone(tz),
            standings=[StandingOut.of(s) for s in run.scores],
            badges=[
                BadgeOut(badge=b.badge.value, agent=b.agent_id, metric=b.metric) for b in run.badges
            ],
            history=[HistoryOut.of(h) for h in run.history],
        )


def history_out(rows: Sequence[HistoryRow]) -> list[HistoryOut]:
    """Render history rows."""
    return [HistoryOut.of(h) for h in rows]
