"""The gamification store (uow.gamification): settings, the facts a run reads, its rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from lia_core.nps.gamification import GamificationSettings
from lia_core.nps.runs import HandledTicket, HistoryRow, RatedAnswer, StoredRun

__all__ = ["GamificationRepository"]


class GamificationRepository(Protocol):
    """``gamification_settings`` (singleton), ``_scores``, ``_badges`` and ``_history``."""

    async def settings(self) -> GamificationSettings:
        """The stored settings; the defaults (`GamificationSettings()`) while none are stored."""
        ...

    async def save_settings(
        self, settings: GamificationSettings, *, by: str | None, at: datetime
    ) -> None:
        """Store *settings* as the singleton (id 1), saying who changed them and when."""
        ...

    async def handled(self, start: datetime, end: datetime) -> Sequence[HandledTicket]:
        """Tickets opened in [start, end) that have an assignee, as the run reads them."""
        ...

    async def answers(self, start: datetime, end: datetime) -> Sequence[RatedAnswer]:
        """NPS answers given in [start, end) about an agent."""
        ...

    async def replace(self, run: StoredRun) -> None:
        """Make *run* the month's rows: its previous scores, badges and history are deleted."""
        ...

    async def get(self, period: str) -> StoredRun | None:
        """The month's stored run (scores by rank, badges, history), None when never run."""
        ...

    async def history(self, *, periods: int) -> Sequence[HistoryRow]:
        """The history rows of the latest *periods* months run, newest month first, by rank."""
        ...
