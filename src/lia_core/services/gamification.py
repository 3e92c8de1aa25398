"""Gamification runs: `lia gamification …`, `/api/v1/gamification`, the worker's schedule.

A run of a month (in the ISP's timezone) reads the tickets opened in it with their assignee
and the NPS answers given in it, leaves out the staff whose ``participates_in_gamification``
is off, scores and ranks with the core (`rank_agents`: deterministic tie-break), awards the
badges, and replaces the month's scores, badges and top-N history in one transaction — so
running a month twice leaves the same rows, and a badge no longer earned is gone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

import attrs

from lia_core.domain.activity import Actor
from lia_core.errors import ValidationError
from lia_core.nps.gamification import GamificationSettings, ScoreWeights
from lia_core.nps.ranking import rank_agents
from lia_core.nps.runs import HistoryRow, Month, StoredRun, gather_metrics, stored_run
from lia_core.ports import Clock, IdGenerator, UnitOfWorkFactory
from lia_core.services.activity import record

__all__ = ["DEFAULT_HISTORY_PERIODS", "Gamification", "SettingsChange"]

DEFAULT_HISTORY_PERIODS = 12
"""How many months of top-N history a listing shows by default."""


@attrs.frozen(kw_only=True)
class SettingsChange:
    """New values for some settings (None: unchanged); the result is validated whole."""

    nps_weight: int | None = None
    volume_weight: int | None = None
    resolution_weight: int | None = None
    response_time_weight: int | None = None
    target_volume: int | None = None
    target_response_seconds: int | None = None
    solucionador_nps_min: int | None = None
    solucionador_resolution_min: int | None = None
    velocista_nps_min: int | None = None
    velocista_top_n: int | None = None
    campeao_volume_top_n: int | None = None
    history_size: int | None = None

    def apply(self, current: GamificationSettings) -> GamificationSettings:
        """*current* with these changes; ValidationError naming the field (``weights``: sum)."""
        w = current.weights

        def pick(new: int | None, old: int) -> int:
            return old if new is None else new

        weights = ScoreWeights(
            nps=pick(self.nps_weight, w.nps),
            volume=pick(self.volume_weight, w.volume),
            resolution=pick(self.resolution_weight, w.resolution),
            response_time=pick(self.response_time_weight, w.response_time),
        )
        rest = {
            name: value
            for name in (
                "target_volume",
                "target_response_seconds",
                "solucionador_nps_min",
                "solucionador_resolution_min",
                "velocista_nps_min",
                "velocista_top_n",
                "campeao_volume_top_n",
                "history_size",
            )
            if (value := getattr(self, name)) is not None
        }
        return attrs.evolve(current, weights=weights, **rest)


@attrs.frozen
class Gamification:
    """Settings, monthly runs and their rankings."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    tz: tzinfo

    async def settings(self) -> GamificationSettings:
        """The settings in force (the defaults while none are stored)."""
        async with self.uow() as uow:
            return await uow.gamification.settings()

    async def update_settings(
        self, change: SettingsChange, *, actor: Actor
    ) -> GamificationSettings:
        """Store the changed settings (audited ``gamification.settings``); ValidationError when
        the result is invalid (weights not summing to 100, a negative threshold, …)."""
        async with self.uow() as uow:
            before = await uow.gamification.settings()
            after = change.apply(before)
            now = self.clock.now()
            await uow.gamification.save_settings(after, by=actor.name, at=now)
            await record(
                uow,
                self.ids,
                actor,
                at=now,
                action="gamification.settings",
                entity="gamification_settings",
                entity_id="1",
                from_state=_weights(before),
                to_state=_weights(after),
            )
            await uow.commit()
        return after

    async def run(self, period: str | Month) -> StoredRun:
        """Score, rank and award *period* (``YYYY-MM``) and replace its rows; the rows kept."""
        month = Month.parse(period) if isinstance(period, str) else period
        start, end = month.bounds(self.tz)
        async with self.uow() as uow:
            settings = await uow.gamification.settings()
            people = await uow.users.list()
            metrics = gather_metrics(
                await uow.gamification.handled(start, end),
                await uow.gamification.answers(start, end),
                participants=(u.username for u in people if u.participates_in_gamification),
            )
            result = rank_agents(metrics, settings=settings, period=month.label)
            run = stored_run(result, calculated_at=self.clock.now())
            await uow.gamification.replace(run)
            await uow.commit()
        return run

    async def run_due(self) -> Sequence[StoredRun]:
        """The worker's job: this month's run, and last month's while its stored run predates
        the month's end (so it is finished once with every ticket and answer of the month)."""
        now = self.clock.now()
        current = Month.of(now, self.tz)
        previous = current.previous()
        async with self.uow() as uow:
            kept = await uow.gamification.get(previous.label)
        runs: list[StoredRun] = []
        if kept is None or kept.calculated_at < previous.bounds(self.tz)[1]:
            runs.append(await self.run(previous))
        runs.append(await self.run(current))
        return runs

    async def ranking(self, period: str) -> StoredRun | None:
        """The month's stored run (None when it was never run); ValidationError for a bad period."""
        month = Month.parse(period)
        async with self.uow() as uow:
            return await uow.gamification.get(month.label)

    async def history(self, *, periods: int = DEFAULT_HISTORY_PERIODS) -> Sequence[HistoryRow]:
        """The top-N history of the latest *periods* months run, newest first."""
        if not 1 <= periods <= 120:
            raise ValidationError("periods must be between 1 and 120", field="periods")
        async with self.uow() as uow:
            return await uow.gamification.history(periods=periods)

    def current_month(self, now: datetime | None = None) -> Month:
        """The month *now* (default: the clock's) falls in, in the ISP's timezone."""
        return Month.of(now or self.clock.now(), self.tz)


def _weights(settings: GamificationSettings) -> str:
    w = settings.weights
    return f"nps={w.nps} volume={w.volume} resolution={w.resolution} time={w.response_time}"
