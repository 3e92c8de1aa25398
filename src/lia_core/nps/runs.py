"""A gamification run's inputs and stored outputs: the month, the facts read, the rows kept.

A run takes one calendar month in the ISP's timezone (``YYYY-MM``), reads what each agent
did in it (`HandledTicket`, `RatedAnswer`), turns those facts into `AgentMetrics` for the
core's `rank_agents`, and keeps the result as `StoredRun` rows (scores, badges, top-N
history) that replace the month's previous run. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, tzinfo
from fractions import Fraction

import attrs

from lia_core.errors import ValidationError
from lia_core.nps.gamification import AgentMetrics
from lia_core.nps.ranking import Badge, GamificationResult

__all__ = [
    "MONTH_PATTERN",
    "BadgeRow",
    "HandledTicket",
    "HistoryRow",
    "Month",
    "RatedAnswer",
    "ScoreRow",
    "StoredRun",
    "badges_of",
    "gather_metrics",
    "response_seconds",
    "stored_run",
]

MONTH_PATTERN = r"^[12][0-9]{3}-(0[1-9]|1[0-2])$"
"""A month as ``YYYY-MM``, years 1000-2999 (so a month's end is always a real date)."""
_MONTH = re.compile(MONTH_PATTERN)


@attrs.frozen(order=True)
class Month:
    """A calendar month (the run's period), e.g. ``Month(2026, 11)`` labelled ``2026-11``."""

    year: int
    month: int

    @classmethod
    def parse(cls, raw: str) -> Month:
        """``YYYY-MM`` (month 01-12); ValidationError naming the field ``period`` otherwise."""
        text = raw.strip()
        if _MONTH.fullmatch(text) is None:
            raise ValidationError(
                f"period must be a month as YYYY-MM (e.g. 2026-11), not {raw!r}", field="period"
            )
        return cls(int(text[:4]), int(text[5:]))

    @classmethod
    def of(cls, moment: datetime, tz: tzinfo) -> Month:
        """The month holding the aware *moment* in *tz*."""
        local = moment.astimezone(tz)
        return cls(local.year, local.month)

    @property
    def label(self) -> str:
        """``YYYY-MM``."""
        return f"{self.year:04d}-{self.month:02d}"

    def previous(self) -> Month:
        """The month before."""
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def following(self) -> Month:
        """The month after."""
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """[start, end): local midnight of the 1st of this month and of the next, in *tz*."""
        nxt = self.following()
        return (
            datetime.combine(date(self.year, self.month, 1), time(), tzinfo=tz),
            datetime.combine(date(nxt.year, nxt.month, 1), time(), tzinfo=tz),
        )


@attrs.frozen(kw_only=True)
class HandledTicket:
    """A ticket opened in the month with an agent on it (its assignee when the run reads it)."""

    agent: str
    resolved: bool
    """Resolved or closed by the time of the run."""
    first_response_seconds: int | None
    """From opening to the first public human reply; None when nobody replied yet."""


@attrs.frozen(kw_only=True)
class RatedAnswer:
    """An NPS answer given in the month about *agent* (0-10)."""

    agent: str
    score: int


def response_seconds(opened_at: datetime, first_reply_at: datetime | None) -> int | None:
    """Whole seconds (truncated, at least 0) from opening to the first reply; None without one."""
    if first_reply_at is None:
        return None
    return max(0, int((first_reply_at - opened_at).total_seconds()))


def _half_up(value: Fraction) -> int:
    return (2 * value.numerator + value.denominator) // (2 * value.denominator)


def gather_metrics(
    tickets: Iterable[HandledTicket],
    answers: Iterable[RatedAnswer],
    *,
    participants: Iterable[str],
) -> tuple[AgentMetrics, ...]:
    """Per participant with any ticket or answer in the month, their `AgentMetrics` (by id).

    Conversations are the tickets handled, resolved those resolved or closed; the average
    first response (seconds, rounded half up) counts the tickets with a reply; the average
    NPS is the exact mean answer. Agents outside *participants* are left out.
    """
    allowed = frozenset(participants)
    handled: dict[str, list[HandledTicket]] = {}
    for t in tickets:
        if t.agent in allowed:
            handled.setdefault(t.agent, []).append(t)
    scores: dict[str, list[int]] = {}
    for a in answers:
        if a.agent in allowed:
            scores.setdefault(a.agent, []).append(a.score)
    result: list[AgentMetrics] = []
    for agent in sorted(handled.keys() | scores.keys()):
        mine = handled.get(agent, [])
        waits = [t.first_response_seconds for t in mine if t.first_response_seconds is not None]
        given = scores.get(agent, [])
        result.append(
            AgentMetrics(
                agent_id=agent,
                conversations=len(mine),
                resolved=sum(1 for t in mine if t.resolved),
                avg_response_seconds=_half_up(Fraction(sum(waits), len(waits))) if waits else None,
                avg_nps=Fraction(sum(given), len(given)) if given else None,
            )
        )
    return tuple(result)


@attrs.frozen(kw_only=True)
class ScoreRow:
    """One agent's row of ``gamification_scores``: the month's metrics, scores and place."""

    agent_id: str
    rank: int
    conversations: int
    resolved: int
    avg_nps_centi: int | None
    """The average answer * 100, rounded half up (867: 8.67); None with no answers."""
    success_rate: int
    """Resolved / conversations in % (the resolution score)."""
    avg_response_seconds: int | None
    nps_score: int
    volume_score: int
    resolution_score: int
    time_score: int
    points: int
    """The exact weighted total * 100 (0-10,000)."""
    total_score: int
    """The total rounded half up (0-100)."""
    badges: tuple[Badge, ...] = ()


@attrs.frozen(kw_only=True)
class BadgeRow:
    """A badge won in the month (``gamification_badges``); *metric* is what earned it."""

    agent_id: str
    badge: Badge
    metric: int


@attrs.frozen(kw_only=True)
class HistoryRow:
    """A row of the top-N history (``gamification_history``): its month and place."""

    period: str
    rank: int
    agent_id: str
    total_score: int
    badges: tuple[Badge, ...] = ()


@attrs.frozen(kw_only=True)
class StoredRun:
    """A month's run as stored: the scores by rank, the badges and the history rows."""

    period: str
    calculated_at: datetime
    scores: tuple[ScoreRow, ...]
    badges: tuple[BadgeRow, ...]
    history: tuple[HistoryRow, ...]


def stored_run(result: GamificationResult, *, calculated_at: datetime) -> StoredRun:
    """The rows that keep *result* (computed at *calculated_at*)."""
    scores = tuple(
        ScoreRow(
            agent_id=s.scores.agent_id,
            rank=s.rank,
            conversations=s.scores.metrics.conversations,
            resolved=s.scores.metrics.resolved,
            avg_nps_centi=(
                None
                if s.scores.metrics.avg_nps is None
                else _half_up(s.scores.metrics.avg_nps * 100)
            ),
            success_rate=s.scores.resolution,
            avg_response_seconds=s.scores.metrics.avg_response_seconds,
            nps_score=s.scores.nps,
            volume_score=s.scores.volume,
            resolution_score=s.scores.resolution,
            time_score=s.scores.response_time,
            points=s.scores.points,
            total_score=s.scores.total_score,
            badges=s.badges,
        )
        for s in result.standings
    )
    return StoredRun(
        period=result.period,
        calculated_at=calculated_at,
        scores=scores,
        badges=tuple(
            BadgeRow(agent_id=a.agent_id, badge=a.badge, metric=a.metric) for a in result.awards
        ),
        history=tuple(
            HistoryRow(
                period=h.period,
                rank=h.rank,
                agent_id=h.agent_id,
                total_score=h.total_score,
                badges=h.badges,
            )
            for h in result.history
        ),
    )


def badges_of(badges: Sequence[BadgeRow], agent_id: str) -> tuple[Badge, ...]:
    """The badges *agent_id* won, in the order given."""
    return tuple(b.badge for b in badges if b.agent_id == agent_id)
