"""In-memory gamification store: settings and runs staged per unit of work, read facts from
the fake's tickets and answers (as the SQL adapter reads its tables)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from lia_adapters.memory._tables import Staging
from lia_core.domain.tickets import EventKind, Ticket
from lia_core.nps.gamification import GamificationSettings
from lia_core.nps.runs import (
    HandledTicket,
    HistoryRow,
    RatedAnswer,
    StoredRun,
    response_seconds,
)

__all__ = ["InMemoryGamificationRepository"]


def _first_reply(ticket: Ticket) -> datetime | None:
    replies = [e.at for e in ticket.timeline.events if e.kind is EventKind.HUMAN_PUBLIC_REPLY]
    return min(replies, default=None)


class InMemoryGamificationRepository:
    """Gamification rows in an `InMemoryStore`."""

    def __init__(self, uow: Staging) -> None:
        self._uow = uow

    async def settings(self) -> GamificationSettings:
        """The staged, else the committed, settings; the defaults while none are stored."""
        return (
            self._uow.staged.gamification.settings
            or self._uow.store.gamification.settings
            or GamificationSettings()
        )

    async def save_settings(
        self, settings: GamificationSettings, *, by: str | None, at: datetime
    ) -> None:
        """Stage *settings* as the singleton."""
        self._uow.staged.gamification.settings = settings

    async def handled(self, start: datetime, end: datetime) -> Sequence[HandledTicket]:
        """Tickets opened in [start, end) with an assignee."""
        rows = {**self._uow.store.tickets, **self._uow.staged.tickets}
        return [
            HandledTicket(
                agent=t.assignee,
                resolved=t.status.is_final,
                first_response_seconds=response_seconds(t.opened_at, _first_reply(t)),
            )
            for t in (row.ticket for row in rows.values())
            if t.assignee is not None and start <= t.opened_at < end
        ]

    async def answers(self, start: datetime, end: datetime) -> Sequence[RatedAnswer]:
        """Answers given in [start, end) about an agent."""
        rows = {**self._uow.store.nps_tables.feedback, **self._uow.staged.nps_tables.feedback}
        return [
            RatedAnswer(agent=f.agent, score=f.score)
            for f in rows.values()
            if f.agent is not None and start <= f.created_at < end
        ]

    async def replace(self, run: StoredRun) -> None:
        """Stage *run* as the month's rows."""
        self._uow.staged.gamification.runs[run.period] = run

    async def get(self, period: str) -> StoredRun | None:
        """The month's run, or None."""
        staged = self._uow.staged.gamification.runs.get(period)
        return staged if staged is not None else self._uow.store.gamification.runs.get(period)

    async def history(self, *, periods: int) -> Sequence[HistoryRow]:
        """History rows of the latest *periods* months with a run."""
        runs = {**self._uow.store.gamification.runs, **self._uow.staged.gamification.runs}
        months = sorted((p for p, run in runs.items() if run.history), reverse=True)[:periods]
        return [row for month in months for row in runs[month].history]
