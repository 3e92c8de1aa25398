"""SQL gamification store: the settings singleton, the facts a run reads from `tickets`,
`ticket_events` and `satisfaction_feedback`, and a month's rows rewritten in one go."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, select

from lia_adapters.sql.base import ConnectionSource, Row
from lia_adapters.sql.bulk import insert_or_replace
from lia_adapters.sql.desk.tables import ticket_events, tickets
from lia_adapters.sql.gamification.tables import (
    gamification_badges,
    gamification_history,
    gamification_runs,
    gamification_scores,
    gamification_settings,
)
from lia_adapters.sql.nps.tables import satisfaction_feedback
from lia_core.domain.tickets import EventKind, TicketStatus
from lia_core.nps.gamification import GamificationSettings, ScoreWeights
from lia_core.nps.ranking import Badge
from lia_core.nps.runs import (
    BadgeRow,
    HandledTicket,
    HistoryRow,
    RatedAnswer,
    ScoreRow,
    StoredRun,
    badges_of,
    response_seconds,
)

__all__ = ["SqlGamificationRepository"]

_SETTINGS_ID = 1
_FINAL = (TicketStatus.RESOLVED.value, TicketStatus.CLOSED.value)
_sc = gamification_scores.c
_b = gamification_badges.c
_h = gamification_history.c


def _settings_values(settings: GamificationSettings) -> dict[str, object]:
    w = settings.weights
    return {
        "nps_weight": w.nps,
        "volume_weight": w.volume,
        "resolution_weight": w.resolution,
        "response_time_weight": w.response_time,
        "solucionador_nps_min": settings.solucionador_nps_min,
        "solucionador_resolution_min": settings.solucionador_resolution_min,
        "velocista_nps_min": settings.velocista_nps_min,
        "velocista_top_n": settings.velocista_top_n,
        "campeao_volume_top_n": settings.campeao_volume_top_n,
        "target_response_time": settings.target_response_seconds,
        "target_volume": settings.target_volume,
        "history_size": settings.history_size,
    }


def _settings_from_row(row: Row) -> GamificationSettings:
    return GamificationSettings(
        weights=ScoreWeights(
            nps=row["nps_weight"],
            volume=row["volume_weight"],
            resolution=row["resolution_weight"],
            response_time=row["response_time_weight"],
        ),
        target_volume=row["target_volume"],
        target_response_seconds=row["target_response_time"],
        solucionador_nps_min=row["solucionador_nps_min"],
        solucionador_resolution_min=row["solucionador_resolution_min"],
        velocista_nps_min=row["velocista_nps_min"],
        velocista_top_n=row["velocista_top_n"],
        campeao_volume_top_n=row["campeao_volume_top_n"],
        history_size=row["history_size"],
    )


def _score_values(period: str, at: datetime, s: ScoreRow) -> dict[str, object]:
    return {
        "id": f"{period}:{s.agent_id}",
        "agent_id": s.agent_id,
        "period": period,
        "total_conversations": s.conversations,
        "resolved": s.resolved,
        "avg_nps": s.avg_nps_centi,
        "success_rate": s.success_rate,
        "avg_response_time": s.avg_response_seconds,
        "volume_score": s.volume_score,
        "nps_score": s.nps_score,
        "resolution_score": s.resolution_score,
        "time_score": s.time_score,
        "points": s.points,
        "total_score": s.total_score,
        "ranking": s.rank,
        "calculated_at": at,
    }


def _snapshot(s: ScoreRow | None) -> dict[str, Any]:
    if s is None:
        return {}
    return {
        "conversations": s.conversations,
        "resolved": s.resolved,
        "avg_nps_centi": s.avg_nps_centi,
        "avg_response_seconds": s.avg_response_seconds,
        "nps_score": s.nps_score,
        "volume_score": s.volume_score,
        "resolution_score": s.resolution_score,
        "time_score": s.time_score,
        "points": s.points,
    }


def _history_from_row(row: Row) -> HistoryRow:
    return HistoryRow(
        period=row["period"],
        rank=row["ranking"],
        agent_id=row["agent_id"],
        total_score=row["total_score"],
        badges=tuple(Badge(b) for b in row["badges"]),
    )


class SqlGamificationRepository:
    """The gamification tables, and read-only views of tickets and answers."""

    def __init__(self, connection: ConnectionSource) -> None:
        self._connection = connection

    async def settings(self) -> GamificationSettings:
        """The singleton row, or the defaults while there is none."""
        result = await self._connection().execute(
            select(gamification_settings).where(gamification_settings.c.id == _SETTINGS_ID)
        )
        row = result.mappings().one_or_none()
        return GamificationSettings() if row is None else _settings_from_row(row)

    async def save_settings(
        self, settings: GamificationSettings, *, by: str | None, at: datetime
    ) -> None:
        """Insert or overwrite the singleton (id 1)."""
        values = {**_settings_values(settings), "updated_by": by, "updated_at": at}
        await insert_or_replace(
            self._connection(),
            gamification_settings,
            {"id": _SETTINGS_ID, **values},
            unique=("id",),
        )

    async def handled(self, start: datetime, end: datetime) -> Sequence[HandledTicket]:
        """Tickets opened in [start, end) with an assignee, with their first public human reply."""
        t = tickets.c
        e = ticket_events.c
        first_reply = (
            select(func.min(e.at))
            .where(and_(e.ticket_id == t.id, e.kind == EventKind.HUMAN_PUBLIC_REPLY.value))
            .scalar_subquery()
        )
        query = select(t.assignee, t.status, t.opened_at, first_reply.label("first_reply")).where(
            t.assignee.is_not(None), t.opened_at >= start, t.opened_at < end
        )
        result = await self._connection().execute(query)
        return [
            HandledTicket(
                agent=row.assignee,
                resolved=row.status in _FINAL,
                first_response_seconds=response_seconds(row.opened_at, row.first_reply),
            )
            for row in result
        ]

    async def answers(self, start: datetime, end: datetime) -> Sequence[RatedAnswer]:
        """Answers given in [start, end) about an agent."""
        f = satisfaction_feedback.c
        result = await self._connection().execute(
            select(f.agent, f.score).where(
                f.agent.is_not(None), f.created_at >= start, f.created_at < end
            )
        )
        return [RatedAnswer(agent=row.agent, score=row.score) for row in result]

    async def replace(self, run: StoredRun) -> None:
        """Delete the month's rows and insert *run*'s, in the unit of work's transaction."""
        conn = self._connection()
        period = run.period
        for table in (
            gamification_runs,
            gamification_scores,
            gamification_badges,
            gamification_history,
        ):
            await conn.execute(delete(table).where(table.c.period == period))
        at = run.calculated_at
        await conn.execute(insert(gamification_runs).values(period=period, calculated_at=at))
        if run.scores:
            await conn.execute(
                insert(gamification_scores), [_score_values(period, at, s) for s in run.scores]
            )
        if run.badges:
            await conn.execute(
                insert(gamification_badges),
                [
                    {
                        "id": f"{period}:{b.badge.value}:{b.agent_id}",
                        "agent_id": b.agent_id,
                        "badge_type": b.badge.value,
                        "period": period,
                        "metric": b.metric,
                        "awarded_at": at,
                    }
                    for b in run.badges
                ],
            )
        by_agent = {s.agent_id: s for s in run.scores}
        if run.history:
            await conn.execute(
                insert(gamification_history),
                [
                    {
                        "id": f"{period}:{h.rank}",
                        "period": period,
                        "agent_id": h.agent_id,
                        "ranking": h.rank,
                        "total_score": h.total_score,
                        "metrics": _snapshot(by_agent.get(h.agent_id)),
                        "badges": [b.value for b in h.badges],
                        "created_at": at,
                    }
                    for h in run.history
                ],
            )

    async def get(self, period: str) -> StoredRun | None:
        """The month's rows as a `StoredRun` (no rows when nobody was ranked), None if never run."""
        conn = self._connection()
        calculated_at = (
            await conn.execute(
                select(gamification_runs.c.calculated_at).where(
                    gamification_runs.c.period == period
                )
            )
        ).scalar_one_or_none()
        if calculated_at is None:
            return None
        scores = (
            (
                await conn.execute(
                    select(gamification_scores).where(_sc.period == period).order_by(_sc.ranking)
                )
            )
            .mappings()
            .all()
        )
        badge_rows = (
            await conn.execute(select(gamification_badges).where(_b.period == period))
        ).mappings()
        order = list(Badge)
        badges = sorted(
            (
                BadgeRow(agent_id=r["agent_id"], badge=Badge(r["badge_type"]), metric=r["metric"])
                for r in badge_rows
            ),
            key=lambda b: (order.index(b.badge), b.agent_id),
        )
        history = (
            await conn.execute(
                select(gamification_history).where(_h.period == period).order_by(_h.ranking)
            )
        ).mappings()
        return StoredRun(
            period=period,
            calculated_at=calculated_at,
            scores=tuple(
                ScoreRow(
                    agent_id=r["agent_id"],
                    rank=r["ranking"],
                    conversations=r["total_conversations"],
                    resolved=r["resolved"],
                    avg_nps_centi=r["avg_nps"],
                    success_rate=r["success_rate"],
                    avg_response_seconds=r["avg_response_time"],
                    nps_score=r["nps_score"],
                    volume_score=r["volume_score"],
                    resolution_score=r["resolution_score"],
                    time_score=r["time_score"],
                    points=r["points"],
                    total_score=r["total_score"],
                    badges=badges_of(badges, r["agent_id"]),
                )
                for r in scores
            ),
            badges=tuple(badges),
            history=tuple(_history_from_row(r) for r in history),
        )

    async def history(self, *, periods: int) -> Sequence[HistoryRow]:
        """History rows of the latest *periods* months, newest month first, by rank."""
        latest = select(_h.period).distinct().order_by(_h.period.desc()).limit(periods).subquery()
        result = await self._connection().execute(
            select(gamification_history)
            .where(_h.period.in_(select(latest.c.period)))
            .order_by(_h.period.desc(), _h.ranking)
        )
        return [_history_from_row(r) for r in result.mappings()]
