"""The period ranking of agents, their badges and the top-5 history record.

Ranking order (a total order, so the result never depends on input order): higher
weighted total first; ties broken by the higher NPS score, then resolution score, then
volume score, then response-time score, and finally by agent id in ascending code-point
order. Agent ids must be unique. Ranks are 1..N with no shared places.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

from lia_core.errors import ValidationError
from lia_core.nps.gamification import AgentMetrics, AgentScores, GamificationSettings, score_agent

__all__ = [
    "Badge",
    "BadgeAward",
    "GamificationResult",
    "HistoryEntry",
    "Standing",
    "award_badges",
    "rank_agents",
    "ranking_key",
]


class Badge(enum.StrEnum):
    """Badges of the schema's ``gamification_badges``."""

    SOLUCIONADOR = "solucionador"
    VELOCISTA = "velocista"
    CAMPEAO_VOLUME = "campeao_volume"


@attrs.frozen(kw_only=True)
class BadgeAward:
    """*agent_id* won *badge*; ``metric`` is the value that earned it (%, seconds, conversations)."""

    agent_id: str
    badge: Badge
    metric: int


@attrs.frozen(kw_only=True)
class Standing:
    """One agent's place in the ranking, with scores and badges won."""

    rank: int
    scores: AgentScores
    badges: tuple[Badge, ...]


@attrs.frozen(kw_only=True)
class HistoryEntry:
    """A row of the permanent top-5 history (``gamification_history``)."""

    period: str
    rank: int
    agent_id: str
    total_score: int
    scores: AgentScores
    badges: tuple[Badge, ...]


@attrs.frozen(kw_only=True)
class GamificationResult:
    """The whole period: standings best first, badge awards and the history rows to keep."""

    period: str
    standings: tuple[Standing, ...]
    awards: tuple[BadgeAward, ...]
    history: tuple[HistoryEntry, ...]


def ranking_key(scores: AgentScores) -> tuple[int, int, int, int, int, str]:
    """The sort key of the ranking (ascending sort puts the best first)."""
    return (
        -scores.points,
        -scores.nps,
        -scores.resolution,
        -scores.volume,
        -scores.response_time,
        scores.agent_id,
    )


def award_badges(
    metrics: Iterable[AgentMetrics], settings: GamificationSettings
) -> tuple[BadgeAward, ...]:
    """Badges per the schema, with thresholds from *settings*.

    Solucionador: average answer ≥ ``solucionador_nps_min`` and resolution rate ≥
    ``solucionador_resolution_min`` %. Velocista: the ``velocista_top_n`` fastest average
    response among agents with average answer ≥ ``velocista_nps_min``. Campeão de Volume:
    the ``campeao_volume_top_n`` agents with most conversations (at least one). Ties at a
    top-N cut-off go to the lower agent id. Awards are ordered by badge, then agent id.
    """
    agents = sorted(metrics, key=lambda m: m.agent_id)
    awards: list[BadgeAward] = []
    for m in agents:
        if (
            m.avg_nps is not None
            and m.avg_nps >= settings.solucionador_nps_min
            and m.conversations > 0
            and m.resolved * 100 >= settings.solucionador_resolution_min * m.conversations
        ):
            rate = (m.resolved * 200 + m.conversations) // (2 * m.conversations)
            awards.append(BadgeAward(agent_id=m.agent_id, badge=Badge.SOLUCIONADOR, metric=rate))
    fast = sorted(
        (m.avg_response_seconds, m.agent_id)
        for m in agents
        if m.avg_response_seconds is not None
        and m.avg_nps is not None
        and m.avg_nps >= settings.velocista_nps_min
    )
    for seconds, agent_id in fast[: settings.velocista_top_n]:
        awards.append(BadgeAward(agent_id=agent_id, badge=Badge.VELOCISTA, metric=seconds))
    busy = sorted((m for m in agents if m.conversations > 0), key=lambda m: -m.conversations)
    for m in busy[: settings.campeao_volume_top_n]:
        awards.append(
            BadgeAward(agent_id=m.agent_id, badge=Badge.CAMPEAO_VOLUME, metric=m.conversations)
        )
    order = list(Badge)
    awards.sort(key=lambda a: (order.index(a.badge), a.agent_id))
    return tuple(awards)


def rank_agents(
    metrics: Iterable[AgentMetrics], *, settings: GamificationSettings, period: str
) -> GamificationResult:
    """Score, rank and award every agent for *period* (e.g. ``"2026-05"``)."""
    agents = tuple(metrics)
    seen: set[str] = set()
    for m in agents:
        if m.agent_id in seen:
            raise ValidationError(f"agent {m.agent_id!r} appears twice", field="agent_id")
        seen.add(m.agent_id)
    if not period:
        raise ValidationError("the period label cannot be empty", field="period")
    ordered = sorted((score_agent(m, settings) for m in agents), key=ranking_key)
    awards = award_badges(agents, settings)
    won: dict[str, list[Badge]] = {}
    for award in awards:
        won.setdefault(award.agent_id, []).append(award.badge)
    standings = tuple(
        Standing(rank=i, scores=s, badges=tuple(won.get(s.agent_id, ())))
        for i, s in enumerate(ordered, start=1)
    )
    history = tuple(
        HistoryEntry(
            period=period,
            rank=s.rank,
            agent_id=s.scores.agent_id,
            total_score=s.scores.total_score,
            scores=s.scores,
            badges=s.badges,
        )
        for s in standings[: settings.history_size]
    )
    return GamificationResult(period=period, standings=standings, awards=awards, history=history)
