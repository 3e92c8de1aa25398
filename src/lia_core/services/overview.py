"""The supervisor's overview (`services.overview`): the desk counted now and the heatmap of new
conversations, read in one unit of work; the console's "Visão geral" shows it."""

from __future__ import annotations

from datetime import datetime, tzinfo

import attrs

from lia_core.domain.overview import DEFAULT_WEEKS, Heatmap, fold_arrivals, window
from lia_core.ports import Clock, DeskCounts, UnitOfWorkFactory

__all__ = ["Overview", "OverviewReading"]


@attrs.frozen(kw_only=True)
class OverviewReading:
    """What the overview shows, as read at ``at``."""

    at: datetime
    counts: DeskCounts
    heatmap: Heatmap


@attrs.frozen
class Overview:
    """Reads the overview: counts and the weekday x hour heatmap in the desk's timezone."""

    uow: UnitOfWorkFactory
    clock: Clock
    tz: tzinfo

    async def counts(self) -> DeskCounts:
        """The desk counted now (the panel refreshed on every event reads only this)."""
        async with self.uow() as uow:
            return await uow.overview.counts()

    async def heatmap(self, *, weeks: int = DEFAULT_WEEKS) -> Heatmap:
        """The last *weeks* weeks' arrivals by local weekday and hour (the heavier read, so the
        console refreshes it less often). ValidationError names ``weeks``."""
        since, until = window(self.clock.now(), weeks)
        async with self.uow() as uow:
            arrivals = await uow.overview.arrivals(since, until)
        return fold_arrivals(arrivals, self.tz, since=since, until=until)

    async def read(self, *, weeks: int = DEFAULT_WEEKS) -> OverviewReading:
        """The counts now and the last *weeks* weeks' arrivals. ValidationError names ``weeks``."""
        now = self.clock.now()
        since, until = window(now, weeks)
        async with self.uow() as uow:
            counts = await uow.overview.counts()
            arrivals = await uow.overview.arrivals(since, until)
        heatmap = fold_arrivals(arrivals, self.tz, since=since, until=until)
        return OverviewReading(at=now, counts=counts, heatmap=heatmap)
